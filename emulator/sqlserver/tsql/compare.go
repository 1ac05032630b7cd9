package tsql

import (
	"strings"

	"github.com/snowmigrate/snowmigrate/emulator/sqlserver/tds"
)

// Comparisons with date/time columns: literals and parameters take the column's form,
// datetimeoffset compares by instant.

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
		// alias.col, read from either end
		if j+2 < len(toks) && toks[j+1].Kind == Dot && strings.EqualFold(toks[j].Val, tr.alias) && !(j > 0 && toks[j-1].Kind == Dot) {
			j += 2
			if !toks[j].IsName() || (j+1 < len(toks) && (toks[j+1].Kind == Dot || toks[j+1].Kind == LParen)) {
				return tds.Type{}, false
			}
		} else if j >= 2 && toks[j-1].Kind == Dot && strings.EqualFold(toks[j-2].Val, tr.alias) && !(j > 2 && toks[j-3].Kind == Dot) {
			if j+1 < len(toks) && (toks[j+1].Kind == Dot || toks[j+1].Kind == LParen) {
				return tds.Type{}, false
			}
		} else if (j > 0 && toks[j-1].Kind == Dot) || (j+1 < len(toks) && (toks[j+1].Kind == Dot || toks[j+1].Kind == LParen)) {
			// a single name, not part of a longer dotted name or a call
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
		found, assigned := false, false
		if i >= 2 && toks[i-1].Kind == Op && comparisonOps[toks[i-1].Val] {
			ct, found = colType(i - 2)
			assigned = found && tr.assign[toks[i-1].Pos]
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
		// an UPDATE's SET dto = literal stores the value; only comparisons use the instant
		if ct.Kind == tds.DateTimeOffset && t.Pos > 0 && !assigned {
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
