package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// hostileKeys are partition-key values that once became SQL or landed in the wrong
// partition: quotes, backslashes (also before a quote), trailing spaces, newlines,
// control characters, unicode, and a payload that drops a table when literals are
// pasted without escaping backslashes under standard_conforming_strings = off.
var hostileKeys = []string{
	"plain", "O'Neil", `back\slash`, `ends with backslash\`, `\'`, `\\'`, "''", "'",
	`x\') TO STDOUT (FORMAT binary); COMMIT; DROP TABLE sales.victim; --`,
	`x') TO STDOUT (FORMAT binary); COMMIT; DROP TABLE sales.victim; --`,
	"trailing space ", "trailing spaces   ", " leading", "new\nline", "ends with newline\n", "tab\there",
	"cr\rlf\r\n", "bell\a\b\f\v\x1b\x7f", "\x01", "\x1f", "a\x01", "a", "a ", "ünïcödé", "日本語", "emoji 🦆",
	"\u200bzero width", "\U0010FFFF", "$$", "$tag$", "E'", "--", "/*", ";", "%", "_", "",
	strings.Repeat("long ", 200),
}

// TestHostileTextKeysMigrateExactly migrates a table keyed by hostile text values with
// the worker's role set to standard_conforming_strings = off: every value arrives
// exactly once, the filter (written with an E-prefixed string) applies, and the victim table
// the payload names still exists.
func TestHostileTextKeysMigrateExactly(t *testing.T) {
	s := newStack(t)
	s.pgExec(`CREATE SCHEMA sales`, `CREATE TABLE sales.victim (id int)`, `INSERT INTO sales.victim VALUES (1)`,
		`CREATE TABLE hostile (k text PRIMARY KEY, id int UNIQUE NOT NULL, v text)`,
		fmt.Sprintf(`ALTER ROLE postgres IN DATABASE %q SET standard_conforming_strings = off`, s.pgDB))
	conn := s.pgConn()
	ctx := context.Background()
	for i, k := range hostileKeys {
		if _, err := conn.Exec(ctx, `INSERT INTO hostile VALUES ($1, $2, $3)`, k, i, "v:"+k); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := conn.Exec(ctx, `INSERT INTO hostile VALUES ($1, -1, 'filtered out')`, `filtered\out`); err != nil {
		t.Fatal(err)
	}
	// char(n) keys travel blank-padded; a control character sorts before the padding.
	charKeys := []string{"a", "a\x01", "a\x01b", "ab", "b", " ", "\x01", "ü", "zz", "a\t", "a\tz", "abc", "abcd", "O'N", `\'`}
	s.pgExec(`CREATE TABLE codes (k char(4) PRIMARY KEY, id int UNIQUE NOT NULL)`)
	for i, k := range charKeys {
		if _, err := conn.Exec(ctx, `INSERT INTO codes VALUES ($1, $2)`, k, i); err != nil {
			t.Fatal(err)
		}
	}
	var scs string
	c2 := s.pgConn() // a new session gets the role's setting
	if err := c2.QueryRow(ctx, "SHOW standard_conforming_strings").Scan(&scs); err != nil || scs != "off" {
		t.Fatalf("the role's setting is not in force (%q, %v): the test would prove nothing", scs, err)
	}
	cfg := s.writeConfig("hostile.json", fmt.Sprintf(`{
  "defaultTableConfiguration": {
    "source": { "databaseName": %q, "schemaName": "public" },
    "target": { "databaseName": "E2E", "schemaName": "HOSTILE" },
    "partitionSize": { "maxRowsPerPartition": 2 }
  },
  "tables": [ { "source": { "tableName": "hostile" }, "target": { "tableName": "hostile" },
                "columnNamesToPartitionBy": ["k"], "whereClauseCriteria": %q },
              { "source": { "tableName": "codes" }, "target": { "tableName": "codes" }, "columnNamesToPartitionBy": ["k"] } ]
}`, s.pgDB, `k <> E'filtered\\out' AND v <> 'x\y'`))
	s.startOrchestrator()
	s.startSourceWorker("source1", 2)
	if out, code := s.starter(time.Minute, "create-data-migration-workflow", cfg, "--name", "E2eHostile",
		"--connection-name", s.emu.ConnectionName(), "--source-platform", "postgresql", "--task-queue-base", s.queue); code != 0 {
		t.Fatalf("create exit %d:\n%s", code, out)
	}
	if out, code := s.starter(5*time.Minute, "watch", "E2eHostile"); code != 0 {
		t.Fatalf("watch exit %d:\n%s", code, out)
	}
	if n := s.compareTable(tableSpec{pgFrom: "hostile", pgWhere: "id >= 0", pgOrder: "id", sfFrom: "E2E.HOSTILE.HOSTILE", sfOrder: "ID",
		cols: []col{{"id", "ID", "int"}, {"k", "K", "text"}, {"v", "V", "text"}}}); n != len(hostileKeys) {
		t.Errorf("compared %d rows, want %d", n, len(hostileKeys))
	}
	if total, distinct := s.sfInt("SELECT COUNT(*) FROM E2E.HOSTILE.HOSTILE"), s.sfInt("SELECT COUNT(DISTINCT K) FROM E2E.HOSTILE.HOSTILE"); total != distinct || total != int64(len(hostileKeys)) {
		t.Errorf("target has %d rows, %d distinct keys; want %d each", total, distinct, len(hostileKeys))
	}
	if n := s.compareTable(tableSpec{pgFrom: "codes", pgOrder: "id", sfFrom: "E2E.HOSTILE.CODES", sfOrder: "ID",
		cols: []col{{"id", "ID", "int"}, {"k", "K", "text"}}}); n != len(charKeys) {
		t.Errorf("codes: compared %d rows, want %d", n, len(charKeys))
	}
	if n := s.pgInt("SELECT count(*) FROM sales.victim"); n != 1 {
		t.Errorf("victim table has %d rows", n)
	}
	if n := s.sfInt(`SELECT COUNT(*) FROM SNOWCONVERT_AI.DATA_MIGRATION.DATA_MIGRATION_WARNING WHERE WORKFLOW_ID = 'E2eHostile'`); n != 0 {
		t.Errorf("%d warnings for a table nobody wrote to", n)
	}
}

// migrate starts the orchestrator and one source worker and creates the migration.
func (s *stack) createMigration(name, cfg string, parallel int) {
	s.t.Helper()
	s.startOrchestrator()
	s.startSourceWorker("source1", parallel)
	if out, code := s.starter(time.Minute, "create-data-migration-workflow", cfg, "--name", name,
		"--connection-name", s.emu.ConnectionName(), "--source-platform", "postgresql", "--task-queue-base", s.queue); code != 0 {
		s.t.Fatalf("create exit %d:\n%s", code, out)
	}
}

// waitFor polls cond every 100 ms for at most limit.
func (s *stack) waitFor(what string, limit time.Duration, cond func() bool) {
	s.t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			s.t.Fatalf("timed out after %s waiting for %s", limit, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (s *stack) sfCount(table string) int64 {
	var n int64
	_ = s.sf().QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n)
	return n
}

// TestSchemaDriftFailsTheTable changes a column's type (bigint → double precision)
// after the table was introspected and planned and some partitions loaded: the next
// extraction fails the table with a message naming the column and both types, and
// nothing decoded with the wrong type reaches the target.
func TestSchemaDriftFailsTheTable(t *testing.T) {
	s := newStack(t)
	const rows = 20000
	s.pgExec(`CREATE TABLE drift (id bigint PRIMARY KEY, v bigint)`,
		fmt.Sprintf(`INSERT INTO drift SELECT g, g * 10 FROM generate_series(1, %d) g`, rows), `ANALYZE`)
	cfg := s.writeConfig("drift.json", fmt.Sprintf(`{
  "defaultTableConfiguration": {
    "source": { "databaseName": %q, "schemaName": "public" },
    "target": { "databaseName": "E2E", "schemaName": "DRIFT" },
    "columnNamesToPartitionBy": ["id"], "partitionSize": { "maxRowsPerPartition": 200 }
  },
  "tables": [ { "source": { "tableName": "drift" }, "target": { "tableName": "drift" } } ]
}`, s.pgDB))
	s.createMigration("E2eDrift", cfg, 1)
	// Deterministic order: the table is introspected, planned and loading; the
	// migration is paused and settles; only then does the type change.
	s.waitFor("the first rows", 3*time.Minute, func() bool { return s.sfCount("E2E.DRIFT.DRIFT") > 0 })
	if out, code := s.starter(time.Minute, "pause", "E2eDrift"); code != 0 {
		t.Fatalf("pause exit %d:\n%s", code, out)
	}
	var settled int64
	s.waitFor("the paused migration to settle", 3*time.Minute, func() bool {
		a := s.sfCount("E2E.DRIFT.DRIFT")
		time.Sleep(2 * time.Second)
		settled = s.sfCount("E2E.DRIFT.DRIFT")
		return a == settled
	})
	if settled >= rows {
		t.Fatalf("everything loaded before the pause (%d rows): the test proves nothing", settled)
	}
	s.pgExec(`ALTER TABLE drift ALTER COLUMN v TYPE double precision USING v / 100.0`)
	if out, code := s.starter(time.Minute, "resume", "E2eDrift"); code != 0 {
		t.Fatalf("resume exit %d:\n%s", code, out)
	}
	out, code := s.starter(5*time.Minute, "watch", "E2eDrift")
	if code == 0 {
		t.Fatalf("watch exited 0 although the source column changed type:\n%s", out)
	}
	var status, msg string
	if err := s.sf().QueryRow(`SELECT STATUS, COALESCE(ERROR_MESSAGE, '') FROM SNOWCONVERT_AI.DATA_MIGRATION.TABLE_METADATA WHERE WORKFLOW_ID = 'E2eDrift'`).Scan(&status, &msg); err != nil {
		t.Fatal(err)
	}
	if status != "FAILED" || !strings.Contains(msg, `column "v" changed type from bigint to double precision`) {
		t.Errorf("TABLE_METADATA: %s %q, want FAILED naming the column and both types", status, msg)
	}
	// Every row that did load holds the value it had when it was extracted (v = id*10):
	// nothing was decoded with the new type.
	if bad := s.sfInt("SELECT COUNT(*) FROM E2E.DRIFT.DRIFT WHERE V <> ID * 10"); bad != 0 {
		t.Errorf("%d target rows hold a value decoded with the wrong type", bad)
	}
	if total, distinct := s.sfInt("SELECT COUNT(*) FROM E2E.DRIFT.DRIFT"), s.sfInt("SELECT COUNT(DISTINCT ID) FROM E2E.DRIFT.DRIFT"); total != distinct {
		t.Errorf("%d rows, %d distinct ids: duplicates", total, distinct)
	}
}

// TestConcurrentWriterIsReported deletes source rows that were already loaded while
// the table is still migrating: the table completes, and DATA_MIGRATION_WARNING holds
// one warning with the source count at the end and the rows loaded.
func TestConcurrentWriterIsReported(t *testing.T) {
	s := newStack(t)
	const rows = 20000
	s.pgExec(`CREATE TABLE written (id bigint PRIMARY KEY, v text)`,
		fmt.Sprintf(`INSERT INTO written SELECT g, 'v' || g FROM generate_series(1, %d) g`, rows), `ANALYZE`)
	cfg := s.writeConfig("writer.json", fmt.Sprintf(`{
  "defaultTableConfiguration": {
    "source": { "databaseName": %q, "schemaName": "public" },
    "target": { "databaseName": "E2E", "schemaName": "WRITER" },
    "columnNamesToPartitionBy": ["id"], "partitionSize": { "maxRowsPerPartition": 200 }
  },
  "tables": [ { "source": { "tableName": "written" }, "target": { "tableName": "written" } } ]
}`, s.pgDB))
	s.createMigration("E2eWriter", cfg, 1)
	s.waitFor("the first rows", 3*time.Minute, func() bool { return s.sfCount("E2E.WRITER.WRITTEN") > 0 })
	// A partition's rows commit together, so the smallest loaded ids are loaded; the
	// writer deletes 50 of them from the source.
	var lo, hi int64
	if err := s.sf().QueryRow("SELECT MIN(ID), MIN(ID) + 49 FROM E2E.WRITER.WRITTEN").Scan(&lo, &hi); err != nil {
		t.Fatal(err)
	}
	if n := s.sfInt(fmt.Sprintf("SELECT COUNT(*) FROM E2E.WRITER.WRITTEN WHERE ID BETWEEN %d AND %d", lo, hi)); n != 50 {
		t.Fatalf("ids %d..%d: %d loaded, want 50", lo, hi, n)
	}
	s.pgExec(fmt.Sprintf(`DELETE FROM written WHERE id BETWEEN %d AND %d`, lo, hi))
	if s.sfCount("E2E.WRITER.WRITTEN") >= rows {
		t.Fatal("the table finished loading before the writer wrote: the test proves nothing")
	}
	if out, code := s.starter(5*time.Minute, "watch", "E2eWriter"); code != 0 {
		t.Fatalf("watch exit %d (a concurrent writer must not fail the table):\n%s", code, out)
	}
	if n := s.sfCount("E2E.WRITER.WRITTEN"); n != rows {
		t.Errorf("target has %d rows, want %d (every row extracted once)", n, rows)
	}
	var category, msg string
	if err := s.sf().QueryRow(`SELECT CATEGORY, WARNING_MESSAGE FROM SNOWCONVERT_AI.DATA_MIGRATION.DATA_MIGRATION_WARNING WHERE WORKFLOW_ID = 'E2eWriter'`).Scan(&category, &msg); err != nil {
		t.Fatalf("no warning recorded: %v", err)
	}
	want := fmt.Sprintf("has %d rows passing the filter at the end of its migration, but %d rows were loaded", rows-50, rows)
	if category != "SOURCE_ROW_COUNT" || !strings.Contains(msg, want) {
		t.Errorf("warning %s %q, want SOURCE_ROW_COUNT with %q", category, msg, want)
	}
}
