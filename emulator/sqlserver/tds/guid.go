package tds

import (
	"fmt"
	"strconv"
	"strings"
)

// uniqueidentifier: text form and SQL Server's byte order on the wire.

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
