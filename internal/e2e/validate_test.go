package e2e

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/snowmigrate/snowmigrate/internal/testenv"
)

// Validation end to end (docs/validation.md): a migration of four tables, validated by
// `starter validate` at every level on the real stack (Temporal dev server, PostgreSQL,
// the local Snowflake, the workers and the starter as processes). Matching tables match
// at levels 1-3 (exit 0); then one table loses and retypes columns in the target, one
// has a value changed within and then beyond a tolerance, and one has one value per
// type corrupted, and each level finds exactly what was done (exit 1).

const validateDDL = `CREATE TABLE v_match (id int PRIMARY KEY, amount numeric(12,2), name text, code char(4), b bytea,
  flag boolean, ts timestamptz, tsn timestamp, d date, f float8, j jsonb, s smallint, big bigint,
  r real, tm time, u uuid, vc varchar(12));
INSERT INTO v_match SELECT g, g * 1.25, 'name ' || g || CASE WHEN g % 5 = 0 THEN ' ünï ☃' ELSE '' END, 'c' || (g % 7),
  decode(md5(g::text), 'hex'), g % 3 = 0,
  timestamptz '2024-01-01 00:00+02' + g * interval '1 hour', timestamp '2024-01-01' + g * interval '1 minute',
  date '2024-01-01' + g, g / 3.0, jsonb_build_object('g', g), (g * 1000 - 15000)::smallint, g::bigint * 300000000000,
  g / 3.0, time '08:00' + g * interval '1 minute 1.5 second', md5(g::text)::uuid, 'v' || (g % 4)
  FROM generate_series(1, 30) g;
INSERT INTO v_match (id, r, d) VALUES (31, 'NaN', '0001-01-01');
CREATE TABLE v_schema (id int PRIMARY KEY, amount numeric(12,2), name text, note text);
INSERT INTO v_schema SELECT g, g * 2.5, 'n' || g, 'note ' || g FROM generate_series(1, 12) g;
CREATE TABLE v_metrics (id int PRIMARY KEY, amount numeric(12,2), label text);
INSERT INTO v_metrics SELECT g, 1000 + g, 'l' || g FROM generate_series(1, 20) g;
CREATE TABLE v_corrupt (id int PRIMARY KEY, ts timestamptz, amount numeric(12,2), b bytea, s text, e text);
INSERT INTO v_corrupt SELECT g, timestamptz '2024-03-01 12:00:00.123456+00' + g * interval '1 day', g + 0.35,
  decode(lpad(to_hex(g), 2, '0') || 'ff10', 'hex'), 'string value ' || g, '' FROM generate_series(1, 24) g;`

// Keys of the rows corrupted in E2E.PUBLIC.V_CORRUPT, one per kind, and the column
// corrupted in each.
var (
	corruptedKeys    = []string{"3", "7", "11", "15", "19"}
	corruptedColumns = map[string]string{"3": "TS", "7": "AMOUNT", "11": "B", "15": "S", "19": "E"}
)

func TestValidateLevels(t *testing.T) {
	s := newStack(t)
	s.pgExec(validateDDL)
	cfg := s.writeConfig("validate.json", fmt.Sprintf(`{
  "defaultTableConfiguration": {
    "source": { "databaseName": %q, "schemaName": "public" },
    "target": { "databaseName": "E2E", "schemaName": "PUBLIC" },
    "columnNamesToPartitionBy": ["id"],
    "partitionSize": { "maxRowsPerPartition": 4 }
  },
  "tables": [
    { "source": { "tableName": "v_match" }, "target": { "tableName": "v_match" } },
    { "source": { "tableName": "v_schema" }, "target": { "tableName": "v_schema" } },
    { "source": { "tableName": "v_metrics" }, "target": { "tableName": "v_metrics" } },
    { "source": { "tableName": "v_corrupt" }, "target": { "tableName": "v_corrupt" } }
  ]
}`, s.pgDB))
	s.startOrchestrator()
	s.startSourceWorker("source1", 4)
	const name = "E2eValidate"
	out, code := s.starter(2*time.Minute, "create-data-migration-workflow", cfg, "--name", name,
		"--connection-name", s.emu.ConnectionName(), "--source-platform", "postgresql", "--task-queue-base", s.queue)
	if code != 0 {
		t.Fatalf("create exit %d:\n%s", code, out)
	}
	if out, code := s.starter(10*time.Minute, "watch", name); code != 0 {
		t.Fatalf("watch exit %d:\n%s", code, out)
	}

	// 1. Everything matches at every level.
	out, code = s.starter(10*time.Minute, "validate", name, "--wait")
	if code != 0 {
		t.Fatalf("validate of an intact migration: exit %d, want 0:\n%s", code, out)
	}
	if !strings.Contains(out, "MATCH (4 tables: 4 matched, 0 mismatched, 0 could not be validated)") {
		t.Errorf("validate output lacks the summary:\n%s", out)
	}
	res := s.latestResults(name)
	if len(res) != 12 {
		t.Fatalf("LATEST_VALIDATION_RESULT has %d rows, want 4 tables × 3 levels: %v", len(res), res)
	}
	for k, st := range res {
		if st != "MATCH" {
			t.Errorf("%s: %s, want MATCH", k, st)
		}
	}
	if n := s.sfInt(`SELECT COUNT(*) FROM SNOWCONVERT_AI.DATA_VALIDATION.LATEST_VALIDATION_DIFFERENCE WHERE WORKFLOW_ID = '` + name + `'`); n != 0 {
		t.Errorf("an intact migration has %d recorded differences", n)
	}

	// 2. Damage the target.
	for _, q := range []string{
		// v_schema: NOTE dropped, AMOUNT retyped to text.
		`CREATE OR REPLACE TABLE E2E.PUBLIC.V_SCHEMA AS SELECT ID, TO_VARCHAR(AMOUNT) AS AMOUNT, NAME FROM E2E.PUBLIC.V_SCHEMA`,
		// v_metrics: 1005.00 → 1005.01 (sum 20210 → 20210.01: within 0.1 %).
		`UPDATE E2E.PUBLIC.V_METRICS SET AMOUNT = 1005.01 WHERE ID = 5`,
		// v_corrupt: a shifted timestamp, a rounded decimal, a changed byte, a
		// truncated string, a NULL for an empty string.
		`UPDATE E2E.PUBLIC.V_CORRUPT SET TS = DATEADD(second, 1, TS) WHERE ID = 3`,
		`UPDATE E2E.PUBLIC.V_CORRUPT SET AMOUNT = 7.40 WHERE ID = 7`,
		`UPDATE E2E.PUBLIC.V_CORRUPT SET B = TO_BINARY('0BFF11', 'HEX') WHERE ID = 11`,
		`UPDATE E2E.PUBLIC.V_CORRUPT SET S = 'string value 1' WHERE ID = 15`,
		`UPDATE E2E.PUBLIC.V_CORRUPT SET E = NULL WHERE ID = 19`,
	} {
		if _, err := s.sf().Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}

	// 3. Level 2 with a 0.1 % tolerance: the schema damage and the metrics of the
	// corrupted table are found; v_metrics' small change is within the tolerance.
	out, code = s.starter(10*time.Minute, "validate", name, "--level", "2", "--tolerance", "0.001", "--wait")
	if code != 1 {
		t.Fatalf("validate --level 2 after damage: exit %d, want 1:\n%s", code, out)
	}
	res = s.latestResults(name)
	want := map[string]string{
		"v_match/1": "MATCH", "v_match/2": "MATCH",
		"v_schema/1": "MISMATCH", "v_schema/2": "MATCH",
		"v_metrics/1": "MATCH", "v_metrics/2": "MATCH",
		"v_corrupt/1": "MATCH",
	}
	for k, st := range want {
		if res[k] != st {
			t.Errorf("level 2 run: %s is %q, want %s (all: %v)", k, res[k], st, res)
		}
	}
	// CREATE TABLE … AS SELECT may also drop ID's NOT NULL: that is a real difference too.
	if got := strings.Join(s.latestDiffs(name, "v_schema", 1), "; "); got != "COLUMN_TYPE AMOUNT; MISSING_COLUMN NOTE" &&
		got != "COLUMN_TYPE AMOUNT; MISSING_COLUMN NOTE; NULLABILITY ID" {
		t.Errorf("v_schema level 1 differences: %q, want the retyped AMOUNT and the dropped NOTE", got)
	}
	if !strings.Contains(s.latestMessage(name, "v_schema", 2), "compared without AMOUNT, NOTE") {
		t.Errorf("v_schema level 2 must say which columns it left out: %q", s.latestMessage(name, "v_schema", 2))
	}

	// 4. The same at tolerance 0: v_metrics' sum and avg differ.
	out, code = s.starter(10*time.Minute, "validate", name, "--level", "2", "--wait")
	if code != 1 {
		t.Fatalf("validate --level 2 (exact): exit %d, want 1:\n%s", code, out)
	}
	// sum is exact; stddev moves by 8e-5 (beyond the 1e-6 floor), avg by 5e-7 (within it).
	if got := strings.Join(s.latestDiffs(name, "v_metrics", 2), "; "); got != "METRIC AMOUNT stddev; METRIC AMOUNT sum" {
		t.Errorf("v_metrics exact level 2 differences: %q, want AMOUNT stddev and sum", got)
	}
	// A change beyond the tolerance is found with it.
	if _, err := s.sf().Exec(`UPDATE E2E.PUBLIC.V_METRICS SET AMOUNT = 1500 WHERE ID = 5`); err != nil {
		t.Fatal(err)
	}
	out, code = s.starter(10*time.Minute, "validate", name, "--level", "2", "--tolerance", "0.001", "--wait")
	if code != 1 {
		t.Fatalf("validate --level 2 beyond tolerance: exit %d, want 1:\n%s", code, out)
	}
	if got := s.latestDiffs(name, "v_metrics", 2); !contains(got, "METRIC AMOUNT sum") || !contains(got, "METRIC AMOUNT max") {
		t.Errorf("v_metrics beyond tolerance: %q, want AMOUNT sum and max among them", got)
	}
	if _, err := s.sf().Exec(`UPDATE E2E.PUBLIC.V_METRICS SET AMOUNT = 1005 WHERE ID = 5`); err != nil {
		t.Fatal(err)
	}

	// 5. Level 3 finds exactly the corrupted rows, each with its key, the corrupted
	// column and the SQL returning the row on both sides; nothing in the intact tables.
	out, code = s.starter(10*time.Minute, "validate", name, "--level", "3", "--wait")
	if code != 1 {
		t.Fatalf("validate --level 3: exit %d, want 1:\n%s", code, out)
	}
	t.Logf("starter validate --level 3 --wait:\n%s", out)
	res = s.latestResults(name)
	for k, st := range map[string]string{"v_match/3": "MATCH", "v_metrics/3": "MATCH", "v_corrupt/3": "MISMATCH", "v_schema/3": "MATCH"} {
		if res[k] != st {
			t.Errorf("level 3 run: %s is %q, want %s (all: %v)", k, res[k], st, res)
		}
	}
	s.checkCorruptionFound(t, name)
	if !strings.Contains(out, "v_corrupt") || !strings.Contains(out, "source SQL:") || !strings.Contains(out, "target SQL:") {
		t.Errorf("validate output must show the differences with the SQL to fetch them:\n%s", out)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// checkCorruptionFound asserts that level 3's differences of V_CORRUPT name exactly the
// corrupted keys, with SQL on both sides that returns the row.
func (s *stack) checkCorruptionFound(t *testing.T, name string) {
	rows, err := s.sf().Query(`SELECT KIND, COALESCE(ROW_KEY, ''), COALESCE(COLUMN_NAME, ''), COALESCE(SOURCE_SQL, ''), COALESCE(TARGET_SQL, '')
		FROM SNOWCONVERT_AI.DATA_VALIDATION.LATEST_VALIDATION_DIFFERENCE
		WHERE WORKFLOW_ID = '` + name + `' AND TABLE_KEY LIKE '%.v_corrupt' AND LEVEL = 3 ORDER BY DIFFERENCE_ID`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	type diff struct{ kind, key, col, src, tgt string }
	var diffs []diff
	for rows.Next() {
		var d diff
		if err := rows.Scan(&d.kind, &d.key, &d.col, &d.src, &d.tgt); err != nil {
			t.Fatal(err)
		}
		diffs = append(diffs, d)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(diffs) != len(corruptedKeys) {
		t.Fatalf("V_CORRUPT level 3: %d differences, want %d (one per corrupted row): %+v", len(diffs), len(corruptedKeys), diffs)
	}
	var found []string
	for _, d := range diffs {
		if d.src == "" || d.tgt == "" {
			t.Errorf("difference %+v lacks the SQL of a side", d)
			continue
		}
		// The SQL on each side returns the corrupted row (ids are the row's key).
		ids := s.sfIDs(d.tgt)
		srcIDs := s.pgIDs(d.src)
		if fmt.Sprint(ids) != fmt.Sprint(srcIDs) {
			t.Errorf("difference %s: the target SQL returns ids %v, the source SQL %v", d.key, ids, srcIDs)
		}
		hit := ""
		for _, k := range corruptedKeys {
			if contains(ids, k) {
				if hit != "" {
					t.Errorf("difference %s covers two corrupted rows (%s and %s)", d.key, hit, k)
				}
				hit = k
			}
		}
		if hit == "" {
			t.Errorf("difference %q (%s) covers no corrupted row: ids %v", d.key, d.kind, ids)
		}
		// Located to the row: the key is the row's id, the SQL returns that row only,
		// and the column is the corrupted one.
		if d.kind != "DIFFERENT" || d.key != hit || len(ids) != 1 || d.col != corruptedColumns[hit] {
			t.Errorf("difference %+v: want DIFFERENT, key %s, column %s, SQL returning that row only (ids %v)", d, hit, corruptedColumns[hit], ids)
		}
		found = append(found, hit)
	}
	sort.Strings(found)
	want := append([]string(nil), corruptedKeys...)
	sort.Strings(want)
	if fmt.Sprint(found) != fmt.Sprint(want) {
		t.Errorf("corrupted rows found: %v, want %v", found, want)
	}
}

// sfIDs runs a fetch statement on the local Snowflake and returns the first column.
func (s *stack) sfIDs(q string) []string {
	s.t.Helper()
	rows, err := s.sf().Query(q)
	if err != nil {
		s.t.Fatalf("target SQL %q: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var ids []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			s.t.Fatal(err)
		}
		ids = append(ids, fmt.Sprint(vals[0]))
	}
	return ids
}

// pgIDs runs a fetch statement on the source and returns the first column.
func (s *stack) pgIDs(q string) []string {
	s.t.Helper()
	rows, err := s.pgConn().Query(context.Background(), q)
	if err != nil {
		s.t.Fatalf("source SQL %q: %v", q, err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			s.t.Fatal(err)
		}
		ids = append(ids, fmt.Sprint(vals[0]))
	}
	return ids
}

// latestResults maps "<table>/<level>" to the status of the migration's latest
// validation run (LATEST_VALIDATION_RESULT).
func (s *stack) latestResults(name string) map[string]string {
	s.t.Helper()
	rows, err := s.sf().Query(`SELECT TABLE_KEY, LEVEL, STATUS FROM SNOWCONVERT_AI.DATA_VALIDATION.LATEST_VALIDATION_RESULT WHERE WORKFLOW_ID = '` + name + `'`)
	if err != nil {
		s.t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var key, st string
		var lvl int
		if err := rows.Scan(&key, &lvl, &st); err != nil {
			s.t.Fatal(err)
		}
		out[fmt.Sprintf("%s/%d", key[strings.LastIndex(key, ".")+1:], lvl)] = st
	}
	return out
}

// latestDiffs lists "<kind> <column> [<metric>]" of one table's level in the latest run.
func (s *stack) latestDiffs(name, table string, level int) []string {
	s.t.Helper()
	rows, err := s.sf().Query(fmt.Sprintf(`SELECT KIND, COALESCE(COLUMN_NAME, ''), COALESCE(METRIC, '') FROM SNOWCONVERT_AI.DATA_VALIDATION.LATEST_VALIDATION_DIFFERENCE
		WHERE WORKFLOW_ID = '%s' AND TABLE_KEY LIKE '%%.%s' AND LEVEL = %d`, name, table, level))
	if err != nil {
		s.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k, c, m string
		if err := rows.Scan(&k, &c, &m); err != nil {
			s.t.Fatal(err)
		}
		out = append(out, strings.TrimSpace(k+" "+c+" "+m))
	}
	sort.Strings(out)
	return out
}

func (s *stack) latestMessage(name, table string, level int) string {
	s.t.Helper()
	var msg string
	if err := s.sf().QueryRow(fmt.Sprintf(`SELECT COALESCE(MESSAGE, '') FROM SNOWCONVERT_AI.DATA_VALIDATION.LATEST_VALIDATION_RESULT
		WHERE WORKFLOW_ID = '%s' AND TABLE_KEY LIKE '%%.%s' AND LEVEL = %d`, name, table, level)).Scan(&msg); err != nil {
		s.t.Fatal(err)
	}
	return msg
}

// TestValidateRedshift validates a migration from the local Redshift: levels 1 and 2
// run the PostgreSQL-runtime code over Redshift's dialect (char(n) padding restored)
// and match; a changed target value is a level-2 difference and level 3 (Redshift's
// checksum SQL) locates its row.
func TestValidateRedshift(t *testing.T) {
	e := newRedshiftStack(t, "")
	s := e.s
	e.rs.Exec(t, `CREATE TABLE public.rs_val (id integer NOT NULL, n decimal(12,2), vc varchar(40), ch char(5), ts timestamp,
  tstz timestamptz, flag boolean, d double precision, PRIMARY KEY (id)) DISTSTYLE KEY DISTKEY (id) SORTKEY (id)`,
		`INSERT INTO public.rs_val VALUES (1, 1.25, 'one', 'a', '2024-01-01 10:00:00', '2024-01-01 10:00:00+02', true, 0.5),
  (2, -7.5, '', 'bb', '1999-12-31 23:59:59.999999', '2000-01-01 00:00:00+00', false, 1e300),
  (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL), (4, 100, 'four ☃', 'dddd', '2030-06-15 12:00:00', '2030-06-15 12:00:00-05', true, -2.25)`)
	toml := e.redshiftTOML("source1", fmt.Sprintf("username = %q\npassword = %q\n", e.rs.User, e.rs.Password))
	cfg := s.writeConfig("rs-validate.json", fmt.Sprintf(`{
  "defaultTableConfiguration": {
    "source": { "databaseName": %q, "schemaName": "public" },
    "target": { "databaseName": "E2E", "schemaName": "RS" },
    "columnNamesToPartitionBy": ["id"], "partitionSize": { "maxRowsPerPartition": 2 }
  },
  "tables": [ { "source": { "tableName": "rs_val" }, "target": { "tableName": "rs_val" } } ]
}`, e.rs.Database))
	s.startOrchestrator()
	s.startProcess("source1", "workers", "source", "--config", toml, "--task-queue-base", s.queue)
	const name = "E2eValidateRs"
	e.migrate(t, name, cfg)
	out, code := s.starter(10*time.Minute, "validate", name, "--level", "2", "--wait")
	if code != 0 {
		t.Fatalf("validate --level 2 of an intact Redshift migration: exit %d, want 0:\n%s", code, out)
	}
	if _, err := s.sf().Exec(`UPDATE E2E.RS.RS_VAL SET VC = 'four' WHERE ID = 4`); err != nil {
		t.Fatal(err)
	}
	out, code = s.starter(10*time.Minute, "validate", name, "--level", "3", "--wait")
	t.Logf("validate --level 3 after a change:\n%s", out)
	if code != 1 {
		t.Fatalf("validate --level 3 after a change: exit %d, want 1:\n%s", code, out)
	}
	res := s.latestResults(name)
	if res["rs_val/1"] != "MATCH" || res["rs_val/2"] != "MISMATCH" {
		t.Errorf("levels: %v, want level 1 MATCH and level 2 MISMATCH", res)
	}
	if got := s.latestDiffs(name, "rs_val", 2); !contains(got, "METRIC VC sum") {
		t.Errorf("level 2 differences %q lack VC's length sum", got)
	}
	// Level 3 (Redshift's own checksum SQL and Locator) finds the row.
	if res["rs_val/3"] != "MISMATCH" {
		t.Errorf("level 3 is %q after a changed value: %s", res["rs_val/3"], s.latestMessage(name, "rs_val", 3))
	}
	if got := s.latestDiffs(name, "rs_val", 3); strings.Join(got, "; ") != "DIFFERENT VC" {
		t.Errorf("level 3 differences %q, want the changed VC only", got)
	}
}

// TestValidateSQLServer validates a migration from the local SQL Server at every
// level (T-SQL column metrics, SQL Server's checksum SQL): intact, everything matches
// (exit 0); a changed target value is found at levels 2 and 3 with the SQL returning
// its row on both sides (exit 1).
func TestValidateSQLServer(t *testing.T) {
	s := newStack(t)
	srv := testenv.StartSQLServer(t)
	const dbName = "e2e_validate"
	db := srv.CreateDatabase(t, dbName)
	for _, q := range []string{
		`CREATE TABLE dbo.ss_val (id int NOT NULL PRIMARY KEY, n decimal(12,2), v nvarchar(20), c char(5), d datetime2(6),
		  dto datetimeoffset(3), f float, b varbinary(10), flag bit, u uniqueidentifier)`,
		`INSERT INTO dbo.ss_val VALUES (1, 1.25, N'one', 'a', '2024-01-01 10:00:00', '2024-01-01 10:00:00.123 +02:00', 0.5, 0x00FF, 1, NEWID()),
		  (2, -7.5, N'', 'bb ', '1999-12-31 23:59:59.999999', '2000-01-01 00:00:00 +00:00', 1e300, 0x, 0, NEWID()),
		  (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
		  (4, 100, N'four ñ', 'dddd', '2030-06-15 12:00:00', '2030-06-15 12:00:00 -05:30', -2.25, 0x0102030405, 1, NEWID())`,
	} {
		if _, err := db.ExecContext(context.Background(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	worker := s.sqlServerWorkerTOML(srv, dbName, "sqlserver")
	cfg := s.writeConfig("ss-validate.json", fmt.Sprintf(`{
  "defaultTableConfiguration": {
    "source": { "databaseName": %q, "schemaName": "dbo" },
    "target": { "databaseName": "E2E", "schemaName": "SSV" },
    "columnNamesToPartitionBy": ["id"], "partitionSize": { "maxRowsPerPartition": 2 }
  },
  "tables": [ { "source": { "tableName": "ss_val" }, "target": { "tableName": "ss_val" } } ]
}`, dbName))
	s.startOrchestrator()
	s.startProcess("sqlserver", "workers", "source", "--config", worker, "--task-queue-base", s.queue)
	const name = "E2eValidateSs"
	out, code := s.starter(2*time.Minute, "create-data-migration-workflow", cfg, "--name", name,
		"--connection-name", s.emu.ConnectionName(), "--source-platform", "sqlserver", "--task-queue-base", s.queue)
	if code != 0 {
		t.Fatalf("create exit %d:\n%s", code, out)
	}
	if out, code := s.starter(10*time.Minute, "watch", name); code != 0 {
		t.Fatalf("watch exit %d:\n%s", code, out)
	}
	out, code = s.starter(10*time.Minute, "validate", name, "--wait")
	if code != 0 {
		t.Fatalf("validate of an intact SQL Server migration: exit %d, want 0:\n%s", code, out)
	}
	if _, err := s.sf().Exec(`UPDATE E2E.SSV.SS_VAL SET V = 'four' WHERE ID = 4`); err != nil {
		t.Fatal(err)
	}
	out, code = s.starter(10*time.Minute, "validate", name, "--wait")
	t.Logf("validate after a change:\n%s", out)
	if code != 1 {
		t.Fatalf("validate after a change: exit %d, want 1:\n%s", code, out)
	}
	res := s.latestResults(name)
	if res["ss_val/1"] != "MATCH" || res["ss_val/2"] != "MISMATCH" || res["ss_val/3"] != "MISMATCH" {
		t.Errorf("levels %v, want 1 MATCH, 2 and 3 MISMATCH", res)
	}
	if got := s.latestDiffs(name, "ss_val", 3); strings.Join(got, "; ") != "DIFFERENT V" {
		t.Errorf("level 3 differences %q, want the changed V only", got)
	}
	var src, tgt string
	if err := s.sf().QueryRow(`SELECT SOURCE_SQL, TARGET_SQL FROM SNOWCONVERT_AI.DATA_VALIDATION.LATEST_VALIDATION_DIFFERENCE
		WHERE WORKFLOW_ID = '`+name+`' AND LEVEL = 3`).Scan(&src, &tgt); err != nil {
		t.Fatal(err)
	}
	var id int
	if err := db.QueryRowContext(context.Background(), src).Scan(&id, new(any), new(any), new(any), new(any), new(any), new(any), new(any), new(any), new(any)); err != nil || id != 4 {
		t.Errorf("source SQL %s: id %d, %v", src, id, err)
	}
	if ids := s.sfIDs(tgt); fmt.Sprint(ids) != "[4]" {
		t.Errorf("target SQL %s: ids %v", tgt, ids)
	}
}
