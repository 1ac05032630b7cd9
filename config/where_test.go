package config

import (
	"strings"
	"testing"
)

// whereAccepted are predicates users write; none may be refused.
var whereAccepted = []string{
	"", "is_deleted = 0", "name = 'a;b' AND note <> 'it''s -- fine'", `"We;ird" > 3`,
	"(a = 1 OR b = 2) AND c IN (1, 2)", "price - 1 > 0", "x / 2 > 1", "amount::numeric > 0",
	`name = E'O\'Neil'`, `name = e'a\\b'`, `path = E'C:\\dir\\'`, "flag = B'101'", "mask = X'1F'",
	"n = N'text'", `u = U&'d\0061t\+000061'`, `U&"d\0061t" = 1`, "x = 'a'\n'b'", "x = E'a'\n  '\\''",
	"x = E'a'\n'\\') OR (true OR k = '", /* one string: continuation keeps E-mode */
	"created_at >= '2024-01-01' AND k <> ')'", "note = '(' OR note = ')'", "price > 1.5e3", "a = .5",
	"ee'x' = 1" /* an identifier, then a string */, "name = 'ünïcödé' AND \"Größe\" > 1", `a$b = 1`,
}

// whereRefused must be refused, each for the reason named.
var whereRefused = map[string]string{
	"1=1) OR (true":                    "unbalanced ')'",
	"x = 1; DROP TABLE t":              "';'",
	"x = 1 -- and":                     "comment",
	"x = 1 /* c */":                    "comment",
	"a = 'open":                        "unclosed '",
	"(a = 1":                           "unclosed '('",
	"a = $$x;$$":                       "'$'",
	"a = $t$x$t$":                      "'$'",
	"a = $1":                           "'$'",
	`k = E'\'') OR (true OR k = E'\''`: "unbalanced ')'", // the example
	`k = '\'') OR (true OR k = '\''`:   "unbalanced ')'", // the same, hidden in standard strings when backslash escapes
	`k = 'a\') OR (true OR k = ''`:     "unbalanced ')'",
	"k = B'1'') OR (true OR k = B''":   "unclosed '",     // B'' strings have no '' escape: a new string starts
	`k = B'1\') OR (true OR k = B'1'`:  "unbalanced ')'", // nor a backslash escape
	"k = 1e'x'":                        "letters right after the number",
	"k = 0x1F":                         "letters right after the number",
	"a = 'x\x00'":                      "NUL",
	"a = \"id":                         `unclosed " quote`,
	"a = U&'x'') OR (true":             "unclosed '",
	"a = \xff":                         "UTF-8",
	"x = 1 --":                         "comment",
	"x = '\n' --'":                     "comment",
}

func TestWhereProblemAccepts(t *testing.T) {
	for _, w := range whereAccepted {
		if p := WhereProblem(w); p != "" {
			t.Errorf("%q refused: %s", w, p)
		}
	}
}

func TestWhereProblemRefuses(t *testing.T) {
	for w, want := range whereRefused {
		p := WhereProblem(w)
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
	// A lone backslash before the closing quote is a complete string under standard
	// strings and an unclosed one where backslash escapes: refused, naming the setting.
	if p := WhereProblem(`x = '\'`); !strings.Contains(p, "backslashes escape") {
		t.Errorf(`x = '\' : %q`, p)
	}
}
