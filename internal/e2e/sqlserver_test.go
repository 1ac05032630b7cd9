package e2e

import (
	"context"
	"database/sql"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	mssql "github.com/microsoft/go-mssqldb"
	enumspb "go.temporal.io/api/enums/v1"

	"github.com/snowmigrate/snowmigrate/activities/sourceapi"
	"github.com/snowmigrate/snowmigrate/internal/testenv"
	"github.com/snowmigrate/snowmigrate/workflows"
)

// ssTypesDDL is a SQL Server table with every type the dialect maps.
const ssTypesDDL = `CREATE TABLE dbo.all_types (
 id int NOT NULL PRIMARY KEY, ti tinyint, si smallint, bi bigint, b bit,
 d38 decimal(38,10), n52 numeric(5,2), m money, sm smallmoney, r real, f float,
 dt date, tm time(7), t3 time(3), sdt smalldatetime, dtm datetime, dt2 datetime2(7), dt23 datetime2(3), dto datetimeoffset(7),
 c char(5), vc varchar(20), vcm varchar(max), nc nchar(4), nvc nvarchar(30), nvm nvarchar(max), tx text, ntx ntext,
 bn binary(4), vb varbinary(10), vbm varbinary(max), img image, g uniqueidentifier, x xml, sv sql_variant,
 h hierarchyid, geo geometry, gg geography)`

const ssTypesRows = `INSERT INTO dbo.all_types (id, ti, si, bi, b, d38, n52, m, sm, r, f, dt, tm, t3, sdt, dtm, dt2, dt23, dto,
 c, vc, vcm, nc, nvc, nvm, tx, ntx, bn, vb, vbm, img, g, x, sv, h, geo, gg) VALUES
(1, 0, -32768, -9223372036854775808, 0, -9999999999999999999999999999.9999999999, -999.99, -922337203685477.5808, -214748.3648,
 -3.4028235E+38, -1.7976931348623157E+308, '0001-01-01', '00:00:00', '00:00:00.001', '1900-01-01 00:00', '1753-01-01 00:00:00.003',
 '0001-01-02 00:00:00', '0001-01-01 00:00:00.000', '2000-01-01 00:00:00 -14:00',
 '', '', '', N'', N'', N'', '', N'', 0x00000000, 0x, 0x, 0x, '00000000-0000-0000-0000-000000000000', N'<a/>', N'', '/', 'POINT (0 0)', 'POINT (0 0)'),
(2, 255, 32767, 9223372036854775807, 1, 9999999999999999999999999999.9999999999, 999.99, 922337203685477.5807, 214748.3647,
 3.4028235E+38, 1.7976931348623157E+308, '9999-12-31', '23:59:59.9999990', '23:59:59.999', '2079-06-06 23:59', '9999-12-31 23:59:59.997',
 '9999-12-30 23:59:59.9999990', '9999-12-31 23:59:59.999', '2024-02-29 12:34:56.1234560 +14:00',
 'abcde', 'Hello, World ', REPLICATE('x', 9000), N'éü', N'O''Brien [x] N''y''', N'😀😀 tail', 'text', N'ntext ü',
 0xDEADBEEF, 0x00FF00FF, 0x0102, 0x03, '6F9619FF-8B86-D011-B42D-00C04FC964FF', N'<r a="1">ü</r>', N'variant', '/1/2/3/',
 'LINESTRING (1 2, 3 4)', 'POINT (-122.34 47.65)'),
(3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
 NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`

// ssCol is one column compared between the local SQL Server and the local Snowflake.
type ssCol struct {
	ss, sf string // expressions on each side
	kind   string // int dec float text bytes bool date time ts tstz
}

// TestSQLServerMigration migrates SQL Server tables of every type, with case-insensitive
// and blank-padded text keys, a composite key with NULLs, a T-SQL filter and an empty
// table into the local Snowflake, compares every value, then runs again and checks
// nothing is duplicated.
func TestSQLServerMigration(t *testing.T) {
	s := newStack(t)
	srv := testenv.StartSQLServer(t)
	const dbName = "e2e_shop"
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
	exec(ssTypesDDL, ssTypesRows)
	var gen []string
	for i := 4; i <= 40; i++ {
		gen = append(gen, fmt.Sprintf("(%d, %d, %d, %d, %d, %d.%04d, %d.5, %d.25, 1.5, %d.5, %d.125, '2000-01-%02d', '12:%02d:00.1234560', '01:02:03.004', '2001-02-03 04:05', '2001-02-03 04:05:06.007', '2001-02-03 04:05:06.1234560', '2001-02-03 04:05:06.120', '2001-02-03 04:05:06.1230000 %s', 'c%d', 'v%d', 'vm%d', N'n%d', N'ñ%d', N'nm%d', 't', N'nt', 0x%08x, 0x%02x, 0x01, 0x02, NEWID(), N'<i>%d</i>', N'%d', '/%d/', 'POINT (%d 1)', 'POINT (%d 1)')",
			i, i, i*10, i*1000000, i%2, i, i, i, i, i, i, 1+i%28, i%60, []string{"+01:00", "-05:30", "+00:00"}[i%3], i, i, i, i, i, i, i*7919, i, i, i, i, i%90, i%80))
	}
	exec("INSERT INTO dbo.all_types (id, ti, si, bi, b, d38, n52, m, sm, r, f, dt, tm, t3, sdt, dtm, dt2, dt23, dto, c, vc, vcm, nc, nvc, nvm, tx, ntx, bn, vb, vbm, img, g, x, sv, h, geo, gg) VALUES " + strings.Join(gen, ", "))
	// Text keys: case-insensitive duplicates, trailing blanks, a composite key with NULLs.
	exec(`CREATE TABLE dbo.ci_keys (id int NOT NULL, name nvarchar(20) NULL, code varchar(10) NULL, n int NULL)`)
	var ci []string
	names := []string{"a", "A", "a ", "A  ", "b", "B", "", " ", "é", "É", "O'Brien", "x]y", "N'x'", "😀", "zz", "zz ", "a\tb"}
	id := 0
	for rep := 0; rep < 3; rep++ {
		for _, n := range names {
			id++
			code := "'" + strings.ReplaceAll(strings.ToUpper(n), "'", "''") + "'"
			if strings.ContainsAny(n, "éÉ😀") {
				code = "'k'"
			}
			ci = append(ci, fmt.Sprintf("(%d, N'%s', %s, %d)", id, strings.ReplaceAll(n, "'", "''"), code, (id*5)%4))
		}
	}
	ci = append(ci, fmt.Sprintf("(%d, NULL, NULL, 1)", id+1), fmt.Sprintf("(%d, N'a', 'a', NULL)", id+2))
	exec("INSERT INTO dbo.ci_keys VALUES " + strings.Join(ci, ", "))
	ciRows := id + 2
	exec(`CREATE TABLE dbo.filtered ([Id] int NOT NULL PRIMARY KEY, [is deleted] bit NOT NULL, v nvarchar(20))`,
		`INSERT INTO dbo.filtered VALUES (1, 0, N'keep'), (2, 1, N'drop'), (3, 0, N'it''s'), (4, 0, N'x'), (5, 1, N'y'), (6, 0, N'[z]')`,
		`CREATE TABLE dbo.empty_table (id int NOT NULL PRIMARY KEY, v nvarchar(10))`)

	worker := s.sqlServerWorkerTOML(srv, dbName, "sqlserver")
	cfg := s.writeConfig("sqlserver.json", fmt.Sprintf(`{
  "schemaVersion": "1.0",
  "defaultTableConfiguration": {
    "source": { "databaseName": %q, "schemaName": "dbo" },
    "target": { "databaseName": "E2E", "schemaName": "SS" },
    "partitionSize": { "maxRowsPerPartition": 4 }
  },
  "tables": [
    { "source": { "tableName": "all_types" }, "target": { "tableName": "all_types" }, "columnNamesToPartitionBy": ["id"] },
    { "source": { "tableName": "ci_keys" }, "target": { "tableName": "ci_keys" }, "columnNamesToPartitionBy": ["name", "n"] },
    { "source": { "tableName": "filtered" }, "target": { "tableName": "filtered" }, "columnNamesToPartitionBy": ["Id"],
      "whereClauseCriteria": "[is deleted] = 0 AND v <> N'it''s'" },
    { "source": { "tableName": "empty_table" }, "target": { "tableName": "empty_table" }, "columnNamesToPartitionBy": ["id"] }
  ]
}`, dbName))
	s.startOrchestrator()
	s.startProcess("source1", "workers", "source", "--config", worker, "--task-queue-base", s.queue)

	for run := 1; run <= 2; run++ {
		out, code := s.starter(2*time.Minute, "create-data-migration-workflow", cfg, "--name", "E2eSQLServer",
			"--connection-name", s.emu.ConnectionName(), "--source-platform", "sqlserver", "--task-queue-base", s.queue)
		if code != 0 {
			t.Fatalf("run %d: create-data-migration-workflow exit %d:\n%s", run, code, out)
		}
		out, code = s.starter(10*time.Minute, "watch", "E2eSQLServer")
		if code != 0 {
			t.Fatalf("run %d: watch exit %d (a table did not complete):\n%s", run, code, out)
		}
		if n := s.compareSQLServer(db, "dbo.all_types", "E2E.SS.ALL_TYPES", "id", "", []ssCol{
			{"id", "ID", "int"}, {"ti", "TI", "int"}, {"si", "SI", "int"}, {"bi", "BI", "int"}, {"b", "B", "bool"},
			{"d38", "TO_VARCHAR(D38)", "dec"}, {"n52", "TO_VARCHAR(N52)", "dec"}, {"m", "TO_VARCHAR(M)", "dec"}, {"sm", "TO_VARCHAR(SM)", "dec"},
			{"r", "R", "float"}, {"f", "F", "float"}, {"dt", "DT", "date"}, {"tm", "TO_VARCHAR(TM, 'HH24:MI:SS.FF7')", "time7"}, {"t3", "T3", "time"},
			{"sdt", "SDT", "ts"}, {"dtm", "DTM", "ts"}, {"dt2", "DT2", "ts7"}, {"dt23", "DT23", "ts"}, {"dto", "DTO", "tstz7"},
			{"dt2", "TO_VARCHAR(DT2, 'YYYY-MM-DD HH24:MI:SS.FF7')", "ts7text"}, {"dto", "TO_VARCHAR(DTO, 'YYYY-MM-DD HH24:MI:SS.FF7 TZH:TZM')", "tstz7text"},
			{"c", "C", "text"}, {"vc", "VC", "text"}, {"vcm", "VCM", "text"}, {"nc", "NC", "text"}, {"nvc", "NVC", "text"}, {"nvm", "NVM", "text"},
			{"tx", "TX", "text"}, {"ntx", "NTX", "text"}, {"bn", "BN", "bytes"}, {"vb", "VB", "bytes"}, {"vbm", "VBM", "bytes"}, {"img", "IMG", "bytes"},
			{"CONVERT(nvarchar(36), g)", "G", "text"}, {"CONVERT(nvarchar(max), x)", "X", "text"}, {"CONVERT(nvarchar(max), sv)", "SV", "text"},
			{"h.ToString()", "H", "text"}, {"geo.STAsText()", "GEO", "text"}, {"gg.STAsText()", "GG", "text"},
		}); n != 40 {
			t.Errorf("run %d: all_types compared %d rows, want 40", run, n)
		}
		if n := s.compareSQLServer(db, "dbo.ci_keys", "E2E.SS.CI_KEYS", "id", "", []ssCol{
			{"id", "ID", "int"}, {"name", "NAME", "text"}, {"code", "CODE", "text"}, {"n", "N", "int"},
		}); n != ciRows {
			t.Errorf("run %d: ci_keys compared %d rows, want %d (rows with NULL keys or equal-but-for-case keys must not be lost)", run, n, ciRows)
		}
		if n := s.compareSQLServer(db, "dbo.filtered", `E2E.SS.FILTERED`, "Id", "[is deleted] = 0 AND v <> N'it''s'", []ssCol{
			{"Id", `"Id"`, "int"}, {"[is deleted]", `"IS DELETED"`, "bool"}, {"v", "V", "text"},
		}); n != 3 {
			t.Errorf("run %d: filtered has %d rows, want 3", run, n)
		}
		if n := s.sfInt("SELECT COUNT(*) FROM E2E.SS.EMPTY_TABLE"); n != 0 {
			t.Errorf("empty_table has %d rows", n)
		}
		for _, tbl := range []string{"E2E.SS.ALL_TYPES", "E2E.SS.CI_KEYS"} {
			total, distinct := s.sfInt("SELECT COUNT(*) FROM "+tbl), s.sfInt(`SELECT COUNT(DISTINCT "ID") FROM `+tbl)
			if total != distinct {
				t.Errorf("run %d: %s has %d rows but %d distinct ids: duplicates", run, tbl, total, distinct)
			}
		}
	}

	// A missing table and a missing partition column fail only their own tables.
	fails := s.writeConfig("sqlserver-fails.json", fmt.Sprintf(`{
  "defaultTableConfiguration": {
    "source": { "databaseName": %q, "schemaName": "dbo" },
    "target": { "databaseName": "E2E", "schemaName": "SSFAILS" }
  },
  "tables": [
    { "source": { "tableName": "ci_keys" }, "target": { "tableName": "good" }, "columnNamesToPartitionBy": ["id"] },
    { "source": { "tableName": "no_such_table" }, "target": { "tableName": "no_such_table" }, "columnNamesToPartitionBy": ["id"] },
    { "source": { "tableName": "filtered" }, "target": { "tableName": "no_key_col" }, "columnNamesToPartitionBy": ["missing_col"] }
  ]
}`, dbName))
	out, code := s.starter(2*time.Minute, "create-data-migration-workflow", fails, "--name", "E2eSQLServerFails",
		"--connection-name", s.emu.ConnectionName(), "--source-platform", "sqlserver", "--task-queue-base", s.queue)
	if code != 0 {
		t.Fatalf("create exit %d:\n%s", code, out)
	}
	out, code = s.starter(5*time.Minute, "watch", "E2eSQLServerFails")
	if code == 0 {
		t.Fatalf("watch exited 0 although two tables cannot migrate:\n%s", out)
	}
	for _, want := range []string{"no_such_table", "missing_col"} {
		if !strings.Contains(out, want) {
			t.Errorf("watch output does not name %s:\n%s", want, out)
		}
	}
	if n := s.sfInt("SELECT COUNT(*) FROM E2E.SSFAILS.GOOD"); n != int64(ciRows) {
		t.Errorf("good table: %d rows, want %d", n, ciRows)
	}
}

// sqlServerWorkerTOML writes a source worker configuration for the local SQL Server.
func (s *stack) sqlServerWorkerTOML(srv *testenv.SQLServer, dbName, name string) string {
	s.t.Helper()
	p := filepath.Join(s.dir, name+".toml")
	if err := os.WriteFile(p, []byte(fmt.Sprintf(`selected_task_source = "temporal"

[application]
max_parallel_tasks = 4
work_dir = %q

[connections.source.sqlserver]
username = %q
password = %q
database = %q
host = %q
port = %d
encrypt = "disable"

[connections.target.snowflake_connection_name]
connection_name = %q
`, filepath.Join(s.dir, "work-"+name), srv.User, srv.Password, dbName, srv.Host(), srv.Port, s.emu.ConnectionName())), 0o600); err != nil {
		s.t.Fatal(err)
	}
	return p
}

// TestSQLServerWorkerKilledMidExtract: the only source worker is killed while an
// extract runs; a new worker finishes the table with every row exactly once.
func TestSQLServerWorkerKilledMidExtract(t *testing.T) {
	s := newStack(t)
	srv := testenv.StartSQLServer(t)
	const dbName, rows = "e2e_kill", 100000
	db := srv.CreateDatabase(t, dbName)
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, "CREATE TABLE dbo.big (id bigint NOT NULL PRIMARY KEY, a nvarchar(40), b decimal(12,2), c datetime2(7))"); err != nil {
		t.Fatal(err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	stmt, err := tx.PrepareContext(ctx, mssql.CopyIn("dbo.big", mssql.BulkOptions{}, "id", "a", "b", "c"))
	if err != nil {
		t.Fatal(err)
	}
	base := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 1; i <= rows; i++ {
		if _, err := stmt.ExecContext(ctx, int64(i), fmt.Sprintf("row %d", i), fmt.Sprintf("%d.%02d", i, i%100), base.Add(time.Duration(i)*time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	cfg := s.writeConfig("big.json", fmt.Sprintf(`{
  "tables": [ { "source": { "databaseName": %q, "schemaName": "dbo", "tableName": "big" },
                "target": { "databaseName": "E2E", "schemaName": "SSKILL", "tableName": "big" },
                "columnNamesToPartitionBy": ["id"], "partitionSize": { "maxRowsPerPartition": 10000 } } ]
}`, dbName))
	s.startOrchestrator()
	victim := s.startProcess("source1", "workers", "source", "--config", s.sqlServerWorkerTOML(srv, dbName, "source1"), "--task-queue-base", s.queue)
	out, code := s.starter(time.Minute, "create-data-migration-workflow", cfg, "--name", "E2eSSKill",
		"--connection-name", s.emu.ConnectionName(), "--source-platform", "sqlserver", "--task-queue-base", s.queue)
	if code != 0 {
		t.Fatalf("create exit %d:\n%s", code, out)
	}
	tc := s.temporal.Client(t)
	tableWF := workflows.TableWorkflowID("E2eSSKill", dbName+".dbo.big")
	deadline := time.Now().Add(3 * time.Minute)
	killed := false
	for !killed && time.Now().Before(deadline) {
		desc, err := tc.DescribeWorkflowExecution(context.Background(), tableWF, "")
		if err == nil {
			for _, pa := range desc.GetPendingActivities() {
				if pa.GetState() == enumspb.PENDING_ACTIVITY_STATE_STARTED && pa.GetActivityType().GetName() == sourceapi.ExtractName {
					if err := victim.Process.Signal(syscall.SIGKILL); err != nil {
						t.Fatal(err)
					}
					killed = true
					break
				}
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !killed {
		t.Fatal("no extract was ever seen running: cannot test the kill")
	}
	s.startProcess("source2", "workers", "source", "--config", s.sqlServerWorkerTOML(srv, dbName, "source2"), "--task-queue-base", s.queue)
	out, code = s.starter(10*time.Minute, "watch", "E2eSSKill")
	if code != 0 {
		t.Fatalf("watch exit %d after a worker was killed:\n%s", code, out)
	}
	if n := s.sfInt("SELECT COUNT(*) FROM E2E.SSKILL.BIG"); n != rows {
		t.Errorf("target has %d rows, want %d", n, rows)
	}
	if n := s.sfInt("SELECT COUNT(DISTINCT ID) FROM E2E.SSKILL.BIG"); n != rows {
		t.Errorf("target has %d distinct ids, want %d: duplicates or losses", n, rows)
	}
	if got := s.sfInt("SELECT SUM(ID) FROM E2E.SSKILL.BIG"); got != rows*(rows+1)/2 {
		t.Errorf("sum(id) %d, want %d", got, rows*(rows+1)/2)
	}
}

// compareSQLServer reads both sides in key order and compares every value.
func (s *stack) compareSQLServer(db *sql.DB, ssFrom, sfFrom, order, where string, cols []ssCol) int {
	s.t.Helper()
	ssExprs, sfExprs := make([]string, len(cols)), make([]string, len(cols))
	for i, c := range cols {
		ssExprs[i], sfExprs[i] = c.ss, c.sf
	}
	q := "SELECT " + strings.Join(ssExprs, ", ") + " FROM " + ssFrom
	if where != "" {
		q += " WHERE " + where
	}
	rows, err := db.Query(q + " ORDER BY " + order)
	if err != nil {
		s.t.Fatalf("sql server %q: %v", q, err)
	}
	var src [][]any
	for rows.Next() {
		raw := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range raw {
			ptrs[i] = &raw[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			s.t.Fatal(err)
		}
		vals := make([]any, len(cols))
		for i, c := range cols {
			vals[i] = ssValue(c.kind, raw[i])
		}
		src = append(src, vals)
	}
	rows.Close()
	sfOrder := `"` + strings.ToUpper(order) + `"`
	if order != strings.ToLower(order) {
		sfOrder = `"` + order + `"`
	}
	tgt := s.readSF("SELECT "+strings.Join(sfExprs, ", ")+" FROM "+sfFrom+" ORDER BY "+sfOrder, asCols(cols))
	if len(src) != len(tgt) {
		s.t.Fatalf("%s: %d source rows, %d target rows", sfFrom, len(src), len(tgt))
	}
	for i := range src {
		for j, c := range cols {
			if !reflect.DeepEqual(src[i][j], tgt[i][j]) {
				s.t.Errorf("%s row %d column %s: source %#v, target %#v", sfFrom, i, c.sf, src[i][j], tgt[i][j])
			}
		}
	}
	return len(src)
}

// asCols gives the shared reader the Snowflake side's kinds.
func asCols(cols []ssCol) []col {
	out := make([]col, len(cols))
	for i, c := range cols {
		out[i] = col{sf: c.sf, kind: c.kind}
	}
	return out
}

// ssValue turns a go-mssqldb value into the canonical value the shared reader makes of
// the Snowflake side (see value in compare_test.go).
func ssValue(kind string, v any) any {
	if v == nil {
		return nil
	}
	switch kind {
	case "int":
		return v.(int64)
	case "bool":
		return v.(bool)
	case "float":
		return v.(float64)
	case "dec":
		r, _ := new(big.Rat).SetString(string(v.([]byte)))
		return r.RatString()
	case "bytes":
		return string(v.([]byte))
	case "date":
		return v.(time.Time).Format("2006-01-02")
	case "time":
		return v.(time.Time).Format("15:04:05.000000")
	case "ts":
		return v.(time.Time).Format("2006-01-02 15:04:05.000000")
	case "tstz":
		return v.(time.Time).UnixMicro()
	// 100-ns digits and each value's own offset: the Snowflake side is read as text, the
	// driver's value (from the wire's seconds.fraction and offset) in RFC 3339 with every
	// digit, or TO_VARCHAR with FF7 / TZH:TZM.
	case "time7":
		return v.(time.Time).Format("15:04:05.0000000")
	case "ts7", "tstz7":
		return v.(time.Time).Format(time.RFC3339Nano)
	case "ts7text":
		return v.(time.Time).Format("2006-01-02 15:04:05.0000000")
	case "tstz7text":
		return v.(time.Time).Format("2006-01-02 15:04:05.0000000 -07:00")
	}
	return fmt.Sprint(v)
}
