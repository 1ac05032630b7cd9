package engine

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/marcboeker/go-duckdb"
)

// encodeCell renders one DuckDB value in Snowflake's JSON result encoding for the
// column's wire type. nil stays nil (SQL NULL).
func (s *Session) encodeCell(c *Column, v any) (*string, error) {
	if v == nil {
		return nil, nil
	}
	var out string
	switch c.Type {
	case "fixed":
		out = fixedString(v, int(c.Scale))
	case "real":
		switch x := v.(type) {
		case float64:
			out = formatFloat(x)
		case float32:
			out = formatFloat(float64(x))
		default:
			out = fixedString(v, -1)
		}
	case "boolean":
		b, ok := v.(bool)
		if !ok {
			return nil, fmt.Errorf("engine: boolean column %s got %T", c.Name, v)
		}
		out = "0"
		if b {
			out = "1"
		}
	case "date":
		tm, ok := v.(time.Time)
		if !ok {
			return nil, fmt.Errorf("engine: date column %s got %T", c.Name, v)
		}
		out = strconv.FormatInt(floorDiv(tm.Unix(), 86400), 10)
	case "time", "timestamp_ntz", "timestamp_ltz", "timestamp_tz":
		tm, n, off, ok := temporalValue(v)
		if m, isMap := v.(map[string]any); isMap && m["u"] == nil {
			return nil, nil
		}
		if !ok {
			return nil, fmt.Errorf("engine: %s column %s got %T", c.Type, c.Name, v)
		}
		nanos := tm.Nanosecond() + n
		if c.Type == "time" {
			out = strconv.Itoa(tm.Hour()*3600+tm.Minute()*60+tm.Second()) + fraction(nanos, int(c.Scale))
			break
		}
		out = strconv.FormatInt(tm.Unix(), 10) + fraction(nanos, int(c.Scale))
		if c.Type == "timestamp_tz" {
			if off == nil {
				_, o := tm.In(s.tz).Zone()
				o /= 60
				off = &o
			}
			out += " " + strconv.Itoa(*off+1440)
		}
	case "binary":
		b, ok := v.([]byte)
		if !ok {
			return nil, fmt.Errorf("engine: binary column %s got %T", c.Name, v)
		}
		out = strings.ToUpper(hex.EncodeToString(b))
	case "variant", "object", "array":
		switch x := v.(type) {
		case string:
			out = x
		default:
			b, err := json.Marshal(x)
			if err != nil {
				return nil, fmt.Errorf("engine: encode %s: %w", c.Name, err)
			}
			out = string(b)
		}
	default: // text
		switch x := v.(type) {
		case string:
			out = x
		case []byte:
			out = string(x)
		case time.Time:
			out = x.Format("2006-01-02 15:04:05.999999999")
		case duckdb.Interval:
			out = fmt.Sprintf("%d months %d days %d microseconds", x.Months, x.Days, x.Micros)
		case map[string]any, []any:
			b, _ := json.Marshal(x)
			out = string(b)
		default:
			out = fixedString(v, -1)
		}
	}
	return &out, nil
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// temporalValue reads a DuckDB time value: a time.Time (microseconds), or an extended
// value (ext.go) as a map with the microsecond value u, the nanoseconds below it n and,
// for TIMESTAMP_TZ, the offset in minutes o.
func temporalValue(v any) (tm time.Time, n int, off *int, ok bool) {
	switch x := v.(type) {
	case time.Time:
		return x, 0, nil, true
	case map[string]any:
		if x["u"] == nil { // an extended value whose fields are NULL is NULL
			return tm, 0, nil, false
		}
		tm, ok = x["u"].(time.Time)
		if !ok {
			return tm, 0, nil, false
		}
		switch y := x["n"].(type) {
		case uint16:
			n = int(y)
		case int64:
			n = int(y)
		}
		if o, has := x["o"]; has {
			var m int
			switch y := o.(type) {
			case int16:
				m = int(y)
			case int64:
				m = int(y)
			}
			off = &m
		}
		return tm, n, off, true
	}
	return tm, 0, nil, false
}

// fraction is ".ddd" with scale digits of nanos (truncated), "" for scale 0: Snowflake
// sends as many digits as the column's scale.
func fraction(nanos, scale int) string {
	if scale <= 0 {
		return ""
	}
	if scale > 9 {
		scale = 9
	}
	return "." + fmt.Sprintf("%09d", nanos)[:scale]
}

func formatFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// fixedString renders integer and decimal values exactly.
func fixedString(v any, scale int) string {
	switch x := v.(type) {
	case int8, int16, int32, int64, int, uint8, uint16, uint32, uint64, uint:
		s := fmt.Sprint(x)
		if scale > 0 {
			return s + "." + strings.Repeat("0", scale)
		}
		return s
	case *big.Int:
		return x.String()
	case big.Int:
		return x.String()
	case duckdb.Decimal:
		return decimalString(x.Value, int(x.Scale))
	case float64:
		if scale >= 0 {
			return strconv.FormatFloat(x, 'f', scale, 64)
		}
		return formatFloat(x)
	case float32:
		return formatFloat(float64(x))
	case bool:
		if x {
			return "1"
		}
		return "0"
	case string:
		return x
	}
	return fmt.Sprint(v)
}

func decimalString(v *big.Int, scale int) string {
	if v == nil {
		return "0"
	}
	s := new(big.Int).Abs(v).String()
	neg := v.Sign() < 0
	if scale > 0 {
		if len(s) <= scale {
			s = strings.Repeat("0", scale-len(s)+1) + s
		}
		s = s[:len(s)-scale] + "." + s[len(s)-scale:]
	}
	if neg {
		s = "-" + s
	}
	return s
}
