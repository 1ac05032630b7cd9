package snowflake

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/snowmigrate/snowmigrate/migration"
)

// QuoteIdent quotes one Snowflake identifier: always double quotes, embedded quotes
// doubled. The name is used exactly (quoted identifiers are case-sensitive), so callers
// pass resolved names (see ResolveName).
func QuoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// QualifiedName quotes every non-empty part and joins them with dots.
func QualifiedName(parts ...string) string {
	q := make([]string, 0, len(parts))
	for _, p := range parts {
		if p != "" {
			q = append(q, QuoteIdent(p))
		}
	}
	return strings.Join(q, ".")
}

// TableName is the quoted three-part name of a resolved table.
func TableName(t migration.TableRef) string {
	return QualifiedName(t.Database, t.Schema, t.Table)
}

// plainIdent is an identifier Snowflake accepts unquoted and stores upper-cased.
var plainIdent = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_$]*$`)

// upperPlain is an unquoted identifier whose stored form is itself.
var upperPlain = regexp.MustCompile(`^[A-Z_][A-Z0-9_$]*$`)

// ResolveName applies Snowflake's identifier rules to a name as a user wrote it in the
// configuration: `"Name"` (double-quoted) is exact, with `""` standing for one quote;
// an unquoted name folds to upper case and must be a plain identifier (letters, digits,
// _ and $, not starting with a digit).
func ResolveName(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", fmt.Errorf("empty Snowflake identifier")
	}
	if strings.HasPrefix(s, `"`) {
		if len(s) < 3 || !strings.HasSuffix(s, `"`) {
			return "", fmt.Errorf("identifier %s: unbalanced double quotes; write it as \"Name\"", raw)
		}
		inner := s[1 : len(s)-1]
		// Inside, every quote must be doubled.
		if strings.Contains(strings.ReplaceAll(inner, `""`, ""), `"`) {
			return "", fmt.Errorf("identifier %s: a double quote inside a quoted name must be doubled (\"\")", raw)
		}
		return strings.ReplaceAll(inner, `""`, `"`), nil
	}
	if !plainIdent.MatchString(s) {
		return "", fmt.Errorf("identifier %q needs double quotes (it has characters other than letters, digits, _ and $, or starts with a digit); write it as \"%s\"", raw, s)
	}
	return strings.ToUpper(s), nil
}

// DisplayName renders a resolved name the way a user would type it in Snowflake:
// unquoted when that reads back as the same name, quoted otherwise. Stage references
// returned to other components use it, so the common case stays readable
// (SNOWCONVERT_AI.DATA_MIGRATION.MIGRATION_STAGE). Empty parts are left out.
func DisplayName(parts ...string) string {
	out := make([]string, 0, len(parts))
	for _, p := range parts {
		if p == "" {
			continue
		}
		if upperPlain.MatchString(p) && !isReserved(p) {
			out = append(out, p)
		} else {
			out = append(out, QuoteIdent(p))
		}
	}
	return strings.Join(out, ".")
}

// isReserved lists the Snowflake reserved words that cannot appear unquoted as names.
// Only DisplayName needs it; QuoteIdent quotes everything anyway.
func isReserved(s string) bool {
	switch s {
	case "ALL", "ALTER", "AND", "ANY", "AS", "BETWEEN", "BY", "CASE", "CAST", "CHECK", "COLUMN",
		"CONNECT", "CONNECTION", "CONSTRAINT", "CREATE", "CROSS", "CURRENT", "CURRENT_DATE",
		"CURRENT_TIME", "CURRENT_TIMESTAMP", "CURRENT_USER", "DATABASE", "DELETE", "DISTINCT",
		"DROP", "ELSE", "EXISTS", "FALSE", "FOLLOWING", "FOR", "FROM", "FULL", "GRANT", "GROUP",
		"GSCLUSTER", "HAVING", "ILIKE", "IN", "INCREMENT", "INNER", "INSERT", "INTERSECT", "INTO",
		"IS", "ISSUE", "JOIN", "LATERAL", "LEFT", "LIKE", "LOCALTIME", "LOCALTIMESTAMP", "MINUS",
		"NATURAL", "NOT", "NULL", "OF", "ON", "OR", "ORDER", "ORGANIZATION", "QUALIFY", "REGEXP",
		"REVOKE", "RIGHT", "RLIKE", "ROW", "ROWS", "SAMPLE", "SCHEMA", "SELECT", "SET", "SOME",
		"START", "TABLE", "TABLESAMPLE", "THEN", "TO", "TRIGGER", "TRUE", "TRY_CAST", "UNION",
		"UNIQUE", "UPDATE", "USING", "VALUES", "VIEW", "WHEN", "WHENEVER", "WHERE", "WITH":
		return true
	}
	return false
}
