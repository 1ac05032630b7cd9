package engine

import (
	"regexp"
	"strings"
)

// exprRange translates toks[i:end] and returns the text plus the operand when the
// range is a single operand (for type hints).
func (t *translator) exprRange(i, end int) (string, *piece, error) {
	ps, err := t.seq(i, end)
	if err != nil {
		return "", nil, err
	}
	if len(ps) == 1 {
		return joinPieces(ps), &ps[0], nil
	}
	return joinPieces(ps), nil, nil
}

var (
	hintVarchar = &sfType{Base: "VARCHAR", Length: 16777216}
	hintVariant = &sfType{Base: "VARIANT"}
	hintObject  = &sfType{Base: "OBJECT"}
	hintArray   = &sfType{Base: "ARRAY"}
	hintTZ      = &sfType{Base: "TIMESTAMP_TZ", Precision: 9}
	hintLTZ     = &sfType{Base: "TIMESTAMP_LTZ", Precision: 9}
	hintNTZ     = &sfType{Base: "TIMESTAMP_NTZ", Precision: 9}
	hintHash    = &sfType{Base: "NUMBER", Precision: 19}
	hintCount   = &sfType{Base: "NUMBER", Precision: 18}
	hintBool    = &sfType{Base: "BOOLEAN"}
	hintDate    = &sfType{Base: "DATE"}
)

// notFuncWords are reserved words that may be followed by '(' without being calls.
var notFuncWords = map[string]bool{
	"IN": true, "EXISTS": true, "VALUES": true, "OVER": true, "ANY": true, "ALL": true, "SOME": true,
	"AS": true, "USING": true, "ON": true, "AND": true, "OR": true, "NOT": true, "FROM": true,
	"SELECT": true, "WHERE": true, "JOIN": true, "THEN": true, "ELSE": true, "WHEN": true, "BY": true,
	"INTO": true, "TABLE": true, "WITH": true, "CASE": true, "IS": true, "HAVING": true, "UNION": true,
	"EXCEPT": true, "INTERSECT": true, "MINUS": true, "QUALIFY": true, "SET": true, "LIKE": true,
	"ILIKE": true, "BETWEEN": true, "END": true, "DISTINCT": true, "PARTITION": true, "ORDER": true,
	"GROUP": true, "LIMIT": true, "WINDOW": true, "LATERAL": true, "WITHIN": true, "FOR": true,
}

// seq translates a token range: expressions, clause keywords and nested queries.
func (t *translator) seq(i, end int) ([]piece, error) {
	var ps []piece
	divNext := false
	add := func(p piece) {
		if divNext && !p.op {
			p.divisor = true
			divNext = false
		}
		ps = append(ps, p)
	}
	last := func() *piece {
		if len(ps) == 0 || ps[len(ps)-1].op {
			return nil
		}
		return &ps[len(ps)-1]
	}
	for i < end {
		tok := t.toks[i]
		switch tok.Kind {
		case TkString:
			add(piece{text: qstr(normTimestampLiteral(tok.Val)), hint: hintVarchar})
			i++
		case TkNumber:
			add(piece{text: tok.Text})
			i++
		case TkParam:
			p, err := t.bindPiece(tok)
			if err != nil {
				return nil, err
			}
			if t.inValues && p.valText != "" {
				p = piece{text: p.valText, hint: hintVarchar}
			}
			add(p)
			i++
		case TkColRef:
			if !t.allowColRef {
				return nil, unsupported("staged-file column reference %s outside COPY INTO … FROM (SELECT …)", tok.Text)
			}
			add(piece{text: tok.Text})
			i++
		case TkStage:
			return nil, unsupported("stage reference %s in this statement", tok.Text)
		case TkQuoted:
			p, j, err := t.identChain(i, end)
			if err != nil {
				return nil, err
			}
			add(p)
			i = j
		case TkWord:
			p, j, err := t.word(i, end, ps)
			if err != nil {
				return nil, err
			}
			if p.text == "" && j > i { // clause already appended via ps merge
				ps = append(ps, p.sub...)
				i = j
				continue
			}
			add(p.piece)
			i = j
		case TkOp:
			switch tok.Text {
			case "(":
				j := matching(t.toks, i)
				if j < 0 || j >= end+1 {
					return nil, errSyntaxAt(tok, "; missing ')'")
				}
				t.depth++
				scope := t.subqueryScope(i)
				inner, p1, err := t.exprRange(i+1, j)
				scope()
				t.depth--
				if err != nil {
					return nil, err
				}
				p := piece{text: "(" + inner + ")"}
				if p1 != nil {
					p.hint, p.path = p1.hint, p1.path
					if p1.ext != "" {
						p.ext, p.extBase = "("+p1.ext+")", p1.extBase
					}
				}
				add(p)
				i = j + 1
			case "::":
				lp := last()
				if lp == nil {
					return nil, errSyntaxAt(tok, "")
				}
				st, j, err := parseSFType(t.toks, i+1)
				if err != nil {
					return nil, err
				}
				*lp = t.castPiece(*lp, st, false)
				i = j
			case ":":
				lp := last()
				if lp == nil {
					return nil, errSyntaxAt(tok, "")
				}
				j, err := t.pathAccess(lp, i, end)
				if err != nil {
					return nil, err
				}
				i = j
			case "[":
				lp := last()
				if lp == nil {
					return nil, unsupported("array literal [...]; use ARRAY_CONSTRUCT")
				}
				j, err := t.pathAccess(lp, i, end)
				if err != nil {
					return nil, err
				}
				i = j
			case "/":
				add(piece{text: "/", op: true})
				divNext = true
				i++
			case "{", "}":
				return nil, unsupported("object literal {...}; use OBJECT_CONSTRUCT")
			case ";":
				return nil, errSyntaxAt(tok, "; only one statement per request is supported")
			case "==":
				add(piece{text: "=", op: true})
				i++
			case ")", "]":
				return nil, errSyntaxAt(tok, "")
			default:
				add(piece{text: tok.Text, op: true})
				i++
			}
		default:
			return nil, errSyntaxAt(tok, "")
		}
	}
	t.resolveSetLists(ps)
	return t.extCases(t.extRewrite(ps)), nil
}

var reTSSpaceOffset = regexp.MustCompile(`^(\d{4}-\d\d-\d\d[ T]\d\d:\d\d(?::\d\d(?:\.\d+)?)?)\s+([+-]\d\d(?::?\d\d)?|Z)$`)

// normTimestampLiteral removes the space Snowflake allows before a UTC offset
// ('2024-01-01 10:00:00 +02:00'), which DuckDB rejects.
func normTimestampLiteral(v string) string {
	if len(v) < 17 || len(v) > 40 || v[4] != '-' {
		return v
	}
	return reTSSpaceOffset.ReplaceAllString(v, "$1$2")
}

// wordResult is the outcome of translating a word: one operand/keyword piece, or
// several pieces (clauses) in sub.
type wordResult struct {
	piece
	sub []piece
}

func (t *translator) word(i, end int, prev []piece) (wordResult, int, error) {
	tok := t.toks[i]
	w := tok.Val
	next := t.toks[i+1]
	if i+1 >= end {
		next = Token{Kind: TkEOF}
	}
	// typed literals: DATE '2020-01-01'
	if next.Kind == TkString && (w == "DATE" || w == "TIME" || w == "TIMESTAMP" || w == "TIMESTAMP_NTZ" || w == "TIMESTAMP_LTZ" || w == "TIMESTAMP_TZ" || w == "DATETIME") {
		st, _, _ := parseSFType(padEOF([]Token{tok, {Kind: TkEOF}}), 0)
		p := t.castPiece(piece{text: qstr(next.Val)}, st, false)
		return wordResult{piece: p}, i + 2, nil
	}
	if w == "INTERVAL" && next.Kind == TkString {
		txt := "INTERVAL " + qstr(next.Val)
		j := i + 2
		if j < end && t.toks[j].Kind == TkWord && datePart(t.toks[j].Val) != "" {
			txt += " " + datePart(t.toks[j].Val)
			j++
		}
		return wordResult{piece: piece{text: txt}}, j, nil
	}
	if p, j, ok, err := t.specialValue(i, end); ok || err != nil {
		return wordResult{piece: p}, j, err
	}
	switch w {
	case "SELECT":
		ps, j, err := t.selectClause(i, end)
		return wordResult{sub: ps}, j, err
	case "FROM":
		if i > 0 && t.toks[i-1].Is("DISTINCT") {
			break
		}
		ps, j, err := t.fromClause(i+1, end)
		return wordResult{sub: append([]piece{{text: "FROM", op: true}}, ps...)}, j, err
	case "MINUS":
		return wordResult{piece: piece{text: "EXCEPT", op: true}}, i + 1, nil
	case "CAST", "TRY_CAST":
		if next.IsOp("(") {
			p, j, err := t.castCall(i, end)
			return wordResult{piece: p}, j, err
		}
	case "EXTRACT", "DATE_PART":
		if next.IsOp("(") {
			p, j, err := t.extractCall(i, end)
			return wordResult{piece: p}, j, err
		}
	case "TOP":
		return wordResult{}, i, unsupported("SELECT TOP n; use LIMIT n")
	case "RLIKE", "REGEXP":
		return wordResult{}, i, unsupported("%s operator; use REGEXP_LIKE(subject, pattern)", w)
	case "LATERAL":
		return wordResult{}, i, unsupported("LATERAL (including FLATTEN)")
	case "CONNECT":
		return wordResult{}, i, unsupported("CONNECT BY")
	case "SAMPLE", "TABLESAMPLE":
		return wordResult{}, i, unsupported("%s", w)
	}
	if next.IsOp("(") && (!isReserved(w) || w == "LEFT" || w == "RIGHT") && !notFuncWords[w] {
		p, j, err := t.funcCall(i, end)
		return wordResult{piece: p}, j, err
	}
	if isReserved(w) || t.contextKeyword(i, prev) {
		return wordResult{piece: piece{text: w, op: true}}, i + 1, nil
	}
	p, j, err := t.identChain(i, end)
	return wordResult{piece: p}, j, err
}

// contextKeyword recognises non-reserved words used as keywords in context.
func (t *translator) contextKeyword(i int, prev []piece) bool {
	w := t.toks[i].Val
	var pw string
	if i > 0 && t.toks[i-1].Kind == TkWord {
		pw = t.toks[i-1].Val
	}
	nx := t.toks[i+1]
	switch w {
	case "FIRST", "LAST":
		return pw == "NULLS"
	case "ROW":
		return pw == "CURRENT"
	case "RANGE":
		return nx.Is("BETWEEN") || nx.Is("UNBOUNDED") || nx.Is("CURRENT")
	case "OFFSET":
		return nx.Kind == TkNumber || nx.Kind == TkParam
	case "IGNORE", "RESPECT":
		return nx.Is("NULLS")
	case "NEXT", "ONLY":
		return pw == "FETCH" || pw == "ROWS" || pw == "ROW"
	case "ASOF":
		return nx.Is("JOIN")
	case "RECURSIVE":
		return pw == "WITH"
	}
	return false
}

// identChain translates a column reference a, t.a, s.t.a or db.s.t.a.
func (t *translator) identChain(i, end int) (piece, int, error) {
	var parts []string
	j := i
	for j < end {
		tok := t.toks[j]
		if tok.Kind == TkQuoted || (tok.Kind == TkWord && !isReserved(tok.Val)) {
			parts = append(parts, identVal(tok))
			j++
		} else if tok.IsOp("*") && len(parts) > 0 {
			parts = append(parts, "*")
			j++
			break
		} else {
			return piece{}, j, errSyntaxAt(tok, "")
		}
		if j < end && t.toks[j].IsOp(".") {
			j++
			continue
		}
		break
	}
	if j < end && t.toks[j].IsOp("(") {
		return piece{}, j, unsupported("user-defined function %s", strings.Join(parts, "."))
	}
	var out []string
	switch len(parts) {
	case 3: // schema.table.column
		n, err := t.s.resolveParts(parts[:2])
		if err != nil {
			return piece{}, j, err
		}
		out = []string{qid(n.DuckSchema()), qcol(n.Name)}
	case 4:
		n, err := t.s.resolveParts(parts[:3])
		if err != nil {
			return piece{}, j, err
		}
		out = []string{qid(n.DuckSchema()), qcol(n.Name)}
	case 1, 2:
		if len(parts) == 2 {
			out = []string{qcol(parts[0])}
		}
	default:
		return piece{}, j, Errorf(ErrSyntax, "42000", "SQL compilation error: invalid identifier %s", strings.Join(parts, "."))
	}
	col := parts[len(parts)-1]
	if col == "*" {
		out = append(out, "*")
	} else {
		out = append(out, qcol(col))
	}
	p := piece{text: strings.Join(out, "."), colName: col}
	if len(parts) >= 2 {
		p.colQual = parts[len(parts)-2]
	}
	if col != "*" {
		p.hint = t.columnHint(p.colQual, col)
		if p.hint != nil && p.hint.extended() {
			p.ext, p.extBase = p.text, p.hint.Base
			p.text = extField(p.text, "u")
		}
	}
	return p, j, nil
}

// columnHint finds the Snowflake type of a column of a table referenced so far.
func (t *translator) columnHint(qual, col string) *sfType {
	// innermost tables first: a subquery's own tables were added last
	for k := len(t.refs) - 1; k >= 0; k-- {
		r := t.refs[k]
		if qual != "" && r.alias != qual {
			continue
		}
		for k, c := range r.entry.info.Columns {
			if c.Name == col && k < len(r.entry.sfTypes) {
				st := r.entry.sfTypes[k]
				if st.Base == "" { // a derived table's column of unknown type
					return nil
				}
				return &st
			}
		}
	}
	return nil
}

// castPiece applies a Snowflake cast to an operand.
func (t *translator) castPiece(p piece, st sfType, try bool) piece {
	castKw := "CAST"
	if try {
		castKw = "TRY_CAST"
	}
	if st.extended() {
		return t.castExt(p, st, try)
	}
	st2 := st
	out := piece{hint: &st2}
	isVariantSrc := p.path != nil || (p.hint != nil && (p.hint.Base == "VARIANT" || p.hint.Base == "OBJECT" || p.hint.Base == "ARRAY"))
	switch st.Base {
	case "VARIANT", "OBJECT", "ARRAY":
		if isVariantSrc {
			out.text = p.text
		} else {
			out.text = "CAST(to_json(" + p.text + ") AS VARCHAR)"
		}
		return out
	}
	src := p.text
	if p.path != nil {
		src = "json_extract_string(" + p.path.base + ", " + qstr(p.path.path) + ")"
	} else if isVariantSrc {
		src = "(" + p.text + " ->> '$')"
	}
	if st.Base == "VARCHAR" {
		if p.ext != "" {
			if f, ok := t.s.extFormat(p.ext, extHint(p), extDefaultFormat(p.extBase)); ok {
				out.text = f
				return out
			}
		}
		out.text = castKw + "(" + src + " AS VARCHAR)"
		return out
	}
	if st.Base == "TIMESTAMP_NTZ" && p.hint != nil && (p.hint.Base == "TIMESTAMP_LTZ" || p.hint.Base == "TIMESTAMP_TZ") {
		// instant → wall clock in the session time zone
		out.text = t.s.ltzToNTZ(src)
		return out
	}
	if (st.Base == "TIMESTAMP_LTZ" || st.Base == "TIMESTAMP_TZ") && p.hint != nil && p.hint.Base == "TIMESTAMP_NTZ" {
		out.text = t.s.ntzToLTZ(src)
		return out
	}
	if (st.Base == "TIMESTAMP_LTZ" || st.Base == "TIMESTAMP_TZ") && (p.hint == nil || p.hint.Base == "VARCHAR") && p.path == nil && !isVariantSrc {
		// a string without offset means local time in the session time zone
		out.text = t.s.strToLTZ(src, try)
		return out
	}
	out.text = castKw + "(" + src + " AS " + st.Duck() + ")"
	return out
}

// castCall handles CAST(x AS type) and TRY_CAST(x AS type).
func (t *translator) castCall(i, end int) (piece, int, error) {
	open := i + 1
	cl := matching(t.toks, open)
	if cl < 0 || cl >= end+1 {
		return piece{}, i, errSyntaxAt(t.toks[i], "; missing ')'")
	}
	as := findTop(t.toks, open+1, cl, "AS")
	if as < 0 {
		return piece{}, i, errSyntaxAt(t.toks[cl], "; expected AS <type>")
	}
	ps, err := t.seq(open+1, as)
	if err != nil {
		return piece{}, i, err
	}
	st, j, err := parseSFType(t.toks, as+1)
	if err != nil {
		return piece{}, i, err
	}
	if j != cl {
		return piece{}, i, errSyntaxAt(t.toks[j], "")
	}
	src := piece{text: joinPieces(ps)}
	if len(ps) == 1 {
		src = ps[0]
		src.text = joinPieces(ps)
	}
	return t.castPiece(src, st, t.toks[i].Val == "TRY_CAST"), cl + 1, nil
}

// pathAccess translates v:a.b[0] / v['a'] into json_extract on the operand lp.
func (t *translator) pathAccess(lp *piece, i, end int) (int, error) {
	var b strings.Builder
	base := lp.text
	if lp.path != nil {
		base = lp.path.base
		b.WriteString(lp.path.path)
	} else {
		b.WriteString("$")
	}
	j := i
	if t.toks[j].IsOp(":") {
		j++
		tok := t.toks[j]
		if tok.Kind != TkWord && tok.Kind != TkQuoted {
			return j, errSyntaxAt(tok, "; expected a path after ':'")
		}
		b.WriteString("." + jsonKey(tok))
		j++
	}
	for j < end {
		tok := t.toks[j]
		if tok.IsOp(".") && j+1 < end && (t.toks[j+1].Kind == TkWord || t.toks[j+1].Kind == TkQuoted) {
			b.WriteString("." + jsonKey(t.toks[j+1]))
			j += 2
			continue
		}
		if tok.IsOp("[") {
			k := t.toks[j+1]
			if !t.toks[j+2].IsOp("]") {
				return j, unsupported("computed variant subscript")
			}
			switch k.Kind {
			case TkNumber:
				b.WriteString("[" + k.Text + "]")
			case TkString:
				b.WriteString(`."` + strings.ReplaceAll(k.Val, `"`, `\"`) + `"`)
			default:
				return j, unsupported("computed variant subscript")
			}
			j += 3
			continue
		}
		break
	}
	path := b.String()
	*lp = piece{text: "json_extract(" + base + ", " + qstr(path) + ")::VARCHAR", hint: hintVariant, path: &pathExpr{base: base, path: path}}
	return j, nil
}

func jsonKey(tok Token) string {
	k := tok.Text
	if tok.Kind == TkQuoted {
		k = tok.Val
	}
	if strings.ContainsAny(k, `."[]$ `) || tok.Kind == TkQuoted {
		return `"` + strings.ReplaceAll(k, `"`, `\"`) + `"`
	}
	return k
}
