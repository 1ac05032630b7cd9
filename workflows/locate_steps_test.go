package workflows

import (
	"context"
	"strings"
	"sync"
	"testing"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/activities/sourceapi"
	"github.com/snowmigrate/snowmigrate/migration"
)

// A partition whose verify fails with a checksum mismatch (and that has a value
// checksum) gets its differing rows located and recorded, then fails as before; the
// partitions that verify do not start a search.
func TestChecksumMismatchLocatesAndRecordsDifferences(t *testing.T) {
	w := newWorld("h")
	w.add("orders", &fakeTable{Partitions: 4, RowsPer: 10, FailVerify: map[int]bool{3: true}})
	in := tableInput(t, "orders", Limits{PartitionWindow: 2})
	sides := newTwoSides(10)
	sides.setTarget(4, nil)
	res, recorded := runTableWithLocate(t, w, sides, in)
	if res.Failed != 1 || !strings.Contains(res.Error, "verify") {
		t.Fatalf("want the table failed by one partition's verify, got %+v", res)
	}
	if len(recorded) != 1 {
		t.Fatalf("%d RecordDifferences calls, want 1", len(recorded))
	}
	r := recorded[0]
	if r.Partition != 2 || r.TableKey != in.TableKey || r.MigrationRunID != "run-1" || len(r.Differences) != 1 ||
		r.Differences[0].Kind != migration.DiffMissingInTarget || r.Differences[0].Key != "4" || r.Truncated {
		t.Errorf("recorded %+v", r)
	}
	// One search: the source and target bucket checksums of the first round plus one
	// listing, on each side.
	if sides.calls["source"] != 2 || sides.calls["target"] != 2 {
		t.Errorf("search calls %v", sides.calls)
	}
}

// A table whose every partition mismatches is searched for its first
// locateFailedPartitionsMax failed partitions only.
func TestChecksumMismatchSearchesAreBoundedPerTable(t *testing.T) {
	w := newWorld("h")
	fail := map[int]bool{}
	for i := 1; i <= 25; i++ {
		fail[i] = true
	}
	w.add("orders", &fakeTable{Partitions: 25, RowsPer: 10, FailVerify: fail})
	in := tableInput(t, "orders", Limits{PartitionWindow: 1})
	sides := newTwoSides(10)
	sides.setTarget(4, nil)
	res, recorded := runTableWithLocate(t, w, sides, in)
	if res.Failed != 25 {
		t.Fatalf("%d partitions failed, want 25", res.Failed)
	}
	if len(recorded) != locateFailedPartitionsMax {
		t.Errorf("%d searches recorded, want %d", len(recorded), locateFailedPartitionsMax)
	}
}

// runTableWithLocate runs a table workflow whose extractor reports a value checksum,
// with the two sides' locate activities and a RecordDifferences that records its
// inputs; the table is expected to fail.
func runTableWithLocate(t *testing.T, w *world, sides *twoSides, in TableInput) (TableResult, []snowflakeapi.RecordDifferencesInput) {
	t.Helper()
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(quietLogger())
	env := suite.NewTestWorkflowEnvironment()
	env.RegisterWorkflowWithOptions(TableMigrationWorkflow, workflow.RegisterOptions{Name: TableMigrationWorkflowName})
	env.RegisterActivityWithOptions(w.Introspect, activity.RegisterOptions{Name: sourceapi.IntrospectName})
	env.RegisterActivityWithOptions(w.PlanPartitions, activity.RegisterOptions{Name: sourceapi.PlanPartitionsName})
	env.RegisterActivityWithOptions(w.CountRows, activity.RegisterOptions{Name: sourceapi.CountRowsName})
	env.RegisterActivityWithOptions(func(ctx context.Context, in sourceapi.ExtractInput) (sourceapi.ExtractResult, error) {
		res, err := w.Extract(ctx, in)
		res.Checksum = "v1:10:1:1" // the extractor computed a value checksum
		return res, err
	}, activity.RegisterOptions{Name: sourceapi.ExtractName})
	w.registerHost(env)
	w.registerSnowflake(env)
	sides.register(env)
	var (
		mu       sync.Mutex
		recorded []snowflakeapi.RecordDifferencesInput
	)
	env.RegisterActivityWithOptions(func(_ context.Context, in snowflakeapi.RecordDifferencesInput) error {
		mu.Lock()
		recorded = append(recorded, in)
		mu.Unlock()
		return nil
	}, activity.RegisterOptions{Name: snowflakeapi.RecordDifferencesName})
	env.ExecuteWorkflow(TableMigrationWorkflowName, in)
	res, ok := TableResultFromError(env.GetWorkflowError())
	if !ok {
		t.Fatalf("want a failed table, got %v", env.GetWorkflowError())
	}
	return res, recorded
}
