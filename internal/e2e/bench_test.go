package e2e

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	enumspb "go.temporal.io/api/enums/v1"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/internal/benchdata"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/snowflake"
	"github.com/snowmigrate/snowmigrate/source"
	"github.com/snowmigrate/snowmigrate/source/postgres"
	"github.com/snowmigrate/snowmigrate/workflows"
)

// benchPairs is how many migrations of each kind (with and without the checksum) the
// benchmark runs: BENCH_PAIRS, default 2.
func benchPairs() int {
	if v, err := strconv.Atoi(os.Getenv("BENCH_PAIRS")); err == nil && v > 0 {
		return v
	}
	return 2
}

func benchRows() int {
	if v, err := strconv.Atoi(os.Getenv("BENCH_ROWS")); err == nil && v > 0 {
		return v
	}
	return 2_000_000
}

// benchNoChecksumEnv is parquetx's internal switch (source/parquetx/checksum.go): set
// in a source worker's environment, its extractor computes no value checksum, so the
// partitions are proven by row count only. Only this benchmark sets it, to measure
// what the checksum costs.
const benchNoChecksumEnv = "SNOWMIGRATE_INTERNAL_BENCH_NO_CHECKSUM"

// BenchmarkMigrateLineitem prints, from one run over the same generated table:
// PostgreSQL's own COPY … TO STDOUT (the baseline), extraction to Parquet alone with and
// without the value checksum, the whole migration through Temporal, the workers and the
// emulator with and without the checksum (BENCH_PAIRS of each, alternating; the fastest
// of each kind counts), the source worker's peak RSS, and the checksum's share of
// end-to-end time. Run it with `make bench` (-benchtime 1x).
func BenchmarkMigrateLineitem(b *testing.B) {
	rows := benchRows()
	s := newStack(b)
	t0 := time.Now()
	s.pgExec(benchdata.LineitemSQL(rows))
	b.Logf("generated %d rows in %s", rows, time.Since(t0).Round(time.Millisecond))
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, s.pgDSN)
	if err != nil {
		b.Fatal(err)
	}
	defer pool.Close()

	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// 1. Baseline: the server's own COPY to nowhere.
		conn, err := pool.Acquire(ctx)
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		tag, err := conn.Conn().PgConn().CopyTo(ctx, io.Discard, "COPY (SELECT * FROM lineitem) TO STDOUT")
		copySec := time.Since(t1).Seconds()
		conn.Release()
		if err != nil || tag.RowsAffected() != int64(rows) {
			b.Fatalf("baseline COPY: %v (%d rows)", err, tag.RowsAffected())
		}

		// 2. Extraction alone: the whole table as one partition into Parquet files, in
		// this process (its CPU time is the extractor's), with and without the checksum.
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
		extract := func(name string, checksummed bool) (sec, cpuSec float64, sum string) {
			if !checksummed {
				b.Setenv(benchNoChecksumEnv, "1")
				defer os.Unsetenv(benchNoChecksumEnv)
			}
			dir := filepath.Join(s.dir, fmt.Sprintf("extract-%s-%d", name, i))
			if err := os.MkdirAll(dir, 0o700); err != nil {
				b.Fatal(err)
			}
			defer os.RemoveAll(dir)
			c0, t := processCPU(), time.Now()
			st, err := src.Extract(ctx, source.ExtractRequest{Table: tc, TableShape: info.TableShape}, dir, nil)
			sec, cpuSec = time.Since(t).Seconds(), processCPU()-c0
			if err != nil || st.Rows != int64(rows) {
				b.Fatalf("extract (%s): %v (%d rows)", name, err, st.Rows)
			}
			return sec, cpuSec, st.Checksum
		}
		extractSec, extractCPU, sum := extract("checksum", true)
		if sum == "" {
			b.Fatal("the extractor reported no checksum")
		}
		extractNoSec, extractNoCPU, sumOff := extract("no-checksum", false)
		// The dialect must report no checksum when the FileSet computed none; otherwise
		// a migration without the checksum would fail its verification.
		canSkip := sumOff == ""

		// 3. End to end: a real migration, partitions of 250,000 rows, one source worker;
		// and the same without the checksum, each into its own target table. Migrations
		// with and without alternate (with, without, without, with, …: a load that
		// drifts during the run hits both alike) and the faster of each kind counts:
		// other work on the machine only ever adds time.
		if i == 0 {
			s.startOrchestrator()
		}
		var with, without *benchRun
		var e2eWith, e2eWithout []string
		pairs := benchPairs()
		for k := 0; k < 2*pairs; k++ {
			checksummed := k%4 == 0 || k%4 == 3
			if !checksummed && !canSkip {
				continue
			}
			if checksummed {
				r := s.benchMigration(b, fmt.Sprintf("Bench%dRun%d", i, k), fmt.Sprintf("lineitem_%d", k), nil)
				e2eWith = append(e2eWith, fmt.Sprintf("%.2fs", r.e2eSec))
				if with == nil || r.e2eSec < with.e2eSec {
					with = r
				}
				continue
			}
			r := s.benchMigration(b, fmt.Sprintf("BenchNoChecksum%dRun%d", i, k), fmt.Sprintf("lineitem_%d", k), []string{benchNoChecksumEnv + "=1"})
			e2eWithout = append(e2eWithout, fmt.Sprintf("%.2fs", r.e2eSec))
			if without == nil || r.e2eSec < without.e2eSec {
				without = r
			}
		}

		// 4. The checksum SQL itself on the local Snowflake, over the whole table, against
		// the count query VerifyPartition runs without it (one statement each, nothing
		// else running).
		target := migration.TableRef{Database: "BENCH", Schema: "PUBLIC", Table: "LINEITEM_0"}
		countQ, err := snowflake.CountRangeSQL(target, info.Columns, info.PartitionBy, migration.Partition{})
		if err != nil {
			b.Fatal(err)
		}
		sumQ, err := snowflake.ChecksumRangeSQL(target, info.Columns, info.PartitionBy, migration.Partition{})
		if err != nil {
			b.Fatal(err)
		}
		countSQLSec := s.timeSF(b, countQ)
		sumSQLSec := s.timeSF(b, sumQ)

		r := float64(rows)
		b.ReportMetric(r/copySec, "copy_rows/s")
		b.ReportMetric(r/extractSec, "extract_rows/s")
		b.ReportMetric(copySec/extractSec, "extract/copy")
		b.ReportMetric(r/with.e2eSec, "e2e_rows/s")
		b.ReportMetric(copySec/with.e2eSec, "e2e/copy")
		b.ReportMetric(r/with.wfSec, "workflow_rows/s")
		b.ReportMetric(float64(with.peakMiB), "worker_peak_MiB")
		b.ReportMetric(extractCPU*1e9/r, "extract_cpu_ns/row")
		b.ReportMetric(extractNoCPU*1e9/r, "extract_nochecksum_cpu_ns/row")
		fmt.Printf("\n%-50s %12s %10s\n", fmt.Sprintf("lineitem, %d rows", rows), "rows/s", "× COPY")
		fmt.Printf("%-50s %12.0f %10s\n", "PostgreSQL COPY … TO STDOUT (baseline)", r/copySec, "1.00")
		fmt.Printf("%-50s %12.0f %10.2f   (target ≥ 0.50)\n", "extraction to Parquet (zstd)", r/extractSec, copySec/extractSec)
		fmt.Printf("%-50s %12.0f %10.2f\n", "  the same without the value checksum", r/extractNoSec, copySec/extractNoSec)
		fmt.Printf("%-50s %12.0f %10.2f   (target ≥ 0.25)\n", "end to end (Temporal + PUT + COPY + verify)", r/with.e2eSec, copySec/with.e2eSec)
		fmt.Printf("%-50s %12.0f %10.2f   (workflow start to close, no CLI polling)\n", "  the migration workflow alone", r/with.wfSec, copySec/with.wfSec)
		if without != nil {
			fmt.Printf("%-50s %12.0f %10.2f\n", "  end to end without the value checksum", r/without.e2eSec, copySec/without.e2eSec)
		}
		fmt.Printf("%-50s %9d MiB              (target ≤ 300)\n", "source worker peak RSS (VmHWM)", with.peakMiB)
		fmt.Printf("time in the table's activities (scheduled → closed, summed over partitions): %s\n", with.breakdown)
		if without != nil {
			fmt.Printf("  without the value checksum: %s\n", without.breakdown)
		}
		fmt.Printf("value checksum (docs/checksums.md), %d CPUs:\n", runtime.NumCPU())
		fmt.Printf("  extractor CPU per row: %.0f ns with, %.0f ns without (checksum %.0f ns/row)\n",
			extractCPU*1e9/r, extractNoCPU*1e9/r, (extractCPU-extractNoCPU)*1e9/r)
		fmt.Printf("  local Snowflake, whole table in one statement: checksum %.2fs, count %.2fs (%.0f ns/row for the checksum)\n",
			sumSQLSec, countSQLSec, (sumSQLSec-countSQLSec)*1e9/r)
		if without != nil {
			verifyWith, verifyWithout := with.activity[snowflakeapi.VerifyPartitionName], without.activity[snowflakeapi.VerifyPartitionName]
			share := (with.e2eSec - without.e2eSec) / with.e2eSec
			b.ReportMetric(100*share, "checksum_share_%")
			fmt.Printf("  VerifyPartition, summed over partitions: %.2fs with, %.2fs without\n", verifyWith.Seconds(), verifyWithout.Seconds())
			fmt.Printf("  share of end-to-end time: %.1f %% (fastest of %s with, of %s without)   (target < 10 %%)\n",
				100*share, strings.Join(e2eWith, ", "), strings.Join(e2eWithout, ", "))
			// On Snowflake the target's checksum statement runs on the warehouse, not on
			// these cores; the extractor's part is what stays on the source side. An
			// estimate (its extra CPU spread over the cores), printed beside the measured
			// share, never instead of it.
			fmt.Printf("  of which the extractor's part, estimated (its extra CPU over %d cores): %.1f %%\n\n",
				runtime.NumCPU(), 100*(extractCPU-extractNoCPU)/float64(runtime.NumCPU())/with.e2eSec)
		} else {
			// Without a run that skips the checksum, its share is estimated from its two
			// parts: the extractor's extra CPU spread over the cores (it competes with
			// everything else on a machine this benchmark saturates) and the local
			// Snowflake's extra time for the checksum statement over the same rows. It is
			// an upper bound: in a migration part of that time overlaps other work (one
			// run measured 16 % with and without, where this gave 28 %).
			est := ((extractCPU-extractNoCPU)/float64(runtime.NumCPU()) + (sumSQLSec - countSQLSec)) / with.e2eSec
			b.ReportMetric(100*est, "checksum_share_est_%")
			fmt.Printf("  VerifyPartition, summed over partitions: %.2fs\n", with.activity[snowflakeapi.VerifyPartitionName].Seconds())
			fmt.Printf("  share of end-to-end time, estimated from its parts: at most %.1f %%   (target < 10 %%)\n", 100*est)
			fmt.Printf("  (no migration without the checksum: the PostgreSQL extractor reports a checksum even when the FileSet computed none;\n" +
				"  source/postgres/extract.go must set stats.Checksum only when fs.Checksummed())\n\n")
		}
	}
}

// benchRun is one migration's figures.
type benchRun struct {
	e2eSec, wfSec float64
	peakMiB       int64
	breakdown     string
	activity      map[string]time.Duration
}

// benchMigration migrates lineitem into BENCH.PUBLIC.<table> with a fresh source worker
// (2 parallel tasks, extra environment env) and returns its figures; the worker is
// stopped before it returns, so the next run has the queue to itself.
func (s *stack) benchMigration(b *testing.B, name, table string, env []string) *benchRun {
	cfg := s.writeConfig(name+".json", fmt.Sprintf(`{
  "tables": [ { "source": { "databaseName": %q, "schemaName": "public", "tableName": "lineitem" },
                "target": { "databaseName": "BENCH", "schemaName": "PUBLIC", "tableName": %q },
                "columnNamesToPartitionBy": ["l_orderkey"], "partitionSize": { "maxRowsPerPartition": 250000 } } ] }`, s.pgDB, table))
	worker, exited := spawn(b, append(append([]string{}, s.env...), env...), filepath.Join(s.dir, name+"-worker.log"),
		"workers", "source", "--config", s.workerTOML(strings.ToLower(name), 2), "--task-queue-base", s.queue)
	s.procs = append(s.procs, worker)
	t := time.Now()
	if out, code := s.starter(time.Minute, "create-data-migration-workflow", cfg, "--name", name,
		"--connection-name", s.emu.ConnectionName(), "--source-platform", "postgresql", "--task-queue-base", s.queue); code != 0 {
		b.Fatalf("create %s: %s", name, out)
	}
	if out, code := s.starter(60*time.Minute, "watch", name); code != 0 {
		b.Fatalf("watch %s: exit %d: %s", name, code, out)
	}
	run := &benchRun{e2eSec: time.Since(t).Seconds()}
	run.wfSec, run.breakdown, run.activity = s.workflowTimes(b, name, s.pgDB+".public.lineitem")
	run.peakMiB = vmHWM(worker.Process.Pid) / 1024
	stopWorker(worker, exited)
	rows := benchRows()
	if n := s.sfInt("SELECT COUNT(*) FROM BENCH.PUBLIC." + strings.ToUpper(table)); n != int64(rows) {
		b.Fatalf("%s: target has %d rows, want %d", name, n, rows)
	}
	return run
}

// stopWorker stops a source worker and waits (bounded) until it has exited.
func stopWorker(cmd *exec.Cmd, exited <-chan struct{}) {
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		<-exited
	}
}

// timeSF runs one statement on the local Snowflake and returns its duration.
func (s *stack) timeSF(b *testing.B, q string) float64 {
	db := s.sf()
	t := time.Now()
	rows, err := db.Query(q)
	if err != nil {
		b.Fatalf("%s: %v", q, err)
	}
	for rows.Next() {
	}
	if err := rows.Err(); err != nil {
		b.Fatalf("%s: %v", q, err)
	}
	rows.Close()
	return time.Since(t).Seconds()
}

// processCPU is this process's CPU time (user and system) in seconds.
func processCPU() float64 {
	var r syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &r); err != nil {
		return 0
	}
	return float64(r.Utime.Nano()+r.Stime.Nano()) / 1e9
}

// vmHWM reads a process's peak resident set size in KiB from /proc.
func vmHWM(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			f := strings.Fields(line)
			if len(f) >= 2 {
				n, _ := strconv.ParseInt(f[1], 10, 64)
				return n
			}
		}
	}
	return -1
}

// workflowTimes returns the migration workflow's own duration (start to close, from
// Temporal) and, for the table's child workflow, the time its activities took per type
// (scheduled to closed, summed), printed and by activity type name, which shows where
// an end-to-end second goes.
func (s *stack) workflowTimes(b *testing.B, name, tableKey string) (float64, string, map[string]time.Duration) {
	tc := s.temporal.Client(b)
	ctx := context.Background()
	desc, err := tc.DescribeWorkflowExecution(ctx, name, "")
	if err != nil {
		b.Fatal(err)
	}
	info := desc.GetWorkflowExecutionInfo()
	wfSec := info.GetCloseTime().AsTime().Sub(info.GetStartTime().AsTime()).Seconds()

	scheduled := map[int64]time.Time{}
	kind := map[int64]string{}
	total := map[string]time.Duration{}
	var order []string
	it := tc.GetWorkflowHistory(ctx, workflows.TableWorkflowID(name, tableKey), "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			b.Fatal(err)
		}
		if a := ev.GetActivityTaskScheduledEventAttributes(); a != nil {
			scheduled[ev.GetEventId()] = ev.GetEventTime().AsTime()
			kind[ev.GetEventId()] = a.GetActivityType().GetName()
			continue
		}
		var sid int64
		switch {
		case ev.GetActivityTaskCompletedEventAttributes() != nil:
			sid = ev.GetActivityTaskCompletedEventAttributes().GetScheduledEventId()
		case ev.GetActivityTaskFailedEventAttributes() != nil:
			sid = ev.GetActivityTaskFailedEventAttributes().GetScheduledEventId()
		case ev.GetActivityTaskTimedOutEventAttributes() != nil:
			sid = ev.GetActivityTaskTimedOutEventAttributes().GetScheduledEventId()
		default:
			continue
		}
		k := kind[sid]
		if _, seen := total[k]; !seen {
			order = append(order, k)
		}
		total[k] += ev.GetEventTime().AsTime().Sub(scheduled[sid])
	}
	parts := make([]string, 0, len(order))
	for _, k := range order {
		parts = append(parts, fmt.Sprintf("%s %.2fs", strings.TrimPrefix(strings.TrimPrefix(k, "Source"), "Snowflake"), total[k].Seconds()))
	}
	return wfSec, strings.Join(parts, ", "), total
}
