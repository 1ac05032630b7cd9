package redshift

import (
	"testing"

	"github.com/snowmigrate/snowmigrate/config"
)

// TestLiteralsKeepTheirBoundaries: Redshift's literals double quotes and backslashes.
// Whether the server reads backslash as an escape (Redshift does) or not, the literal
// ends where it should: the where-clause scanner, which is PostgreSQL's lexer under
// both settings, sees one complete string, so no value can become SQL.
func TestLiteralsKeepTheirBoundaries(t *testing.T) {
	d := NewDialect()
	for _, v := range []string{"O'Neil", `back\slash`, `ends\`, `\'`, `\\'`, "''", `x\') TO STDOUT; DROP TABLE victim; --`,
		"trailing ", "new\nline", "\x01\x1f", "ünï 日本 🦆", "$$", "/*", ";", ""} {
		lit := d.QuoteLiteral(v)
		if p := config.WhereProblem("k = " + lit + " AND (k = " + lit + ")"); p != "" {
			t.Errorf("%q → %s: %s", v, lit, p)
		}
	}
}
