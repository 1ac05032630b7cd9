package tests

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestCopyCSVOptions(t *testing.T) {
	env := stStart(t)
	env.exec(t, "CREATE STAGE st")
	env.exec(t, "CREATE TABLE C (ID NUMBER, NAME VARCHAR, AMOUNT NUMBER(10,2), D DATE, FLAG BOOLEAN)")
	f := filepath.Join(env.dir, "people.csv")
	stWriteFile(t, f, "id|name|amount|d|flag\n"+
		"1|\"Smith, J|r\"|10.50|2024-01-31|true\n"+
		"2|NULL|0.01|2024-02-29|false\n"+
		"3||7|NULL|true\n"+
		"4|\"\"|1e2|2023-12-01|false\n")
	// gzip on upload; COMPRESSION=AUTO reads it back.
	env.put(t, f, "@st/csv/", "AUTO_COMPRESS=TRUE")
	rows := env.copyRows(t, `COPY INTO C FROM @st/csv/ FILE_FORMAT=(TYPE=CSV FIELD_DELIMITER='|' SKIP_HEADER=1
		FIELD_OPTIONALLY_ENCLOSED_BY='"' NULL_IF=('NULL') EMPTY_FIELD_AS_NULL=TRUE COMPRESSION=AUTO)`)
	if len(rows) != 1 || rows[0]["file"] != "st/csv/people.csv.gz" || rows[0]["status"] != "LOADED" || rows[0]["rows_loaded"] != "4" {
		t.Fatalf("CSV COPY: %v", rows)
	}
	_, got := env.query(t, "SELECT ID, NAME, AMOUNT, D, FLAG FROM C ORDER BY ID")
	want := [][]string{
		{"1", "Smith, J|r", "10.50", "2024-01-31", "true"},
		{"2", "<NULL>", "0.01", "2024-02-29", "false"},
		{"3", "<NULL>", "7.00", "<NULL>", "true"},
		{"4", "", "100.00", "2023-12-01", "false"},
	}
	for i := range want {
		for j := range want[i] {
			g := got[i][j]
			if j == 3 && len(g) >= 10 {
				g = g[:10]
			}
			if j == 4 {
				g = strings.ToLower(g)
				if g == "1" {
					g = "true"
				} else if g == "0" {
					g = "false"
				}
			}
			if g != want[i][j] {
				t.Fatalf("row %d col %d = %q, want %q (rows %v)", i, j, got[i][j], want[i][j], got)
			}
		}
	}

	// A named file format, EMPTY_FIELD_AS_NULL=FALSE keeps empty strings.
	env.exec(t, "CREATE FILE FORMAT semi TYPE=CSV FIELD_DELIMITER=';' EMPTY_FIELD_AS_NULL=FALSE NULL_IF=()")
	env.exec(t, "CREATE TABLE E (A VARCHAR, B VARCHAR)")
	f2 := filepath.Join(env.dir, "e.csv")
	stWriteFile(t, f2, "x;\n;y\n")
	env.put(t, f2, "@st/e", "AUTO_COMPRESS=FALSE")
	rows = env.copyRows(t, "COPY INTO E FROM @st/e FILE_FORMAT=(FORMAT_NAME=semi)")
	if rows[0]["rows_loaded"] != "2" {
		t.Fatalf("named format COPY: %v", rows)
	}
	if n := env.one(t, "SELECT COUNT(*) FROM E WHERE A = '' OR B = ''"); n != "2" {
		t.Fatalf("EMPTY_FIELD_AS_NULL=FALSE: %s rows with empty strings", n)
	}
	// A column count mismatch is an error by default.
	stWantErr(t, env.queryErr("COPY INTO C FROM @st/e FILE_FORMAT=(FORMAT_NAME=semi) FORCE=TRUE"), 100080, "does not match")
}

// ON_ERROR: ABORT_STATEMENT fails with file and column named and loads nothing;
// CONTINUE loads the good rows; SKIP_FILE skips bad files but loads good ones.
func TestCopyOnError(t *testing.T) {
	env := stStart(t)
	env.exec(t, "CREATE STAGE st")
	env.exec(t, "CREATE TABLE N (ID NUMBER, V VARCHAR)")
	stWriteFile(t, filepath.Join(env.dir, "good.csv"), "1,a\n2,b\n")
	stWriteFile(t, filepath.Join(env.dir, "bad.csv"), "3,c\nfour,d\n5,e\n")
	env.put(t, filepath.Join(env.dir, "*.csv"), "@st", "AUTO_COMPRESS=FALSE")

	se := stWantErr(t, env.queryErr("COPY INTO N FROM @st FILE_FORMAT=(TYPE=CSV)"), 100038,
		"Numeric value 'four' is not recognized", "st/bad.csv", "line 2", `"N"["ID":1]`)
	if se.SQLState != "22000" {
		t.Fatalf("SQLState %q", se.SQLState)
	}
	if n := env.one(t, "SELECT COUNT(*) FROM N"); n != "0" {
		t.Fatalf("ABORT_STATEMENT loaded %s rows", n)
	}

	rows := env.copyRows(t, "COPY INTO N FROM @st FILE_FORMAT=(TYPE=CSV) ON_ERROR=SKIP_FILE")
	byFile := map[string]map[string]string{}
	for _, r := range rows {
		byFile[r["file"]] = r
	}
	if b := byFile["st/bad.csv"]; b["status"] != "LOAD_FAILED" || b["rows_loaded"] != "0" || b["errors_seen"] != "1" ||
		!strings.Contains(b["first_error"], "four") || b["first_error_line"] != "2" || b["first_error_column_name"] != `"N"["ID":1]` {
		t.Fatalf("SKIP_FILE bad file: %v", b)
	}
	if g := byFile["st/good.csv"]; g["status"] != "LOADED" || g["rows_loaded"] != "2" {
		t.Fatalf("SKIP_FILE good file: %v", g)
	}
	if n := env.one(t, "SELECT COUNT(*) FROM N"); n != "2" {
		t.Fatalf("after SKIP_FILE: %s rows", n)
	}

	// good.csv is in the load history; bad.csv is not, so CONTINUE loads its good rows.
	rows = env.copyRows(t, "COPY INTO N FROM @st FILE_FORMAT=(TYPE=CSV) ON_ERROR=CONTINUE")
	if len(rows) != 1 || rows[0]["file"] != "st/bad.csv" || rows[0]["status"] != "PARTIALLY_LOADED" ||
		rows[0]["rows_parsed"] != "3" || rows[0]["rows_loaded"] != "2" || rows[0]["errors_seen"] != "1" {
		t.Fatalf("CONTINUE: %v", rows)
	}
	_, got := env.query(t, "SELECT ID FROM N ORDER BY ID")
	var ids []string
	for _, r := range got {
		ids = append(ids, r[0])
	}
	if strings.Join(ids, ",") != "1,2,3,5" {
		t.Fatalf("ids after CONTINUE: %v", ids)
	}
}

// CSV with PARSE_HEADER = TRUE loads by column name.
func TestCopyCSVParseHeaderByName(t *testing.T) {
	env := stStart(t)
	env.exec(t, "CREATE STAGE st")
	env.exec(t, `CREATE TABLE H (ID NUMBER, "Label" VARCHAR, MISSING VARCHAR)`)
	f := filepath.Join(env.dir, "h.csv")
	stWriteFile(t, f, "label,extra,id\nalpha,x,1\nbeta,y,2\n")
	env.put(t, f, "@st", "")
	stWantErr(t, env.queryErr("COPY INTO H FROM @st FILE_FORMAT=(TYPE=CSV) MATCH_BY_COLUMN_NAME=CASE_INSENSITIVE"), 1003, "PARSE_HEADER")
	rows := env.copyRows(t, "COPY INTO H FROM @st FILE_FORMAT=(TYPE=CSV PARSE_HEADER=TRUE) MATCH_BY_COLUMN_NAME=CASE_INSENSITIVE")
	if len(rows) != 1 || rows[0]["rows_loaded"] != "2" {
		t.Fatalf("COPY: %v", rows)
	}
	_, got := env.query(t, `SELECT ID, "Label", MISSING FROM H ORDER BY ID`)
	if len(got) != 2 || strings.Join(got[1], "|") != "2|beta|<NULL>" {
		t.Fatalf("values: %v", got)
	}
}
