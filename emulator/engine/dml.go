package engine

import (
	"context"
	"strconv"
	"strings"
)

// dmlResult is the one-row result of INSERT/UPDATE/DELETE/MERGE.
func dmlResult(typ int64, names []string, counts []int64) *Result {
	r := &Result{StatementTypeID: typ}
	row := make([]*string, len(names))
	for k, n := range names {
		r.Columns = append(r.Columns, Column{Name: n, Type: "fixed", Precision: 19, Nullable: false})
		v := strconv.FormatInt(counts[k], 10)
		row[k] = &v
	}
	r.Rows = [][]*string{row}
	return r
}

// arrayBindRows is the number of rows an array-bound statement runs for (1 when no
// bind is an array).
func arrayBindRows(binds map[string]Bind) (int, error) {
	n := -1
	for k, b := range binds {
		var l int
		switch v := b.Value.(type) {
		case []any:
			l = len(v)
		case []string:
			l = len(v)
		default:
			continue
		}
		if n >= 0 && l != n {
			return 0, Errorf(ErrSyntax, "42601", "array binds have different lengths (%s has %d, others %d)", k, l, n)
		}
		n = l
	}
	if n < 0 {
		return 1, nil
	}
	return n, nil
}

func (s *Session) execInsert(ctx context.Context, toks []Token, binds map[string]Bind, describeOnly bool) (*Result, error) {
	cols := []string{"number of rows inserted"}
	i := 1
	overwrite := false
	if toks[i].Is("OVERWRITE") {
		overwrite = true
		i++
	}
	if toks[i].Is("ALL") || toks[i].Is("FIRST") {
		return nil, unsupported("multi-table INSERT %s", toks[i].Val)
	}
	if !toks[i].Is("INTO") {
		return nil, errSyntaxAt(toks[i], "; expected INTO")
	}
	i++
	t, err := s.newTranslator(ctx, toks, binds)
	if err != nil {
		return nil, err
	}
	var n ObjectName
	if toks[i].Is("IDENTIFIER") && toks[i+1].IsOp("(") {
		n, i, err = t.identifierFunc(i)
	} else {
		var parts []string
		parts, i, err = parseNameParts(toks, i)
		if err == nil {
			n, err = s.resolveParts(parts)
		}
	}
	if err != nil {
		return nil, err
	}
	e := t.cat.lookup(n)
	if e == nil {
		return nil, errNotExist("table", n)
	}
	if e.view {
		return nil, Errorf(ErrSyntax, "42601", "SQL compilation error:\ncannot insert into view '%s'", n.String())
	}
	// optional alias is not allowed in Snowflake INSERT; column list
	var colList []string
	if toks[i].IsOp("(") {
		cl := matching(toks, i)
		for _, r := range splitTop(toks, i+1, cl) {
			if r[1]-r[0] != 1 || !isIdentTok(toks[r[0]]) {
				return nil, errSyntaxAt(toks[r[0]], "; expected a column name")
			}
			c := identVal(toks[r[0]])
			if e.info.Column(c) == nil {
				return nil, Errorf(ErrInvalidIdentifier, "42000", "SQL compilation error: error line 0 at position 0\ninvalid identifier '%s'", sfIdent(c))
			}
			colList = append(colList, qcol(c))
		}
		i = cl + 1
	}
	if describeOnly {
		return dmlResult(StmtInsert, cols, []int64{0}), nil
	}
	head := "INSERT INTO " + e.info.DuckRef
	if len(colList) > 0 {
		head += " (" + strings.Join(colList, ", ") + ")"
	}
	var body string
	if toks[i].Is("VALUES") {
		nrows, err := arrayBindRows(binds)
		if err != nil {
			return nil, err
		}
		var tuples []string
		start := i + 1
		for r := 0; r < nrows; r++ {
			t.row = r
			t.qmark = 1
			for _, rg := range splitTop(toks, start, stmtEnd(toks)) {
				if !toks[rg[0]].IsOp("(") || matching(toks, rg[0]) != rg[1]-1 {
					return nil, errSyntaxAt(toks[rg[0]], "; expected a parenthesised row")
				}
				t.inValues = true
				txt, _, err := t.exprRange(rg[0], rg[1])
				t.inValues = false
				if err != nil {
					return nil, err
				}
				tuples = append(tuples, txt)
			}
		}
		body = "VALUES " + strings.Join(tuples, ", ")
	} else if toks[i].Is("SELECT") || toks[i].Is("WITH") || toks[i].IsOp("(") {
		q, _, err := t.exprRange(i, stmtEnd(toks))
		if err != nil {
			return nil, err
		}
		body = q
	} else {
		return nil, errSyntaxAt(toks[i], "; expected VALUES or a query")
	}
	body, err = s.storeExtInsert(ctx, e, colList, body)
	if err != nil {
		return nil, err
	}
	body = s.localizeInsert(e, colList, body)
	if overwrite {
		if err := s.mutate(ctx, e.info.DuckRef, &freshCheck{from: e.info.DuckRef}); err != nil {
			return nil, err
		}
		if _, err := s.execDuck(ctx, "DELETE FROM "+e.info.DuckRef); err != nil {
			return nil, err
		}
	}
	if err := s.appendTo(ctx, e.info.DuckRef); err != nil {
		return nil, err
	}
	cnt, err := s.execDuck(ctx, head+" "+body)
	if err != nil {
		return nil, err
	}
	return dmlResult(StmtInsert, cols, []int64{cnt}), nil
}

// localizeInsert makes strings and TIMESTAMP_NTZ values inserted into LTZ/TZ columns
// mean wall-clock time in the session time zone (DuckDB alone would read them as
// UTC). Only needed when the session is not in UTC.
func (s *Session) localizeInsert(e *tableEntry, colList []string, body string) string {
	if s.offsetSeconds() == 0 {
		return body
	}
	var targets []int
	if len(colList) == 0 {
		for k := range e.info.Columns {
			targets = append(targets, k)
		}
	} else {
		for _, q := range colList {
			for k, c := range e.info.Columns {
				if c.DuckName == q {
					targets = append(targets, k)
				}
			}
		}
	}
	need := false
	var names, sel []string
	for n, k := range targets {
		alias := "c" + strconv.Itoa(n)
		names = append(names, alias)
		if k < len(e.sfTypes) && !e.sfTypes[k].extended() && (e.sfTypes[k].Base == "TIMESTAMP_LTZ" || e.sfTypes[k].Base == "TIMESTAMP_TZ") {
			need = true
			sel = append(sel, s.strToLTZ(alias, false))
		} else {
			sel = append(sel, alias)
		}
	}
	if !need {
		return body
	}
	return "SELECT " + strings.Join(sel, ", ") + " FROM (" + body + ") AS sf_ins(" + strings.Join(names, ", ") + ")"
}

// dmlTarget parses the target table (with optional alias) of UPDATE/DELETE.
func (s *Session) dmlTarget(t *translator, i int) (string, *tableEntry, int, error) {
	ps, j, err := t.tableFactor(i, stmtEnd(t.toks))
	if err != nil {
		return "", nil, i, err
	}
	if len(t.refs) == 0 {
		return "", nil, i, errSyntaxAt(t.toks[i], "; expected a table")
	}
	e := t.refs[len(t.refs)-1].entry
	if e.view || e.info.DuckRef == "" {
		return "", nil, i, unsupported("DML on a view or INFORMATION_SCHEMA")
	}
	return joinPieces(ps), e, j, nil
}

func (s *Session) execUpdate(ctx context.Context, toks []Token, binds map[string]Bind, describeOnly bool) (*Result, error) {
	cols := []string{"number of rows updated", "number of multi-joined rows updated"}
	if describeOnly {
		return dmlResult(StmtUpdate, cols, []int64{0, 0}), nil
	}
	return s.runDMLRows(ctx, toks, binds, StmtUpdate, cols, func(t *translator) (dmlSQL, error) {
		target, e, j, err := s.dmlTarget(t, 1)
		if err != nil {
			return dmlSQL{}, err
		}
		if !toks[j].Is("SET") {
			return dmlSQL{}, errSyntaxAt(toks[j], "; expected SET")
		}
		end := stmtEnd(toks)
		d := dmlSQL{ref: e.info.DuckRef}
		if f := topLevelWord(toks, j+1, end, "FROM"); f >= 0 {
			// UPDATE … FROM: the joined rows cannot be proven on a stale snapshot
			rest, _, err := t.exprRange(f, end)
			if err != nil {
				return dmlSQL{}, err
			}
			sets, err := t.setList(e, j+1, f)
			if err != nil {
				return dmlSQL{}, err
			}
			d.q = "UPDATE " + target + " SET " + sets + " " + rest
			return d, nil
		}
		w := topLevelWord(toks, j+1, end, "WHERE")
		setEnd := end
		if w >= 0 {
			setEnd = w
		}
		sets, err := t.setList(e, j+1, setEnd)
		if err != nil {
			return dmlSQL{}, err
		}
		d.q = "UPDATE " + target + " SET " + sets
		d.check = &freshCheck{from: target, sets: setColumns(toks, j+1, setEnd), refs: map[string]bool{}}
		if w >= 0 {
			d.check.refs = namesIn(toks, w+1, end)
			pred, _, err := t.exprRange(w+1, end)
			if err != nil {
				return dmlSQL{}, err
			}
			d.q += " WHERE " + pred
			d.check.from += " WHERE " + pred
		}
		return d, nil
	})
}

// setColumns lists the columns of an UPDATE's SET items in toks[i:end] (as setList
// reads them), or nil when an item is not a plain "[t.]col = expr".
func setColumns(toks []Token, i, end int) []string {
	var cols []string
	for _, r := range splitTop(toks, i, end) {
		col, ex := r[0], r[0]+2
		if r[1]-r[0] >= 5 && toks[r[0]+1].IsOp(".") && toks[r[0]+3].IsOp("=") {
			col, ex = r[0]+2, r[0]+4
		}
		if r[1]-r[0] < 3 || !isIdentTok(toks[col]) || !toks[ex-1].IsOp("=") {
			return nil
		}
		cols = append(cols, identVal(toks[col]))
	}
	if cols == nil {
		return nil
	}
	return cols
}

// namesIn collects the words and quoted identifiers of toks[i:end] upper-cased: every
// column a WHERE clause can mention, with keywords and function names besides. It is
// nil when a column can be referred to without its name (*, IDENTIFIER(…)).
func namesIn(toks []Token, i, end int) map[string]bool {
	out := map[string]bool{}
	for k := i; k < end && k < len(toks); k++ {
		t := toks[k]
		switch {
		case t.IsOp("*"), t.Is("IDENTIFIER"), t.Kind == TkColRef:
			return nil
		case t.Kind == TkWord, t.Kind == TkQuoted:
			out[strings.ToUpper(t.Val)] = true
		}
	}
	return out
}

// topLevelWord finds keyword kw outside parentheses in toks[from:to], or -1.
func topLevelWord(toks []Token, from, to int, kw string) int {
	depth := 0
	for k := from; k < to; k++ {
		switch {
		case toks[k].IsOp("("):
			depth++
		case toks[k].IsOp(")"):
			depth--
		case depth == 0 && toks[k].Kind == TkWord && toks[k].Is(kw):
			return k
		}
	}
	return -1
}

func (s *Session) execDelete(ctx context.Context, toks []Token, binds map[string]Bind, describeOnly bool) (*Result, error) {
	cols := []string{"number of rows deleted"}
	if !toks[1].Is("FROM") {
		return nil, errSyntaxAt(toks[1], "; expected FROM")
	}
	if describeOnly {
		return dmlResult(StmtDelete, cols, []int64{0}), nil
	}
	return s.runDMLRows(ctx, toks, binds, StmtDelete, cols, func(t *translator) (dmlSQL, error) {
		target, e, j, err := s.dmlTarget(t, 2)
		if err != nil {
			return dmlSQL{}, err
		}
		d := dmlSQL{ref: e.info.DuckRef, q: "DELETE FROM " + target}
		using := toks[j].Is("USING")
		if using {
			ps, k, err := t.fromClause(j+1, stmtEnd(toks))
			if err != nil {
				return dmlSQL{}, err
			}
			d.q += " USING " + joinPieces(ps)
			j = k
		}
		rest := ""
		if j < stmtEnd(toks) {
			rest, _, err = t.exprRange(j, stmtEnd(toks))
			if err != nil {
				return dmlSQL{}, err
			}
			d.q += " " + rest
		}
		if !using && (rest == "" || toks[j].Is("WHERE")) {
			d.check = &freshCheck{from: strings.TrimSpace(target + " " + rest), refs: namesIn(toks, j, stmtEnd(toks))}
		}
		return d, nil
	})
}

// dmlSQL is one translated UPDATE/DELETE with what it locks and how a stale snapshot
// is checked (nil: it cannot be).
type dmlSQL struct {
	q, ref string
	check  *freshCheck
}

// runDMLRows translates and runs a DML statement once per array-bind row.
func (s *Session) runDMLRows(ctx context.Context, toks []Token, binds map[string]Bind, typ int64, cols []string, build func(*translator) (dmlSQL, error)) (*Result, error) {
	nrows, err := arrayBindRows(binds)
	if err != nil {
		return nil, err
	}
	var total int64
	for r := 0; r < nrows; r++ {
		t, err := s.newTranslator(ctx, toks, binds)
		if err != nil {
			return nil, err
		}
		t.row = r
		d, err := build(t)
		if err != nil {
			return nil, err
		}
		if err := s.mutate(ctx, d.ref, d.check); err != nil {
			return nil, err
		}
		n, err := s.execDuck(ctx, d.q)
		if err != nil {
			return nil, err
		}
		total += n
	}
	counts := make([]int64, len(cols))
	counts[0] = total
	return dmlResult(typ, cols, counts), nil
}
