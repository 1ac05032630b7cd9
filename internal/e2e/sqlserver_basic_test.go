package e2e

import (
	"context"
	"database/sql"
	"fmt"
	"math/big"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/snowmigrate/snowmigrate/internal/testenv"
)

// basicSQLServerExample is the reference system's basic SQL Server configuration
// (../shared/docs/config-reference.md: SampleStoreDB.dbo, a renamed table, a MONEY
// mapping, a rename, a watermark, a size and a filter), shipped unchanged as an
// example.
const basicSQLServerExample = "../../config/examples/sqlserver-basic.json"

// TestSQLServerBasicMigrationExample runs config/examples/sqlserver-basic.json,
// unchanged, against the local SQL Server holding the tables it names, compares every
// value, then changes the source and runs it again: store_employee (no
// synchronization) is replaced whole; Sales_Simple (watermark on UPDATED_AT, filter
// is_deleted = 0) gets exactly the rows whose watermark grew and that pass the filter,
// appended.
func TestSQLServerBasicMigrationExample(t *testing.T) {
	s := newStack(t)
	srv := testenv.StartSQLServer(t)
	const dbName, name = "SampleStoreDB", "BasicSqlServer"
	db := srv.CreateDatabase(t, dbName)
	ctx := context.Background()
	exec := func(stmts ...string) {
		t.Helper()
		for _, q := range stmts {
			if _, err := db.ExecContext(ctx, q); err != nil {
				t.Fatalf("sql server %q: %v", q, err)
			}
		}
	}
	exec(`CREATE TABLE dbo.store_employee (ID int NOT NULL PRIMARY KEY, first_name nvarchar(50) NOT NULL,
 last_name nvarchar(50) NULL, hire_date date NULL, salary decimal(10,2) NULL, email varchar(100) NULL)`,
		`CREATE TABLE dbo.Sales_Simple (ID int NOT NULL PRIMARY KEY, name nvarchar(100) NOT NULL, amount money NULL,
 UPDATED_AT datetime2(3) NOT NULL, is_deleted bit NOT NULL)`)
	var emp, sales []string
	for i := 1; i <= 120; i++ {
		last := fmt.Sprintf("N'Last%d'", i)
		if i%17 == 0 {
			last = "NULL"
		}
		emp = append(emp, fmt.Sprintf("(%d, N'Émp%d', %s, DATEADD(day, %d, '2010-01-01'), %d.%02d, 'e%d@example.com')", i, i, last, i*13, 30000+i*7, i%100, i))
	}
	emp = append(emp, "(121, N'O''Brien', N'[x] \\ |', '9999-12-31', 99999999.99, NULL)")
	for i := 1; i <= 300; i++ {
		sales = append(sales, fmt.Sprintf("(%d, N'sale %d ñ', %d.%04d, DATEADD(second, %d, '2024-01-01 00:00:00'), %d)", i, i, i*3, (i*37)%10000, i, boolInt(i%10 == 0)))
	}
	sales = append(sales, "(301, N'max', 922337203685477.5807, '2024-01-01 01:00:00', 0)", "(302, N'min', -922337203685477.5808, '2024-01-01 01:00:01', 0)",
		"(303, N'null amount', NULL, '2024-01-01 01:00:02', 0)")
	exec("INSERT INTO dbo.store_employee VALUES "+strings.Join(emp, ", "), "INSERT INTO dbo.Sales_Simple VALUES "+strings.Join(sales, ", "))

	// The reference expects the target database and schema deployed before data moves
	// (without them each table fails, non-retryably, naming the database).
	for _, q := range []string{"CREATE DATABASE IF NOT EXISTS SAMPLESTOREDB", "CREATE SCHEMA IF NOT EXISTS SAMPLESTOREDB.DBO"} {
		if _, err := s.sf().Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	data, err := os.ReadFile(basicSQLServerExample)
	if err != nil {
		t.Fatal(err)
	}
	cfg := s.writeConfig("sqlserver-basic.json", string(data)) // byte for byte
	worker := s.sqlServerWorkerTOML(srv, dbName, "sqlserver")
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
	ssEmp := func() []string {
		return textRows(t, db, `SELECT CAST(ID AS varchar(10)) + '|' + first_name + '|' + COALESCE(last_name, '\N') + '|' +
 COALESCE(CONVERT(varchar(10), hire_date, 23), '\N') + '|' + COALESCE(CAST(salary AS varchar(20)), '\N') + '|' + COALESCE(email, '\N')
 FROM dbo.store_employee ORDER BY ID`)
	}
	sfEmp := func() []string {
		return textRows(t, s.sf(), `SELECT ID || '|' || FIRST_NAME || '|' || COALESCE(LAST_NAME, '\\N') || '|' ||
 COALESCE(TO_VARCHAR(HIRE_DATE, 'YYYY-MM-DD'), '\\N') || '|' || COALESCE(TO_VARCHAR(SALARY), '\\N') || '|' || COALESCE(EMAIL, '\\N')
 FROM SAMPLESTOREDB.DBO.TARGET_EMPLOYEE ORDER BY ID`)
	}
	// Sales as id|name|amount (exact decimal)|UPDATED_AT to the millisecond, ordered
	// by id then watermark (appended versions sit side by side).
	ssSales := func(where string) []string {
		return salesRows(t, textRows(t, db, `SELECT CAST(ID AS varchar(10)) + '|' + name + '|' + COALESCE(CAST(amount AS varchar(30)), '\N') + '|' +
 CONVERT(varchar(23), UPDATED_AT, 121) FROM dbo.Sales_Simple WHERE `+where+` ORDER BY ID, UPDATED_AT`))
	}
	sfSales := func() []string {
		return salesRows(t, textRows(t, s.sf(), `SELECT ID || '|' || FULL_NAME || '|' || COALESCE(TO_VARCHAR(AMOUNT), '\\N') || '|' ||
 TO_VARCHAR(UPDATED_AT, 'YYYY-MM-DD HH24:MI:SS.FF3') FROM SAMPLESTOREDB.DBO.SALES_SIMPLE ORDER BY ID, UPDATED_AT`))
	}

	run(1)
	equalRows(t, "run 1 target_employee", sfEmp(), ssEmp())
	firstSales := ssSales("is_deleted = 0")
	if len(firstSales) != 273 {
		t.Fatalf("source holds %d rows not deleted, want 273", len(firstSales))
	}
	equalRows(t, "run 1 Sales_Simple", sfSales(), firstSales)
	// The MONEY mapping and the rename took effect, every other column kept its name.
	var dt string
	var prec, scale int
	if err := s.sf().QueryRow(`SELECT DATA_TYPE, NUMERIC_PRECISION, NUMERIC_SCALE FROM SAMPLESTOREDB.INFORMATION_SCHEMA.COLUMNS
 WHERE TABLE_SCHEMA = 'DBO' AND TABLE_NAME = 'SALES_SIMPLE' AND COLUMN_NAME = 'AMOUNT'`).Scan(&dt, &prec, &scale); err != nil || dt != "NUMBER" || prec != 19 || scale != 4 {
		t.Fatalf("AMOUNT is %s(%d,%d) (%v), want NUMBER(19,4) from the MONEY mapping", dt, prec, scale, err)
	}
	if n := s.sfInt(`SELECT COUNT(*) FROM SAMPLESTOREDB.INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = 'DBO' AND TABLE_NAME = 'SALES_SIMPLE'
 AND COLUMN_NAME IN ('ID', 'FULL_NAME', 'AMOUNT', 'UPDATED_AT', 'IS_DELETED')`); n != 5 {
		t.Fatalf("SALES_SIMPLE has %d of its 5 expected columns (FULL_NAME renamed from name)", n)
	}

	// Changes: employees deleted, inserted and updated (replaced whole on the re-run);
	// sales inserted, updated with a newer watermark, one deleted logically (filtered
	// out: its earlier version stays), one changed without its watermark (not moved).
	exec(`DELETE FROM dbo.store_employee WHERE ID IN (3, 50)`,
		`INSERT INTO dbo.store_employee VALUES (200, N'New', N'Hire', '2024-06-01', 1.00, NULL)`,
		`UPDATE dbo.store_employee SET salary = salary + 0.01, last_name = N'Renamed' WHERE ID = 7`,
		`INSERT INTO dbo.Sales_Simple VALUES (400, N'new sale', 10.0001, '2024-03-01 00:00:00', 0), (401, N'new deleted', 1, '2024-03-01 00:00:01', 1)`,
		`UPDATE dbo.Sales_Simple SET amount = amount + 0.0001, UPDATED_AT = '2024-03-02 00:00:00.123' WHERE ID IN (5, 150, 302)`,
		`UPDATE dbo.Sales_Simple SET is_deleted = 1, UPDATED_AT = '2024-03-02 00:00:01' WHERE ID = 7`,
		`UPDATE dbo.Sales_Simple SET name = N'silent' WHERE ID = 8`)
	run(2)
	equalRows(t, "run 2 target_employee", sfEmp(), ssEmp())
	want := append([]string(nil), firstSales...)
	want = append(want, ssSales("is_deleted = 0 AND UPDATED_AT > '2024-01-01 01:00:02'")...)
	if len(want) != 273+3 { // 400, 5 and 302; 150 and 7 are is_deleted = 1, 401 too
		t.Fatalf("expected 3 moved sales rows, the source gives %d", len(want)-273)
	}
	equalRows(t, "run 2 Sales_Simple", sfSales(), salesRows(t, want))
	if n := s.sfInt(`SELECT ROWS_MOVED FROM SNOWCONVERT_AI.DATA_MIGRATION.TABLE_SYNCHRONIZATION WHERE WORKFLOW_ID = '` + name +
		`' AND TABLE_KEY = '` + dbName + `.dbo.Sales_Simple' ORDER BY SYNCHRONIZED_AT DESC LIMIT 1`); n != 3 {
		t.Fatalf("run 2 moved %d rows of Sales_Simple, want the 3 whose watermark grew and that pass the filter", n)
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// salesRows normalizes the amount field (SQL Server and Snowflake print decimals
// differently: trailing zeros) and sorts by id then watermark.
func salesRows(t *testing.T, rows []string) []string {
	t.Helper()
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		f := strings.Split(r, "|")
		if len(f) != 4 {
			t.Fatalf("row %q", r)
		}
		if f[2] != `\N` {
			v, ok := new(big.Rat).SetString(f[2])
			if !ok {
				t.Fatalf("amount %q", f[2])
			}
			f[2] = v.FloatString(4)
		}
		out = append(out, strings.Join(f, "|"))
	}
	sortByIDThenMark(out)
	return out
}

// sortByIDThenMark orders "id|…|mark" rows numerically by id, then by the mark text.
func sortByIDThenMark(rows []string) {
	key := func(r string) (int, string) {
		var id int
		fmt.Sscanf(r, "%d|", &id)
		return id, r[strings.LastIndex(r, "|")+1:]
	}
	for i := 1; i < len(rows); i++ {
		for j := i; j > 0; j-- {
			a1, a2 := key(rows[j-1])
			b1, b2 := key(rows[j])
			if a1 < b1 || (a1 == b1 && a2 <= b2) {
				break
			}
			rows[j-1], rows[j] = rows[j], rows[j-1]
		}
	}
}

// textRows reads a one-column text query.
func textRows(t *testing.T, db *sql.DB, q string) []string {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
