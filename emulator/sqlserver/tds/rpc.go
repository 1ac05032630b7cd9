package tds

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
)

// skipAllHeaders skips the ALL_HEADERS block that starts SQLBatch, RPC and TransMgr
// requests (TDS 7.2+).
func skipAllHeaders(r *reader) {
	if len(r.b) < 4 {
		r.err = errShort
		return
	}
	n := int(binary.LittleEndian.Uint32(r.b))
	if n < 4 || n > len(r.b) {
		r.err = fmt.Errorf("tds: ALL_HEADERS length %d is out of range", n)
		return
	}
	r.pos = n
}

// ParseSQLBatch returns a batch's text.
func ParseSQLBatch(p []byte) (string, error) {
	r := &reader{b: p}
	skipAllHeaders(r)
	if r.err != nil {
		return "", r.err
	}
	return FromUTF16(p[r.pos:]), nil
}

// Param is one RPC parameter: its declared wire type and its value as a Go value
// (nil, int64, bool, float64, Dec, string, []byte, Temporal, [16]byte GUID).
type Param struct {
	Name   string
	Output bool
	Type   Type
	Value  any
}

// RPC is a parsed remote procedure call.
type RPC struct {
	ProcID   uint16
	ProcName string
	Params   []Param
}

// ProcExecuteSQL is the well-known id of sp_executesql.
const ProcExecuteSQL = 10

// ParseRPC decodes an RPC request (only its first call; go-mssqldb sends one).
func ParseRPC(p []byte) (RPC, error) {
	var rpc RPC
	r := &reader{b: p}
	skipAllHeaders(r)
	n := r.u16()
	if n == 0xFFFF {
		rpc.ProcID = r.u16()
	} else {
		rpc.ProcName = FromUTF16(r.bytes(int(n) * 2))
	}
	r.u16() // option flags
	for r.err == nil && r.pos < len(r.b) {
		if b := r.b[r.pos]; b == 0x80 || b == 0xFF || b == 0xFE {
			break // batch separator: further calls are not supported
		}
		var prm Param
		prm.Name = r.bvarchar()
		status := r.u8()
		prm.Output = status&1 != 0
		prm.Type, prm.Value = readParam(r)
		if r.err != nil {
			break
		}
		rpc.Params = append(rpc.Params, prm)
		if len(rpc.Params) > 2100 {
			return rpc, fmt.Errorf("tds: more than 2100 parameters")
		}
	}
	return rpc, r.err
}

func readCollation(r *reader) string {
	c := r.bytes(5)
	if c == nil {
		return ""
	}
	return "SQL_Latin1_General_CP1_CI_AS"
}

// readParam reads TYPE_INFO then the value, as go-mssqldb writes them.
func readParam(r *reader) (Type, any) {
	id := r.u8()
	fixed := func(k Kind, n int) (Type, any) {
		b := r.bytes(n)
		if b == nil {
			return Type{Kind: k}, nil
		}
		return Type{Kind: k}, decodeFixed(k, b)
	}
	switch id {
	case tyNull:
		return Type{Kind: NVarChar, Len: 1}, nil
	case tyInt1:
		return fixed(TinyInt, 1)
	case tyBit:
		return fixed(Bit, 1)
	case tyInt2:
		return fixed(SmallInt, 2)
	case tyInt4:
		return fixed(Int, 4)
	case tyInt8:
		return fixed(BigInt, 8)
	case tyFlt4:
		return fixed(Real, 4)
	case tyFlt8:
		return fixed(Float, 8)
	case tyMoney:
		return fixed(Money, 8)
	case tyMoney4:
		return fixed(SmallMoney, 4)
	case tyDateTime:
		return fixed(DateTime, 8)
	case tyDateTim4:
		return fixed(SmallDateTime, 4)
	case tyIntN, tyBitN, tyFltN, tyMoneyN, tyDateTimeN, tyGUID:
		size := int(r.u8())
		var k Kind
		switch id {
		case tyIntN:
			k = map[int]Kind{1: TinyInt, 2: SmallInt, 4: Int, 8: BigInt}[size]
		case tyBitN:
			k = Bit
		case tyFltN:
			k = map[int]Kind{4: Real, 8: Float}[size]
		case tyMoneyN:
			k = map[int]Kind{4: SmallMoney, 8: Money}[size]
		case tyDateTimeN:
			k = map[int]Kind{4: SmallDateTime, 8: DateTime}[size]
		case tyGUID:
			k = UniqueIdentifier
		}
		if k == Invalid {
			r.err = fmt.Errorf("tds: parameter type 0x%x with size %d", id, size)
			return Type{}, nil
		}
		n := int(r.u8())
		if n == 0 {
			return Type{Kind: k}, nil
		}
		b := r.bytes(n)
		if b == nil {
			return Type{Kind: k}, nil
		}
		if k == UniqueIdentifier {
			if n != 16 {
				r.err = fmt.Errorf("tds: uniqueidentifier of %d bytes", n)
				return Type{Kind: k}, nil
			}
			return Type{Kind: k}, GUIDFromWire(b)
		}
		if id == tyIntN {
			k = map[int]Kind{1: TinyInt, 2: SmallInt, 4: Int, 8: BigInt}[n]
		}
		if k == Invalid || (id != tyBitN && n != size) {
			r.err = fmt.Errorf("tds: parameter value of %d bytes for type 0x%x", n, id)
			return Type{}, nil
		}
		return Type{Kind: k}, decodeFixed(k, b)
	case tyDecimalN, tyNumericN, tyDecimal, tyNumeric:
		r.u8()
		t := Type{Kind: Decimal, Prec: int(r.u8()), Scale: int(r.u8())}
		if id == tyNumericN || id == tyNumeric {
			t.Kind = Numeric
		}
		n := int(r.u8())
		if n == 0 {
			return t, nil
		}
		b := r.bytes(n)
		if b == nil || n < 2 || n > 17 {
			r.err = fmt.Errorf("tds: decimal parameter of %d bytes", n)
			return t, nil
		}
		mag := make([]byte, n-1)
		for i := range mag {
			mag[i] = b[n-1-i]
		}
		u := new(big.Int).SetBytes(mag)
		if b[0] == 0 {
			u.Neg(u)
		}
		return t, Dec{u, t.Scale}
	case tyDateN:
		n := int(r.u8())
		if n == 0 {
			return Type{Kind: Date}, nil
		}
		b := r.bytes(n)
		if b == nil || n != 3 {
			r.err = fmt.Errorf("tds: date parameter of %d bytes", n)
			return Type{}, nil
		}
		return Type{Kind: Date}, Temporal{Days: int(b[0]) | int(b[1])<<8 | int(b[2])<<16}
	case tyTimeN, tyDateTime2N, tyDTON:
		scale := int(r.u8())
		k := map[byte]Kind{tyTimeN: Time, tyDateTime2N: DateTime2, tyDTON: DateTimeOffset}[id]
		t := Type{Kind: k, Scale: scale}
		if scale > 7 {
			r.err = fmt.Errorf("tds: time scale %d", scale)
			return t, nil
		}
		n := int(r.u8())
		if n == 0 {
			return t, nil
		}
		b := r.bytes(n)
		ts := timeSize(scale)
		want := map[Kind]int{Time: ts, DateTime2: ts + 3, DateTimeOffset: ts + 5}[k]
		if b == nil || n != want {
			r.err = fmt.Errorf("tds: %s parameter of %d bytes", kindNames[k], n)
			return t, nil
		}
		var ticks int64
		for i := ts - 1; i >= 0; i-- {
			ticks = ticks<<8 | int64(b[i])
		}
		for i := scale; i < 7; i++ {
			ticks *= 10
		}
		v := Temporal{Ticks: ticks}
		if k != Time {
			v.Days = int(b[ts]) | int(b[ts+1])<<8 | int(b[ts+2])<<16
		}
		if k == DateTimeOffset {
			v.Offset = int(int16(binary.LittleEndian.Uint16(b[ts+3:])))
			total := int64(v.Days)*ticksPerDay + v.Ticks + int64(v.Offset)*600_000_000
			v.Days, v.Ticks = int(total/ticksPerDay), total%ticksPerDay
		}
		return t, v
	case tyBigVarBin, tyBigBinary, tyBigVarChr, tyBigChar, tyNVarChar, tyNChar, tyXML, tyUDT:
		t := Type{}
		switch id {
		case tyBigVarBin:
			t.Kind = VarBinary
		case tyBigBinary:
			t.Kind = Binary
		case tyBigVarChr:
			t.Kind = VarChar
		case tyBigChar:
			t.Kind = Char
		case tyNVarChar:
			t.Kind = NVarChar
		case tyNChar:
			t.Kind = NChar
		case tyXML:
			t.Kind = XML
		case tyUDT:
			t.Kind = VarBinary
		}
		var maxLen uint16 = 0xFFFF
		if id == tyXML {
			if r.u8() != 0 {
				r.err = fmt.Errorf("tds: xml schema collections are not supported")
				return t, nil
			}
		} else if id != tyUDT {
			maxLen = r.u16()
		}
		if t.IsChar() && id != tyXML {
			t.Collation = readCollation(r)
		}
		t.Len = int(maxLen)
		if maxLen == 0xFFFF {
			t.Len = MaxLen
		} else if t.IsUnicode() {
			t.Len /= 2
		}
		var data []byte
		if maxLen == 0xFFFF {
			total := r.u64()
			if total == math.MaxUint64 {
				return t, nil
			}
			data = []byte{}
			for r.err == nil {
				n := r.u32()
				if n == 0 {
					break
				}
				data = append(data, r.bytes(int(n))...)
			}
		} else {
			n := r.u16()
			if n == 0xFFFF {
				return t, nil
			}
			data = r.bytes(int(n))
		}
		if r.err != nil {
			return t, nil
		}
		switch {
		case t.IsUnicode():
			return t, FromUTF16(data)
		case t.IsChar():
			return t, DecodeVarchar(data)
		}
		return t, append([]byte{}, data...)
	case tyText, tyNText, tyImage:
		r.u32()
		t := Type{Kind: map[byte]Kind{tyText: Text, tyNText: NText, tyImage: Image}[id], Len: MaxLen}
		if id != tyImage {
			t.Collation = readCollation(r)
		}
		n := r.u32()
		if n == 0xFFFFFFFF {
			return t, nil
		}
		data := r.bytes(int(n))
		switch id {
		case tyNText:
			return t, FromUTF16(data)
		case tyText:
			return t, DecodeVarchar(data)
		}
		return t, append([]byte{}, data...)
	}
	r.err = fmt.Errorf("tds: parameter type 0x%x is not supported", id)
	return Type{}, nil
}

func decodeFixed(k Kind, b []byte) any {
	switch k {
	case Bit:
		return b[0] != 0
	case TinyInt:
		return int64(b[0])
	case SmallInt:
		return int64(int16(binary.LittleEndian.Uint16(b)))
	case Int:
		return int64(int32(binary.LittleEndian.Uint32(b)))
	case BigInt:
		return int64(binary.LittleEndian.Uint64(b))
	case Real:
		return float64(math.Float32frombits(binary.LittleEndian.Uint32(b)))
	case Float:
		return math.Float64frombits(binary.LittleEndian.Uint64(b))
	case Money:
		n := int64(binary.LittleEndian.Uint32(b))<<32 | int64(binary.LittleEndian.Uint32(b[4:]))
		return Dec{big.NewInt(n), 4}
	case SmallMoney:
		return Dec{big.NewInt(int64(int32(binary.LittleEndian.Uint32(b)))), 4}
	case DateTime:
		days := int(int32(binary.LittleEndian.Uint32(b)))
		t300 := int64(binary.LittleEndian.Uint32(b[4:]))
		return Temporal{Days: days + days1900, Ticks: (t300*10_000_000 + 150) / 300}
	case SmallDateTime:
		return Temporal{Days: int(binary.LittleEndian.Uint16(b)) + days1900, Ticks: int64(binary.LittleEndian.Uint16(b[2:])) * 600_000_000}
	}
	return nil
}

// TransMgr is a transaction manager request.
type TransMgr struct {
	Request   uint16
	Isolation byte
	Name      string
}

// Transaction manager request types.
const (
	TMBegin    = 5
	TMCommit   = 7
	TMRollback = 8
	TMSave     = 9
)

// ParseTransMgr decodes a TransMgrReq message.
func ParseTransMgr(p []byte) (TransMgr, error) {
	var t TransMgr
	r := &reader{b: p}
	skipAllHeaders(r)
	t.Request = r.u16()
	switch t.Request {
	case TMBegin:
		t.Isolation = r.u8()
		t.Name = r.bvarchar()
	case TMCommit, TMRollback, TMSave:
		t.Name = r.bvarchar()
	default:
		if r.err == nil {
			return t, fmt.Errorf("tds: transaction manager request %d is not supported", t.Request)
		}
	}
	return t, r.err
}
