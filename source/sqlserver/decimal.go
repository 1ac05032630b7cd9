package sqlserver

import (
	"encoding/binary"
	"fmt"
	"math/bits"
)

// maxDecimalDigits is the most digits a Parquet DECIMAL of 16 bytes (and a Snowflake
// NUMBER) holds: 10^38 - 1 < 2^127.
const maxDecimalDigits = 38

// decimal128 is a decimal's integer value × 10^scale in 128-bit two's complement.
type decimal128 struct{ hi, lo uint64 }

// int64 is the value when it fits (every DECIMAL of precision ≤ 18 does).
func (d decimal128) int64() int64 { return int64(d.lo) }

// put writes the 16-byte big-endian two's complement form Parquet's
// FIXED_LEN_BYTE_ARRAY DECIMAL wants.
func (d decimal128) put(dst []byte) {
	binary.BigEndian.PutUint64(dst[:8], d.hi)
	binary.BigEndian.PutUint64(dst[8:16], d.lo)
}

// pow10u64[i] is 10^i; 10^19 is the largest power of ten a uint64 holds.
var pow10u64 = [20]uint64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
	1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19}

// parseDecimal reads the driver's decimal text ("-123.4500") as the integer value ×
// 10^scale, without allocating: digits beyond the scale must be zeros (the SELECT
// already rounded to the target's scale) and the result must fit the precision
// (at most 38 digits). An optional "-" then "+" may lead; the integer or the
// fractional part may be empty. Values of up to 19 significant digits (every DECIMAL
// of precision ≤ 18) are accumulated in one uint64; longer ones in 128 bits.
//
// The checks, their order and their messages are those of the big.Int parser this
// replaces (kept in decimal_test.go as the reference): decimals first, then digits,
// then syntax; the messages show the text without its sign.
func parseDecimal[T string | []byte](s T, precision, scale int) (decimal128, error) {
	neg := len(s) > 0 && s[0] == '-'
	if neg {
		s = s[1:]
	}
	if len(s) > 0 && s[0] == '+' {
		s = s[1:]
	}
	ip, fp := s, s[len(s):]
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			ip, fp = s[:i], s[i+1:]
			break
		}
	}
	if len(fp) > scale {
		for i := scale; i < len(fp); i++ {
			if fp[i] != '0' {
				return decimal128{}, fmt.Errorf("value %s has more than %d decimals", s, scale)
			}
		}
		fp = fp[:scale]
	}
	pad := scale - len(fp) // zeros appended to reach the scale
	// Significant digits: ip+fp+pad zeros without its leading zeros (none when the
	// whole text is zeros).
	lead := 0
	for lead < len(ip) && ip[lead] == '0' {
		lead++
	}
	n := len(ip) - lead + len(fp) + pad
	if lead == len(ip) {
		z := 0
		for z < len(fp) && fp[z] == '0' {
			z++
		}
		n = len(fp) - z + pad
		if z == len(fp) {
			n = 0
		}
	}
	if n > precision || n > maxDecimalDigits {
		return decimal128{}, fmt.Errorf("value %s needs more than %d digits", s, min(precision, maxDecimalDigits))
	}
	var d decimal128
	var chunk uint64 // digits not yet folded into d (fewer than 19)
	k := 0           // how many
	// The integer part's digits, then the fraction's.
	for part, rest := ip, fp; ; part, rest = rest, s[len(s):] {
		for i := 0; i < len(part); i++ {
			c := part[i]
			if c < '0' || c > '9' {
				return decimal128{}, fmt.Errorf("%q is not a decimal number", s)
			}
			chunk = chunk*10 + uint64(c-'0')
			if k++; k == 19 {
				d = d.mulAdd(pow10u64[19], chunk)
				chunk, k = 0, 0
			}
		}
		if len(rest) == 0 {
			break
		}
	}
	d = d.mulAdd(pow10u64[k], chunk)
	for ; pad > 0; pad -= 19 {
		d = d.mulAdd(pow10u64[min(pad, 19)], 0)
	}
	if neg {
		// Two's complement: invert and add one.
		var c uint64
		d.lo, c = bits.Add64(^d.lo, 1, 0)
		d.hi = ^d.hi + c
	}
	return d, nil
}

// mulAdd is d×m + a. The caller keeps the result below 2^128 (at most 38 digits).
func (d decimal128) mulAdd(m, a uint64) decimal128 {
	h, l := bits.Mul64(d.lo, m)
	l, c := bits.Add64(l, a, 0)
	return decimal128{hi: d.hi*m + h + c, lo: l}
}
