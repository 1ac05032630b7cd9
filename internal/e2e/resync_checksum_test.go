package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/converter"

	"github.com/snowmigrate/snowmigrate/activities/sourceapi"
	"github.com/snowmigrate/snowmigrate/internal/testenv"
	"github.com/snowmigrate/snowmigrate/workflows"
)

// Re-sync by checksum on the real stack (docs/sync.md): a first run is a full load
// that records each partition's checksum; a re-run checksums each of those key ranges
// on the source, skips the unchanged ones and replaces the changed ones (delete + COPY
// in one transaction), and loads ranges beyond the last one as new partitions. The
// target ends equal to the source value by value, deletions included.

const checksumMigration = "E2eResyncChecksum"

// checksumSpec compares every column of ck (ids are even at first, so that odd ids
// insert inside the recorded ranges).
var checksumSpec = tableSpec{pgFrom: "ck", pgOrder: "id", sfFrom: "E2E.PUBLIC.CK", sfOrder: "ID", cols: []col{
	{"id", "ID", "int"}, {"name", "NAME", "text"}, {"amount::text", "TO_VARCHAR(AMOUNT)", "dec"},
	{"(extract(epoch from at) * 1000000)::bigint", "AT", "tstz"}, {"note", "NOTE", "text"},
}}

func (s *stack) checksumRun(t *testing.T, cfg, name string, run int) {
	t.Helper()
	out, code := s.starter(2*time.Minute, "create-data-migration-workflow", cfg, "--name", name,
		"--connection-name", s.emu.ConnectionName(), "--source-platform", "postgresql", "--task-queue-base", s.queue)
	if code != 0 {
		t.Fatalf("run %d: create exit %d:\n%s", run, code, out)
	}
	if out, code = s.starter(10*time.Minute, "watch", name); code != 0 {
		t.Fatalf("run %d: watch exit %d:\n%s", run, code, out)
	}
}

// partAction is one partition of one run as PARTITION_METADATA records it.
type partAction struct {
	number       int
	lower, upper *int64 // nil: unbounded
	nullKeys     bool
	status       string
	action       string
	checksum     string
	fingerprint  string
	rowsLoaded   int64
}

// runPartitions reads the partitions of the n-th run (1-based, by start time) of a
// migration's table.
func (s *stack) runPartitions(name, table string, run int) []partAction {
	s.t.Helper()
	return s.runPartitionsKey(name, s.pgDB+".public."+table, run)
}

// runPartitionsKey is runPartitions for a table key.
func (s *stack) runPartitionsKey(name, key string, run int) []partAction {
	s.t.Helper()
	rows, err := s.sf().Query(`SELECT p.PARTITION_NUMBER, COALESCE(p.LOWER_BOUND, ''), COALESCE(p.UPPER_BOUND, ''), COALESCE(p.NULL_KEYS, FALSE), p.STATUS,
  COALESCE(p.SYNC_ACTION, ''), COALESCE(p.SOURCE_CHECKSUM, ''), COALESCE(p.SOURCE_FINGERPRINT, ''), COALESCE(p.ROWS_LOADED, 0)
FROM SNOWCONVERT_AI.DATA_MIGRATION.PARTITION_METADATA p
JOIN (SELECT RUN_ID, ROW_NUMBER() OVER (ORDER BY START_TIME) AS N FROM SNOWCONVERT_AI.DATA_MIGRATION.TABLE_METADATA
      WHERE WORKFLOW_ID = '` + name + `' AND TABLE_KEY = '` + key + `') r ON r.RUN_ID = p.RUN_ID
WHERE p.WORKFLOW_ID = '` + name + `' AND p.TABLE_KEY = '` + key + `' AND r.N = ` + strconv.Itoa(run) + ` ORDER BY p.PARTITION_NUMBER`)
	if err != nil {
		s.t.Fatal(err)
	}
	defer rows.Close()
	bound := func(j string) *int64 {
		if j == "" {
			return nil
		}
		var b []string
		if err := json.Unmarshal([]byte(j), &b); err != nil || len(b) != 1 {
			s.t.Fatalf("bound %q: %v", j, err)
		}
		v, err := strconv.ParseInt(b[0], 10, 64)
		if err != nil {
			s.t.Fatalf("bound %q: %v", j, err)
		}
		return &v
	}
	var out []partAction
	for rows.Next() {
		var p partAction
		var lo, up string
		if err := rows.Scan(&p.number, &lo, &up, &p.nullKeys, &p.status, &p.action, &p.checksum, &p.fingerprint, &p.rowsLoaded); err != nil {
			s.t.Fatal(err)
		}
		p.lower, p.upper = bound(lo), bound(up)
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		s.t.Fatal(err)
	}
	return out
}

// holds says whether key lies in the partition's range (lower, upper].
func (p partAction) holds(key int64) bool {
	return !p.nullKeys && (p.lower == nil || key > *p.lower) && (p.upper == nil || key <= *p.upper)
}

func (s *stack) tableRowsLoaded(name, table string) int64 {
	s.t.Helper()
	return s.sfInt(`SELECT ROWS_LOADED FROM SNOWCONVERT_AI.DATA_MIGRATION.TABLE_METADATA WHERE WORKFLOW_ID = '` + name +
		`' AND TABLE_KEY = '` + s.pgDB + `.public.` + table + `' ORDER BY START_TIME DESC LIMIT 1`)
}

func TestResyncChecksumReplacesOnlyChangedRanges(t *testing.T) {
	s := newStack(t)
	s.pgExec(`CREATE TABLE ck (id int PRIMARY KEY, name text NOT NULL, amount numeric(12,2), at timestamptz, note text)`,
		`INSERT INTO ck SELECT 2 * g, 'item ' || g, g * 1.25, timestamptz '2024-01-01 00:00+00' + g * interval '1 hour', CASE WHEN g % 7 = 0 THEN NULL ELSE 'n' || g END
		 FROM generate_series(1, 100) g`)
	cfg := s.writeConfig("checksum.json", fmt.Sprintf(`{
  "tables": [
    { "source": { "databaseName": %q, "schemaName": "public", "tableName": "ck" },
      "target": { "databaseName": "E2E", "schemaName": "PUBLIC", "tableName": "CK" },
      "columnNamesToPartitionBy": ["id"], "partitionSize": { "maxRowsPerPartition": 10 },
      "synchronization": { "strategy": "checksum" } }
  ]
}`, s.pgDB))
	s.startOrchestrator()
	s.startSourceWorker("source1", 4)

	// Run 1: a full load; every partition records its checksum, action LOADED.
	s.checksumRun(t, cfg, checksumMigration, 1)
	if n := s.compareTable(checksumSpec); n != 100 {
		t.Fatalf("run 1: %d rows compared, want 100", n)
	}
	first := s.runPartitions(checksumMigration, "ck", 1)
	bounded := 0
	for _, p := range first {
		if p.status != "COMPLETED" || p.action != "LOADED" || p.checksum == "" || !strings.HasPrefix(p.fingerprint, "pg1:") {
			t.Fatalf("run 1 partition %+v: want COMPLETED, LOADED, with a checksum and a fingerprint", p)
		}
		if p.upper != nil {
			bounded++
		}
	}
	if bounded < 8 {
		t.Fatalf("run 1 planned %d bounded partitions, want about 10: %+v", bounded, first)
	}

	// Change the source: an update in one range, a delete in another, an insert
	// inside a third (odd id), a changed partition in the middle (every row of the
	// range holding 100), rows beyond the last range, and a NULL note made non-NULL.
	s.pgExec(
		`UPDATE ck SET amount = amount + 0.01 WHERE id = 24`,
		`DELETE FROM ck WHERE id = 62`,
		`INSERT INTO ck VALUES (141, 'inserted inside', 7.77, timestamptz '2025-01-01 00:00+00', 'odd')`,
		`UPDATE ck SET name = name || ' (changed)' WHERE id BETWEEN 92 AND 110`,
		`INSERT INTO ck SELECT 2 * g, 'beyond ' || g, g, NULL, NULL FROM generate_series(101, 115) g`,
	)
	changed := []int64{24, 62, 141, 92, 110}
	s.checksumRun(t, cfg, checksumMigration, 2)
	if n := s.compareTable(checksumSpec); n != 115 {
		t.Fatalf("run 2: %d rows compared, want 115", n)
	}
	if n := s.sfInt("SELECT COUNT(*) - COUNT(DISTINCT ID) FROM E2E.PUBLIC.CK"); n != 0 {
		t.Fatalf("run 2: %d duplicate ids in the target", n)
	}
	second := s.runPartitions(checksumMigration, "ck", 2)
	var skipped, reloaded, loaded int
	var moved int64
	for _, p := range first {
		if p.upper == nil || p.nullKeys {
			continue
		}
		var q *partAction
		for i := range second {
			if second[i].number == p.number {
				q = &second[i]
			}
		}
		if q == nil || q.lower == nil != (p.lower == nil) || *q.upper != *p.upper {
			t.Fatalf("run 2 did not reuse partition %d of run 1 with its bounds: %+v", p.number, q)
		}
		want := "SKIPPED"
		for _, k := range changed {
			if p.holds(k) {
				want = "RELOADED"
			}
		}
		if q.action != want || q.status != "COMPLETED" || q.checksum == "" {
			t.Errorf("run 2 partition %d (%v, %v]: %s/%s, want COMPLETED/%s with a checksum", q.number, p.lower, *p.upper, q.status, q.action, want)
		}
		if want == "SKIPPED" && (q.checksum != p.checksum || q.fingerprint != p.fingerprint) {
			t.Errorf("run 2 skipped partition %d carries checksum %s and fingerprint %s, run 1 recorded %s and %s", q.number, q.checksum, q.fingerprint, p.checksum, p.fingerprint)
		}
		if want == "RELOADED" && (q.checksum == p.checksum || q.fingerprint == p.fingerprint || !strings.HasPrefix(q.fingerprint, "pg1:")) {
			t.Errorf("run 2 reloaded partition %d but its checksum %s / fingerprint %s did not change", q.number, q.checksum, q.fingerprint)
		}
	}
	for _, q := range second {
		switch q.action {
		case "SKIPPED":
			skipped++
		case "RELOADED":
			reloaded++
			moved += q.rowsLoaded
		case "LOADED":
			loaded++
			moved += q.rowsLoaded
		default:
			t.Errorf("run 2 partition %d has action %q", q.number, q.action)
		}
	}
	// 24, 62 and 141 lie in three ranges, 92..110 in one or two: 4 or 5 reloaded; the
	// tail beyond the last bounded range (and the NULL-key range) loads as new.
	if reloaded < 4 || reloaded > 5 || skipped < bounded-5 || loaded < 1 {
		t.Errorf("run 2: %d skipped, %d reloaded, %d loaded of %d bounded ranges: %+v", skipped, reloaded, loaded, bounded, second)
	}
	t.Logf("run 2: %d bounded ranges in run 1; %d skipped, %d reloaded, %d loaded as new; %d rows moved", bounded, skipped, reloaded, loaded, moved)
	// TABLE_PROGRESS (the current run's view) shows what the re-run did.
	progress := `SELECT %s FROM SNOWCONVERT_AI.DATA_MIGRATION.TABLE_PROGRESS WHERE WORKFLOW_ID = '` + checksumMigration + `' AND TABLE_KEY = '` + s.pgDB + `.public.ck'`
	if got := s.sfInt(fmt.Sprintf(progress, "PARTITIONS_SKIPPED")); got != int64(skipped) {
		t.Errorf("run 2: TABLE_PROGRESS.PARTITIONS_SKIPPED = %d, PARTITION_METADATA has %d", got, skipped)
	}
	if got := s.sfInt(fmt.Sprintf(progress, "PARTITIONS_RELOADED")); got != int64(reloaded) {
		t.Errorf("run 2: TABLE_PROGRESS.PARTITIONS_RELOADED = %d, PARTITION_METADATA has %d", got, reloaded)
	}
	if got := s.tableRowsLoaded(checksumMigration, "ck"); got != moved || got >= 115 {
		t.Errorf("run 2: TABLE_METADATA says %d rows moved, the partitions %d; want only the changed ranges' rows", got, moved)
	}

	// Run 2 compared every reused range by fingerprint alone: no source checksum.
	s.assertComparedByFingerprint(t, "ck", bounded)

	// Run 3, nothing changed: every reused range is skipped, the open-ended tail too
	// (compared while planning), and no row moves.
	s.checksumRun(t, cfg, checksumMigration, 3)
	s.compareTable(checksumSpec)
	tails := 0
	for _, q := range s.runPartitions(checksumMigration, "ck", 3) {
		if q.upper == nil && !q.nullKeys {
			tails++
		}
		if q.action != "SKIPPED" {
			t.Errorf("run 3 (no change): partition %d (%v, %v] %s, want SKIPPED", q.number, q.lower, q.upper, q.action)
		}
	}
	if got := s.tableRowsLoaded(checksumMigration, "ck"); tails != 1 || got != 0 {
		t.Errorf("run 3 (no change): %d open-ended partitions, %d rows moved; want 1 and 0", tails, got)
	}
}

// TestResyncChecksumKilledDuringReplace: the orchestrator is SIGKILLed while a
// changed partition's replace transaction (delete + COPY) is open; the restarted
// orchestrator's next attempt aborts it and the run ends with the target equal to the
// source, every row once.
func TestResyncChecksumKilledDuringReplace(t *testing.T) {
	s := newStack(t)
	const rows = 120000
	s.pgExec(`CREATE TABLE ckk (id bigint PRIMARY KEY, a text, b numeric(12,2))`,
		fmt.Sprintf(`INSERT INTO ckk SELECT g, 'row ' || g, g / 100.0 FROM generate_series(1, %d) g`, rows),
		`ANALYZE ckk`)
	const name = "E2eResyncChecksumKill"
	cfg := s.writeConfig("ckk.json", fmt.Sprintf(`{
  "tables": [ { "source": { "databaseName": %q, "schemaName": "public", "tableName": "ckk" },
                "target": { "databaseName": "E2E", "schemaName": "PUBLIC", "tableName": "CKK" },
                "columnNamesToPartitionBy": ["id"], "partitionSize": { "maxRowsPerPartition": 20000 },
                "synchronization": { "strategy": "checksum" } } ]
}`, s.pgDB))
	orch := s.startOrchestrator()
	s.startSourceWorker("source1", 2)
	s.checksumRun(t, cfg, name, 1)
	spec := tableSpec{pgFrom: "ckk", pgOrder: "id", sfFrom: "E2E.PUBLIC.CKK", sfOrder: "ID", cols: []col{
		{"id", "ID", "int"}, {"a", "A", "text"}, {"b::text", "TO_VARCHAR(B)", "dec"}}}

	// Change every row of the middle ranges (and delete some) so that their replaces
	// are long enough to be caught open.
	s.pgExec(`UPDATE ckk SET a = a || ' v2', b = b + 1 WHERE id BETWEEN 20001 AND 80000`,
		`DELETE FROM ckk WHERE id % 1000 = 7 AND id BETWEEN 20001 AND 80000`)
	out, code := s.starter(time.Minute, "create-data-migration-workflow", cfg, "--name", name,
		"--connection-name", s.emu.ConnectionName(), "--source-platform", "postgresql", "--task-queue-base", s.queue)
	if code != 0 {
		t.Fatalf("run 2: create exit %d:\n%s", code, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	watcher := s.sf()
	watcher.SetMaxOpenConns(1)
	conn, err := watcher.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	seen := false
	deadline := time.Now().Add(3 * time.Minute)
	for !seen && time.Now().Before(deadline) {
		seen = len(openLoadTxns(t, ctx, conn)) > 0
	}
	if !seen {
		t.Fatal("no replace transaction was seen open within 3 minutes")
	}
	if err := orch.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	waitExit(orch)
	t.Logf("killed the orchestrator; replace transactions left open: %v", openLoadTxns(t, ctx, conn))
	s.startOrchestrator()
	if out, code := s.starter(6*time.Minute, "watch", name); code != 0 {
		t.Fatalf("run 2: watch exit %d after the kill:\n%s", code, out)
	}
	if n := s.compareTable(spec); n != rows-60 {
		t.Fatalf("run 2: %d rows compared, want %d", n, rows-60)
	}
	if n := s.sfInt("SELECT COUNT(*) - COUNT(DISTINCT ID) FROM E2E.PUBLIC.CKK"); n != 0 {
		t.Fatalf("%d duplicate ids after the kill", n)
	}
	var reloaded, skipped int
	for _, p := range s.runPartitions(name, "ckk", 2) {
		switch {
		case p.action == "RELOADED":
			reloaded++
		case p.action == "SKIPPED":
			skipped++
			if p.holds(40000) {
				t.Errorf("partition %d holding changed rows was skipped", p.number)
			}
		}
	}
	if reloaded < 3 || skipped < 1 {
		t.Errorf("run 2: %d reloaded, %d skipped; want the 3 changed ranges reloaded and the first skipped", reloaded, skipped)
	}
	if left := openLoadTxns(t, ctx, conn); len(left) > 0 {
		t.Errorf("transactions still open after the run: %v", left)
	}
}

// TestResyncChecksumFirstRunKilledDuringLoad kills the orchestrator while a load of a
// checksum table's first run is open. A first run's loads skip the range DELETE (the
// run emptied the table: RangeEmpty), so exactness rests on the marker and on aborting
// the killed attempt's transaction: after a restart the table holds every row once,
// every partition has its baseline, and a re-run with nothing changed skips them all.
func TestResyncChecksumFirstRunKilledDuringLoad(t *testing.T) {
	s := newStack(t)
	const rows = 120000
	s.pgExec(`CREATE TABLE ckf (id bigint PRIMARY KEY, a text, b numeric(12,2))`,
		fmt.Sprintf(`INSERT INTO ckf SELECT g, 'row ' || g, g / 100.0 FROM generate_series(1, %d) g`, rows),
		`ANALYZE ckf`)
	const name = "E2eResyncChecksumFirstKill"
	cfg := s.writeConfig("ckf.json", fmt.Sprintf(`{
  "tables": [ { "source": { "databaseName": %q, "schemaName": "public", "tableName": "ckf" },
                "target": { "databaseName": "E2E", "schemaName": "PUBLIC", "tableName": "CKF" },
                "columnNamesToPartitionBy": ["id"], "partitionSize": { "maxRowsPerPartition": 20000 },
                "synchronization": { "strategy": "checksum" } } ]
}`, s.pgDB))
	orch := s.startOrchestrator()
	s.startSourceWorker("source1", 2)
	out, code := s.starter(time.Minute, "create-data-migration-workflow", cfg, "--name", name,
		"--connection-name", s.emu.ConnectionName(), "--source-platform", "postgresql", "--task-queue-base", s.queue)
	if code != 0 {
		t.Fatalf("run 1: create exit %d:\n%s", code, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	watcher := s.sf()
	watcher.SetMaxOpenConns(1)
	conn, err := watcher.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	seen := false
	for deadline := time.Now().Add(3 * time.Minute); !seen && time.Now().Before(deadline); {
		seen = len(openLoadTxns(t, ctx, conn)) > 0
	}
	if !seen {
		t.Fatal("no load transaction of the first run was seen open within 3 minutes")
	}
	if err := orch.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	waitExit(orch)
	t.Logf("killed the orchestrator; load transactions left open: %v", openLoadTxns(t, ctx, conn))
	s.startOrchestrator()
	if out, code := s.starter(6*time.Minute, "watch", name); code != 0 {
		t.Fatalf("run 1: watch exit %d after the kill:\n%s", code, out)
	}
	spec := tableSpec{pgFrom: "ckf", pgOrder: "id", sfFrom: "E2E.PUBLIC.CKF", sfOrder: "ID", cols: []col{
		{"id", "ID", "int"}, {"a", "A", "text"}, {"b::text", "TO_VARCHAR(B)", "dec"}}}
	if n := s.compareTable(spec); n != rows {
		t.Fatalf("run 1: %d rows compared, want %d", n, rows)
	}
	if n := s.sfInt("SELECT COUNT(*) - COUNT(DISTINCT ID) FROM E2E.PUBLIC.CKF"); n != 0 {
		t.Fatalf("%d duplicate ids after the kill", n)
	}
	for _, p := range s.runPartitions(name, "ckf", 1) {
		if p.status != "COMPLETED" || p.checksum == "" {
			t.Errorf("run 1: partition %d %s with baseline %q", p.number, p.status, p.checksum)
		}
	}
	s.checksumRun(t, cfg, name, 2)
	skipped := 0
	for _, p := range s.runPartitions(name, "ckf", 2) {
		// Every bounded range reused from run 1 is skipped (the open tail and the
		// NULL-key range are planned afresh and load as new, by design).
		if p.upper != nil && !p.nullKeys {
			if p.action != "SKIPPED" {
				t.Errorf("run 2 (nothing changed): partition %d %s, want SKIPPED", p.number, p.action)
			}
			skipped++
		}
	}
	if skipped < 5 {
		t.Errorf("run 2: %d bounded ranges skipped, want the 5 of run 1", skipped)
	}
	if n := s.compareTable(spec); n != rows {
		t.Fatalf("run 2: %d rows compared, want %d", n, rows)
	}
	if left := openLoadTxns(t, ctx, conn); len(left) > 0 {
		t.Errorf("transactions still open after the runs: %v", left)
	}
}

// TestResyncWatermarkTrackDeletions: a watermark re-run with trackDeletions appends the
// new rows and deletes the keys that vanished from the source (in reused ranges with
// nothing new), leaving the target equal to the source
// value by value; the partitions that lost keys record DELETED and the count. Both
// modes: append (new rows only) and merge (trackModifications, with an update).
func TestResyncWatermarkTrackDeletions(t *testing.T) {
	t.Run("append", func(t *testing.T) { testWatermarkTrackDeletions(t, false) })
	t.Run("merge", func(t *testing.T) { testWatermarkTrackDeletions(t, true) })
}

func testWatermarkTrackDeletions(t *testing.T, merge bool) {
	s := newStack(t)
	s.pgExec(`CREATE TABLE wd (id int PRIMARY KEY, v text, updated_at timestamptz NOT NULL)`,
		`INSERT INTO wd SELECT g, 'v' || g, timestamptz '2024-01-01 00:00+00' + g * interval '1 minute' FROM generate_series(1, 60) g`)
	// Each mode has its own target table (harmless; each subtest has its own local
	// Snowflake anyway). The failure once seen here, a range counting 20 rows where 10
	// were loaded, was the local Snowflake's DuckDB planning a read in one transaction
	// and running it in another while other partitions committed (emulator/docs/sql.md,
	// Transactions; emulator/tests/visibility_test.go).
	name, target := "E2eResyncDeletions", "WD"
	sync := `"strategy": "watermark", "watermarkColumn": "updated_at", "trackDeletions": true`
	if merge {
		name, target = name+"Merge", "WDM"
		sync += `, "trackModifications": true`
	}
	cfg := s.writeConfig("wd.json", fmt.Sprintf(`{
  "tables": [
    { "source": { "databaseName": %q, "schemaName": "public", "tableName": "wd" },
      "target": { "databaseName": "E2E", "schemaName": "PUBLIC", "tableName": %q },
      "columnNamesToPartitionBy": ["id"], "partitionSize": { "maxRowsPerPartition": 10 },
      "primaryKeyColumns": ["id"],
      "synchronization": { %s } }
  ]
}`, s.pgDB, target, sync))
	spec := tableSpec{pgFrom: "wd", pgOrder: "id", sfFrom: "E2E.PUBLIC." + target, sfOrder: "ID", cols: []col{
		{"id", "ID", "int"}, {"v", "V", "text"}, {"(extract(epoch from updated_at) * 1000000)::bigint", "UPDATED_AT", "tstz"}}}
	s.startOrchestrator()
	s.startSourceWorker("source1", 4)
	s.checksumRun(t, cfg, name, 1)
	if n := s.compareTable(spec); n != 60 {
		t.Fatalf("run 1: %d rows, want 60", n)
	}
	// Deletes in three ranges (two keys in one), inserts beyond the last range; with
	// merge also an update next to the deleted keys.
	if merge {
		s.pgExec(`UPDATE wd SET v = 'changed', updated_at = timestamptz '2024-03-01 00:00+00' WHERE id = 26`)
	}
	s.pgExec(`DELETE FROM wd WHERE id IN (3, 24, 25, 47)`,
		`INSERT INTO wd SELECT g, 'new' || g, timestamptz '2024-03-02 00:00+00' + g * interval '1 minute' FROM generate_series(61, 65) g`)
	s.checksumRun(t, cfg, name, 2)
	if n := s.compareTable(spec); n != 61 {
		t.Fatalf("run 2: %d rows, want 61", n)
	}
	deleted := s.sfInt(`SELECT COALESCE(SUM(p.ROWS_DELETED), 0) FROM SNOWCONVERT_AI.DATA_MIGRATION.PARTITION_METADATA p
WHERE p.WORKFLOW_ID = '` + name + `' AND p.SYNC_ACTION = 'DELETED'`)
	parts := s.sfInt(`SELECT COUNT(*) FROM SNOWCONVERT_AI.DATA_MIGRATION.PARTITION_METADATA WHERE WORKFLOW_ID = '` + name + `' AND SYNC_ACTION = 'DELETED'`)
	if deleted != 4 || parts != 3 {
		for _, run := range []int{1, 2} {
			t.Logf("run %d partitions: %+v", run, s.runPartitions(name, "wd", run))
		}
		t.Fatalf("metadata records %d rows deleted in %d partitions, want 4 in 3", deleted, parts)
	}
	// Run 3 without change deletes nothing more and keeps the target.
	s.checksumRun(t, cfg, name, 3)
	s.compareTable(spec)
	if n := s.sfInt(`SELECT COALESCE(SUM(ROWS_DELETED), 0) FROM SNOWCONVERT_AI.DATA_MIGRATION.PARTITION_METADATA WHERE WORKFLOW_ID = '` + name + `'`); n != 4 {
		t.Fatalf("after run 3, %d rows deleted in all, want still 4", n)
	}
}

// TestResyncChecksumSQLServer: re-sync by checksum from the local SQL Server (its
// Checksummer in T-SQL): an update, a delete and an insert inside the ranges and rows
// beyond them; the target ends equal to the source value by value, unchanged ranges
// skipped.
func TestResyncChecksumSQLServer(t *testing.T) {
	s := newStack(t)
	srv := testenv.StartSQLServer(t)
	const dbName = "e2e_resync"
	db := srv.CreateDatabase(t, dbName)
	exec := func(stmts ...string) {
		t.Helper()
		for _, q := range stmts {
			if _, err := db.Exec(q); err != nil {
				t.Fatalf("sql server %q: %v", q, err)
			}
		}
	}
	var rows []string
	for i := 1; i <= 60; i++ {
		rows = append(rows, fmt.Sprintf("(%d, N'n%d é', %d.25, '2024-01-%02d 10:00:00.1234567', 0x%04x)", 2*i, i, i, 1+i%28, i))
	}
	exec(`CREATE TABLE dbo.ck (id int NOT NULL PRIMARY KEY, name nvarchar(30), amount decimal(12,2), at datetime2(7), b varbinary(8))`,
		"INSERT INTO dbo.ck VALUES "+strings.Join(rows, ", "))
	worker := s.sqlServerWorkerTOML(srv, dbName, "sqlserver")
	cfg := s.writeConfig("ss-checksum.json", fmt.Sprintf(`{
  "tables": [ { "source": { "databaseName": %q, "schemaName": "dbo", "tableName": "ck" },
                "target": { "databaseName": "E2E", "schemaName": "SS", "tableName": "CK" },
                "columnNamesToPartitionBy": ["id"], "partitionSize": { "maxRowsPerPartition": 10 },
                "synchronization": { "strategy": "checksum" } } ]
}`, dbName))
	cols := []ssCol{{"id", "ID", "int"}, {"name", "NAME", "text"}, {"amount", "TO_VARCHAR(AMOUNT)", "dec"}, {"at", "AT", "ts"}, {"b", "B", "bytes"}}
	s.startOrchestrator()
	s.startProcess("source1", "workers", "source", "--config", worker, "--task-queue-base", s.queue)
	run := func(n int) {
		t.Helper()
		out, code := s.starter(2*time.Minute, "create-data-migration-workflow", cfg, "--name", "E2eResyncSS",
			"--connection-name", s.emu.ConnectionName(), "--source-platform", "sqlserver", "--task-queue-base", s.queue)
		if code != 0 {
			t.Fatalf("run %d: create exit %d:\n%s", n, code, out)
		}
		if out, code = s.starter(10*time.Minute, "watch", "E2eResyncSS"); code != 0 {
			t.Fatalf("run %d: watch exit %d:\n%s", n, code, out)
		}
	}
	run(1)
	if n := s.compareSQLServer(db, "dbo.ck", "E2E.SS.CK", "id", "", cols); n != 60 {
		t.Fatalf("run 1: %d rows, want 60", n)
	}
	exec(`UPDATE dbo.ck SET name = N'changed ü', at = '2025-01-01 00:00:00.0000001' WHERE id = 30`,
		`DELETE FROM dbo.ck WHERE id = 70`,
		`INSERT INTO dbo.ck VALUES (91, N'inside', 9.99, '2024-05-05 05:05:05', 0xff)`,
		`INSERT INTO dbo.ck VALUES (200, N'beyond', 1.00, '2024-06-06 06:06:06', NULL)`)
	run(2)
	if n := s.compareSQLServer(db, "dbo.ck", "E2E.SS.CK", "id", "", cols); n != 61 {
		t.Fatalf("run 2: %d rows, want 61", n)
	}
	var skipped, reloaded int
	for _, p := range s.runPartitionsKey("E2eResyncSS", dbName+".dbo.ck", 2) {
		switch p.action {
		case "SKIPPED":
			skipped++
		case "RELOADED":
			reloaded++
		}
	}
	if reloaded != 3 || skipped < 2 {
		t.Errorf("run 2: %d reloaded, %d skipped; want the 3 ranges holding ids 30, 70 and 91 reloaded, the others skipped", reloaded, skipped)
	}
}

// TestResyncWatermarkKilledDuringMerge: the orchestrator is SIGKILLed while a
// watermark re-run's partition transaction (COPY into staging + MERGE + marker) is
// open; the restarted orchestrator's next attempt aborts it and the run ends with the
// target equal to the source, one row per key.
func TestResyncWatermarkKilledDuringMerge(t *testing.T) {
	s := newStack(t)
	const rows = 120000
	s.pgExec(`CREATE TABLE wmk (id bigint PRIMARY KEY, a text, b numeric(12,2), updated_at timestamptz NOT NULL)`,
		fmt.Sprintf(`INSERT INTO wmk SELECT g, 'row ' || g, g / 100.0, timestamptz '2024-01-01 00:00+00' FROM generate_series(1, %d) g`, rows),
		`ANALYZE wmk`)
	const name = "E2eResyncMergeKill"
	cfg := s.writeConfig("wmk.json", fmt.Sprintf(`{
  "tables": [ { "source": { "databaseName": %q, "schemaName": "public", "tableName": "wmk" },
                "target": { "databaseName": "E2E", "schemaName": "PUBLIC", "tableName": "WMK" },
                "columnNamesToPartitionBy": ["id"], "partitionSize": { "maxRowsPerPartition": 20000 },
                "primaryKeyColumns": ["id"],
                "synchronization": { "strategy": "watermark", "watermarkColumn": "updated_at", "trackModifications": true } } ]
}`, s.pgDB))
	orch := s.startOrchestrator()
	s.startSourceWorker("source1", 2)
	s.checksumRun(t, cfg, name, 1)
	spec := tableSpec{pgFrom: "wmk", pgOrder: "id", sfFrom: "E2E.PUBLIC.WMK", sfOrder: "ID", cols: []col{
		{"id", "ID", "int"}, {"a", "A", "text"}, {"b::text", "TO_VARCHAR(B)", "dec"},
		{"(extract(epoch from updated_at) * 1000000)::bigint", "UPDATED_AT", "tstz"}}}
	s.pgExec(`UPDATE wmk SET a = a || ' v2', b = b + 1, updated_at = timestamptz '2024-02-01 00:00+00' + (id % 1000) * interval '1 second' WHERE id BETWEEN 20001 AND 100000`)
	out, code := s.starter(time.Minute, "create-data-migration-workflow", cfg, "--name", name,
		"--connection-name", s.emu.ConnectionName(), "--source-platform", "postgresql", "--task-queue-base", s.queue)
	if code != 0 {
		t.Fatalf("run 2: create exit %d:\n%s", code, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	watcher := s.sf()
	watcher.SetMaxOpenConns(1)
	conn, err := watcher.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	seen := false
	deadline := time.Now().Add(3 * time.Minute)
	for !seen && time.Now().Before(deadline) {
		seen = len(openLoadTxns(t, ctx, conn)) > 0
	}
	if !seen {
		t.Fatal("no merge transaction was seen open within 3 minutes")
	}
	if err := orch.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	waitExit(orch)
	t.Logf("killed the orchestrator; merge transactions left open: %v", openLoadTxns(t, ctx, conn))
	s.startOrchestrator()
	if out, code := s.starter(6*time.Minute, "watch", name); code != 0 {
		t.Fatalf("run 2: watch exit %d after the kill:\n%s", code, out)
	}
	if n := s.compareTable(spec); n != rows {
		t.Fatalf("run 2: %d rows compared, want %d", n, rows)
	}
	if n := s.sfInt("SELECT COUNT(*) - COUNT(DISTINCT ID) FROM E2E.PUBLIC.WMK"); n != 0 {
		t.Fatalf("%d duplicate ids after the kill", n)
	}
	if left := openLoadTxns(t, ctx, conn); len(left) > 0 {
		t.Errorf("transactions still open after the run: %v", left)
	}
}

// assertComparedByFingerprint reads the latest table workflow of checksumMigration
// from the Temporal history: every SourceChecksumPartition (the open-ended tail,
// compared while planning) must have been given the baseline's fingerprint and
// answered with a fingerprint only (the partition checksum was not computed), every
// SourceFingerprintPartitions (the pages) must have answered with fingerprints, and
// together they must have compared at least want partitions.
func (s *stack) assertComparedByFingerprint(t *testing.T, table string, want int) {
	t.Helper()
	c := s.temporal.Client(t)
	dc := converter.GetDefaultDataConverter()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	scheduled := map[int64]sourceapi.ChecksumPartitionInput{}
	pages := map[int64]bool{}
	n := 0
	it := c.GetWorkflowHistory(ctx, workflows.TableWorkflowID(checksumMigration, s.pgDB+".public."+table), "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		if a := ev.GetActivityTaskScheduledEventAttributes(); a != nil && a.GetActivityType().GetName() == sourceapi.ChecksumPartitionName {
			var in sourceapi.ChecksumPartitionInput
			if err := dc.FromPayloads(a.GetInput(), &in); err != nil {
				t.Fatal(err)
			}
			scheduled[ev.GetEventId()] = in
		}
		if a := ev.GetActivityTaskScheduledEventAttributes(); a != nil && a.GetActivityType().GetName() == sourceapi.FingerprintPartitionsName {
			pages[ev.GetEventId()] = true
		}
		if a := ev.GetActivityTaskCompletedEventAttributes(); a != nil && pages[a.GetScheduledEventId()] {
			var res sourceapi.FingerprintPartitionsResult
			if err := dc.FromPayloads(a.GetResult(), &res); err != nil {
				t.Fatal(err)
			}
			if !res.Supported || len(res.Fingerprints) == 0 {
				t.Errorf("%s: a page of partitions answered %+v; want fingerprints", table, res)
			}
			for _, fp := range res.Fingerprints {
				if !strings.HasPrefix(fp.Fingerprint, "pg1:") {
					t.Errorf("%s partition %d: page fingerprint %q", table, fp.Number, fp.Fingerprint)
				}
			}
			n += len(res.Fingerprints)
		}
		if a := ev.GetActivityTaskCompletedEventAttributes(); a != nil {
			in, ok := scheduled[a.GetScheduledEventId()]
			if !ok {
				continue
			}
			var res sourceapi.ChecksumPartitionResult
			if err := dc.FromPayloads(a.GetResult(), &res); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(in.BaselineFingerprint, "pg1:") || res.Checksum != "" || !strings.HasPrefix(res.Fingerprint, "pg1:") {
				t.Errorf("%s partition %d: compared with baseline fingerprint %q, answered checksum %q fingerprint %q; want a fingerprint-only comparison",
					table, in.Partition.Number, in.BaselineFingerprint, res.Checksum, res.Fingerprint)
			}
			n++
		}
	}
	if n < want {
		t.Fatalf("%s: %d source comparisons in the history, want at least %d", table, n, want)
	}
}
