package tds

import (
	"math/big"
	"strings"
)

// Exact decimals as DECIMALN/NUMERICN carry them.

// Dec is an exact decimal: Unscaled × 10^-Scale.
type Dec struct {
	Unscaled *big.Int
	Scale    int
}

// ParseDecimal reads a plain decimal literal such as -12.3400 (no exponent).
func ParseDecimal(s string) (Dec, error) {
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimLeft(s, "+-")
	ip, fp, _ := strings.Cut(s, ".")
	if ip == "" && fp == "" {
		return Dec{}, &ValueError{"Error converting data type varchar to numeric."}
	}
	u, ok := new(big.Int).SetString("0"+ip+fp, 10)
	if !ok {
		return Dec{}, &ValueError{"Error converting data type varchar to numeric."}
	}
	if neg {
		u.Neg(u)
	}
	return Dec{u, len(fp)}, nil
}

var ten = big.NewInt(10)

// Rescale rounds half away from zero to the given scale.
func (d Dec) Rescale(scale int) Dec {
	if d.Scale == scale {
		return d
	}
	u := new(big.Int).Set(d.Unscaled)
	for s := d.Scale; s < scale; s++ {
		u.Mul(u, ten)
	}
	if d.Scale > scale {
		div := new(big.Int).Exp(ten, big.NewInt(int64(d.Scale-scale)), nil)
		q, r := new(big.Int).QuoRem(u, div, new(big.Int))
		r.Abs(r).Mul(r, big.NewInt(2))
		if r.Cmp(div) >= 0 {
			if u.Sign() < 0 {
				q.Sub(q, big.NewInt(1))
			} else {
				q.Add(q, big.NewInt(1))
			}
		}
		u = q
	}
	return Dec{u, scale}
}

// String renders the decimal with its scale.
func (d Dec) String() string {
	s := new(big.Int).Abs(d.Unscaled).String()
	for len(s) <= d.Scale {
		s = "0" + s
	}
	if d.Scale > 0 {
		s = s[:len(s)-d.Scale] + "." + s[len(s)-d.Scale:]
	}
	if d.Unscaled.Sign() < 0 {
		s = "-" + s
	}
	return s
}

// Digits is the number of integer digits plus Scale (the precision the value needs).
func (d Dec) Digits() int {
	n := len(new(big.Int).Abs(d.Unscaled).String())
	if n < d.Scale {
		n = d.Scale
	}
	return n
}
