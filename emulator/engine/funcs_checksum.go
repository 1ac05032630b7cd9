package engine

import (
	"strconv"
	"strings"
	"time"
)

// Functions the partition checksum uses (the product's docs/checksums.md), with
// Snowflake's results.

// md5Number translates MD5_NUMBER_UPPER64 / MD5_NUMBER_LOWER64: the MD5 digest of the
// message read as a 128-bit big-endian number, its upper (first 8 bytes) or lower
// (last 8 bytes) 64 bits as an unsigned integer, NUMBER(20,0) (up to 2^64-1 has 20
// digits). DuckDB's md5_number is the same digest read as a little-endian 128-bit
// integer: its low 64 bits are the first 8 bytes in reverse order, its high 64 bits
// the last 8. The 64 bits are taken as UBIGINT and their bytes reversed with shifts
// and masks, which costs less than formatting the digest in hex and parsing 16 hex
// digits back (the partition checksum takes both halves of every row's digest; DuckDB
// computes the repeated md5_number once per row).
func (t *translator) md5Number(name string, a *callArgs) (piece, error) {
	if a.n() != 1 {
		return piece{}, Errorf(ErrSyntax, "42601", "SQL compilation error:\ninvalid number of arguments (%d) for function %s", a.n(), name)
	}
	s, err := a.s(0)
	if err != nil {
		return piece{}, err
	}
	digest := "md5_number(CAST(" + s + " AS VARCHAR))"
	if name == "MD5_NUMBER_LOWER64" {
		digest = "(" + digest + " >> 64)"
	}
	return piece{text: "CAST(" + byteSwap64("CAST("+digest+" & CAST(18446744073709551615 AS HUGEINT) AS UBIGINT)") + " AS DECIMAL(20,0))",
		hint: &sfType{Base: "NUMBER", Precision: 20}}, nil
}

// byteSwap64 reverses the 8 bytes of a UBIGINT expression.
func byteSwap64(x string) string {
	terms := make([]string, 8)
	for i := range terms {
		b := "(" + x + " >> " + strconv.Itoa(8*i) + ") & 255"
		terms[i] = "((" + b + ") << " + strconv.Itoa(8*(7-i)) + ")"
	}
	return "(" + strings.Join(terms, " | ") + ")"
}

// convertTimezone translates CONVERT_TIMEZONE(target_tz, ts) and
// CONVERT_TIMEZONE(source_tz, target_tz, ntz). Zone names are IANA names (case
// sensitive, as in Snowflake); like the session's TIMEZONE, a zone is applied with its
// UTC offset at the statement's start time.
//
// The 2-argument form returns TIMESTAMP_TZ at the target zone: the engine keeps the
// instant and remembers the zone on the expression, so TO_VARCHAR/TO_CHAR of the result
// print the target zone's wall clock and offset. (Stored or returned directly, a
// TIMESTAMP_TZ shows the session's offset: see docs/sql.md.) A TIMESTAMP_NTZ or DATE
// argument is read in the session's time zone, as Snowflake does.
//
// The 3-argument form converts the wall clock of a TIMESTAMP_NTZ from source_tz to
// target_tz and returns TIMESTAMP_NTZ.
func (t *translator) convertTimezone(a *callArgs) (piece, error) {
	if a.n() != 2 && a.n() != 3 {
		return piece{}, Errorf(ErrSyntax, "42601", "SQL compilation error:\ninvalid number of arguments (%d) for function CONVERT_TIMEZONE", a.n())
	}
	zone := func(k int) (*time.Location, error) {
		r := a.ranges[k]
		if r[1]-r[0] != 1 || t.toks[r[0]].Kind != TkString {
			return nil, unsupported("CONVERT_TIMEZONE with a computed time zone")
		}
		name := t.toks[r[0]].Val
		loc, err := time.LoadLocation(name)
		if err != nil || name == "" || name == "Local" {
			return nil, Errorf(ErrSyntax, "22023", "SQL compilation error:\nUnknown timezone '%s'", name)
		}
		return loc, nil
	}
	last := a.n() - 1
	x, err := a.piece(last)
	if err != nil {
		return piece{}, err
	}
	tgt, err := zone(last - 1)
	if err != nil {
		return piece{}, err
	}
	if a.n() == 3 {
		src, err := zone(0)
		if err != nil {
			return piece{}, err
		}
		shift := t.s.offsetIn(tgt) - t.s.offsetIn(src)
		txt := "CAST(" + x.text + " AS TIMESTAMP)"
		if shift != 0 {
			txt = "(" + txt + " + to_seconds(" + strconv.Itoa(shift) + "))"
		}
		return piece{text: txt, hint: hintNTZ}, nil
	}
	inst := x.text
	if x.hint == nil || (x.hint.Base != "TIMESTAMP_TZ" && x.hint.Base != "TIMESTAMP_LTZ") {
		if x.hint != nil && x.hint.Base == "VARCHAR" {
			inst = t.s.strToLTZ(x.text, false)
		} else {
			inst = t.s.ntzToLTZ(x.text)
		}
	}
	return piece{text: "CAST(" + inst + " AS TIMESTAMPTZ)", hint: hintTZ, zone: tgt}, nil
}

// offsetIn is loc's UTC offset in seconds at the statement's start time.
func (s *Session) offsetIn(loc *time.Location) int {
	now := s.stmtTime
	if now.IsZero() {
		now = time.Now()
	}
	_, off := now.In(loc).Zone()
	return off
}

// wallClock converts an instant expression to the wall clock of a TIMESTAMP_LTZ/TZ
// piece: the zone CONVERT_TIMEZONE gave it, else the session's.
func (t *translator) wallClock(p *piece) (string, string) {
	if p.zone == nil {
		return t.s.ltzToNTZ(p.text), t.s.offsetString()
	}
	off := t.s.offsetIn(p.zone)
	txt := "CAST(CAST(" + p.text + " AS TIMESTAMPTZ) AS TIMESTAMP)"
	if off != 0 {
		txt = "(" + txt + " + to_seconds(" + strconv.Itoa(off) + "))"
	}
	sign := "+"
	if off < 0 {
		sign, off = "-", -off
	}
	return txt, sign + twoDigits(off/3600) + twoDigits(off%3600/60)
}

func twoDigits(n int) string {
	s := strconv.Itoa(n)
	if len(s) < 2 {
		return "0" + s
	}
	return s
}

// timeForFormat makes a TIME operand formattable by strftime (which takes dates and
// timestamps only): the time on 1970-01-01.
func timeForFormat(p *piece) string {
	if p.hint != nil && p.hint.Base == "TIME" {
		return "(DATE '1970-01-01' + CAST(" + p.text + " AS TIME))"
	}
	return p.text
}

// The partition checksum builds one text per row from every column (REPLACE for text,
// TO_CHAR for dates): the cheap forms below keep Snowflake's results and let DuckDB
// skip the work for the common value (emulator/engine/checksum_bench_test.go measures
// them over a 250,000-row partition).

// replaceCall translates REPLACE(subject, pattern [, replacement]). Snowflake: NULL if
// any argument is NULL; an empty pattern returns the subject; the replacement defaults
// to ”. When the subject is a column and the patterns and replacements are string
// literals, a chain REPLACE(REPLACE(c, p1, r1), p2, r2) is evaluated only for values
// that contain one of the patterns: a value containing none is unchanged by every step
// (each step then replaces nothing in what the previous one returned), and DuckDB's
// contains is much cheaper than building a new string for every value.
func (t *translator) replaceCall(a *callArgs) (piece, error) {
	if a.n() < 2 || a.n() > 3 {
		return piece{}, Errorf(ErrSyntax, "42601", "SQL compilation error:\ninvalid number of arguments (%d) for function REPLACE", a.n())
	}
	if subj, steps, ok := t.literalReplaces(a.ranges); ok {
		ps, err := t.seq(subj[0], subj[1])
		if err != nil {
			return piece{}, err
		}
		if len(ps) == 1 && ps[0].colName != "" && ps[0].path == nil && ps[0].hint != nil && ps[0].hint.Base == "VARCHAR" {
			x := ps[0].text
			conds := make([]string, 0, len(steps))
			txt := x
			for _, s := range steps {
				if s[0] == "" {
					continue // an empty pattern replaces nothing
				}
				conds = append(conds, "contains("+x+", "+qstr(s[0])+")")
				txt = "replace(" + txt + ", " + qstr(s[0]) + ", " + qstr(s[1]) + ")"
			}
			if len(conds) == 0 {
				return piece{text: x, hint: hintVarchar}, nil
			}
			return piece{text: "(CASE WHEN " + strings.Join(conds, " OR ") + " THEN " + txt + " ELSE " + x + " END)", hint: hintVarchar}, nil
		}
	}
	as, err := a.all()
	if err != nil {
		return piece{}, err
	}
	if len(as) == 2 {
		as = append(as, "''")
	}
	// DuckDB's replace with an empty pattern also returns the subject.
	return piece{text: simple("replace", as), hint: hintVarchar}, nil
}

// literalReplaces reads REPLACE arguments whose pattern and replacement are string
// literals, through nested REPLACE calls of the same kind in the subject: the innermost
// subject's token range and the (pattern, replacement) steps in evaluation order.
func (t *translator) literalReplaces(args [][2]int) ([2]int, [][2]string, bool) {
	lit := func(r [2]int) (string, bool) {
		if r[1]-r[0] != 1 || t.toks[r[0]].Kind != TkString {
			return "", false
		}
		return t.toks[r[0]].Val, true
	}
	var steps [][2]string
	for {
		if len(args) < 2 || len(args) > 3 {
			return [2]int{}, nil, false
		}
		pat, ok := lit(args[1])
		if !ok {
			return [2]int{}, nil, false
		}
		rep := ""
		if len(args) == 3 {
			if rep, ok = lit(args[2]); !ok {
				return [2]int{}, nil, false
			}
		}
		steps = append([][2]string{{pat, rep}}, steps...)
		subj := args[0]
		i := subj[0]
		if !(subj[1]-i >= 3 && t.toks[i].Kind == TkWord && t.toks[i].Val == "REPLACE" && t.toks[i+1].IsOp("(") && matching(t.toks, i+1) == subj[1]-1) {
			return subj, steps, true
		}
		args = splitTop(t.toks, i+2, subj[1]-1)
	}
}

// dateText translates TO_CHAR(date, 'YYYY-MM-DD') of a DATE column: DuckDB's own text
// of a date is exactly that for years 1 to 9999 and costs a fraction of strftime; other
// years keep strftime's text.
func dateText(p *piece, format string) (string, bool) {
	if format != "%Y-%m-%d" || p.hint == nil || p.hint.Base != "DATE" || p.colName == "" || p.path != nil {
		return "", false
	}
	x := p.text
	return "(CASE WHEN " + x + " BETWEEN DATE '0001-01-01' AND DATE '9999-12-31' THEN CAST(" + x + " AS VARCHAR) ELSE strftime(" + x + ", '%Y-%m-%d') END)", true
}

// concatCall translates CONCAT(a, b, …). Snowflake returns NULL when any argument is
// NULL; DuckDB's concat skips NULL arguments, so every argument that may be NULL is
// tested first. Arguments that cannot be NULL (string literals, NVL/COALESCE with such
// an argument, IFF with two such branches: nonNull) need no test, and a CONCAT of only
// those is one call to concat, which builds the value in one pass: the partition
// checksum's row text is written that way (snowflake.ChecksumRangeSQL).
func (t *translator) concatCall(a *callArgs) (piece, error) {
	if a.n() == 0 {
		return piece{}, Errorf(ErrSyntax, "42601", "SQL compilation error:\ninvalid number of arguments (0) for function CONCAT")
	}
	as, err := a.all()
	if err != nil {
		return piece{}, err
	}
	var tests []string
	for k, r := range a.ranges {
		if !t.nonNull(r[0], r[1]) {
			tests = append(tests, "("+as[k]+") IS NULL")
		}
	}
	txt := simple("concat", as)
	if len(tests) > 0 {
		txt = "(CASE WHEN " + strings.Join(tests, " OR ") + " THEN NULL ELSE " + txt + " END)"
	}
	return piece{text: txt, hint: hintVarchar}, nil
}

// nonNull reports whether the Snowflake expression toks[i:end] can never be NULL, from
// its form alone: a string literal; NVL/IFNULL/COALESCE with an argument that cannot be
// NULL; IFF whose two branches cannot be; CONCAT of arguments that cannot be; the same
// in parentheses. Anything else may be NULL.
func (t *translator) nonNull(i, end int) bool {
	if end-i == 1 {
		return t.toks[i].Kind == TkString
	}
	if end-i >= 2 && t.toks[i].IsOp("(") && matching(t.toks, i) == end-1 {
		return t.nonNull(i+1, end-1)
	}
	if end-i < 3 || t.toks[i].Kind != TkWord || !t.toks[i+1].IsOp("(") || matching(t.toks, i+1) != end-1 {
		return false
	}
	args := splitTop(t.toks, i+2, end-1)
	switch t.toks[i].Val {
	case "NVL", "IFNULL", "COALESCE":
		for _, r := range args {
			if t.nonNull(r[0], r[1]) {
				return true
			}
		}
	case "IFF":
		return len(args) == 3 && t.nonNull(args[1][0], args[1][1]) && t.nonNull(args[2][0], args[2][1])
	case "CONCAT":
		for _, r := range args {
			if !t.nonNull(r[0], r[1]) {
				return false
			}
		}
		return len(args) > 0
	}
	return false
}
