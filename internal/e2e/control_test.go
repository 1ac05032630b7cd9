package e2e

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestPauseResumeAndCancelTable drives the operator controls on the real stack: a
// paused migration stops loading once its in-flight partitions finish, resumes to an
// exact result, and a table cancelled mid-run ends CANCELLED while the other completes
// (watch then exits non-zero: not every table completed).
func TestPauseResumeAndCancelTable(t *testing.T) {
	s := newStack(t)
	const rows = 100000
	s.pgExec(`CREATE TABLE paced (id bigint PRIMARY KEY, v text)`,
		fmt.Sprintf(`INSERT INTO paced SELECT g, 'v' || g FROM generate_series(1, %d) g`, rows),
		`CREATE TABLE doomed (id bigint PRIMARY KEY, v text)`,
		fmt.Sprintf(`INSERT INTO doomed SELECT g, 'd' || g FROM generate_series(1, %d) g`, rows),
		`ANALYZE`)
	cfg := s.writeConfig("control.json", fmt.Sprintf(`{
  "defaultTableConfiguration": {
    "source": { "databaseName": %q, "schemaName": "public" },
    "target": { "databaseName": "E2E", "schemaName": "CONTROL" },
    "columnNamesToPartitionBy": ["id"], "partitionSize": { "maxRowsPerPartition": 1000 }
  },
  "tables": [ { "source": { "tableName": "paced" }, "target": { "tableName": "paced" } },
              { "source": { "tableName": "doomed" }, "target": { "tableName": "doomed" } } ]
}`, s.pgDB))
	s.startOrchestrator()
	s.startSourceWorker("source1", 2)
	if out, code := s.starter(time.Minute, "create-data-migration-workflow", cfg, "--name", "E2eControl",
		"--connection-name", s.emu.ConnectionName(), "--source-platform", "postgresql", "--task-queue-base", s.queue); code != 0 {
		t.Fatalf("create exit %d:\n%s", code, out)
	}
	count := func(table string) int64 {
		var n int64
		_ = s.sf().QueryRow("SELECT COUNT(*) FROM E2E.CONTROL." + table).Scan(&n)
		return n
	}
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(3 * time.Minute)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}

	// Pause once rows flow; in-flight partitions finish, then nothing more loads.
	waitFor("the first rows", func() bool { return count("PACED") > 0 })
	if out, code := s.starter(time.Minute, "pause", "E2eControl"); code != 0 {
		t.Fatalf("pause exit %d:\n%s", code, out)
	}
	var settled int64 = -1
	waitFor("the paused migration to settle", func() bool {
		a := count("PACED") + count("DOOMED")
		time.Sleep(3 * time.Second)
		b := count("PACED") + count("DOOMED")
		settled = b
		return a == b
	})
	if settled >= 2*rows {
		t.Fatalf("everything loaded before the pause took effect (%d rows): the test proves nothing", settled)
	}
	time.Sleep(3 * time.Second)
	if now := count("PACED") + count("DOOMED"); now != settled {
		t.Fatalf("rows kept loading while paused: %d → %d", settled, now)
	}
	status, _ := s.starter(time.Minute, "status", "E2eControl", "--json")
	if !strings.Contains(status, "PAUSED") {
		t.Errorf("status does not say PAUSED:\n%s", status)
	}

	// Cancel one table while paused, then resume: the other one completes exactly.
	tableKey := s.pgDB + ".public.doomed"
	if out, code := s.starter(time.Minute, "cancel", "E2eControl", "--table", tableKey); code != 0 {
		t.Fatalf("cancel --table exit %d:\n%s", code, out)
	}
	if out, code := s.starter(time.Minute, "resume", "E2eControl"); code != 0 {
		t.Fatalf("resume exit %d:\n%s", code, out)
	}
	out, code := s.starter(5*time.Minute, "watch", "E2eControl")
	if code == 0 {
		t.Fatalf("watch exited 0 although a table was cancelled:\n%s", out)
	}
	if n := count("PACED"); n != rows {
		t.Errorf("paced: %d rows after resume, want %d", n, rows)
	}
	if n, d := count("PACED"), s.sfInt(`SELECT COUNT(DISTINCT "ID") FROM E2E.CONTROL.PACED`); n != d {
		t.Errorf("paced: %d rows but %d distinct ids", n, d)
	}
	if n := count("DOOMED"); n >= rows {
		t.Errorf("doomed: %d rows — the cancellation did not stop it", n)
	}
	final, _ := s.starter(time.Minute, "status", "E2eControl", "--json")
	var st struct {
		Result struct {
			Outcome                          string
			TablesCompleted, TablesCancelled int
			Rows                             int64
		} `json:"result"`
	}
	if err := json.Unmarshal([]byte(final[strings.Index(final, "{"):]), &st); err != nil {
		t.Fatalf("status --json: %v\n%s", err, final)
	}
	if r := st.Result; r.TablesCompleted != 1 || r.TablesCancelled != 1 || r.Rows != rows {
		t.Errorf("result %+v, want 1 completed, 1 cancelled, %d rows", r, rows)
	}
}
