package config

import (
	"strings"
	"testing"
)

// whereAcceptedTSQL are T-SQL predicates users write; none may be refused.
var whereAcceptedTSQL = []string{
	"", "is_deleted = 0", "name = 'a;b' AND note <> 'it''s -- fine'", `"We;ird" > 3`, "[We;ird] > 3",
	"[a]]) OR (1=1] = 1" /* ]] keeps the bracket open */, "k = [x]]) OR (1=1 OR k = [y]" /* one name */, "name = N'O''Brien'", "n = N'x)' AND m = n'('",
	`path = 'C:\dir\'` /* no backslash escapes in T-SQL */, "(a = 1 OR b = 2) AND c IN (1, 2)",
	"created_at >= '2024-01-01' AND k <> ')'", "price > $1.50", "mask = 0x1F", "#t = 1",
	"name = 'ünïcödé' AND [Größe] > 1", "note = '/* not a comment */' AND n2 = '--'", "x = 'a\nb'",
	"name LIKE N'[[]x%'", `k = 'a'']' AND [b"c] = 1`,
}

// whereRefusedTSQL must be refused, each for the reason named.
var whereRefusedTSQL = map[string]string{
	"1=1) OR (1=1":                   "unbalanced ')'",
	"x = 1; DROP TABLE t":            "';'",
	"x = 1 -- and":                   "comment",
	"x = 1 /* c */":                  "comment",
	"x = 1 */":                       "'*/'",
	"a = 'open":                      "unclosed '",
	"a = N'open":                     "unclosed '",
	"[a = 1":                         "unclosed [",
	`"a = 1`:                         `unclosed "`,
	"(a = 1":                         "unclosed '('",
	"a = @p1":                        "'@'",
	"a = @@SPID":                     "'@'",
	`k = 'a\') OR (1=1 OR k = '\'`:   "unbalanced ')'", // backslash does not escape in T-SQL
	"k = [x]]) OR (1=1":              "unclosed [",     // ]] is an escaped ], not the end
	"a = 'x\x00'":                    "NUL",
	"a = \xff":                       "UTF-8",
	"x = N'\n' --'":                  "comment",
	"x = 1 SELECT 1 FROM t WHERE (1": "unclosed '('",
}

func TestWhereProblemTSQL(t *testing.T) {
	for _, w := range whereAcceptedTSQL {
		if p := WhereProblemTSQL(w); p != "" {
			t.Errorf("%q refused: %s", w, p)
		}
	}
	for w, want := range whereRefusedTSQL {
		p := WhereProblemTSQL(w)
		if p == "" {
			t.Errorf("%q accepted", w)
			continue
		}
		if !strings.Contains(p, want) {
			t.Errorf("%q refused with %q, want a message with %q", w, p, want)
		}
		if !strings.Contains(p, "write one predicate") {
			t.Errorf("%q: message %q does not say what to write instead", w, p)
		}
	}
}

func TestWhereProblemForPicksTheDialect(t *testing.T) {
	// A PostgreSQL E-string and a T-SQL bracket mean different things to each lexer.
	if p := WhereProblemFor(PlatformSQLServer, "[a)] = 1"); p != "" {
		t.Errorf("sqlserver refused a bracketed name: %s", p)
	}
	if p := WhereProblemFor(PlatformPostgreSQL, "[a)] = 1"); p == "" {
		t.Error("postgresql accepted an unbalanced ')' inside brackets")
	}
	if p := WhereProblemFor(PlatformRedshift, "a = $1"); p == "" {
		t.Error("redshift mode lost the PostgreSQL checks")
	}
	if p := WhereProblemFor("", "a = $1"); p == "" {
		t.Error("unknown platform must use the PostgreSQL checks")
	}
}
