package engine

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
)

// Nanoseconds and TIMESTAMP_TZ offsets.
//
// DuckDB 1.1.3 keeps TIMESTAMP, TIMESTAMPTZ and TIME in microseconds, TIMESTAMPTZ only
// as an instant, and its TIMESTAMP_NS cannot hold years before 1677 or after 2262 (SQL
// Server's datetime2 reaches 0001 and 9999). A column whose Snowflake type keeps more
// than DuckDB can — TIME/TIMESTAMP_NTZ/TIMESTAMP_LTZ with precision 7..9, and every
// TIMESTAMP_TZ (each value has its own offset) — is stored "extended", as a STRUCT:
//
//	u  the value truncated to the microsecond, in the legacy DuckDB type (TIME,
//	   TIMESTAMP for NTZ, TIMESTAMPTZ — the UTC instant — for LTZ and TZ)
//	n  the nanoseconds below the microsecond, 0..999 (USMALLINT)
//	o  TIMESTAMP_TZ only: the value's own UTC offset in minutes (SMALLINT)
//
// Struct order is field order, so ORDER BY, MIN/MAX, GROUP BY and equality of two
// NTZ/LTZ/TIME values are exact; TIMESTAMP_TZ values compare by (u, n) — the instant —
// through cmpForm. A column reference translates to its u field (so every DuckDB
// function keeps working at microsecond precision) and carries the whole struct in
// piece.ext for the places that must see all of it: the outermost select list (the
// wire), TO_VARCHAR/TO_CHAR, comparisons, ORDER BY/GROUP BY, casts between the
// timestamp kinds, and every write into an extended column (extStore).

// extended reports whether values of t are stored as a STRUCT (see above).
func (t sfType) extended() bool {
	if t.Legacy {
		return false
	}
	switch t.Base {
	case "TIMESTAMP_TZ":
		return true
	case "TIME", "TIMESTAMP_NTZ", "TIMESTAMP_LTZ":
		return t.Precision > 6
	}
	return false
}

// valueDuck is the DuckDB type expressions of type t have in translated SQL: the
// storage type, except that extended values are handled by their microsecond part.
func (t sfType) valueDuck() string {
	if t.extended() {
		return legacyDuck(t.Base)
	}
	return t.Duck()
}

// legacyDuck is the DuckDB type of the u field (the storage before extension).
func legacyDuck(base string) string {
	switch base {
	case "TIME":
		return "TIME"
	case "TIMESTAMP_NTZ":
		return "TIMESTAMP"
	}
	return "TIMESTAMPTZ"
}

// extDuck is the STRUCT storage type of an extended Snowflake type.
func extDuck(base string) string {
	if base == "TIMESTAMP_TZ" {
		return "STRUCT(u TIMESTAMPTZ, n USMALLINT, o SMALLINT)"
	}
	return "STRUCT(u " + legacyDuck(base) + ", n USMALLINT)"
}

// extBaseOfDuck recognises an extended storage type in DuckDB's spelling of a column
// or result type ("STRUCT(u TIMESTAMP WITH TIME ZONE, n USMALLINT, o SMALLINT)",
// `STRUCT("u" TIMESTAMPTZ, "n" USMALLINT)`); "" when it is not one.
func extBaseOfDuck(duckType string) string {
	d := strings.ToUpper(strings.NewReplacer(`"`, "", " ", "").Replace(duckType))
	d = strings.ReplaceAll(d, "TIMESTAMPWITHTIMEZONE", "TIMESTAMPTZ")
	switch d {
	case "STRUCT(UTIMESTAMPTZ,NUSMALLINT,OSMALLINT)":
		return "TIMESTAMP_TZ"
	case "STRUCT(UTIMESTAMPTZ,NUSMALLINT)":
		return "TIMESTAMP_LTZ"
	case "STRUCT(UTIMESTAMP,NUSMALLINT)":
		return "TIMESTAMP_NTZ"
	case "STRUCT(UTIME,NUSMALLINT)":
		return "TIME"
	}
	return ""
}

// extField reads one field of an extended value.
func extField(x, f string) string { return "struct_extract(" + x + ", '" + f + "')" }

// extPack builds an extended value from its fields (o "" for NTZ/LTZ/TIME).
func extPack(u, n, o string) string {
	s := "struct_pack(u := " + u + ", n := CAST(" + n + " AS USMALLINT)"
	if o != "" {
		s += ", o := CAST(" + o + " AS SMALLINT)"
	}
	return s + ")"
}

// cmpForm is the form of an extended value that compares like Snowflake: the whole
// struct for NTZ/LTZ/TIME, (instant, nanoseconds) for TZ (its offset plays no part).
func cmpForm(x, base string) string {
	if base == "TIMESTAMP_TZ" {
		return "struct_pack(u := " + extField(x, "u") + ", n := " + extField(x, "n") + ")"
	}
	return x
}

// truncNanos truncates a nanosecond count (0..999,999,999 or 0..999) to p digits of a
// second, for a field holding the nanoseconds below the microsecond.
func truncSub(n string, p int) string {
	if p >= 9 {
		return n
	}
	if p <= 6 {
		return "0"
	}
	k := strconv.Itoa(pow10(9 - p))
	return "((" + n + ") - (" + n + ") % " + k + ")"
}

// truncMicros truncates a legacy value's microseconds to p digits (p < 6).
func truncMicros(u string, p int, isTime bool) string {
	if p >= 6 {
		return u
	}
	k := strconv.Itoa(pow10(6 - p))
	if isTime {
		return "(" + u + " - to_microseconds(CAST(epoch_us(CAST(" + u + " AS TIME)) % " + k + " AS BIGINT)))"
	}
	// on the UTC wall clock: DuckDB without ICU has no TIMESTAMPTZ - INTERVAL
	w := "CAST(" + u + " AS TIMESTAMP)"
	return "CAST(" + w + " - to_microseconds(CAST(((epoch_us(" + w + ") % " + k + ") + " + k + ") % " + k + " AS BIGINT)) AS " + "TIMESTAMPTZ)"
}

func pow10(n int) int {
	r := 1
	for ; n > 0; n-- {
		r *= 10
	}
	return r
}

// extStore converts x, whose DuckDB type is srcDuck ("" = unknown, read through its
// text), into the storage of the extended type dst, truncated to dst's precision.
// offMin is the session's UTC offset in minutes (for values without their own).
func extStore(x, srcDuck string, dst sfType, offMin int) string {
	src := strings.ToUpper(strings.TrimSpace(srcDuck))
	if src == "TIMESTAMP WITH TIME ZONE" {
		src = "TIMESTAMPTZ"
	}
	sess := strconv.Itoa(offMin)
	var u, n, o string // o only for TZ
	srcExt := extBaseOfDuck(srcDuck)
	switch {
	case srcExt != "":
		su, sn := extField(x, "u"), extField(x, "n")
		so := sess
		if srcExt == "TIMESTAMP_TZ" {
			so = extField(x, "o")
		}
		u, n, o = convertLegacy(su, srcExt, dst.Base, so, sess), sn, so
	case src == "TIMESTAMP_NS":
		// Parquet TIMESTAMP(NANOS) without UTC adjustment. DuckDB 1.1.3 keeps the
		// nanoseconds but epoch_ns truncates them and a cast to TIMESTAMP truncates toward
		// the epoch (so rounds up before 1970); nanosecond() is right modulo 1000.
		n = "(((nanosecond(" + x + ") % 1000) + 1000) % 1000)"
		w := "(CAST(" + x + " AS TIMESTAMP) - (CASE WHEN " + x + " < TIMESTAMP_NS '1970-01-01 00:00:00' AND " + n + " <> 0 THEN INTERVAL 1 MICROSECOND ELSE INTERVAL 0 MICROSECOND END))"
		u, o = convertLegacy(w, "TIMESTAMP_NTZ", dst.Base, sess, sess), sess
	case src == "TIMESTAMP" || src == "TIMESTAMP_MS" || src == "TIMESTAMP_S" || src == "DATE":
		u, n, o = convertLegacy("CAST("+x+" AS TIMESTAMP)", "TIMESTAMP_NTZ", dst.Base, sess, sess), "0", sess
	case src == "TIMESTAMPTZ":
		u, n, o = convertLegacy(x, "TIMESTAMP_LTZ", dst.Base, sess, sess), "0", sess
	case src == "TIME":
		u, n, o = convertLegacy(x, "TIME", dst.Base, sess, sess), "0", sess
	default: // text (VARCHAR, or anything else read through its text)
		return extFromText("CAST("+x+" AS VARCHAR)", dst, offMin, false)
	}
	// struct_pack of NULL fields is a struct, not NULL
	return "(CASE WHEN " + x + " IS NULL THEN NULL ELSE " + extFinish(u, n, o, dst) + " END)"
}

// extFinish truncates to the precision and packs.
func extFinish(u, n, o string, dst sfType) string {
	u = truncMicros(u, dst.Precision, dst.Base == "TIME")
	n = truncSub(n, dst.Precision)
	if dst.Base != "TIMESTAMP_TZ" {
		o = ""
	}
	return extPack(u, n, o)
}

// convertLegacy converts a legacy (microsecond) value of Snowflake kind from to kind
// to: TZ → NTZ keeps the value's own wall clock (off), LTZ ↔ NTZ use the session's.
func convertLegacy(u, from, to, off, sess string) string {
	switch {
	case from == to, from == "TIMESTAMP_LTZ" && to == "TIMESTAMP_TZ", from == "TIMESTAMP_TZ" && to == "TIMESTAMP_LTZ":
		return u
	case to == "TIME":
		if from == "TIMESTAMP_NTZ" {
			return "CAST(" + u + " AS TIME)"
		}
		return "CAST(CAST(" + u + " AS TIMESTAMP) + to_minutes(CAST(" + off + " AS BIGINT)) AS TIME)"
	case from == "TIME":
		return "CAST(DATE '1970-01-01' + " + u + " AS " + legacyDuck(to) + ")"
	case to == "TIMESTAMP_NTZ": // from LTZ/TZ: the wall clock at the value's offset
		return "(CAST(" + u + " AS TIMESTAMP) + to_minutes(CAST(" + off + " AS BIGINT)))"
	default: // NTZ → LTZ/TZ: the wall clock in the session's zone
		return "CAST(" + u + " - to_minutes(CAST(" + sess + " AS BIGINT)) AS TIMESTAMPTZ)"
	}
}

// extFromTextSlow reads text with DuckDB's own cast (forms neither extFromTextFast nor
// the Go parser read; no sub-microsecond digits, the session's offset): NULL when
// DuckDB cannot read it either.
func extFromTextSlow(s string, dst sfType, offMin int, _ bool) string {
	sess := strconv.Itoa(offMin)
	if dst.Base == "TIME" {
		c := "TRY_CAST(" + s + " AS TIME)"
		return "(CASE WHEN " + c + " IS NULL THEN NULL ELSE " + extFinish(c, "0", "", dst) + " END)"
	}
	c := "TRY_CAST(" + s + " AS TIMESTAMP)"
	u := convertLegacy(c, "TIMESTAMP_NTZ", dst.Base, sess, sess)
	return "(CASE WHEN " + c + " IS NULL THEN NULL ELSE " + extFinish(u, "0", sess, dst) + " END)"
}

// extText renders an extended value as Snowflake's default text for its kind with
// all nine digits (the canonical form binds travel in): NTZ 'YYYY-MM-DD HH:MI:SS.f9',
// LTZ/TZ the same wall clock at the value's offset (the session's for LTZ) + '+hh:mm'.
func extFrac9(wall, n string) string {
	return "strftime(" + wall + ", '%f') || lpad(CAST(" + n + " AS VARCHAR), 3, '0')"
}

// offText renders an offset in minutes as ±hh:mm (sep ":" ) or ±hhmm (sep "").
func offText(o, sep string) string {
	return "(CASE WHEN " + o + " < 0 THEN '-' ELSE '+' END || lpad(CAST(abs(" + o + ") // 60 AS VARCHAR), 2, '0') || " +
		qstr(sep) + " || lpad(CAST(abs(" + o + ") % 60 AS VARCHAR), 2, '0'))"
}

// extWall is the wall clock (a DuckDB TIMESTAMP, or TIME) of an extended value and
// its offset in minutes as SQL ("" for NTZ/TIME).
func (s *Session) extWall(x, base string) (string, string) {
	u := extField(x, "u")
	switch base {
	case "TIMESTAMP_TZ":
		o := extField(x, "o")
		return "(CAST(" + u + " AS TIMESTAMP) + to_minutes(CAST(" + o + " AS BIGINT)))", o
	case "TIMESTAMP_LTZ":
		off := strconv.Itoa(s.offsetSeconds() / 60)
		return s.ltzToNTZ(u), off
	case "TIME":
		return "(DATE '1970-01-01' + " + u + ")", ""
	}
	return u, ""
}

// extFormat renders an extended value with a Snowflake format (TO_VARCHAR/TO_CHAR):
// FF, FF0..FF9 show the nanoseconds, TZH:TZM/TZHTZM/TZH the value's own offset.
func (s *Session) extFormat(x string, st sfType, format string) (string, bool) {
	wall, off := s.extWall(x, st.Base)
	frac := extFrac9(wall, extField(x, "n"))
	var parts []string
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			f, ok := sfFormatToStrftime(lit.String())
			if !ok {
				parts = append(parts, "\x00")
			}
			parts = append(parts, "strftime("+wall+", "+qstr(f)+")")
			lit.Reset()
		}
	}
	u := strings.ToUpper(format)
	for i := 0; i < len(format); {
		switch {
		case format[i] == '"':
			j := strings.IndexByte(format[i+1:], '"')
			if j < 0 {
				return "", false
			}
			lit.WriteString(format[i : i+j+2])
			i += j + 2
		case strings.HasPrefix(u[i:], "FF"):
			flush()
			digits := st.Precision
			k := i + 2
			if k < len(u) && u[k] >= '0' && u[k] <= '9' {
				digits = int(u[k] - '0')
				k++
			}
			if digits > 0 {
				parts = append(parts, "substr("+frac+", 1, "+strconv.Itoa(digits)+")")
			}
			i = k
		case strings.HasPrefix(u[i:], "TZH:TZM"), strings.HasPrefix(u[i:], "TZHTZM"), strings.HasPrefix(u[i:], "TZH"):
			flush()
			o := off
			if o == "" {
				o = "0"
			}
			switch {
			case strings.HasPrefix(u[i:], "TZH:TZM"):
				parts, i = append(parts, offText(o, ":")), i+7
			case strings.HasPrefix(u[i:], "TZHTZM"):
				parts, i = append(parts, offText(o, "")), i+6
			default:
				parts, i = append(parts, "left("+offText(o, "")+", 3)"), i+3
			}
		default:
			lit.WriteByte(format[i])
			i++
		}
	}
	flush()
	for _, p := range parts {
		if p == "\x00" {
			return "", false
		}
	}
	if len(parts) == 0 {
		return "''", true
	}
	return "(" + strings.Join(parts, " || ") + ")", true
}

// extDefaultFormat is Snowflake's default output format of each kind (the
// *_OUTPUT_FORMAT parameters' defaults).
func extDefaultFormat(base string) string {
	switch base {
	case "TIME":
		return "HH24:MI:SS"
	case "TIMESTAMP_NTZ":
		return "YYYY-MM-DD HH24:MI:SS.FF3"
	}
	return "YYYY-MM-DD HH24:MI:SS.FF3 TZHTZM"
}

// extHint is the Snowflake type of an operand carrying an extended value.
func extHint(p piece) sfType {
	if p.hint != nil && p.hint.Base == p.extBase {
		return *p.hint
	}
	return sfType{Base: p.extBase, Precision: 9}
}

// castExt casts an operand to an extended type: text keeps the microsecond cast the
// engine always made (every DuckDB function applies to it), ext the exact value.
func (t *translator) castExt(p piece, st sfType, try bool) piece {
	leg := st
	leg.Legacy = true
	out := t.castPiece(p, leg, try)
	out.zone = nil
	h := st
	out.hint = &h
	off := t.s.offsetSeconds() / 60
	switch {
	case p.ext != "":
		out.ext = extStore(p.ext, extDuck(p.extBase), st, off)
	case p.path != nil || (p.hint != nil && (p.hint.Base == "VARIANT" || p.hint.Base == "OBJECT" || p.hint.Base == "ARRAY")):
		src := "(" + p.text + " ->> '$')"
		if p.path != nil {
			src = "json_extract_string(" + p.path.base + ", " + qstr(p.path.path) + ")"
		}
		out.ext = extFromText(src, st, off, try)
	case p.hint == nil || p.hint.Base == "VARCHAR":
		out.ext = extFromText("CAST("+p.text+" AS VARCHAR)", st, off, try)
	default:
		src := ""
		switch p.hint.Base {
		case "TIMESTAMP_NTZ":
			src = "TIMESTAMP"
		case "TIMESTAMP_LTZ", "TIMESTAMP_TZ":
			src = "TIMESTAMPTZ"
		case "TIME", "DATE":
			src = p.hint.Base
		}
		out.ext = extStore(p.text, src, st, off)
	}
	out.extBase = st.Base
	return out
}

var (
	extCmpOps   = map[string]bool{"=": true, "<": true, ">": true, "<=": true, ">=": true, "<>": true, "!=": true}
	extArithOps = map[string]bool{"+": true, "-": true, "*": true, "/": true, "%": true, "||": true, "::": true, "^": true}
	extByTail   = map[string]bool{",": true, "ASC": true, "DESC": true, "NULLS": true, "FIRST": true, "LAST": true}
)

// extRewrite makes comparisons and ORDER BY / GROUP BY / PARTITION BY items whose
// operands are extended values use the whole value (ext.go): 100-ns apart is not
// equal, TIMESTAMP_TZ compares instants. Anything more complex keeps microseconds.
func (t *translator) extRewrite(ps []piece) []piece {
	has := false
	for k := range ps {
		if ps[k].ext != "" {
			has = true
			break
		}
	}
	if !has {
		return ps
	}
	opAt := func(k int) string {
		if k < 0 || k >= len(ps) {
			return ""
		}
		if ps[k].op {
			return strings.ToUpper(ps[k].text)
		}
		return "\\x01" // an operand
	}
	// a lone operand: no arithmetic binds it to a neighbour
	lone := func(k int) bool {
		return !extArithOps[opAt(k-1)] && !extArithOps[opAt(k+1)] && opAt(k-1) != "\\x01" && opAt(k+1) != "\\x01"
	}
	for k := 1; k+1 < len(ps); k++ {
		if !ps[k].op || !extCmpOps[ps[k].text] || ps[k-1].op || ps[k+1].op {
			continue
		}
		l, r := &ps[k-1], &ps[k+1]
		if (l.ext == "" && r.ext == "") || !lone(k-1) || !lone(k+1) {
			continue
		}
		lf, rf, ok := t.extCmpPair(*l, *r)
		if ok {
			l.text, r.text = lf, rf
		}
	}
	inBy, order := false, false
	for k := range ps {
		o := opAt(k)
		switch {
		case o == "BY":
			inBy, order = true, opAt(k-1) == "ORDER"
		case o == "\\x01":
			if inBy && ps[k].ext != "" && (opAt(k-1) == "BY" || opAt(k-1) == ",") && (k+1 == len(ps) || extByTail[opAt(k+1)]) {
				ps[k].text = ps[k].ext
				if order { // ORDER BY sorts TIMESTAMP_TZ by instant only
					ps[k].text = cmpForm(ps[k].ext, ps[k].extBase)
				}
			}
		case !extByTail[o]:
			inBy = false
		}
	}
	return ps
}

// extCmpPair gives the comparable forms of two operands when at least one is
// extended and the other is of a kind that compares with it; ok false leaves both.
func (t *translator) extCmpPair(l, r piece) (string, string, bool) {
	class := func(b string) string {
		switch b {
		case "TIMESTAMP_LTZ", "TIMESTAMP_TZ":
			return "I" // instants
		}
		return b
	}
	if l.ext == "" {
		rf, lf, ok := t.extCmpPair(r, l)
		return lf, rf, ok
	}
	lb := l.extBase
	rext, rb := r.ext, r.extBase
	if rext == "" {
		if r.hint != nil {
			switch r.hint.Base {
			case "VARCHAR", "TIMESTAMP_NTZ", "TIMESTAMP_LTZ", "TIMESTAMP_TZ", "TIME", "DATE":
			default:
				return "", "", false
			}
		} else if r.text != "NULL" && !strings.HasPrefix(r.text, "'") {
			return "", "", false // an operand of unknown type: leave it to DuckDB
		}
		c := t.castExt(r, sfType{Base: lb, Precision: 9}, false)
		rext, rb = c.ext, lb
	}
	if class(lb) != class(rb) {
		return "", "", false
	}
	return cmpKey(l.ext), cmpKey(rext), true
}

// cmpKey is an extended value as one number that compares like Snowflake: nanoseconds
// since the epoch (TIME: since midnight) of its instant for TZ/LTZ (the offset plays no
// part), of its wall clock for NTZ. Not the struct: DuckDB's optimizer turns
// x > a AND x <= b into BETWEEN, which it refuses on a STRUCT.
func cmpKey(x string) string {
	return "(CAST(epoch_us(" + extField(x, "u") + ") AS HUGEINT) * 1000 + " + extField(x, "n") + ")"
}

// insertTargets lists the table's column indexes an INSERT writes, in order.
func insertTargets(e *tableEntry, colList []string) []int {
	var targets []int
	if len(colList) == 0 {
		for k := range e.info.Columns {
			targets = append(targets, k)
		}
		return targets
	}
	for _, q := range colList {
		for k, c := range e.info.Columns {
			if c.DuckName == q {
				targets = append(targets, k)
			}
		}
	}
	return targets
}

// storeExtInsert converts the values an INSERT writes into extended columns (ext.go)
// according to what DuckDB says the body's columns are (an exact value, a
// microsecond timestamp, text with nine digits and an offset, …).
func (s *Session) storeExtInsert(ctx context.Context, e *tableEntry, colList []string, body string) (string, error) {
	targets := insertTargets(e, colList)
	need := false
	for _, k := range targets {
		if k < len(e.sfTypes) && e.sfTypes[k].extended() {
			need = true
		}
	}
	if !need {
		return body, nil
	}
	rows, err := s.queryDuck(ctx, "DESCRIBE "+body)
	if err != nil {
		return "", err
	}
	var types []string
	cols, _ := rows.Columns()
	vals := make([]sql.NullString, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			rows.Close()
			return "", mapDuckErr(err)
		}
		types = append(types, vals[1].String)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return "", mapDuckErr(err)
	}
	if len(types) != len(targets) {
		return body, nil // DuckDB reports the column-count mismatch
	}
	names := make([]string, len(targets))
	sel := make([]string, len(targets))
	off := s.offsetSeconds() / 60
	for n, k := range targets {
		names[n] = "c" + strconv.Itoa(n)
		sel[n] = names[n]
		if k < len(e.sfTypes) && e.sfTypes[k].extended() && !strings.EqualFold(types[n], "NULL") {
			sel[n] = extStore(names[n], types[n], e.sfTypes[k], off)
		}
	}
	return "SELECT " + strings.Join(sel, ", ") + " FROM (" + body + ") AS sf_ext(" + strings.Join(names, ", ") + ")", nil
}

// assignExt is the value written by `col = <expression>` (UPDATE, MERGE) into a column
// of type st: an extended column gets the expression converted to its storage.
func (t *translator) assignExt(st *sfType, i, end int) (string, error) {
	txt, p, err := t.exprRange(i, end)
	if err != nil || st == nil || !st.extended() {
		return txt, err
	}
	if p == nil {
		p = &piece{text: "(" + txt + ")"}
	}
	if strings.EqualFold(p.text, "NULL") {
		return "NULL", nil
	}
	return t.castExt(*p, *st, false).ext, nil
}

// colType is the Snowflake type of a table's column (nil when unknown).
func colType(e *tableEntry, name string) *sfType {
	for k, c := range e.info.Columns {
		if c.Name == name && k < len(e.sfTypes) {
			st := e.sfTypes[k]
			return &st
		}
	}
	return nil
}

// setList translates UPDATE's `col = expr, …` (toks[i:end]) one assignment at a time,
// so that extended columns receive their storage form.
func (t *translator) setList(e *tableEntry, i, end int) (string, error) {
	var sets []string
	for _, r := range splitTop(t.toks, i, end) {
		col, ex := r[0], r[0]+2
		if r[1]-r[0] >= 5 && t.toks[r[0]+1].IsOp(".") && t.toks[r[0]+3].IsOp("=") {
			col, ex = r[0]+2, r[0]+4
		}
		if r[1]-r[0] < 3 || !isIdentTok(t.toks[col]) || !t.toks[ex-1].IsOp("=") {
			txt, _, err := t.exprRange(r[0], r[1]) // leave the error to DuckDB
			if err != nil {
				return "", err
			}
			sets = append(sets, txt)
			continue
		}
		v, err := t.assignExt(colType(e, identVal(t.toks[col])), ex, r[1])
		if err != nil {
			return "", err
		}
		sets = append(sets, qcol(identVal(t.toks[col]))+" = "+v)
	}
	return strings.Join(sets, ", "), nil
}

// subqueryScope: the tables a parenthesised query at toks[i] names are its own; the
// returned function forgets them when the query ends, so that a column of the same
// name outside it is not typed by them (a wrong type hint would make a column
// reference unwrap an extended value it does not have, or miss one it has).
func (t *translator) subqueryScope(i int) func() {
	if !t.toks[i+1].Is("SELECT") && !t.toks[i+1].Is("WITH") {
		return func() {}
	}
	n := len(t.refs)
	return func() {
		if len(t.refs) > n {
			t.refs = t.refs[:n]
		}
	}
}

// derivedEntry types the columns of a derived table from its select list: an item has
// its operand's type (an extended value whole when the item is one — a column, a cast —
// else its microsecond value), a star the columns of the tables it expands (their
// storage, extended or not).
// nil when a star cannot be expanded exactly.
func derivedEntry(cols []selCol, refs []tableRef) *tableEntry {
	e := &tableEntry{}
	add := func(name string, st sfType) {
		e.info.Columns = append(e.info.Columns, ColumnInfo{Name: name})
		e.sfTypes = append(e.sfTypes, st)
	}
	for _, c := range cols {
		if !c.star {
			var st sfType
			if c.hint != nil {
				st = *c.hint
				if st.extended() && !c.ext {
					st.Legacy = true
				}
			}
			add(c.name, st)
			continue
		}
		if c.starRest {
			return nil
		}
		found := false
		for _, r := range refs {
			if c.starQual != "" && r.alias != c.starQual {
				continue
			}
			found = true
			for k, col := range r.entry.info.Columns {
				var st sfType
				if k < len(r.entry.sfTypes) {
					st = r.entry.sfTypes[k]
				}
				add(col.Name, st)
			}
		}
		if !found {
			return nil
		}
	}
	return e
}
