package engine

import (
	"strconv"
	"strings"
)

var selectEndWords = []string{"FROM", "WHERE", "GROUP", "HAVING", "QUALIFY", "ORDER", "LIMIT", "UNION",
	"INTERSECT", "EXCEPT", "MINUS", "WINDOW", "INTO", "FETCH"}

var fromEndWords = map[string]bool{"WHERE": true, "GROUP": true, "HAVING": true, "QUALIFY": true, "ORDER": true,
	"LIMIT": true, "UNION": true, "INTERSECT": true, "EXCEPT": true, "MINUS": true, "WINDOW": true, "FETCH": true,
	"OFFSET": true, "SET": true, "WHEN": true}

var joinWords = map[string]bool{"JOIN": true, "INNER": true, "LEFT": true, "RIGHT": true, "FULL": true,
	"OUTER": true, "CROSS": true, "NATURAL": true, "ASOF": true}

// selectClause translates SELECT <list>, naming every item explicitly so that result
// column names follow Snowflake's rules.
func (t *translator) selectClause(i, end int) ([]piece, int, error) {
	listEnd := findTop(t.toks, i+1, end, selectEndWords...)
	if listEnd < 0 {
		listEnd = end
	}
	ps := []piece{{text: "SELECT", op: true}}
	j := i + 1
	for j < listEnd && (t.toks[j].Is("DISTINCT") || t.toks[j].Is("ALL")) {
		ps = append(ps, piece{text: t.toks[j].Val, op: true})
		j++
	}
	if j < listEnd && t.toks[j].Is("TOP") {
		return nil, j, unsupported("SELECT TOP n; use LIMIT n")
	}
	record := !t.colsSet && t.depth == 0
	if record {
		t.colsSet = true
	}
	// FROM is translated first so column references can find their tables' types.
	var fromPieces []piece
	after := listEnd
	if listEnd < end && t.toks[listEnd].Is("FROM") {
		fp, k, err := t.fromClause(listEnd+1, end)
		if err != nil {
			return nil, j, err
		}
		fromPieces = append([]piece{{text: "FROM", op: true}}, fp...)
		after = k
	}
	var cols []selCol
	var items []string
	for _, r := range splitTop(t.toks, j, listEnd) {
		txt, col, err := t.selectItem(r[0], r[1])
		if err != nil {
			return nil, j, err
		}
		items = append(items, txt)
		cols = append(cols, col)
	}
	if len(items) == 0 {
		return nil, j, errSyntaxAt(t.toks[j], "; empty select list")
	}
	listText := strings.Join(items, ", ")
	if t.depth == 0 || t.depth == t.subDepth {
		// one storage per column across a set operation's branches (ext_union.go)
		if t.setRef == nil {
			t.setRef = map[int]*setGroup{}
		}
		b := &setBranch{cols: cols, items: items}
		if g, ok := t.setRef[t.depth]; ok && t.setOpBranch(i) {
			g.branches = append(g.branches, b)
			t.unify(g)
		} else {
			t.setRef[t.depth] = &setGroup{branches: []*setBranch{b}}
		}
		listText = setListMarker + strconv.Itoa(len(t.setLists))
		t.setLists = append(t.setLists, b)
	}
	if record {
		t.cols = cols
	}
	if t.depth > 0 && t.depth == t.subDepth && !t.subColsSet {
		t.subCols, t.subColsSet = cols, true
	}
	ps = append(ps, piece{text: listText, op: true})
	ps = append(ps, fromPieces...)
	return ps, after, nil
}

// selectItem translates one select-list item and works out its result name.
func (t *translator) selectItem(i, end int) (string, selCol, error) {
	if i >= end {
		return "", selCol{}, errSyntaxAt(t.toks[i], "; empty select item")
	}
	// star forms: *, t.*, with EXCLUDE/REPLACE modifiers
	starAt := -1
	for k := i; k < end; k++ {
		if t.toks[k].IsOp("*") && (k == i || t.toks[k-1].IsOp(".")) {
			starAt = k
			break
		}
		if !(t.toks[k].Kind == TkWord || t.toks[k].Kind == TkQuoted || t.toks[k].IsOp(".")) {
			break
		}
	}
	if starAt >= 0 {
		var head string
		if starAt == i {
			head = "*"
		} else {
			p, _, err := t.identChain(i, starAt+1)
			if err != nil {
				return "", selCol{}, err
			}
			head = p.text
		}
		rest := ""
		if starAt+1 < end {
			k := starAt + 1
			switch {
			case t.toks[k].Is("EXCLUDE"):
				var names []string
				if t.toks[k+1].IsOp("(") {
					cl := matching(t.toks, k+1)
					for _, r := range splitTop(t.toks, k+2, cl) {
						p, _, err := t.identChain(r[0], r[1])
						if err != nil {
							return "", selCol{}, err
						}
						names = append(names, p.text)
					}
					k = cl + 1
				} else {
					p, k2, err := t.identChain(k+1, end)
					if err != nil {
						return "", selCol{}, err
					}
					names = append(names, p.text)
					k = k2
				}
				rest = " EXCLUDE (" + strings.Join(names, ", ") + ")"
			default:
				return "", selCol{}, unsupported("select-list modifier %s", t.toks[k].Text)
			}
			if k != end {
				return "", selCol{}, errSyntaxAt(t.toks[k], "")
			}
		}
		col := selCol{star: true, starRest: rest != ""}
		if starAt > i {
			col.starQual = identVal(t.toks[starAt-2])
		}
		return head + rest, col, nil
	}
	exprEnd, alias := end, ""
	if end-i >= 2 {
		last := t.toks[end-1]
		prev := t.toks[end-2]
		if isIdentTok(last) {
			switch {
			case prev.Is("AS"):
				exprEnd, alias = end-2, identVal(last)
			case endsOperand(prev) && !(prev.Kind == TkString && end-3 >= i && t.toks[end-3].Is("INTERVAL")):
				exprEnd, alias = end-1, identVal(last)
			}
		}
	}
	if exprEnd <= i {
		return "", selCol{}, errSyntaxAt(t.toks[i], "")
	}
	txt, p, err := t.exprRange(i, exprEnd)
	if err != nil {
		return "", selCol{}, err
	}
	result := t.depth == 0 || t.depth == t.subDepth
	if result && p != nil && p.ext == "" && p.hint != nil && p.hint.extended() && !isNullPiece(*p) && extConvertible(*p) {
		// an expression of an extended kind (MAX(tz), DATEADD(…, tz), …): its value
		// in the kind's storage, so that every result of the kind has one DuckDB type
		c := t.castExt(*p, *p.hint, false)
		q := *p
		q.ext, q.extBase = c.ext, c.extBase
		p = &q
	}
	whole := p != nil && p.ext != "" && result
	if whole {
		// the statement's result, or a derived table's column: every digit and the
		// offset (ext.go)
		txt = p.ext
	}
	col := selCol{name: alias, ext: whole, val: p, null: p != nil && isNullPiece(*p), expr: txt}
	if p != nil {
		col.hint = p.hint
		if alias == "" && p.colName != "" && p.path == nil && !strings.HasPrefix(p.text, "CAST(") {
			col.name = p.colName
		}
	}
	if col.name == "" {
		col.name = exprName(t.toks, i, exprEnd)
	}
	return txt + " AS " + qcol(col.name), col, nil
}

// endsOperand reports whether a token can end an expression (so a following
// identifier is an alias).
func endsOperand(t Token) bool {
	switch t.Kind {
	case TkQuoted, TkNumber, TkString, TkParam, TkColRef:
		return true
	case TkWord:
		return !isReserved(t.Val) || t.Val == "END" || t.Val == "NULL" || t.Val == "TRUE" || t.Val == "FALSE" ||
			t.Val == "CURRENT_DATE" || t.Val == "CURRENT_TIMESTAMP" || t.Val == "CURRENT_TIME"
	case TkOp:
		return t.Text == ")" || t.Text == "]" || t.Text == "*" && false
	}
	return false
}

// exprName is Snowflake's name for an unaliased expression: its text with
// everything outside quoted identifiers upper-cased.
func exprName(toks []Token, i, end int) string {
	var b strings.Builder
	for k := i; k < end; k++ {
		tk := toks[k]
		if k > i && needsSpace(toks[k-1], tk) {
			b.WriteByte(' ')
		}
		switch tk.Kind {
		case TkQuoted:
			b.WriteString(tk.Val)
		default:
			b.WriteString(strings.ToUpper(tk.Text))
		}
	}
	return b.String()
}

func needsSpace(a, b Token) bool {
	// keep the source spacing: tokens adjacent in the source stay adjacent
	return b.Pos > a.Pos+len(a.Text)
}

// fromClause translates a FROM list with joins, resolving table names.
func (t *translator) fromClause(i, end int) ([]piece, int, error) {
	var ps []piece
	for {
		fp, j, err := t.tableFactor(i, end)
		if err != nil {
			return nil, i, err
		}
		ps = append(ps, fp...)
		i = j
	rest:
		if i >= end {
			return ps, i, nil
		}
		tok := t.toks[i]
		switch {
		case tok.IsOp(","):
			ps = append(ps, piece{text: ",", op: true})
			i++
			continue
		case tok.Kind == TkWord && joinWords[tok.Val] && !t.toks[i+1].IsOp("("):
			for i < end && t.toks[i].Kind == TkWord && joinWords[t.toks[i].Val] {
				ps = append(ps, piece{text: t.toks[i].Val, op: true})
				i++
				if t.toks[i-1].Val == "JOIN" {
					break
				}
			}
			continue
		case tok.Is("ON"):
			k := i + 1
			depth := 0
			for ; k < end; k++ {
				tk := t.toks[k]
				if tk.IsOp("(") {
					depth++
				} else if tk.IsOp(")") {
					depth--
				}
				if depth < 0 {
					break
				}
				if depth == 0 && (tk.IsOp(",") || (tk.Kind == TkWord && (fromEndWords[tk.Val] || joinWords[tk.Val] && !t.toks[k+1].IsOp("(")))) {
					break
				}
			}
			sub, err := t.seq(i+1, k)
			if err != nil {
				return nil, i, err
			}
			ps = append(ps, piece{text: "ON", op: true})
			ps = append(ps, sub...)
			i = k
			goto rest
		case tok.Is("USING") && t.toks[i+1].IsOp("("):
			cl := matching(t.toks, i+1)
			sub, err := t.seq(i+1, cl+1)
			if err != nil {
				return nil, i, err
			}
			ps = append(ps, piece{text: "USING", op: true})
			ps = append(ps, sub...)
			i = cl + 1
			goto rest
		default:
			return ps, i, nil
		}
	}
}

// tableFactor translates one table reference with its alias.
func (t *translator) tableFactor(i, end int) ([]piece, int, error) {
	tok := t.toks[i]
	var ps []piece
	var entry *tableEntry
	defAlias := ""
	switch {
	case tok.IsOp("("):
		cl := matching(t.toks, i)
		if cl < 0 || cl > end {
			return nil, i, errSyntaxAt(tok, "; missing ')'")
		}
		t.depth++
		scope := t.subqueryScope(i)
		n0 := len(t.refs)
		prevDepth, prevCols, prevSet := t.subDepth, t.subCols, t.subColsSet
		t.subDepth, t.subCols, t.subColsSet = t.depth, nil, false
		inner, _, err := t.exprRange(i+1, cl)
		if err == nil && t.subColsSet {
			entry = derivedEntry(t.subCols, t.refs[n0:])
		}
		t.subDepth, t.subCols, t.subColsSet = prevDepth, prevCols, prevSet
		scope()
		t.depth--
		if err != nil {
			return nil, i, err
		}
		ps = append(ps, piece{text: "(" + inner + ")"})
		i = cl + 1
	case tok.Is("LATERAL"), tok.Is("TABLE"):
		return nil, i, unsupported("%s table functions (FLATTEN, RESULT_SCAN, GENERATOR…)", tok.Val)
	case tok.Is("VALUES"):
		return nil, i, unsupported("FROM VALUES without parentheses; write FROM (VALUES …) AS t(a, b)")
	case tok.Kind == TkWord && tok.Val == "IDENTIFIER" && t.toks[i+1].IsOp("("):
		n, j, err := t.identifierFunc(i)
		if err != nil {
			return nil, i, err
		}
		txt, e, err := t.tableRefText(n)
		if err != nil {
			return nil, i, err
		}
		ps, entry, defAlias, i = append(ps, piece{text: txt}), e, n.Name, j
	case tok.Kind == TkWord || tok.Kind == TkQuoted:
		parts, j, err := parseNameParts(t.toks, i)
		if err != nil {
			return nil, i, err
		}
		if t.toks[j].IsOp("(") {
			return nil, i, unsupported("table function %s(…)", strings.Join(parts, "."))
		}
		if len(parts) == 1 && t.ctes[parts[0]] {
			ps = append(ps, piece{text: qcol(parts[0])})
			i = j
			break
		}
		if len(parts) == 1 && parts[0] == "DUAL" {
			ps = append(ps, piece{text: "(SELECT 1) AS \"DUAL\""})
			return ps, j, nil
		}
		n, err := t.s.resolveParts(parts)
		if err != nil {
			return nil, i, err
		}
		txt, e, err := t.tableRefText(n)
		if err != nil {
			return nil, i, err
		}
		ps, entry, defAlias, i = append(ps, piece{text: txt}), e, n.Name, j
	default:
		return nil, i, errSyntaxAt(tok, "; expected a table")
	}
	// time travel and sampling are not emulated
	if i < end && t.toks[i].Kind == TkWord && (t.toks[i].Val == "AT" || t.toks[i].Val == "BEFORE" || t.toks[i].Val == "CHANGES") && t.toks[i+1].IsOp("(") {
		return nil, i, unsupported("time travel (%s)", t.toks[i].Val)
	}
	alias := ""
	if i < end && t.toks[i].Is("AS") {
		i++
		if !isIdentTok(t.toks[i]) {
			return nil, i, errSyntaxAt(t.toks[i], "; expected an alias")
		}
	}
	if i < end && isIdentTok(t.toks[i]) && !joinWords[t.toks[i].Val] && !fromEndWords[t.toks[i].Val] {
		alias = identVal(t.toks[i])
		i++
		aliasTxt := "AS " + qcol(alias)
		if i < end && t.toks[i].IsOp("(") {
			cl := matching(t.toks, i)
			var names []string
			for _, r := range splitTop(t.toks, i+1, cl) {
				if r[1]-r[0] != 1 || !isIdentTok(t.toks[r[0]]) {
					return nil, i, errSyntaxAt(t.toks[r[0]], "; expected a column alias")
				}
				names = append(names, qcol(identVal(t.toks[r[0]])))
			}
			aliasTxt += "(" + strings.Join(names, ", ") + ")"
			i = cl + 1
		}
		ps = append(ps, piece{text: aliasTxt, op: true})
	} else if entry != nil && entry.info.DuckRef == "" && defAlias != "" {
		// generated INFORMATION_SCHEMA subquery: DuckDB needs an alias
		ps = append(ps, piece{text: "AS " + qcol(defAlias), op: true})
	}
	if entry != nil {
		if alias == "" {
			alias = defAlias
		}
		t.refs = append(t.refs, tableRef{alias: alias, entry: entry})
	}
	return ps, i, nil
}

// tableRefText is the DuckDB text for a table name in FROM: a DuckDB reference, or a
// generated subquery for INFORMATION_SCHEMA views.
func (t *translator) tableRefText(n ObjectName) (string, *tableEntry, error) {
	if n.Schema == "INFORMATION_SCHEMA" {
		return t.infoSchemaRef(n)
	}
	e := t.cat.lookup(n)
	if e == nil {
		return "", nil, errNotExist("table", n)
	}
	return e.info.DuckRef, e, nil
}

// identifierFunc resolves IDENTIFIER('name') / IDENTIFIER(?) at toks[i].
func (t *translator) identifierFunc(i int) (ObjectName, int, error) {
	cl := matching(t.toks, i+1)
	if cl != i+3 {
		return ObjectName{}, i, unsupported("IDENTIFIER() with an expression; pass a string literal or a bind")
	}
	arg := t.toks[i+2]
	var raw string
	switch arg.Kind {
	case TkString:
		raw = arg.Val
	case TkParam:
		v, err := t.bindString(arg)
		if err != nil {
			return ObjectName{}, i, err
		}
		raw = v
	default:
		return ObjectName{}, i, unsupported("IDENTIFIER() with an expression; pass a string literal or a bind")
	}
	n, err := t.s.resolveName(raw)
	return n, cl + 1, err
}
