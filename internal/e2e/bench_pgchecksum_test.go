package e2e

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/internal/benchdata"
	"github.com/snowmigrate/snowmigrate/source"
	"github.com/snowmigrate/snowmigrate/source/postgres"
)

// BenchmarkPGChecksumSerial times PostgreSQL's checksum SQL (source.Checksummer) over
// the whole lineitem-like table as one partition, on one backend without parallel
// workers: wall time and the backend's own CPU time (utime + stime from /proc), per
// row. BenchmarkResyncSourceChecksum's one statement may get a parallel plan, or not,
// depending on the planner's estimate of the statement's cost, which changes with the
// SQL's form: this figure does not, and it is what a re-sync's many partitions, each
// one statement on a busy server, pay.
func BenchmarkPGChecksumSerial(b *testing.B) {
	rows := benchRows()
	s := newStack(b)
	s.pgExec(benchdata.LineitemSQL(rows))
	ctx := context.Background()
	cfg, err := pgxpool.ParseConfig(s.pgDSN)
	if err != nil {
		b.Fatal(err)
	}
	cfg.MaxConns = 1 // one backend, whose CPU time is read below
	cfg.ConnConfig.RuntimeParams["max_parallel_workers_per_gather"] = "0"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer pool.Close()
	var pid int
	if err := pool.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
		b.Fatal(err)
	}
	src := &postgres.Source{Pool: pool, Dialect: postgres.NewDialect()}
	tc := config.TableConfig{
		Source:                   &config.Identifier{DatabaseName: s.pgDB, SchemaName: "public", TableName: "lineitem"},
		Target:                   &config.Identifier{DatabaseName: "BENCH", SchemaName: "PUBLIC", TableName: "LINEITEM"},
		ColumnNamesToPartitionBy: []string{"l_orderkey"},
	}
	info, err := src.Introspect(ctx, tc)
	if err != nil {
		b.Fatal(err)
	}
	req := source.ExtractRequest{Table: tc, TableShape: info.TableShape}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cpu0, t0 := procCPU(b, pid), time.Now()
		_, n, err := src.ChecksumPartitionSQL(ctx, req)
		wall, cpu := time.Since(t0).Seconds(), procCPU(b, pid)-cpu0
		if err != nil || n != int64(rows) {
			b.Fatalf("source checksum: %v (%d rows)", err, n)
		}
		b.ReportMetric(wall*1e9/float64(rows), "wall_ns/row")
		b.ReportMetric(cpu*1e9/float64(rows), "backend_cpu_ns/row")
		fmt.Printf("\nlineitem, %d rows, one partition, no parallel workers: PostgreSQL checksum SQL %.2fs wall (%.0f ns/row), backend CPU %.2fs (%.0f ns/row)\n\n",
			rows, wall, wall*1e9/float64(rows), cpu, cpu*1e9/float64(rows))
	}
}

// procCPU is the user + system CPU seconds of process pid so far (/proc/<pid>/stat
// fields 14 and 15, in clock ticks of 1/100 s).
func procCPU(b *testing.B, pid int) float64 {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		b.Fatalf("backend CPU time: %v (the benchmark reads the PostgreSQL backend's /proc entry: it needs the cluster on this host)", err)
	}
	// The command name (field 2) is in parentheses and may hold blanks: count from the
	// last ')', after which field 3 starts.
	f := strings.Fields(string(raw[strings.LastIndexByte(string(raw), ')')+1:]))
	if len(f) < 13 {
		b.Fatalf("backend CPU time: unexpected /proc/%d/stat %q", pid, raw)
	}
	utime, err1 := strconv.ParseFloat(f[11], 64)
	stime, err2 := strconv.ParseFloat(f[12], 64)
	if err1 != nil || err2 != nil {
		b.Fatalf("backend CPU time: unexpected /proc/%d/stat %q", pid, raw)
	}
	return (utime + stime) / 100
}
