package tsql

import (
	"strings"

	"github.com/snowmigrate/snowmigrate/emulator/sqlserver/tds"
)

// SQL Server's padded comparisons beyond a single table: trailing spaces of character
// columns are ignored (and case too under a _CI_ collation) in comparisons of a SELECT
// over several tables (joins), in GROUP BY and in DISTINCT.

// isCharKind reports the character types whose comparisons pad with spaces.
func isCharKind(k tds.Kind) bool {
	switch k {
	case tds.Char, tds.VarChar, tds.NChar, tds.NVarChar, tds.SysName:
		return true
	}
	return false
}

// clauseEnd reports keywords that end a FROM list or a GROUP BY list.
func clauseEnd(t Token) bool {
	for _, kw := range []string{"WHERE", "GROUP", "ORDER", "HAVING", "UNION", "EXCEPT", "INTERSECT", "OPTION", "FOR", "WINDOW"} {
		if t.Is(kw) {
			return true
		}
	}
	return false
}

// topLevel returns the index of the first depth-0 token from 'from' for which stop is
// true, or len(toks).
func topLevel(toks []Token, from int, stop func(Token) bool) int {
	depth := 0
	for j := from; j < len(toks); j++ {
		switch toks[j].Kind {
		case LParen:
			depth++
		case RParen:
			depth--
		default:
			if depth == 0 && stop(toks[j]) {
				return j
			}
		}
	}
	return len(toks)
}

// joinScope records the character columns of every table of a SELECT's FROM list.
func (tr *translator) joinScope(toks []Token) {
	from := topLevel(toks, 1, func(t Token) bool { return t.Is("FROM") })
	multi, multiAll := map[string]map[string]tds.Type{}, map[string]map[string]tds.Type{}
	count := map[string]int{}
	bare, allBare := map[string]tds.Type{}, map[string]tds.Type{}
	allKnown := true
	j := from + 1
	for j < len(toks) {
		if toks[j].Kind == LParen {
			// a derived table: its columns are not known here
			allKnown = false
			e := matching(toks, j)
			if e < 0 {
				return
			}
			j = e + 1
		} else {
			parts, next := ReadName(toks, j)
			if len(parts) == 0 {
				return
			}
			alias := parts[len(parts)-1]
			if next < len(toks) && toks[next].Is("AS") {
				next++
			}
			if next < len(toks) && toks[next].IsName() && !isClauseKeyword(toks[next]) {
				alias = toks[next].Val
				next++
			}
			db, schema, obj := SplitName(parts)
			var cols []ColumnMeta
			ok := !strings.EqualFold(schema, "sys") && !strings.EqualFold(schema, "information_schema")
			if ok {
				cols, ok = tr.env.Columns(db, schema, obj)
			}
			if !ok {
				allKnown = false
			}
			m, all := map[string]tds.Type{}, map[string]tds.Type{}
			for _, c := range cols {
				name := strings.ToLower(c.Name)
				count[name]++
				all[name], allBare[name] = c.Type, c.Type
				if isCharKind(c.Type.Kind) {
					m[name] = c.Type
					bare[name] = c.Type
				}
			}
			multi[strings.ToLower(alias)] = m
			multiAll[strings.ToLower(alias)] = all
			j = next
		}
		// on to the next table: after a JOIN or a comma, or stop at the end of FROM
		k := topLevel(toks, j, func(t Token) bool { return t.Is("JOIN") || t.Kind == Comma || clauseEnd(t) })
		if k >= len(toks) || clauseEnd(toks[k]) {
			break
		}
		j = k + 1
	}
	tr.multi, tr.multiAll = multi, multiAll
	if allKnown {
		tr.multiBare, tr.multiAllBare = map[string]tds.Type{}, map[string]tds.Type{}
		for name, t := range bare {
			if count[name] == 1 {
				tr.multiBare[name] = t
			}
		}
		for name, t := range allBare {
			if count[name] == 1 {
				tr.multiAllBare[name] = t
			}
		}
	}
}

// columnKey identifies the character column that parts name ("alias.column"), if it is one.
func (tr *translator) columnKey(parts []string) (string, bool) {
	col := strings.ToLower(parts[len(parts)-1])
	if tr.text != nil && len(parts) <= 2 {
		// a datetimeoffset column of the single table groups by its instant
		if ct, ok := tr.cols[col]; ok && ct.Kind == tds.DateTimeOffset && (len(parts) == 1 || strings.EqualFold(parts[0], tr.alias)) {
			return strings.ToLower(tr.alias) + "." + col, true
		}
	}
	if _, ok := tr.textColumn(parts); !ok {
		return "", false
	}
	switch {
	case tr.text != nil:
		return strings.ToLower(tr.alias) + "." + col, true
	case len(parts) == 2:
		return strings.ToLower(parts[0]) + "." + col, true
	}
	for alias, m := range tr.multi {
		if _, ok := m[col]; ok {
			return alias + "." + col, true
		}
	}
	return "", false
}

var aggregates = map[string]bool{"COUNT": true, "COUNT_BIG": true, "SUM": true, "MIN": true, "MAX": true,
	"AVG": true, "STRING_AGG": true, "STDEV": true, "STDEVP": true, "VAR": true, "VARP": true, "CHECKSUM_AGG": true}

// grouping prepares a top-level SELECT's GROUP BY or DISTINCT over character columns (and
// datetimeoffset columns of a single table): the groups are formed without trailing
// spaces (and case under _CI_; datetimeoffset by instant), and the select list takes one
// value of each group (any_value), as SQL Server returns one of them.
func (tr *translator) grouping(toks []Token) {
	if len(toks) < 2 || !toks[0].Is("SELECT") || (tr.text == nil && tr.multi == nil) {
		return
	}
	start := 1
	if toks[1].Is("DISTINCT") || toks[1].Is("ALL") {
		start = 2
	}
	if start < len(toks) && toks[start].Is("TOP") {
		if start+1 < len(toks) && toks[start+1].Kind == LParen {
			start = matching(toks, start+1)
			if start < 0 {
				return
			}
		} else {
			start++
		}
		start++
	}
	from := topLevel(toks, start, func(t Token) bool { return t.Is("FROM") })
	group := topLevel(toks, from, func(t Token) bool { return t.Is("GROUP") })
	if group+1 < len(toks) && toks[group+1].Is("BY") {
		end := topLevel(toks, group+2, func(t Token) bool { return clauseEnd(t) && !t.Is("GROUP") || t.Kind == Semi })
		grouped := map[string]bool{}
		for _, item := range splitArgs(toks[group+2 : end]) {
			parts, next := ReadName(item, 0)
			if len(item) == 0 || next != len(item) {
				continue
			}
			if key, ok := tr.columnKey(parts); ok {
				if tr.groupKey == nil {
					tr.groupKey = map[int]bool{}
				}
				tr.groupKey[item[0].Pos] = true
				grouped[key] = true
			}
		}
		if len(grouped) > 0 {
			tr.markAnyValue(toks[start:from], grouped)
		}
		return
	}
	if toks[1].Is("DISTINCT") && from > start {
		// DISTINCT over plain column references: DISTINCT ON the padded keys
		var keys []string
		padded := false
		for _, item := range splitArgs(toks[start:from]) {
			parts, next := ReadName(item, 0)
			if len(item) == 0 || next != len(item) || parts[len(parts)-1] == "*" || len(parts) > 2 {
				return
			}
			var q []string
			for _, p := range parts {
				q = append(q, quoteIdent(p))
			}
			key := strings.Join(q, ".")
			if ct, ok := tr.textColumn(parts); ok {
				key, padded = rtrimmed(key, ct), true
			} else if tr.dtoColumn(item) {
				key, padded = "ss_dtokey("+key+")", true
			}
			keys = append(keys, key)
		}
		if padded && toks[1].Pos > 0 {
			tr.distinctOn = "DISTINCT ON (" + strings.Join(keys, ", ") + ")"
			tr.distinctPos = toks[1].Pos
		}
	}
}

// markAnyValue marks references to grouped columns in a select list that are not inside
// an aggregate.
func (tr *translator) markAnyValue(items []Token, grouped map[string]bool) {
	var calls []string
	for j := 0; j < len(items); j++ {
		t := items[j]
		switch {
		case t.Kind == LParen:
			name := ""
			if j > 0 && items[j-1].IsName() {
				name = strings.ToUpper(items[j-1].Val)
			}
			calls = append(calls, name)
		case t.Kind == RParen:
			if len(calls) > 0 {
				calls = calls[:len(calls)-1]
			}
		case t.IsName() && !(j > 0 && (items[j-1].Kind == Dot || items[j-1].Is("AS"))):
			parts, next := ReadName(items, j)
			if next < len(items) && (items[next].Kind == LParen || (items[next].Kind == Op && items[next].Val == "=" && len(calls) == 0)) {
				j = next - 1
				continue
			}
			inAggregate := false
			for _, c := range calls {
				inAggregate = inAggregate || aggregates[c]
			}
			if key, ok := tr.columnKey(parts); ok && grouped[key] && !inAggregate && t.Pos > 0 {
				if tr.anyValue == nil {
					tr.anyValue = map[int]bool{}
				}
				tr.anyValue[t.Pos] = true
			}
			j = next - 1
		}
	}
}

// inLists marks `col [NOT] IN (value, …)` over a character column: the column and the
// list's literals and parameters are compared without trailing spaces, as the = they
// stand for. IN (subquery) is left alone.
func (tr *translator) inLists(toks []Token) error {
	if tr.text == nil && tr.multi == nil {
		return nil
	}
	for i := 0; i < len(toks); i++ {
		if !toks[i].IsName() || (i > 0 && toks[i-1].Kind == Dot) {
			continue
		}
		parts, next := ReadName(toks, i)
		if next <= i {
			continue
		}
		in := next
		if in < len(toks) && toks[in].Is("NOT") {
			in++
		}
		if in+2 >= len(toks) || !toks[in].Is("IN") || toks[in+1].Kind != LParen || toks[in+2].Is("SELECT") || toks[in+2].Is("WITH") {
			i = next - 1
			continue
		}
		end := matching(toks, in+1)
		_, text := tr.textColumn(parts)
		dto := !text && tr.dtoColumn(toks[i:next])
		if !(text || dto) || end < 0 || toks[i].Pos <= 0 {
			i = next - 1
			continue
		}
		if tr.inCol == nil {
			tr.inCol, tr.trimLit = map[int]bool{}, map[int]bool{}
		}
		if tr.instant == nil {
			tr.instant = map[int]bool{}
		}
		tr.inCol[toks[i].Pos] = true
		for _, v := range splitArgs(toks[in+2 : end]) {
			if len(v) != 1 || (v[0].Kind != String && v[0].Kind != Var) || v[0].Pos <= 0 {
				continue
			}
			if text {
				tr.trimLit[v[0].Pos] = true
				continue
			}
			// datetimeoffset: each value in the column's form, compared by instant
			ct := tr.cols[strings.ToLower(parts[len(parts)-1])]
			tr.instant[v[0].Pos] = true
			if v[0].Kind == Var {
				if _, set := tr.target[strings.ToLower(v[0].Val)]; !set {
					tr.target[strings.ToLower(v[0].Val)] = ct
				}
				continue
			}
			c, err := canonical(v[0].Val, ct)
			if err != nil {
				return err
			}
			v[0].Val = c
		}
		i = end
	}
	return nil
}

// comparedWithText reports whether the value at toks[i] is compared (=, <, …, BETWEEN)
// with a character column whose trailing spaces are ignored: only then may its own
// trailing spaces go (in a SELECT over several tables, where not every name resolves).
func (tr *translator) comparedWithText(toks []Token, i int) bool {
	isText := func(a []Token) bool {
		parts, next := ReadName(a, 0)
		if len(a) == 0 || next != len(a) {
			return false
		}
		_, ok := tr.textColumn(parts)
		return ok
	}
	if i >= 2 && toks[i-1].Kind == Op && comparisonOps[toks[i-1].Val] {
		if s := operandStart(toks, i-2); s >= 0 && isText(toks[s:i-1]) {
			return true
		}
	}
	if i+2 < len(toks) && toks[i+1].Kind == Op && comparisonOps[toks[i+1].Val] {
		if e := operandEnd(toks, i+2); e > i+2 && isText(toks[i+2:e]) {
			return true
		}
	}
	// col BETWEEN value AND value: the column ends before BETWEEN
	end := -1
	if i >= 2 && toks[i-1].Is("BETWEEN") {
		end = i - 2
	} else if i >= 4 && toks[i-1].Is("AND") && toks[i-3].Is("BETWEEN") {
		end = i - 4
	}
	if end >= 0 {
		if s := operandStart(toks, end); s >= 0 && isText(toks[s:end+1]) {
			return true
		}
	}
	return false
}
