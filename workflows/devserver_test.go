package workflows

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/snowmigrate/snowmigrate/internal/testenv"
)

// The tests in this file run the workflows on a real Temporal dev server with a worker
// in the test process and the instant stand-in activities of fakes_test.go, so that
// they measure what only a server shows: history length per run across
// continue-as-new, and exactly-once processing over a whole chain.

// historyWarn is Temporal's warning threshold for events per history (the hard limit is
// 51,200); every run of every workflow must stay under it.
const historyWarn = 10240

// startWorkers runs the orchestrator, source and host workers of one task queue base.
func startWorkers(t *testing.T, c client.Client, w *world, base string) {
	t.Helper()
	// Many pollers: with instant activities, dispatch round trips are the bottleneck.
	opts := worker.Options{
		MaxConcurrentActivityTaskPollers: 32,
		MaxConcurrentWorkflowTaskPollers: 8,
	}
	orch := worker.New(c, OrchestratorQueue(base, ""), opts)
	orch.RegisterWorkflowWithOptions(DataMigrationWorkflow, workflow.RegisterOptions{Name: DataMigrationWorkflowName})
	orch.RegisterWorkflowWithOptions(TableMigrationWorkflow, workflow.RegisterOptions{Name: TableMigrationWorkflowName})
	w.registerSnowflake(orch)
	src := worker.New(c, SourceQueue(base, ""), opts)
	w.registerSource(src)
	host := worker.New(c, w.hostQueue, opts)
	w.registerHost(host)
	for _, wk := range []worker.Worker{orch, src, host} {
		if err := wk.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(wk.Stop)
	}
}

// chainLengths follows a workflow's continue-as-new chain from its first run and
// returns the event count of each run (runID "" starts from the latest run).
func chainLengths(ctx context.Context, c client.Client, id, runID string) ([]int, error) {
	var lengths []int
	for i := 0; (i == 0 || runID != "") && i < 10000; i++ {
		d, err := c.DescribeWorkflowExecution(ctx, id, runID)
		if err != nil {
			return nil, fmt.Errorf("describe %s/%s: %w", id, runID, err)
		}
		lengths = append(lengths, int(d.GetWorkflowExecutionInfo().GetHistoryLength()))
		it := c.GetWorkflowHistory(ctx, id, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT)
		next := ""
		for it.HasNext() {
			ev, err := it.Next()
			if err != nil {
				return nil, err
			}
			if a := ev.GetWorkflowExecutionContinuedAsNewEventAttributes(); a != nil {
				next = a.GetNewExecutionRunId()
			}
		}
		runID = next
	}
	return lengths, nil
}

func maxOf(xs []int) int {
	m := 0
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}

// quietClient dials the shared dev server with a logger that drops the SDK's per-task
// debug lines, which otherwise cost more CPU than the stand-in activities.
func quietClient(t *testing.T) client.Client {
	t.Helper()
	srv := testenv.Temporal(t)
	c, err := client.Dial(client.Options{HostPort: srv.Address(), Namespace: srv.Namespace(), Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// needTime skips a long test when the binary's -timeout cannot fit it: a timeout panic
// would abort every other test of the package. `make test` / CI pass -timeout 30m.
func needTime(t *testing.T) {
	t.Helper()
	if d, ok := t.Deadline(); ok && time.Until(d) < 15*time.Minute {
		t.Skipf("needs about 10 minutes on 2 busy cores but the test binary's -timeout leaves %s: run with -timeout 30m",
			time.Until(d).Round(time.Second))
	}
}

// fastLimits shortens the timeouts that recover a lost activity task. A dev server
// starved of CPU (other builds on a 2-core machine) sometimes marks a task started and
// then fails to deliver it; production timeouts would stall the test for minutes.
func fastLimits(l Limits) Limits {
	l.HeartbeatTimeout = 15 * time.Second
	l.CatalogTimeout = 30 * time.Second
	return l
}

func uniqueBase(prefix string) string {
	return prefix + strconv.FormatInt(time.Now().UnixNano()%1e9, 36)
}

func TestDevServerTableOf20000PartitionsStaysUnderHistoryLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("long: 20,000 partitions through a Temporal dev server")
	}
	needTime(t)
	t.Parallel() // the two long tests share the dev server and overlap their waits
	c := quietClient(t)
	base := uniqueBase("hist-table-")
	w := newWorld(HostQueue(SourceQueue(base, ""), "host-1"))
	const parts, rowsPer = 20000, 3
	w.add("big", &fakeTable{Partitions: parts, RowsPer: rowsPer, NullRows: 1})
	startWorkers(t, c, w, base)

	in := tableInput(t, "big", fastLimits(Limits{PartitionWindow: 100, PlanPageSize: 1000, MirrorBatch: 200}))
	in.TaskQueueBase = base
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	start := time.Now()
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: TableWorkflowID(base, in.TableKey), TaskQueue: OrchestratorQueue(base, "")},
		TableMigrationWorkflowName, in)
	if err != nil {
		t.Fatal(err)
	}
	firstRun := run.GetRunID() // Get follows the chain and moves GetRunID to the last run
	var res TableResult
	if err := run.Get(ctx, &res); err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	if res.Status != "COMPLETED" || res.Partitions != parts+1 || res.Rows != parts*rowsPer+1 || res.Failed != 0 {
		t.Fatalf("result %+v", res)
	}
	w.assertExactlyOnce(t, in.TableKey)
	lengths, err := chainLengths(ctx, c, run.GetID(), firstRun)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, l := range lengths {
		total += l
	}
	t.Logf("20,000 partitions: %s, %d runs, max %d events per run, %d events in all, %d mirror writes",
		elapsed.Round(time.Second), len(lengths), maxOf(lengths), total, w.batches)
	if len(lengths) < 2 || maxOf(lengths) >= historyWarn {
		t.Fatalf("runs %v: every run must stay under %d events", lengths, historyWarn)
	}
}

func TestDevServerMigrationOf3000TablesStaysUnderHistoryLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("long: 3,000 tables through a Temporal dev server")
	}
	needTime(t)
	t.Parallel()
	c := quietClient(t)
	base := uniqueBase("hist-mig-")
	w := newWorld(HostQueue(SourceQueue(base, ""), "host-1"))
	const tables = 3000
	names := make([]string, tables)
	// Every tenth table has one partition of data, the others are empty sources: the
	// parent's history is what this test is about, and empty tables keep it fast
	// (5 activities per table instead of 10).
	dataRows := func(i int) int64 {
		if i%10 != 0 {
			return 0
		}
		return int64(i%7 + 1)
	}
	for i := range names {
		names[i] = "t" + strconv.Itoa(i)
		parts := 0
		if dataRows(i) > 0 {
			parts = 1
		}
		w.add(names[i], &fakeTable{Partitions: parts, RowsPer: max(1, dataRows(i))})
	}
	startWorkers(t, c, w, base)
	in := migrationInput(fastLimits(Limits{TableWindow: 100}), names...)
	in.Name, in.TaskQueueBase = base, base
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	start := time.Now()
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: base, TaskQueue: OrchestratorQueue(base, "")},
		DataMigrationWorkflowName, in)
	if err != nil {
		t.Fatal(err)
	}
	firstRun := run.GetRunID()
	var res MigrationResult
	if err := run.Get(ctx, &res); err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	var wantRows int64
	for i := 0; i < tables; i++ {
		wantRows += dataRows(i)
	}
	if res.Outcome != OutcomeCompleted || res.TablesCompleted != tables || res.Rows != wantRows {
		t.Fatalf("result %+v", res)
	}
	for _, n := range names {
		w.assertExactlyOnce(t, tableKeyOf(n))
		if got := w.tableRecs[tableKeyOf(n)]; len(got) != 2 || got[1] != "COMPLETED" {
			t.Fatalf("%s recorded %v, want EXECUTING then COMPLETED once", n, got)
		}
	}
	if n := w.callCount("SourceIntrospect"); n != tables {
		t.Fatalf("%d introspections for %d tables", n, tables)
	}
	parent, err := chainLengths(ctx, c, run.GetID(), firstRun)
	if err != nil {
		t.Fatal(err)
	}
	// Every child, described concurrently.
	var mu sync.Mutex
	childMax, childTotal := 0, 0
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	var firstErr error
	for _, n := range names {
		wg.Add(1)
		sem <- struct{}{}
		go func(id string) {
			defer wg.Done()
			defer func() { <-sem }()
			l, err := chainLengths(ctx, c, id, "") // one-partition tables never continue as new
			mu.Lock()
			defer mu.Unlock()
			if err != nil && firstErr == nil {
				firstErr = err
			}
			childMax = max(childMax, maxOf(l))
			for _, x := range l {
				childTotal += x
			}
		}(TableWorkflowID(base, tableKeyOf(n)))
	}
	wg.Wait()
	if firstErr != nil {
		t.Fatal(firstErr)
	}
	t.Logf("3,000 tables: %s, parent %d runs (max %d events), children max %d events, %d events in all",
		elapsed.Round(time.Second), len(parent), maxOf(parent), childMax, childTotal)
	if len(parent) < 2 || maxOf(parent) >= historyWarn || childMax >= historyWarn {
		t.Fatalf("parent runs %v, child max %d: every run must stay under %d events", parent, childMax, historyWarn)
	}
}
