package tds

import (
	"unicode/utf16"

	"golang.org/x/text/encoding/charmap"
)

// Character data on the wire: code page 1252 for char/varchar, UTF-16LE for
// nchar/nvarchar.

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
