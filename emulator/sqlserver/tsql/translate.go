package tsql

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/snowmigrate/snowmigrate/emulator/sqlserver/tds"
)

// ColumnMeta is a table column as declared in T-SQL.
type ColumnMeta struct {
	Name     string
	Type     tds.Type
	Computed bool
}

// Env is what translation needs from the server: the session's database and the catalog.
type Env interface {
	CurrentDB() string
	// Columns returns a table's declared columns in order (db and schema may be empty).
	Columns(db, schema, table string) ([]ColumnMeta, bool)
	// ObjectID returns a table's object id.
	ObjectID(db, schema, name string) (int64, bool)
	// CatalogView returns a DuckDB subquery for sys.X or INFORMATION_SCHEMA.X in db.
	CatalogView(db, schema, name string) (string, bool)
	// Global returns the value of @@NAME or SERVERPROPERTY('NAME') as SQL literal text.
	Global(name string) (string, bool)
}

// BoundParam is an RPC parameter with the type sp_executesql declared for it.
type BoundParam struct {
	Type  tds.Type
	Value any
}

// Query is a translated statement.
type Query struct {
	SQL  string
	Args []any
	// Types has one entry per result column when the select list could be traced to
	// declared table columns (nil entries: use the engine's type); nil when it could not.
	Types []*tds.Type
	// Names of the result columns for Types (for checking against the engine's).
	Names []string
}

type translator struct {
	env    Env
	params map[string]BoundParam
	// target maps a parameter name to the column type it is inserted into.
	target map[string]tds.Type
	// text holds the character columns of the statement's single table (lower-case
	// name → type), so that comparisons and ORDER BY on them ignore trailing spaces as
	// SQL Server's padded comparisons do.
	text  map[string]tds.Type
	cols  map[string]tds.Type // every column of that table
	alias string
	// assign holds the source positions of UPDATE … SET assignment operators, whose
	// sides are values to store, not comparisons
	assign map[int]bool
	// wrapOpen/wrapClose put a canonicalising macro around expressions stored into
	// date/time columns: opened before the token at a source position, closed before
	// the token at another (or at the end of the statement: closeAtEnd)
	wrapOpen   map[int]string
	wrapClose  map[int]int
	closeAtEnd int
	// divGuard makes every divisor raise 8134 when it is zero (ss_nz); not in
	// expressions stored in the engine's catalog (computed columns, defaults), which
	// may not refer to the per-connection macros
	divGuard bool
	// instant holds the source positions of literals and parameters compared with a
	// datetimeoffset column: compared by their UTC instant as the column is
	instant map[int]bool
	// multi holds the character columns of each table of a SELECT over several tables
	// (lower-case alias → column → type); multiBare those whose bare name is unambiguous
	multi     map[string]map[string]tds.Type
	multiBare map[string]tds.Type
	// groupKey: source positions of GROUP BY items that are character columns (grouped
	// without trailing spaces); anyValue: positions of select-list references to those
	// columns outside aggregates, which take one value of the group
	groupKey map[int]bool
	anyValue map[int]bool
	// distinctOn is the DISTINCT ON key list replacing a top-level DISTINCT
	distinctOn  string
	distinctPos int
}

// Translate turns one DML/query statement into DuckDB SQL.
func Translate(env Env, toks []Token, params map[string]BoundParam) (*Query, error) {
	tr := &translator{env: env, params: params, target: map[string]tds.Type{}, wrapOpen: map[int]string{}, wrapClose: map[int]int{}, divGuard: true}
	toks, err := tr.prepareDML(toks)
	if err != nil {
		return nil, err
	}
	tr.scope(toks)
	tr.grouping(toks)
	if err := tr.compareTargets(toks); err != nil {
		return nil, err
	}
	s, err := tr.tokens(toks)
	if err != nil {
		return nil, err
	}
	s += strings.Repeat(")", tr.closeAtEnd)
	q := &Query{SQL: s}
	if toks[0].Is("SELECT") {
		q.Types, q.Names = selectTypes(env, toks)
	}
	return q, nil
}

// TranslateExpr translates an expression (defaults, computed columns).
func TranslateExpr(env Env, toks []Token) (string, error) {
	tr := &translator{env: env, params: map[string]BoundParam{}, target: map[string]tds.Type{}}
	return tr.tokens(toks)
}

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

var comparisonOps = map[string]bool{"=": true, "<": true, ">": true, "<=": true, ">=": true, "<>": true, "!=": true, "!<": true, "!>": true}

var tableHints = map[string]bool{"NOLOCK": true, "READUNCOMMITTED": true, "UPDLOCK": true, "HOLDLOCK": true,
	"ROWLOCK": true, "TABLOCK": true, "TABLOCKX": true, "READPAST": true, "INDEX": true, "NOWAIT": true,
	"SERIALIZABLE": true, "READCOMMITTED": true, "REPEATABLEREAD": true, "SNAPSHOT": true, "PAGLOCK": true,
	"XLOCK": true, "FORCESEEK": true, "READCOMMITTEDLOCK": true}

func (tr *translator) param(name string) (string, error) {
	key := strings.ToLower(name)
	p, ok := tr.params[key]
	if !ok {
		return "", Errf(137, 2, 15, "Must declare the scalar variable \"%s\".", name)
	}
	// Values are inlined as literals rather than bound: go-duckdb binds thousands of
	// parameters (a multi-row INSERT) in quadratic time, and every value is typed here.
	v, err := bindValue(p, tr.target[key])
	if err != nil {
		return "", err
	}
	ph := sqlLiteral(v)
	switch p.Type.Kind {
	case tds.UniqueIdentifier:
		return "CAST(" + ph + " AS UUID)", nil
	case tds.Decimal, tds.Numeric, tds.Money, tds.SmallMoney:
		return fmt.Sprintf("CAST(%s AS DECIMAL(%d,%d))", ph, max(p.Type.Prec, 1), p.Type.Scale), nil
	case tds.Bit:
		return "CAST(" + ph + " AS BOOLEAN)", nil
	case tds.TinyInt, tds.SmallInt, tds.Int:
		return "CAST(" + ph + " AS INTEGER)", nil
	case tds.BigInt:
		return "CAST(" + ph + " AS BIGINT)", nil
	case tds.Binary, tds.VarBinary, tds.Image:
		return "CAST(" + ph + " AS BLOB)", nil
	case tds.Real, tds.Float:
		return "CAST(" + ph + " AS DOUBLE)", nil
	}
	return "CAST(" + ph + " AS VARCHAR)", nil
}

// tokens translates a token run.
func (tr *translator) tokens(toks []Token) (string, error) {
	var b strings.Builder
	sp := func() {
		if n := b.Len(); n > 0 {
			if last := b.String()[n-1]; last != '(' && last != '.' {
				b.WriteByte(' ')
			}
		}
	}
	// pendingLimit holds TOP n of the current SELECT (depth-indexed) to append as LIMIT.
	// tops holds the TOP n of the SELECT at each parenthesis depth, appended as LIMIT
	// where that query ends (its closing parenthesis or the end of the statement)
	tops := map[int]string{}
	depth := 0
	orderDepth := -1 // depth of the ORDER BY being translated, -1 outside one
	// at holds the output offset where each visited token's translation starts (-1: not
	// visited), so that a division can rewrite its left operand
	at := make([]int, len(toks))
	for k := range at {
		at[k] = -1
	}
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.Pos > 0 {
			if n := tr.wrapClose[t.Pos]; n > 0 {
				b.WriteString(strings.Repeat(")", n))
				delete(tr.wrapClose, t.Pos)
			}
			if m := tr.wrapOpen[t.Pos]; m != "" {
				sp()
				b.WriteString(m + "(")
				delete(tr.wrapOpen, t.Pos)
			}
		}
		at[i] = b.Len()
		switch t.Kind {
		case String:
			sp()
			if tr.instant[t.Pos] {
				b.WriteString("ss_dtokey(" + QuoteString(t.Val) + ")")
			} else if (tr.text != nil || tr.multi != nil) && tr.padded(toks, i, i+1) {
				b.WriteString(QuoteString(strings.TrimRight(t.Val, " ")))
			} else {
				b.WriteString(QuoteString(t.Val))
			}
		case Binary:
			sp()
			if len(t.Val)%2 != 0 {
				t.Val = "0" + t.Val
			}
			b.WriteString("'")
			for j := 0; j < len(t.Val); j += 2 {
				b.WriteString(`\x` + t.Val[j:j+2])
			}
			b.WriteString("'::BLOB")
		case Number:
			sp()
			b.WriteString(numberLiteral(t.Val))
		case Var:
			ph, err := tr.param(t.Val)
			if err != nil {
				return "", err
			}
			sp()
			if p := tr.params[strings.ToLower(t.Val)]; tr.instant[t.Pos] {
				ph = "ss_dtokey(" + ph + ")"
			} else if (tr.text != nil || tr.multi != nil) && p.Type.IsChar() && tr.padded(toks, i, i+1) {
				ph = "rtrim(" + ph + ")"
			}
			b.WriteString(ph)
		case SysVar:
			v, ok := tr.env.Global(strings.ToUpper(t.Val))
			if !ok {
				return "", Unsupported(t.Val)
			}
			sp()
			b.WriteString(v)
		case Comma:
			b.WriteString(",")
		case Dot:
			b.WriteString(".")
		case Raw:
			sp()
			b.WriteString(t.Val)
		case Semi:
		case LParen:
			// row-value comparison: (a, b) > (1, 2)
			if j := matching(toks, i); j > 0 {
				inner := toks[i+1 : j]
				if len(splitArgs(inner)) > 1 && !(i > 0 && (toks[i-1].IsName() || toks[i-1].Is("IN") || toks[i-1].Is("VALUES"))) {
					before := i > 0 && toks[i-1].Kind == Op && comparisonOps[toks[i-1].Val]
					after := j+1 < len(toks) && toks[j+1].Kind == Op && comparisonOps[toks[j+1].Val]
					if before || after {
						return "", Errf(4145, 1, 15, "An expression of non-boolean type specified in a context where a condition is expected, near ','. (T-SQL has no row-value comparisons; expand them)")
					}
				}
			}
			depth++
			sp()
			b.WriteString("(")
		case RParen:
			if n := tops[depth]; n != "" {
				b.WriteString(" LIMIT " + n)
				delete(tops, depth)
			}
			depth--
			if depth < orderDepth {
				orderDepth = -1
			}
			b.WriteString(")")
		case Op:
			sp()
			switch t.Val {
			case "!<":
				b.WriteString(">=")
			case "!>":
				b.WriteString("<=")
			case "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=":
				return "", Unsupported("compound assignment " + t.Val)
			case "/", "%":
				if t.Val == "/" && tr.divGuard {
					next, err := tr.decimalDivision(&b, toks, i, at)
					if err != nil {
						return "", err
					}
					if next > 0 {
						i = next - 1
						continue
					}
				}
				// T-SQL divides integers as integers; DuckDB's / is always fractional
				switch {
				case t.Val == "%":
					b.WriteString("%")
				case tr.integral(toks, i-1, -1) && tr.integral(toks, i+1, 1):
					b.WriteString("//")
				default:
					b.WriteString("/")
				}
				// a zero divisor is error 8134 in SQL Server, NULL or infinity in DuckDB
				if end := operandEnd(toks, i+1); tr.divGuard && end > i+1 && !nonZeroNumber(toks[i+1:end]) {
					inner, err := tr.tokens(toks[i+1 : end])
					if err != nil {
						return "", err
					}
					b.WriteString(" ss_nz(" + inner + ")")
					i = end - 1
				}
			case "+":
				// T-SQL concatenates strings with +; DuckDB with ||
				if tr.stringy(toks, i-1, -1) || tr.stringy(toks, i+1, 1) {
					b.WriteString("||")
				} else {
					b.WriteString("+")
				}
			default:
				b.WriteString(t.Val)
			}
		case QIdent, Ident:
			if t.Kind == Ident {
				kw := strings.ToUpper(t.Val)
				if strings.HasPrefix(t.Val, "#") {
					return "", Unsupported("temporary table " + t.Val)
				}
				handled, next, err := tr.keyword(&b, toks, i, kw, tops, depth)
				if err != nil {
					return "", err
				}
				if handled {
					if next <= i {
						// every handler consumes its keyword: never loop in place
						return "", SyntaxNear(t.Val)
					}
					i = next - 1
					continue
				}
			}
			// names (possibly multi-part, possibly catalog views)
			parts, next := ReadName(toks, i)
			if len(parts) == 0 {
				parts, next = []string{t.Val}, i+1
			}
			if m := len(parts); m >= 2 && next+1 < len(toks) && toks[next].Kind == LParen && toks[next+1].Kind == RParen &&
				(strings.EqualFold(parts[m-1], "ToString") || strings.EqualFold(parts[m-1], "STAsText")) {
				// hierarchyid/geometry/geography are stored as their text form already
				parts, next = parts[:m-1], next+2
			}
			if next < len(toks) && toks[next].Kind == LParen && len(parts) == 1 && t.Kind == Ident &&
				(!isKeyword(t.Val) || t.Is("LEFT") || t.Is("RIGHT")) && !(i > 0 && (toks[i-1].Is("INTO") || toks[i-1].Is("INSERT"))) {
				// function call
				s, end, err := tr.function(toks, i)
				if err != nil {
					return "", err
				}
				if end <= i {
					return "", SyntaxNear(t.Val)
				}
				sp()
				b.WriteString(s)
				i = end
				continue
			}
			sp()
			if len(parts) >= 2 {
				db, schema, obj := SplitName(parts)
				if len(parts) == 2 {
					db = ""
				}
				if sub, ok := tr.catalog(db, schema, obj); ok {
					b.WriteString(sub)
					// alias the subquery with the view's name unless an alias follows
					if next >= len(toks) || !(toks[next].IsName() && !isClauseKeyword(toks[next])) {
						b.WriteString(" AS " + quoteIdent(obj))
					}
					i = next - 1
					continue
				}
				if len(parts) >= 3 && schema == "" {
					parts[len(parts)-2] = "dbo"
				}
			}
			if tr.distinctOn != "" && t.Pos == tr.distinctPos {
				b.WriteString(tr.distinctOn)
				continue
			}
			if t.Is("ORDER") && next < len(toks) && toks[next].Is("BY") {
				orderDepth = depth
			} else if t.Is("OFFSET") || t.Is("UNION") || t.Is("FOR") || t.Is("OPTION") {
				orderDepth = -1
			}
			var nb strings.Builder
			for k, p := range parts {
				if k > 0 {
					nb.WriteString(".")
				}
				if p == "*" {
					nb.WriteString("*")
					continue
				}
				if len(parts) == 1 && t.Kind == Ident && isKeyword(p) {
					nb.WriteString(p)
					continue
				}
				nb.WriteString(quoteIdent(p))
			}
			name := nb.String()
			if ct, ok := tr.textColumn(parts); ok {
				explicit := next+1 < len(toks) && toks[next].Is("COLLATE")
				switch {
				case explicit && (tr.padded(toks, i, next+2) || (orderDepth >= 0 && orderDepth == depth)):
					// the explicit COLLATE that follows decides case; padding still applies
					name = "rtrim(" + name + ")"
				case !explicit && (tr.padded(toks, i, next) || (orderDepth >= 0 && orderDepth == depth)):
					name = rtrimmed(name, ct)
				}
			}
			if tr.groupKey[t.Pos] {
				if ct, ok := tr.textColumn(parts); ok {
					name = rtrimmed(name, ct)
				}
			} else if tr.anyValue[t.Pos] {
				name = "any_value(" + name + ")"
			}
			if tr.dtoColumn(toks[i:next]) && (tr.comparedByInstant(toks, i, next) || (orderDepth >= 0 && orderDepth == depth)) {
				// datetimeoffset compares and orders by its UTC instant
				name = "ss_dtokey(" + name + ")"
			}
			b.WriteString(name)
			i = next - 1
		}
	}
	if n := tops[0]; n != "" {
		b.WriteString(" LIMIT " + n)
	}
	return b.String(), nil
}

func (tr *translator) catalog(db, schema, obj string) (string, bool) {
	s := strings.ToLower(schema)
	if s != "sys" && s != "information_schema" {
		return "", false
	}
	if db == "" {
		db = tr.env.CurrentDB()
	}
	return tr.env.CatalogView(db, s, strings.ToLower(obj))
}

// keyword handles keywords that need rewriting; it returns whether it consumed tokens
// up to next.
func (tr *translator) keyword(b *strings.Builder, toks []Token, i int, kw string, tops map[int]string, depth int) (bool, int, error) {
	sp := func() {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
	}
	next := func(j int) Token {
		if j < len(toks) {
			return toks[j]
		}
		return Token{Kind: EOF}
	}
	switch kw {
	case "TOP":
		j := i + 1
		var n string
		if next(j).Kind == LParen {
			end := matching(toks, j)
			if end < 0 {
				return false, 0, SyntaxNear("(")
			}
			inner, err := tr.tokens(toks[j+1 : end])
			if err != nil {
				return false, 0, err
			}
			n, j = "("+inner+")", end+1
		} else if next(j).Kind == Number || next(j).Kind == Var {
			inner, err := tr.tokens(toks[j : j+1])
			if err != nil {
				return false, 0, err
			}
			n, j = inner, j+1
		} else {
			return false, 0, SyntaxNear("TOP")
		}
		if next(j).Is("PERCENT") || (next(j).Is("WITH") && next(j+1).Is("TIES")) {
			return false, 0, Unsupported("TOP ... PERCENT/WITH TIES")
		}
		tops[depth] = n
		return true, j, nil
	case "OFFSET":
		// OFFSET n ROWS [FETCH {FIRST|NEXT} m {ROW|ROWS} ONLY]
		j := i + 1
		end := j
		for end < len(toks) && !toks[end].Is("ROWS") && !toks[end].Is("ROW") {
			end++
		}
		if end >= len(toks) {
			return false, 0, SyntaxNear("OFFSET")
		}
		off, err := tr.tokens(toks[j:end])
		if err != nil {
			return false, 0, err
		}
		j = end + 1
		lim := ""
		if next(j).Is("FETCH") {
			k := j + 2
			e := k
			for e < len(toks) && !toks[e].Is("ROWS") && !toks[e].Is("ROW") {
				e++
			}
			if e >= len(toks) || !next(e+1).Is("ONLY") {
				return false, 0, SyntaxNear("FETCH")
			}
			if lim, err = tr.tokens(toks[k:e]); err != nil {
				return false, 0, err
			}
			j = e + 2
		}
		sp()
		if lim != "" {
			b.WriteString("LIMIT " + lim + " ")
		}
		b.WriteString("OFFSET " + off)
		return true, j, nil
	case "WITH":
		if next(i+1).Kind == LParen && tableHints[strings.ToUpper(next(i+2).Val)] {
			return true, matching(toks, i+1) + 1, nil
		}
		if next(i+1).IsName() && (next(i+2).Is("AS") || next(i+2).Kind == LParen) {
			// T-SQL CTEs may refer to themselves without a RECURSIVE keyword
			sp()
			b.WriteString("WITH RECURSIVE")
			return true, i + 1, nil
		}
	case "NOLOCK":
	case "OPTION":
		if next(i+1).Kind == LParen {
			return true, matching(toks, i+1) + 1, nil
		}
	case "LIKE":
		sp()
		b.WriteString("ILIKE")
		// T-SQL brackets: [_] [%] [[] escape one character; classes such as [a-c] have
		// no LIKE equivalent in the engine and are refused
		if p := next(i + 1); p.Kind == String && strings.Contains(p.Val, "[") && !next(i+2).Is("ESCAPE") {
			pat, ok := likeEscapes(p.Val)
			if !ok {
				return false, 0, Unsupported("LIKE character classes ([...])")
			}
			b.WriteString(" " + QuoteString(pat) + ` ESCAPE '\'`)
			return true, i + 2, nil
		}
		return true, i + 1, nil
	case "COLLATE":
		name := strings.ToUpper(next(i + 1).Val)
		sp()
		if strings.Contains(name, "_CI") {
			b.WriteString("COLLATE NOCASE")
		} else {
			b.WriteString(`COLLATE "C"`)
		}
		return true, i + 2, nil
	case "GO", "PIVOT", "UNPIVOT", "MERGE", "OUTPUT", "CROSS":
		if kw == "CROSS" && !next(i+1).Is("APPLY") {
			return false, 0, nil
		}
		return false, 0, Unsupported(kw)
	case "INTO":
		if depth == 0 && len(toks) > 0 && toks[0].Is("SELECT") {
			return false, 0, Unsupported("SELECT ... INTO")
		}
	}
	return false, 0, nil
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

// scope finds the statement's single table (SELECT … FROM t, UPDATE t, DELETE [FROM] t)
// and records its character columns.
func (tr *translator) scope(toks []Token) {
	var parts []string
	next := 0
	switch {
	case toks[0].Is("SELECT"):
		depth := 0
		for j := 1; j < len(toks); j++ {
			if toks[j].Kind == LParen {
				depth++
			} else if toks[j].Kind == RParen {
				depth--
			} else if depth == 0 && toks[j].Is("FROM") {
				parts, next = ReadName(toks, j+1)
				break
			}
		}
	case toks[0].Is("UPDATE"):
		parts, next = ReadName(toks, 1)
		tr.markAssignments(toks, next)
	case toks[0].Is("DELETE"):
		j := 1
		if j < len(toks) && toks[j].Is("FROM") {
			j++
		}
		parts, next = ReadName(toks, j)
	}
	if len(parts) == 0 {
		return
	}
	if next < len(toks) && toks[next].Is("AS") {
		next++
	}
	alias := ""
	if next < len(toks) && toks[next].IsName() && !isClauseKeyword(toks[next]) {
		alias = toks[next].Val
		next++
	}
	for j, depth := next, 0; j < len(toks); j++ {
		if toks[j].Kind == LParen {
			depth++
		} else if toks[j].Kind == RParen {
			depth--
		} else if depth == 0 && (toks[j].Is("JOIN") || toks[j].Kind == Comma && toks[0].Is("SELECT")) {
			// several tables: trailing spaces are ignored in comparisons of their
			// character columns (padded.go)
			if toks[0].Is("SELECT") {
				tr.joinScope(toks)
			}
			return
		} else if depth == 0 && (toks[j].Is("WHERE") || toks[j].Is("ORDER") || toks[j].Is("GROUP") || toks[j].Is("SET")) {
			break
		}
	}
	db, schema, obj := SplitName(parts)
	if strings.EqualFold(schema, "sys") || strings.EqualFold(schema, "information_schema") {
		return
	}
	cols, ok := tr.env.Columns(db, schema, obj)
	if !ok {
		return
	}
	tr.text = map[string]tds.Type{}
	tr.cols = map[string]tds.Type{}
	for _, c := range cols {
		tr.cols[strings.ToLower(c.Name)] = c.Type
		switch c.Type.Kind {
		case tds.Char, tds.VarChar, tds.NChar, tds.NVarChar, tds.SysName:
			tr.text[strings.ToLower(c.Name)] = c.Type
		}
	}
	tr.alias = alias
	if alias == "" {
		tr.alias = obj
	}
}

// padded reports whether tokens around position i make it an operand of a comparison.
func (tr *translator) padded(toks []Token, i, next int) bool {
	if i > 0 {
		p := toks[i-1]
		if (p.Kind == Op && comparisonOps[p.Val] && !tr.assign[p.Pos]) || p.Is("BETWEEN") {
			return true
		}
	}
	if next < len(toks) {
		n := toks[next]
		if (n.Kind == Op && comparisonOps[n.Val] && !tr.assign[n.Pos]) || n.Is("BETWEEN") {
			return true
		}
	}
	return false
}

// textColumn returns the type of a character column named by parts, if it is one.
func (tr *translator) textColumn(parts []string) (tds.Type, bool) {
	if tr.text == nil && tr.multi != nil && len(parts) == 2 {
		t, ok := tr.multi[strings.ToLower(parts[0])][strings.ToLower(parts[1])]
		return t, ok
	}
	if tr.text == nil && tr.multi != nil && len(parts) == 1 {
		t, ok := tr.multiBare[strings.ToLower(parts[0])]
		return t, ok
	}
	if tr.text == nil || len(parts) == 0 || len(parts) > 2 {
		return tds.Type{}, false
	}
	if len(parts) == 2 && !strings.EqualFold(parts[0], tr.alias) {
		return tds.Type{}, false
	}
	t, ok := tr.text[strings.ToLower(parts[len(parts)-1])]
	return t, ok
}

// dtoColumn reports whether toks is exactly a reference to a datetimeoffset column of the
// statement's single table.
func (tr *translator) dtoColumn(toks []Token) bool {
	if tr.cols == nil || len(toks) == 0 {
		return false
	}
	parts, next := ReadName(toks, 0)
	if next != len(toks) || len(parts) == 0 || len(parts) > 2 || (len(parts) == 2 && !strings.EqualFold(parts[0], tr.alias)) {
		return false
	}
	ct, ok := tr.cols[strings.ToLower(parts[len(parts)-1])]
	return ok && ct.Kind == tds.DateTimeOffset
}

// comparedByInstant reports whether the datetimeoffset column at toks[i:next] is compared
// (=, <, …, BETWEEN) with literals, parameters or datetimeoffset columns, which are all
// compared by instant; other comparisons keep comparing the stored text.
func (tr *translator) comparedByInstant(toks []Token, i, next int) bool {
	byInstant := func(a []Token) bool {
		return len(a) == 1 && tr.instant[a[0].Pos] || tr.dtoColumn(a)
	}
	if i >= 2 && toks[i-1].Kind == Op && comparisonOps[toks[i-1].Val] && !tr.assign[toks[i-1].Pos] {
		if s := operandStart(toks, i-2); s >= 0 && byInstant(toks[s:i-1]) {
			return true
		}
	}
	if next+1 < len(toks) && toks[next].Kind == Op && comparisonOps[toks[next].Val] && !tr.assign[toks[next].Pos] {
		if e := operandEnd(toks, next+1); e > next+1 && byInstant(toks[next+1:e]) {
			return true
		}
	}
	if next+3 < len(toks) && toks[next].Is("BETWEEN") && toks[next+2].Is("AND") {
		return byInstant(toks[next+1:next+2]) && byInstant(toks[next+3:next+4])
	}
	return false
}

func rtrimmed(expr string, t tds.Type) string {
	if strings.Contains(strings.ToUpper(t.Collation), "_CI") {
		return "(rtrim(" + expr + ") COLLATE NOCASE)"
	}
	return "rtrim(" + expr + ")"
}

// numberLiteral keeps long exact literals exact: DuckDB reads more than 18 digits as a
// double, SQL Server as numeric(p, s) up to 38 digits.
func numberLiteral(v string) string {
	if strings.ContainsAny(v, "eE") {
		return v
	}
	ip, fp, _ := strings.Cut(v, ".")
	ip = strings.TrimLeft(ip, "0")
	digits := len(ip) + len(fp)
	if digits <= 18 {
		return v
	}
	if digits > 38 {
		return v
	}
	p := max(digits, 1)
	return fmt.Sprintf("CAST('%s' AS DECIMAL(%d,%d))", v, p, len(fp))
}

// sqlLiteral renders a bound value as a DuckDB literal that means the same under every
// setting: strings only escape quotes (DuckDB has no backslash escapes in '…').
func sqlLiteral(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case bool:
		if x {
			return "TRUE"
		}
		return "FALSE"
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return "CAST(" + QuoteString(strconv.FormatFloat(x, 'g', -1, 64)) + " AS DOUBLE)"
		}
		return "CAST(" + strconv.FormatFloat(x, 'g', -1, 64) + " AS DOUBLE)"
	case string:
		return QuoteString(x)
	case []byte:
		var b strings.Builder
		b.Grow(len(x)*4 + 10)
		b.WriteString("'")
		const hexd = "0123456789ABCDEF"
		for _, c := range x {
			b.WriteString(`\x`)
			b.WriteByte(hexd[c>>4])
			b.WriteByte(hexd[c&15])
		}
		b.WriteString("'::BLOB")
		return b.String()
	}
	return QuoteString(fmt.Sprint(v))
}

// exprKind guesses the type family of an expression's value from its literals,
// parameters and column references: 'N' unicode text, 'B' binary, 'V' other (varchar).
func (tr *translator) exprKind(toks []Token) byte {
	kind := byte('V')
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		var ty tds.Type
		switch {
		case t.Kind == String && t.N:
			return 'N'
		case t.Kind == Binary:
			kind = 'B'
			continue
		case t.Kind == Var:
			ty = tr.params[strings.ToLower(t.Val)].Type
		case t.IsName() && tr.cols != nil:
			parts, next := ReadName(toks, i)
			i = next - 1
			if len(parts) == 0 || len(parts) > 2 {
				continue
			}
			ty = tr.cols[strings.ToLower(parts[len(parts)-1])]
		default:
			continue
		}
		switch {
		case ty.IsUnicode():
			return 'N'
		case ty.Kind == tds.Binary || ty.Kind == tds.VarBinary || ty.Kind == tds.Image || ty.Kind == tds.RowVersion:
			kind = 'B'
		}
	}
	return kind
}

// compareTargets gives literals and parameters compared with a date/time column that
// column's canonical form, so that the text comparison of the storage is the time
// comparison of SQL Server ('2020-01-01' = a datetime2 at midnight).
func (tr *translator) compareTargets(toks []Token) error {
	if tr.cols == nil {
		return nil
	}
	colType := func(j int) (tds.Type, bool) {
		if j < 0 || j >= len(toks) || !toks[j].IsName() {
			return tds.Type{}, false
		}
		// a single name, not part of a dotted name or a call
		if (j > 0 && toks[j-1].Kind == Dot) || (j+1 < len(toks) && (toks[j+1].Kind == Dot || toks[j+1].Kind == LParen)) {
			return tds.Type{}, false
		}
		t, ok := tr.cols[strings.ToLower(toks[j].Val)]
		return t, ok && t.IsTemporal()
	}
	for i, t := range toks {
		if t.Kind != String && t.Kind != Var {
			continue
		}
		var ct tds.Type
		found := false
		if i >= 2 && toks[i-1].Kind == Op && comparisonOps[toks[i-1].Val] {
			ct, found = colType(i - 2)
		}
		if !found && i+2 < len(toks) && toks[i+1].Kind == Op && comparisonOps[toks[i+1].Val] {
			ct, found = colType(i + 2)
		}
		if !found && i >= 2 && toks[i-1].Is("BETWEEN") {
			ct, found = colType(i - 2)
		}
		if !found && i >= 4 && toks[i-1].Is("AND") && toks[i-3].Is("BETWEEN") {
			ct, found = colType(i - 4)
		}
		if !found {
			continue
		}
		if ct.Kind == tds.DateTimeOffset && t.Pos > 0 {
			if tr.instant == nil {
				tr.instant = map[int]bool{}
			}
			tr.instant[t.Pos] = true
		}
		if t.Kind == Var {
			if _, set := tr.target[strings.ToLower(t.Val)]; !set {
				tr.target[strings.ToLower(t.Val)] = ct
			}
			continue
		}
		v, err := canonical(t.Val, ct)
		if err != nil {
			return err
		}
		toks[i].Val = v
	}
	return nil
}

var stringFuncs = map[string]bool{"UPPER": true, "LOWER": true, "LTRIM": true, "RTRIM": true, "TRIM": true,
	"SUBSTRING": true, "LEFT": true, "RIGHT": true, "REPLACE": true, "CONCAT": true, "REPLICATE": true,
	"SPACE": true, "REVERSE": true, "DB_NAME": true, "SCHEMA_NAME": true, "OBJECT_NAME": true, "CHAR": true,
	"NCHAR": true, "STRING_AGG": true, "FORMAT": true}

// stringy reports whether the operand next to a + (at j, reading in direction dir) is a
// character value: a string literal, a character column or parameter, a conversion to a
// character type or a string function.
func (tr *translator) stringy(toks []Token, j, dir int) bool {
	if j < 0 || j >= len(toks) {
		return false
	}
	t := toks[j]
	switch t.Kind {
	case String:
		return true
	case Var:
		return tr.params[strings.ToLower(t.Val)].Type.IsChar()
	case Ident, QIdent:
		if dir > 0 && j+1 < len(toks) && toks[j+1].Kind == LParen {
			return callIsChar(toks, j)
		}
		if tr.cols == nil {
			return false
		}
		ty, ok := tr.cols[strings.ToLower(t.Val)]
		return ok && ty.IsChar()
	case RParen:
		if dir > 0 {
			return false
		}
		k := callBefore(toks, j)
		return k >= 0 && callIsChar(toks, k)
	}
	return false
}

// callIsChar reports whether the call at toks[i] returns a character value.
func callIsChar(toks []Token, i int) bool {
	name := strings.ToUpper(toks[i].Val)
	if stringFuncs[name] {
		return true
	}
	if name == "CAST" || name == "CONVERT" || name == "TRY_CAST" || name == "TRY_CONVERT" {
		return castsToChar(toks, i)
	}
	return false
}

// callBefore returns the index of the function name whose argument list ends with the
// ")" at toks[j], or -1 when that list is a plain parenthesis (or is unbalanced).
func callBefore(toks []Token, j int) int {
	depth := 0
	for k := j; k >= 0; k-- {
		switch toks[k].Kind {
		case RParen:
			depth++
		case LParen:
			depth--
			if depth == 0 {
				if k > 0 && toks[k-1].IsName() {
					return k - 1
				}
				return -1
			}
		}
	}
	return -1
}

// castsToChar reports whether the CAST/CONVERT call at toks[i] converts to a character type.
func castsToChar(toks []Token, i int) bool {
	end := matching(toks, i+1)
	if end < 0 {
		return false
	}
	inner := toks[i+2 : end]
	var typeToks []Token
	if toks[i].Is("CAST") || toks[i].Is("TRY_CAST") {
		for k := len(inner) - 1; k >= 0; k-- {
			if inner[k].Is("AS") {
				typeToks = inner[k+1:]
				break
			}
		}
	} else if args := splitArgs(inner); len(args) > 0 {
		typeToks = args[0]
	}
	t, err := parseTypeTokens(typeToks)
	return err == nil && t.IsChar()
}

// markAssignments records the `=` of each `col = value` in an UPDATE's SET list.
func (tr *translator) markAssignments(toks []Token, from int) {
	tr.assign = map[int]bool{}
	set := -1
	for j := from; j < len(toks); j++ {
		if toks[j].Is("SET") {
			set = j
			break
		}
	}
	if set < 0 {
		return
	}
	depth, start := 0, set+1
	for j := set + 1; j <= len(toks); j++ {
		endItem := j == len(toks)
		if !endItem {
			switch t := toks[j]; {
			case t.Kind == LParen:
				depth++
			case t.Kind == RParen:
				depth--
			case depth == 0 && (t.Is("WHERE") || t.Is("FROM") || t.Is("OPTION")):
				endItem = true
			case depth == 0 && t.Kind == Comma:
				endItem = true
			}
		}
		if !endItem {
			continue
		}
		item := toks[start:j]
		if len(item) >= 2 && item[0].IsName() && item[1].Kind == Op && item[1].Val == "=" {
			tr.assign[item[1].Pos] = true
		} else if len(item) >= 4 && item[1].Kind == Dot && item[3].Kind == Op && item[3].Val == "=" {
			tr.assign[item[3].Pos] = true
		}
		if j == len(toks) || !(toks[j].Kind == Comma) {
			return
		}
		start = j + 1
	}
}

// likeEscapes rewrites T-SQL's one-character brackets ([_], [%], [[], [x]) into
// backslash escapes; it reports false for real character classes.
func likeEscapes(p string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch c {
		case '[':
			if i+2 < len(p) && p[i+2] == ']' && p[i+1] != '^' {
				b.WriteByte('\\')
				b.WriteByte(p[i+1])
				i += 2
				continue
			}
			return "", false
		case '\\':
			b.WriteString("\\\\")
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), true
}

var intFuncs = map[string]bool{"COUNT": true, "COUNT_BIG": true, "LEN": true, "DATALENGTH": true,
	"DATEDIFF": true, "DATEPART": true, "YEAR": true, "MONTH": true, "DAY": true, "CHARINDEX": true,
	"ROW_NUMBER": true, "RANK": true, "DENSE_RANK": true, "NTILE": true}

func isIntKind(k tds.Kind) bool {
	return k == tds.TinyInt || k == tds.SmallInt || k == tds.Int || k == tds.BigInt
}

// integral reports whether the operand next to a / (at j, reading in direction dir) is
// visibly an integer: an integer literal, an integer column or parameter, an integer
// function or a conversion to an integer type.
func (tr *translator) integral(toks []Token, j, dir int) bool {
	if j < 0 || j >= len(toks) {
		return false
	}
	t := toks[j]
	switch t.Kind {
	case Number:
		return !strings.ContainsAny(t.Val, ".eE")
	case Var:
		return isIntKind(tr.params[strings.ToLower(t.Val)].Type.Kind)
	case Ident, QIdent:
		if dir > 0 && j+1 < len(toks) && toks[j+1].Kind == LParen {
			return callIsIntegral(toks, j)
		}
		if tr.cols == nil || (dir < 0 && j > 0 && toks[j-1].Kind == Dot) || (dir > 0 && j+1 < len(toks) && toks[j+1].Kind == Dot) {
			return false
		}
		ty, ok := tr.cols[strings.ToLower(t.Val)]
		return ok && isIntKind(ty.Kind)
	case RParen:
		if dir > 0 {
			return false
		}
		k := callBefore(toks, j)
		return k >= 0 && callIsIntegral(toks, k)
	}
	return false
}

// callIsIntegral reports whether the call at toks[i] returns an integer.
func callIsIntegral(toks []Token, i int) bool {
	name := strings.ToUpper(toks[i].Val)
	if intFuncs[name] {
		return true
	}
	if name != "CAST" && name != "CONVERT" && name != "TRY_CAST" && name != "TRY_CONVERT" {
		return false
	}
	end := matching(toks, i+1)
	if end < 0 {
		return false
	}
	inner := toks[i+2 : end]
	var typeToks []Token
	if name == "CAST" || name == "TRY_CAST" {
		for k := len(inner) - 1; k >= 0; k-- {
			if inner[k].Is("AS") {
				typeToks = inner[k+1:]
				break
			}
		}
	} else if args := splitArgs(inner); len(args) > 0 {
		typeToks = args[0]
	}
	t, err := parseTypeTokens(typeToks)
	return err == nil && isIntKind(t.Kind)
}
