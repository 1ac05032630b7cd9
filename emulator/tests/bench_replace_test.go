package tests

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// The checksum re-sync replaces a changed partition's key range in one transaction
// (the product's activities/snowflakeside/resync_load.go): an autocommit MERGE of the
// partition's PARTITION_METADATA row, then BEGIN; SELECT LOADED_AT; DELETE of the key
// range; COPY of the partition's staged files; UPDATE … LOADED_AT; UPDATE …
// SOURCE_CHECKSUM; COMMIT. BenchmarkReplaceRange times each of those statements
// through the driver on a 2,000,000-row lineitem-shaped table with a 100,000-row
// partition, and the first-load shape (the same COPY without the DELETE) for
// comparison. The SQL is spelled as the product's snowflake package writes it.
// BenchmarkReplaceRangeConcurrent runs them as the product does, several partitions of
// one table at once, retrying a transaction that fails with 000625 as the product does.
//
// What they showed (session 19, load average about 2): alone, the replace costs what
// the first-load shape does (DELETE 4 ms, COPY 83 ms after the DELETE as without it,
// COMMIT 60-65 ms, about 175 ms in all); none of its statements is slow. Concurrently,
// the second UPDATE of PARTITION_METADATA failed with 000625 whenever another
// partition's transaction had committed to that table since this one's first write
// (the stale-snapshot rule refused any statement on a table the transaction had
// changed itself), and the retry with the product's 2 s pause made two concurrent
// replaces take 2.5 s; the first loads retried 6 times for 20 partitions, their COPYs
// also waiting on the per-table load lock.

// The table holds order keys 1..500000 (rows i in [4, 2000004), 4 rows per key);
// partition p holds keys (p*25000, (p+1)*25000]: 100,000 rows, 20 partitions.
const (
	rpTableRows   = 2_000_000
	rpPartitions  = 20
	rpKeysPerPart = 25000
	rpPartRows    = rpKeysPerPart * 4
)

func rpPartRange(p int) (lo, hi int) { return p * rpKeysPerPart, (p + 1) * rpKeysPerPart }

// rpWritePart writes partition p's rows as a Parquet file named part_<p>.parquet in dir.
func rpWritePart(tb testing.TB, dir string, p int) string {
	lo, hi := rpPartRange(p)
	f := filepath.Join(dir, fmt.Sprintf("part_%d.parquet", p))
	stWriteParquet(tb, f, rpLineitemSelect(lo*4+4, hi*4+4))
	return f
}

// rpLineitemSelect is a DuckDB SELECT of lineitem rows i in [from, to) (order key
// i/4), with the Snowflake column names (MATCH_BY_COLUMN_NAME = CASE_SENSITIVE).
func rpLineitemSelect(from, to int) string {
	return fmt.Sprintf(`SELECT i // 4 AS L_ORDERKEY, (i * 7) %% 200000 AS L_PARTKEY,
		(i * 13) %% 10000 AS L_SUPPKEY, i %% 4 + 1 AS L_LINENUMBER,
		((i %% 50) + 1)::DECIMAL(12,2) AS L_QUANTITY, ((i %% 100000) / 100.0)::DECIMAL(12,2) AS L_EXTENDEDPRICE,
		((i %% 11) / 100.0)::DECIMAL(12,2) AS L_DISCOUNT, ((i %% 9) / 100.0)::DECIMAL(12,2) AS L_TAX,
		chr(65 + (i %% 3)::INT) AS L_RETURNFLAG, chr(70 + (i %% 2)::INT) AS L_LINESTATUS,
		DATE '1992-01-01' + (i %% 2500)::INT AS L_SHIPDATE, DATE '1992-02-01' + (i %% 2500)::INT AS L_COMMITDATE,
		DATE '1992-03-01' + (i %% 2500)::INT AS L_RECEIPTDATE, 'DELIVER IN PERSON' AS L_SHIPINSTRUCT,
		'TRUCK' AS L_SHIPMODE, 'comment number ' || (i %% 1000) AS L_COMMENT
		FROM range(%d, %d) t(i)`, from, to)
}

// rpPartitionMetadataDDL is the product's PARTITION_METADATA (the columns the replace
// touches and their neighbours).
const rpPartitionMetadataDDL = `CREATE TABLE PARTITION_METADATA (
  WORKFLOW_ID VARCHAR NOT NULL, RUN_ID VARCHAR NOT NULL, TABLE_KEY VARCHAR NOT NULL,
  SOURCE_IDENTIFIER VARCHAR, PARTITION_NUMBER NUMBER(10,0) NOT NULL, LOWER_BOUND VARCHAR,
  UPPER_BOUND VARCHAR, NULL_KEYS BOOLEAN, STATUS VARCHAR, ROWS_EXTRACTED NUMBER(38,0),
  ROWS_LOADED NUMBER(38,0), BYTES NUMBER(38,0), ATTEMPTS NUMBER(10,0), FIRST_ERROR VARCHAR,
  FIRST_ERROR_AT TIMESTAMP_TZ, LAST_ERROR VARCHAR, LOADED_AT TIMESTAMP_TZ, CREATED_AT TIMESTAMP_TZ,
  UPDATED_AT TIMESTAMP_TZ, SOURCE_CHECKSUM VARCHAR, WATERMARK_LOW VARCHAR, WATERMARK_HIGH VARCHAR,
  SYNCHRONIZED_AT TIMESTAMP_TZ, SYNC_ACTION VARCHAR, ROWS_DELETED NUMBER(38,0))`

const rpKey = `WORKFLOW_ID = 'wf' AND RUN_ID = 'run' AND TABLE_KEY = 'pg.public.lineitem'`

// rpStatements are the statements of one partition's load in transaction name (the
// replace when withDelete, else the first full load's shape).
func rpStatements(name string, iter, part int, withDelete bool) []rpStmt {
	at := time.Date(2026, 1, 1, 0, 0, iter, 0, time.UTC).Format("2006-01-02 15:04:05.000000")
	key := fmt.Sprintf("%s AND PARTITION_NUMBER = %d", rpKey, part)
	lo, hi := rpPartRange(part)
	out := []rpStmt{
		{"merge", fmt.Sprintf(`MERGE INTO PARTITION_METADATA AS t USING (SELECT 'wf' AS WORKFLOW_ID, 'run' AS RUN_ID, 'pg.public.lineitem' AS TABLE_KEY, %d AS PARTITION_NUMBER) AS s
ON t.WORKFLOW_ID = s.WORKFLOW_ID AND t.RUN_ID = s.RUN_ID AND t.TABLE_KEY = s.TABLE_KEY AND t.PARTITION_NUMBER = s.PARTITION_NUMBER
WHEN MATCHED THEN UPDATE SET STATUS = 'loading', LOADED_AT = NULL, UPDATED_AT = '%s'::TIMESTAMP_TZ
WHEN NOT MATCHED THEN INSERT (WORKFLOW_ID, RUN_ID, TABLE_KEY, PARTITION_NUMBER, STATUS, CREATED_AT, UPDATED_AT)
VALUES (s.WORKFLOW_ID, s.RUN_ID, s.TABLE_KEY, s.PARTITION_NUMBER, 'loading', '%s'::TIMESTAMP_TZ, '%s'::TIMESTAMP_TZ)`, part, at, at, at)},
		{"begin", "BEGIN TRANSACTION NAME " + name},
		{"select", "SELECT LOADED_AT FROM PARTITION_METADATA WHERE " + key},
	}
	if withDelete {
		out = append(out, rpStmt{"delete", fmt.Sprintf(`DELETE FROM "STG"."PUBLIC"."LINEITEM" WHERE "L_ORDERKEY" IS NOT NULL AND "L_ORDERKEY" > %d AND "L_ORDERKEY" <= %d`, lo, hi)})
	}
	out = append(out,
		rpStmt{"copy", fmt.Sprintf(`COPY INTO "STG"."PUBLIC"."LINEITEM"
FROM @bench/part/
FILES = ('part_%d.parquet')
FILE_FORMAT = (TYPE = PARQUET BINARY_AS_TEXT = FALSE USE_LOGICAL_TYPE = TRUE NULL_IF = ())
MATCH_BY_COLUMN_NAME = CASE_SENSITIVE
ON_ERROR = ABORT_STATEMENT
FORCE = TRUE`, part)},
		rpStmt{"mark_loaded", fmt.Sprintf(`UPDATE PARTITION_METADATA SET STATUS = 'loaded', ROWS_EXTRACTED = %d, ROWS_LOADED = %d, BYTES = 1, ATTEMPTS = GREATEST(COALESCE(ATTEMPTS, 0), 1), LOADED_AT = '%s'::TIMESTAMP_TZ, UPDATED_AT = '%s'::TIMESTAMP_TZ
WHERE %s AND LOADED_AT IS NULL AND CURRENT_TRANSACTION() IS NOT NULL`, rpPartRows, rpPartRows, at, at, key)},
		rpStmt{"mark_resync", fmt.Sprintf(`UPDATE PARTITION_METADATA SET SOURCE_CHECKSUM = 'abc', SYNC_ACTION = 'replaced', ROWS_DELETED = %d, SYNCHRONIZED_AT = '%s'::TIMESTAMP_TZ WHERE %s`, rpPartRows, at, key)},
		rpStmt{"commit", "COMMIT"},
	)
	return out
}

type rpStmt struct{ name, sql string }

// rpTimes sums statement durations by name, from several sessions.
type rpTimes struct {
	mu     sync.Mutex
	sums   map[string]time.Duration
	counts map[string]int
}

// run runs stmts on db (one session) and adds their durations under prefix/<name>.
// A statement that fails with 000625 rolls the transaction back and, after the
// product's pause (activities/snowflakeside lockRetryPause, 2 s), the partition's
// statements run again from the start, as the product's untilLockFree does; the
// tries are counted under prefix/retries and the pauses timed under prefix/pause.
func (t *rpTimes) run(tb testing.TB, env *stEnv, db *sql.DB, prefix string, stmts []rpStmt) {
	for try := 0; ; try++ {
		if try > 20 {
			tb.Errorf("%s: still 000625 after %d tries", prefix, try)
			return
		}
		failed := false
		for _, st := range stmts {
			s0 := time.Now()
			var err error
			if st.name == "select" || st.name == "copy" {
				_, _, err = stQueryErr(env.ctx, db, st.sql)
			} else {
				_, err = db.ExecContext(env.ctx, st.sql)
			}
			t.add(prefix+"/"+st.name, time.Since(s0))
			t.add(prefix+"/total", time.Since(s0))
			if err != nil && strings.Contains(err.Error(), "000625") {
				if _, rerr := db.ExecContext(env.ctx, "ROLLBACK"); rerr != nil {
					tb.Errorf("%s ROLLBACK: %v", prefix, rerr)
					return
				}
				t.count(prefix+"/retries", 1)
				p0 := time.Now()
				time.Sleep(2 * time.Second)
				t.add(prefix+"/pause", time.Since(p0))
				failed = true
				break
			}
			if err != nil {
				tb.Errorf("%s %s: %v", prefix, st.name, err)
				_, _ = db.ExecContext(env.ctx, "ROLLBACK")
				return
			}
		}
		if !failed {
			return
		}
	}
}

func (t *rpTimes) count(k string, n int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.counts == nil {
		t.counts = map[string]int{}
	}
	t.counts[k] += n
}

func (t *rpTimes) add(k string, d time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.sums == nil {
		t.sums = map[string]time.Duration{}
	}
	t.sums[k] += d
}

// report logs (and reports as metrics) each sum divided by n, with the load average.
func (t *rpTimes) report(b *testing.B, n int) {
	names := make([]string, 0, len(t.sums))
	for k := range t.sums {
		names = append(names, k)
	}
	sort.Strings(names)
	var sb strings.Builder
	for _, k := range names {
		ms := float64(t.sums[k].Microseconds()) / 1000 / float64(n)
		fmt.Fprintf(&sb, "  %-26s %8.1f ms\n", k, ms)
		b.ReportMetric(ms, k+"_ms")
	}
	for k, c := range t.counts {
		fmt.Fprintf(&sb, "  %-26s %8.1f\n", k, float64(c)/float64(n))
		b.ReportMetric(float64(c)/float64(n), k)
	}
	if la, err := os.ReadFile("/proc/loadavg"); err == nil {
		fmt.Fprintf(&sb, "  load average: %s", la)
	}
	// printed, not logged: a benchmark's log is cut to its first run
	fmt.Printf("%s: per iteration, mean of %d:\n%s", b.Name(), n, sb.String())
}

// rpSetup creates the stage with every partition's file, the target table (empty) and
// PARTITION_METADATA with a row per partition.
func rpSetup(b *testing.B) *stEnv {
	env := stStart(b)
	env.exec(b, "CREATE STAGE bench")
	dir := filepath.Join(env.dir, "part")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	for p := 0; p < rpPartitions; p++ {
		rpWritePart(b, dir, p)
	}
	env.put(b, filepath.Join(dir, "part_*.parquet"), "@bench/part/", "")
	env.exec(b, strings.Replace(stLineitemDDL, "CREATE OR REPLACE TABLE", "CREATE TABLE", 1))
	env.exec(b, rpPartitionMetadataDDL)
	for p := 0; p < rpPartitions; p++ {
		env.exec(b, fmt.Sprintf(`INSERT INTO PARTITION_METADATA (WORKFLOW_ID, RUN_ID, TABLE_KEY, PARTITION_NUMBER, STATUS)
			VALUES ('wf', 'run', 'pg.public.lineitem', %d, 'completed')`, p))
	}
	return env
}

func rpRangeCount(b *testing.B, env *stEnv, p int) string {
	lo, hi := rpPartRange(p)
	return env.one(b, fmt.Sprintf(`SELECT COUNT(*) FROM LINEITEM WHERE L_ORDERKEY > %d AND L_ORDERKEY <= %d`, lo, hi))
}

// BenchmarkReplaceRange: `go test -run '^$' -bench 'BenchmarkReplaceRange$' -benchtime 5x ./tests/`.
// The table is loaded once as the product's first run does (every partition its own
// COPY transaction, one session after the other). Each iteration then runs the replace
// of partition 10 (DELETE + COPY) and the first-load shape of it (COPY only, after an
// untimed DELETE of the range, so that the table keeps 2,000,000 rows); it reports the
// mean milliseconds of each statement.
func BenchmarkReplaceRange(b *testing.B) {
	env := rpSetup(b)
	var setup rpTimes
	t0 := time.Now()
	for p := 0; p < rpPartitions; p++ {
		setup.run(b, env, env.db, "setup", rpStatements(fmt.Sprintf("setup_%d", p), 0, p, false))
	}
	if b.Failed() {
		b.FailNow()
	}
	b.Logf("initial load of %d partitions, one after the other: %s", rpPartitions, time.Since(t0).Round(time.Millisecond))
	if n := env.one(b, "SELECT COUNT(*) FROM LINEITEM"); n != fmt.Sprint(rpTableRows) {
		b.Fatalf("table rows: %s, want %d", n, rpTableRows)
	}
	const part = 10
	lo, hi := rpPartRange(part)
	var times rpTimes
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		times.run(b, env, env.db, "replace", rpStatements(fmt.Sprintf("replace_%d", i), i, part, true))
		b.StopTimer()
		if n := rpRangeCount(b, env, part); n != fmt.Sprint(rpPartRows) {
			b.Fatalf("range rows after the replace: %s, want %d", n, rpPartRows)
		}
		env.exec(b, fmt.Sprintf(`DELETE FROM LINEITEM WHERE L_ORDERKEY > %d AND L_ORDERKEY <= %d`, lo, hi))
		b.StartTimer()
		times.run(b, env, env.db, "load", rpStatements(fmt.Sprintf("load_%d", i), i, part, false))
		b.StopTimer()
		if n := rpRangeCount(b, env, part); n != fmt.Sprint(rpPartRows) {
			b.Fatalf("range rows after the load: %s, want %d", n, rpPartRows)
		}
		b.StartTimer()
	}
	b.StopTimer()
	if b.Failed() {
		b.FailNow()
	}
	if n := env.one(b, "SELECT COUNT(*) FROM LINEITEM"); n != fmt.Sprint(rpTableRows) {
		b.Fatalf("table rows: %s, want %d", n, rpTableRows)
	}
	times.report(b, b.N)
}

// BenchmarkReplaceRangeConcurrent: what the re-sync does with several partitions of
// one table at once. Each iteration: the first full load of all 20 partitions by 4
// sessions at once (each partition BEGIN; COPY; UPDATEs; COMMIT), then the replace of
// two adjacent partitions by two sessions at once (the two DELETEs serialize on the
// table's lock, as on Snowflake), then an untimed TRUNCATE. It reports the statements'
// summed milliseconds per iteration and each phase's wall time.
func BenchmarkReplaceRangeConcurrent(b *testing.B) {
	env := rpSetup(b)
	const workers = 4
	sessions := make([]*sql.DB, workers)
	for w := range sessions {
		sessions[w] = env.emu.Open(b, "STG", "PUBLIC")
		sessions[w].SetMaxOpenConns(1)
	}
	var times rpTimes
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		next := make(chan int, rpPartitions)
		for p := 0; p < rpPartitions; p++ {
			next <- p
		}
		close(next)
		var wg sync.WaitGroup
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func(db *sql.DB) {
				defer wg.Done()
				for p := range next {
					times.run(b, env, db, "first", rpStatements(fmt.Sprintf("first_%d_%d", i, p), i, p, false))
				}
			}(sessions[w])
		}
		wg.Wait()
		times.add("wall/first_load", time.Since(t0))
		t0 = time.Now()
		for k, p := range []int{10, 11} {
			wg.Add(1)
			go func(db *sql.DB, p int) {
				defer wg.Done()
				times.run(b, env, db, "replace", rpStatements(fmt.Sprintf("replace_%d_%d", i, p), i, p, true))
			}(sessions[k], p)
		}
		wg.Wait()
		times.add("wall/two_replaces", time.Since(t0))
		b.StopTimer()
		if b.Failed() {
			b.FailNow()
		}
		if n := env.one(b, "SELECT COUNT(*) FROM LINEITEM"); n != fmt.Sprint(rpTableRows) {
			b.Fatalf("table rows: %s, want %d", n, rpTableRows)
		}
		for _, p := range []int{9, 10, 11} {
			if n := rpRangeCount(b, env, p); n != fmt.Sprint(rpPartRows) {
				b.Fatalf("partition %d rows: %s, want %d", p, n, rpPartRows)
			}
		}
		env.exec(b, "TRUNCATE TABLE LINEITEM")
		b.StartTimer()
	}
	b.StopTimer()
	times.report(b, b.N)
}
