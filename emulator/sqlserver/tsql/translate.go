package tsql

import (
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
	// multiAll/multiAllBare: every column of those tables (operand types for arithmetic)
	multiAll     map[string]map[string]tds.Type
	multiAllBare map[string]tds.Type
	// groupKey: source positions of GROUP BY items that are character columns (grouped
	// without trailing spaces); anyValue: positions of select-list references to those
	// columns outside aggregates, which take one value of the group
	groupKey map[int]bool
	anyValue map[int]bool
	// distinctOn is the DISTINCT ON key list replacing a top-level DISTINCT
	distinctOn  string
	distinctPos int
	// inCol: positions of character columns tested with IN (list); trimLit: positions of
	// the list's literals and parameters, compared without trailing spaces
	inCol   map[int]bool
	trimLit map[int]bool
	// binAlias: names the statement gives HASHBYTES results (binary in a derived table)
	binAlias map[string]bool
}

// Translate turns one DML/query statement into DuckDB SQL.
func Translate(env Env, toks []Token, params map[string]BoundParam) (*Query, error) {
	tr := &translator{env: env, params: params, target: map[string]tds.Type{}, wrapOpen: map[int]string{}, wrapClose: map[int]int{}, divGuard: true}
	toks, err := tr.prepareDML(toks)
	if err != nil {
		return nil, err
	}
	tr.binAlias = binaryAliases(toks)
	tr.scope(toks)
	tr.grouping(toks)
	if err := tr.inLists(toks); err != nil {
		return nil, err
	}
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

var comparisonOps = map[string]bool{"=": true, "<": true, ">": true, "<=": true, ">=": true, "<>": true, "!=": true, "!<": true, "!>": true}

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
			} else if tr.trimLit[t.Pos] {
				b.WriteString(QuoteString(strings.TrimRight(t.Val, " ")))
			} else if (tr.text != nil || tr.multi != nil && tr.comparedWithText(toks, i)) && tr.padded(toks, i, i+1) {
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
			} else if tr.trimLit[t.Pos] && p.Type.IsChar() {
				ph = "rtrim(" + ph + ")"
			} else if (tr.text != nil || tr.multi != nil && tr.comparedWithText(toks, i)) && p.Type.IsChar() && tr.padded(toks, i, i+1) {
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
				case tr.integral(toks, i-1, -1) && tr.integral(toks, i+1, 1), tr.intOperands(toks, i):
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
				case !explicit && (tr.padded(toks, i, next) || tr.inCol[t.Pos] || (orderDepth >= 0 && orderDepth == depth)):
					name = rtrimmed(name, ct)
				}
			}
			if tr.groupKey[t.Pos] {
				if ct, ok := tr.textColumn(parts); ok {
					name = rtrimmed(name, ct)
				} else if tr.dtoColumn(toks[i:next]) {
					name = "ss_dtokey(" + name + ")"
				}
			} else if tr.anyValue[t.Pos] {
				name = "any_value(" + name + ")"
			}
			if tr.dtoColumn(toks[i:next]) && (tr.comparedByInstant(toks, i, next) || tr.inCol[t.Pos] || (orderDepth >= 0 && orderDepth == depth)) {
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
