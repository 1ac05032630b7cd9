package workflows

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/temporalproto"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// -record regenerates testdata/*.json from a small migration run on a dev server:
//
//	go test ./workflows -run TestReplayRecordedHistories -record
//
// Re-record after a deliberate, versioned change of workflow logic; a replay failure
// without such a change means the code lost determinism.
var record = flag.Bool("record", false, "record workflows/testdata/*.json histories from a dev server run")

var replayFiles = []string{
	"testdata/migration.json",            // the parent: pause/resume updates, a failed table, completion
	"testdata/table_first_run.json",      // a table's first run, ending in continue-as-new
	"testdata/table_last_run.json",       // the same table's last run
	"testdata/table_missing_column.json", // a table that fails at introspection
	// Recorded before the end-of-table source row count (GetVersion
	// "table-end-source-row-count"): histories of runs started by earlier releases must
	// keep replaying.
	"testdata/v0/migration.json",
	"testdata/v0/table_first_run.json",
	"testdata/v0/table_last_run.json",
	"testdata/v0/table_missing_column.json",
}

func TestReplayRecordedHistories(t *testing.T) {
	if *record {
		recordHistories(t)
	}
	r := worker.NewWorkflowReplayer()
	r.RegisterWorkflowWithOptions(DataMigrationWorkflow, workflow.RegisterOptions{Name: DataMigrationWorkflowName})
	r.RegisterWorkflowWithOptions(TableMigrationWorkflow, workflow.RegisterOptions{Name: TableMigrationWorkflowName})
	for _, f := range replayFiles {
		if err := r.ReplayWorkflowHistoryFromJSONFile(quietLogger(), f); err != nil {
			t.Errorf("replay %s: %v", f, err)
		}
	}
}

func recordHistories(t *testing.T) {
	c := quietClient(t)
	base := "replay"
	w := newWorld(HostQueue(SourceQueue(base, ""), "host-1"))
	w.add("a", &fakeTable{Partitions: 5, RowsPer: 10, NullRows: 2})
	w.add("b", &fakeTable{Partitions: 2, RowsPer: 10, Missing: `column "id" does not exist in db.public.b`})
	w.add("c", &fakeTable{Partitions: 2, RowsPer: 10})
	startWorkers(t, c, w, base)
	in := migrationInput(Limits{TableWindow: 2, PartitionWindow: 2, PlanPageSize: 2, PartitionsPerRun: 3, MirrorBatch: 4}, "a", "b", "c")
	in.Name, in.TaskQueueBase = "replaymig", base
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: in.Name, TaskQueue: OrchestratorQueue(base, "")},
		DataMigrationWorkflowName, in)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{UpdatePause, UpdateResume} {
		h, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
			WorkflowID: in.Name, UpdateName: u, WaitForStage: client.WorkflowUpdateStageCompleted,
		})
		if err == nil {
			err = h.Get(ctx, nil)
		}
		if err != nil {
			t.Fatalf("update %s: %v", u, err)
		}
	}
	var res MigrationResult
	if err := run.Get(ctx, &res); err != nil {
		t.Fatal(err)
	}
	if res.Outcome != OutcomeCompletedWithFailures || res.TablesCompleted != 2 {
		t.Fatalf("recorded migration ended %+v", res)
	}
	parent := fetchHistory(ctx, t, c, run.GetID(), run.GetRunID())
	writeHistory(t, "testdata/migration.json", parent)
	children := map[string]string{}
	for _, ev := range parent.Events {
		if a := ev.GetChildWorkflowExecutionStartedEventAttributes(); a != nil {
			children[a.GetWorkflowExecution().GetWorkflowId()] = a.GetWorkflowExecution().GetRunId()
		}
	}
	aID := TableWorkflowID(in.Name, tableKeyOf("a"))
	first := fetchHistory(ctx, t, c, aID, children[aID])
	writeHistory(t, "testdata/table_first_run.json", first)
	if first.Events[len(first.Events)-1].GetWorkflowExecutionContinuedAsNewEventAttributes() == nil {
		t.Fatal("table a's first run did not continue as new")
	}
	writeHistory(t, "testdata/table_last_run.json", fetchHistory(ctx, t, c, aID, ""))
	bID := TableWorkflowID(in.Name, tableKeyOf("b"))
	writeHistory(t, "testdata/table_missing_column.json", fetchHistory(ctx, t, c, bID, children[bID]))
}

func fetchHistory(ctx context.Context, t *testing.T, c client.Client, id, runID string) *historypb.History {
	t.Helper()
	h := &historypb.History{}
	it := c.GetWorkflowHistory(ctx, id, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			t.Fatalf("history of %s: %v", id, err)
		}
		h.Events = append(h.Events, ev)
	}
	return h
}

func writeHistory(t *testing.T, path string, h *historypb.History) {
	t.Helper()
	b, err := temporalproto.CustomJSONMarshalOptions{Indent: " "}.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("recorded %s: %d events", path, len(h.Events))
}
