package engine

import (
	"fmt"
	"strconv"
	"time"
)

// Time zones. The DuckDB build has no ICU extension, so DuckDB itself only knows UTC.
// The session's TIMEZONE is applied by the translator with the zone's UTC offset at
// the statement's start time (documented difference: conversions of values on the
// other side of a daylight-saving change are off by the DST shift).

func (s *Session) offsetSeconds() int {
	now := s.stmtTime
	if now.IsZero() {
		now = time.Now()
	}
	_, off := now.In(s.tz).Zone()
	return off
}

// offsetString is the session offset as +hhmm (Snowflake's TO_VARCHAR of LTZ/TZ).
func (s *Session) offsetString() string {
	off := s.offsetSeconds()
	sign := "+"
	if off < 0 {
		sign, off = "-", -off
	}
	return fmt.Sprintf("%s%02d%02d", sign, off/3600, off%3600/60)
}

// ltzToNTZ converts an instant to the session's wall-clock time.
func (s *Session) ltzToNTZ(src string) string {
	off := s.offsetSeconds()
	if off == 0 {
		return "CAST(CAST(" + src + " AS TIMESTAMPTZ) AS TIMESTAMP)"
	}
	return "(CAST(CAST(" + src + " AS TIMESTAMPTZ) AS TIMESTAMP) + to_seconds(" + strconv.Itoa(off) + "))"
}

// ntzToLTZ interprets a wall-clock time in the session's time zone.
func (s *Session) ntzToLTZ(src string) string {
	off := s.offsetSeconds()
	if off == 0 {
		return "CAST(CAST(" + src + " AS TIMESTAMP) AS TIMESTAMPTZ)"
	}
	return "CAST(CAST(" + src + " AS TIMESTAMP) - to_seconds(" + strconv.Itoa(off) + ") AS TIMESTAMPTZ)"
}

// strToLTZ parses a string: with an explicit offset it is that instant, without one
// it is wall-clock time in the session time zone.
func (s *Session) strToLTZ(src string, try bool) string {
	c := "CAST"
	if try {
		c = "TRY_CAST"
	}
	off := s.offsetSeconds()
	if off == 0 {
		return c + "(" + src + " AS TIMESTAMPTZ)"
	}
	return "(CASE WHEN regexp_matches(CAST(" + src + " AS VARCHAR), '([+-][0-9][0-9](:?[0-9][0-9])?|Z|UTC)\\s*$') THEN " + c + "(" + src + " AS TIMESTAMPTZ) ELSE " +
		c + "(" + c + "(" + src + " AS TIMESTAMP) - to_seconds(" + strconv.Itoa(off) + ") AS TIMESTAMPTZ) END)"
}
