package sqlserver

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
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
// extraction path without its Temporal client.
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

		dir := filepath.Join(b.TempDir(), fmt.Sprint(it))
		if err := os.Mkdir(dir, 0o700); err != nil {
			b.Fatal(err)
		}
		resetPeakRSS()
		start = time.Now()
		st, err := s.Extract(ctx, source.ExtractRequest{Table: tc, TableShape: info.TableShape, Partition: migration.Partition{Number: 1}}, dir, nil)
		if err != nil {
			b.Fatal(err)
		}
		ext := time.Since(start)
		if st.Rows != int64(n) || got != n {
			b.Fatalf("rows: extract %d, scan %d, want %d", st.Rows, got, n)
		}
		b.ReportMetric(float64(n)/scan.Seconds(), "scan-rows/s")
		b.ReportMetric(float64(n)/ext.Seconds(), "extract-rows/s")
		b.ReportMetric(scan.Seconds()/ext.Seconds(), "extract/scan")
		if mib := peakRSSMiB(); mib > 0 {
			b.ReportMetric(mib, "extract-peak-RSS-MiB")
		}
	}
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
