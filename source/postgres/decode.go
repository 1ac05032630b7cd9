package postgres

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/snowmigrate/snowmigrate/source"
)

// PostgreSQL's binary date/time epoch is 2000-01-01; Parquet's is 1970-01-01.
const (
	pgEpochDays   = 10957
	pgEpochMicros = 946684800000000
	// Snowflake's DATE/TIMESTAMP range: years 0001 … 9999.
	minDays      = -719162 // 0001-01-01, days since 1970
	maxDays      = 2932896 // 9999-12-31
	minMicros    = int64(minDays) * 86400_000000
	maxMicros    = int64(maxDays+1)*86400_000000 - 1
	microsPerDay = 86400_000000
)

var (
	errInfinity   = errors.New("'infinity'/'-infinity' has no Snowflake equivalent")
	errOutOfRange = errors.New("outside Snowflake's range (years 0001 to 9999)")
	errTime24     = errors.New("time 24:00:00 is outside Snowflake's TIME range")
	errLength     = errors.New("wrong binary length")
)

// op is the fused wire→Parquet conversion of one column, chosen once per extraction
// so the hot loop is a single switch.
type op uint8

const (
	opInt2 op = iota + 1
	opInt4
	opInt8
	opFloat4
	opFloat8
	opDecimal64
	opDecimal128
	opBool
	opBytes // text and bytea: the value points into the arena
	opHex
	opDate
	opTime
	opTimestamp
	opUUID
)

// colDecoder decodes one column.
type colDecoder struct {
	op        op
	leaf      int // Parquet leaf column index
	precision int
	scale     int
	name      string        // source column name, for errors
	null      parquet.Value // this column's NULL (definition level 0)
}

func newDecoders(plans []source.ColumnPlan, leaf []int) ([]colDecoder, int, bool, error) {
	ds := make([]colDecoder, len(plans))
	scratchPerRow, hex := 0, false
	for i, p := range plans {
		d := colDecoder{leaf: leaf[i], precision: p.Precision, scale: p.Scale, name: p.SourceName,
			null: parquet.Value{}.Level(0, 0, leaf[i])}
		switch p.Wire {
		case source.WireInt2:
			d.op = opInt2
		case source.WireInt4:
			d.op = opInt4
		case source.WireInt8:
			d.op = opInt8
		case source.WireFloat4:
			d.op = opFloat4
		case source.WireFloat8:
			d.op = opFloat8
		case source.WireNumeric:
			d.op = opDecimal64
			if p.Out == source.OutDecimal128 {
				d.op = opDecimal128
				scratchPerRow += 16
			}
		case source.WireBool:
			d.op = opBool
		case source.WireText, source.WireBytea:
			d.op = opBytes
		case source.WireHexText:
			d.op, hex = opHex, true
		case source.WireDate:
			d.op = opDate
		case source.WireTime:
			d.op = opTime
		case source.WireTimestamp, source.WireTimestampTZ:
			d.op = opTimestamp
		case source.WireUUID:
			d.op = opUUID
			scratchPerRow += 36
		default:
			return nil, 0, false, fmt.Errorf("column %q: unsupported wire kind %d", p.SourceName, p.Wire)
		}
		ds[i] = d
	}
	return ds, scratchPerRow, hex, nil
}

// decode converts one non-NULL field. Derived bytes go to *scratch, whose capacity
// the caller has reserved (never reallocated mid-batch: values point into it).
func (d *colDecoder) decode(raw []byte, scratch *[]byte) (parquet.Value, error) {
	switch d.op {
	case opInt2:
		if len(raw) != 2 {
			return parquet.Value{}, errLength
		}
		return parquet.Int32Value(int32(int16(binary.BigEndian.Uint16(raw)))), nil
	case opInt4:
		if len(raw) != 4 {
			return parquet.Value{}, errLength
		}
		return parquet.Int32Value(int32(binary.BigEndian.Uint32(raw))), nil
	case opInt8:
		if len(raw) != 8 {
			return parquet.Value{}, errLength
		}
		return parquet.Int64Value(int64(binary.BigEndian.Uint64(raw))), nil
	case opFloat4:
		if len(raw) != 4 {
			return parquet.Value{}, errLength
		}
		return parquet.FloatValue(math.Float32frombits(binary.BigEndian.Uint32(raw))), nil
	case opFloat8:
		if len(raw) != 8 {
			return parquet.Value{}, errLength
		}
		return parquet.DoubleValue(math.Float64frombits(binary.BigEndian.Uint64(raw))), nil
	case opDecimal64:
		mag, neg, err := decodeNumeric(raw, d.precision, d.scale)
		if err != nil {
			return parquet.Value{}, err
		}
		v := int64(mag.lo)
		if neg {
			v = -v
		}
		return parquet.Int64Value(v), nil
	case opDecimal128:
		mag, neg, err := decodeNumeric(raw, d.precision, d.scale)
		if err != nil {
			return parquet.Value{}, err
		}
		s := *scratch
		n := len(s)
		s = s[:n+16]
		putInt128(s[n:], mag, neg)
		*scratch = s
		return parquet.FixedLenByteArrayValue(s[n : n+16 : n+16]), nil
	case opBool:
		if len(raw) != 1 {
			return parquet.Value{}, errLength
		}
		return parquet.BooleanValue(raw[0] != 0), nil
	case opBytes:
		return parquet.ByteArrayValue(raw), nil
	case opHex:
		s := *scratch
		n := len(s)
		s = s[:n+len(raw)/2]
		if _, err := hex.Decode(s[n:], raw); err != nil {
			return parquet.Value{}, fmt.Errorf("hex text: %w", err)
		}
		*scratch = s
		return parquet.ByteArrayValue(s[n:len(s):len(s)]), nil
	case opDate:
		if len(raw) != 4 {
			return parquet.Value{}, errLength
		}
		v := int32(binary.BigEndian.Uint32(raw))
		if v == math.MaxInt32 || v == math.MinInt32 {
			return parquet.Value{}, errInfinity
		}
		days := int64(v) + pgEpochDays
		if days < minDays || days > maxDays {
			return parquet.Value{}, errOutOfRange
		}
		return parquet.Int32Value(int32(days)), nil
	case opTime:
		if len(raw) != 8 {
			return parquet.Value{}, errLength
		}
		v := int64(binary.BigEndian.Uint64(raw))
		if v >= microsPerDay {
			return parquet.Value{}, errTime24
		}
		return parquet.Int64Value(v), nil
	case opTimestamp:
		if len(raw) != 8 {
			return parquet.Value{}, errLength
		}
		v := int64(binary.BigEndian.Uint64(raw))
		if v == math.MaxInt64 || v == math.MinInt64 {
			return parquet.Value{}, errInfinity
		}
		if v < minMicros-pgEpochMicros || v > maxMicros-pgEpochMicros {
			return parquet.Value{}, errOutOfRange
		}
		return parquet.Int64Value(v + pgEpochMicros), nil
	case opUUID:
		if len(raw) != 16 {
			return parquet.Value{}, errLength
		}
		s := *scratch
		n := len(s)
		s = s[:n+36]
		formatUUID(s[n:], raw)
		*scratch = s
		return parquet.ByteArrayValue(s[n : n+36 : n+36]), nil
	}
	return parquet.Value{}, fmt.Errorf("internal: op %d", d.op)
}

func formatUUID(dst, u []byte) {
	hex.Encode(dst[0:8], u[0:4])
	dst[8] = '-'
	hex.Encode(dst[9:13], u[4:6])
	dst[13] = '-'
	hex.Encode(dst[14:18], u[6:8])
	dst[18] = '-'
	hex.Encode(dst[19:23], u[8:10])
	dst[23] = '-'
	hex.Encode(dst[24:36], u[10:16])
}

// describe renders a raw field as text for error messages (row keys).
func describe(w source.Wire, raw []byte) string {
	if raw == nil {
		return "NULL"
	}
	switch w {
	case source.WireInt2:
		if len(raw) == 2 {
			return strconv.Itoa(int(int16(binary.BigEndian.Uint16(raw))))
		}
	case source.WireInt4:
		if len(raw) == 4 {
			return strconv.Itoa(int(int32(binary.BigEndian.Uint32(raw))))
		}
	case source.WireInt8:
		if len(raw) == 8 {
			return strconv.FormatInt(int64(binary.BigEndian.Uint64(raw)), 10)
		}
	case source.WireText:
		return strconv.Quote(string(raw))
	case source.WireUUID:
		if len(raw) == 16 {
			b := make([]byte, 36)
			formatUUID(b, raw)
			return string(b)
		}
	case source.WireDate:
		if len(raw) == 4 {
			v := int32(binary.BigEndian.Uint32(raw))
			if v == math.MaxInt32 || v == math.MinInt32 {
				return "infinity"
			}
			return time.Unix(0, 0).UTC().AddDate(0, 0, int(v)+pgEpochDays).Format("2006-01-02")
		}
	case source.WireTimestamp, source.WireTimestampTZ:
		if len(raw) == 8 {
			v := int64(binary.BigEndian.Uint64(raw))
			if v == math.MaxInt64 || v == math.MinInt64 {
				return "infinity"
			}
			return time.UnixMicro(v + pgEpochMicros).UTC().Format("2006-01-02 15:04:05.999999")
		}
	case source.WireNumeric:
		return describeNumeric(raw)
	}
	return "0x" + hex.EncodeToString(raw)
}

func describeNumeric(raw []byte) string {
	if len(raw) < 8 {
		return "?"
	}
	n := int(binary.BigEndian.Uint16(raw[0:]))
	weight := int(int16(binary.BigEndian.Uint16(raw[2:])))
	switch binary.BigEndian.Uint16(raw[4:]) {
	case numericNaN:
		return "NaN"
	case numericPInf:
		return "Infinity"
	case numericNInf:
		return "-Infinity"
	}
	var b strings.Builder
	if binary.BigEndian.Uint16(raw[4:]) == numericNeg {
		b.WriteByte('-')
	}
	for i := 0; i < n && 8+2*i+1 < len(raw); i++ {
		if i == weight+1 {
			b.WriteByte('.')
		}
		d := int(binary.BigEndian.Uint16(raw[8+2*i:]))
		if i == 0 {
			b.WriteString(strconv.Itoa(d))
		} else {
			fmt.Fprintf(&b, "%04d", d)
		}
	}
	for i := n; i <= weight; i++ {
		b.WriteString("0000")
	}
	return b.String()
}
