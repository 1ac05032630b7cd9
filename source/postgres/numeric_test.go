package postgres

import (
	"encoding/binary"
	"math/big"
	"strings"
	"testing"
)

// encodeNumeric builds PostgreSQL's binary numeric from decimal text.
func encodeNumeric(s string) []byte {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	dscale := len(frac)
	for len(intPart)%4 != 0 {
		intPart = "0" + intPart
	}
	for len(frac)%4 != 0 {
		frac += "0"
	}
	all := intPart + frac
	var digits []uint16
	for i := 0; i < len(all); i += 4 {
		var d uint16
		for _, c := range all[i : i+4] {
			d = d*10 + uint16(c-'0')
		}
		digits = append(digits, d)
	}
	weight := len(intPart)/4 - 1
	for len(digits) > 0 && digits[0] == 0 {
		digits = digits[1:]
		weight--
	}
	for len(digits) > 0 && digits[len(digits)-1] == 0 {
		digits = digits[:len(digits)-1]
	}
	b := make([]byte, 8+2*len(digits))
	binary.BigEndian.PutUint16(b[0:], uint16(len(digits)))
	binary.BigEndian.PutUint16(b[2:], uint16(int16(weight)))
	if neg {
		binary.BigEndian.PutUint16(b[4:], numericNeg)
	}
	binary.BigEndian.PutUint16(b[6:], uint16(dscale))
	for i, d := range digits {
		binary.BigEndian.PutUint16(b[8+2*i:], d)
	}
	return b
}

func TestDecodeNumeric(t *testing.T) {
	cases := []struct {
		in       string
		prec, sc int
		want     string // unscaled, or "overflow"
	}{
		{"0", 10, 2, "0"}, {"12.34", 10, 2, "1234"}, {"-12.34", 10, 2, "-1234"}, {"1.5", 10, 0, "2"},
		{"-1.5", 10, 0, "-2"}, {"1.49", 10, 1, "15"}, {"0.00001", 10, 2, "0"}, {"0.005", 10, 2, "1"},
		{"99999999.99", 10, 2, "9999999999"}, {"100000000", 10, 2, "overflow"}, {"10000.0001", 38, 4, "100000001"},
		{"12345678901234567890123456789012345678", 38, 0, "12345678901234567890123456789012345678"},
		{"123456789012345678901234567890123456789", 38, 0, "overflow"}, {"1", 38, 37, "10000000000000000000000000000000000000"},
		{"99999999999999999999999999999999999999", 38, 0, "99999999999999999999999999999999999999"},
		{"9999999999999999999999999999999999999.99", 38, 1, "overflow"},
		{"123.456789", 38, 6, "123456789"}, {"-0.0000004", 10, 6, "0"},
	}
	for _, c := range cases {
		mag, neg, err := decodeNumeric(encodeNumeric(c.in), c.prec, c.sc)
		if c.want == "overflow" {
			if err != errNumericOverflow {
				t.Errorf("%s (%d,%d): err %v, want overflow", c.in, c.prec, c.sc, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s (%d,%d): %v", c.in, c.prec, c.sc, err)
			continue
		}
		v := new(big.Int).SetUint64(mag.hi)
		v.Lsh(v, 64).Or(v, new(big.Int).SetUint64(mag.lo))
		if neg {
			v.Neg(v)
		}
		if v.String() != c.want {
			t.Errorf("%s (%d,%d) = %s, want %s", c.in, c.prec, c.sc, v, c.want)
		}
		var buf [16]byte
		putInt128(buf[:], mag, neg)
		if got := decimal128(buf[:]).String(); got != c.want {
			t.Errorf("%s: int128 bytes decode to %s", c.in, got)
		}
	}
	nan := encodeNumeric("0")
	binary.BigEndian.PutUint16(nan[4:], numericNaN)
	if _, _, err := decodeNumeric(nan, 10, 2); err != errNumericSpecial {
		t.Errorf("NaN: %v", err)
	}
}
