package engine

import (
	"strconv"
	"strings"
)

// Extended values (ext.go) meeting other values of their kind in one result: the
// conditional functions (COALESCE, NVL, IFNULL, IFF, NVL2, GREATEST, LEAST), CASE and
// the branches of a set operation (UNION [ALL], INTERSECT, EXCEPT/MINUS). DuckDB has
// no cast between a STRUCT and a TIMESTAMPTZ, so every operand is brought to the one
// extended storage the result has (keeping each value's nanoseconds and offset where
// it has them); the microsecond text form stays what it was.

// isNullPiece reports whether an operand is the NULL literal.
func isNullPiece(p piece) bool { return strings.EqualFold(strings.TrimSpace(p.text), "NULL") }

// extRank orders the timestamp kinds a mixed result takes (TZ keeps the most).
func extRank(base string) int {
	switch base {
	case "TIMESTAMP_TZ":
		return 3
	case "TIMESTAMP_LTZ":
		return 2
	case "TIMESTAMP_NTZ":
		return 1
	}
	return 0
}

// extConvertible reports whether an operand without an extended value can be brought
// to an extended kind (a timestamp, a date, text, NULL or a value of unknown type).
func extConvertible(p piece) bool {
	if p.hint == nil || isNullPiece(p) {
		return true
	}
	switch p.hint.Base {
	case "VARCHAR", "TIMESTAMP_NTZ", "TIMESTAMP_LTZ", "TIMESTAMP_TZ", "TIME", "DATE":
		return true
	}
	return false
}

// extCombine gives, when at least one of vals carries an extended value, the type
// they unify to and each one's extended form (NULL stays NULL); ok false leaves them
// as they are (no extended operand, or one that cannot be converted).
func (t *translator) extCombine(vals []piece) (sfType, []string, bool) {
	var st sfType
	found := false
	for _, p := range vals {
		if p.ext == "" {
			continue
		}
		h := extHint(p)
		if !found {
			st, found = h, true
			continue
		}
		if (h.Base == "TIME") != (st.Base == "TIME") {
			return st, nil, false
		}
		prec := st.Precision
		if extRank(h.Base) > extRank(st.Base) {
			st = h
		}
		if prec > st.Precision {
			st.Precision = prec
		}
		if h.Precision > st.Precision {
			st.Precision = h.Precision
		}
	}
	if !found {
		return st, nil, false
	}
	st.Legacy = false
	out := make([]string, len(vals))
	for k, p := range vals {
		switch {
		case isNullPiece(p):
			out[k] = "NULL"
		case p.ext != "" && p.extBase == st.Base:
			out[k] = p.ext
		case p.ext != "":
			if (p.extBase == "TIME") != (st.Base == "TIME") {
				return st, nil, false
			}
			out[k] = t.castExt(p, st, false).ext
		default:
			if !extConvertible(p) {
				return st, nil, false
			}
			out[k] = t.castExt(p, st, false).ext
		}
	}
	return st, out, true
}

// extCall gives a conditional function's result the extended value built from its
// value operands (vals; build gets their extended forms) when one of them has one.
func (t *translator) extCall(res piece, vals []piece, build func([]string) string) piece {
	st, exts, ok := t.extCombine(vals)
	if !ok {
		return res
	}
	res.ext, res.extBase = build(exts), st.Base
	res.hint = &st
	return res
}

// extCases collapses each CASE … END whose results include an extended value into
// one operand that carries the CASE over the results' extended forms.
func (t *translator) extCases(ps []piece) []piece {
	isKw := func(p piece, w string) bool { return p.op && strings.EqualFold(p.text, w) }
	for k := len(ps) - 1; k >= 0; k-- {
		if !isKw(ps[k], "CASE") {
			continue
		}
		// the matching END and the result operands (after THEN / ELSE) at this level
		level, e := 0, -1
		var results []int
		ok := true
		for j := k + 1; j < len(ps) && e < 0; j++ {
			switch {
			case isKw(ps[j], "CASE"):
				level++
			case isKw(ps[j], "END"):
				if level == 0 {
					e = j
				}
				level--
			case level == 0 && (isKw(ps[j], "THEN") || isKw(ps[j], "ELSE")):
				if j+2 >= len(ps) || !(isKw(ps[j+2], "WHEN") || isKw(ps[j+2], "ELSE") || isKw(ps[j+2], "END")) ||
					(ps[j+1].op && !isNullPiece(ps[j+1])) {
					ok = false
				}
				results = append(results, j+1)
			}
		}
		if e < 0 || !ok || len(results) == 0 {
			continue
		}
		vals := make([]piece, len(results))
		has := false
		for n, r := range results {
			vals[n] = ps[r]
			has = has || ps[r].ext != ""
		}
		if !has {
			continue
		}
		st, exts, ok := t.extCombine(vals)
		if !ok {
			continue
		}
		body := append([]piece(nil), ps[k:e+1]...)
		for n, r := range results {
			body[r-k] = piece{text: exts[n]}
		}
		h := st
		p := piece{text: "(" + joinPieces(ps[k:e+1]) + ")", hint: &h, ext: "(" + joinPieces(body) + ")", extBase: st.Base}
		ps = append(append(ps[:k:k], p), ps[e+1:]...)
	}
	return ps
}

// setOpBranch reports whether the SELECT at toks[i] continues a set operation (a
// later branch of UNION [ALL], INTERSECT, EXCEPT, MINUS).
func (t *translator) setOpBranch(i int) bool {
	for k := i - 1; k >= 0; k-- {
		tk := t.toks[k]
		switch {
		case tk.Is("ALL") || tk.Is("DISTINCT"):
			continue
		case tk.Is("UNION") || tk.Is("INTERSECT") || tk.Is("EXCEPT") || tk.Is("MINUS"):
			return true
		}
		return false
	}
	return false
}

// setGroup is a set operation's branches at one level, translated so far: each
// branch's columns and select-list items (the items are joined into the statement
// when the level's pieces are complete, so an earlier branch can still change).
type setGroup struct {
	branches []*setBranch
}

type setBranch struct {
	cols  []selCol
	items []string
}

// unify brings every branch's column k to one storage: when a branch has an extended
// value there, every branch gets the extended form of the kind they unify to (NULL
// stays NULL); the first branch's column (the result's, or the derived table's, type)
// says so. Operands that cannot be converted are left to DuckDB.
func (t *translator) unify(g *setGroup) {
	first := g.branches[0]
	for _, b := range g.branches[1:] {
		if len(b.cols) != len(first.cols) {
			return
		}
	}
	for k := range first.cols {
		vals := make([]piece, len(g.branches))
		skip := false
		for n, b := range g.branches {
			c := b.cols[k]
			switch {
			case c.star:
				skip = true
			case c.val != nil:
				vals[n] = *c.val
			default:
				vals[n] = piece{text: "(" + c.expr + ")"}
			}
		}
		if skip {
			continue
		}
		st, exts, ok := t.extCombine(vals)
		if !ok {
			continue
		}
		for n, b := range g.branches {
			c := &b.cols[k]
			if c.ext && vals[n].extBase == st.Base || c.null {
				continue
			}
			b.items[k] = exts[n] + " AS " + qcol(c.name)
			c.ext = true
		}
		h := st
		first.cols[k].ext, first.cols[k].null, first.cols[k].hint = true, false, &h
	}
}

// setListMarker is the text of a select list's piece until its level is complete.
const setListMarker = "\x00setlist:"

// resolveSetLists replaces the select-list markers of ps with their final items.
func (t *translator) resolveSetLists(ps []piece) {
	for k := range ps {
		if ps[k].op && strings.HasPrefix(ps[k].text, setListMarker) {
			n, _ := strconv.Atoi(strings.TrimPrefix(ps[k].text, setListMarker))
			if n >= 0 && n < len(t.setLists) {
				ps[k].text = strings.Join(t.setLists[n].items, ", ")
			}
		}
	}
}
