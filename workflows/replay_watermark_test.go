package workflows

import (
	"context"
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

func TestReplayWatermarkHistories(t *testing.T) {
	if *record {
		recordWatermarkHistories(t)
	}
	r := worker.NewWorkflowReplayer()
	r.RegisterWorkflowWithOptions(TableMigrationWorkflow, workflow.RegisterOptions{Name: TableMigrationWorkflowName})
	for _, f := range watermarkReplayFiles {
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
	orch, src, host := registerOnce{}, registerOnce{}, registerOnce{}
	w.registerSnowflake(orch)
	w.registerSource(src)
	w.registerHost(host)
	sync := registerOnce{}
	w.register(sync)
	for name, fn := range sync {
		switch name {
		case sourceapi.MaxWatermarkName, sourceapi.ExtractName, sourceapi.PlanPartitionsName:
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
