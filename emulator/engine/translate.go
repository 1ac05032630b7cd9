package engine

import (
	"context"
	"strings"
	"time"
)

// The translator rewrites Snowflake SQL into DuckDB SQL token by token. It is not a
// full parser: it recognises the structures whose meaning differs between the two
// (identifiers and their case rules, object names, casts, variant paths, functions,
// binds, select-list names) and copies everything else through. Parenthesised groups
// are translated recursively.

// piece is one translated operand or operator in the output stream.
type piece struct {
	text    string
	op      bool    // an operator/keyword, not an operand
	hint    *sfType // Snowflake type of the operand when known
	path    *pathExpr
	colName string         // set for a plain column reference (its Snowflake name)
	colQual string         // qualifier of that column reference, if any
	divisor bool           // right operand of '/': checked for zero
	fn      string         // upper-case function name when the operand is a call
	zone    *time.Location // TIMESTAMP_TZ from CONVERT_TIMEZONE: its zone (else the session's)
	// ext is the whole extended value (ext.go) when text is only its microsecond part;
	// extBase is its Snowflake kind. valText is a VARCHAR literal with every digit and
	// the offset, used instead of text inside INSERT … VALUES rows.
	ext, extBase, valText string
}

// pathExpr remembers a variant path access so a following cast can extract a scalar.
type pathExpr struct {
	base string // translated base operand
	path string // JSON path, e.g. $.a.b[0]
}

// selCol is one output column of the outermost SELECT.
type selCol struct {
	name string  // Snowflake column name ("" for star expansions)
	hint *sfType // type when known from the expression
	star bool
	// starQual is the qualifier of t.* ("" for *); starRest an EXCLUDE list, if any.
	starQual string
	starRest bool
	ext      bool   // the item is an extended value whole (ext.go), not its microseconds
	null     bool   // the item is the NULL literal
	val      *piece // the item's operand (nil for several pieces)
	expr     string // the item's translation without its alias
}

// tableRef is a table referenced in FROM/JOIN, for column type lookups.
type tableRef struct {
	alias string // exact Snowflake alias or table name
	entry *tableEntry
}

type translator struct {
	s     *Session
	ctx   context.Context
	cat   *catalog
	toks  []Token
	binds map[string]Bind
	row   int // array-binding row
	qmark int // next '?' number
	// outputs
	cols      []selCol
	colsSet   bool
	refs      []tableRef
	usedBinds bool
	depth     int
	ctes      map[string]bool
	// allowColRef lets $1 references through (COPY transformations).
	allowColRef bool
	// lenientBinds turns missing binds into NULL (describeOnly).
	lenientBinds bool
	// inValues: translating INSERT … VALUES rows (operands with valText use it).
	inValues bool
	// sub* collect the select list of a derived table (FROM (SELECT …) alias) so that
	// its columns are typed: subDepth is the depth of its SELECT.
	subDepth   int
	subCols    []selCol
	subColsSet bool
	// setRef: per depth, the first branch's columns of the set operation being
	// translated (ext_union.go).
	setRef   map[int]*setGroup
	setLists []*setBranch
}

func (s *Session) newTranslator(ctx context.Context, toks []Token, binds map[string]Bind) (*translator, error) {
	cat, err := s.e.catalog(ctx)
	if err != nil {
		return nil, err
	}
	return &translator{s: s, ctx: ctx, cat: cat, toks: toks, binds: binds, qmark: 1, ctes: cteNames(toks)}, nil
}

// cteNames finds the names defined by WITH name [(cols)] AS (…), … anywhere in toks,
// so FROM name refers to the CTE instead of a table.
func cteNames(toks []Token) map[string]bool {
	var out map[string]bool
	for k := range toks {
		if !toks[k].Is("WITH") {
			continue
		}
		j := k + 1
		if toks[j].Is("RECURSIVE") {
			j++
		}
		for isIdentTok(toks[j]) {
			name := identVal(toks[j])
			j++
			if toks[j].IsOp("(") {
				j = matching(toks, j) + 1
				if j <= 0 {
					return out
				}
			}
			if !toks[j].Is("AS") || !toks[j+1].IsOp("(") {
				break
			}
			if out == nil {
				out = map[string]bool{}
			}
			out[name] = true
			j = matching(toks, j+1) + 1
			if j <= 0 || !toks[j].IsOp(",") {
				break
			}
			j++
		}
	}
	return out
}

// translateExpr translates one Snowflake scalar expression (casts, PARSE_JSON,
// TO_VARCHAR, IFF, NVL, variant paths, …) into DuckDB SQL. Column names are
// translated with Snowflake case rules (unquoted → upper case) into quoted DuckDB
// identifiers; $1-style references are passed through unchanged so callers can
// substitute them before or after translation.
func (s *Session) translateExpr(expr string) (string, error) {
	toks, err := lex(expr)
	if err != nil {
		return "", err
	}
	if err := checkBalanced(toks); err != nil {
		return "", err
	}
	toks = padEOF(toks)
	t, err := s.newTranslator(context.Background(), toks, nil)
	if err != nil {
		return "", err
	}
	t.allowColRef = true
	out, _, err := t.exprRange(0, stmtEnd(toks))
	return out, err
}

// matching returns the index of the parenthesis/bracket closing toks[i].
func matching(toks []Token, i int) int {
	if i < 0 || i >= len(toks) || !(toks[i].IsOp("(") || toks[i].IsOp("[")) {
		return -1
	}
	open := toks[i].Text
	close := ")"
	if open == "[" {
		close = "]"
	}
	depth := 0
	for j := i; j < len(toks); j++ {
		if toks[j].Kind != TkOp {
			if toks[j].Kind == TkEOF {
				return -1
			}
			continue
		}
		switch toks[j].Text {
		case open:
			depth++
		case close:
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}

// splitTop splits toks[i:end] at top-level commas.
func splitTop(toks []Token, i, end int) [][2]int {
	var out [][2]int
	start := i
	depth := 0
	for j := i; j < end; j++ {
		if toks[j].Kind != TkOp {
			continue
		}
		switch toks[j].Text {
		case "(", "[":
			depth++
		case ")", "]":
			depth--
		case ",":
			if depth == 0 {
				out = append(out, [2]int{start, j})
				start = j + 1
			}
		}
	}
	if start < end || len(out) > 0 {
		out = append(out, [2]int{start, end})
	}
	return out
}

// findTop returns the index of the first top-level word in toks[i:end] among words.
func findTop(toks []Token, i, end int, words ...string) int {
	depth := 0
	for j := i; j < end; j++ {
		t := toks[j]
		if t.Kind == TkOp {
			switch t.Text {
			case "(", "[":
				depth++
			case ")", "]":
				depth--
			}
			continue
		}
		if depth == 0 && t.Kind == TkWord {
			if t.Val == "GROUP" && j > 0 && toks[j-1].Is("WITHIN") {
				continue
			}
			for _, w := range words {
				if t.Val == w {
					return j
				}
			}
		}
	}
	return -1
}

func joinPieces(ps []piece) string {
	var b strings.Builder
	for i, p := range ps {
		txt := p.text
		if p.divisor {
			txt = "(CASE WHEN (" + txt + ") = 0 THEN error('Division by zero') ELSE (" + txt + ") END)"
		}
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(txt)
	}
	return b.String()
}

func errSyntaxAt(t Token, what string) *Error {
	return Errorf(ErrSyntax, "42000", "SQL compilation error:\nsyntax error at position %d unexpected '%s'%s", t.Pos, tokText(t), what)
}
