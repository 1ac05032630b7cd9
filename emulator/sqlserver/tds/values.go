package tds

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"strings"
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
			n, err := moneyUnits(t, d)
			if err != nil {
				return err
			}
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
			w.tmp = appendVarchar(w.tmp[:0], s)
			if t.Kind == Char {
				// char(n) holds n bytes of its code page: pad the encoded bytes.
				for len(w.tmp) < t.Len {
					w.tmp = append(w.tmp, ' ')
				}
			}
		default:
			w.tmp = appendUTF16(w.tmp[:0], s)
			if t.Kind == NChar {
				// nchar(n) holds n UTF-16 code units (a character beyond the BMP takes
				// two): pad the encoded units, not the characters.
				for len(w.tmp) < 2*t.Len {
					w.tmp = append(w.tmp, ' ', 0)
				}
			}
		}
		writeBytes(w, t, w.tmp)
	}
	return nil
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

// moneyUnits is d (already at scale 4) as the integer of ten-thousandths that money
// (8 bytes) or smallmoney (4 bytes) sends, or error 8115's text beyond their range.
func moneyUnits(t Type, d Dec) (int64, error) {
	if !d.Unscaled.IsInt64() {
		return 0, &ValueError{"Arithmetic overflow error converting expression to data type " + t.Name() + "."}
	}
	n := d.Unscaled.Int64()
	if t.Kind == SmallMoney && (n < math.MinInt32 || n > math.MaxInt32) {
		return 0, &ValueError{"Arithmetic overflow error converting expression to data type smallmoney."}
	}
	return n, nil
}

// CheckValue reports the error WriteValue would return for v of a money or smallmoney
// type (nil for every other type), so that a server refuses a row before any byte of
// it is sent: an error token in the middle of a row corrupts the client's stream.
func CheckValue(t Type, v any) error {
	if v == nil || (t.Kind != Money && t.Kind != SmallMoney) {
		return nil
	}
	d, err := toDecimal(v)
	if err != nil {
		return err
	}
	_, err = moneyUnits(t, d.Rescale(t.Scale))
	return err
}
