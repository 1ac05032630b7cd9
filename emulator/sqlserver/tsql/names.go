package tsql

import (
	"strings"
)

// Names and token-list helpers: quoting, dotted names, parentheses, argument lists and
// keywords.

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// QuoteIdent quotes a name for DuckDB.
func QuoteIdent(s string) string { return quoteIdent(s) }

// QuoteString renders a DuckDB string literal.
func QuoteString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// matching returns the index of the parenthesis closing toks[i].
func matching(toks []Token, i int) int {
	depth := 0
	for j := i; j < len(toks); j++ {
		switch toks[j].Kind {
		case LParen:
			depth++
		case RParen:
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}

// splitArgs splits tokens at top-level commas.
func splitArgs(toks []Token) [][]Token {
	var out [][]Token
	depth, start := 0, 0
	for i, t := range toks {
		switch t.Kind {
		case LParen:
			depth++
		case RParen:
			depth--
		case Comma:
			if depth == 0 {
				out = append(out, toks[start:i])
				start = i + 1
			}
		}
	}
	return append(out, toks[start:])
}

// ReadName reads a dotted name (db..t, t.*, a.b.c) starting at i; it returns the
// parts and the next index.
func ReadName(toks []Token, i int) ([]string, int) {
	var parts []string
	expectName := true
	for i < len(toks) {
		t := toks[i]
		if expectName {
			if t.IsName() {
				parts = append(parts, t.Val)
				i++
				expectName = false
				continue
			}
			if t.Kind == Op && t.Val == "*" && len(parts) > 0 {
				parts = append(parts, "*")
				i++
				break
			}
			if t.Kind == Dot && len(parts) > 0 {
				parts = append(parts, "")
				i++
				continue
			}
			break
		}
		if t.Kind == Dot {
			i++
			expectName = true
			continue
		}
		break
	}
	return parts, i
}

// SplitName right-aligns name parts into db, schema, object.
func SplitName(parts []string) (db, schema, obj string) {
	switch len(parts) {
	case 1:
		return "", "", parts[0]
	case 2:
		return "", parts[0], parts[1]
	default:
		n := len(parts)
		return parts[n-3], parts[n-2], parts[n-1]
	}
}

func isClauseKeyword(t Token) bool {
	if t.Kind != Ident {
		return false
	}
	switch strings.ToUpper(t.Val) {
	case "WHERE", "ORDER", "GROUP", "HAVING", "JOIN", "INNER", "LEFT", "RIGHT", "FULL", "CROSS", "ON",
		"UNION", "EXCEPT", "INTERSECT", "WITH", "OPTION", "OFFSET", "FETCH", "AS", "SET", "VALUES",
		"OUTER", "FOR", "SELECT", "FROM", "AND", "OR", "NOT", "INTO":
		return true
	}
	return false
}

func isKeyword(s string) bool {
	switch strings.ToUpper(s) {
	case "SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "IN", "IS", "NULL", "LIKE", "BETWEEN", "AS",
		"ORDER", "BY", "GROUP", "HAVING", "ASC", "DESC", "DISTINCT", "ALL", "UNION", "EXCEPT", "INTERSECT",
		"JOIN", "INNER", "LEFT", "RIGHT", "FULL", "OUTER", "CROSS", "ON", "CASE", "WHEN", "THEN", "ELSE",
		"END", "INSERT", "INTO", "VALUES", "UPDATE", "SET", "DELETE", "EXISTS", "TRUE", "FALSE", "WITH",
		"DEFAULT", "ESCAPE", "ANY", "SOME", "TABLE", "TRUNCATE", "LIMIT", "OFFSET", "NULLS", "FIRST", "LAST",
		"OVER", "PARTITION", "ROWS", "RANGE", "UNBOUNDED", "PRECEDING", "FOLLOWING", "CURRENT", "ROW",
		"RECURSIVE":
		return true
	}
	return false
}
