package sqlserver

import (
	"fmt"
	"math/big"
	"math/rand"
	"strings"
	"testing"
	"time"
)

// refScaledDecimal is the big.Int parser parseDecimal replaced (the extractor's
// until session 17), kept as the reference the new one must agree with, byte for
// byte and message for message.
func refScaledDecimal(s string, precision, scale int) (*big.Int, error) {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	ip, fp, _ := strings.Cut(s, ".")
	if len(fp) > scale {
		if strings.Trim(fp[scale:], "0") != "" {
			return nil, fmt.Errorf("value %s has more than %d decimals", s, scale)
		}
		fp = fp[:scale]
	}
	fp += strings.Repeat("0", scale-len(fp))
	digits := strings.TrimLeft(ip+fp, "0")
	if len(digits) > precision {
		return nil, fmt.Errorf("value %s needs more than %d digits", s, precision)
	}
	u, ok := new(big.Int).SetString("0"+digits, 10)
	if !ok {
		return nil, fmt.Errorf("%q is not a decimal number", s)
	}
	if neg {
		u.Neg(u)
	}
	return u, nil
}

// refInt128 is the reference's 16-byte big-endian two's complement form.
func refInt128(u *big.Int) []byte {
	out := make([]byte, 16)
	m := new(big.Int).Set(u)
	if m.Sign() < 0 {
		m.Add(m, new(big.Int).Lsh(big.NewInt(1), 128))
	}
	m.FillBytes(out)
	return out
}

// checkAgainstRef parses s both ways (as string and as []byte) and fails unless
// both agree with the reference: the same 16 bytes, the same int64 where the
// precision makes the value an INT64 DECIMAL, or the same error message.
func checkAgainstRef(t *testing.T, s string, precision, scale int) (decimal128, error) {
	t.Helper()
	want, wantErr := refScaledDecimal(s, precision, scale)
	got, err := parseDecimal(s, precision, scale)
	gotB, errB := parseDecimal([]byte(s), precision, scale)
	if fmt.Sprint(err) != fmt.Sprint(errB) || got != gotB {
		t.Fatalf("parseDecimal(%q, %d, %d): string form gives %v %v, []byte form %v %v", s, precision, scale, got, err, gotB, errB)
	}
	if wantErr != nil || err != nil {
		if fmt.Sprint(err) != fmt.Sprint(wantErr) {
			t.Fatalf("parseDecimal(%q, %d, %d): error %v, reference %v", s, precision, scale, err, wantErr)
		}
		return got, err
	}
	b := make([]byte, 16)
	got.put(b)
	if w := refInt128(want); string(b) != string(w) {
		t.Fatalf("parseDecimal(%q, %d, %d) = %x, reference %x (%s)", s, precision, scale, b, w, want)
	}
	if precision <= 18 && got.int64() != want.Int64() {
		t.Fatalf("parseDecimal(%q, %d, %d).int64() = %d, reference %d", s, precision, scale, got.int64(), want.Int64())
	}
	return got, nil
}

// decimalString is d as a signed integer in decimal, for expectations.
func decimalString(d decimal128) string {
	b := make([]byte, 16)
	d.put(b)
	u := new(big.Int).SetBytes(b)
	if b[0]&0x80 != 0 {
		u.Sub(u, new(big.Int).Lsh(big.NewInt(1), 128))
	}
	return u.String()
}

func TestParseDecimal(t *testing.T) {
	max38 := strings.Repeat("9", 38)
	cases := []struct {
		in               string
		precision, scale int
		want             string // the integer × 10^scale; "" when an error is expected
		err              string
	}{
		{in: "0", precision: 1, scale: 0, want: "0"},
		{in: "-0", precision: 1, scale: 0, want: "0"},
		{in: "0.0000", precision: 18, scale: 4, want: "0"},
		{in: "-0.0000", precision: 18, scale: 4, want: "0"},
		{in: "123.4500", precision: 18, scale: 4, want: "1234500"},
		{in: "-123.4500", precision: 18, scale: 4, want: "-1234500"},
		{in: "+123.45", precision: 18, scale: 4, want: "1234500"},
		{in: "-+7", precision: 3, scale: 0, want: "-7"},
		{in: ".5", precision: 1, scale: 1, want: "5"},
		{in: "-.5", precision: 1, scale: 1, want: "-5"},
		{in: "5.", precision: 1, scale: 0, want: "5"},
		{in: "", precision: 1, scale: 0, want: "0"},
		{in: "000000000000000000000000000000000000000000012", precision: 2, scale: 0, want: "12"},
		// Trailing zeros beyond the scale are dropped; anything else is refused.
		{in: "1.2300000000000000000000000000000000000000", precision: 3, scale: 2, want: "123"},
		{in: "1.231", precision: 10, scale: 2, err: "value 1.231 has more than 2 decimals"},
		{in: "-1.231", precision: 10, scale: 2, err: "value 1.231 has more than 2 decimals"},
		{in: "1.00x", precision: 10, scale: 2, err: "value 1.00x has more than 2 decimals"},
		// The int64 range of DECIMAL(18,s).
		{in: "999999999999999999", precision: 18, scale: 0, want: "999999999999999999"},
		{in: "-999999999999999999", precision: 18, scale: 0, want: "-999999999999999999"},
		{in: "99999999999999.9999", precision: 18, scale: 4, want: "999999999999999999"},
		{in: "-0.999999999999999999", precision: 18, scale: 18, want: "-999999999999999999"},
		{in: "1000000000000000000", precision: 18, scale: 0, err: "value 1000000000000000000 needs more than 18 digits"},
		{in: "-99999999999999.99999", precision: 18, scale: 4, err: "value 99999999999999.99999 has more than 4 decimals"},
		// Across the 19-digit chunk boundary and the 64-bit one.
		{in: "9999999999999999999", precision: 19, scale: 0, want: "9999999999999999999"},
		{in: "18446744073709551616", precision: 20, scale: 0, want: "18446744073709551616"},
		{in: "-18446744073709551616", precision: 20, scale: 0, want: "-18446744073709551616"},
		{in: "-9223372036854775809", precision: 19, scale: 0, want: "-9223372036854775809"},
		// ±(10^38 − 1) at scale 0 and 38 (the 128-bit extremes).
		{in: max38, precision: 38, scale: 0, want: max38},
		{in: "-" + max38, precision: 38, scale: 0, want: "-" + max38},
		{in: "0." + max38, precision: 38, scale: 38, want: max38},
		{in: "-0." + max38, precision: 38, scale: 38, want: "-" + max38},
		{in: "1", precision: 38, scale: 37, want: "1" + strings.Repeat("0", 37)},
		{in: "-1", precision: 38, scale: 37, want: "-1" + strings.Repeat("0", 37)},
		{in: "0.00000000000000000000000000000000000001", precision: 38, scale: 38, want: "1"},
		{in: "1" + strings.Repeat("0", 38), precision: 38, scale: 0, err: "value 1" + strings.Repeat("0", 38) + " needs more than 38 digits"},
		{in: "1", precision: 38, scale: 38, err: "value 1 needs more than 38 digits"},
		{in: "12345", precision: 4, scale: 0, err: "value 12345 needs more than 4 digits"},
		{in: "1.5", precision: 2, scale: 2, err: "value 1.5 needs more than 2 digits"},
		// Syntax, checked after decimals and digits as before.
		{in: "12a", precision: 10, scale: 0, err: `"12a" is not a decimal number`},
		{in: "-1 2", precision: 10, scale: 0, err: `"1 2" is not a decimal number`},
		{in: "+-5", precision: 10, scale: 0, err: `"-5" is not a decimal number`},
		{in: "1.2.3", precision: 10, scale: 5, err: `"1.2.3" is not a decimal number`},
		{in: "1e5", precision: 10, scale: 0, err: `"1e5" is not a decimal number`},
		{in: "abc", precision: 2, scale: 0, err: "value abc needs more than 2 digits"},
	}
	for _, c := range cases {
		got, err := checkAgainstRef(t, c.in, c.precision, c.scale)
		switch {
		case c.err != "":
			if err == nil || err.Error() != c.err {
				t.Errorf("parseDecimal(%q, %d, %d): error %v, want %q", c.in, c.precision, c.scale, err, c.err)
			}
		case err != nil:
			t.Errorf("parseDecimal(%q, %d, %d): %v", c.in, c.precision, c.scale, err)
		case decimalString(got) != c.want:
			t.Errorf("parseDecimal(%q, %d, %d) = %s, want %s", c.in, c.precision, c.scale, decimalString(got), c.want)
		}
	}
}

// TestParseDecimalRandom compares the parser with the reference on random values of
// every precision and scale, written as the driver writes them and with the
// variations (leading zeros, extra trailing zeros, a missing integer part) other
// texts have.
func TestParseDecimalRandom(t *testing.T) {
	r := rand.New(rand.NewSource(17))
	digits := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('0' + r.Intn(10))
		}
		return string(b)
	}
	for i := 0; i < 200_000; i++ {
		precision := 1 + r.Intn(38)
		scale := r.Intn(precision + 1)
		intDigits := r.Intn(precision - scale + 2) // sometimes one too many
		frac := scale
		switch r.Intn(8) {
		case 0:
			frac = r.Intn(scale + 3) // fewer or more decimals than the scale
		case 1:
			frac = scale + 1 + r.Intn(3)
		}
		s := digits(intDigits)
		if s == "" && r.Intn(2) == 0 {
			s = "0"
		}
		if r.Intn(10) == 0 {
			s = strings.Repeat("0", r.Intn(5)) + s
		}
		if frac > 0 {
			f := digits(frac)
			if frac > scale && r.Intn(2) == 0 {
				f = f[:scale] + strings.Repeat("0", frac-scale)
			}
			s += "." + f
		}
		if r.Intn(2) == 0 {
			s = "-" + s
		}
		checkAgainstRef(t, s, precision, scale)
	}
}

// FuzzParseDecimal checks any text against the reference (go test -fuzz
// FuzzParseDecimal ./source/sqlserver/ explores; a plain test run checks the seeds).
func FuzzParseDecimal(f *testing.F) {
	for _, s := range []string{"0", "-1.5", "+.", "-+9", strings.Repeat("9", 38), "-0." + strings.Repeat("9", 38), "1.2.3", "1e9", "00012.3400"} {
		f.Add(s, 38, 4)
		f.Add(s, 18, 0)
	}
	f.Fuzz(func(t *testing.T, s string, precision, scale int) {
		if precision < 1 || precision > maxDecimalDigits || scale < 0 || scale > precision {
			t.Skip()
		}
		checkAgainstRef(t, s, precision, scale)
	})
}

func BenchmarkParseDecimal(b *testing.B) {
	for _, c := range []struct {
		name             string
		in               string
		precision, scale int
	}{
		{"decimal(18,4)", "-12345678.9012", 18, 4},
		{"decimal(38,10)", "-1234567890123456789012345678.0123456789", 38, 10},
	} {
		in := []byte(c.in)
		b.Run(c.name+"/new", func(b *testing.B) {
			b.ReportAllocs()
			out := make([]byte, 16)
			for i := 0; i < b.N; i++ {
				d, err := parseDecimal(in, c.precision, c.scale)
				if err != nil {
					b.Fatal(err)
				}
				d.put(out)
			}
		})
		b.Run(c.name+"/big.Int", func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				u, err := refScaledDecimal(string(in), c.precision, c.scale)
				if err != nil {
					b.Fatal(err)
				}
				_ = refInt128(u)
			}
		})
	}
}

// The extractor's other per-value conversions were rewritten in the same change
// (session 17) for the same reason (CPU per row): the tests below compare them with
// the forms they replaced, kept here as references.

func refDays(t time.Time) int64 {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

func refMicrosOfDay(t time.Time) int64 {
	h, m, s := t.Clock()
	return (int64(h)*3600+int64(m)*60+int64(s))*1_000_000 + int64(t.Nanosecond()/1000)
}

func refWallMicros(t time.Time) int64 {
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	return time.Date(y, mo, d, h, mi, s, 0, time.UTC).Unix()*1_000_000 + int64(t.Nanosecond()/1000)
}

// refText is the former text of readTimeText, readTSText and readTSTZText.
func refText(t time.Time, r read, digits int) string {
	switch r {
	case readTimeText:
		s := t.Format("15:04:05")
		if digits > 0 {
			s += "." + fraction(t, digits)
		}
		return s
	case readTSText:
		return formatTimestamp(t, digits)
	}
	return formatTimestamp(t, digits) + t.Format("-07:00")
}

// TestTemporalConversions checks days, microsOfDay, wallMicros and the text layouts
// against the former forms on random instants of SQL Server's whole range (years 1
// to 9999) in the locations the driver produces (UTC, a datetimeoffset's fixed
// offset) and one with daylight saving time.
func TestTemporalConversions(t *testing.T) {
	locs := []*time.Location{time.UTC, time.FixedZone("", 14*3600), time.FixedZone("", -(12*3600 + 45*60)), time.FixedZone("", 5*3600+30*60)}
	if ny, err := time.LoadLocation("America/New_York"); err == nil {
		locs = append(locs, ny)
	}
	lo := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	hi := time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC).Unix()
	r := rand.New(rand.NewSource(17))
	instants := []time.Time{
		time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999_999_900, time.UTC),
		time.Date(1969, 12, 31, 23, 59, 59, 999_999_999, time.UTC),
		time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(1899, 12, 31, 12, 0, 0, 100, time.UTC),
	}
	for i := 0; i < 5_000; i++ {
		instants = append(instants, time.Unix(lo+r.Int63n(hi-lo), r.Int63n(1e9)))
	}
	for _, base := range instants {
		for _, loc := range locs {
			x := base.In(loc)
			if got, want := days(x), refDays(x); got != want {
				t.Fatalf("days(%v) = %d, want %d", x, got, want)
			}
			if got, want := microsOfDay(x), refMicrosOfDay(x); got != want {
				t.Fatalf("microsOfDay(%v) = %d, want %d", x, got, want)
			}
			if got, want := wallMicros(x), refWallMicros(x); got != want {
				t.Fatalf("wallMicros(%v) = %d, want %d", x, got, want)
			}
			for _, rd := range []read{readTimeText, readTSText, readTSTZText} {
				for digits := 0; digits <= 7; digits++ {
					got := string(x.AppendFormat(nil, textLayout(&colPlan{Read: rd, Digits: digits})))
					if want := refText(x, rd, digits); got != want {
						t.Fatalf("text %d of %v with %d digits: %q, want %q", rd, x, digits, got, want)
					}
				}
			}
		}
	}
}

func refTimeTextMicros(s string) (int64, error) {
	t, err := time.Parse("15:04:05.999999999", s)
	if err != nil {
		return 0, fmt.Errorf("time text %q: %w", s, err)
	}
	return refMicrosOfDay(t), nil
}

func refTimestampTextMicros(s string) (int64, error) {
	layout := "2006-01-02 15:04:05.999999999"
	if n := len(s); n >= 6 && (s[n-6] == '+' || s[n-6] == '-') && s[n-3] == ':' {
		layout += "-07:00"
	}
	t, err := time.Parse(layout, s)
	if err != nil {
		return 0, fmt.Errorf("timestamp text %q: %w", s, err)
	}
	return t.Unix()*1_000_000 + int64(t.Nanosecond()/1000), nil
}

// TestTemporalTextMicros checks the row checksum's readers of the temporal text
// (rowsum.go) against the time.Parse forms they replaced: on the extractor's own text
// of random instants at every digit count and offset, and on text that is not its
// (which must give time.Parse's verdict and message).
func TestTemporalTextMicros(t *testing.T) {
	check := func(s string) {
		t.Helper()
		got, err := timeTextMicros([]byte(s))
		want, wantErr := refTimeTextMicros(s)
		if got != want || fmt.Sprint(err) != fmt.Sprint(wantErr) {
			t.Fatalf("timeTextMicros(%q) = %d, %v; reference %d, %v", s, got, err, want, wantErr)
		}
		got, err = timestampTextMicros([]byte(s))
		want, wantErr = refTimestampTextMicros(s)
		if got != want || fmt.Sprint(err) != fmt.Sprint(wantErr) {
			t.Fatalf("timestampTextMicros(%q) = %d, %v; reference %d, %v", s, got, err, want, wantErr)
		}
	}
	for _, s := range []string{
		"00:00:00", "23:59:59.9999999", "12:34:56.1", "12:34:56.123456789", "24:00:00", "12:60:00", "12:00:60",
		"1:02:03", "12:00:00.", "12:00:00.1234567890", "12:00:00.12a", "12:00", "",
		"0001-01-01 00:00:00", "9999-12-31 23:59:59.9999999", "0000-01-01 00:00:00", "1969-12-31 23:59:59.999999999",
		"2024-02-29 12:00:00", "2023-02-29 12:00:00", "2023-04-31 00:00:00", "2023-13-01 00:00:00", "2023-00-10 00:00:00",
		"2023-01-00 00:00:00", "2023-01-01T00:00:00", "2023-01-01 24:00:00", "2023-1-01 00:00:00",
		"2023-01-01 00:00:00+14:00", "2023-01-01 00:00:00-12:45", "0001-01-01 00:00:00.0000001+14:00",
		"9999-12-31 23:59:59.9999999-14:00", "2023-01-01 00:00:00+24:00", "2023-01-01 00:00:00+23:60",
		"2023-01-01 00:00:00.5+05:30", "2023-01-01 00:00:00.+05:30", "2023-01-01 00:00:00+0530", "2023-01-01 00:00:00 +05:30",
		"2023-01-01 00:00:00.1234567890+05:30", "2023-01-01 00:00:00Z", "x023-01-01 00:00:00",
	} {
		check(s)
	}
	r := rand.New(rand.NewSource(17))
	lo := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	hi := time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC).Unix()
	for i := 0; i < 20_000; i++ {
		x := time.Unix(lo+r.Int63n(hi-lo), r.Int63n(1e9)).In(time.FixedZone("", (r.Intn(28*60+1)-14*60)*60))
		digits := r.Intn(10)
		for _, rd := range []read{readTimeText, readTSText, readTSTZText} {
			check(string(x.AppendFormat(nil, textLayout(&colPlan{Read: rd, Digits: digits}))))
		}
	}
}

func BenchmarkTimestampTextMicros(b *testing.B) {
	in := []byte("2023-06-15 12:34:56.1234567+05:30")
	b.Run("new", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := timestampTextMicros(in); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("time.Parse", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := refTimestampTextMicros(string(in)); err != nil {
				b.Fatal(err)
			}
		}
	})
}
