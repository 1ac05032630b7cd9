package engine

import (
	"strconv"
	"time"
)

// Functions the partition checksum uses (the product's docs/checksums.md), with
// Snowflake's results.

// md5Number translates MD5_NUMBER_UPPER64 / MD5_NUMBER_LOWER64: the MD5 digest of the
// message read as a 128-bit big-endian number, its upper (first 8 bytes) or lower
// (last 8 bytes) 64 bits as an unsigned integer, NUMBER(20,0) (up to 2^64-1 has 20
// digits). DuckDB's md5 is the lower-case hex digest; 16 hex digits are cast through
// a 0x literal to UBIGINT.
func (t *translator) md5Number(name string, a *callArgs) (piece, error) {
	if a.n() != 1 {
		return piece{}, Errorf(ErrSyntax, "42601", "SQL compilation error:\ninvalid number of arguments (%d) for function %s", a.n(), name)
	}
	s, err := a.s(0)
	if err != nil {
		return piece{}, err
	}
	from := "1"
	if name == "MD5_NUMBER_LOWER64" {
		from = "17"
	}
	txt := "CAST(CAST('0x' || substr(md5(CAST(" + s + " AS VARCHAR)), " + from + ", 16) AS UBIGINT) AS DECIMAL(20,0))"
	return piece{text: txt, hint: &sfType{Base: "NUMBER", Precision: 20}}, nil
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
