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

// wireType is a TYPE_INFO as read from a client: the wire id, its size field and the
// SQL Server type it denotes.
type wireType struct {
	id   byte
	size int // fixed or declared size; -1 for PLP (max) types
	t    Type
}

// readParam reads TYPE_INFO then the value, as go-mssqldb writes them.
func readParam(r *reader) (Type, any) {
	wt := readTypeInfo(r, false)
	if r.err != nil {
		return wt.t, nil
	}
	return wt.t, readValue(r, wt)
}

var fixedTypes = map[byte]struct {
	k    Kind
	size int
}{
	tyInt1: {TinyInt, 1}, tyBit: {Bit, 1}, tyInt2: {SmallInt, 2}, tyInt4: {Int, 4}, tyInt8: {BigInt, 8},
	tyFlt4: {Real, 4}, tyFlt8: {Float, 8}, tyMoney: {Money, 8}, tyMoney4: {SmallMoney, 4},
	tyDateTime: {DateTime, 8}, tyDateTim4: {SmallDateTime, 4},
}

// readTypeInfo reads a TYPE_INFO; colMeta selects the COLMETADATA form (text, ntext and
// image carry a table name there).
func readTypeInfo(r *reader, colMeta bool) wireType {
	id := r.u8()
	wt := wireType{id: id}
	if f, ok := fixedTypes[id]; ok {
		wt.size, wt.t = f.size, Type{Kind: f.k}
		return wt
	}
	switch id {
	case tyNull:
		wt.t = Type{Kind: NVarChar, Len: 1}
	case tyIntN, tyBitN, tyFltN, tyMoneyN, tyDateTimeN, tyGUID:
		wt.size = int(r.u8())
		var k Kind
		switch id {
		case tyIntN:
			k = map[int]Kind{1: TinyInt, 2: SmallInt, 4: Int, 8: BigInt}[wt.size]
		case tyBitN:
			k = Bit
		case tyFltN:
			k = map[int]Kind{4: Real, 8: Float}[wt.size]
		case tyMoneyN:
			k = map[int]Kind{4: SmallMoney, 8: Money}[wt.size]
		case tyDateTimeN:
			k = map[int]Kind{4: SmallDateTime, 8: DateTime}[wt.size]
		case tyGUID:
			k = UniqueIdentifier
		}
		if k == Invalid && r.err == nil {
			r.err = fmt.Errorf("tds: type 0x%x with size %d", id, wt.size)
		}
		wt.t = Type{Kind: k}
	case tyDecimalN, tyNumericN, tyDecimal, tyNumeric:
		wt.size = int(r.u8())
		wt.t = Type{Kind: Decimal, Prec: int(r.u8()), Scale: int(r.u8())}
		if id == tyNumericN || id == tyNumeric {
			wt.t.Kind = Numeric
		}
		if (wt.t.Prec > 38 || wt.t.Scale > wt.t.Prec) && r.err == nil {
			r.err = fmt.Errorf("tds: decimal(%d,%d)", wt.t.Prec, wt.t.Scale)
		}
	case tyDateN:
		wt.t = Type{Kind: Date}
	case tyTimeN, tyDateTime2N, tyDTON:
		wt.t = Type{Kind: map[byte]Kind{tyTimeN: Time, tyDateTime2N: DateTime2, tyDTON: DateTimeOffset}[id], Scale: int(r.u8())}
		if wt.t.Scale > 7 && r.err == nil {
			r.err = fmt.Errorf("tds: time scale %d", wt.t.Scale)
		}
	case tyBigVarBin, tyBigBinary, tyBigVarChr, tyBigChar, tyNVarChar, tyNChar, tyUDT:
		wt.t.Kind = map[byte]Kind{tyBigVarBin: VarBinary, tyBigBinary: Binary, tyBigVarChr: VarChar,
			tyBigChar: Char, tyNVarChar: NVarChar, tyNChar: NChar, tyUDT: VarBinary}[id]
		n := r.u16()
		if wt.t.IsChar() {
			wt.t.Collation = readCollation(r)
		}
		wt.size = int(n)
		wt.t.Len = int(n)
		if n == 0xFFFF {
			wt.size, wt.t.Len = -1, MaxLen
		} else if wt.t.IsUnicode() {
			wt.t.Len /= 2
		}
	case tyXML:
		if r.u8() != 0 && r.err == nil {
			r.err = fmt.Errorf("tds: xml schema collections are not supported")
		}
		wt.size, wt.t = -1, Type{Kind: XML, Len: MaxLen}
	case tyText, tyNText, tyImage:
		wt.size = int(r.u32())
		wt.t = Type{Kind: map[byte]Kind{tyText: Text, tyNText: NText, tyImage: Image}[id], Len: MaxLen}
		if id != tyImage {
			wt.t.Collation = readCollation(r)
		}
		if colMeta {
			r.usvarchar()
		}
	default:
		if r.err == nil {
			r.err = fmt.Errorf("tds: type 0x%x is not supported", id)
		}
	}
	return wt
}

// readValue reads one value of a TYPE_INFO (nil for NULL).
func readValue(r *reader, wt wireType) any {
	if r.err != nil {
		return nil
	}
	k := wt.t.Kind
	switch id := wt.id; {
	case id == tyNull:
		return nil
	case fixedTypes[id].size > 0:
		b := r.bytes(wt.size)
		if b == nil {
			return nil
		}
		return decodeFixed(k, b)
	case id == tyIntN || id == tyBitN || id == tyFltN || id == tyMoneyN || id == tyDateTimeN || id == tyGUID:
		n := int(r.u8())
		if n == 0 {
			return nil
		}
		b := r.bytes(n)
		if b == nil {
			return nil
		}
		if k == UniqueIdentifier {
			if n != 16 {
				r.err = fmt.Errorf("tds: uniqueidentifier of %d bytes", n)
				return nil
			}
			return GUIDFromWire(b)
		}
		if id == tyIntN {
			k = map[int]Kind{1: TinyInt, 2: SmallInt, 4: Int, 8: BigInt}[n]
		}
		if k == Invalid || (id != tyBitN && n != wt.size) {
			r.err = fmt.Errorf("tds: value of %d bytes for type 0x%x", n, id)
			return nil
		}
		return decodeFixed(k, b)
	case id == tyDecimalN || id == tyNumericN || id == tyDecimal || id == tyNumeric:
		n := int(r.u8())
		if n == 0 {
			return nil
		}
		b := r.bytes(n)
		if b == nil || n < 2 || n > 17 {
			r.err = fmt.Errorf("tds: decimal value of %d bytes", n)
			return nil
		}
		mag := make([]byte, n-1)
		for i := range mag {
			mag[i] = b[n-1-i]
		}
		u := new(big.Int).SetBytes(mag)
		if b[0] == 0 {
			u.Neg(u)
		}
		return Dec{u, wt.t.Scale}
	case id == tyDateN:
		n := int(r.u8())
		if n == 0 {
			return nil
		}
		b := r.bytes(n)
		if b == nil || n != 3 {
			r.err = fmt.Errorf("tds: date value of %d bytes", n)
			return nil
		}
		return Temporal{Days: int(b[0]) | int(b[1])<<8 | int(b[2])<<16}
	case id == tyTimeN || id == tyDateTime2N || id == tyDTON:
		n := int(r.u8())
		if n == 0 {
			return nil
		}
		b := r.bytes(n)
		scale := wt.t.Scale
		ts := timeSize(scale)
		want := map[Kind]int{Time: ts, DateTime2: ts + 3, DateTimeOffset: ts + 5}[k]
		if b == nil || n != want {
			r.err = fmt.Errorf("tds: %s value of %d bytes", kindNames[k], n)
			return nil
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
		return v
	case id == tyText || id == tyNText || id == tyImage:
		n := r.u32()
		if n == 0xFFFFFFFF {
			return nil
		}
		return textValue(wt.t, r.bytes(int(n)))
	}
	// USHORTLEN and PLP types
	var data []byte
	if wt.size == -1 {
		total := r.u64()
		if total == math.MaxUint64 {
			return nil
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
			return nil
		}
		data = r.bytes(int(n))
	}
	if r.err != nil {
		return nil
	}
	return textValue(wt.t, data)
}

func textValue(t Type, data []byte) any {
	switch {
	case t.IsUnicode():
		return FromUTF16(data)
	case t.IsChar():
		return DecodeVarchar(data)
	}
	return append([]byte{}, data...)
}

// ParseBulkLoad decodes the COLMETADATA, ROW and DONE tokens of a BulkLoad message,
// handing each row to onRow as it is read (the row slice is reused).
func ParseBulkLoad(p []byte, onRow func(cols []Column, row []any) error) error {
	var cols []Column
	r := &reader{b: p}
	var wts []wireType
	var row []any
	for r.err == nil && r.pos < len(r.b) {
		switch tok := r.u8(); tok {
		case tokColMetadata:
			n := int(r.u16())
			wts = wts[:0]
			cols = cols[:0]
			for i := 0; i < n && r.err == nil; i++ {
				r.u32() // user type
				r.u16() // flags
				wt := readTypeInfo(r, true)
				name := r.bvarchar()
				wts = append(wts, wt)
				cols = append(cols, Column{Name: name, Type: wt.t})
			}
			row = make([]any, len(wts))
		case tokRow:
			if wts == nil {
				return fmt.Errorf("tds: ROW before COLMETADATA in a bulk load")
			}
			for i, wt := range wts {
				row[i] = readValue(r, wt)
			}
			if r.err == nil {
				if err := onRow(cols, row); err != nil {
					return err
				}
			}
		case tokDone:
			r.bytes(12)
			return r.err
		default:
			if r.err == nil {
				return fmt.Errorf("tds: token 0x%x in a bulk load", tok)
			}
		}
	}
	return r.err
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
