package e2e

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	enumspb "go.temporal.io/api/enums/v1"

	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/internal/benchdata"
	"github.com/snowmigrate/snowmigrate/source"
	"github.com/snowmigrate/snowmigrate/source/postgres"
	"github.com/snowmigrate/snowmigrate/workflows"
)

func benchRows() int {
	if v, err := strconv.Atoi(os.Getenv("BENCH_ROWS")); err == nil && v > 0 {
		return v
	}
	return 2_000_000
}

// BenchmarkMigrateLineitem prints, from one run over the same generated table:
// PostgreSQL's own COPY … TO STDOUT (the baseline), extraction to Parquet alone, the
// whole migration through Temporal, the workers and the emulator, and the source
// worker's peak RSS. Run it with `make bench` (-benchtime 1x: one migration).
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

		// 2. Extraction alone: the whole table as one partition into Parquet files.
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
		dir := filepath.Join(s.dir, fmt.Sprintf("extract-%d", i))
		if err := os.MkdirAll(dir, 0o700); err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		st, err := src.Extract(ctx, source.ExtractRequest{Table: tc, TableShape: info.TableShape}, dir, nil)
		extractSec := time.Since(t2).Seconds()
		if err != nil || st.Rows != int64(rows) {
			b.Fatalf("extract: %v (%d rows)", err, st.Rows)
		}
		_ = os.RemoveAll(dir)

		// 3. End to end: a real migration, partitions of 250,000 rows, one source worker.
		cfg := s.writeConfig("bench.json", fmt.Sprintf(`{
  "tables": [ { "source": { "databaseName": %q, "schemaName": "public", "tableName": "lineitem" },
                "target": { "databaseName": "BENCH", "schemaName": "PUBLIC", "tableName": "lineitem" },
                "columnNamesToPartitionBy": ["l_orderkey"], "partitionSize": { "maxRowsPerPartition": 250000 } } ] }`, s.pgDB))
		if i == 0 {
			s.startOrchestrator()
		}
		worker := s.startSourceWorker("source1", 2)
		name := fmt.Sprintf("Bench%d", i)
		t3 := time.Now()
		if out, code := s.starter(time.Minute, "create-data-migration-workflow", cfg, "--name", name,
			"--connection-name", s.emu.ConnectionName(), "--source-platform", "postgresql", "--task-queue-base", s.queue); code != 0 {
			b.Fatalf("create: %s", out)
		}
		if out, code := s.starter(60*time.Minute, "watch", name); code != 0 {
			b.Fatalf("watch exit %d: %s", code, out)
		}
		e2eSec := time.Since(t3).Seconds()
		wfSec, breakdown := s.workflowTimes(b, name, s.pgDB+".public.lineitem")
		peakMiB := vmHWM(worker.Process.Pid) / 1024
		_ = worker.Process.Signal(syscall.SIGTERM)
		if n := s.sfInt("SELECT COUNT(*) FROM BENCH.PUBLIC.LINEITEM"); n != int64(rows) {
			b.Fatalf("target has %d rows, want %d", n, rows)
		}

		r := float64(rows)
		b.ReportMetric(r/copySec, "copy_rows/s")
		b.ReportMetric(r/extractSec, "extract_rows/s")
		b.ReportMetric(copySec/extractSec, "extract/copy")
		b.ReportMetric(r/e2eSec, "e2e_rows/s")
		b.ReportMetric(copySec/e2eSec, "e2e/copy")
		b.ReportMetric(r/wfSec, "workflow_rows/s")
		b.ReportMetric(float64(peakMiB), "worker_peak_MiB")
		fmt.Printf("\n%-44s %12s %10s\n", fmt.Sprintf("lineitem, %d rows", rows), "rows/s", "× COPY")
		fmt.Printf("%-44s %12.0f %10s\n", "PostgreSQL COPY … TO STDOUT (baseline)", r/copySec, "1.00")
		fmt.Printf("%-44s %12.0f %10.2f   (target ≥ 0.50)\n", "extraction to Parquet (zstd)", r/extractSec, copySec/extractSec)
		fmt.Printf("%-44s %12.0f %10.2f   (target ≥ 0.25)\n", "end to end (Temporal + PUT + COPY + verify)", r/e2eSec, copySec/e2eSec)
		fmt.Printf("%-44s %12.0f %10.2f   (workflow start to close, no CLI polling)\n", "  the migration workflow alone", r/wfSec, copySec/wfSec)
		fmt.Printf("%-44s %9d MiB              (target ≤ 300)\n", "source worker peak RSS (VmHWM)", peakMiB)
		fmt.Printf("time in the table's activities (scheduled → closed, summed over partitions): %s\n\n", breakdown)
	}
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
// (scheduled to closed, summed), which shows where an end-to-end second goes.
func (s *stack) workflowTimes(b *testing.B, name, tableKey string) (float64, string) {
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
	return wfSec, strings.Join(parts, ", ")
}
