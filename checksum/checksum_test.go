package checksum

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"math/big"
	"testing"
	"time"
)

func TestCanonicalText(t *testing.T) {
	dec128 := func(s string) []byte {
		n, _ := new(big.Int).SetString(s, 10)
		if n.Sign() < 0 {
			n.Add(n, new(big.Int).Lsh(big.NewInt(1), 128))
		}
		out := make([]byte, 16)
		n.FillBytes(out)
		return out
	}
	cases := []struct{ got, want string }{
		{string(AppendDecimal(nil, 42, 0)), "42"},
		{string(AppendDecimal(nil, -7, 0)), "-7"},
		{string(AppendDecimal(nil, 1230, 2)), "12.30"},
		{string(AppendDecimal(nil, -5, 2)), "-0.05"},
		{string(AppendDecimal(nil, 0, 2)), "0.00"},
		{string(AppendDecimal(nil, math.MinInt64, 0)), "-9223372036854775808"},
		{string(AppendDecimal(nil, 123456789, 9)), "0.123456789"},
		{string(AppendDecimal128(nil, dec128("99999999999999999999999999999999999999"), 2)), "999999999999999999999999999999999999.99"},
		{string(AppendDecimal128(nil, dec128("-12345678901234567890123"), 3)), "-12345678901234567890.123"},
		{string(AppendDecimal128(nil, dec128("-1"), 0)), "-1"},
		{string(AppendDecimal128(nil, dec128("-18446744073709551616"), 0)), "-18446744073709551616"},
		{string(AppendDecimal128(nil, dec128("7"), 4)), "0.0007"},
		{string(AppendFloat(nil, 1)), "4503599627370496p-52"},
		{string(AppendFloat(nil, 0.1)), "7205759403792794p-56"},
		{string(AppendFloat(nil, -2.5)), "-5629499534213120p-51"},
		{string(AppendFloat(nil, float64(float32(0.1)))), "7205759511166976p-56"},
		{string(AppendFloat(nil, math.SmallestNonzeroFloat64)), "1p-1074"},
		{string(AppendFloat(nil, math.MaxFloat64)), "9007199254740991p971"},
		{string(AppendFloat(nil, 0x1p-1022)), "4503599627370496p-1074"},
		{string(AppendFloat(nil, 0)), "0"},
		{string(AppendFloat(nil, math.Copysign(0, -1))), "0"},
		{string(AppendFloat(nil, math.NaN())), "NaN"},
		{string(AppendFloat(nil, math.Inf(1))), "inf"},
		{string(AppendFloat(nil, math.Inf(-1))), "-inf"},
		{string(AppendBool(nil, true)), "true"},
		{string(AppendBool(nil, false)), "false"},
		{string(AppendText(nil, []byte(`a|b\c`))), `a\|b\\c`},
		{string(AppendText(nil, []byte("ab  "))), "ab  "},
		{string(AppendBinary(nil, []byte{0, 0xff, 0x10})), "00FF10"},
		{string(AppendDate(nil, 0)), "1970-01-01"},
		{string(AppendDate(nil, -1)), "1969-12-31"},
		{string(AppendDate(nil, 19782)), "2024-02-29"},
		{string(AppendDate(nil, -719162)), "0001-01-01"},
		{string(AppendDate(nil, 2932896)), "9999-12-31"},
		{string(AppendTime(nil, 86399999999)), "23:59:59.999999"},
		{string(AppendTime(nil, 0)), "00:00:00.000000"},
		{string(AppendTimestamp(nil, -1)), "1969-12-31 23:59:59.999999"},
		{string(AppendTimestamp(nil, 1706695200000000)), "2024-01-31 10:00:00.000000"},
		{string(AppendTimestamp(nil, -62135596800000000)), "0001-01-01 00:00:00.000000"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

// The date and timestamp texts agree with the time package over the whole range.
func TestDatesAgreeWithTimePackage(t *testing.T) {
	for days := int64(-719162); days <= 2932896; days += 997 {
		want := time.Unix(days*86400, 0).UTC().Format("2006-01-02")
		if got := string(AppendDate(nil, days)); got != want {
			t.Fatalf("day %d: got %s, want %s", days, got, want)
		}
		us := days*86_400_000_000 + 45_296_000_123
		wantTS := time.UnixMicro(us).UTC().Format("2006-01-02 15:04:05.000000")
		if got := string(AppendTimestamp(nil, us)); got != wantTS {
			t.Fatalf("micros %d: got %s, want %s", us, got, wantTS)
		}
	}
}

// m·2^k reproduces the float exactly.
func TestFloatTextIsExact(t *testing.T) {
	for _, f := range []float64{1, 0.1, -2.5, 1e300, -1e-300, 5e-324, 3.14159, 1 << 53, float64(float32(1.1))} {
		b := math.Float64bits(f)
		exp := int((b >> 52) & 0x7ff)
		m := b & (1<<52 - 1)
		k := -1074
		if exp != 0 {
			m |= 1 << 52
			k = exp - 1075
		}
		back := math.Ldexp(float64(m), k)
		if f < 0 {
			back = -back
		}
		if back != f {
			t.Errorf("%v: m=%d k=%d gives %v", f, m, k, back)
		}
	}
}

func row(build func(r *Row)) string {
	var r Row
	build(&r)
	return string(r.Bytes())
}

// Different rows never encode alike: separators, escapes and NULL.
func TestRowEncodingIsInjective(t *testing.T) {
	texts := []string{
		row(func(r *Row) { r.Text([]byte("a|b")) }),
		row(func(r *Row) { r.Text([]byte("a")); r.Text([]byte("b")) }),
		row(func(r *Row) { r.Text([]byte(`a\`)); r.Text([]byte("b")) }),
		row(func(r *Row) { r.Text([]byte(`a\|b`)) }),
		row(func(r *Row) { r.Null() }),
		row(func(r *Row) { r.Text([]byte(`\N`)) }),
		row(func(r *Row) { r.Text(nil) }),
		row(func(r *Row) { r.Text(nil); r.Text(nil) }),
		row(func(r *Row) { r.Null(); r.Text(nil) }),
		row(func(r *Row) { r.Text(nil); r.Null() }),
		row(func(r *Row) { r.Semi() }),
		row(func(r *Row) { r.Text([]byte("ab ")) }),
		row(func(r *Row) { r.Text([]byte("ab")) }),
	}
	seen := map[string]int{}
	for i, s := range texts {
		if j, dup := seen[s]; dup {
			t.Errorf("rows %d and %d both encode as %q", j, i, s)
		}
		seen[s] = i
	}
	if texts[0] != `a\|b` || texts[1] != "a|b" || texts[4] != `\N` || texts[5] != `\\N` || texts[8] != `\N|` {
		t.Errorf("unexpected encodings %q", texts)
	}
}

// Golden vectors: row texts and their checksum, computed independently (Python hashlib).
func TestGoldenVectors(t *testing.T) {
	full := row(func(r *Row) {
		r.Int(42)
		r.Decimal(-5, 2)
		r.Float(1)
		r.Bool(true)
		r.Text([]byte(`a|b\`))
		r.Binary([]byte{0, 0xff})
		r.Date(19782)
		r.Time(86399999999)
		r.Timestamp(-1)
		r.Null()
		r.Semi()
	})
	if want := `42|-0.05|4503599627370496p-52|true|a\|b\\|00FF|2024-02-29|23:59:59.999999|1969-12-31 23:59:59.999999|\N|J`; full != want {
		t.Fatalf("row text %q, want %q", full, want)
	}
	if h := RowHash([]byte(full)); h != "245e5dce11e0b8706e9081db58db6091" {
		t.Errorf("row hash %s", h)
	}
	var s Sum
	for _, r := range []string{full, "1|abc", ""} {
		s.Add([]byte(r))
	}
	if got, want := s.String(), "v1:3:31876393703481976248:38924691142631953881"; got != want {
		t.Errorf("checksum %s, want %s", got, want)
	}
	var d Sum
	for i := 0; i < 3; i++ {
		d.Add([]byte("1|abc"))
	}
	if got, want := d.String(), "v1:3:41913692862782616012:42396665587360225374"; got != want {
		t.Errorf("duplicates: %s, want %s", got, want)
	}
	if (Sum{}).String() != "v1:0:0:0" {
		t.Errorf("empty: %s", Sum{}.String())
	}
}

func TestSumOrderMergeAndParse(t *testing.T) {
	rows := []string{"a", "b", "c", "d", "a"}
	var fwd, back, left, right Sum
	for i, r := range rows {
		fwd.Add([]byte(r))
		back.Add([]byte(rows[len(rows)-1-i]))
		if i < 2 {
			left.Add([]byte(r))
		} else {
			right.Add([]byte(r))
		}
	}
	left.Merge(right)
	if fwd != back || fwd != left {
		t.Fatalf("order or merge changed the sum: %s %s %s", fwd, back, left)
	}
	var once Sum
	for _, r := range rows[:4] {
		once.Add([]byte(r))
	}
	if once == fwd {
		t.Fatal("a duplicate row did not change the sum")
	}
	p, err := Parse(fwd.String())
	if err != nil || p != fwd {
		t.Fatalf("parse: %v %v", p, err)
	}
	js, _ := json.Marshal(fwd)
	var back2 Sum
	if err := json.Unmarshal(js, &back2); err != nil || back2 != fwd {
		t.Fatalf("json %s: %v", js, err)
	}
	for _, bad := range []string{"", "v2:1:2:3", "v1:-1:0:0", "v1:1:x:0", "v1:1:0", "v1:1:0:340282366920938463463374607431768211456"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
	fp, err := FromParts(5, fwd.upper.String()+".000", fwd.lower.String())
	if err != nil || fp != fwd {
		t.Fatalf("FromParts: %v %v", fp, err)
	}
}

// The sums are exact beyond 64 bits.
func TestSumCarries(t *testing.T) {
	var s Sum
	var d [16]byte
	binary.BigEndian.PutUint64(d[0:8], math.MaxUint64)
	binary.BigEndian.PutUint64(d[8:16], 1)
	for i := 0; i < 3; i++ {
		s.AddDigest(d)
	}
	if got, want := s.String(), "v1:3:55340232221128654845:3"; got != want {
		t.Fatalf("%s, want %s", got, want)
	}
	p, err := Parse(s.String())
	if err != nil || p != s {
		t.Fatalf("parse %v %v", p, err)
	}
}

func BenchmarkRow(b *testing.B) {
	var s Sum
	var r Row
	text := []byte("some customer name, with a comment of moderate length")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		r.Reset()
		r.Int(int64(i))
		r.Decimal(int64(i)*37, 2)
		r.Float(float64(i) * 0.1)
		r.Text(text)
		r.Timestamp(int64(i) * 1_000_003)
		r.Date(int64(i % 20000))
		s.AddRow(&r)
	}
}
