package checksum

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/big"
	"strconv"
)

// Kind is the checksum family of a Snowflake target type: it decides the canonical text.
type Kind int

const (
	KindNumber       Kind = iota + 1 // NUMBER(p,s) and the integer types
	KindFloat                        // FLOAT (double)
	KindBoolean                      // BOOLEAN
	KindText                         // VARCHAR, CHAR
	KindBinary                       // BINARY
	KindDate                         // DATE
	KindTime                         // TIME(n)
	KindTimestampNTZ                 // TIMESTAMP_NTZ(n)
	KindTimestampUTC                 // TIMESTAMP_TZ(n), TIMESTAMP_LTZ(n): the instant in UTC
	KindSemi                         // VARIANT, OBJECT, ARRAY: presence only
)

// Null is the field of a SQL NULL.
const Null = `\N`

// SemiPresent is the field of a non-NULL semi-structured value (docs/checksums.md: JSON
// is re-serialized by Snowflake, so only presence is compared).
const SemiPresent = "J"

// AppendDecimal appends the unscaled integer v with scale s as decimal text with
// exactly s fraction digits ("12.30", "-0.05", "42").
func AppendDecimal(dst []byte, v int64, scale int) []byte {
	if scale <= 0 {
		return strconv.AppendInt(dst, v, 10)
	}
	neg := v < 0
	u := uint64(v)
	if neg {
		u = -u
	}
	if scale > 19 {
		var buf [20]byte
		return appendDecimalDigits(dst, neg, strconv.AppendUint(buf[:0], u, 10), scale)
	}
	// Written backwards into one buffer: the scale's digits, the point, at least one
	// integer digit, the sign (the extractor formats millions of these per partition).
	var buf [24]byte
	i := len(buf)
	for k := 0; k < scale; k++ {
		i--
		buf[i] = byte('0' + u%10)
		u /= 10
	}
	i--
	buf[i] = '.'
	for {
		i--
		buf[i] = byte('0' + u%10)
		u /= 10
		if u == 0 {
			break
		}
	}
	if neg {
		i--
		buf[i] = '-'
	}
	return append(dst, buf[i:]...)
}

// AppendDecimal128 appends a 16-byte big-endian two's complement unscaled integer (a
// Parquet FIXED_LEN_BYTE_ARRAY(16) DECIMAL) with scale s.
func AppendDecimal128(dst []byte, be []byte, scale int) []byte {
	hi := binary.BigEndian.Uint64(be[0:8])
	lo := binary.BigEndian.Uint64(be[8:16])
	neg := int64(hi) < 0
	if neg { // negate the 128-bit two's complement value
		lo, hi = -lo, ^hi
		if lo == 0 {
			hi++
		}
	}
	var buf [40]byte
	var digits []byte
	if hi == 0 {
		digits = strconv.AppendUint(buf[:0], lo, 10)
	} else {
		n := new(big.Int).SetUint64(hi)
		n.Lsh(n, 64).Or(n, new(big.Int).SetUint64(lo))
		digits = n.Append(buf[:0], 10)
	}
	return appendDecimalDigits(dst, neg, digits, scale)
}

func appendDecimalDigits(dst []byte, neg bool, digits []byte, scale int) []byte {
	if neg {
		dst = append(dst, '-')
	}
	if scale <= 0 {
		return append(dst, digits...)
	}
	if len(digits) <= scale {
		dst = append(dst, '0', '.')
		for i := len(digits); i < scale; i++ {
			dst = append(dst, '0')
		}
		return append(dst, digits...)
	}
	cut := len(digits) - scale
	dst = append(dst, digits[:cut]...)
	dst = append(dst, '.')
	return append(dst, digits[cut:]...)
}

// AppendFloat appends the exact binary value of f as m·2^k: "<m>p<k>" with m the 53-bit
// significand (or the fraction of a subnormal, k = -1074), "0" for ±0, "NaN", "inf",
// "-inf".
func AppendFloat(dst []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, "NaN"...)
	case math.IsInf(f, 1):
		return append(dst, "inf"...)
	case math.IsInf(f, -1):
		return append(dst, "-inf"...)
	case f == 0:
		return append(dst, '0')
	}
	b := math.Float64bits(f)
	if b>>63 != 0 {
		dst = append(dst, '-')
	}
	exp := int((b >> 52) & 0x7ff)
	m := b & (1<<52 - 1)
	k := -1074
	if exp != 0 {
		m |= 1 << 52
		k = exp - 1075
	}
	dst = strconv.AppendUint(dst, m, 10)
	dst = append(dst, 'p')
	return strconv.AppendInt(dst, int64(k), 10)
}

// AppendBool appends "true" or "false".
func AppendBool(dst []byte, v bool) []byte {
	if v {
		return append(dst, "true"...)
	}
	return append(dst, "false"...)
}

// AppendText appends UTF-8 text, escaping '\' as `\\` and '|' as `\|`.
func AppendText(dst []byte, s []byte) []byte {
	if len(s) <= 64 {
		// Short values (most columns): one pass over the bytes costs less than the two
		// vectorised searches below, whose setup dominates at these lengths.
		for i, c := range s {
			if c == '\\' || c == '|' {
				return appendEscaped(append(dst, s[:i]...), s[i:])
			}
		}
		return append(dst, s...)
	}
	if bytes.IndexByte(s, '\\') < 0 && bytes.IndexByte(s, '|') < 0 {
		return append(dst, s...)
	}
	return appendEscaped(dst, s)
}

func appendEscaped(dst []byte, s []byte) []byte {
	for _, c := range s {
		switch c {
		case '\\':
			dst = append(dst, '\\', '\\')
		case '|':
			dst = append(dst, '\\', '|')
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

const hexUpper = "0123456789ABCDEF"

// AppendBinary appends the bytes as upper-case hex.
func AppendBinary(dst []byte, b []byte) []byte {
	for _, c := range b {
		dst = append(dst, hexUpper[c>>4], hexUpper[c&15])
	}
	return dst
}

const (
	microsPerDay = 86_400_000_000
	// civil-from-days: days since 1970-01-01 shifted to 0000-03-01.
	epochShift = 719468
)

// AppendDate appends days since 1970-01-01 as YYYY-MM-DD (proleptic Gregorian).
func AppendDate(dst []byte, days int64) []byte {
	y, m, d := civil(days)
	if y < 0 || y > 9999 {
		dst = appendPad(dst, y, 4)
		dst = append(dst, '-')
		dst = appendPad(dst, m, 2)
		dst = append(dst, '-')
		return appendPad(dst, d, 2)
	}
	return append(dst,
		byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+m/10), byte('0'+m%10), '-',
		byte('0'+d/10), byte('0'+d%10))
}

// AppendTime appends microseconds since midnight as HH:MM:SS.ffffff.
func AppendTime(dst []byte, micros int64) []byte {
	if micros < 0 || micros >= microsPerDay {
		return appendTimeSlow(dst, micros)
	}
	s := micros / 1_000_000
	f := micros % 1_000_000
	h, mi, sec := s/3600, s/60%60, s%60
	return append(dst,
		byte('0'+h/10), byte('0'+h%10), ':',
		byte('0'+mi/10), byte('0'+mi%10), ':',
		byte('0'+sec/10), byte('0'+sec%10), '.',
		byte('0'+f/100000), byte('0'+f/10000%10), byte('0'+f/1000%10),
		byte('0'+f/100%10), byte('0'+f/10%10), byte('0'+f%10))
}

// appendTimeSlow is AppendTime outside one day (never from a TIME value; kept so that
// every input has the one text it always had).
func appendTimeSlow(dst []byte, micros int64) []byte {
	s := micros / 1_000_000
	dst = appendPad(dst, s/3600, 2)
	dst = append(dst, ':')
	dst = appendPad(dst, s/60%60, 2)
	dst = append(dst, ':')
	dst = appendPad(dst, s%60, 2)
	dst = append(dst, '.')
	return appendPad(dst, micros%1_000_000, 6)
}

// AppendTimestamp appends microseconds since 1970-01-01 00:00:00 (a wall clock for
// TIMESTAMP_NTZ, a UTC instant for TIMESTAMP_TZ/LTZ) as YYYY-MM-DD HH:MM:SS.ffffff.
func AppendTimestamp(dst []byte, micros int64) []byte {
	days := micros / microsPerDay
	rem := micros % microsPerDay
	if rem < 0 {
		days--
		rem += microsPerDay
	}
	dst = AppendDate(dst, days)
	dst = append(dst, ' ')
	return AppendTime(dst, rem)
}

// civil converts days since 1970-01-01 to year, month, day (Howard Hinnant's algorithm).
func civil(days int64) (y, m, d int64) {
	z := days + epochShift
	era := z
	if era < 0 {
		era -= 146096
	}
	era /= 146097
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	if mp < 10 {
		m = mp + 3
	} else {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

func appendPad(dst []byte, v int64, width int) []byte {
	if v < 0 {
		dst = append(dst, '-')
		v = -v
	}
	var buf [20]byte
	s := strconv.AppendInt(buf[:0], v, 10)
	for i := len(s); i < width; i++ {
		dst = append(dst, '0')
	}
	return append(dst, s...)
}
