package tests

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// stParquetSample writes a Parquet file whose column names exercise case rules and
// reserved words: id, MixedCase, "select", ts (with time zone), note (a string going
// into a VARIANT), amount (decimal), j (JSON text) and unused (no target column).
func stParquetSample(t *testing.T, path string, n int) {
	stWriteParquet(t, path, fmt.Sprintf(`SELECT i::BIGINT AS id, 'm' || i AS "MixedCase", i * 10 AS "select",
		(TIMESTAMP '2024-03-01 12:00:00' + to_seconds(i))::TIMESTAMPTZ AS ts, 'note ' || i AS note,
		(i + 0.25)::DECIMAL(10,2) AS amount, '{"k": ' || i || '}' AS j, 'zzz' AS unused
		FROM range(%d) t(i)`, n))
}

func TestCopyParquetMatchByName(t *testing.T) {
	env := stStart(t)
	env.exec(t, "CREATE STAGE st")
	f := filepath.Join(env.dir, "sample.parquet")
	stParquetSample(t, f, 5)
	env.put(t, f, "@st/pq/", "")
	env.exec(t, `CREATE TABLE CI (ID NUMBER(38,0), "MixedCase" VARCHAR, "select" NUMBER(10,0), TS TIMESTAMP_TZ,
		NOTE VARIANT, AMOUNT NUMBER(12,2), NOT_IN_FILE VARCHAR)`)

	rows := env.copyRows(t, "COPY INTO CI FROM @st/pq/ FILE_FORMAT=(TYPE=PARQUET) MATCH_BY_COLUMN_NAME=CASE_INSENSITIVE")
	if len(rows) != 1 {
		t.Fatalf("COPY result: %v", rows)
	}
	r := rows[0]
	if r["file"] != "st/pq/sample.parquet" || r["status"] != "LOADED" || r["rows_parsed"] != "5" ||
		r["rows_loaded"] != "5" || r["errors_seen"] != "0" || r["first_error"] != "<NULL>" {
		t.Fatalf("COPY result row: %v", r)
	}
	_, got := env.query(t, `SELECT ID, "MixedCase", "select", TO_VARCHAR(TS, 'YYYY-MM-DD HH24:MI:SS TZH:TZM'), NOTE, AMOUNT, NOT_IN_FILE FROM CI ORDER BY ID`)
	if len(got) != 5 {
		t.Fatalf("rows: %v", got)
	}
	want := []string{"3", "m3", "30", "", `"note 3"`, "3.25", "<NULL>"}
	for i, w := range want {
		if i == 3 {
			continue
		}
		if got[3][i] != w {
			t.Fatalf("row 3 column %d = %q, want %q (row %v)", i, got[3][i], w, got[3])
		}
	}
	// The instant is kept: 12:00:03 UTC.
	if !strings.Contains(got[3][3], "12:00:03") && !strings.Contains(got[3][3], "04:00:03") {
		t.Fatalf("timestamp_tz value %q lost the instant 2024-03-01 12:00:03 UTC", got[3][3])
	}
	if n := env.one(t, `SELECT COUNT(*) FROM CI WHERE TS = '2024-03-01 12:00:04+00:00'::TIMESTAMP_TZ`); n != "1" {
		t.Fatalf("instant comparison: %s rows", n)
	}

	// CASE_SENSITIVE: only exact names match (ID and id differ; "MixedCase" matches).
	env.exec(t, `CREATE TABLE CS (ID NUMBER, "id" NUMBER, "MixedCase" VARCHAR, "MIXEDCASE" VARCHAR)`)
	rows = env.copyRows(t, "COPY INTO CS FROM @st/pq FILE_FORMAT=(TYPE=PARQUET) MATCH_BY_COLUMN_NAME=CASE_SENSITIVE")
	if rows[0]["rows_loaded"] != "5" {
		t.Fatalf("CASE_SENSITIVE COPY: %v", rows)
	}
	_, got = env.query(t, `SELECT ID, "id", "MixedCase", "MIXEDCASE" FROM CS ORDER BY "id"`)
	if got[2][0] != "<NULL>" || got[2][1] != "2" || got[2][2] != "m2" || got[2][3] != "<NULL>" {
		t.Fatalf("CASE_SENSITIVE values: %v", got[2])
	}
}

func TestCopyParquetTransform(t *testing.T) {
	env := stStart(t)
	env.exec(t, "CREATE STAGE st")
	f := filepath.Join(env.dir, "sample.parquet")
	stParquetSample(t, f, 4)
	env.put(t, f, "@st/t/", "")
	env.exec(t, `CREATE TABLE TR (AMT NUMBER(10,2), DOC VARIANT, M VARCHAR, ROWID NUMBER)`)
	rows := env.copyRows(t, `COPY INTO TR (AMT, DOC, M, ROWID) FROM (
		SELECT $1:amount::NUMBER(10,2), PARSE_JSON($1:j), $1:"MixedCase", t.$1:id FROM @st/t/ t)
		FILE_FORMAT=(TYPE=PARQUET)`)
	if len(rows) != 1 || rows[0]["status"] != "LOADED" || rows[0]["rows_loaded"] != "4" {
		t.Fatalf("transform COPY: %v", rows)
	}
	_, raw := env.query(t, `SELECT DOC FROM TR ORDER BY ROWID`)
	if raw[1][0] != `{"k": 1}` && raw[1][0] != `{"k":1}` {
		t.Fatalf("PARSE_JSON stored %v", raw)
	}
	_, got := env.query(t, `SELECT AMT, DOC:k::NUMBER, M, ROWID FROM TR ORDER BY ROWID`)
	if len(got) != 4 || strings.Join(got[2], "|") != "2.25|2|m2|2" {
		t.Fatalf("transform values: %v", got)
	}
}

func TestCopyFilesPatternHistoryForcePurge(t *testing.T) {
	env := stStart(t)
	env.exec(t, "CREATE STAGE st")
	env.exec(t, "CREATE TABLE T (ID NUMBER, S VARCHAR)")
	for i, n := range []int{3, 4, 5} {
		f := filepath.Join(env.dir, fmt.Sprintf("part%d.parquet", i))
		stWriteParquet(t, f, fmt.Sprintf("SELECT i AS id, 'f%d' AS s FROM range(%d) t(i)", i, n))
		env.put(t, f, "@st/d/", "")
	}
	copyQ := func(extra string) []map[string]string {
		return env.copyRows(t, "COPY INTO T FROM @st/d/ FILE_FORMAT=(TYPE=PARQUET) MATCH_BY_COLUMN_NAME=CASE_INSENSITIVE "+extra)
	}
	if rows := copyQ("FILES=('part0.parquet', 'part2.parquet')"); len(rows) != 2 || rows[0]["rows_loaded"] != "3" || rows[1]["rows_loaded"] != "5" {
		t.Fatalf("FILES: %v", rows)
	}
	if n := env.one(t, "SELECT COUNT(*) FROM T"); n != "8" {
		t.Fatalf("after FILES: %s rows", n)
	}
	// PATTERN selects part1 only; the others are loaded already anyway.
	if rows := copyQ("PATTERN='.*part[1][.]parquet'"); len(rows) != 1 || rows[0]["file"] != "st/d/part1.parquet" || rows[0]["rows_loaded"] != "4" {
		t.Fatalf("PATTERN: %v", rows)
	}
	// Everything is in the load history now.
	if rows := copyQ(""); len(rows) != 1 || rows[0]["status"] != "Copy executed with 0 files processed." {
		t.Fatalf("second COPY should skip loaded files: %v", rows)
	}
	if n := env.one(t, "SELECT COUNT(*) FROM T"); n != "12" {
		t.Fatalf("rows: %s", n)
	}
	// FORCE reloads.
	if rows := copyQ("FORCE=TRUE FILES=('part0.parquet')"); len(rows) != 1 || rows[0]["rows_loaded"] != "3" {
		t.Fatalf("FORCE: %v", rows)
	}
	if n := env.one(t, "SELECT COUNT(*) FROM T WHERE S = 'f0'"); n != "6" {
		t.Fatalf("after FORCE: %s rows of part0", n)
	}
	// A changed file with the same name is loaded again.
	f := filepath.Join(env.dir, "part1.parquet")
	stWriteParquet(t, f, "SELECT 100 + i AS id, 'changed' AS s FROM range(2) t(i)")
	env.put(t, f, "@st/d/", "OVERWRITE=TRUE")
	if rows := copyQ(""); len(rows) != 1 || rows[0]["file"] != "st/d/part1.parquet" || rows[0]["rows_loaded"] != "2" {
		t.Fatalf("changed file: %v", rows)
	}
	if n := env.one(t, "SELECT COUNT(*) FROM T WHERE S = 'changed'"); n != "2" {
		t.Fatalf("changed rows: %s", n)
	}
	// A recreated table has no load history.
	env.exec(t, "CREATE OR REPLACE TABLE T (ID NUMBER, S VARCHAR)")
	if rows := copyQ("PURGE=TRUE"); len(rows) != 3 {
		t.Fatalf("COPY into a recreated table: %v", rows)
	}
	if n := env.one(t, "SELECT COUNT(*) FROM T"); n != "10" {
		t.Fatalf("rows in recreated table: %s", n)
	}
	// PURGE removed the loaded files.
	if got := env.list(t, "LIST @st"); len(got) != 0 {
		t.Fatalf("PURGE left %v", got)
	}
}

func TestCopyErrors(t *testing.T) {
	env := stStart(t)
	env.exec(t, "CREATE STAGE st")
	env.exec(t, "CREATE TABLE T (ID NUMBER)")
	csv := filepath.Join(env.dir, "x.csv")
	stWriteFile(t, csv, "1\n2\n")
	env.put(t, csv, "@st", "AUTO_COMPRESS=FALSE")

	stWantErr(t, env.queryErr("COPY INTO T FROM @nope FILE_FORMAT=(TYPE=CSV)"), 2003, "NOPE")
	stWantErr(t, env.queryErr("COPY INTO MISSING FROM @st FILE_FORMAT=(TYPE=CSV)"), 2003, "MISSING")
	stWantErr(t, env.queryErr("COPY INTO T FROM @st FILE_FORMAT=(TYPE=XML)"), 1003, "TYPE")
	stWantErr(t, env.queryErr("COPY INTO T FROM @st FILE_FORMAT=(FORMAT_NAME='NO_SUCH_FORMAT')"), 2003, "NO_SUCH_FORMAT")
	stWantErr(t, env.queryErr("COPY INTO T FROM @st FILE_FORMAT=(TYPE=CSV) ON_ERROR=SOMETIMES"), 1003, "ON_ERROR")
	stWantErr(t, env.queryErr("COPY INTO T (NOPE) FROM @st FILE_FORMAT=(TYPE=CSV)"), 904, "NOPE")
	env.exec(t, "CREATE VIEW V AS SELECT ID FROM T")
	stWantErr(t, env.queryErr("COPY INTO V FROM @st FILE_FORMAT=(TYPE=CSV)"), 1003, "view")
	// A CSV file read as Parquet fails the statement and loads nothing.
	se := stWantErr(t, env.queryErr("COPY INTO T FROM @st FILE_FORMAT=(TYPE=PARQUET) MATCH_BY_COLUMN_NAME=CASE_INSENSITIVE"), 100152, "st/x.csv")
	_ = se
	// A FILES entry that is not staged: 100069 "Remote file ... was not found".
	stWantErr(t, env.queryErr("COPY INTO T FROM @st FILES=('gone.csv') FILE_FORMAT=(TYPE=CSV)"), 100069, "st/gone.csv", "was not found")
	if n := env.one(t, "SELECT COUNT(*) FROM T"); n != "0" {
		t.Fatalf("failed COPY loaded %s rows", n)
	}
	// PUT into an external stage is refused.
	env.exec(t, "CREATE STAGE ext URL='s3://bucket/p/' CREDENTIALS=(AWS_KEY_ID='k' AWS_SECRET_KEY='s')")
	err := env.execErr(fmt.Sprintf("PUT 'file://%s' @ext", csv))
	if err == nil || !strings.Contains(err.Error(), "external stage") {
		t.Fatalf("PUT to external stage: %v", err)
	}
	// Parquet without MATCH_BY_COLUMN_NAME into several columns is Snowflake's compile error.
	env.exec(t, "CREATE TABLE T2 (A NUMBER, B NUMBER)")
	pq := filepath.Join(env.dir, "p.parquet")
	stWriteParquet(t, pq, "SELECT 1 AS a, 2 AS b")
	env.put(t, pq, "@st/pq", "")
	stWantErr(t, env.queryErr("COPY INTO T2 FROM @st/pq FILE_FORMAT=(TYPE=PARQUET)"), 2019, "MATCH_BY_COLUMN_NAME")
}
