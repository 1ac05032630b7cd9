package postgres

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/internal/benchdata"
	"github.com/snowmigrate/snowmigrate/migration"
)

// BenchmarkChecksumMethods times the source checksum of the whole lineitem table as
// one partition both ways, and Extract for reference, on one backend without parallel
// workers: wall time, the backend's CPU time (/proc/<pid>/stat) and this process's
// CPU time (the worker's share: decoding and summing, or only waiting), per row. The
// methods alternate round by round (BENCH_ROUNDS, default 2) and the best round of
// each is reported: the machine is shared and noisy, and alternating gives every
// method the same conditions.
func BenchmarkChecksumMethods(b *testing.B) {
	rows := benchRows()
	start := time.Now()
	s, setup := newTestSource(b, benchdata.LineitemSQL(rows), "VACUUM ANALYZE lineitem")
	b.Logf("generated %d rows in %v", rows, time.Since(start).Round(time.Millisecond))
	ctx := ctxT(b)
	cfg := setup.Config().Copy()
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
	s.Pool = pool
	tc := tableConfig("lineitem", "l_orderkey")
	info, err := s.Introspect(ctx, tc)
	if err != nil {
		b.Fatal(err)
	}
	req := extractRequest(info, tc, migration.Partition{Number: 1})
	rounds := 2
	if v, err := strconv.Atoi(os.Getenv("BENCH_ROUNDS")); err == nil && v > 0 {
		rounds = v
	}
	type best struct{ wall, backend, worker float64 }
	methods := []string{"stream", "sql", "extract"}
	res := map[string]*best{}
	for _, m := range methods {
		res[m] = &best{math.Inf(1), math.Inf(1), math.Inf(1)}
	}
	sums := map[string]string{}
	b.ResetTimer()
	for i := 0; i < b.N*rounds; i++ {
		for _, m := range methods {
			src := *s
			if m == "sql" {
				src.ChecksumMethod = config.ChecksumMethodSQL
			}
			dir := filepath.Join(b.TempDir(), "p")
			if err := os.MkdirAll(dir, 0o700); err != nil {
				b.Fatal(err)
			}
			back0, work0, t0 := backendCPU(b, pid), cpuSeconds(), time.Now()
			var sum string
			var n int64
			if m == "extract" {
				st, e := src.Extract(ctx, req, dir, nil)
				sum, n, err = st.Checksum, st.Rows, e
			} else {
				sum, n, err = src.ChecksumPartition(ctx, req)
			}
			wall, work, back := time.Since(t0).Seconds(), cpuSeconds()-work0, backendCPU(b, pid)-back0
			_ = os.RemoveAll(dir)
			if err != nil || n != int64(rows) {
				b.Fatalf("%s: %v (%d rows)", m, err, n)
			}
			sums[m] = sum
			r := res[m]
			r.wall, r.backend, r.worker = min(r.wall, wall), min(r.backend, back), min(r.worker, work)
		}
		if sums["stream"] != sums["sql"] || sums["stream"] != sums["extract"] {
			b.Fatalf("checksums differ: stream %s, sql %s, extract %s", sums["stream"], sums["sql"], sums["extract"])
		}
	}
	b.StopTimer()
	for _, m := range methods {
		r := res[m]
		per := func(sec float64) float64 { return sec * 1e9 / float64(rows) }
		b.ReportMetric(per(r.wall), m+"_wall_ns/row")
		b.ReportMetric(per(r.backend), m+"_backend_cpu_ns/row")
		b.ReportMetric(per(r.worker), m+"_worker_cpu_ns/row")
		fmt.Printf("lineitem %d rows, %-7s wall %.2fs (%4.0f ns/row), backend CPU %.2fs (%4.0f ns/row), worker CPU %.2fs (%4.0f ns/row)\n",
			rows, m, r.wall, per(r.wall), r.backend, per(r.backend), r.worker, per(r.worker))
	}
}

// backendCPU is the user + system CPU seconds of process pid so far (/proc/<pid>/stat
// fields 14 and 15, in clock ticks of 1/100 s); the cluster runs on this host.
func backendCPU(b *testing.B, pid int) float64 {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		b.Fatalf("backend CPU time: %v", err)
	}
	// The command name (field 2) is in parentheses and may hold blanks.
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
