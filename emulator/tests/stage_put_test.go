package tests

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestStagePutListRemove(t *testing.T) {
	env := stStart(t)
	env.exec(t, "CREATE STAGE landing")
	a := filepath.Join(env.dir, "a.parquet")
	b := filepath.Join(env.dir, "b.parquet")
	stWriteParquet(t, a, "SELECT i AS id FROM range(100) t(i)")
	stWriteParquet(t, b, "SELECT i AS id, 'x' AS s FROM range(10) t(i)")
	csv := filepath.Join(env.dir, "c.csv")
	stWriteFile(t, csv, "1,one\n2,two\n")

	// A glob uploads both Parquet files into a sub-path; Parquet is never gzipped.
	env.put(t, filepath.Join(env.dir, "*.parquet"), "@landing/in/2024/", "")
	env.put(t, csv, "@landing/in/csv", "AUTO_COMPRESS=TRUE")
	got := env.list(t, "LIST @landing")
	if len(got) != 3 {
		t.Fatalf("LIST @landing: want 3 files, got %v", got)
	}
	for name, local := range map[string]string{"landing/in/2024/a.parquet": a, "landing/in/2024/b.parquet": b} {
		f, ok := got[name]
		if !ok {
			t.Fatalf("LIST lacks %s: %v", name, got)
		}
		if f[0] != stSize(t, local) || f[1] != stMD5(t, local) {
			t.Fatalf("%s: size/md5 %v, want %s/%s", name, f, stSize(t, local), stMD5(t, local))
		}
	}
	if _, ok := got["landing/in/csv/c.csv.gz"]; !ok {
		t.Fatalf("AUTO_COMPRESS=TRUE should store c.csv.gz: %v", got)
	}

	// Path and PATTERN narrow the listing; the pattern is a full-match regex.
	if got := env.list(t, "LIST @landing/in/2024/"); len(got) != 2 {
		t.Fatalf("LIST @landing/in/2024/: %v", got)
	}
	if got := env.list(t, "LS @landing PATTERN='.*b[.]parquet'"); len(got) != 1 || got["landing/in/2024/b.parquet"][0] == "" {
		t.Fatalf("LIST PATTERN: %v", got)
	}

	// REMOVE with a pattern reports what it removed.
	cols, rows := env.query(t, "REMOVE @landing/in PATTERN='.*[.]gz'")
	if strings.Join(cols, ",") != "name,result" || len(rows) != 1 || rows[0][0] != "landing/in/csv/c.csv.gz" || rows[0][1] != "removed" {
		t.Fatalf("REMOVE: %v %v", cols, rows)
	}
	// Nothing matching: an empty result, not an error.
	cols, rows = env.query(t, "RM @landing/nothing/here")
	if len(rows) != 0 || strings.Join(cols, ",") != "name,result" {
		t.Fatalf("REMOVE of nothing: %v %v", cols, rows)
	}
	if got := env.list(t, "LIST @landing"); len(got) != 2 {
		t.Fatalf("after REMOVE: %v", got)
	}
	env.exec(t, "REMOVE @landing")
	if got := env.list(t, "LIST @landing"); len(got) != 0 {
		t.Fatalf("after REMOVE all: %v", got)
	}
}

// A smaller file PUT with OVERWRITE=TRUE must not keep the old file's tail (the
// driver writes LOCAL_FS files without truncating); OVERWRITE=FALSE keeps the old file.
func TestStagePutOverwrite(t *testing.T) {
	env := stStart(t)
	env.exec(t, "CREATE STAGE s")
	src := filepath.Join(env.dir, "data.csv")
	big := strings.Repeat("1,abcdefghij\n", 100)
	stWriteFile(t, src, big)
	env.put(t, src, "@s", "AUTO_COMPRESS=FALSE")
	stWriteFile(t, src, "2,x\n")
	env.put(t, src, "@s", "AUTO_COMPRESS=FALSE OVERWRITE=FALSE")
	got := env.list(t, "LIST @s")
	if got["s/data.csv"][0] != "1300" {
		t.Fatalf("OVERWRITE=FALSE replaced the file: %v", got)
	}
	env.exec(t, "PUT file://"+src+" @s AUTO_COMPRESS=FALSE OVERWRITE=TRUE") // unquoted URL
	got = env.list(t, "LIST @s")
	if got["s/data.csv"] != [2]string{"4", stMD5(t, src)} {
		t.Fatalf("after OVERWRITE=TRUE: %v, want size 4 md5 %s", got, stMD5(t, src))
	}
	// The stage file really holds the new bytes only.
	env.exec(t, "CREATE TABLE T (ID NUMBER, S VARCHAR)")
	env.exec(t, "COPY INTO T FROM @s FILE_FORMAT=(TYPE=CSV)")
	if n := env.one(t, "SELECT COUNT(*) FROM T"); n != "1" {
		t.Fatalf("rows after loading overwritten file: %s", n)
	}
	if v := env.one(t, "SELECT S FROM T"); v != "x" {
		t.Fatalf("value: %q", v)
	}
}

func TestStageDDLAndNames(t *testing.T) {
	env := stStart(t)
	env.exec(t, "CREATE STAGE st1 COMMENT='first'")
	stWantErr(t, env.execErr("CREATE STAGE st1"), 2002, "ST1")
	env.exec(t, "CREATE STAGE IF NOT EXISTS st1")
	env.exec(t, `CREATE STAGE "Mixed Stage"`)
	env.exec(t, "CREATE SCHEMA STG.OTHER")
	env.exec(t, "CREATE STAGE STG.OTHER.far FILE_FORMAT=(TYPE=PARQUET)")
	env.exec(t, "USE SCHEMA STG.PUBLIC") // CREATE SCHEMA made OTHER current, as in Snowflake

	f := filepath.Join(env.dir, "f.parquet")
	stWriteParquet(t, f, "SELECT 1 AS id")
	env.put(t, f, `@"Mixed Stage"/p/`, "")
	env.put(t, f, "@STG.OTHER.far/q", "")
	env.put(t, f, "@st1", "")
	if got := env.list(t, `LIST @"Mixed Stage"/p`); len(got) != 1 || got["mixed stage/p/f.parquet"][0] == "" {
		t.Fatalf(`LIST @"Mixed Stage": %v`, got)
	}
	if got := env.list(t, "LIST @stg.other.FAR"); len(got) != 1 || got["far/q/f.parquet"][0] == "" {
		t.Fatalf("LIST @stg.other.far: %v", got)
	}

	cols, rows := env.query(t, "SHOW STAGES")
	if len(cols) < 10 || cols[1] != "name" {
		t.Fatalf("SHOW STAGES columns: %v", cols)
	}
	names := map[string]bool{}
	for _, r := range rows {
		names[r[1]+"@"+r[3]] = true
	}
	if !names["ST1@PUBLIC"] || !names["Mixed Stage@PUBLIC"] || !names["FAR@OTHER"] {
		t.Fatalf("SHOW STAGES rows: %v", rows)
	}
	if _, rows := env.query(t, "SHOW STAGES LIKE 'st%' IN SCHEMA STG.PUBLIC"); len(rows) != 1 || rows[0][1] != "ST1" || rows[0][8] != "first" {
		t.Fatalf("SHOW STAGES LIKE: %v", rows)
	}

	// OR REPLACE starts an empty stage.
	env.exec(t, "CREATE OR REPLACE STAGE st1")
	if got := env.list(t, "LIST @st1"); len(got) != 0 {
		t.Fatalf("replaced stage still has files: %v", got)
	}
	env.exec(t, "DROP STAGE st1")
	stWantErr(t, env.queryErr("LIST @st1"), 2003, "ST1")
	stWantErr(t, env.execErr("DROP STAGE st1"), 2003)
	env.exec(t, "DROP STAGE IF EXISTS st1")
	stWantErr(t, env.execErr("CREATE STAGE NOPE.X.s"), 2003)

	// File formats.
	env.exec(t, "CREATE FILE FORMAT pq TYPE=PARQUET")
	env.exec(t, "CREATE OR REPLACE FILE FORMAT csvf TYPE=CSV FIELD_DELIMITER='|' SKIP_HEADER=1")
	stWantErr(t, env.execErr("CREATE FILE FORMAT pq TYPE=PARQUET"), 2002)
	stWantErr(t, env.execErr("CREATE FILE FORMAT bad TYPE=XML"), 1003, "TYPE")
	_, rows = env.query(t, "SHOW FILE FORMATS")
	if len(rows) != 2 || rows[0][1] != "CSVF" || rows[0][4] != "CSV" || rows[1][1] != "PQ" || rows[1][4] != "PARQUET" {
		t.Fatalf("SHOW FILE FORMATS: %v", rows)
	}
	env.exec(t, "DROP FILE FORMAT pq")
	stWantErr(t, env.execErr("DROP FILE FORMAT pq"), 2003)
}

// Stages, their files, file formats and load history survive a restart.
func TestStageRestartPersistence(t *testing.T) {
	env := stStart(t)
	env.exec(t, "CREATE STAGE keep")
	env.exec(t, "CREATE FILE FORMAT keep_pq TYPE=PARQUET")
	env.exec(t, "CREATE TABLE T (ID NUMBER)")
	f := filepath.Join(env.dir, "k.parquet")
	stWriteParquet(t, f, "SELECT i AS id FROM range(7) t(i)")
	env.put(t, f, "@keep", "")
	rows := env.copyRows(t, "COPY INTO T FROM @keep FILE_FORMAT=(FORMAT_NAME='keep_pq') MATCH_BY_COLUMN_NAME=CASE_INSENSITIVE")
	if len(rows) != 1 || rows[0]["rows_loaded"] != "7" {
		t.Fatalf("COPY: %v", rows)
	}

	env.emu.Restart(t)
	env.reopen(t)
	if got := env.list(t, "LIST @keep"); got["keep/k.parquet"][1] != stMD5(t, f) {
		t.Fatalf("after restart LIST: %v", got)
	}
	if _, rows := env.query(t, "SHOW FILE FORMATS LIKE 'KEEP%'"); len(rows) != 1 {
		t.Fatalf("file format lost: %v", rows)
	}
	rows = env.copyRows(t, "COPY INTO T FROM @keep FILE_FORMAT=(FORMAT_NAME=keep_pq) MATCH_BY_COLUMN_NAME=CASE_INSENSITIVE")
	if len(rows) != 1 || rows[0]["status"] != "Copy executed with 0 files processed." {
		t.Fatalf("load history lost across restart: %v", rows)
	}
	if n := env.one(t, "SELECT COUNT(*) FROM T"); n != "7" {
		t.Fatalf("rows: %s", n)
	}
	if _, err := os.Stat(env.emu.DataDir); err != nil {
		t.Fatal(err)
	}
}
