package tds

import (
	"encoding/binary"
	"fmt"
	"io"
)

// Packet types (MS-TDS 2.2.3.1.1).
const (
	PacketSQLBatch   = 1
	PacketRPC        = 3
	PacketReply      = 4
	PacketAttention  = 6
	PacketBulkLoad   = 7
	PacketTransMgr   = 14
	PacketLogin7     = 16
	PacketSSPI       = 17
	PacketPrelogin   = 18
	statusEOM        = 0x01
	StatusResetConn  = 0x08
	StatusResetConn2 = 0x10
	headerSize       = 8
)

// MaxMessageSize bounds one client message so that a hostile or broken client cannot make
// the server allocate without limit (a 64 MiB batch is far beyond what tests send); a bulk
// load, which go-mssqldb sends as one message per CopyIn, may reach MaxBulkSize.
const (
	MaxMessageSize = 64 << 20
	MaxBulkSize    = 512 << 20
)

// Message is one client request: its packet type, the status of its first packet (which
// carries the reset-connection flag) and the concatenated payload of all its packets.
type Message struct {
	Type    byte
	Status  byte
	Payload []byte
}

// ReadMessage reads packets until the one flagged end-of-message.
func ReadMessage(r io.Reader) (Message, error) {
	var m Message
	var hdr [headerSize]byte
	for first := true; ; first = false {
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			return m, err
		}
		size := int(binary.BigEndian.Uint16(hdr[2:4]))
		if size < headerSize {
			return m, fmt.Errorf("tds: packet length %d is shorter than its header", size)
		}
		if first {
			m.Type, m.Status = hdr[0], hdr[1]
		} else if hdr[0] != m.Type {
			return m, fmt.Errorf("tds: packet type changed from %d to %d inside a message", m.Type, hdr[0])
		}
		limit := MaxMessageSize
		if m.Type == PacketBulkLoad {
			limit = MaxBulkSize
		}
		if len(m.Payload)+size-headerSize > limit {
			return m, fmt.Errorf("tds: message of type %d larger than %d MiB", m.Type, limit>>20)
		}
		start := len(m.Payload)
		m.Payload = append(m.Payload, make([]byte, size-headerSize)...)
		if _, err := io.ReadFull(r, m.Payload[start:]); err != nil {
			return m, err
		}
		if hdr[1]&statusEOM != 0 {
			return m, nil
		}
	}
}

// Writer frames a response into packets of the negotiated size. Bytes are buffered until
// a packet is full, so a large result set streams with memory bounded by one packet.
type Writer struct {
	w          io.Writer
	packetSize int
	typ        byte
	buf        []byte
	packetID   byte
	err        error
	scratch    [8]byte
	tmp        []byte // reused per value by WriteValue
}

// NewWriter returns a Writer writing packets of at most packetSize bytes.
func NewWriter(w io.Writer, packetSize int) *Writer {
	wr := &Writer{w: w}
	wr.SetPacketSize(packetSize)
	return wr
}

// SetPacketSize changes the packet size for the next message.
func (w *Writer) SetPacketSize(n int) {
	if n < 512 {
		n = 512
	}
	if n > 32767 {
		n = 32767
	}
	w.packetSize = n
	w.buf = make([]byte, headerSize, n)
}

// SetTransport swaps the underlying writer (after a TLS handshake).
func (w *Writer) SetTransport(t io.Writer) { w.w = t }

// Begin starts a message of the given packet type.
func (w *Writer) Begin(typ byte) {
	w.typ = typ
	w.buf = w.buf[:headerSize]
	w.packetID = 1
}

// Err reports the first transport error; later writes are dropped.
func (w *Writer) Err() error { return w.err }

func (w *Writer) flush(final bool) {
	if w.err != nil {
		w.buf = w.buf[:headerSize]
		return
	}
	w.buf[0] = w.typ
	w.buf[1] = 0
	if final {
		w.buf[1] = statusEOM
	}
	binary.BigEndian.PutUint16(w.buf[2:4], uint16(len(w.buf)))
	w.buf[4], w.buf[5] = 0, 0
	w.buf[6] = w.packetID
	w.buf[7] = 0
	w.packetID++
	_, w.err = w.w.Write(w.buf)
	w.buf = w.buf[:headerSize]
}

// Write appends bytes to the message, sending full packets as they fill.
func (w *Writer) Write(p []byte) (int, error) {
	n := len(p)
	if len(w.buf)+n <= w.packetSize {
		w.buf = append(w.buf, p...)
		return n, w.err
	}
	for len(p) > 0 {
		room := w.packetSize - len(w.buf)
		if room == 0 {
			w.flush(false)
			continue
		}
		if room > len(p) {
			room = len(p)
		}
		w.buf = append(w.buf, p[:room]...)
		p = p[room:]
	}
	return n, w.err
}

// End sends the last packet of the message, flagged end-of-message.
func (w *Writer) End() error {
	w.flush(true)
	return w.err
}

// Byte appends one byte.
func (w *Writer) Byte(b byte) {
	if len(w.buf) < w.packetSize {
		w.buf = append(w.buf, b)
		return
	}
	w.Write([]byte{b})
}

// U16 appends a little-endian uint16.
func (w *Writer) U16(v uint16) {
	binary.LittleEndian.PutUint16(w.scratch[:], v)
	w.Write(w.scratch[:2])
}

// U32 appends a little-endian uint32.
func (w *Writer) U32(v uint32) {
	binary.LittleEndian.PutUint32(w.scratch[:], v)
	w.Write(w.scratch[:4])
}

// U64 appends a little-endian uint64.
func (w *Writer) U64(v uint64) {
	binary.LittleEndian.PutUint64(w.scratch[:], v)
	w.Write(w.scratch[:8])
}

// BVarChar appends a string as B_VARCHAR (byte length in characters, UTF-16LE).
func (w *Writer) BVarChar(s string) {
	u := UTF16(s)
	if len(u)/2 > 255 {
		u = u[:510]
	}
	w.Byte(byte(len(u) / 2))
	w.Write(u)
}

// UsVarChar appends a string as US_VARCHAR (ushort length in characters, UTF-16LE).
func (w *Writer) UsVarChar(s string) {
	u := UTF16(s)
	if len(u)/2 > 65535 {
		u = u[:131070]
	}
	w.U16(uint16(len(u) / 2))
	w.Write(u)
}
