package server

import (
	"database/sql/driver"
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/marcboeker/go-duckdb"

	"github.com/snowmigrate/snowmigrate/emulator/sqlserver/tds"
	"github.com/snowmigrate/snowmigrate/emulator/sqlserver/tsql"
)

// The functions a partition checksum in T-SQL needs (tsql/checksum.go), with SQL
// Server's documented results.
func init() {
	udfs["ss_binsub"] = &udf{in: []duckdb.Type{duckdb.TYPE_BLOB, duckdb.TYPE_BIGINT, duckdb.TYPE_BIGINT}, out: duckdb.TYPE_BLOB, fn: binarySubstring}
	udfs["ss_float2bin"] = &udf{in: []duckdb.Type{duckdb.TYPE_DOUBLE}, out: duckdb.TYPE_BLOB, fn: func(v []driver.Value) (any, error) {
		f, _ := v[0].(float64)
		out := make([]byte, 8)
		binary.BigEndian.PutUint64(out, math.Float64bits(f))
		return out, nil
	}}
	udfs["ss_switchoffset"] = &udf{in: []duckdb.Type{duckdb.TYPE_VARCHAR, duckdb.TYPE_VARCHAR}, out: duckdb.TYPE_VARCHAR, fn: func(v []driver.Value) (any, error) {
		return switchOffset(fmt.Sprint(v[0]), fmt.Sprint(v[1]))
	}}
	udfs["ss_datetime_ms"] = &udf{in: []duckdb.Type{duckdb.TYPE_VARCHAR}, out: duckdb.TYPE_VARCHAR, fn: func(v []driver.Value) (any, error) {
		return datetimeMillis(fmt.Sprint(v[0]))
	}}
	udfs["ss_padbin"] = &udf{in: []duckdb.Type{duckdb.TYPE_BLOB, duckdb.TYPE_INTEGER}, out: duckdb.TYPE_BLOB, fn: func(v []driver.Value) (any, error) {
		b := blobArg(v[0])
		n, _ := v[1].(int32)
		if len(b) >= int(n) {
			return b, nil
		}
		return append(append([]byte{}, b...), make([]byte, int(n)-len(b))...), nil
	}}
	udfs["ss_padchar"] = &udf{in: []duckdb.Type{duckdb.TYPE_VARCHAR, duckdb.TYPE_INTEGER, duckdb.TYPE_BOOLEAN}, out: duckdb.TYPE_VARCHAR, fn: func(v []driver.Value) (any, error) {
		n, _ := v[1].(int32)
		unicode, _ := v[2].(bool)
		return padChar(fmt.Sprint(v[0]), int(n), unicode), nil
	}}
}

// invalidSubstringLength is the text of SQL Server's error 537 (a UDF's error reaches
// the session as engine text; mapError maps it back by this text).
const invalidSubstringLength = "Invalid length parameter passed to the substring function."

// binarySubstring is SUBSTRING(binary, start, length): bytes from the 1-based start; a
// start before 1 uses up length on the positions before the first byte; a negative
// length is error 537.
func binarySubstring(v []driver.Value) (any, error) {
	b := blobArg(v[0])
	start, _ := v[1].(int64)
	length, _ := v[2].(int64)
	if length < 0 {
		return nil, tsql.Errf(537, 3, 16, "%s", invalidSubstringLength)
	}
	from, to := start-1, start-1+length
	if from < 0 {
		from = 0
	}
	if to > int64(len(b)) {
		to = int64(len(b))
	}
	if to <= from {
		return []byte{}, nil
	}
	return append([]byte{}, b[from:to]...), nil
}

// switchOffset moves a stored datetimeoffset ('YYYY-MM-DD hh:mm:ss.fffffff ±hh:mm') to
// another offset ('±hh:mm' or minutes), the same instant.
func switchOffset(dto, offset string) (string, error) {
	if len(dto) != 34 {
		return "", tsql.Errf(241, 1, 16, "Conversion failed when converting date and/or time from character string.")
	}
	t, err := time.Parse("2006-01-02 15:04:05.0000000 -07:00", dto)
	if err != nil {
		return "", tsql.Errf(241, 1, 16, "Conversion failed when converting date and/or time from character string.")
	}
	minutes, err := offsetMinutes(offset)
	if err != nil {
		return "", err
	}
	t = t.In(time.FixedZone("", minutes*60))
	return t.Format("2006-01-02 15:04:05.0000000 -07:00"), nil
}

func offsetMinutes(s string) (int, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.Atoi(s); err == nil {
		if n < -840 || n > 840 {
			return 0, tsql.Errf(8117, 1, 16, "The timezone provided to builtin function switchoffset is invalid.")
		}
		return n, nil
	}
	if len(s) == 6 && (s[0] == '+' || s[0] == '-') && s[3] == ':' {
		h, err1 := strconv.Atoi(s[1:3])
		m, err2 := strconv.Atoi(s[4:6])
		if err1 == nil && err2 == nil && h*60+m <= 840 && m < 60 {
			n := h*60 + m
			if s[0] == '-' {
				n = -n
			}
			return n, nil
		}
	}
	return 0, tsql.Errf(8117, 1, 16, "The timezone provided to builtin function switchoffset is invalid.")
}

// datetimeMillis is a stored datetime ('YYYY-MM-DD hh:mm:ss.fffffff', a 1/300 s tick)
// as CONVERT style 121 shows it: milliseconds, rounded ('.003', '.007', '.997').
func datetimeMillis(s string) (string, error) {
	if len(s) < 27 || s[19] != '.' {
		return s, nil
	}
	frac, err := strconv.Atoi(s[20:27])
	if err != nil {
		return s, nil
	}
	ms := (frac + 5000) / 10000 // the ticks' fractions are .0000, .3333 and .6667 ms: no carry past .997
	return fmt.Sprintf("%s.%03d", s[:19], ms), nil
}

// padChar pads a char(n) value to n bytes of its code page, an nchar(n) value to n
// UTF-16 code units, as SQL Server stores them (the local SQL Server pads on output).
func padChar(s string, n int, unicode bool) string {
	var have int
	if unicode {
		have = len(utf16.Encode([]rune(s)))
	} else {
		have = len(tds.EncodeVarchar(s))
	}
	if have >= n {
		return s
	}
	return s + strings.Repeat(" ", n-have)
}
