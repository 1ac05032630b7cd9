package engine

import (
	"context"
	"strings"
	"testing"
)

// Golden translations: Snowflake SQL in, DuckDB SQL out.
func TestTranslateGolden(t *testing.T) {
	_, s := openTest(t)
	mustExec(t, s, `CREATE TABLE "Mixed" (a INT, "b" VARCHAR, v VARIANT)`)
	cases := []struct{ in, want string }{
		{`select a from "Mixed"`, `SELECT "A" AS "A" FROM "TESTDB.PUBLIC"."M~i~x~e~d"`},
		{`select "b" x from testdb.public."Mixed" m`, `SELECT "~b" AS "X" FROM "TESTDB.PUBLIC"."M~i~x~e~d" AS "M"`},
		{`select v:k::number(10,2) from "Mixed"`, `SELECT CAST(json_extract_string("V", '$.k') AS DECIMAL(10,2)) AS "V:K::NUMBER(10,2)" FROM "TESTDB.PUBLIC"."M~i~x~e~d"`},
		{`select iff(a > 1, 'y', 'n') from "Mixed"`, `SELECT (CASE WHEN "A" > 1 THEN 'y' ELSE 'n' END) AS "IFF(A > 1, 'Y', 'N')" FROM "TESTDB.PUBLIC"."M~i~x~e~d"`},
	}
	for _, c := range cases {
		toks, err := lex(c.in)
		if err != nil {
			t.Fatal(err)
		}
		tr, err := s.newTranslator(context.Background(), toks, nil)
		if err != nil {
			t.Fatal(err)
		}
		got, _, err := tr.exprRange(0, len(toks)-1)
		if err != nil {
			t.Fatalf("%s: %v", c.in, err)
		}
		if got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.in, got, c.want)
		}
	}
	// translateExpr: the COPY transformation helper
	for in, want := range map[string]string{
		`$1:id::NUMBER(10,0)`:   `CAST(json_extract_string($1, '$.id') AS DECIMAL(10,0))`,
		`TO_VARCHAR($2)`:        `CAST($2 AS VARCHAR)`,
		`PARSE_JSON($3)`:        `CAST(json($3) AS VARCHAR)`,
		`NVL($1, 'x')`:          `COALESCE($1, 'x')`,
		`$1::TIMESTAMP_NTZ`:     `CAST($1 AS TIMESTAMP)`,
		`$1::VARIANT`:           `CAST(to_json($1) AS VARCHAR)`,
		`IFF($1 IS NULL, 0, 1)`: `(CASE WHEN $1 IS NULL THEN 0 ELSE 1 END)`,
		`UPPER(col_a)`:          `UPPER("COL_A")`,
	} {
		got, err := s.translateExpr(in)
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if strings.TrimSpace(got) != want {
			t.Errorf("translateExpr(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestLexer(t *testing.T) {
	toks, err := lex(`SELECT 'it''s', $$raw 'x'$$, "Q""x", a::int, v:p, :1, ?, $2, @st/p/f.csv -- c
	/* block */ x`)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, tk := range toks {
		kinds = append(kinds, tk.Text)
	}
	got := strings.Join(kinds, " ")
	want := `SELECT 'it''s' , $$raw 'x'$$ , "Q""x" , a :: int , v : p , :1 , ? , $2 , @st/p/f.csv x `
	if got != want {
		t.Fatalf("tokens:\n got %q\nwant %q", got, want)
	}
	if toks[1].Val != "it's" || toks[3].Val != "raw 'x'" || toks[5].Val != `Q"x` || toks[15].Kind != TkParam || toks[15].Val != "1" || toks[21].Kind != TkStage {
		t.Fatalf("token values: %+v", toks)
	}
	for _, bad := range []string{`'open`, `"open`, `/* open`, `$$open`, `select #`} {
		if _, err := lex(bad); err == nil {
			t.Errorf("lex(%q) succeeded", bad)
		}
	}
}

func TestNameEncoding(t *testing.T) {
	for _, n := range []string{"ABC", "MyT", "a.b", "x~y", "Ünïcödé", `q"t`, "sp ace"} {
		if dec(enc(n)) != n {
			t.Errorf("round trip %q -> %q -> %q", n, enc(n), dec(enc(n)))
		}
	}
	if strings.EqualFold(enc("MyT"), enc("MYT")) || strings.EqualFold(enc("a"), enc("A")) {
		t.Fatal("encodings collide under case folding")
	}
	db, sch, ok := splitDuckSchema(duckSchemaName("d.b", "s~c"))
	if !ok || db != "d.b" || sch != "s~c" {
		t.Fatalf("split %q %q %v", db, sch, ok)
	}
	_, s := openTest(t)
	n, err := s.resolveName(`db.sch."MyT"`)
	if err != nil || n != (ObjectName{"DB", "SCH", "MyT"}) {
		t.Fatalf("resolveName: %v %+v", err, n)
	}
	n, err = s.resolveName(`t`)
	if err != nil || n != (ObjectName{"TESTDB", "PUBLIC", "T"}) {
		t.Fatalf("resolveName: %v %+v", err, n)
	}
	if n, err = s.resolveName(`d..t`); err != nil || n.Schema != "PUBLIC" {
		t.Fatalf("d..t: %v %+v", err, n)
	}
	if _, err := s.resolveName(`a.b.c.d`); err == nil {
		t.Fatal("4-part name accepted")
	}
}
