package tds

import (
	"encoding/binary"
	"fmt"
)

// Prelogin option tokens and encryption values (MS-TDS 2.2.6.5).
const (
	preloginVersion    = 0
	preloginEncryption = 1
	preloginInstOpt    = 2
	preloginThreadID   = 3
	preloginMARS       = 4
	preloginTerminator = 0xFF

	EncryptOff    = 0
	EncryptOn     = 1
	EncryptNotSup = 2
	EncryptReq    = 3
)

// ParsePrelogin returns the client's ENCRYPTION option (EncryptNotSup when absent).
func ParsePrelogin(p []byte) (encrypt byte, err error) {
	encrypt = EncryptNotSup
	for i := 0; ; i += 5 {
		if i >= len(p) {
			return 0, fmt.Errorf("tds: PRELOGIN without terminator")
		}
		if p[i] == preloginTerminator {
			return encrypt, nil
		}
		if i+5 > len(p) {
			return 0, fmt.Errorf("tds: PRELOGIN option %d truncated", p[i])
		}
		off := int(binary.BigEndian.Uint16(p[i+1:]))
		n := int(binary.BigEndian.Uint16(p[i+3:]))
		if off+n > len(p) {
			return 0, fmt.Errorf("tds: PRELOGIN option %d points outside the packet", p[i])
		}
		if p[i] == preloginEncryption && n >= 1 {
			encrypt = p[off]
		}
	}
}

// WritePrelogin sends the server's PRELOGIN response.
func WritePrelogin(w *Writer, encrypt byte) error {
	fields := []struct {
		tok byte
		val []byte
	}{
		{preloginVersion, []byte{16, 0, 0x0F, 0xA0, 0, 0}}, // 16.0.4000: SQL Server 2022
		{preloginEncryption, []byte{encrypt}},
		{preloginInstOpt, []byte{0}},
		{preloginThreadID, []byte{}},
		{preloginMARS, []byte{0}},
	}
	w.Begin(PacketReply)
	off := 5*len(fields) + 1
	for _, f := range fields {
		w.Byte(f.tok)
		w.Write(binary.BigEndian.AppendUint16(nil, uint16(off)))
		w.Write(binary.BigEndian.AppendUint16(nil, uint16(len(f.val))))
		off += len(f.val)
	}
	w.Byte(preloginTerminator)
	for _, f := range fields {
		w.Write(f.val)
	}
	return w.End()
}

// Login is what the server uses from a LOGIN7 message.
type Login struct {
	TDSVersion uint32
	PacketSize uint32
	HostName   string
	UserName   string
	Password   string
	AppName    string
	ServerName string
	Language   string
	Database   string
	// IntegratedSecurity is set when the client asks for SSPI (Windows) authentication.
	IntegratedSecurity bool
}

// ParseLogin7 decodes a LOGIN7 payload (MS-TDS 2.2.6.4).
func ParseLogin7(p []byte) (Login, error) {
	var l Login
	if len(p) < 94 {
		return l, fmt.Errorf("tds: LOGIN7 message is %d bytes, shorter than its fixed part", len(p))
	}
	l.TDSVersion = binary.LittleEndian.Uint32(p[4:])
	l.PacketSize = binary.LittleEndian.Uint32(p[8:])
	l.IntegratedSecurity = p[25]&0x80 != 0
	str := func(at int, mangled bool) (string, error) {
		off := int(binary.LittleEndian.Uint16(p[at:]))
		n := int(binary.LittleEndian.Uint16(p[at+2:])) * 2
		if off+n > len(p) {
			return "", fmt.Errorf("tds: LOGIN7 field at offset %d points outside the message", at)
		}
		b := append([]byte(nil), p[off:off+n]...)
		if mangled {
			for i, c := range b {
				c ^= 0xA5
				b[i] = c<<4 | c>>4
			}
		}
		return FromUTF16(b), nil
	}
	var err error
	fields := []struct {
		at      int
		dst     *string
		mangled bool
	}{
		{36, &l.HostName, false}, {40, &l.UserName, false}, {44, &l.Password, true},
		{48, &l.AppName, false}, {52, &l.ServerName, false}, {64, &l.Language, false},
		{68, &l.Database, false},
	}
	for _, f := range fields {
		if *f.dst, err = str(f.at, f.mangled); err != nil {
			return l, err
		}
	}
	return l, nil
}
