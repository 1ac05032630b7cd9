package tsql

import (
	"strings"
	"testing"

	"github.com/snowmigrate/snowmigrate/emulator/sqlserver/tds"
)

type fakeEnv struct{}

func (fakeEnv) CurrentDB() string { return "db" }
func (fakeEnv) Columns(db, schema, table string) ([]ColumnMeta, bool) {
	if strings.EqualFold(table, "t") {
		return []ColumnMeta{{Name: "id", Type: tds.Type{Kind: tds.Int}}, {Name: "d", Type: tds.Type{Kind: tds.DateTime2, Scale: 7}}}, true
	}
	if strings.EqualFold(table, "u") {
		return []ColumnMeta{{Name: "k", Type: tds.Type{Kind: tds.VarChar, Len: 10, Collation: "SQL_Latin1_General_CP1_CI_AS"}},
			{Name: "m", Type: tds.Type{Kind: tds.Decimal, Prec: 10, Scale: 2}}, {Name: "o", Type: tds.Type{Kind: tds.DateTimeOffset, Scale: 7}}}, true
	}
	return nil, false
}
func (fakeEnv) ObjectID(db, schema, name string) (int64, bool) {
	return 7, strings.EqualFold(name, "t")
}
func (fakeEnv) CatalogView(db, schema, name string) (string, bool) {
	return "(SELECT 1 AS x)", name == "tables"
}
func (fakeEnv) Global(name string) (string, bool) { return "'v'", name == "@@VERSION" }

// FuzzTranslate runs the lexer, splitter and translator on arbitrary text: errors are
// fine, panics are not.
func FuzzTranslate(f *testing.F) {
	for _, s := range []string{
		"SELECT TOP (5) [id], d FROM [dbo].[t] WHERE id > @p1 ORDER BY id OFFSET 1 ROWS FETCH NEXT 2 ROWS ONLY",
		"INSERT INTO t (id, d) VALUES (1, '2020-01-01'), (@p1, @p2)",
		"UPDATE t SET d = '2020-01-01 10:00' WHERE id IN (1,2) AND d BETWEEN 'a' AND 'b'",
		"SELECT CAST(x AS decimal(10,2)), CONVERT(varchar(10), d, 23), N'x''y', 0xABCD FROM db..t /* c /* nested */ */ -- x",
		"SELECT * FROM t WHERE (a, b) > (1, 2)",
		"SELECT COUNT_BIG(*), HASHBYTES('MD5', N'a'), OBJECT_ID('dbo.t') FROM sys.tables",
		"SELECT x.k, AVG(m), m / 3, 1.0 / m FROM u x JOIN u y ON x.k = y.k WHERE x.k = 'a ' GROUP BY x.k HAVING x.k > 'b'",
		"SELECT DISTINCT k, m FROM u WHERE o > '2020-01-01 +01:00' ORDER BY o, k",
		"SELECT MIN(o), AVG(DISTINCT id) OVER (PARTITION BY d), id % 0 FROM t",
		"[", "'", "\"", "/*", "SELECT (((", "SELECT @", "0x", "N'",
	} {
		f.Add(s)
	}
	params := map[string]BoundParam{"@p1": {Type: tds.Type{Kind: tds.Int}, Value: int64(1)}, "@p2": {Type: tds.Type{Kind: tds.NVarChar, Len: 10}, Value: "2020-01-01"}}
	f.Fuzz(func(t *testing.T, s string) {
		toks, err := Lex(s)
		if err != nil {
			return
		}
		for _, st := range Split(toks) {
			Translate(fakeEnv{}, st, params)
		}
	})
}

func TestTranslateGolden(t *testing.T) {
	params := map[string]BoundParam{"@p1": {Type: tds.Type{Kind: tds.Int}, Value: int64(1)}}
	cases := []struct{ in, want string }{
		{"SELECT TOP 10 [id] FROM [dbo].[t] WHERE id > @p1 ORDER BY [id]",
			`SELECT "id" FROM "dbo"."t" WHERE "id" > CAST(1 AS INTEGER) ORDER BY "id" LIMIT 10`},
		{"SELECT id FROM db..t ORDER BY id OFFSET 5 ROWS FETCH NEXT 10 ROWS ONLY",
			`SELECT "id" FROM "db"."dbo"."t" ORDER BY "id" LIMIT 10 OFFSET 5`},
		{"SELECT COUNT(*), ISNULL(d, N'x') FROM t WITH (NOLOCK) WHERE d LIKE 'a%'",
			`SELECT CAST(count(*) AS INTEGER), coalesce("d", 'x') FROM "t" WHERE "d" ILIKE 'a%'`},
		{"SELECT N'x' + CAST(id AS varchar(5)) + 'y', id + 1 FROM t",
			`SELECT 'x' || left(ss_str("id"), 5) || 'y', "id" + 1 FROM "t"`},
		{"SELECT id FROM t WHERE d LIKE 'a[_]b[%]%'",
			`SELECT "id" FROM "t" WHERE "d" ILIKE 'a\_b\%%' ESCAPE '\'`},
		{"SELECT 7 / 2, id / 2, 7.0 / 2, COUNT(*) / @p1, id / 2.5 FROM t",
			`SELECT 7 // 2, "id" // 2, CAST(ss_decdiv(CAST(7.0 AS VARCHAR), CAST(2 AS VARCHAR), 7, 6) AS DECIMAL(7,6)), CAST(count(*) AS INTEGER) // ss_nz(CAST(1 AS INTEGER)), CAST(ss_decdiv(CAST("id" AS VARCHAR), CAST(2.5 AS VARCHAR), 17, 6) AS DECIMAL(17,6)) FROM "t"`},
		{"SELECT 2 * 1.5 / 3, AVG(id), AVG(DISTINCT id) OVER (PARTITION BY d) FROM t",
			`SELECT 2 * 1.5 / 3, CAST(CAST(sum("id") AS INTEGER) // count("id") AS INTEGER), CAST(CAST(sum(DISTINCT "id") OVER (PARTITION BY "d") AS INTEGER) // count(DISTINCT "id") OVER (PARTITION BY "d") AS INTEGER) FROM "t"`},
		{"SELECT a % b, a / (b - 1) FROM t", `SELECT "a" % ss_nz("b"), "a" / ss_nz(("b" - 1)) FROM "t"`},
		{"SELECT x.k FROM u x JOIN u y ON x.k = y.k WHERE x.k = 'a '",
			`SELECT "x"."k" FROM "u" "x" JOIN "u" "y" ON (rtrim("x"."k") COLLATE NOCASE) = (rtrim("y"."k") COLLATE NOCASE) WHERE (rtrim("x"."k") COLLATE NOCASE) = 'a'`},
		{"SELECT k, COUNT(*) FROM u GROUP BY k",
			`SELECT any_value("k"), CAST(count(*) AS INTEGER) FROM "u" GROUP BY (rtrim("k") COLLATE NOCASE)`},
		{"SELECT DISTINCT k, m FROM u WHERE o > @p1 ORDER BY o",
			`SELECT DISTINCT ON ((rtrim("k") COLLATE NOCASE), "m") "k", "m" FROM "u" WHERE ss_dtokey("o") > ss_dtokey(CAST(1 AS INTEGER)) ORDER BY ss_dtokey("o")`},
		{"INSERT INTO t (id, d) VALUES (1, '2020-01-02 03:04')",
			`INSERT INTO "t" ("id", "d") VALUES (1, '2020-01-02 03:04:00.0000000')`},
	}
	for _, c := range cases {
		toks, err := Lex(c.in)
		if err != nil {
			t.Fatal(err)
		}
		q, err := Translate(fakeEnv{}, toks, params)
		if err != nil {
			t.Fatalf("%s: %v", c.in, err)
		}
		if q.SQL != c.want {
			t.Errorf("%s\n got %s\nwant %s", c.in, q.SQL, c.want)
		}
	}
	for _, bad := range []string{"SELECT * FROM t WHERE (id, d) > (1, 2)", "SELECT nosuchfn(1)", "SELECT * FROM #tmp", "MERGE t", "SELECT id FROM t WHERE d LIKE '[a-c]%'"} {
		toks, _ := Lex(bad)
		if _, err := Translate(fakeEnv{}, toks, params); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	if got := len(Split(mustLex(t, "SELECT 1 SELECT 2; INSERT INTO t SELECT 1 UNION SELECT 2 BEGIN TRAN COMMIT"))); got != 5 {
		t.Errorf("split into %d statements, want 5", got)
	}
}

func mustLex(t *testing.T, s string) []Token {
	toks, err := Lex(s)
	if err != nil {
		t.Fatal(err)
	}
	return toks
}
