package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
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

// BenchmarkResync prints, from one run over the lineitem-like table of
// BenchmarkMigrateLineitem (BENCH_ROWS rows, default 2,000,000): the full migration of
// the table with synchronization checksum and with watermark (each a table's first
// run: a full load), then, after 1 % of the rows changed, each strategy's re-sync, as
// a ratio to its own full migration (targets: ≤ 0.2 for checksum, ≤ 0.1 for
// watermark). The change is clustered, as the changes of a real table often are (one
// contiguous range of order keys is updated: recent orders); a change spread over
// every partition makes a checksum re-sync reload every partition.
//
// The table gets an index on l_orderkey (the partition key) and an indexed updated_at
// column (the watermark) before the first run, as a table synchronized this way would
// have (docs/sync.md, "Cost"). The ratios use the migration workflow's own duration
// (start to close); the end-to-end times, with the starter's polling, are printed too.
func BenchmarkResync(b *testing.B) {
	rows := benchRows()
	s := newStack(b)
	t0 := time.Now()
	s.pgExec(benchdata.LineitemSQL(rows),
		`ALTER TABLE lineitem ADD COLUMN updated_at timestamptz NOT NULL DEFAULT timestamptz '2024-01-01 00:00+00'`,
		`CREATE INDEX lineitem_orderkey ON lineitem (l_orderkey)`,
		`CREATE INDEX lineitem_updated_at ON lineitem (updated_at)`,
		// VACUUM, not only ANALYZE: the first scan of freshly loaded rows sets their
		// hint bits and writes every page back, which made whichever full migration
		// ran first (the checksum one) up to 1.5× slower than the other and its ratio
		// look better than it is. A table in production has been vacuumed.
		`VACUUM (ANALYZE) lineitem`)
	b.Logf("generated %d rows in %s", rows, time.Since(t0).Round(time.Millisecond))
	s.startOrchestrator()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ckName, wmName := fmt.Sprintf("BenchResyncCk%d", i), fmt.Sprintf("BenchResyncWm%d", i)
		ckTable, wmTable := fmt.Sprintf("LINEITEM_CK%d", i), fmt.Sprintf("LINEITEM_WM%d", i)
		ckSync := `{ "strategy": "checksum" }`
		wmSync := `{ "strategy": "watermark", "watermarkColumn": "updated_at" }`

		only := os.Getenv(benchResyncOnlyEnv)
		var ckFull, wmFull *benchRun
		if only != "watermark" {
			ckFull = s.benchResyncRun(b, ckName, ckTable, ckSync)
		}
		wmFull = s.benchResyncRun(b, wmName, wmTable, wmSync)

		// 1 % of the rows, one contiguous range of order keys in the middle of the table
		// (4 rows per order key), updated with a newer watermark.
		changed := rows / 100
		first := int64(rows/8) + 1
		last := first + int64(changed/4) - 1
		s.pgExec(fmt.Sprintf(`UPDATE lineitem SET l_comment = 'resync ' || l_linenumber, l_quantity = l_quantity + 1,
  updated_at = timestamptz '2024-06-01 00:00+00' WHERE l_orderkey BETWEEN %d AND %d`, first, last))
		moved := s.pgInt(fmt.Sprintf(`SELECT count(*) FROM lineitem WHERE l_orderkey BETWEEN %d AND %d`, first, last))

		var ckResync *benchRun
		if ckFull != nil {
			ckResync = s.benchResyncRun(b, ckName, ckTable, ckSync)
		}
		wmResync := s.benchResyncRun(b, wmName, wmTable, wmSync)

		// The checksum target equals the source's content; the watermark target (append)
		// holds every row once plus the new versions of the changed ones.
		if ckResync != nil {
			if n := s.sfInt("SELECT COUNT(*) FROM BENCH.PUBLIC." + ckTable); n != int64(rows) {
				b.Fatalf("checksum re-sync: target has %d rows, want %d", n, rows)
			}
			if n := s.sfInt("SELECT COUNT(*) FROM BENCH.PUBLIC." + ckTable + " WHERE L_COMMENT LIKE 'resync %'"); n != moved {
				b.Fatalf("checksum re-sync: %d changed rows in the target, want %d", n, moved)
			}
		}
		if n := s.sfInt("SELECT COUNT(*) FROM BENCH.PUBLIC." + wmTable); n != int64(rows)+moved {
			b.Fatalf("watermark re-sync: target has %d rows, want %d", n, int64(rows)+moved)
		}
		wmMoved := s.tableRowsLoadedOf(wmName, "lineitem")
		if wmMoved != moved {
			b.Fatalf("watermark re-sync: moved %d rows, want %d", wmMoved, moved)
		}

		wmRatio := wmResync.wfSec / wmFull.wfSec
		b.ReportMetric(wmRatio, "watermark_resync/full")
		fmt.Printf("\nre-sync of lineitem, %d rows, %d changed (%.1f %%, order keys %d..%d); times are the migration workflow's (start to close),\n", rows, moved, 100*float64(moved)/float64(rows), first, last)
		fmt.Printf("end to end (starter create to watch's exit, with its polling) in parentheses\n")
		fmt.Printf("%-22s %16s %16s %8s %14s\n", "strategy", "full (s)", "re-sync (s)", "ratio", "rows re-sync'd")
		if ckResync != nil {
			ckMoved := s.tableRowsLoadedOf(ckName, "lineitem")
			ckRatio := ckResync.wfSec / ckFull.wfSec
			b.ReportMetric(ckRatio, "checksum_resync/full")
			fmt.Printf("%-22s %7.1f (%6.1f) %7.1f (%6.1f) %8.3f %14d   (target ≤ 0.2)\n", "checksum", ckFull.wfSec, ckFull.e2eSec, ckResync.wfSec, ckResync.e2eSec, ckRatio, ckMoved)
		}
		fmt.Printf("%-22s %7.1f (%6.1f) %7.1f (%6.1f) %8.3f %14d   (target ≤ 0.1)\n", "watermark (append)", wmFull.wfSec, wmFull.e2eSec, wmResync.wfSec, wmResync.e2eSec, wmRatio, wmMoved)
		if ckResync != nil {
			fmt.Printf("checksum re-sync, time in activities (scheduled → closed, summed): %s\n", ckResync.breakdown)
		}
		fmt.Printf("watermark re-sync, time in activities (scheduled → closed, summed): %s\n\n", wmResync.breakdown)
		if os.Getenv(benchResyncTimelineEnv) != "" {
			if ckResync != nil {
				s.printTimeline(b, ckName, s.pgDB+".public.lineitem")
			}
			s.printTimeline(b, wmName, s.pgDB+".public.lineitem")
		}
	}
}

// Switches of BenchmarkResync for iterating on one strategy: BENCH_RESYNC_ONLY=watermark
// skips the checksum strategy; BENCH_RESYNC_TIMELINE=1 prints each re-sync's
// history (parent and table workflow) as a timeline of its events.
const (
	benchResyncOnlyEnv     = "BENCH_RESYNC_ONLY"
	benchResyncTimelineEnv = "BENCH_RESYNC_TIMELINE"
)

// printTimeline prints the events of the migration workflow name and of its table
// workflow, each with its time since the migration workflow started: where a run's
// wall time goes between activities (round trips, workflow tasks, child start).
func (s *stack) printTimeline(b *testing.B, name, tableKey string) {
	tc := s.temporal.Client(b)
	ctx := context.Background()
	var t0 time.Time
	for _, id := range []string{name, workflows.TableWorkflowID(name, tableKey)} {
		fmt.Printf("timeline of %s\n", id)
		kind := map[int64]string{}
		it := tc.GetWorkflowHistory(ctx, id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		for it.HasNext() {
			ev, err := it.Next()
			if err != nil {
				b.Fatal(err)
			}
			at := ev.GetEventTime().AsTime()
			if t0.IsZero() {
				t0 = at
			}
			what := strings.TrimPrefix(ev.GetEventType().String(), "EVENT_TYPE_")
			if a := ev.GetActivityTaskScheduledEventAttributes(); a != nil {
				kind[ev.GetEventId()] = a.GetActivityType().GetName()
				what += " " + a.GetActivityType().GetName()
			}
			if a := ev.GetActivityTaskStartedEventAttributes(); a != nil {
				what += " " + kind[a.GetScheduledEventId()]
				if a.GetAttempt() > 1 { // earlier attempts leave no event but this
					what += fmt.Sprintf(" (attempt %d after: %s)", a.GetAttempt(), a.GetLastFailure().GetMessage())
				}
			}
			if a := ev.GetActivityTaskCompletedEventAttributes(); a != nil {
				what += " " + kind[a.GetScheduledEventId()]
			}
			fmt.Printf("  %8.3f  %4d %s\n", at.Sub(t0).Seconds(), ev.GetEventId(), what)
		}
	}
}

// benchResyncRun runs migration name over lineitem into BENCH.PUBLIC.<table> with the
// given synchronization (partitions of 100,000 rows, a fresh source worker with 2
// parallel tasks) and returns its figures (benchRun: end to end, workflow, activities).
func (s *stack) benchResyncRun(b *testing.B, name, table, sync string) *benchRun {
	cfg := s.writeConfig(name+".json", fmt.Sprintf(`{
  "tables": [ { "source": { "databaseName": %q, "schemaName": "public", "tableName": "lineitem" },
                "target": { "databaseName": "BENCH", "schemaName": "PUBLIC", "tableName": %q },
                "columnNamesToPartitionBy": ["l_orderkey"], "partitionSize": { "maxRowsPerPartition": 100000 },
                "synchronization": %s } ] }`, s.pgDB, table, sync))
	worker, exited := spawn(b, s.env, filepath.Join(s.dir, fmt.Sprintf("%s-%d-worker.log", name, time.Now().UnixNano())),
		"workers", "source", "--config", s.workerTOML(strings.ToLower(name), 2), "--task-queue-base", s.queue)
	s.procs = append(s.procs, worker)
	defer stopWorker(worker, exited)
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
	return run
}

// tableRowsLoadedOf is the rows the latest run of a migration moved for a table.
func (s *stack) tableRowsLoadedOf(name, table string) int64 {
	return s.sfInt(`SELECT ROWS_LOADED FROM SNOWCONVERT_AI.DATA_MIGRATION.TABLE_METADATA WHERE WORKFLOW_ID = '` + name +
		`' AND TABLE_KEY = '` + s.pgDB + `.public.` + table + `' ORDER BY START_TIME DESC LIMIT 1`)
}

// BenchmarkResyncSourceChecksum compares, over the whole lineitem-like table as one
// partition, what a checksum re-sync's source side costs (the partition checksum in
// SQL on PostgreSQL, source.Checksummer) with the extraction of a full migration (the
// same checksum computed by the extractor in Go while it writes Parquet), in seconds
// and as a ratio: the checksum strategy cannot re-sync faster than this ratio of a
// full migration's source side, whatever it skips.
func BenchmarkResyncSourceChecksum(b *testing.B) {
	rows := benchRows()
	s := newStack(b)
	s.pgExec(benchdata.LineitemSQL(rows))
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, s.pgDSN)
	if err != nil {
		b.Fatal(err)
	}
	defer pool.Close()
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
		t := time.Now()
		sum, n, err := src.ChecksumPartition(ctx, req)
		sqlSec := time.Since(t).Seconds()
		if err != nil || n != int64(rows) {
			b.Fatalf("source checksum: %v (%d rows)", err, n)
		}
		dir := filepath.Join(s.dir, fmt.Sprintf("extract-%d", i))
		if err := os.MkdirAll(dir, 0o700); err != nil {
			b.Fatal(err)
		}
		t = time.Now()
		st, err := src.Extract(ctx, req, dir, nil)
		extractSec := time.Since(t).Seconds()
		_ = os.RemoveAll(dir)
		if err != nil || st.Rows != int64(rows) {
			b.Fatalf("extract: %v (%d rows)", err, st.Rows)
		}
		if st.Checksum != sum {
			b.Fatalf("the SQL checksum %s differs from the extractor's %s", sum, st.Checksum)
		}
		b.ReportMetric(sqlSec/extractSec, "sql_checksum/extract")
		fmt.Printf("\nlineitem, %d rows, one partition: PostgreSQL checksum SQL %.2fs (%.0f ns/row), extraction to Parquet with the Go checksum %.2fs (%.0f ns/row): ratio %.2f\n\n",
			rows, sqlSec, sqlSec*1e9/float64(rows), extractSec, extractSec*1e9/float64(rows), sqlSec/extractSec)
	}
}
