package postgres

import (
	"bufio"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/snowmigrate/snowmigrate/internal/benchdata"
	"github.com/snowmigrate/snowmigrate/migration"
)

// benchRows is the size of the generated lineitem table (BENCH_ROWS overrides).
func benchRows() int {
	if v, err := strconv.Atoi(os.Getenv("BENCH_ROWS")); err == nil && v > 0 {
		return v
	}
	return 2_000_000
}

// BenchmarkExtractLineitem measures, in one run, PostgreSQL's own COPY … TO STDOUT
// into io.Discard (the baseline) and extraction of the whole table as one partition
// into Parquet, and reports rows/s of both, their ratio and the peak RSS of the
// process during extraction (VmHWM after resetting it through clear_refs).
func BenchmarkExtractLineitem(b *testing.B) {
	rows := benchRows()
	start := time.Now()
	s, pool := newTestSource(b, benchdata.LineitemSQL(rows))
	b.Logf("generated %d rows in %v", rows, time.Since(start).Round(time.Millisecond))
	ctx := ctxT(b)
	tc := tableConfig("lineitem", "l_orderkey")
	info, err := s.Introspect(ctx, tc)
	if err != nil {
		b.Fatal(err)
	}
	rounds := 2
	if v, err := strconv.Atoi(os.Getenv("BENCH_ROUNDS")); err == nil && v > 0 {
		rounds = v
	}
	b.ResetTimer()
	// The machine is shared and noisy: baseline and extraction alternate, and the
	// best round of each is reported (both see the same conditions).
	copySec, extractSec, cpuSec := math.Inf(1), math.Inf(1), math.Inf(1)
	var peak int64
	for i := 0; i < b.N*rounds; i++ {
		conn, err := pool.Acquire(ctx)
		if err != nil {
			b.Fatal(err)
		}
		t0 := time.Now()
		tag, err := conn.Conn().PgConn().CopyTo(ctx, io.Discard, "COPY (SELECT * FROM lineitem) TO STDOUT")
		copySec = min(copySec, time.Since(t0).Seconds())
		conn.Release()
		if err != nil || tag.RowsAffected() != int64(rows) {
			b.Fatalf("baseline copy: %v (%d rows)", err, tag.RowsAffected())
		}

		runtime.GC()
		resetPeakRSS()
		dir := filepath.Join(b.TempDir(), "p")
		if err := os.MkdirAll(dir, 0o700); err != nil {
			b.Fatal(err)
		}
		t0 = time.Now()
		cpu0 := cpuSeconds()
		st, err := s.Extract(ctx, extractRequest(info, tc, migration.Partition{Number: 1}), dir, nil)
		extractSec = min(extractSec, time.Since(t0).Seconds())
		cpuSec = min(cpuSec, cpuSeconds()-cpu0)
		if err != nil {
			b.Fatal(err)
		}
		if st.Rows != int64(rows) {
			b.Fatalf("extracted %d rows, want %d", st.Rows, rows)
		}
		peak = max(peak, peakRSS())
		if i == 0 {
			b.Logf("extract: %d files, %.1f MiB of Parquet", len(st.Files), float64(st.Bytes)/(1<<20))
		}
		_ = os.RemoveAll(dir)
	}
	b.ReportMetric(float64(rows)/copySec, "copy_rows/s")
	b.ReportMetric(float64(rows)/extractSec, "extract_rows/s")
	b.ReportMetric(copySec/extractSec, "ratio")
	b.ReportMetric(float64(peak)/(1<<20), "peak_rss_MiB")
	// CPU the extractor itself spends per million rows (user+system, all goroutines):
	// what it costs next to the server on a shared machine.
	b.ReportMetric(cpuSec/float64(rows)*1e6, "client_cpu_s/Mrows")
}

func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// resetPeakRSS resets VmHWM (Linux: writing 5 to clear_refs).
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSS reads VmHWM in bytes.
func peakRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
