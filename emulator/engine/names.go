package engine

import (
	"strings"
	"unicode"
)

// ObjectName is a fully resolved Snowflake object name: exact names after case rules
// (unquoted identifiers upper-cased, quoted ones kept as written).
type ObjectName struct{ Database, Schema, Name string }

// String renders the name the way Snowflake prints it in messages: DB.SCHEMA.NAME,
// quoting parts that are not plain upper-case identifiers.
func (n ObjectName) String() string {
	return sfIdent(n.Database) + "." + sfIdent(n.Schema) + "." + sfIdent(n.Name)
}

// DuckSchema is the DuckDB schema that holds the objects of Database.Schema.
func (n ObjectName) DuckSchema() string { return duckSchemaName(n.Database, n.Schema) }

// DuckRef is the fully quoted DuckDB reference "DB.SCH"."NAME".
func (n ObjectName) DuckRef() string { return qid(n.DuckSchema()) + "." + qid(enc(n.Name)) }

// The DuckDB layout: one DuckDB file; Snowflake database D, schema S is the DuckDB
// schema enc(D)+"."+enc(S); tables, views and columns are named enc(name).
//
// DuckDB compares even quoted identifiers case-insensitively, so "MyT" and "MYT"
// would collide. enc makes the mapping injective under case folding: lower-case
// letters are written as '~'+letter, '~' as "~~" and '.' as "~,"; everything else
// (upper case, digits, '_', '$', spaces…) as is. Unquoted (upper-case) Snowflake names
// therefore appear unchanged in DuckDB, which keeps generated SQL readable.
func enc(name string) string {
	if !needsEnc(name) {
		return name
	}
	var b strings.Builder
	for _, r := range name {
		switch {
		case r == '~':
			b.WriteString("~~")
		case r == '.':
			b.WriteString("~,")
		case unicode.IsLower(r):
			b.WriteByte('~')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func needsEnc(name string) bool {
	for _, r := range name {
		if r == '~' || r == '.' || unicode.IsLower(r) {
			return true
		}
	}
	return false
}

// dec inverts enc.
func dec(s string) string {
	if !strings.ContainsRune(s, '~') {
		return s
	}
	var b strings.Builder
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		if rs[i] == '~' && i+1 < len(rs) {
			i++
			switch rs[i] {
			case '~':
				b.WriteRune('~')
			case ',':
				b.WriteRune('.')
			default:
				b.WriteRune(rs[i])
			}
			continue
		}
		b.WriteRune(rs[i])
	}
	return b.String()
}

func duckSchemaName(db, schema string) string { return enc(db) + "." + enc(schema) }

// splitDuckSchema splits a DuckDB schema name built by duckSchemaName.
func splitDuckSchema(s string) (db, schema string, ok bool) {
	// enc never produces a bare '.', so the first '.' not preceded by an escape is it.
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		if rs[i] == '~' {
			i++
			continue
		}
		if rs[i] == '.' {
			return dec(string(rs[:i])), dec(string(rs[i+1:])), true
		}
	}
	return "", "", false
}

// qid quotes a DuckDB identifier.
func qid(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// qcol is the quoted DuckDB identifier for a Snowflake column/alias name.
func qcol(name string) string { return qid(enc(name)) }

// qstr quotes a DuckDB string literal.
func qstr(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// sfIdent renders a Snowflake identifier, quoting it unless it is a plain upper-case one.
func sfIdent(s string) string {
	if isPlainIdent(s) {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

func isPlainIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if r == '_' || (r >= 'A' && r <= 'Z') || (i > 0 && (r == '$' || (r >= '0' && r <= '9'))) {
			continue
		}
		return false
	}
	return true
}

// identVal is the exact Snowflake name of an identifier token.
func identVal(t Token) string {
	if t.Kind == TkQuoted {
		return t.Val
	}
	return t.Val // TkWord Val is already upper-cased
}

func isIdentTok(t Token) bool { return t.Kind == TkQuoted || (t.Kind == TkWord && !isReserved(t.Val)) }

// parseNameParts reads a dotted identifier chain (a, a.b, a.b.c, a..c) starting at
// toks[i]. It returns the parts (empty string for an omitted middle part) and the
// index after the chain.
func parseNameParts(toks []Token, i int) ([]string, int, error) {
	var parts []string
	for {
		t := toks[i]
		if t.Kind == TkQuoted || t.Kind == TkWord {
			if t.Kind == TkWord && isReserved(t.Val) {
				return nil, i, Errorf(ErrSyntax, "42000", "SQL compilation error: syntax error: unexpected '%s' where a name was expected", t.Text)
			}
			parts = append(parts, identVal(t))
			i++
		} else if t.IsOp(".") && len(parts) > 0 {
			parts = append(parts, "")
		} else {
			return nil, i, Errorf(ErrSyntax, "42000", "SQL compilation error: syntax error: expected an object name but got '%s'", tokText(t))
		}
		if toks[i].IsOp(".") && len(parts) < 3 {
			i++
			if toks[i].IsOp(".") { // a..b : omitted schema
				parts = append(parts, "")
				i++
			}
			continue
		}
		break
	}
	if len(parts) > 3 {
		return nil, i, Errorf(ErrSyntax, "42000", "SQL compilation error: invalid object name with %d parts", len(parts))
	}
	return parts, i, nil
}

func tokText(t Token) string {
	if t.Kind == TkEOF {
		return "end of statement"
	}
	return t.Text
}

// resolveName parses a 1-, 2- or 3-part, possibly quoted identifier (db.sch."MyT"),
// applies Snowflake case rules and fills in the session's current database/schema.
// An omitted middle part (db..t) means PUBLIC.
func (s *Session) resolveName(raw string) (ObjectName, error) {
	toks, err := lex(raw)
	if err != nil {
		return ObjectName{}, err
	}
	toks = padEOF(toks)
	parts, i, err := parseNameParts(toks, 0)
	if err != nil {
		return ObjectName{}, err
	}
	if toks[i].Kind != TkEOF {
		return ObjectName{}, Errorf(ErrSyntax, "42000", "SQL compilation error: invalid object name '%s'", raw)
	}
	return s.resolveParts(parts)
}

// resolveParts fills a parsed name chain with the current database/schema.
func (s *Session) resolveParts(parts []string) (ObjectName, error) {
	var n ObjectName
	switch len(parts) {
	case 1:
		n = ObjectName{s.db, s.schema, parts[0]}
	case 2:
		n = ObjectName{s.db, parts[0], parts[1]}
	case 3:
		n = ObjectName{parts[0], parts[1], parts[2]}
	default:
		return n, Errorf(ErrSyntax, "42000", "SQL compilation error: invalid object name")
	}
	if n.Schema == "" && len(parts) == 3 {
		n.Schema = "PUBLIC"
	}
	if n.Database == "" {
		return n, Errorf(90105, "22000", "Cannot perform operation. This session does not have a current database. Call 'USE DATABASE', or use a qualified name.")
	}
	if n.Schema == "" {
		return n, Errorf(90106, "22000", "Cannot perform operation. This session does not have a current schema. Call 'USE SCHEMA', or use a qualified name.")
	}
	return n, nil
}

// normIdent applies Snowflake case rules to an identifier given as text by the client
// (login database/schema): "quoted" keeps case, otherwise upper-case.
func normIdent(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		return strings.ReplaceAll(s[1:len(s)-1], `""`, `"`)
	}
	return strings.ToUpper(s)
}
