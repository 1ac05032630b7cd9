package engine

import (
	"context"
	"strconv"
	"strings"
)

// MERGE arrived in DuckDB 1.4; with DuckDB 1.1 the engine rewrites it, inside the
// statement's transaction, into:
//  1. S: the source materialised as a temp table with a row number (sf_sid);
//  2. P: the matching (target rowid, source row, chosen WHEN MATCHED clause) computed
//     once, before anything changes — so later steps see the original state, as a
//     single MERGE would;
//  3. one UPDATE … FROM / DELETE … USING per WHEN MATCHED clause, keyed by rowid;
//  4. one INSERT … SELECT per WHEN NOT MATCHED clause over the source rows not in P.
// A target row matched by several source rows is an error when an UPDATE/DELETE
// clause applies (Snowflake's ERROR_ON_NONDETERMINISTIC_MERGE default).

type mergeClause struct {
	matched bool
	cond    string // translated AND condition, "" = always
	action  string // UPDATE DELETE INSERT
	sets    string // translated SET list
	cols    []string
	values  []string
}

func (s *Session) execMerge(ctx context.Context, toks []Token, binds map[string]Bind, describeOnly bool) (*Result, error) {
	if !toks[1].Is("INTO") {
		return nil, errSyntaxAt(toks[1], "; expected INTO")
	}
	t, err := s.newTranslator(ctx, toks, binds)
	if err != nil {
		return nil, err
	}
	// target
	parts, i, err := parseNameParts(toks, 2)
	if err != nil {
		return nil, err
	}
	tn, err := s.resolveParts(parts)
	if err != nil {
		return nil, err
	}
	te := t.cat.lookup(tn)
	if te == nil || te.view {
		return nil, errNotExist("table", tn)
	}
	talias := tn.Name
	if toks[i].Is("AS") {
		i++
	}
	if isIdentTok(toks[i]) && !toks[i].Is("USING") {
		talias = identVal(toks[i])
		i++
	}
	t.refs = append(t.refs, tableRef{alias: talias, entry: te})
	if !toks[i].Is("USING") {
		return nil, errSyntaxAt(toks[i], "; expected USING")
	}
	i++
	// source
	srcStart := i
	var srcText, salias string
	var srcEntry *tableEntry // the source's column types (ext.go: extended values)
	switch {
	case toks[i].IsOp("("):
		cl := matching(toks, i)
		if cl < 0 {
			return nil, errSyntaxAt(toks[i], "; missing ')'")
		}
		nrows, err := arrayBindRows(binds)
		if err != nil {
			return nil, err
		}
		var branches []string
		for r := 0; r < nrows; r++ {
			t.row, t.qmark = r, 1
			t.depth++
			n0 := len(t.refs)
			t.subDepth, t.subCols, t.subColsSet = t.depth, nil, false
			inner, _, err := t.exprRange(i+1, cl)
			if err == nil && r == 0 && t.subColsSet {
				srcEntry = derivedEntry(t.subCols, t.refs[n0:])
			}
			t.subDepth, t.subCols, t.subColsSet = 0, nil, false
			t.refs = t.refs[:n0]
			t.depth--
			if err != nil {
				return nil, err
			}
			branches = append(branches, "SELECT * FROM ("+inner+")")
		}
		srcText = "(" + strings.Join(branches, " UNION ALL ") + ")"
		i = cl + 1
		salias = "SRC"
	default:
		sp, j, err := parseNameParts(toks, i)
		if err != nil {
			return nil, err
		}
		sn, err := s.resolveParts(sp)
		if err != nil {
			return nil, err
		}
		ref, e, err := t.tableRefText(sn)
		if err != nil {
			return nil, err
		}
		srcText, srcEntry = ref, e
		salias = sn.Name
		i = j
	}
	_ = srcStart
	if toks[i].Is("AS") {
		i++
	}
	var aliasCols []string
	if isIdentTok(toks[i]) && !toks[i].Is("ON") {
		salias = identVal(toks[i])
		i++
		if toks[i].IsOp("(") {
			cl := matching(toks, i)
			for _, r := range splitTop(toks, i+1, cl) {
				aliasCols = append(aliasCols, qcol(identVal(toks[r[0]])))
			}
			i = cl + 1
		}
	}
	if !toks[i].Is("ON") {
		return nil, errSyntaxAt(toks[i], "; expected ON")
	}
	if srcEntry != nil && len(aliasCols) == 0 {
		t.refs = append(t.refs, tableRef{alias: salias, entry: srcEntry})
	}
	// ON condition up to the first WHEN [NOT] MATCHED
	onStart := i + 1
	k := onStart
	for ; toks[k].Kind != TkEOF; k++ {
		if toks[k].Is("WHEN") && (toks[k+1].Is("MATCHED") || (toks[k+1].Is("NOT") && toks[k+2].Is("MATCHED"))) {
			break
		}
	}
	if toks[k].Kind == TkEOF {
		return nil, errSyntaxAt(toks[k], "; expected WHEN MATCHED / WHEN NOT MATCHED")
	}
	// The source columns are needed for type hints of unqualified references; the
	// source is registered as an alias without an entry (types come from DuckDB).
	on, _, err := t.exprRange(onStart, k)
	if err != nil {
		return nil, err
	}
	clauses, err := s.parseMergeClauses(t, toks, k, te)
	if err != nil {
		return nil, err
	}
	var names []string
	has := map[string]bool{}
	for _, c := range clauses {
		has[c.action] = true
	}
	for _, a := range []string{"INSERT", "UPDATE", "DELETE"} {
		if has[a] {
			names = append(names, map[string]string{"INSERT": "number of rows inserted", "UPDATE": "number of rows updated", "DELETE": "number of rows deleted"}[a])
		}
	}
	if describeOnly {
		return dmlResult(StmtMerge, names, make([]int64, len(names))), nil
	}
	counts, err := s.runMerge(ctx, te, talias, srcText, salias, aliasCols, on, clauses)
	if err != nil {
		return nil, err
	}
	var out []int64
	for _, a := range []string{"INSERT", "UPDATE", "DELETE"} {
		if has[a] {
			out = append(out, counts[a])
		}
	}
	return dmlResult(StmtMerge, names, out), nil
}

func (s *Session) parseMergeClauses(t *translator, toks []Token, k int, te *tableEntry) ([]mergeClause, error) {
	var out []mergeClause
	isClauseStart := func(j int) bool {
		return toks[j].Is("WHEN") && (toks[j+1].Is("MATCHED") || (toks[j+1].Is("NOT") && toks[j+2].Is("MATCHED")))
	}
	for toks[k].Kind != TkEOF {
		if !isClauseStart(k) {
			return nil, errSyntaxAt(toks[k], "; expected WHEN")
		}
		end := k + 1
		for ; toks[end].Kind != TkEOF && !isClauseStart(end); end++ {
		}
		var c mergeClause
		j := k + 1
		if toks[j].Is("NOT") {
			j += 2
		} else {
			c.matched = true
			j++
		}
		if toks[j].Is("BY") {
			if toks[j+1].Is("SOURCE") {
				return nil, unsupported("WHEN NOT MATCHED BY SOURCE")
			}
			j += 2
		}
		then := findTop(toks, j, end, "THEN")
		if then < 0 {
			return nil, errSyntaxAt(toks[j], "; expected THEN")
		}
		if toks[j].Is("AND") {
			cond, _, err := t.exprRange(j+1, then)
			if err != nil {
				return nil, err
			}
			c.cond = cond
		} else if j != then {
			return nil, errSyntaxAt(toks[j], "")
		}
		a := then + 1
		switch {
		case c.matched && toks[a].Is("UPDATE") && toks[a+1].Is("SET"):
			c.action = "UPDATE"
			var sets []string
			for _, r := range splitTop(toks, a+2, end) {
				if r[1]-r[0] < 3 || !toks[r[0]+1].IsOp("=") && !(toks[r[0]+1].IsOp(".") && toks[r[0]+3].IsOp("=")) {
					return nil, errSyntaxAt(toks[r[0]], "; expected column = expression")
				}
				col, ex := r[0], r[0]+2
				if toks[r[0]+1].IsOp(".") { // alias.col = …
					col, ex = r[0]+2, r[0]+4
				}
				name := identVal(toks[col])
				if te.info.Column(name) == nil {
					return nil, Errorf(ErrInvalidIdentifier, "42000", "SQL compilation error: error line 0 at position 0\ninvalid identifier '%s'", sfIdent(name))
				}
				v, err := t.assignExt(colType(te, name), ex, r[1])
				if err != nil {
					return nil, err
				}
				sets = append(sets, qcol(name)+" = "+v)
			}
			c.sets = strings.Join(sets, ", ")
		case c.matched && toks[a].Is("DELETE") && a+1 == end:
			c.action = "DELETE"
		case !c.matched && toks[a].Is("INSERT"):
			c.action = "INSERT"
			b := a + 1
			if toks[b].IsOp("(") {
				cl := matching(toks, b)
				for _, r := range splitTop(toks, b+1, cl) {
					name := identVal(toks[r[0]])
					if r[1]-r[0] != 1 || te.info.Column(name) == nil {
						return nil, Errorf(ErrInvalidIdentifier, "42000", "SQL compilation error: error line 0 at position 0\ninvalid identifier '%s'", sfIdent(name))
					}
					c.cols = append(c.cols, qcol(name))
				}
				b = cl + 1
			}
			if !toks[b].Is("VALUES") || !toks[b+1].IsOp("(") {
				return nil, errSyntaxAt(toks[b], "; expected VALUES (…)")
			}
			cl := matching(toks, b+1)
			if cl+1 != end {
				return nil, errSyntaxAt(toks[cl+1], "")
			}
			for k, r := range splitTop(toks, b+2, cl) {
				var st *sfType
				switch {
				case len(c.cols) > 0 && k < len(c.cols):
					for n, col := range te.info.Columns {
						if qcol(col.Name) == c.cols[k] && n < len(te.sfTypes) {
							st = &te.sfTypes[n]
						}
					}
				case len(c.cols) == 0 && k < len(te.sfTypes):
					st = &te.sfTypes[k]
				}
				v, err := t.assignExt(st, r[0], r[1])
				if err != nil {
					return nil, err
				}
				c.values = append(c.values, v)
			}
			if len(c.cols) > 0 && len(c.cols) != len(c.values) {
				return nil, Errorf(ErrSyntax, "42601", "SQL compilation error:\nINSERT has %d columns but %d values", len(c.cols), len(c.values))
			}
		default:
			return nil, errSyntaxAt(toks[a], "; expected UPDATE SET, DELETE or INSERT")
		}
		out = append(out, c)
		k = end
	}
	return out, nil
}

func (s *Session) runMerge(ctx context.Context, te *tableEntry, talias, srcText, salias string, aliasCols []string, on string, clauses []mergeClause) (map[string]int64, error) {
	sTmp := "sf_merge_s_" + strconv.FormatInt(s.id, 10)
	pTmp := "sf_merge_p_" + strconv.FormatInt(s.id, 10)
	ta, sa := qcol(talias), qcol(salias)
	srcAlias := sa
	if len(aliasCols) > 0 {
		srcAlias += "(" + strings.Join(aliasCols, ", ") + ")"
	}
	// A MERGE's matches cannot be proven on a stale snapshot: nil check.
	if err := s.mutate(ctx, te.info.DuckRef, nil); err != nil {
		return nil, err
	}
	defer func() {
		// best effort: the temp tables vanish with the transaction's connection anyway
		_, _ = s.conn.ExecContext(context.Background(), "DROP TABLE IF EXISTS temp."+sTmp)
		_, _ = s.conn.ExecContext(context.Background(), "DROP TABLE IF EXISTS temp."+pTmp)
	}()
	if _, err := s.execDuck(ctx, "CREATE OR REPLACE TEMP TABLE "+sTmp+" AS SELECT row_number() OVER () AS sf_sid, "+sa+".* FROM "+srcText+" AS "+srcAlias); err != nil {
		return nil, err
	}
	var matchedCase []string
	updDel := false
	for k, c := range clauses {
		if !c.matched {
			continue
		}
		updDel = true
		cond := "TRUE"
		if c.cond != "" {
			cond = c.cond
		}
		matchedCase = append(matchedCase, "WHEN "+cond+" THEN "+strconv.Itoa(k+1))
	}
	act := "0"
	if len(matchedCase) > 0 {
		act = "CASE " + strings.Join(matchedCase, " ") + " ELSE 0 END"
	}
	if _, err := s.execDuck(ctx, "CREATE OR REPLACE TEMP TABLE "+pTmp+" AS SELECT "+ta+".rowid AS sf_rid, "+sa+".sf_sid AS sf_sid, "+act+" AS sf_act FROM "+te.info.DuckRef+" AS "+ta+" JOIN "+sTmp+" AS "+sa+" ON "+on); err != nil {
		return nil, err
	}
	if updDel {
		rows, err := s.queryDuck(ctx, "SELECT count(*) FROM (SELECT sf_rid FROM "+pTmp+" WHERE sf_act > 0 GROUP BY sf_rid HAVING count(*) > 1)")
		if err != nil {
			return nil, err
		}
		var dup int64
		if rows.Next() {
			_ = rows.Scan(&dup)
		}
		rows.Close()
		if dup > 0 {
			return nil, Errorf(100090, "42P18", "Duplicate row detected during DML action\nRow Values: %d target rows are matched by more than one source row", dup)
		}
	}
	counts := map[string]int64{}
	for k, c := range clauses {
		idx := strconv.Itoa(k + 1)
		var q string
		switch c.action {
		case "UPDATE":
			q = "UPDATE " + te.info.DuckRef + " AS " + ta + " SET " + c.sets + " FROM " + sTmp + " AS " + sa + ", " + pTmp +
				" WHERE " + pTmp + ".sf_act = " + idx + " AND " + ta + ".rowid = " + pTmp + ".sf_rid AND " + sa + ".sf_sid = " + pTmp + ".sf_sid"
		case "DELETE":
			q = "DELETE FROM " + te.info.DuckRef + " AS " + ta + " USING " + pTmp + " WHERE " + pTmp + ".sf_act = " + idx + " AND " + ta + ".rowid = " + pTmp + ".sf_rid"
		case "INSERT":
			// first matching NOT MATCHED clause wins
			var prior []string
			for _, o := range clauses[:k] {
				if !o.matched {
					pc := "TRUE"
					if o.cond != "" {
						pc = o.cond
					}
					prior = append(prior, "NOT COALESCE(("+pc+"), FALSE)")
				}
			}
			where := sa + ".sf_sid NOT IN (SELECT sf_sid FROM " + pTmp + ")"
			if c.cond != "" {
				where += " AND COALESCE((" + c.cond + "), FALSE)"
			}
			for _, p := range prior {
				where += " AND " + p
			}
			cols := ""
			if len(c.cols) > 0 {
				cols = " (" + strings.Join(c.cols, ", ") + ")"
			}
			q = "INSERT INTO " + te.info.DuckRef + cols + " SELECT " + strings.Join(c.values, ", ") + " FROM " + sTmp + " AS " + sa + " WHERE " + where
		}
		n, err := s.execDuck(ctx, q)
		if err != nil {
			return nil, err
		}
		counts[c.action] += n
	}
	return counts, nil
}
