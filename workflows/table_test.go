package workflows

import (
	"strings"
	"testing"
	"time"

	"github.com/snowmigrate/snowmigrate/activities/sourceapi"
	"github.com/snowmigrate/snowmigrate/migration"
)

func TestTableHappyPathMovesEveryPartitionOnce(t *testing.T) {
	w := newWorld("snowmigrate-source/host-1")
	w.add("orders", &fakeTable{Partitions: 10, RowsPer: 100, NullRows: 7})
	in := tableInput(t, "orders", Limits{PlanPageSize: 4, PartitionWindow: 3, MirrorBatch: 5})
	res, err := runTable(t, w, in)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != migration.StatusCompleted || res.Rows != 1007 || res.Partitions != 11 || res.Failed != 0 || res.Bytes != 10070 {
		t.Fatalf("result %+v", res)
	}
	w.assertExactlyOnce(t, in.TableKey)
	if got := w.loadedRow[in.TableKey]; got != 1007 {
		t.Fatalf("loaded %d rows", got)
	}
	if got := w.callCount(sourceapi.PlanPartitionsName); got != 3 {
		t.Fatalf("plan pages %d, want 3 (10 ranges by 4)", got)
	}
	recs := w.partRecs[in.TableKey]
	if len(recs) != 11 {
		t.Fatalf("mirror has %d partitions, want 11", len(recs))
	}
	var mirrored int64
	for n, u := range recs {
		if u.Status != migration.StatusCompleted {
			t.Fatalf("partition %d mirrored as %s", n, u.Status)
		}
		mirrored += u.Rows
	}
	if mirrored != 1007 {
		t.Fatalf("mirror rows %d", mirrored)
	}
	if w.maxBatch > 5 {
		t.Fatalf("mirror batch of %d updates exceeds the limit 5", w.maxBatch)
	}
	if w.batches >= 33 { // 11 partitions × 3 states, coalesced and batched
		t.Fatalf("%d mirror writes: not batched", w.batches)
	}
	if got := strings.Join(w.tableRecs[in.TableKey], ","); got != "EXECUTING,COMPLETED" {
		t.Fatalf("table records %s", got)
	}
}

func TestTablePartitionFailingPermanentlyFailsTableAfterTheOthers(t *testing.T) {
	w := newWorld("h")
	w.add("orders", &fakeTable{Partitions: 6, RowsPer: 10, FailVerify: map[int]bool{3: true}})
	in := tableInput(t, "orders", Limits{PartitionWindow: 2})
	_, err := runTable(t, w, in)
	res, ok := TableResultFromError(err)
	if !ok || appType(err) != ErrTypeTableFailed {
		t.Fatalf("want a TableMigrationFailed error with the result, got %v", err)
	}
	if res.Status != migration.StatusFailed || res.Failed != 1 || res.Partitions != 6 || res.Rows != 50 {
		t.Fatalf("result %+v", res)
	}
	if !strings.Contains(res.Error, "1 of 6 partitions") || !strings.Contains(res.Error, "partition 2: verify") ||
		!strings.Contains(res.Error, "rows extracted") {
		t.Fatalf("error text: %s", res.Error)
	}
	if got := w.callCount("SnowflakeVerifyPartition"); got != 6 {
		t.Fatalf("verify calls %d: a permanent error must not be retried", got)
	}
	u := w.partRecs[in.TableKey][2]
	if u.Status != migration.StatusFailed || !strings.Contains(u.Error, "rows extracted") {
		t.Fatalf("mirror of the failed partition: %+v", u)
	}
	if got := strings.Join(w.tableRecs[in.TableKey], ","); got != "EXECUTING,FAILED" {
		t.Fatalf("table records %s", got)
	}
}

func TestTableMissingSourceColumnFailsAtOnce(t *testing.T) {
	w := newWorld("h")
	w.add("orders", &fakeTable{Partitions: 3, RowsPer: 10, Missing: `column "id" of db.public.orders does not exist: fix columnNamesToPartitionBy`})
	in := tableInput(t, "orders", Limits{})
	_, err := runTable(t, w, in)
	res, ok := TableResultFromError(err)
	if !ok || res.Status != migration.StatusFailed || !strings.Contains(res.Error, `column "id" of db.public.orders does not exist`) {
		t.Fatalf("got %+v, %v", res, err)
	}
	if n := w.callCount(sourceapi.IntrospectName); n != 1 {
		t.Fatalf("introspect called %d times: a missing column is permanent", n)
	}
	if n := w.callCount(sourceapi.ExtractName); n != 0 {
		t.Fatalf("extract called %d times", n)
	}
	if got := strings.Join(w.tableRecs[in.TableKey], ","); got != "FAILED" {
		t.Fatalf("table records %s", got)
	}
}

func TestTableUploadHostGoneReExtractsElsewhere(t *testing.T) {
	w := newWorld("h")
	w.add("orders", &fakeTable{Partitions: 4, RowsPer: 10, UploadGone: map[int]int{2: 1}})
	in := tableInput(t, "orders", Limits{})
	res, err := runTable(t, w, in)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != migration.StatusCompleted || res.Rows != 40 {
		t.Fatalf("result %+v", res)
	}
	if got := w.extracts[rangeID(in.TableKey, 2)]; got != 2 {
		t.Fatalf("range 2 extracted %d times, want 2 (once more after its host vanished)", got)
	}
	if got := w.extracts[rangeID(in.TableKey, 1)]; got != 1 {
		t.Fatalf("range 1 extracted %d times", got)
	}
	w.assertExactlyOnce(t, in.TableKey)
	if u := w.partRecs[in.TableKey][1]; u.Attempts != 2 || u.Status != migration.StatusCompleted {
		t.Fatalf("mirror of the redone partition: %+v", u)
	}
}

func TestTableUploadHostGoneTooOftenFailsPartition(t *testing.T) {
	w := newWorld("h")
	w.add("orders", &fakeTable{Partitions: 3, RowsPer: 10, UploadGone: map[int]int{2: 99}})
	in := tableInput(t, "orders", Limits{ExtractRounds: 3})
	_, err := runTable(t, w, in)
	res, ok := TableResultFromError(err)
	if !ok || res.Failed != 1 || res.Rows != 20 || !strings.Contains(res.Error, "no worker polled h within 2m0s in 3 rounds") || !strings.Contains(res.Error, "ScheduleToStart") {
		t.Fatalf("got %+v, %v", res, err)
	}
	if got := w.extracts[rangeID(in.TableKey, 2)]; got != 3 {
		t.Fatalf("range 2 extracted %d times, want 3 rounds", got)
	}
}

func TestTableZeroRowsLoadedWhileSourceHasRowsFails(t *testing.T) {
	w := newWorld("h")
	w.add("orders", &fakeTable{Partitions: 2, RowsPer: 10, LoadNothing: true})
	_, err := runTable(t, w, tableInput(t, "orders", Limits{}))
	res, ok := TableResultFromError(err)
	if !ok || !strings.Contains(res.Error, "has rows but none were loaded") || !strings.Contains(res.Error, "whereClauseCriteria") {
		t.Fatalf("got %+v, %v", res, err)
	}
}

func TestTableNoPartitionsWhileSourceHasRowsFails(t *testing.T) {
	w := newWorld("h")
	w.add("orders", &fakeTable{Partitions: 0, RowsPer: 10, HasRowsAnyway: true})
	_, err := runTable(t, w, tableInput(t, "orders", Limits{}))
	res, ok := TableResultFromError(err)
	if !ok || res.Partitions != 0 || !strings.Contains(res.Error, "has rows but none were loaded") {
		t.Fatalf("got %+v, %v", res, err)
	}
}

func TestTableEmptySourceCompletesWithZeroRows(t *testing.T) {
	w := newWorld("h")
	w.add("orders", &fakeTable{Partitions: 0, RowsPer: 10})
	res, err := runTable(t, w, tableInput(t, "orders", Limits{}))
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != migration.StatusCompleted || res.Rows != 0 {
		t.Fatalf("result %+v", res)
	}
}

func TestTablePauseStopsStartingPartitionsUntilResume(t *testing.T) {
	w := newWorld("h")
	w.add("orders", &fakeTable{Partitions: 5, RowsPer: 10})
	env := newEnv(t, w)
	env.RegisterDelayedCallback(func() { env.SignalWorkflow(SignalPause, nil) }, 0)
	checked := false
	env.RegisterDelayedCallback(func() {
		v, err := env.QueryWorkflow(QueryProgress)
		if err != nil {
			t.Error(err)
			return
		}
		var p TableProgress
		if err := v.Get(&p); err != nil {
			t.Error(err)
		}
		if p.Status != migration.StatusPaused || p.PartitionsCompleted != 0 || w.callCount(sourceapi.ExtractName) != 0 {
			t.Errorf("while paused: %+v, %d extracts", p, w.callCount(sourceapi.ExtractName))
		}
		checked = true
		env.SignalWorkflow(SignalResume, nil)
	}, time.Hour)
	in := tableInput(t, "orders", Limits{})
	env.ExecuteWorkflow(TableMigrationWorkflowName, in)
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if !checked {
		t.Fatal("the paused state was never observed")
	}
	var res TableResult
	_ = env.GetWorkflowResult(&res)
	if res.Rows != 50 {
		t.Fatalf("after resume: %+v", res)
	}
	w.assertExactlyOnce(t, in.TableKey)
}

func TestTableCancelRecordsCancelled(t *testing.T) {
	w := newWorld("h")
	gate := make(chan struct{})
	defer close(gate)
	w.add("orders", &fakeTable{Partitions: 5, RowsPer: 10, GateExtract: gate})
	env := newEnv(t, w)
	env.RegisterDelayedCallback(env.CancelWorkflow, 50*time.Millisecond)
	in := tableInput(t, "orders", Limits{PartitionWindow: 1})
	env.ExecuteWorkflow(TableMigrationWorkflowName, in)
	err := env.GetWorkflowError()
	if err == nil || !strings.Contains(strings.ToLower(err.Error()), "cancel") {
		t.Fatalf("want cancellation, got %v", err)
	}
	if got := strings.Join(w.tableRecs[in.TableKey], ","); got != "EXECUTING,CANCELLED" {
		t.Fatalf("table records %s", got)
	}
	if u := w.partRecs[in.TableKey][0]; u.Status != migration.StatusCancelled {
		t.Fatalf("in-flight partition mirrored as %+v", u)
	}
	if n := w.callCount("SnowflakeLoadPartition"); n != 0 {
		t.Fatalf("%d loads after cancel", n)
	}
}

func TestTableContinuesAsNewWithSmallStateAndResumesExactlyOnce(t *testing.T) {
	w := newWorld("h")
	w.add("orders", &fakeTable{Partitions: 10, RowsPer: 100, NullRows: 5})
	in := tableInput(t, "orders", Limits{PartitionsPerRun: 3, PlanPageSize: 4, PartitionWindow: 2})
	_, err := runTable(t, w, in)
	var next TableInput
	size := continuedInput(t, err, &next)
	st := next.State
	if st == nil {
		t.Fatal("no state carried")
	}
	// NULL-key partition first, then ranges 1 and 2.
	if st.Started != 3 || st.Completed != 3 || !st.NullKeysDone || st.PlanDone || st.Rows != 205 ||
		len(st.PlanAfter) != 1 || st.PlanAfter[0] != "200" || st.NextNumber != 5 || st.Runs != 1 {
		t.Fatalf("carried state %+v", *st)
	}
	if len(st.Intro.Columns) != 2 || st.Target.Table == "" {
		t.Fatalf("introspection not carried: %+v", st.Intro)
	}
	if size > 3000 {
		t.Fatalf("continue-as-new input is %d bytes: state must stay small", size)
	}
	runs := 1
	var res TableResult
	for ; runs < 10; runs++ {
		res, err = runTable(t, w, next)
		if err == nil {
			break
		}
		next = TableInput{}
		continuedInput(t, err, &next)
	}
	if err != nil || res.Status != migration.StatusCompleted || res.Rows != 1005 || res.Partitions != 11 {
		t.Fatalf("after %d runs: %+v, %v", runs, res, err)
	}
	if runs != 3 { // 3 + 3 + 3 + 2 partitions
		t.Fatalf("%d runs, want 4 in all", runs+1)
	}
	w.assertExactlyOnce(t, in.TableKey)
	if n := w.callCount(sourceapi.IntrospectName); n != 1 {
		t.Fatalf("introspected %d times: the result must be carried", n)
	}
	if got := strings.Join(w.tableRecs[in.TableKey], ","); got != "EXECUTING,COMPLETED" {
		t.Fatalf("table records %s", got)
	}
}
