package engine

// reserved are words the translator never treats as identifiers when unquoted. The
// list follows Snowflake's reserved keywords plus the clause words the translator
// needs to recognise; non-reserved words such as NAME, VALUE, TYPE, STATUS, KEY,
// DATA, COMMENT, OFFSET stay usable as column names.
var reserved = map[string]bool{}

func init() {
	for _, w := range []string{
		"ALL", "ALTER", "AND", "ANY", "AS", "ASC", "BETWEEN", "BY", "CASE", "CAST", "CHECK",
		"COLUMN", "CONNECT", "CONSTRAINT", "CREATE", "CROSS", "CURRENT", "DELETE", "DESC",
		"DISTINCT", "DROP", "ELSE", "END", "EXCEPT", "EXISTS", "FALSE", "FOLLOWING", "FOR",
		"FROM", "FULL", "GRANT", "GROUP", "HAVING", "ILIKE", "IN", "INNER", "INSERT",
		"INTERSECT", "INTERVAL", "INTO", "IS", "JOIN", "LATERAL", "LEFT", "LIKE", "LIMIT",
		"MINUS", "NATURAL", "NOT", "NULL", "NULLS", "ON", "OR", "ORDER", "OUTER", "OVER",
		"PARTITION", "PRECEDING", "QUALIFY", "RIGHT", "RLIKE", "ROWS", "SELECT", "SET",
		"SOME", "START", "TABLE", "THEN", "TO", "TRUE", "TRY_CAST", "UNBOUNDED", "UNION",
		"UPDATE", "USING", "VALUES", "WHEN", "WHERE", "WITH", "WINDOW", "WITHIN", "FETCH",
		"ESCAPE", "RECURSIVE", "MERGE", "QUALIFY",
		"ILIKE", "REGEXP", "SAMPLE", "TABLESAMPLE",
		"CURRENT_DATE", "CURRENT_TIME", "CURRENT_TIMESTAMP", "LOCALTIME", "LOCALTIMESTAMP",
		"CURRENT_USER", "CURRENT_ROLE",
	} {
		reserved[w] = true
	}
}

// isReserved reports whether the upper-case word w can't be an unquoted identifier.
func isReserved(w string) bool { return reserved[w] }

// isKeyword is used by the lexer to decide whether ":N" follows an operand.
func isKeyword(w string) bool { return reserved[w] }
