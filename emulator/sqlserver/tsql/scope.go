package tsql

import (
	"strings"

	"github.com/snowmigrate/snowmigrate/emulator/sqlserver/tds"
)

// The statement's single table and its character columns: comparisons and ORDER BY on
// them ignore trailing spaces as SQL Server's padded comparisons do (joins, GROUP BY and
// DISTINCT: padded.go).

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
				if j+2 < len(toks) && toks[j+1].Kind == LParen && toks[j+2].Is("SELECT") {
					tr.derivedScope(toks, j+1)
					return
				}
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

func rtrimmed(expr string, t tds.Type) string {
	if strings.Contains(strings.ToUpper(t.Collation), "_CI") {
		return "(rtrim(" + expr + ") COLLATE NOCASE)"
	}
	return "rtrim(" + expr + ")"
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

// derivedScope gives a SELECT over a derived table, (SELECT … FROM t …) x, the column
// types of the derived table's own single table, so that expressions over them are
// typed (operand kinds, conversions); comparisons keep the derived table's semantics.
func (tr *translator) derivedScope(toks []Token, open int) {
	end := matching(toks, open)
	if end < 0 {
		return
	}
	inner := &translator{env: tr.env}
	inner.scope(toks[open+1 : end])
	if inner.cols != nil {
		tr.cols = inner.cols
	}
}
