package workflows

import (
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/activities/sourceapi"
	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/migration"
)

func migrationInput(lim Limits, names ...string) MigrationInput {
	return MigrationInput{
		Name: "m1", ConnectionName: "local", SourcePlatform: config.PlatformPostgreSQL,
		Config: migrationConfig(names...), Limits: lim,
	}
}

func runMigration(t *testing.T, env *testsuite.TestWorkflowEnvironment, in MigrationInput) (MigrationResult, error) {
	t.Helper()
	env.ExecuteWorkflow(DataMigrationWorkflowName, in)
	if !env.IsWorkflowCompleted() {
		t.Fatal("migration did not complete")
	}
	var res MigrationResult
	err := env.GetWorkflowError()
	if err == nil {
		if gerr := env.GetWorkflowResult(&res); gerr != nil {
			t.Fatal(gerr)
		}
	}
	return res, err
}

func (w *world) workflowStatuses() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var s []string
	for _, r := range w.wfRecs {
		s = append(s, r.Status)
	}
	return strings.Join(s, ",")
}

func TestMigrationHappyPath(t *testing.T) {
	w := newWorld("h")
	w.add("a", &fakeTable{Partitions: 3, RowsPer: 10})
	w.add("b", &fakeTable{Partitions: 5, RowsPer: 7, NullRows: 2})
	w.add("c", &fakeTable{Partitions: 0, RowsPer: 1})
	env := newEnv(t, w)
	res, err := runMigration(t, env, migrationInput(Limits{TableWindow: 2}, "a", "b", "c"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Outcome != OutcomeCompleted || res.TablesTotal != 3 || res.TablesCompleted != 3 || res.Rows != 30+35+2 || len(res.Failures) != 0 {
		t.Fatalf("result %+v", res)
	}
	for _, n := range []string{"a", "b", "c"} {
		w.assertExactlyOnce(t, tableKeyOf(n))
		if got := strings.Join(w.tableRecs[tableKeyOf(n)], ","); got != "EXECUTING,COMPLETED" {
			t.Fatalf("%s records %s", n, got)
		}
	}
	if got := w.workflowStatuses(); got != "EXECUTING,COMPLETED" {
		t.Fatalf("workflow records %s", got)
	}
	last := w.wfRecs[len(w.wfRecs)-1]
	if last.TablesCompleted != 3 || last.EndedAt == nil || last.RunID == "" || w.wfRecs[0].ConfigJSON == "" {
		t.Fatalf("final record %+v", last)
	}
}

func TestMigrationTableWithMissingColumnFailsWhileOthersComplete(t *testing.T) {
	w := newWorld("h")
	w.add("a", &fakeTable{Partitions: 2, RowsPer: 10})
	w.add("b", &fakeTable{Partitions: 2, RowsPer: 10, Missing: `column "id" does not exist in db.public.b`})
	w.add("c", &fakeTable{Partitions: 2, RowsPer: 10})
	env := newEnv(t, w)
	res, err := runMigration(t, env, migrationInput(Limits{}, "a", "b", "c"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Outcome != OutcomeCompletedWithFailures || res.TablesCompleted != 2 || res.TablesFailed != 1 || res.Rows != 40 {
		t.Fatalf("result %+v", res)
	}
	if len(res.Failures) != 1 || res.Failures[0].TableKey != "db.public.b" || !strings.Contains(res.Failures[0].Error, `column "id" does not exist`) {
		t.Fatalf("failures %+v", res.Failures)
	}
	if got := w.workflowStatuses(); got != "EXECUTING,COMPLETED_WITH_FAILURES" {
		t.Fatalf("workflow records %s", got)
	}
}

func TestMigrationEveryTableFailingFailsWithResult(t *testing.T) {
	w := newWorld("h")
	w.add("a", &fakeTable{Partitions: 2, RowsPer: 10, LoadNothing: true})
	env := newEnv(t, w)
	_, err := runMigration(t, env, migrationInput(Limits{}, "a"))
	res, ok := MigrationResultFromError(err)
	if !ok || res.Outcome != OutcomeFailed || res.TablesFailed != 1 || !strings.Contains(res.Failures[0].Error, "none were loaded") {
		t.Fatalf("got %+v, %v", res, err)
	}
	if got := w.workflowStatuses(); got != "EXECUTING,FAILED" {
		t.Fatalf("workflow records %s", got)
	}
}

func TestMigrationInvalidConfigFailsBeforeAnything(t *testing.T) {
	w := newWorld("h")
	in := migrationInput(Limits{}, "a", "b")
	in.Config.Tables[1].ColumnNamesToPartitionBy = nil
	env := newEnv(t, w)
	_, err := runMigration(t, env, in)
	if appType(err) != migration.ErrTypeConfig || !strings.Contains(err.Error(), "tables[1].columnNamesToPartitionBy") {
		t.Fatalf("got %v", err)
	}
	if n := w.callCount(snowflakeapi.EnsureMetadataName); n != 0 {
		t.Fatalf("metadata touched %d times for an invalid configuration", n)
	}
}

func TestMigrationMetadataUnreachableFails(t *testing.T) {
	w := newWorld("h")
	w.add("a", &fakeTable{Partitions: 1, RowsPer: 1})
	in := migrationInput(Limits{}, "a")
	in.ConnectionName = "unreachable"
	env := newEnv(t, w)
	_, err := runMigration(t, env, in)
	res, ok := MigrationResultFromError(err)
	if !ok || res.Outcome != OutcomeFailed || !strings.Contains(err.Error(), "login refused") {
		t.Fatalf("got %+v, %v", res, err)
	}
	if n := w.callCount(sourceapi.IntrospectName); n != 0 {
		t.Fatalf("%d tables started without metadata", n)
	}
}

func update(t *testing.T, env *testsuite.TestWorkflowEnvironment, name string, args ...interface{}) {
	t.Helper()
	env.UpdateWorkflow(name, name+"-"+time.Now().Format("150405.000000000"), &testsuite.TestUpdateCallback{
		OnReject: func(err error) { t.Errorf("update %s rejected: %v", name, err) },
		OnAccept: func() {},
		OnComplete: func(_ interface{}, err error) {
			if err != nil {
				t.Errorf("update %s failed: %v", name, err)
			}
		},
	}, args...)
}

func progressOf(t *testing.T, env *testsuite.TestWorkflowEnvironment) MigrationProgress {
	t.Helper()
	v, err := env.QueryWorkflow(QueryProgress)
	if err != nil {
		t.Fatal(err)
	}
	var p MigrationProgress
	if err := v.Get(&p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestMigrationPauseForwardsToRunningTableAndResume(t *testing.T) {
	w := newWorld("h")
	gate := make(chan struct{})
	w.add("a", &fakeTable{Partitions: 4, RowsPer: 10, GateExtract: gate})
	w.add("b", &fakeTable{Partitions: 2, RowsPer: 10})
	env := newEnv(t, w)
	env.RegisterDelayedCallback(func() { update(t, env, UpdatePause) }, 100*time.Millisecond)
	env.RegisterDelayedCallback(func() { close(gate) }, 200*time.Millisecond)
	observed := false
	env.RegisterDelayedCallback(func() {
		p := progressOf(t, env)
		if p.Status != migration.StatusPaused || len(p.Running) != 1 || p.Running[0].TableKey != "db.public.a" ||
			p.Running[0].Status != migration.StatusPaused || p.TablesCompleted != 0 {
			t.Errorf("while paused: %+v", p)
		}
		// Table a finished its one in-flight partition and started no other; b never started.
		if n := w.callCount(sourceapi.ExtractName); n != 1 {
			t.Errorf("%d extracts while paused, want 1", n)
		}
		if n := w.callCount(sourceapi.IntrospectName); n != 1 {
			t.Errorf("%d tables introspected while paused, want 1", n)
		}
		observed = true
		update(t, env, UpdateResume)
	}, time.Hour)
	res, err := runMigration(t, env, migrationInput(Limits{TableWindow: 1, PartitionWindow: 1}, "a", "b"))
	if err != nil {
		t.Fatal(err)
	}
	if !observed {
		t.Fatal("paused state never observed")
	}
	if res.Outcome != OutcomeCompleted || res.TablesCompleted != 2 || res.Rows != 60 {
		t.Fatalf("result %+v", res)
	}
	w.assertExactlyOnce(t, "db.public.a")
	w.assertExactlyOnce(t, "db.public.b")
}

func TestMigrationCancelTableRunningAndNotStarted(t *testing.T) {
	w := newWorld("h")
	gate := make(chan struct{})
	defer close(gate)
	w.add("a", &fakeTable{Partitions: 4, RowsPer: 10, GateExtract: gate})
	w.add("b", &fakeTable{Partitions: 2, RowsPer: 10})
	w.add("c", &fakeTable{Partitions: 2, RowsPer: 10})
	env := newEnv(t, w)
	env.RegisterDelayedCallback(func() {
		update(t, env, UpdateCancelTable, "db.public.a")
		update(t, env, UpdateCancelTable, "db.public.c")
		env.UpdateWorkflow(UpdateCancelTable, "bad", &testsuite.TestUpdateCallback{
			OnReject: func(err error) {
				if !strings.Contains(err.Error(), `no table "db.public.nope"`) {
					t.Errorf("rejection text: %v", err)
				}
			},
			OnAccept:   func() { t.Error("unknown table accepted") },
			OnComplete: func(interface{}, error) {},
		}, "db.public.nope")
	}, 100*time.Millisecond)
	res, err := runMigration(t, env, migrationInput(Limits{TableWindow: 1}, "a", "b", "c"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Outcome != OutcomeCompleted || res.TablesCompleted != 1 || res.TablesCancelled != 2 || res.Rows != 20 {
		t.Fatalf("result %+v", res)
	}
	if got := strings.Join(w.tableRecs["db.public.a"], ","); got != "EXECUTING,CANCELLED" {
		t.Fatalf("a records %s", got)
	}
	if len(w.tableRecs["db.public.c"]) != 0 {
		t.Fatalf("c was started: %v", w.tableRecs["db.public.c"])
	}
}

func TestMigrationCancelledCancelsTablesAndRecords(t *testing.T) {
	w := newWorld("h")
	gate := make(chan struct{})
	defer close(gate)
	w.add("a", &fakeTable{Partitions: 4, RowsPer: 10, GateExtract: gate})
	w.add("b", &fakeTable{Partitions: 2, RowsPer: 10})
	env := newEnv(t, w)
	env.RegisterDelayedCallback(env.CancelWorkflow, 100*time.Millisecond)
	_, err := runMigration(t, env, migrationInput(Limits{TableWindow: 1}, "a", "b"))
	if err == nil || !strings.Contains(strings.ToLower(err.Error()), "cancel") {
		t.Fatalf("want cancelled, got %v", err)
	}
	if got := w.workflowStatuses(); got != "EXECUTING,CANCELLED" {
		t.Fatalf("workflow records %s", got)
	}
	if got := strings.Join(w.tableRecs["db.public.a"], ","); got != "EXECUTING,CANCELLED" {
		t.Fatalf("a records %s", got)
	}
	last := w.wfRecs[len(w.wfRecs)-1]
	if last.EndedAt == nil || !strings.Contains(last.Message, "2 cancelled") {
		t.Fatalf("final record %+v", last)
	}
}

func TestMigrationContinuesAsNewWithSmallState(t *testing.T) {
	w := newWorld("h")
	names := []string{"a", "b", "c", "d", "e"}
	for _, n := range names {
		w.add(n, &fakeTable{Partitions: 2, RowsPer: 10})
	}
	w.tables["db.public.c"].Missing = "gone"
	in := migrationInput(Limits{TablesPerRun: 2, TableWindow: 2}, names...)
	_, err := runMigration(t, newEnv(t, w), in)
	var next MigrationInput
	size := continuedInput(t, err, &next)
	st := next.State
	if st == nil || st.NextTable != 2 || st.Completed != 2 || st.Rows != 40 || st.StageName == "" || st.RunID == "" ||
		st.TablesTotal != 5 || st.Runs != 1 || st.StartedAt.IsZero() {
		t.Fatalf("carried state %+v", st)
	}
	if size > 4000 {
		t.Fatalf("continue-as-new input is %d bytes", size)
	}
	firstRunID := st.RunID
	var res MigrationResult
	for runs := 1; ; runs++ {
		if runs > 5 {
			t.Fatal("too many runs")
		}
		res, err = runMigration(t, newEnv(t, w), next)
		if err == nil {
			break
		}
		next = MigrationInput{}
		continuedInput(t, err, &next)
		if next.State.RunID != firstRunID {
			t.Fatal("migration run ID changed across continue-as-new")
		}
	}
	if res.Outcome != OutcomeCompletedWithFailures || res.TablesCompleted != 4 || res.TablesFailed != 1 || res.Rows != 80 {
		t.Fatalf("result %+v", res)
	}
	if n := w.callCount(snowflakeapi.EnsureMetadataName); n != 1 {
		t.Fatalf("EnsureMetadata called %d times", n)
	}
	if got := w.workflowStatuses(); got != "EXECUTING,COMPLETED_WITH_FAILURES" {
		t.Fatalf("workflow records %s", got)
	}
	for _, n := range names {
		if n != "c" {
			w.assertExactlyOnce(t, tableKeyOf(n))
		}
	}
}
