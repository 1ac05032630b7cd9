package tds

import (
	"encoding/binary"
	"strconv"
)

// Token identifiers (MS-TDS 2.2.7).
const (
	tokReturnStatus = 0x79
	tokColMetadata  = 0x81
	tokError        = 0xAA
	tokInfo         = 0xAB
	tokLoginAck     = 0xAD
	tokRow          = 0xD1
	tokEnvChange    = 0xE3
	tokDone         = 0xFD
	tokDoneProc     = 0xFE
	tokDoneInProc   = 0xFF
)

// DONE status bits.
const (
	DoneFinal  = 0x00
	DoneMore   = 0x01
	DoneError  = 0x02
	DoneInxact = 0x04
	DoneCount  = 0x10
	DoneAttn   = 0x20
	DoneSrvErr = 0x100
)

// DONE CurCmd values SQL Server uses.
const (
	CmdSelect = 0xC1
	CmdInsert = 0xC3
	CmdDelete = 0xC4
	CmdUpdate = 0xC5
	CmdOther  = 0x00
)

// ENVCHANGE types.
const (
	EnvDatabase   = 1
	EnvLanguage   = 2
	EnvPacketSize = 4
	EnvCollation  = 7
	EnvBeginTran  = 8
	EnvCommitTran = 9
	EnvRollback   = 10
)

// TDSVersion74 is the protocol version the server acknowledges.
const TDSVersion74 = 0x74000004

// DefaultCollation is SQL_Latin1_General_CP1_CI_AS: LCID 0x0409, case-, kana- and
// width-insensitive, sort id 52 (code page 1252).
var DefaultCollation = [5]byte{0x09, 0x04, 0xD0, 0x00, 0x34}

// WriteLoginAck appends a LOGINACK token.
func WriteLoginAck(w *Writer, progName string) {
	name := UTF16(progName)
	w.Byte(tokLoginAck)
	w.U16(uint16(1 + 4 + 1 + len(name) + 4))
	w.Byte(1) // SQL_TSQL interface
	w.Write(binary.BigEndian.AppendUint32(nil, TDSVersion74))
	w.Byte(byte(len(name) / 2))
	w.Write(name)
	w.Write([]byte{16, 0, 0x0F, 0xA0}) // 16.0.4000
}

// WriteEnvString appends an ENVCHANGE with B_VARCHAR new and old values.
func WriteEnvString(w *Writer, typ byte, newV, oldV string) {
	n, o := UTF16(newV), UTF16(oldV)
	w.Byte(tokEnvChange)
	w.U16(uint16(1 + 1 + len(n) + 1 + len(o)))
	w.Byte(typ)
	w.Byte(byte(len(n) / 2))
	w.Write(n)
	w.Byte(byte(len(o) / 2))
	w.Write(o)
}

// WriteEnvPacketSize announces the packet size.
func WriteEnvPacketSize(w *Writer, size int) {
	WriteEnvString(w, EnvPacketSize, strconv.Itoa(size), strconv.Itoa(size))
}

// WriteEnvBytes appends an ENVCHANGE with B_VARBYTE new and old values (collation,
// transaction descriptors).
func WriteEnvBytes(w *Writer, typ byte, newV, oldV []byte) {
	w.Byte(tokEnvChange)
	w.U16(uint16(1 + 1 + len(newV) + 1 + len(oldV)))
	w.Byte(typ)
	w.Byte(byte(len(newV)))
	w.Write(newV)
	w.Byte(byte(len(oldV)))
	w.Write(oldV)
}

// Message is an ERROR or INFO token's content.
type Msg struct {
	Number int32
	State  byte
	Class  byte
	Text   string
	Server string
	Proc   string
	Line   int32
}

func writeMsg(w *Writer, tok byte, m Msg) {
	text, srv, proc := UTF16(m.Text), UTF16(m.Server), UTF16(m.Proc)
	if len(text) > 2*65535 {
		text = text[:2*65535]
	}
	w.Byte(tok)
	w.U16(uint16(4 + 1 + 1 + 2 + len(text) + 1 + len(srv) + 1 + len(proc) + 4))
	w.U32(uint32(m.Number))
	w.Byte(m.State)
	w.Byte(m.Class)
	w.U16(uint16(len(text) / 2))
	w.Write(text)
	w.Byte(byte(len(srv) / 2))
	w.Write(srv)
	w.Byte(byte(len(proc) / 2))
	w.Write(proc)
	w.U32(uint32(m.Line))
}

// WriteError appends an ERROR token.
func WriteError(w *Writer, m Msg) { writeMsg(w, tokError, m) }

// WriteInfo appends an INFO token.
func WriteInfo(w *Writer, m Msg) { writeMsg(w, tokInfo, m) }

func writeDone(w *Writer, tok byte, status, cmd uint16, rows uint64) {
	w.Byte(tok)
	w.U16(status)
	w.U16(cmd)
	w.U64(rows)
}

// WriteDone appends a DONE token.
func WriteDone(w *Writer, status, cmd uint16, rows uint64) { writeDone(w, tokDone, status, cmd, rows) }

// WriteDoneProc appends a DONEPROC token.
func WriteDoneProc(w *Writer, status, cmd uint16, rows uint64) {
	writeDone(w, tokDoneProc, status, cmd, rows)
}

// WriteDoneInProc appends a DONEINPROC token.
func WriteDoneInProc(w *Writer, status, cmd uint16, rows uint64) {
	writeDone(w, tokDoneInProc, status, cmd, rows)
}

// WriteReturnStatus appends a RETURNSTATUS token.
func WriteReturnStatus(w *Writer, v int32) {
	w.Byte(tokReturnStatus)
	w.U32(uint32(v))
}

// Column describes one result column.
type Column struct {
	Name string
	Type Type
}

// WriteColMetadata appends a COLMETADATA token.
func WriteColMetadata(w *Writer, cols []Column) {
	w.Byte(tokColMetadata)
	w.U16(uint16(len(cols)))
	for _, c := range cols {
		var user uint32
		if c.Type.Kind == RowVersion {
			user = 80
		}
		w.U32(user)
		flags := uint16(0x0008) // updatable: unknown
		if !c.Type.NotNull {
			flags |= 0x0001
		}
		if c.Type.Identity {
			flags |= 0x0010
		}
		w.U16(flags)
		writeTypeInfo(w, c.Type)
		w.BVarChar(c.Name)
	}
}

// BeginRow appends the ROW token; the values follow through WriteValue.
func BeginRow(w *Writer) { w.Byte(tokRow) }
