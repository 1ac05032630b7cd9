package e2e

import (
	"context"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/snowmigrate/snowmigrate/activities/sourceapi"
	"github.com/snowmigrate/snowmigrate/workflows"
)

// TestMissingSourceObjectsFailOnlyTheirTables: a missing table and a missing partition
// column fail those tables with clear messages while the good table completes; watch
// exits non-zero and the metadata says the same.
func TestMissingSourceObjectsFailOnlyTheirTables(t *testing.T) {
	s := newStack(t)
	s.pgExec(`CREATE TABLE good (id int PRIMARY KEY, v text)`,
		`INSERT INTO good SELECT g, 'v' || g FROM generate_series(1, 25) g`,
		`CREATE TABLE no_key_col (id int PRIMARY KEY, v text)`,
		`INSERT INTO no_key_col VALUES (1, 'a')`)
	cfg := s.writeConfig("fail.json", fmt.Sprintf(`{
  "defaultTableConfiguration": {
    "source": { "databaseName": %q, "schemaName": "public" },
    "target": { "databaseName": "E2E", "schemaName": "FAILS" },
    "partitionSize": { "maxRowsPerPartition": 10 }
  },
  "tables": [
    { "source": { "tableName": "good" }, "target": { "tableName": "good" }, "columnNamesToPartitionBy": ["id"] },
    { "source": { "tableName": "no_such_table" }, "target": { "tableName": "no_such_table" }, "columnNamesToPartitionBy": ["id"] },
    { "source": { "tableName": "no_key_col" }, "target": { "tableName": "no_key_col" }, "columnNamesToPartitionBy": ["missing_col"] }
  ]
}`, s.pgDB))
	s.startOrchestrator()
	s.startSourceWorker("source1", 2)
	out, code := s.starter(time.Minute, "create-data-migration-workflow", cfg, "--name", "E2eFails",
		"--connection-name", s.emu.ConnectionName(), "--source-platform", "postgresql", "--task-queue-base", s.queue)
	if code != 0 {
		t.Fatalf("create exit %d:\n%s", code, out)
	}
	out, code = s.starter(5*time.Minute, "watch", "E2eFails")
	if code == 0 {
		t.Fatalf("watch exited 0 although two tables cannot migrate:\n%s", out)
	}
	for _, want := range []string{"no_such_table", "missing_col"} {
		if !strings.Contains(out, want) {
			t.Errorf("watch output does not name %s:\n%s", want, out)
		}
	}
	if n := s.sfInt("SELECT COUNT(*) FROM E2E.FAILS.GOOD"); n != 25 {
		t.Errorf("good table: %d rows, want 25", n)
	}
	status, _ := s.starter(time.Minute, "status", "E2eFails", "--json")
	if !strings.Contains(status, "COMPLETED_WITH_FAILURES") {
		t.Errorf("status does not say COMPLETED_WITH_FAILURES:\n%s", status)
	}
	rows, err := s.sf().Query(`SELECT TABLE_KEY, STATUS, COALESCE(ERROR_MESSAGE, '') FROM SNOWCONVERT_AI.DATA_MIGRATION.TABLE_METADATA
		WHERE WORKFLOW_ID = 'E2eFails' ORDER BY TABLE_KEY`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[string]string{}
	for rows.Next() {
		var key, st, msg string
		if err := rows.Scan(&key, &st, &msg); err != nil {
			t.Fatal(err)
		}
		got[key[strings.LastIndex(key, ".")+1:]] = st + " " + msg
	}
	if !strings.HasPrefix(got["good"], "COMPLETED") {
		t.Errorf("metadata for good: %q", got["good"])
	}
	for _, bad := range []string{"no_such_table", "no_key_col"} {
		if !strings.HasPrefix(got[bad], "FAILED") {
			t.Errorf("metadata for %s: %q, want FAILED with a message", bad, got[bad])
		}
	}
	s.assertNoSecretLeak("E2eFails")
}

// TestSourceWorkerKilledMidRun kills the only source worker (SIGKILL: no cleanup) while
// rows are loading, so its in-flight extracts and the uploads pinned to its host queue
// are certainly lost; a replacement must redo them and the table must arrive exactly
// once.
func TestSourceWorkerKilledMidRun(t *testing.T) {
	s := newStack(t)
	const rows = 200000
	s.pgExec(`CREATE TABLE big (id bigint PRIMARY KEY, a text, b numeric(12,2), c timestamp)`,
		fmt.Sprintf(`INSERT INTO big SELECT g, repeat('x', 20) || g, g / 100.0, timestamp '2020-01-01' + g * interval '1 second' FROM generate_series(1, %d) g`, rows),
		`ANALYZE big`)
	cfg := s.writeConfig("big.json", fmt.Sprintf(`{
  "tables": [ { "source": { "databaseName": %q, "schemaName": "public", "tableName": "big" },
                "target": { "databaseName": "E2E", "schemaName": "KILL", "tableName": "big" },
                "columnNamesToPartitionBy": ["id"], "partitionSize": { "maxRowsPerPartition": 20000 } } ]
}`, s.pgDB))
	s.startOrchestrator()
	victim := s.startSourceWorker("source1", 2)
	out, code := s.starter(time.Minute, "create-data-migration-workflow", cfg, "--name", "E2eKill",
		"--connection-name", s.emu.ConnectionName(), "--source-platform", "postgresql", "--task-queue-base", s.queue)
	if code != 0 {
		t.Fatalf("create exit %d:\n%s", code, out)
	}
	// Kill the moment Temporal reports an extract or upload started on the victim (the
	// only source worker), so that work is certainly lost.
	tc := s.temporal.Client(t)
	tableWF := workflows.TableWorkflowID("E2eKill", s.pgDB+".public.big")
	deadline := time.Now().Add(3 * time.Minute)
	killed := false
	var loaded int64
	for i := 0; !killed && time.Now().Before(deadline); i++ {
		if loaded == 0 && i%10 == 0 { // first let some partitions commit
			_ = s.sf().QueryRow("SELECT COUNT(*) FROM E2E.KILL.BIG").Scan(&loaded)
		}
		desc, err := tc.DescribeWorkflowExecution(context.Background(), tableWF, "")
		if err == nil && loaded > 0 {
			for _, pa := range desc.GetPendingActivities() {
				name := pa.GetActivityType().GetName()
				if pa.GetState() == enumspb.PENDING_ACTIVITY_STATE_STARTED && (name == sourceapi.ExtractName || name == sourceapi.UploadName) {
					if err := victim.Process.Signal(syscall.SIGKILL); err != nil {
						t.Fatal(err)
					}
					killed = true
					t.Logf("killed source1 while %s of the table was running", name)
					break
				}
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !killed {
		t.Fatal("no extract or upload was ever seen running: cannot test the kill")
	}
	var atKill int64
	_ = s.sf().QueryRow("SELECT COUNT(*) FROM E2E.KILL.BIG").Scan(&atKill)
	if atKill == 0 || atKill >= rows {
		t.Fatalf("the kill did not land mid-run: %d of %d rows loaded", atKill, rows)
	}
	t.Logf("killed source1 with %d of %d rows loaded", atKill, rows)
	s.startSourceWorker("source2", 2)
	out, code = s.starter(10*time.Minute, "watch", "E2eKill")
	if code != 0 {
		t.Fatalf("watch exit %d after a worker was killed:\n%s", code, out)
	}
	if n := s.sfInt("SELECT COUNT(*) FROM E2E.KILL.BIG"); n != rows {
		t.Errorf("target has %d rows, want %d", n, rows)
	}
	if n := s.sfInt("SELECT COUNT(DISTINCT ID) FROM E2E.KILL.BIG"); n != rows {
		t.Errorf("target has %d distinct ids, want %d: duplicates or losses", n, rows)
	}
	if got, want := s.sfInt("SELECT SUM(ID) FROM E2E.KILL.BIG"), s.pgInt("SELECT sum(id)::bigint FROM big"); got != want {
		t.Errorf("sum(id) target %d, source %d", got, want)
	}
	// The lost work was redone: the table's history shows a retried or timed-out activity.
	redone := 0
	it := tc.GetWorkflowHistory(context.Background(), tableWF, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		if a := ev.GetActivityTaskStartedEventAttributes(); a != nil && a.GetAttempt() > 1 {
			redone++
		}
		if ev.GetActivityTaskTimedOutEventAttributes() != nil {
			redone++
		}
	}
	if redone == 0 {
		t.Errorf("the table's history shows no retried or timed-out activity although a worker died mid-activity")
	}
}

// TestBadConfigurationStartsNothing: every problem is listed with its JSON path and
// nothing is started.
func TestBadConfigurationStartsNothing(t *testing.T) {
	s := newStack(t)
	cfg := s.writeConfig("bad.json", `{
  "tables": [ { "source": { "databaseName": "d", "schemaName": "s", "tableName": "t" },
                "target": { "databaseName": "D", "schemaName": "S", "tableName": "T" },
                "columnNamesToPartitionBy": [], "partitionSize": { "targetSizeMb": 10, "maxRowsPerPartition": 5 } } ]
}`)
	out, code := s.starter(time.Minute, "create-data-migration-workflow", cfg, "--name", "E2eBad",
		"--connection-name", "local", "--source-platform", "postgresql", "--task-queue-base", s.queue)
	if code == 0 {
		t.Fatalf("a bad configuration was accepted:\n%s", out)
	}
	for _, want := range []string{"tables[0].columnNamesToPartitionBy", "tables[0].partitionSize"} {
		if !strings.Contains(out, want) {
			t.Errorf("output does not name %s:\n%s", want, out)
		}
	}
	if _, code := s.starter(time.Minute, "status", "E2eBad"); code == 0 {
		t.Errorf("a workflow E2eBad exists although the configuration was refused")
	}
}
