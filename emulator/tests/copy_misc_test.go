package tests

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// User (@~) and table (@%t) stages, the quoted '@stage' form, CSV transformations,
// a Parquet row into a single VARIANT column, NOT NULL violations and SKIP_FILE_n.
func TestCopyMiscStagesAndModes(t *testing.T) {
	env := stStart(t)
	env.exec(t, "CREATE TABLE T (ID NUMBER NOT NULL, NAME VARCHAR)")
	csv := filepath.Join(env.dir, "u.csv")
	stWriteFile(t, csv, "10,ten\n20,twenty\n")
	env.put(t, csv, "@~/mine/", "AUTO_COMPRESS=FALSE")
	env.put(t, csv, "@%T", "AUTO_COMPRESS=FALSE")
	if got := env.list(t, "LIST @~/mine"); len(got) != 1 || got["mine/u.csv"][0] != "17" {
		t.Fatalf("LIST @~: %v", got)
	}
	if got := env.list(t, "LIST @%t"); len(got) != 1 || got["u.csv"][0] != "17" {
		t.Fatalf("LIST @%%t: %v", got)
	}
	if rows := env.copyRows(t, "COPY INTO T FROM '@~/mine/' FILE_FORMAT=(TYPE=CSV)"); rows[0]["rows_loaded"] != "2" {
		t.Fatalf("COPY from @~: %v", rows)
	}
	// Same file name in another stage: a different file for the load history.
	if rows := env.copyRows(t, "COPY INTO T FROM @%T FILE_FORMAT=(TYPE=CSV)"); rows[0]["rows_loaded"] != "2" {
		t.Fatalf("COPY from @%%T: %v", rows)
	}
	// CSV transformation: $2 and $1 swapped through expressions.
	env.exec(t, "CREATE TABLE R (LABEL VARCHAR, DOUBLED NUMBER)")
	rows := env.copyRows(t, "COPY INTO R FROM (SELECT UPPER($2), $1::NUMBER * 2 FROM @~/mine/) FILE_FORMAT=(TYPE=CSV)")
	if rows[0]["rows_loaded"] != "2" {
		t.Fatalf("CSV transform: %v", rows)
	}
	if v := env.one(t, "SELECT LABEL || ':' || DOUBLED FROM R WHERE DOUBLED = 40"); v != "TWENTY:40" {
		t.Fatalf("CSV transform value: %q", v)
	}

	// NULL into a NOT NULL column is error 100072 under ABORT_STATEMENT.
	nulls := filepath.Join(env.dir, "n.csv")
	stWriteFile(t, nulls, "1,a\n,b\n3,c\n4,d\nx,e\n")
	env.put(t, nulls, "@~/nulls/", "AUTO_COMPRESS=FALSE")
	stWantErr(t, env.queryErr("COPY INTO T FROM @~/nulls/ FILE_FORMAT=(TYPE=CSV)"), 100072, "NULL result in a non-nullable column", `"T"["ID":1]`)
	// SKIP_FILE_3: two bad rows are below the limit, the good rows load.
	rows = env.copyRows(t, "COPY INTO T FROM @~/nulls/ FILE_FORMAT=(TYPE=CSV) ON_ERROR=SKIP_FILE_3")
	if rows[0]["status"] != "PARTIALLY_LOADED" || rows[0]["rows_loaded"] != "3" || rows[0]["errors_seen"] != "2" || rows[0]["error_limit"] != "3" {
		t.Fatalf("SKIP_FILE_3: %v", rows)
	}
	// SKIP_FILE_2 (FORCE to reload): two errors reach the limit, the file is skipped.
	rows = env.copyRows(t, "COPY INTO T FROM @~/nulls/ FILE_FORMAT=(TYPE=CSV) ON_ERROR=SKIP_FILE_2 FORCE=TRUE")
	if rows[0]["status"] != "LOAD_FAILED" || rows[0]["rows_loaded"] != "0" {
		t.Fatalf("SKIP_FILE_2: %v", rows)
	}
	if n := env.one(t, "SELECT COUNT(*) FROM T"); n != "7" {
		t.Fatalf("rows in T: %s", n)
	}

	// Parquet into one VARIANT column: the row object.
	env.exec(t, "CREATE TABLE RAW (DOC VARIANT)")
	pq := filepath.Join(env.dir, "doc.parquet")
	stWriteParquet(t, pq, "SELECT 7 AS id, 'seven' AS name")
	env.put(t, pq, "@~/doc/", "")
	if rows := env.copyRows(t, "COPY INTO RAW FROM @~/doc/ FILE_FORMAT=(TYPE=PARQUET)"); rows[0]["rows_loaded"] != "1" {
		t.Fatalf("COPY into VARIANT: %v", rows)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(env.one(t, "SELECT DOC FROM RAW")), &doc); err != nil || doc["name"] != "seven" || doc["id"] != float64(7) {
		t.Fatalf("VARIANT row object: %v %v", doc, err)
	}
	if v := env.one(t, "SELECT DOC:name::VARCHAR FROM RAW"); !strings.EqualFold(v, "seven") {
		t.Fatalf("DOC:name = %q", v)
	}
}

// A cast that fails inside a transformation fails the statement with a numeric
// conversion error and loads nothing; ON_ERROR=CONTINUE reports the file as failed.
func TestCopyTransformCastError(t *testing.T) {
	env := stStart(t)
	env.exec(t, "CREATE STAGE st")
	env.exec(t, "CREATE TABLE T (N NUMBER(10,2))")
	f := filepath.Join(env.dir, "t.parquet")
	stWriteParquet(t, f, "SELECT CASE WHEN i = 2 THEN 'abc' ELSE i::VARCHAR END AS v FROM range(4) t(i)")
	env.put(t, f, "@st", "")
	stWantErr(t, env.queryErr("COPY INTO T FROM (SELECT $1:v::NUMBER(10,2) FROM @st) FILE_FORMAT=(TYPE=PARQUET)"), 100038, "st/t.parquet", "abc")
	rows := env.copyRows(t, "COPY INTO T FROM (SELECT $1:v::NUMBER(10,2) FROM @st) FILE_FORMAT=(TYPE=PARQUET) ON_ERROR=CONTINUE")
	if len(rows) != 1 || rows[0]["status"] != "LOAD_FAILED" || rows[0]["rows_loaded"] != "0" || !strings.Contains(rows[0]["first_error"], "abc") {
		t.Fatalf("CONTINUE with a failing transformation: %v", rows)
	}
	if n := env.one(t, "SELECT COUNT(*) FROM T"); n != "0" {
		t.Fatalf("rows: %s", n)
	}
}
