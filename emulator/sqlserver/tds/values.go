package tds

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"golang.org/x/text/encoding/charmap"
)

// Wire type identifiers (MS-TDS 2.2.5.4).
const (
	tyNull       = 0x1F
	tyInt1       = 0x30
	tyBit        = 0x32
	tyInt2       = 0x34
	tyInt4       = 0x38
	tyDateTim4   = 0x3A
	tyFlt4       = 0x3B
	tyMoney      = 0x3C
	tyDateTime   = 0x3D
	tyFlt8       = 0x3E
	tyMoney4     = 0x7A
	tyInt8       = 0x7F
	tyGUID       = 0x24
	tyIntN       = 0x26
	tyDecimal    = 0x37
	tyNumeric    = 0x3F
	tyBitN       = 0x68
	tyDecimalN   = 0x6A
	tyNumericN   = 0x6C
	tyFltN       = 0x6D
	tyMoneyN     = 0x6E
	tyDateTimeN  = 0x6F
	tyDateN      = 0x28
	tyTimeN      = 0x29
	tyDateTime2N = 0x2A
	tyDTON       = 0x2B
	tyChar       = 0x2F
	tyVarChar    = 0x27
	tyBinary     = 0x2D
	tyVarBinary  = 0x25
	tyBigVarBin  = 0xA5
	tyBigVarChr  = 0xA7
	tyBigBinary  = 0xAD
	tyBigChar    = 0xAF
	tyNVarChar   = 0xE7
	tyNChar      = 0xEF
	tyXML        = 0xF1
	tyUDT        = 0xF0
	tyText       = 0x23
	tyImage      = 0x22
	tyNText      = 0x63
	tyVariant    = 0x62
)

// Dec is an exact decimal: Unscaled × 10^-Scale.
type Dec struct {
	Unscaled *big.Int
	Scale    int
}

// ParseDecimal reads a plain decimal literal such as -12.3400 (no exponent).
func ParseDecimal(s string) (Dec, error) {
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimLeft(s, "+-")
	ip, fp, _ := strings.Cut(s, ".")
	if ip == "" && fp == "" {
		return Dec{}, &ValueError{"Error converting data type varchar to numeric."}
	}
	u, ok := new(big.Int).SetString("0"+ip+fp, 10)
	if !ok {
		return Dec{}, &ValueError{"Error converting data type varchar to numeric."}
	}
	if neg {
		u.Neg(u)
	}
	return Dec{u, len(fp)}, nil
}

var ten = big.NewInt(10)

// Rescale rounds half away from zero to the given scale.
func (d Dec) Rescale(scale int) Dec {
	if d.Scale == scale {
		return d
	}
	u := new(big.Int).Set(d.Unscaled)
	for s := d.Scale; s < scale; s++ {
		u.Mul(u, ten)
	}
	if d.Scale > scale {
		div := new(big.Int).Exp(ten, big.NewInt(int64(d.Scale-scale)), nil)
		q, r := new(big.Int).QuoRem(u, div, new(big.Int))
		r.Abs(r).Mul(r, big.NewInt(2))
		if r.Cmp(div) >= 0 {
			if u.Sign() < 0 {
				q.Sub(q, big.NewInt(1))
			} else {
				q.Add(q, big.NewInt(1))
			}
		}
		u = q
	}
	return Dec{u, scale}
}

// String renders the decimal with its scale.
func (d Dec) String() string {
	s := new(big.Int).Abs(d.Unscaled).String()
	for len(s) <= d.Scale {
		s = "0" + s
	}
	if d.Scale > 0 {
		s = s[:len(s)-d.Scale] + "." + s[len(s)-d.Scale:]
	}
	if d.Unscaled.Sign() < 0 {
		s = "-" + s
	}
	return s
}

// Digits is the number of integer digits plus Scale (the precision the value needs).
func (d Dec) Digits() int {
	n := len(new(big.Int).Abs(d.Unscaled).String())
	if n < d.Scale {
		n = d.Scale
	}
	return n
}

func collationBytes(name string) [5]byte {
	c := DefaultCollation
	l := strings.ToUpper(name)
	if strings.Contains(l, "_CS") || strings.Contains(l, "_BIN") {
		c[2] = 0x00
		c[4] = 0x33
		if strings.Contains(l, "_BIN") {
			c[4] = 0x00
			c[3] = 0x01 // fBinary2
		}
	}
	return c
}

func writeTypeInfo(w *Writer, t Type) {
	shortLen := func(id byte, n int, coll bool) {
		w.Byte(id)
		if n == MaxLen {
			w.U16(0xFFFF)
		} else {
			w.U16(uint16(n))
		}
		if coll {
			c := collationBytes(t.Collation)
			w.Write(c[:])
		}
	}
	switch t.Kind {
	case Bit:
		w.Write([]byte{tyBitN, 1})
	case TinyInt:
		w.Write([]byte{tyIntN, 1})
	case SmallInt:
		w.Write([]byte{tyIntN, 2})
	case Int:
		w.Write([]byte{tyIntN, 4})
	case BigInt:
		w.Write([]byte{tyIntN, 8})
	case Decimal:
		w.Write([]byte{tyDecimalN, byte(decimalSize(t.Prec)), byte(t.Prec), byte(t.Scale)})
	case Numeric:
		w.Write([]byte{tyNumericN, byte(decimalSize(t.Prec)), byte(t.Prec), byte(t.Scale)})
	case Money:
		w.Write([]byte{tyMoneyN, 8})
	case SmallMoney:
		w.Write([]byte{tyMoneyN, 4})
	case Real:
		w.Write([]byte{tyFltN, 4})
	case Float:
		w.Write([]byte{tyFltN, 8})
	case Date:
		w.Byte(tyDateN)
	case Time:
		w.Write([]byte{tyTimeN, byte(t.Scale)})
	case DateTime2:
		w.Write([]byte{tyDateTime2N, byte(t.Scale)})
	case DateTimeOffset:
		w.Write([]byte{tyDTON, byte(t.Scale)})
	case DateTime:
		w.Write([]byte{tyDateTimeN, 8})
	case SmallDateTime:
		w.Write([]byte{tyDateTimeN, 4})
	case Char:
		shortLen(tyBigChar, t.Len, true)
	case VarChar, Text:
		n := t.Len
		if t.Kind == Text {
			n = MaxLen
		}
		shortLen(tyBigVarChr, n, true)
	case NChar:
		shortLen(tyNChar, 2*t.Len, true)
	case NVarChar, NText, SysName, HierarchyID, Geometry, Geography:
		n := 2 * t.Len
		if t.Len == MaxLen || t.Kind != NVarChar && t.Kind != SysName {
			n = MaxLen
		}
		shortLen(tyNVarChar, n, true)
	case Binary:
		shortLen(tyBigBinary, t.Len, false)
	case VarBinary, Image:
		n := t.Len
		if t.Kind == Image {
			n = MaxLen
		}
		shortLen(tyBigVarBin, n, false)
	case RowVersion:
		shortLen(tyBigBinary, 8, false)
	case UniqueIdentifier:
		w.Write([]byte{tyGUID, 16})
	case XML:
		w.Write([]byte{tyXML, 0})
	case Variant:
		w.Byte(tyVariant)
		w.U32(8016)
	default:
		// unknown kinds travel as nvarchar(max): never a malformed stream
		shortLen(tyNVarChar, MaxLen, true)
	}
}

// isPLP reports whether values of t are sent as partially length-prefixed chunks.
func isPLP(t Type) bool {
	switch t.Kind {
	case VarChar, NVarChar, VarBinary:
		return t.Len == MaxLen
	case Text, NText, Image, XML, HierarchyID, Geometry, Geography:
		return true
	}
	return false
}

func appendVarchar(out []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return append(out, EncodeVarchar(s)...)
		}
	}
	return append(out, s...)
}

func appendUTF16(out []byte, s string) []byte {
	for _, r := range s {
		switch {
		case r >= 0x10000:
			r1, r2 := utf16.EncodeRune(r)
			out = append(out, byte(r1), byte(r1>>8), byte(r2), byte(r2>>8))
		default:
			out = append(out, byte(r), byte(r>>8))
		}
	}
	return out
}

// EncodeVarchar converts a string to code page 1252, replacing what it cannot hold
// with '?', as SQL Server does for varchar under a Latin1 collation.
func EncodeVarchar(s string) []byte {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return []byte(s)
	}
	out := make([]byte, 0, len(s))
	for _, r := range s {
		if r < 0x80 {
			out = append(out, byte(r))
			continue
		}
		b, ok := charmap.Windows1252.EncodeRune(r)
		if !ok {
			b = '?'
		}
		out = append(out, b)
	}
	return out
}

// DecodeVarchar converts code page 1252 bytes to a string.
func DecodeVarchar(b []byte) string {
	out := make([]rune, 0, len(b))
	for _, c := range b {
		out = append(out, charmap.Windows1252.DecodeByte(c))
	}
	return string(out)
}

// ValueError reports a value that cannot be encoded as its column's type.
type ValueError struct{ Msg string }

func (e *ValueError) Error() string { return e.Msg }

// WriteValue appends one value of type t (nil is NULL). Accepted Go values: bool,
// integers, float32/64, Decimal, string (text, decimal, temporal or GUID text),
// []byte, time.Time, Temporal, [16]byte GUID (RFC order).
func WriteValue(w *Writer, t Type, v any) error {
	if v == nil {
		writeNull(w, t)
		return nil
	}
	switch t.Kind {
	case Bit:
		b, err := toInt(v)
		if err != nil {
			return err
		}
		w.Byte(1)
		if b != 0 {
			w.Byte(1)
		} else {
			w.Byte(0)
		}
	case TinyInt, SmallInt, Int, BigInt:
		n, err := toInt(v)
		if err != nil {
			return err
		}
		size := 8
		switch t.Kind {
		case TinyInt:
			size = 1
		case SmallInt:
			size = 2
		case Int:
			size = 4
		}
		var b [9]byte
		b[0] = byte(size)
		binary.LittleEndian.PutUint64(b[1:], uint64(n))
		w.Write(b[:1+size])
	case Decimal, Numeric, Money, SmallMoney:
		d, err := toDecimal(v)
		if err != nil {
			return err
		}
		d = d.Rescale(t.Scale)
		if t.Kind == Money || t.Kind == SmallMoney {
			if !d.Unscaled.IsInt64() {
				return &ValueError{"Arithmetic overflow error converting expression to data type money."}
			}
			n := d.Unscaled.Int64()
			if t.Kind == SmallMoney {
				w.Byte(4)
				w.U32(uint32(int32(n)))
			} else {
				w.Byte(8)
				w.U32(uint32(uint64(n) >> 32))
				w.U32(uint32(n))
			}
			return nil
		}
		size := decimalSize(t.Prec)
		if d.Unscaled.IsInt64() && size <= 9 {
			// the common case without allocating: |value| < 2^63 in 8 bytes
			n := d.Unscaled.Int64()
			var b [10]byte
			b[0], b[1] = byte(size), 1
			if n < 0 {
				b[1], n = 0, -n
			}
			binary.LittleEndian.PutUint64(b[2:], uint64(n))
			if size == 5 && n >= 1<<32 {
				return &ValueError{fmt.Sprintf("Arithmetic overflow error converting %s to data type numeric.", d)}
			}
			w.Write(b[:1+size])
			return nil
		}
		mag := new(big.Int).Abs(d.Unscaled).Bytes() // big-endian
		if len(mag) > size-1 {
			return &ValueError{fmt.Sprintf("Arithmetic overflow error converting %s to data type numeric.", d)}
		}
		b := make([]byte, 1+size)
		b[0] = byte(size)
		b[1] = 1
		if d.Unscaled.Sign() < 0 {
			b[1] = 0
		}
		for i, c := range mag {
			b[2+len(mag)-1-i] = c
		}
		w.Write(b)
	case Real:
		f, err := toFloat(v)
		if err != nil {
			return err
		}
		w.Byte(4)
		w.U32(math.Float32bits(float32(f)))
	case Float:
		f, err := toFloat(v)
		if err != nil {
			return err
		}
		w.Byte(8)
		w.U64(math.Float64bits(f))
	case Date, Time, DateTime2, DateTimeOffset, DateTime, SmallDateTime:
		tv, err := toTemporal(v)
		if err != nil {
			return err
		}
		writeTemporal(w, t, tv)
	case UniqueIdentifier:
		g, err := toGUID(v)
		if err != nil {
			return err
		}
		w.Byte(16)
		w.Write(GUIDToWire(g))
	case Binary, VarBinary, Image, RowVersion:
		b, err := toBytes(v)
		if err != nil {
			return err
		}
		if t.Kind == Binary && len(b) < t.Len {
			b = append(b, make([]byte, t.Len-len(b))...)
		}
		writeBytes(w, t, b)
	case Variant:
		s := toString(v)
		data := UTF16(s)
		if len(data) > 8000 {
			data = data[:8000]
		}
		w.U32(uint32(2 + 7 + len(data)))
		w.Byte(tyNVarChar)
		w.Byte(7)
		c := DefaultCollation
		w.Write(c[:])
		w.U16(8000)
		w.Write(data)
	default:
		s := toString(v)
		// encoded into the writer's scratch buffer: no allocation per value
		switch t.Kind {
		case Char, VarChar, Text:
			if t.Kind == Char && t.Len > 0 {
				s = padRight(s, t.Len)
			}
			w.tmp = appendVarchar(w.tmp[:0], s)
		default:
			if t.Kind == NChar && t.Len > 0 {
				s = padRight(s, t.Len)
			}
			w.tmp = appendUTF16(w.tmp[:0], s)
		}
		writeBytes(w, t, w.tmp)
	}
	return nil
}

func padRight(s string, n int) string {
	c := 0
	for range s {
		c++
	}
	if c < n {
		s += strings.Repeat(" ", n-c)
	}
	return s
}

func writeBytes(w *Writer, t Type, b []byte) {
	if isPLP(t) {
		w.U64(uint64(len(b)))
		for len(b) > 0 {
			n := len(b)
			if n > 8000 {
				n = 8000
			}
			w.U32(uint32(n))
			w.Write(b[:n])
			b = b[n:]
		}
		w.U32(0)
		return
	}
	if len(b) > 8000 {
		b = b[:8000]
	}
	w.U16(uint16(len(b)))
	w.Write(b)
}

func writeNull(w *Writer, t Type) {
	switch {
	case isPLP(t):
		w.U64(math.MaxUint64)
	case t.Kind == Variant:
		w.U32(0)
	case t.Kind == Char || t.Kind == VarChar || t.Kind == NChar || t.Kind == NVarChar ||
		t.Kind == Binary || t.Kind == VarBinary || t.Kind == RowVersion || t.Kind == SysName:
		w.U16(0xFFFF)
	default:
		w.Byte(0)
	}
}

func writeTemporal(w *Writer, t Type, v Temporal) {
	timeBytes := func(ticks int64, scale int) []byte {
		for i := scale; i < 7; i++ {
			ticks /= 10
		}
		b := binary.LittleEndian.AppendUint64(nil, uint64(ticks))
		return b[:timeSize(scale)]
	}
	days := func(d int) []byte { return []byte{byte(d), byte(d >> 8), byte(d >> 16)} }
	switch t.Kind {
	case Date:
		w.Byte(3)
		w.Write(days(v.Days))
	case Time:
		b := timeBytes(v.Ticks, t.Scale)
		w.Byte(byte(len(b)))
		w.Write(b)
	case DateTime2:
		b := append(timeBytes(v.Ticks, t.Scale), days(v.Days)...)
		w.Byte(byte(len(b)))
		w.Write(b)
	case DateTimeOffset:
		total := int64(v.Days)*ticksPerDay + v.Ticks - int64(v.Offset)*600_000_000
		if total < 0 {
			total = 0
		}
		b := append(timeBytes(total%ticksPerDay, t.Scale), days(int(total/ticksPerDay))...)
		b = binary.LittleEndian.AppendUint16(b, uint16(int16(v.Offset)))
		w.Byte(byte(len(b)))
		w.Write(b)
	case DateTime:
		w.Byte(8)
		w.U32(uint32(int32(v.Days - days1900)))
		w.U32(uint32((v.Ticks*300 + 5_000_000) / 10_000_000))
	case SmallDateTime:
		w.Byte(4)
		w.U16(uint16(v.Days - days1900))
		w.U16(uint16(v.Ticks / 600_000_000))
	}
}

func toInt(v any) (int64, error) {
	switch x := v.(type) {
	case bool:
		if x {
			return 1, nil
		}
		return 0, nil
	case int:
		return int64(x), nil
	case int8:
		return int64(x), nil
	case int16:
		return int64(x), nil
	case int32:
		return int64(x), nil
	case int64:
		return x, nil
	case uint8:
		return int64(x), nil
	case uint16:
		return int64(x), nil
	case uint32:
		return int64(x), nil
	case uint64:
		return int64(x), nil
	case float64:
		return int64(x), nil
	case float32:
		return int64(x), nil
	case string:
		n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
		if err != nil {
			return 0, &ValueError{fmt.Sprintf("Conversion failed when converting the varchar value '%s' to data type int.", x)}
		}
		return n, nil
	case Dec:
		return x.Rescale(0).Unscaled.Int64(), nil
	}
	return 0, &ValueError{fmt.Sprintf("cannot send %T as an integer", v)}
}

func toFloat(v any) (float64, error) {
	switch x := v.(type) {
	case float64:
		return x, nil
	case float32:
		return float64(x), nil
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		if err != nil {
			return 0, &ValueError{"Error converting data type varchar to float."}
		}
		return f, nil
	case Dec:
		f, _ := new(big.Float).SetInt(x.Unscaled).Float64()
		return f / math.Pow10(x.Scale), nil
	}
	n, err := toInt(v)
	return float64(n), err
}

func toDecimal(v any) (Dec, error) {
	switch x := v.(type) {
	case Dec:
		return x, nil
	case string:
		return ParseDecimal(x)
	case float64:
		return ParseDecimal(strconv.FormatFloat(x, 'f', -1, 64))
	case float32:
		return ParseDecimal(strconv.FormatFloat(float64(x), 'f', -1, 32))
	}
	n, err := toInt(v)
	return Dec{big.NewInt(n), 0}, err
}

func toTemporal(v any) (Temporal, error) {
	switch x := v.(type) {
	case Temporal:
		return x, nil
	case time.Time:
		return FromTime(x), nil
	case string:
		return ParseTemporal(x)
	}
	return Temporal{}, &ValueError{fmt.Sprintf("cannot send %T as a date/time", v)}
}

func toBytes(v any) ([]byte, error) {
	switch x := v.(type) {
	case []byte:
		return x, nil
	case string:
		return []byte(x), nil
	}
	return nil, &ValueError{fmt.Sprintf("cannot send %T as binary", v)}
}

func toString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}

func toGUID(v any) ([16]byte, error) {
	var g [16]byte
	switch x := v.(type) {
	case [16]byte:
		return x, nil
	case []byte:
		if len(x) == 16 {
			copy(g[:], x)
			return g, nil
		}
	case string:
		return ParseGUID(x)
	}
	return g, &ValueError{"Conversion failed when converting from a character string to uniqueidentifier."}
}

// ParseGUID reads the 36-character text form (braces allowed) into RFC byte order.
func ParseGUID(s string) ([16]byte, error) {
	var g [16]byte
	s = strings.Trim(strings.TrimSpace(s), "{}")
	h := strings.ReplaceAll(s, "-", "")
	if len(h) != 32 || len(s) != 36 {
		return g, &ValueError{"Conversion failed when converting from a character string to uniqueidentifier."}
	}
	for i := 0; i < 16; i++ {
		b, err := strconv.ParseUint(h[2*i:2*i+2], 16, 8)
		if err != nil {
			return g, &ValueError{"Conversion failed when converting from a character string to uniqueidentifier."}
		}
		g[i] = byte(b)
	}
	return g, nil
}

// FormatGUID renders RFC-order bytes in SQL Server's upper-case text form.
func FormatGUID(g [16]byte) string {
	return strings.ToUpper(fmt.Sprintf("%x-%x-%x-%x-%x", g[0:4], g[4:6], g[6:8], g[8:10], g[10:16]))
}

// GUIDToWire reorders RFC bytes into SQL Server's: the first three groups little-endian.
func GUIDToWire(g [16]byte) []byte {
	return []byte{g[3], g[2], g[1], g[0], g[5], g[4], g[7], g[6],
		g[8], g[9], g[10], g[11], g[12], g[13], g[14], g[15]}
}

// GUIDFromWire is the inverse of GUIDToWire.
func GUIDFromWire(b []byte) [16]byte {
	var g [16]byte
	copy(g[:], GUIDToWire([16]byte(b[:16])))
	return g
}
