package e2e

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
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
