package workflows

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/activities/sourceapi"
	"github.com/snowmigrate/snowmigrate/migration"
)

// Histories of the checksum re-sync path (partition_checksum*.go), recorded with
//
//	go test ./workflows -run TestReplayChecksumHistories -record
//
// which records only the files that are missing (delete one to record it again), so
// that an older history keeps guarding the older code path.
// A re-run that reuses the last run's partitions page by page with their checksums,
// skips the unchanged ones, replaces a changed one, loads the new tail and continues
// as new: its first and its last run.
//
// and a re-run whose source computes
// fingerprints, whose open-ended tail is compared while planning and found unchanged
// (GetVersion "checksum-tail-compare"); the same re-run once the page's ranges are
// fingerprinted a page at once (GetVersion "checksum-page-compare" 1), and once the
// page's unchanged ranges are recorded SKIPPED together (version 2).
var checksumReplayFiles = []string{
	"testdata/checksum/table_resync_first_run.json",
	"testdata/checksum/table_resync_last_run.json",
	"testdata/checksum/table_resync_tail_fingerprints.json",
	"testdata/checksum/table_resync_page_compare.json",
	"testdata/checksum/table_resync_page_skips.json",
}

func TestReplayChecksumHistories(t *testing.T) {
	if *record {
		if missing(checksumReplayFiles[0]) || missing(checksumReplayFiles[1]) {
			recordChecksumHistories(t)
		}
		for _, f := range checksumReplayFiles[2:] {
			if missing(f) {
				recordChecksumTailHistory(t, f)
			}
		}
	}
	r := worker.NewWorkflowReplayer()
	r.RegisterWorkflowWithOptions(TableMigrationWorkflow, workflow.RegisterOptions{Name: TableMigrationWorkflowName})
	for _, f := range checksumReplayFiles {
		if err := r.ReplayWorkflowHistoryFromJSONFile(quietLogger(), f); err != nil {
			t.Errorf("replay %s: %v", f, err)
		}
	}
}

func recordChecksumHistories(t *testing.T) {
	c := quietClient(t)
	base := "replayck"
	w := newChecksumWorld(HostQueue(SourceQueue(base, ""), "host-1"))
	startChecksumReplayWorkers(t, c, base, w)
	w.add("events", &fakeTable{Partitions: 5, RowsPer: 10, NullRows: 1})
	w.baseline = "run-0"
	w.stored = []snowflakeapi.ChecksumBaseline{
		{Partition: migration.Partition{Number: 0, NullKeys: true}, Checksum: "v1:sum-0"},
		{Partition: migration.Partition{Number: 1, Upper: []string{"10"}}, Checksum: "v1:sum-1"},
		{Partition: migration.Partition{Number: 2, Lower: []string{"10"}, Upper: []string{"20"}}, Checksum: "v1:sum-2"},
		{Partition: migration.Partition{Number: 3, Lower: []string{"20"}, Upper: []string{"30"}}, Checksum: "v1:sum-3"},
		{Partition: migration.Partition{Number: 4, Lower: []string{"30"}}, Checksum: "v1:sum-4"},
	}
	w.changed[2] = "v1:changed"
	in := checksumInput(t, "events", Limits{PartitionWindow: 2, PlanPageSize: 2, PartitionsPerRun: 3, MirrorBatch: 4})
	in.TaskQueueBase = base
	id := TableWorkflowID(fmt.Sprintf("replayck%d", time.Now().UnixNano()), in.TableKey)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: OrchestratorQueue(base, "")}, TableMigrationWorkflowName, in)
	if err != nil {
		t.Fatal(err)
	}
	firstRun := run.GetRunID()
	var res TableResult
	if err := run.Get(ctx, &res); err != nil {
		t.Fatal(err)
	}
	if res.Status != migration.StatusCompleted || len(w.skips) != 3 || len(w.replaces) != 3 {
		t.Fatalf("recorded table ended %+v, %d skips, %d replaces", res, len(w.skips), len(w.replaces))
	}
	first := fetchHistory(ctx, t, c, id, firstRun)
	if first.Events[len(first.Events)-1].GetWorkflowExecutionContinuedAsNewEventAttributes() == nil {
		t.Fatalf("the first run did not continue as new: %v (%d events)", first.Events[len(first.Events)-1].GetEventType(), len(first.Events))
	}
	writeHistory(t, checksumReplayFiles[0], first)
	writeHistory(t, checksumReplayFiles[1], fetchHistory(ctx, t, c, id, ""))
}

// startChecksumReplayWorkers runs the orchestrator, source and host workers of a
// checksum world on the dev server.
func startChecksumReplayWorkers(t *testing.T, c client.Client, base string, w *checksumWorld) {
	orch, src, host := registerOnce{}, registerOnce{}, registerOnce{}
	w.registerSnowflake(orch)
	w.registerSource(src)
	w.registerHost(host)
	ck := registerOnce{}
	w.register(ck)
	for name, fn := range ck {
		switch name {
		case sourceapi.ChecksumPartitionName, sourceapi.FingerprintPartitionsName, sourceapi.ExtractName:
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

// recordChecksumTailHistory records into file a re-run on a source with
// fingerprints, with a changed middle range and an unchanged open-ended tail (compared
// while planning, skipped).
func recordChecksumTailHistory(t *testing.T, file string) {
	c := quietClient(t)
	base := "replaycktail"
	w := newChecksumWorld(HostQueue(SourceQueue(base, ""), "host-1"))
	w.fingerprints = true
	startChecksumReplayWorkers(t, c, base, w)
	w.add("events", &fakeTable{Partitions: 4, RowsPer: 10})
	w.baseline = "run-0"
	w.stored = []snowflakeapi.ChecksumBaseline{
		{Partition: migration.Partition{Number: 0, NullKeys: true}, Checksum: "v1:sum-0", Fingerprint: "fp1:sum-0"},
		{Partition: migration.Partition{Number: 1, Upper: []string{"10"}}, Checksum: "v1:sum-1", Fingerprint: "fp1:sum-1"},
		{Partition: migration.Partition{Number: 2, Lower: []string{"10"}, Upper: []string{"20"}}, Checksum: "v1:sum-2", Fingerprint: "fp1:sum-2"},
		{Partition: migration.Partition{Number: 3, Lower: []string{"20"}}, Checksum: "v1:sum-4", Fingerprint: "fp1:sum-4"}, // the tail: rangeIndex 4
	}
	w.changed[2] = "v1:changed"
	in := checksumInput(t, "events", Limits{PartitionWindow: 2, PlanPageSize: 2, MirrorBatch: 4})
	in.TaskQueueBase = base
	id := TableWorkflowID(fmt.Sprintf("replaycktail%d", time.Now().UnixNano()), in.TableKey)
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
	if res.Status != migration.StatusCompleted || len(w.skips) != 3 || len(w.replaces) != 1 {
		t.Fatalf("recorded table ended %+v, %d skips (want 3: ranges 0, 1 and the tail), %d replaces (want 1: range 2)", res, len(w.skips), len(w.replaces))
	}
	writeHistory(t, file, fetchHistory(ctx, t, c, id, ""))
}

// missing says whether a history file is absent.
func missing(path string) bool {
	_, err := os.Stat(path)
	return os.IsNotExist(err)
}
