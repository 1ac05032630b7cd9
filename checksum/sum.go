package checksum

import (
	"crypto/md5"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/big"
	"math/bits"
	"strconv"
	"strings"
)

// Version prefixes every checksum string; it changes with the canonical text.
const Version = "v1"

// u128 is an unsigned 128-bit accumulator (sums of 64-bit values over up to 2^64 rows).
type u128 struct{ hi, lo uint64 }

func (a *u128) add64(v uint64) {
	var c uint64
	a.lo, c = bits.Add64(a.lo, v, 0)
	a.hi += c
}

func (a *u128) add(b u128) {
	var c uint64
	a.lo, c = bits.Add64(a.lo, b.lo, 0)
	a.hi += b.hi + c
}

func (a u128) big() *big.Int {
	n := new(big.Int).SetUint64(a.hi)
	return n.Lsh(n, 64).Or(n, new(big.Int).SetUint64(a.lo))
}

func (a u128) String() string {
	if a.hi == 0 {
		return strconv.FormatUint(a.lo, 10)
	}
	return a.big().String()
}

func parseU128(s string) (u128, error) {
	n, ok := new(big.Int).SetString(s, 10)
	if !ok || n.Sign() < 0 || n.BitLen() > 128 {
		return u128{}, fmt.Errorf("checksum: %q is not an unsigned 128-bit decimal", s)
	}
	lo := new(big.Int).And(n, new(big.Int).SetUint64(^uint64(0)))
	return u128{hi: new(big.Int).Rsh(n, 64).Uint64(), lo: lo.Uint64()}, nil
}

// Sum is a partition's checksum: the row count and the exact sums of the upper and
// lower 64 bits of every row's MD5. The zero value is the checksum of no rows. Sums are
// independent of row order and count duplicates.
type Sum struct {
	Rows  int64
	upper u128
	lower u128
}

// Add adds one row text.
func (s *Sum) Add(row []byte) { s.AddDigest(md5.Sum(row)) }

// AddDigest adds one row by its MD5.
func (s *Sum) AddDigest(d [16]byte) {
	s.Rows++
	s.upper.add64(binary.BigEndian.Uint64(d[0:8]))
	s.lower.add64(binary.BigEndian.Uint64(d[8:16]))
}

// AddRow adds the row being built.
func (s *Sum) AddRow(r *Row) { s.Add(r.buf) }

// Merge adds another sum (e.g. of another file or goroutine of the same partition).
func (s *Sum) Merge(o Sum) {
	s.Rows += o.Rows
	s.upper.add(o.upper)
	s.lower.add(o.lower)
}

// String is "v1:<rows>:<sum of upper 64 bits>:<sum of lower 64 bits>".
func (s Sum) String() string {
	return Version + ":" + strconv.FormatInt(s.Rows, 10) + ":" + s.upper.String() + ":" + s.lower.String()
}

// Parse reads a checksum string.
func Parse(str string) (Sum, error) {
	parts := strings.Split(str, ":")
	if len(parts) != 4 || parts[0] != Version {
		return Sum{}, fmt.Errorf("checksum: %q is not a %s checksum (want %s:<rows>:<upper>:<lower>)", str, Version, Version)
	}
	rows, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil || rows < 0 {
		return Sum{}, fmt.Errorf("checksum: bad row count in %q", str)
	}
	up, err := parseU128(parts[2])
	if err != nil {
		return Sum{}, err
	}
	lo, err := parseU128(parts[3])
	if err != nil {
		return Sum{}, err
	}
	return Sum{Rows: rows, upper: up, lower: lo}, nil
}

// FromParts builds a checksum from the three numbers an engine's SQL returns (row
// count, sum of upper halves, sum of lower halves, as decimal text).
func FromParts(rows int64, upper, lower string) (Sum, error) {
	return Parse(Version + ":" + strconv.FormatInt(rows, 10) + ":" + trimDecimal(upper) + ":" + trimDecimal(lower))
}

// trimDecimal drops a ".000" fraction some drivers print for NUMBER(38,0)/numeric sums.
func trimDecimal(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '.'); i >= 0 && strings.Trim(s[i+1:], "0") == "" {
		s = s[:i]
	}
	if s == "" {
		return "0"
	}
	return s
}

// MarshalJSON writes the checksum string.
func (s Sum) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// UnmarshalJSON reads a checksum string.
func (s *Sum) UnmarshalJSON(b []byte) error {
	var str string
	if err := json.Unmarshal(b, &str); err != nil {
		return err
	}
	v, err := Parse(str)
	if err != nil {
		return err
	}
	*s = v
	return nil
}
