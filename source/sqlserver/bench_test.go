package sqlserver

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	mssql "github.com/microsoft/go-mssqldb"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
)

// BenchmarkExtract measures Extract (one partition, the whole table, into Parquet)
// against a plain go-mssqldb scan of the same rows into discard, in the same run:
// BENCH_ROWS rows (default 100,000) of a 10-column table. extract-peak-RSS-MiB is the
// benchmark process's peak resident memory while Extract runs (Linux: the high-water
// mark is reset through /proc/self/clear_refs first), which is the source worker's
// extraction path without its Temporal client. scan-cpu-ns/row and extract-cpu-ns/row
// are the CPU time (user + system, every thread of the benchmark process: driver,
// conversion, Parquet encoding, checksum, GC) each spends per row, from getrusage
// around each: unlike the rates they hardly move when other processes compete for the
// cores, so they compare runs on a busy machine. The local SQL Server runs in its own
// process and is not counted there: scan-server-cpu-ns/row and extract-server-cpu-ns/row
// are its CPU time per row while each runs (Linux: /proc, 10 ms resolution), the share
// of the two cores the client cannot have.
//
//	go test ./source/sqlserver -run X -bench Extract -benchtime 1x
func BenchmarkExtract(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("BENCH_ROWS")); err == nil && v > 0 {
		n = v
	}
	s, db := newDB(b, "CREATE TABLE dbo.bench (id bigint NOT NULL PRIMARY KEY, a int, b bigint, c decimal(18,4), d float, e nvarchar(40), f varchar(20), g datetime2(6), h date, i bit)")
	ctx := ctxT(b)
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	stmt, err := tx.PrepareContext(ctx, mssql.CopyIn("dbo.bench", mssql.BulkOptions{}, "id", "a", "b", "c", "d", "e", "f", "g", "h", "i"))
	if err != nil {
		b.Fatal(err)
	}
	base := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		if _, err := stmt.ExecContext(ctx, int64(i), int32(i%1000), int64(i)*1000, fmt.Sprintf("%d.%04d", i, i%10000), float64(i)/3,
			fmt.Sprintf("name %d ü", i), fmt.Sprintf("v%d", i%97), base.Add(time.Duration(i)*time.Second), base.AddDate(0, 0, i%3000), i%2 == 0); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		b.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	tc := tableConfig("bench", "id")
	info, err := s.Introspect(ctx, tc)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for it := 0; it < b.N; it++ {
		cpu0, srv0 := processCPU(b), childrenCPU()
		start := time.Now()
		rows, err := db.QueryContext(ctx, "SELECT id, a, b, c, d, e, f, g, h, i FROM dbo.bench")
		if err != nil {
			b.Fatal(err)
		}
		vals := make([]any, 10)
		ptrs := make([]any, 10)
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		got := 0
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				b.Fatal(err)
			}
			got++
		}
		rows.Close()
		scan := time.Since(start)
		scanCPU, scanSrv := processCPU(b)-cpu0, childrenCPU()-srv0

		dir := filepath.Join(b.TempDir(), fmt.Sprint(it))
		if err := os.Mkdir(dir, 0o700); err != nil {
			b.Fatal(err)
		}
		resetPeakRSS()
		cpu0, srv0 = processCPU(b), childrenCPU()
		start = time.Now()
		st, err := s.Extract(ctx, source.ExtractRequest{Table: tc, TableShape: info.TableShape, Partition: migration.Partition{Number: 1}}, dir, nil)
		if err != nil {
			b.Fatal(err)
		}
		ext := time.Since(start)
		extCPU, extSrv := processCPU(b)-cpu0, childrenCPU()-srv0
		if st.Rows != int64(n) || got != n {
			b.Fatalf("rows: extract %d, scan %d, want %d", st.Rows, got, n)
		}
		b.ReportMetric(float64(n)/scan.Seconds(), "scan-rows/s")
		b.ReportMetric(float64(n)/ext.Seconds(), "extract-rows/s")
		b.ReportMetric(scan.Seconds()/ext.Seconds(), "extract/scan")
		b.ReportMetric(float64(scanCPU.Nanoseconds())/float64(n), "scan-cpu-ns/row")
		b.ReportMetric(float64(extCPU.Nanoseconds())/float64(n), "extract-cpu-ns/row")
		if scanSrv > 0 && extSrv > 0 {
			b.ReportMetric(float64(scanSrv.Nanoseconds())/float64(n), "scan-server-cpu-ns/row")
			b.ReportMetric(float64(extSrv.Nanoseconds())/float64(n), "extract-server-cpu-ns/row")
		}
		if mib := peakRSSMiB(); mib > 0 {
			b.ReportMetric(mib, "extract-peak-RSS-MiB")
		}
	}
}

// processCPU is the CPU time (user + system) the process has used so far.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatalf("getrusage: %v", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// childrenCPU is the CPU time (user + system) the process's running children have
// used so far, the local SQL Server among them: /proc/<pid>/stat of every process
// whose parent is this one, in clock ticks of 10 ms (Linux's USER_HZ). 0 when /proc
// is not there.
func childrenCPU() time.Duration {
	self := os.Getpid()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	var ticks int64
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		data, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue // gone meanwhile
		}
		// Fields after the command (which may hold spaces) in parentheses: state,
		// ppid, …, utime and stime are the 12th and 13th after the state.
		i := strings.LastIndexByte(string(data), ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(data[i+1:]))
		if len(f) < 13 {
			continue
		}
		if ppid, _ := strconv.Atoi(f[1]); ppid != self {
			continue
		}
		ut, _ := strconv.ParseInt(f[11], 10, 64)
		st, _ := strconv.ParseInt(f[12], 10, 64)
		ticks += ut + st
	}
	return time.Duration(ticks) * 10 * time.Millisecond
}

// resetPeakRSS resets the process's resident-memory high-water mark (VmHWM), Linux 4.0+.
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSSMiB reads VmHWM from /proc/self/status (0 when unavailable).
func peakRSSMiB() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}
