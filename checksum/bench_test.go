package checksum

import (
	"bytes"
	"crypto/md5"
	"math"
	"math/rand"
	"strconv"
	"syscall"
	"testing"
)

// cpuPerOp reports the process CPU time per operation (user and system) when the
// returned function is called at the end of the benchmark: on a machine shared with
// other work, wall time per op measures the load as much as the code.
func cpuPerOp(b *testing.B) func() {
	cpu := func() int64 {
		var r syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &r); err != nil {
			return 0
		}
		return r.Utime.Nano() + r.Stime.Nano()
	}
	b.ResetTimer()
	c0 := cpu()
	return func() { b.ReportMetric(float64(cpu()-c0)/float64(b.N), "cpu-ns/op") }
}

// The reference texts: the straightforward formatting the canonical text was first
// written with (strconv and a civil-date conversion per value). The fast paths in
// text.go must produce exactly the same bytes; TestFastTextsMatchReference compares
// them over random and edge values of every kind.

func refDecimal(v int64, scale int) string {
	neg := v < 0
	u := uint64(v)
	if neg {
		u = -u
	}
	digits := strconv.FormatUint(u, 10)
	s := ""
	if neg {
		s = "-"
	}
	if scale <= 0 {
		return s + digits
	}
	if len(digits) <= scale {
		return s + "0." + string(bytes.Repeat([]byte("0"), scale-len(digits))) + digits
	}
	return s + digits[:len(digits)-scale] + "." + digits[len(digits)-scale:]
}

func refPad(v int64, width int) string {
	s := ""
	if v < 0 {
		s, v = "-", -v
	}
	d := strconv.FormatInt(v, 10)
	for len(d) < width {
		d = "0" + d
	}
	return s + d
}

func refDate(days int64) string {
	y, m, d := civil(days)
	return refPad(y, 4) + "-" + refPad(m, 2) + "-" + refPad(d, 2)
}

func refTime(micros int64) string {
	s := micros / 1_000_000
	return refPad(s/3600, 2) + ":" + refPad(s/60%60, 2) + ":" + refPad(s%60, 2) + "." + refPad(micros%1_000_000, 6)
}

func refTimestamp(micros int64) string {
	days := micros / microsPerDay
	rem := micros % microsPerDay
	if rem < 0 {
		days--
		rem += microsPerDay
	}
	return refDate(days) + " " + refTime(rem)
}

func refText(s []byte) string {
	var out []byte
	for _, c := range s {
		switch c {
		case '\\':
			out = append(out, '\\', '\\')
		case '|':
			out = append(out, '\\', '|')
		default:
			out = append(out, c)
		}
	}
	return string(out)
}

func TestFastTextsMatchReference(t *testing.T) {
	rng := rand.New(rand.NewSource(11))
	ints := []int64{0, 1, -1, 9, 10, -10, 99, 100, 12345, -12345, math.MaxInt64, math.MinInt64, math.MaxInt64 - 1, math.MinInt64 + 1, 1e18, -1e18}
	for i := 0; i < 20000; i++ {
		ints = append(ints, rng.Int63()>>uint(rng.Intn(63)), -(rng.Int63() >> uint(rng.Intn(63))))
	}
	for _, v := range ints {
		for _, scale := range []int{0, 1, 2, 3, 6, 9, 18, 19, 20, 25, 37, -1} {
			if got, want := string(AppendDecimal([]byte("x"), v, scale)), "x"+refDecimal(v, scale); got != want {
				t.Fatalf("AppendDecimal(%d, %d) = %q, want %q", v, scale, got, want)
			}
		}
	}
	days := []int64{0, -1, 1, -719162, -719163, 2932896, 2932897, -800000, 4000000, 19782, -3652425, 1 << 30, -(1 << 30)}
	for i := 0; i < 50000; i++ {
		days = append(days, rng.Int63n(2932896+719163+200000)-719163-100000)
	}
	for _, d := range days {
		if got, want := string(AppendDate([]byte("x"), d)), "x"+refDate(d); got != want {
			t.Fatalf("AppendDate(%d) = %q, want %q", d, got, want)
		}
	}
	micros := []int64{0, -1, 1, microsPerDay - 1, microsPerDay, -microsPerDay, math.MaxInt64, math.MinInt64, -62135596800000000, 253402300799999999}
	for i := 0; i < 50000; i++ {
		micros = append(micros, rng.Int63n(253402300800000000+62135596800000000)-62135596800000000, rng.Int63()-rng.Int63())
	}
	for _, us := range micros {
		if got, want := string(AppendTimestamp([]byte("x"), us)), "x"+refTimestamp(us); got != want {
			t.Fatalf("AppendTimestamp(%d) = %q, want %q", us, got, want)
		}
		if us >= 0 && us < microsPerDay {
			if got, want := string(AppendTime([]byte("x"), us)), "x"+refTime(us); got != want {
				t.Fatalf("AppendTime(%d) = %q, want %q", us, got, want)
			}
		}
	}
	for _, us := range []int64{0, 1, microsPerDay - 1, 45_296_000_123, -1, microsPerDay, 3 * microsPerDay, -5 * microsPerDay} {
		if got, want := string(AppendTime([]byte("x"), us)), "x"+refTime(us); got != want {
			t.Fatalf("AppendTime(%d) = %q, want %q", us, got, want)
		}
	}
	alphabet := []byte("ab|\\N \x00é")
	for i := 0; i < 20000; i++ {
		s := make([]byte, rng.Intn(80))
		for k := range s {
			s[k] = alphabet[rng.Intn(len(alphabet))]
		}
		if got, want := string(AppendText([]byte("x"), s)), "x"+refText(s); got != want {
			t.Fatalf("AppendText(%q) = %q, want %q", s, got, want)
		}
	}
}

// lineitemRow adds one row shaped like the benchmark's lineitem table (internal/benchdata).
func lineitemRow(r *Row, i int64, comment []byte) {
	r.Reset()
	r.Int(i/4 + 1)
	r.Int(i*7919%200000 + 1)
	r.Int(i*104729%10000 + 1)
	r.Int(i%4 + 1)
	r.Decimal((i%50+1)*100, 2)
	r.Decimal(i*7919%10000000+90000, 2)
	r.Decimal(i%11, 2)
	r.Decimal(i%9, 2)
	r.Text([]byte("N"))
	r.Text([]byte("O"))
	r.Date(8036 + i%2500)
	r.Date(8065 + i%2500)
	r.Date(8037 + i%2530)
	r.Text([]byte("DELIVER IN PERSON        "))
	r.Text([]byte("TRUCK     "))
	r.Text(comment)
}

// BenchmarkLineitemRow is the checksum's cost per lineitem row: the row text, its MD5
// and the sums (ns/op is ns per row).
func BenchmarkLineitemRow(b *testing.B) {
	var s Sum
	var r Row
	comment := []byte("0f3c9a1e carefully final deposits")
	b.ReportAllocs()
	defer cpuPerOp(b)()
	for i := 0; i < b.N; i++ {
		lineitemRow(&r, int64(i), comment)
		s.AddRow(&r)
	}
}

// BenchmarkLineitemText is the row text alone (no MD5).
func BenchmarkLineitemText(b *testing.B) {
	var r Row
	comment := []byte("0f3c9a1e carefully final deposits")
	b.ReportAllocs()
	defer cpuPerOp(b)()
	for i := 0; i < b.N; i++ {
		lineitemRow(&r, int64(i), comment)
	}
}

// BenchmarkMD5LineitemRow is the MD5 of one lineitem row text (about 130 bytes).
func BenchmarkMD5LineitemRow(b *testing.B) {
	var r Row
	lineitemRow(&r, 123456, []byte("0f3c9a1e carefully final deposits"))
	b.SetBytes(int64(len(r.Bytes())))
	defer cpuPerOp(b)()
	for i := 0; i < b.N; i++ {
		_ = md5.Sum(r.Bytes())
	}
}

func BenchmarkAppendDecimal(b *testing.B) {
	buf := make([]byte, 0, 64)
	defer cpuPerOp(b)()
	for i := 0; i < b.N; i++ {
		buf = AppendDecimal(buf[:0], int64(i)*7919%10000000+90000, 2)
	}
}

func BenchmarkAppendDate(b *testing.B) {
	buf := make([]byte, 0, 64)
	defer cpuPerOp(b)()
	for i := 0; i < b.N; i++ {
		buf = AppendDate(buf[:0], 8036+int64(i%2500))
	}
}

func BenchmarkAppendTimestamp(b *testing.B) {
	buf := make([]byte, 0, 64)
	defer cpuPerOp(b)()
	for i := 0; i < b.N; i++ {
		buf = AppendTimestamp(buf[:0], 1706695200000000+int64(i)*1_000_003)
	}
}
