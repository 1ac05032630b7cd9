package postgres

import (
	"encoding/binary"
	"errors"
	"math/bits"
)

// PostgreSQL numeric binary format: int16 ndigits, int16 weight, uint16 sign,
// int16 dscale, then ndigits base-10000 digits; value = Σ digit[i]·10000^(weight-i).
const (
	numericPos  = 0x0000
	numericNeg  = 0x4000
	numericNaN  = 0xC000
	numericPInf = 0xD000
	numericNInf = 0xF000
)

var (
	errNumericSpecial  = errors.New("NaN or infinity has no Snowflake NUMBER equivalent")
	errNumericOverflow = errors.New("value has more integer digits than the target precision allows")
	errNumericFormat   = errors.New("malformed numeric")
)

// u128 is an unsigned 128-bit integer (hi, lo).
type u128 struct{ hi, lo uint64 }

// pow10 holds 10^0 … 10^38 as u128.
var pow10 [39]u128

func init() {
	pow10[0] = u128{0, 1}
	for i := 1; i < len(pow10); i++ {
		pow10[i] = mulSmall(pow10[i-1], 10)
	}
}

func mulSmall(a u128, m uint64) u128 {
	hi, lo := bits.Mul64(a.lo, m)
	return u128{a.hi*m + hi, lo}
}

func add(a, b u128) (u128, bool) {
	lo, c := bits.Add64(a.lo, b.lo, 0)
	hi, c2 := bits.Add64(a.hi, b.hi, c)
	return u128{hi, lo}, c2 != 0
}

func less(a, b u128) bool { return a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo) }

// decodeNumeric returns the magnitude of the value scaled by 10^scale (rounded half
// away from zero, like a cast), its sign, and an error when it does not fit in
// precision digits or is NaN/±Infinity.
func decodeNumeric(raw []byte, precision, scale int) (mag u128, neg bool, err error) {
	if len(raw) < 8 {
		return mag, false, errNumericFormat
	}
	ndigits := int(binary.BigEndian.Uint16(raw[0:]))
	weight := int(int16(binary.BigEndian.Uint16(raw[2:])))
	sign := binary.BigEndian.Uint16(raw[4:])
	if len(raw) < 8+2*ndigits {
		return mag, false, errNumericFormat
	}
	switch sign {
	case numericPos:
	case numericNeg:
		neg = true
	case numericNaN, numericPInf, numericNInf:
		return mag, false, errNumericSpecial
	default:
		return mag, false, errNumericFormat
	}
	roundUp := false
	for i := 0; i < ndigits; i++ {
		d := uint64(binary.BigEndian.Uint16(raw[8+2*i:]))
		// exponent of this digit group's units, in powers of ten of the scaled value
		e := 4*(weight-i) + scale
		if e >= 0 {
			if d == 0 {
				continue
			}
			// d < 10^4: d·10^e cannot overflow 128 bits while e <= 34; above that,
			// anything not below 10^38 exceeds every precision anyway.
			if e > 38 || (e > 34 && d >= pow10[38-e].lo) {
				return mag, neg, errNumericOverflow
			}
			t := mulSmall(pow10[e], d)
			var carry bool
			if mag, carry = add(mag, t); carry {
				return mag, neg, errNumericOverflow
			}
			continue
		}
		// This group is (partly) below the target scale: keep its top digits and
		// round on the first dropped one; lower groups cannot change the rounding.
		drop := -e
		if drop < 4 {
			div := uint64(1)
			for j := 0; j < drop; j++ {
				div *= 10
			}
			var carry bool
			if mag, carry = add(mag, u128{0, d / div}); carry {
				return mag, neg, errNumericOverflow
			}
			roundUp = (d%div)*10/div >= 5
		} else if drop == 4 {
			roundUp = d >= 5000
		}
		break
	}
	if roundUp {
		var carry bool
		if mag, carry = add(mag, u128{0, 1}); carry {
			return mag, neg, errNumericOverflow
		}
	}
	if !less(mag, pow10[precision]) {
		return mag, neg, errNumericOverflow
	}
	if mag.hi == 0 && mag.lo == 0 {
		neg = false
	}
	return mag, neg, nil
}

// putInt128 writes the two's complement big-endian 16-byte form.
func putInt128(dst []byte, mag u128, neg bool) {
	if neg {
		lo, b := bits.Sub64(0, mag.lo, 0)
		hi, _ := bits.Sub64(0, mag.hi, b)
		mag = u128{hi, lo}
	}
	binary.BigEndian.PutUint64(dst[0:], mag.hi)
	binary.BigEndian.PutUint64(dst[8:], mag.lo)
}
