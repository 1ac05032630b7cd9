package e2e

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/interceptor"
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/activities/snowflakeside"
	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/snowflake"
	"github.com/snowmigrate/snowmigrate/workers/register"
	"github.com/snowmigrate/snowmigrate/workflows"
)

// A corruption is what a "second writer" does to the target right after the load of
// the partition holding key id, before that partition is verified.
type corruption struct {
	id  int64
	sql string
}

// secondWriter is an activity interceptor of the in-process orchestrator: after
// LoadPartition of a partition whose key range holds a corruption's key, it runs the
// corruption through its own Snowflake connection (once), so the target differs from
// what was extracted exactly there, between load and verify, on the real stack.
type secondWriter struct {
	interceptor.WorkerInterceptorBase
	t       *testing.T
	s       *stack
	mu      sync.Mutex
	pending []corruption
	applied map[int64]int // key → partition number whose load it followed
}

func (w *secondWriter) InterceptActivity(ctx context.Context, next interceptor.ActivityInboundInterceptor) interceptor.ActivityInboundInterceptor {
	i := &secondWriterInbound{w: w}
	i.Next = next
	return i
}

type secondWriterInbound struct {
	interceptor.ActivityInboundInterceptorBase
	w *secondWriter
}

func (i *secondWriterInbound) ExecuteActivity(ctx context.Context, in *interceptor.ExecuteActivityInput) (any, error) {
	res, err := i.Next.ExecuteActivity(ctx, in)
	if err != nil || activity.GetInfo(ctx).ActivityType.Name != snowflakeapi.LoadPartitionName || len(in.Args) != 1 {
		return res, err
	}
	lp, ok := in.Args[0].(snowflakeapi.LoadPartitionInput)
	if !ok {
		i.w.t.Errorf("LoadPartition argument is %T", in.Args[0])
		return res, err
	}
	i.w.afterLoad(lp)
	return res, err
}

func (w *secondWriter) afterLoad(lp snowflakeapi.LoadPartitionInput) {
	p := lp.Partition
	if p.NullKeys {
		return
	}
	bound := func(b []string) (int64, bool) {
		if b == nil {
			return 0, false
		}
		v, err := strconv.ParseInt(b[0], 10, 64)
		if err != nil {
			w.t.Errorf("partition %d bound %v: %v", p.Number, b, err)
		}
		return v, true
	}
	lo, hasLo := bound(p.Lower)
	hi, hasHi := bound(p.Upper)
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, c := range w.pending {
		if _, done := w.applied[c.id]; done || (hasLo && c.id <= lo) || (hasHi && c.id > hi) {
			continue
		}
		if _, err := w.s.sf().Exec(c.sql); err != nil {
			w.t.Errorf("second writer %q: %v", c.sql, err)
			continue
		}
		w.applied[c.id] = p.Number
	}
}

// TestChecksumMismatchLocatesTheDifferingRows migrates a table while a second writer
// changes the target between load and verify in seven partitions, one kind each
// (shifted timestamp, rounded decimal, changed byte, truncated string, NULL for an
// empty string, a deleted row, an extra row): exactly those partitions fail, and
// DATA_MIGRATION_ERROR names exactly the changed keys, columns and both values.
func TestChecksumMismatchLocatesTheDifferingRows(t *testing.T) {
	s := newStack(t)
	s.pgExec(`CREATE TABLE located (id bigint PRIMARY KEY, happened_at timestamptz, amount numeric(12,2), blob bytea, note text, code varchar(10))`,
		`INSERT INTO located SELECT g, timestamptz '2024-01-31 10:00:00+01' + g * interval '61 seconds', g * 1.37,
		   decode(lpad(to_hex(g), 4, '0'), 'hex'), CASE WHEN g = 23 THEN '' ELSE 'note ' || g || ' long text' END, 'c' || g
		 FROM generate_series(1, 40) g WHERE g <> 34`)
	const tbl = "E2E.LOCATE.LOCATED"
	w := &secondWriter{t: t, s: s, applied: map[int64]int{}, pending: []corruption{
		{3, `UPDATE ` + tbl + ` SET HAPPENED_AT = DATEADD(hour, 1, HAPPENED_AT) WHERE ID = 3`},
		{8, `UPDATE ` + tbl + ` SET AMOUNT = ROUND(AMOUNT, 0) WHERE ID = 8`},
		{13, `UPDATE ` + tbl + ` SET BLOB = TO_BINARY('000E', 'HEX') WHERE ID = 13`},
		{18, `UPDATE ` + tbl + ` SET NOTE = LEFT(NOTE, 3) WHERE ID = 18`},
		{23, `UPDATE ` + tbl + ` SET NOTE = NULL WHERE ID = 23`},
		{28, `DELETE FROM ` + tbl + ` WHERE ID = 28`},
		{34, `INSERT INTO ` + tbl + ` (ID, HAPPENED_AT, AMOUNT, BLOB, NOTE, CODE) VALUES (34, '2024-01-31 09:00:00 +00:00'::TIMESTAMP_TZ, 1, TO_BINARY('FF', 'HEX'), 'extra', 'x')`},
	}}
	startInProcessOrchestrator(t, s, w)
	s.startSourceWorker("source1", 2)

	cfg := s.writeConfig("locate.json", fmt.Sprintf(`{
  "schemaVersion": "1.0",
  "defaultTableConfiguration": {
    "source": { "databaseName": %q, "schemaName": "public" },
    "target": { "databaseName": "E2E", "schemaName": "LOCATE" },
    "partitionSize": { "maxRowsPerPartition": 5 }
  },
  "tables": [ { "source": { "tableName": "located" }, "target": { "tableName": "located" }, "columnNamesToPartitionBy": ["id"] } ]
}`, s.pgDB))
	out, code := s.starter(2*time.Minute, "create-data-migration-workflow", cfg, "--name", "E2eLocate",
		"--connection-name", s.emu.ConnectionName(), "--source-platform", "postgresql", "--task-queue-base", s.queue)
	if code != 0 {
		t.Fatalf("create exit %d:\n%s", code, out)
	}
	out, code = s.starter(10*time.Minute, "watch", "E2eLocate")
	if code == 0 {
		t.Fatalf("watch exited 0 although seven partitions differ:\n%s", out)
	}

	// Every corruption was applied, each after the load of its own partition.
	parts := map[int]bool{}
	for _, c := range w.pending {
		p, ok := w.applied[c.id]
		if !ok {
			t.Fatalf("corruption of key %d never applied (no partition holding it was loaded)", c.id)
		}
		parts[p] = true
	}
	if len(parts) != 7 {
		t.Fatalf("corruptions landed in %d partitions, want 7 distinct: %v", len(parts), w.applied)
	}

	// Exactly those partitions failed.
	rows, err := s.sf().Query(`SELECT PARTITION_NUMBER, STATUS FROM SNOWCONVERT_AI.DATA_MIGRATION.PARTITION_METADATA WHERE WORKFLOW_ID = 'E2eLocate'`)
	if err != nil {
		t.Fatal(err)
	}
	failed, completed := map[int]bool{}, 0
	for rows.Next() {
		var n int
		var st string
		if err := rows.Scan(&n, &st); err != nil {
			t.Fatal(err)
		}
		switch st {
		case "FAILED":
			failed[n] = true
		case "COMPLETED":
			completed++
		default:
			t.Errorf("partition %d ended %s", n, st)
		}
	}
	rows.Close()
	if fmt.Sprint(failed) != fmt.Sprint(parts) || completed < 1 {
		t.Errorf("failed partitions %v, want %v (%d completed)", failed, parts, completed)
	}

	// DATA_MIGRATION_ERROR names exactly the changed keys, columns and values, as the
	// checksum sees them; the partitions' own errors stay listed too.
	rows, err = s.sf().Query(`SELECT PARTITION_NUMBER, DIFFERENCE_KIND, ROW_KEY, COALESCE(COLUMN_NAME, '-'), COALESCE(SOURCE_VALUE, '-'), COALESCE(TARGET_VALUE, '-')
		FROM SNOWCONVERT_AI.DATA_MIGRATION.DATA_MIGRATION_ERROR WHERE WORKFLOW_ID = 'E2eLocate' AND DIFFERENCE_KIND IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var (
			p                      int
			kind, key, col, sv, tv string
		)
		if err := rows.Scan(&p, &kind, &key, &col, &sv, &tv); err != nil {
			t.Fatal(err)
		}
		id, _ := strconv.ParseInt(key, 10, 64)
		if w.applied[id] != p {
			t.Errorf("key %s reported under partition %d, corrupted after the load of partition %d", key, p, w.applied[id])
		}
		got = append(got, strings.Join([]string{kind, key, col, sv, tv}, " | "))
	}
	rows.Close()
	sort.Strings(got)
	want := []string{
		"DIFFERENT | 13 | BLOB | 000D | 000E",
		"DIFFERENT | 18 | NOTE | note 18 long text | not",
		"DIFFERENT | 23 | NOTE |  | \\N",
		"DIFFERENT | 3 | HAPPENED_AT | 2024-01-31 09:03:03.000000 | 2024-01-31 10:03:03.000000",
		"DIFFERENT | 8 | AMOUNT | 10.96 | 11.00",
		"MISSING_IN_SOURCE | 34 | - | - | 34|2024-01-31 09:00:00.000000|1.00|FF|extra|x",
		"MISSING_IN_TARGET | 28 | - | 28|2024-01-31 09:28:28.000000|38.36|001C|note 28 long text|c28 | -",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("located differences:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if n := s.sfInt(`SELECT COUNT(*) FROM SNOWCONVERT_AI.DATA_MIGRATION.DATA_MIGRATION_ERROR WHERE WORKFLOW_ID = 'E2eLocate' AND DIFFERENCE_KIND IS NULL AND ERROR_MESSAGE LIKE '%DATA_MIGRATION_ERROR%'`); n != 7 {
		t.Errorf("%d partition errors point at DATA_MIGRATION_ERROR, want 7", n)
	}
}

// startInProcessOrchestrator runs the orchestrator's workflows and Snowflake-side
// activities in the test process, registered as the workers binary registers them
// (workers/register), with w intercepting activities (a second writer); stopped when
// the test ends.
func startInProcessOrchestrator(t *testing.T, s *stack, w interceptor.WorkerInterceptor) {
	t.Helper()
	c := s.temporal.Client(t)
	pool := snowflake.NewPool(func(name string) (snowflake.Connection, error) {
		conn, err := config.LoadConnection(s.emu.SnowflakeHome(), name)
		return snowflake.Connection(conn), err
	})
	t.Cleanup(func() { _ = pool.Close() })
	wk := sdkworker.New(c, workflows.OrchestratorQueue(s.queue, ""), sdkworker.Options{Interceptors: []interceptor.WorkerInterceptor{w}})
	register.Orchestrator(wk, snowflakeside.New(pool, snowflake.MetadataLocation{}))
	if err := wk.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(wk.Stop)
}
