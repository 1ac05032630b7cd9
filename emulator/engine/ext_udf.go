package engine

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/marcboeker/go-duckdb"
)

// Text is parsed into extended values in Go by scalar functions registered in each
// DuckDB database: sf_ext_<kind>(text, session offset minutes, precision) and
// sf_try_ext_<kind> (NULL instead of an error). In SQL, regular expressions are compiled
// for every chunk of every statement and string functions under CASE are not shared:
// COPY of datetime2(7) text ran at 12,000 rows/s with patterns and at 75,000 rows per
// CPU-second with string functions, against 149,000 with these (BenchmarkCopyParquetTimestamps).

// extUDFName is the parsing function of an extended kind.
func extUDFName(base string, try bool) string {
	n := "sf_ext_" + strings.ToLower(strings.TrimPrefix(base, "TIMESTAMP_"))
	if try {
		n = "sf_try_ext_" + strings.ToLower(strings.TrimPrefix(base, "TIMESTAMP_"))
	}
	return n
}

// registerExtUDFs registers the parsing functions in the database of db (DuckDB keeps
// them in its catalog: every connection sees them).
func registerExtUDFs(ctx context.Context, db *sql.DB) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("engine: register timestamp parsers: %w", err)
	}
	defer conn.Close()
	for _, base := range []string{"TIME", "TIMESTAMP_NTZ", "TIMESTAMP_LTZ", "TIMESTAMP_TZ"} {
		for _, try := range []bool{false, true} {
			if err := duckdb.RegisterScalarUDF(conn, extUDFName(base, try), extParser{base: base, try: try}); err != nil {
				return fmt.Errorf("engine: register %s: %w", extUDFName(base, try), err)
			}
		}
	}
	return nil
}

type extParser struct {
	base string
	try  bool
}

func (p extParser) Config() duckdb.ScalarFuncConfig {
	ti := func(t duckdb.Type) duckdb.TypeInfo {
		info, _ := duckdb.NewTypeInfo(t)
		return info
	}
	legacy := duckdb.TYPE_TIMESTAMP_TZ
	switch p.base {
	case "TIME":
		legacy = duckdb.TYPE_TIME
	case "TIMESTAMP_NTZ":
		legacy = duckdb.TYPE_TIMESTAMP
	}
	u, _ := duckdb.NewStructEntry(ti(legacy), "u")
	n, _ := duckdb.NewStructEntry(ti(duckdb.TYPE_USMALLINT), "n")
	var res duckdb.TypeInfo
	if p.base == "TIMESTAMP_TZ" {
		o, _ := duckdb.NewStructEntry(ti(duckdb.TYPE_SMALLINT), "o")
		res, _ = duckdb.NewStructInfo(u, n, o)
	} else {
		res, _ = duckdb.NewStructInfo(u, n)
	}
	return duckdb.ScalarFuncConfig{
		InputTypeInfos: []duckdb.TypeInfo{ti(duckdb.TYPE_VARCHAR), ti(duckdb.TYPE_INTEGER), ti(duckdb.TYPE_INTEGER)},
		ResultTypeInfo: res,
	}
}

func (p extParser) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{RowExecutor: func(vals []driver.Value) (any, error) {
		s, _ := vals[0].(string)
		off, _ := vals[1].(int32)
		prec, _ := vals[2].(int32)
		v, ok := parseExtText(s, p.base, int(off), int(prec))
		if !ok {
			if p.try {
				return nil, nil
			}
			what := "Timestamp"
			if p.base == "TIME" {
				what = "Time"
			}
			return nil, fmt.Errorf("%s '%s' is not recognized", what, s)
		}
		return v, nil
	}}
}

// parseExtText reads Snowflake's AUTO forms: [YYYY-M-D][( |T)H:MI[:SS[.f…]]] with an
// optional offset (Z, ±hh, ±hhmm, ±hh:mm, a space before it allowed), or for TIME
// H:MI[:SS[.f…]]. The value is truncated to prec digits; off is the session's offset
// (minutes) for values without one. ok is false for anything else.
func parseExtText(s, base string, off, prec int) (map[string]any, bool) {
	s = strings.TrimSpace(s)
	var date time.Time
	rest := s
	if base != "TIME" {
		y, m, d, r, ok := parseDatePart(s)
		if !ok {
			return nil, false
		}
		date = time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
		if date.Day() != d || int(date.Month()) != m {
			return nil, false
		}
		rest = r
		if rest != "" && (rest[0] == ' ' || rest[0] == 'T') {
			rest = strings.TrimLeft(rest[1:], " ")
		}
	}
	var clock time.Duration
	var nanos int
	if rest != "" && rest[0] >= '0' && rest[0] <= '9' {
		c, ns, r, ok := parseClock(rest)
		if !ok {
			return nil, false
		}
		clock, nanos, rest = c, ns, r
	} else if base == "TIME" {
		return nil, false
	}
	rest = strings.TrimLeft(rest, " ")
	own, hasOff := 0, false
	if rest != "" {
		if base == "TIME" {
			return nil, false
		}
		o, ok := parseOffset(rest)
		if !ok {
			return nil, false
		}
		own, hasOff = o, true
	}
	if prec < 9 {
		k := 1
		for i := prec; i < 9; i++ {
			k *= 10
		}
		nanos -= nanos % k
	}
	wall := date.Add(clock + time.Duration(nanos))
	n := uint16(wall.Nanosecond() % 1000)
	wallU := wall.Truncate(time.Microsecond)
	switch base {
	case "TIME":
		return map[string]any{"u": wallU, "n": n}, true
	case "TIMESTAMP_NTZ":
		return map[string]any{"u": wallU, "n": n}, true
	}
	if !hasOff {
		own = off
	}
	inst := wallU.Add(-time.Duration(own) * time.Minute)
	if base == "TIMESTAMP_LTZ" {
		return map[string]any{"u": inst, "n": n}, true
	}
	return map[string]any{"u": inst, "n": n, "o": int16(own)}, true
}

func parseDatePart(s string) (y, m, d int, rest string, ok bool) {
	parts := make([]int, 0, 3)
	i := 0
	for k := 0; k < 3; k++ {
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j == i || (k == 0 && j-i != 4) || (k > 0 && j-i > 2) {
			return 0, 0, 0, "", false
		}
		v, _ := strconv.Atoi(s[i:j])
		parts = append(parts, v)
		i = j
		if k < 2 {
			if i >= len(s) || s[i] != '-' {
				return 0, 0, 0, "", false
			}
			i++
		}
	}
	return parts[0], parts[1], parts[2], s[i:], true
}

// parseClock reads H:MI[:SS[.f…]] (at most 9 fractional digits kept).
func parseClock(s string) (time.Duration, int, string, bool) {
	num := func(i, max int) (int, int) {
		j := i
		for j < len(s) && j-i < max && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		v, _ := strconv.Atoi(s[i:j])
		return v, j
	}
	h, i := num(0, 2)
	if i == 0 || i >= len(s) || s[i] != ':' {
		return 0, 0, "", false
	}
	mi, j := num(i+1, 2)
	if j-i != 3 {
		return 0, 0, "", false
	}
	sec, nanos := 0, 0
	if j < len(s) && s[j] == ':' {
		var k int
		sec, k = num(j+1, 2)
		if k-j != 3 {
			return 0, 0, "", false
		}
		j = k
		if j < len(s) && s[j] == '.' {
			k = j + 1
			digits := ""
			for k < len(s) && s[k] >= '0' && s[k] <= '9' {
				if len(digits) < 9 {
					digits += string(s[k])
				}
				k++
			}
			if k == j+1 {
				return 0, 0, "", false
			}
			nanos, _ = strconv.Atoi(digits + strings.Repeat("0", 9-len(digits)))
			j = k
		}
	}
	if h > 23 || mi > 59 || sec > 59 {
		return 0, 0, "", false
	}
	return time.Duration(h)*time.Hour + time.Duration(mi)*time.Minute + time.Duration(sec)*time.Second, nanos, s[j:], true
}

// parseOffset reads Z, ±hh, ±hhmm or ±hh:mm as minutes.
func parseOffset(s string) (int, bool) {
	if s == "Z" {
		return 0, true
	}
	if len(s) < 3 || (s[0] != '+' && s[0] != '-') {
		return 0, false
	}
	d := strings.Replace(s[1:], ":", "", 1)
	if (len(d) != 2 && len(d) != 4) || strings.Trim(d, "0123456789") != "" {
		return 0, false
	}
	h, _ := strconv.Atoi(d[:2])
	m := 0
	if len(d) == 4 {
		m, _ = strconv.Atoi(d[2:])
	}
	if h > 14 || m > 59 {
		return 0, false
	}
	o := h*60 + m
	if s[0] == '-' {
		o = -o
	}
	return o, true
}
