package workflows

import (
	"context"
	"flag"
	"slices"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/snowmigrate/snowmigrate/activities/sourceapi"
	"github.com/snowmigrate/snowmigrate/migration"
)

// Histories of the watermark re-sync path (partition_watermark*.go), recorded with
//
//	go test ./workflows -run TestReplayWatermarkHistories -record
//
// A re-run that merges, reuses the last run's partitions page by page and continues
// as new: its first and its last run.
var watermarkReplayFiles = []string{
	"testdata/watermark/table_resync_first_run.json",
	"testdata/watermark/table_resync_last_run.json",
}

// watermarkVerifyReplayFile is an append re-run whose loaded partitions are verified
// over the window (GetVersion watermark-verify-window) and whose mark is recorded
// beside the mirror flush (watermark-mark-with-mirror), one range's window empty:
// recorded with -record, or alone with -record-watermark-verify.
const watermarkVerifyReplayFile = "testdata/watermark/table_resync_verify.json"

var recordWatermarkVerify = flag.Bool("record-watermark-verify", false, "record "+watermarkVerifyReplayFile+" from a dev server run")

// watermarkProbeReplayFile is an append re-run whose pages of reused partitions are
// probed (GetVersion watermark-probe-window): two of the four reused ranges hold no
// row of the window and run no Extract. Recorded with -record, or alone with
// -record-watermark-probe.
const watermarkProbeReplayFile = "testdata/watermark/table_resync_probe.json"

var recordWatermarkProbe = flag.Bool("record-watermark-probe", false, "record "+watermarkProbeReplayFile+" from a dev server run")

func TestReplayWatermarkHistories(t *testing.T) {
	if *record {
		recordWatermarkHistories(t)
	}
	if *record || *recordWatermarkVerify {
		recordWatermarkVerifyHistory(t)
	}
	if *record || *recordWatermarkProbe {
		recordWatermarkProbeHistory(t)
	}
	r := worker.NewWorkflowReplayer()
	r.RegisterWorkflowWithOptions(TableMigrationWorkflow, workflow.RegisterOptions{Name: TableMigrationWorkflowName})
	for _, f := range append(watermarkReplayFiles, watermarkVerifyReplayFile, watermarkProbeReplayFile) {
		if err := r.ReplayWorkflowHistoryFromJSONFile(quietLogger(), f); err != nil {
			t.Errorf("replay %s: %v", f, err)
		}
	}
}

// registerOnce registers activities by name; later entries replace earlier ones (a
// real worker refuses a name registered twice).
type registerOnce map[string]any

func (m registerOnce) RegisterActivityWithOptions(a any, o activity.RegisterOptions) { m[o.Name] = a }

func (m registerOnce) into(w worker.Worker) {
	for name, fn := range m {
		w.RegisterActivityWithOptions(fn, activity.RegisterOptions{Name: name})
	}
}

func recordWatermarkHistories(t *testing.T) {
	c := quietClient(t)
	base := "replaywm"
	w := newSyncWorld(HostQueue(SourceQueue(base, ""), "host-1"))
	w.add("events", &fakeTable{Partitions: 5, RowsPer: 10, NullRows: 1})
	w.low, w.high, w.baseline = sp("41"), sp("97"), "run-0"
	w.stored = []migration.Partition{
		{Number: 0, NullKeys: true},
		{Number: 1, Upper: []string{"10"}},
		{Number: 2, Lower: []string{"10"}, Upper: []string{"20"}},
		{Number: 3, Lower: []string{"20"}},
	}
	startSyncWorkers(t, c, base, w)
	in := watermarkInput(t, "events", true, Limits{PartitionWindow: 2, PlanPageSize: 2, PartitionsPerRun: 3, MirrorBatch: 4})
	in.TaskQueueBase = base
	id := TableWorkflowID("replaywm", in.TableKey)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: OrchestratorQueue(base, "")}, TableMigrationWorkflowName, in)
	if err != nil {
		t.Fatal(err)
	}
	firstRun := run.GetRunID() // Get follows continue-as-new and moves GetRunID along
	var res TableResult
	if err := run.Get(ctx, &res); err != nil {
		t.Fatal(err)
	}
	if res.Status != migration.StatusCompleted || res.Rows != 51 || len(w.marks) != 1 || len(w.syncLoad) != 6 {
		t.Fatalf("recorded table ended %+v, %d marks, %d sync loads", res, len(w.marks), len(w.syncLoad))
	}
	first := fetchHistory(ctx, t, c, id, firstRun)
	if first.Events[len(first.Events)-1].GetWorkflowExecutionContinuedAsNewEventAttributes() == nil {
		t.Fatalf("the first run did not continue as new: %v (%d events)", first.Events[len(first.Events)-1].GetEventType(), len(first.Events))
	}
	writeHistory(t, watermarkReplayFiles[0], first)
	writeHistory(t, watermarkReplayFiles[1], fetchHistory(ctx, t, c, id, ""))
}

func recordWatermarkVerifyHistory(t *testing.T) {
	c := quietClient(t)
	base := "replaywmv"
	w := newSyncWorld(HostQueue(SourceQueue(base, ""), "host-1"))
	w.add("events", &fakeTable{Partitions: 3, RowsPer: 10})
	w.low, w.high, w.baseline, w.empty = sp("41"), sp("97"), "run-0", map[int]bool{2: true}
	w.stored = []migration.Partition{
		{Number: 1, Upper: []string{"10"}},
		{Number: 2, Lower: []string{"10"}, Upper: []string{"20"}},
		{Number: 3, Lower: []string{"20"}},
	}
	startSyncWorkers(t, c, base, w)
	in := watermarkInput(t, "events", false, Limits{PartitionWindow: 2})
	in.TaskQueueBase = base
	id := TableWorkflowID(base, in.TableKey)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: OrchestratorQueue(base, "")}, TableMigrationWorkflowName, in)
	if err != nil {
		t.Fatal(err)
	}
	var res TableResult
	if err := run.Get(ctx, &res); err != nil {
		t.Fatal(err)
	}
	if res.Status != migration.StatusCompleted || res.Rows != 20 || len(w.marks) != 1 || len(w.syncLoad) != 2 || len(w.verifies) != 2 {
		t.Fatalf("recorded table ended %+v, %d marks, %d sync loads, %d verifies", res, len(w.marks), len(w.syncLoad), len(w.verifies))
	}
	writeHistory(t, watermarkVerifyReplayFile, fetchHistory(ctx, t, c, id, ""))
}

func recordWatermarkProbeHistory(t *testing.T) {
	c := quietClient(t)
	base := "replaywmp"
	w := newSyncWorld(HostQueue(SourceQueue(base, ""), "host-1"))
	w.add("events", &fakeTable{Partitions: 5, RowsPer: 10})
	w.low, w.high, w.baseline, w.empty = sp("41"), sp("97"), "run-0", map[int]bool{2: true, 3: true}
	w.stored = []migration.Partition{
		{Number: 1, Upper: []string{"10"}},
		{Number: 2, Lower: []string{"10"}, Upper: []string{"20"}},
		{Number: 3, Lower: []string{"20"}, Upper: []string{"30"}},
		{Number: 4, Lower: []string{"30"}, Upper: []string{"40"}},
		{Number: 5, Lower: []string{"40"}},
	}
	startSyncWorkers(t, c, base, w)
	in := watermarkInput(t, "events", false, Limits{PartitionWindow: 2, PlanPageSize: 3})
	in.TaskQueueBase = base
	id := TableWorkflowID(base, in.TableKey)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: OrchestratorQueue(base, "")}, TableMigrationWorkflowName, in)
	if err != nil {
		t.Fatal(err)
	}
	var res TableResult
	if err := run.Get(ctx, &res); err != nil {
		t.Fatal(err)
	}
	if res.Status != migration.StatusCompleted || res.Rows != 30 || len(w.marks) != 1 || len(w.probes) != 2 || slices.Contains(w.extracted, 2) || slices.Contains(w.extracted, 3) {
		t.Fatalf("recorded table ended %+v, %d marks, probes %v, extracts %v", res, len(w.marks), w.probes, w.extracted)
	}
	writeHistory(t, watermarkProbeReplayFile, fetchHistory(ctx, t, c, id, ""))
}

// startSyncWorkers runs the fake sync world's activities on the orchestrator, source and
// host queues of base, with the table workflow, until the test ends.
func startSyncWorkers(t *testing.T, c client.Client, base string, w *syncWorld) {
	t.Helper()
	orch, src, host := registerOnce{}, registerOnce{}, registerOnce{}
	w.registerSnowflake(orch)
	w.registerSource(src)
	w.registerHost(host)
	sync := registerOnce{}
	w.register(sync)
	for name, fn := range sync {
		switch name {
		case sourceapi.MaxWatermarkName, sourceapi.ExtractName, sourceapi.PlanPartitionsName, sourceapi.ProbeWindowName:
			src[name] = fn
		default:
			orch[name] = fn
		}
	}
	wo := worker.New(c, OrchestratorQueue(base, ""), worker.Options{})
	wo.RegisterWorkflowWithOptions(TableMigrationWorkflow, workflow.RegisterOptions{Name: TableMigrationWorkflowName})
	orch.into(wo)
	ws := worker.New(c, SourceQueue(base, ""), worker.Options{})
	src.into(ws)
	wh := worker.New(c, w.hostQueue, worker.Options{})
	host.into(wh)
	for _, wk := range []worker.Worker{wo, ws, wh} {
		if err := wk.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(wk.Stop)
	}
}
