package e2e

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/snowmigrate/snowmigrate/internal/testenv"
)

// Watermark re-sync from the local SQL Server (docs/sync.md): a first run is a full
// load, a re-run moves only the rows whose watermark (a datetime2 maintained by the
// writer) grew since the last successful run, appended or merged by primary key.

const resyncSQLServerMigration = "E2eResyncSQLServer"

func TestResyncWatermarkFromSQLServer(t *testing.T) {
	s := newStack(t)
	srv := testenv.StartSQLServer(t)
	const dbName = "e2e_resync"
	db := srv.CreateDatabase(t, dbName)
	ctx := context.Background()
	exec := func(stmts ...string) {
		t.Helper()
		for _, q := range stmts {
			for _, table := range []string{"appended", "merged"} {
				if _, err := db.ExecContext(ctx, strings.ReplaceAll(q, "$T", table)); err != nil {
					t.Fatalf("sql server %q: %v", q, err)
				}
			}
		}
	}
	var rows []string
	for i := 1; i <= 30; i++ {
		rows = append(rows, fmt.Sprintf("(%d, N'v%d|%d', DATEADD(minute, %d, '2024-01-01 00:00:00'))", i, i, i, i))
	}
	exec(`CREATE TABLE dbo.$T (id int NOT NULL PRIMARY KEY, note nvarchar(20) NOT NULL, updated_at datetime2(3) NOT NULL)`,
		"INSERT INTO dbo.$T VALUES "+strings.Join(rows, ", "))
	worker := s.sqlServerWorkerTOML(srv, dbName, "sqlserver")
	cfg := s.writeConfig("resync-sqlserver.json", fmt.Sprintf(`{
  "defaultTableConfiguration": {
    "source": { "databaseName": %q, "schemaName": "dbo" },
    "target": { "databaseName": "E2E", "schemaName": "SSRESYNC" },
    "columnNamesToPartitionBy": ["id"],
    "partitionSize": { "maxRowsPerPartition": 8 }
  },
  "tables": [
    { "source": { "tableName": "appended" }, "target": { "tableName": "APPENDED" },
      "synchronization": { "strategy": "watermark", "watermarkColumn": "updated_at" } },
    { "source": { "tableName": "merged" }, "target": { "tableName": "MERGED" },
      "primaryKeyColumns": ["id"],
      "synchronization": { "strategy": "watermark", "watermarkColumn": "updated_at", "trackModifications": true } }
  ]
}`, dbName))
	s.startOrchestrator()
	s.startProcess("source1", "workers", "source", "--config", worker, "--task-queue-base", s.queue)
	run := func(n int) {
		t.Helper()
		out, code := s.starter(2*time.Minute, "create-data-migration-workflow", cfg, "--name", resyncSQLServerMigration,
			"--connection-name", s.emu.ConnectionName(), "--source-platform", "sqlserver", "--task-queue-base", s.queue)
		if code != 0 {
			t.Fatalf("run %d: create exit %d:\n%s", n, code, out)
		}
		if out, code = s.starter(10*time.Minute, "watch", resyncSQLServerMigration); code != 0 {
			t.Fatalf("run %d: watch exit %d:\n%s", n, code, out)
		}
	}
	mark := func(table string) string {
		t.Helper()
		var m string
		err := s.sf().QueryRow(`SELECT COALESCE(WATERMARK_HIGH, '') FROM SNOWCONVERT_AI.DATA_MIGRATION.TABLE_SYNCHRONIZATION
WHERE WORKFLOW_ID = '` + resyncSQLServerMigration + `' AND TABLE_KEY = '` + dbName + `.dbo.` + table + `' ORDER BY SYNCHRONIZED_AT DESC LIMIT 1`).Scan(&m)
		if err != nil {
			t.Fatalf("mark of %s: %v", table, err)
		}
		return m
	}

	run(1)
	initial := ssRows(t, db, "appended")
	equalRows(t, "run 1 appended", sfRows(t, s, "APPENDED"), initial)
	equalRows(t, "run 1 merged", sfRows(t, s, "MERGED"), ssRows(t, db, "merged"))
	if m := mark("appended"); m != "2024-01-01 00:30:00.000" {
		t.Fatalf("run 1 mark %q", m)
	}

	// 4 inserts beyond the last range, 3 updates inside earlier ranges, 1 row changed
	// without its watermark (not moved: that is what a watermark means)
	exec(`INSERT INTO dbo.$T VALUES (31, N'new', '2024-02-01 00:00:00'), (32, N'new', '2024-02-01 00:00:01'), (33, N'new\', '2024-02-01 00:00:02'), (34, N'it''s', '2024-02-01 00:00:03')`,
		`UPDATE dbo.$T SET note = N'changed|' + CAST(id AS nvarchar(10)), updated_at = '2024-02-02 00:00:00' WHERE id IN (5, 13, 21)`,
		`UPDATE dbo.$T SET note = N'silent' WHERE id = 2`)
	afterRun2 := ssRows(t, db, "appended")
	run(2)
	// appended: every version moved so far, the silent change not among them
	want := append([]string(nil), initial...)
	for _, r := range afterRun2 {
		for _, p := range []string{"5|", "13|", "21|", "31|", "32|", "33|", "34|"} {
			if strings.HasPrefix(r, p) {
				want = append(want, r)
			}
		}
	}
	equalRows(t, "run 2 appended", sfRows(t, s, "APPENDED"), sortIDWatermark(want))
	mergedWant := ssRows(t, db, "merged")
	for i, r := range mergedWant {
		if strings.HasPrefix(r, "2|") {
			mergedWant[i] = initial[1] // the silent change stays behind
		}
	}
	equalRows(t, "run 2 merged", sfRows(t, s, "MERGED"), mergedWant)
	if m := mark("merged"); m != "2024-02-02 00:00:00.000" {
		t.Fatalf("run 2 mark %q", m)
	}
	for _, tbl := range []string{"appended", "merged"} {
		if n := s.sfInt(`SELECT ROWS_MOVED FROM SNOWCONVERT_AI.DATA_MIGRATION.TABLE_SYNCHRONIZATION WHERE WORKFLOW_ID = '` + resyncSQLServerMigration +
			`' AND TABLE_KEY = '` + dbName + `.dbo.` + tbl + `' ORDER BY SYNCHRONIZED_AT DESC LIMIT 1`); n != 7 {
			t.Fatalf("run 2 moved %d rows of %s, want the 7 whose watermark grew", n, tbl)
		}
	}

	// run 3 without changes moves nothing
	run(3)
	equalRows(t, "run 3 appended", sfRows(t, s, "APPENDED"), sortIDWatermark(want))
	if n := s.sfInt(`SELECT ROWS_MOVED FROM SNOWCONVERT_AI.DATA_MIGRATION.TABLE_SYNCHRONIZATION WHERE WORKFLOW_ID = '` + resyncSQLServerMigration +
		`' AND TABLE_KEY = '` + dbName + `.dbo.appended' ORDER BY SYNCHRONIZED_AT DESC LIMIT 1`); n != 0 {
		t.Fatalf("run 3 moved %d rows without a change", n)
	}
}

// sortIDWatermark orders "id|us|note" rows by id, then watermark, as sfRows reads them.
func sortIDWatermark(rows []string) []string {
	out := append([]string(nil), rows...)
	key := func(r string) (id, us int64) {
		fmt.Sscanf(r, "%d|%d|", &id, &us)
		return id, us
	}
	sort.SliceStable(out, func(i, j int) bool {
		a1, a2 := key(out[i])
		b1, b2 := key(out[j])
		return a1 < b1 || (a1 == b1 && a2 < b2)
	})
	return out
}

// ssRows reads id|updated_at (epoch microseconds)|note from the local SQL Server.
func ssRows(t *testing.T, db *sql.DB, table string) []string {
	t.Helper()
	rows, err := db.Query("SELECT id, note, updated_at FROM dbo." + table + " ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id int64
		var note string
		var at time.Time
		if err := rows.Scan(&id, &note, &at); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%d|%d|%s", id, at.UnixMicro(), note))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// sfRows reads the target the same way, ordered by id then watermark.
func sfRows(t *testing.T, s *stack, table string) []string {
	t.Helper()
	rows, err := s.sf().Query(`SELECT ID, NOTE, UPDATED_AT FROM E2E.SSRESYNC.` + table + ` ORDER BY ID, 3`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id int64
		var note string
		var at time.Time
		if err := rows.Scan(&id, &note, &at); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%d|%d|%s", id, at.UnixMicro(), note))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// Re-sync by checksum from the local SQL Server: a re-run computes each recorded range's
// checksum in T-SQL on the source (source/sqlserver/checksum.go) and compares it with
// the first run's, which Snowflake verified against the extractor's. Every unchanged
// range, over text beyond Latin-1, floats, decimals, datetimeoffset(7), datetime2(7),
// time(7), varbinary and nchar, must be skipped (the three checksums agree); the two
// changed ones, one of them by a single microsecond of a datetimeoffset, reloaded.
func TestResyncChecksumFromSQLServer(t *testing.T) {
	const name = "E2eResyncChecksumSQLServer"
	s := newStack(t)
	srv := testenv.StartSQLServer(t)
	const dbName = "e2e_ck"
	db := srv.CreateDatabase(t, dbName)
	ctx := context.Background()
	var rows []string
	for i := 1; i <= 60; i++ {
		rows = append(rows, fmt.Sprintf("(%d, N'n%d|é\\😀', %d.%02d, %d.125E-2, '2024-01-31 10:00:00.%07d %s', '2024-02-01 00:00:%02d.%07d', '12:00:00.%07d', 0x%04X, N'k%d')",
			i, i, i*3-90, i%100, i, i*1234567%10000000, []string{"+05:45", "-08:00", "+00:00"}[i%3], i%60, i*7654321%10000000, i*3, i, i%9))
	}
	for _, q := range []string{
		`CREATE TABLE dbo.ck (id int NOT NULL PRIMARY KEY, note nvarchar(30), amount decimal(12,2), f float, at datetimeoffset(7), dt datetime2(7), tm time(7), raw varbinary(8), c nchar(4))`,
		"INSERT INTO dbo.ck VALUES " + strings.Join(rows, ", "),
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	worker := s.sqlServerWorkerTOML(srv, dbName, "sqlserver-ck")
	cfg := s.writeConfig("checksum-sqlserver.json", fmt.Sprintf(`{
  "tables": [
    { "source": { "databaseName": %q, "schemaName": "dbo", "tableName": "ck" },
      "target": { "databaseName": "E2E", "schemaName": "SSCK", "tableName": "CK" },
      "columnNamesToPartitionBy": ["id"], "partitionSize": { "maxRowsPerPartition": 10 },
      "synchronization": { "strategy": "checksum" } }
  ]
}`, dbName))
	s.startOrchestrator()
	s.startProcess("source1", "workers", "source", "--config", worker, "--task-queue-base", s.queue)
	run := func(n int) {
		t.Helper()
		out, code := s.starter(2*time.Minute, "create-data-migration-workflow", cfg, "--name", name,
			"--connection-name", s.emu.ConnectionName(), "--source-platform", "sqlserver", "--task-queue-base", s.queue)
		if code != 0 {
			t.Fatalf("run %d: create exit %d:\n%s", n, code, out)
		}
		if out, code = s.starter(10*time.Minute, "watch", name); code != 0 {
			t.Fatalf("run %d: watch exit %d:\n%s", n, code, out)
		}
	}
	compare := func(what string) {
		t.Helper()
		src := ckRows(t, func(q string) (*sql.Rows, error) {
			return db.Query(q)
		}, "SELECT id, note, at FROM dbo.ck ORDER BY id")
		dst := ckRows(t, func(q string) (*sql.Rows, error) { return s.sf().Query(q) }, "SELECT ID, NOTE, AT FROM E2E.SSCK.CK ORDER BY ID")
		equalRows(t, what, dst, src)
	}

	run(1)
	first := ssPartitions(t, s, name, dbName+".dbo.ck", 1)
	if len(first) < 6 {
		t.Fatalf("run 1 planned %d partitions: %+v", len(first), first)
	}
	for _, q := range []string{
		"UPDATE dbo.ck SET note = N'changed' WHERE id = 15",
		"UPDATE dbo.ck SET at = DATEADD(microsecond, 1, at) WHERE id = 45",
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	run(2)
	second := ssPartitions(t, s, name, dbName+".dbo.ck", 2)
	var skipped, reloaded int
	for _, p := range first {
		if p.upper == nil || p.nullKeys {
			continue
		}
		want := "SKIPPED"
		if p.holds(15) || p.holds(45) {
			want = "RELOADED"
		}
		for _, q := range second {
			if q.number != p.number {
				continue
			}
			if q.action != want || q.status != "COMPLETED" {
				t.Errorf("run 2 partition %d (%v, %v]: %s/%s, want COMPLETED/%s", q.number, p.lower, *p.upper, q.status, q.action, want)
			}
			if q.action == "SKIPPED" {
				skipped++
			} else if q.action == "RELOADED" {
				reloaded++
			}
		}
	}
	if reloaded != 2 || skipped < 3 {
		t.Fatalf("run 2: %d skipped, %d reloaded: %+v", skipped, reloaded, second)
	}
	compare("run 2")
}

// ssPartitions reads the partitions of the n-th run of a migration's table.
func ssPartitions(t *testing.T, s *stack, name, key string, run int) []partAction {
	t.Helper()
	rows, err := s.sf().Query(`SELECT p.PARTITION_NUMBER, COALESCE(p.LOWER_BOUND, ''), COALESCE(p.UPPER_BOUND, ''), COALESCE(p.NULL_KEYS, FALSE), p.STATUS, COALESCE(p.SYNC_ACTION, '')
FROM SNOWCONVERT_AI.DATA_MIGRATION.PARTITION_METADATA p
JOIN (SELECT RUN_ID, ROW_NUMBER() OVER (ORDER BY START_TIME) AS N FROM SNOWCONVERT_AI.DATA_MIGRATION.TABLE_METADATA
      WHERE WORKFLOW_ID = '` + name + `' AND TABLE_KEY = '` + key + `') r ON r.RUN_ID = p.RUN_ID
WHERE p.WORKFLOW_ID = '` + name + `' AND p.TABLE_KEY = '` + key + `' AND r.N = ` + fmt.Sprint(run) + ` ORDER BY p.PARTITION_NUMBER`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	bound := func(j string) *int64 {
		if j == "" {
			return nil
		}
		var b []string
		if err := json.Unmarshal([]byte(j), &b); err != nil || len(b) != 1 {
			t.Fatalf("bound %q: %v", j, err)
		}
		v, err := strconv.ParseInt(b[0], 10, 64)
		if err != nil {
			t.Fatalf("bound %q: %v", j, err)
		}
		return &v
	}
	var out []partAction
	for rows.Next() {
		var p partAction
		var lo, up string
		if err := rows.Scan(&p.number, &lo, &up, &p.nullKeys, &p.status, &p.action); err != nil {
			t.Fatal(err)
		}
		p.lower, p.upper = bound(lo), bound(up)
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// ckRows reads (id, note, instant in ns: the 100-ns digit included) rows as text.
func ckRows(t *testing.T, query func(string) (*sql.Rows, error), q string) []string {
	t.Helper()
	rows, err := query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id int64
		var note sql.NullString
		var at time.Time
		if err := rows.Scan(&id, &note, &at); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%d|%s|%d", id, note.String, at.UnixNano()))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// trackDeletions from the local SQL Server: a watermark re-run compares each range's key
// sets with the SQL Server Locator (key-hash bucket checksums in T-SQL, then the keys of
// differing buckets) and deletes from the target the keys that vanished from the source.
func TestResyncDeletionsFromSQLServer(t *testing.T) {
	const name = "E2eResyncDeletionsSQLServer"
	s := newStack(t)
	srv := testenv.StartSQLServer(t)
	const dbName = "e2e_del"
	db := srv.CreateDatabase(t, dbName)
	ctx := context.Background()
	var rows []string
	for i := 1; i <= 40; i++ {
		rows = append(rows, fmt.Sprintf("(%d, N'k|%d\\', DATEADD(minute, %d, '2024-01-01 00:00:00'))", i, i, i))
	}
	for _, q := range []string{
		`CREATE TABLE dbo.del (id int NOT NULL PRIMARY KEY, note nvarchar(20) NOT NULL, updated_at datetime2(3) NOT NULL)`,
		"INSERT INTO dbo.del VALUES " + strings.Join(rows, ", "),
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	worker := s.sqlServerWorkerTOML(srv, dbName, "sqlserver-del")
	cfg := s.writeConfig("deletions-sqlserver.json", fmt.Sprintf(`{
  "tables": [
    { "source": { "databaseName": %q, "schemaName": "dbo", "tableName": "del" },
      "target": { "databaseName": "E2E", "schemaName": "SSDEL", "tableName": "DEL" },
      "columnNamesToPartitionBy": ["id"], "partitionSize": { "maxRowsPerPartition": 10 },
      "primaryKeyColumns": ["id"],
      "synchronization": { "strategy": "watermark", "watermarkColumn": "updated_at", "trackModifications": true, "trackDeletions": true } }
  ]
}`, dbName))
	s.startOrchestrator()
	s.startProcess("source1", "workers", "source", "--config", worker, "--task-queue-base", s.queue)
	run := func(n int) {
		t.Helper()
		out, code := s.starter(2*time.Minute, "create-data-migration-workflow", cfg, "--name", name,
			"--connection-name", s.emu.ConnectionName(), "--source-platform", "sqlserver", "--task-queue-base", s.queue)
		if code != 0 {
			t.Fatalf("run %d: create exit %d:\n%s", n, code, out)
		}
		if out, code = s.starter(10*time.Minute, "watch", name); code != 0 {
			t.Fatalf("run %d: watch exit %d:\n%s", n, code, out)
		}
	}
	target := func() []string {
		rows, err := s.sf().Query("SELECT ID, NOTE, UPDATED_AT FROM E2E.SSDEL.DEL ORDER BY ID")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var id int64
			var note string
			var at time.Time
			if err := rows.Scan(&id, &note, &at); err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprintf("%d|%d|%s", id, at.UnixMicro(), note))
		}
		return out
	}
	run(1)
	equalRows(t, "run 1", target(), ssRows(t, db, "del"))
	for _, q := range []string{
		"DELETE FROM dbo.del WHERE id IN (5, 17, 33, 40)",
		"UPDATE dbo.del SET note = N'changed', updated_at = '2024-02-01 00:00:00' WHERE id = 20",
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	run(2)
	got := target()
	equalRows(t, "run 2", got, ssRows(t, db, "del"))
	if len(got) != 36 {
		t.Fatalf("run 2: %d target rows, want 36", len(got))
	}
	if n := s.sfInt(`SELECT COALESCE(SUM(ROWS_DELETED), 0) FROM SNOWCONVERT_AI.DATA_MIGRATION.PARTITION_METADATA WHERE WORKFLOW_ID = '` + name + `'`); n != 4 {
		t.Fatalf("PARTITION_METADATA records %d deleted rows, want 4", n)
	}
}
