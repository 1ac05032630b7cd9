package e2e

import (
	"context"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/converter"

	"github.com/snowmigrate/snowmigrate/activities/sourceapi"
	"github.com/snowmigrate/snowmigrate/workflows"
)

// Watermark re-sync on the real stack (docs/sync.md): a first run is a full load; a
// re-run moves only the rows whose watermark grew since the last successful run
// (appended, or merged by primary key), reusing the first run's partitions; a table
// that fails leaves its mark where it was, and the next run moves its window exactly
// once although the failed run had appended part of it.

const resyncMigration = "E2eResync"

// resyncDDL: two tables with the same rows; appended's qty is mapped to NUMBER so
// that a non-numeric value fails the partition that holds it.
var resyncDDL = []string{
	`CREATE TABLE appended (id int PRIMARY KEY, qty text NOT NULL, updated_at timestamptz NOT NULL)`,
	`CREATE TABLE merged (id int PRIMARY KEY, qty text NOT NULL, updated_at timestamptz NOT NULL)`,
	`INSERT INTO appended SELECT g, g::text, timestamptz '2024-01-01 00:00+00' + g * interval '1 minute' FROM generate_series(1, 50) g`,
	`INSERT INTO merged SELECT * FROM appended`,
}

// change runs the same statements on both tables.
func (s *stack) resyncChange(stmts ...string) {
	s.t.Helper()
	for _, q := range stmts {
		s.pgExec(strings.ReplaceAll(q, "$T", "appended"), strings.ReplaceAll(q, "$T", "merged"))
	}
}

func (s *stack) resyncRun(t *testing.T, cfg string, run int, wantOK bool) {
	t.Helper()
	out, code := s.starter(2*time.Minute, "create-data-migration-workflow", cfg, "--name", resyncMigration,
		"--connection-name", s.emu.ConnectionName(), "--source-platform", "postgresql", "--task-queue-base", s.queue)
	if code != 0 {
		t.Fatalf("run %d: create exit %d:\n%s", run, code, out)
	}
	out, code = s.starter(10*time.Minute, "watch", resyncMigration)
	if (code == 0) != wantOK {
		t.Fatalf("run %d: watch exit %d, want success %v:\n%s", run, code, wantOK, out)
	}
}

// mark is the table's recorded watermark (the latest run's), or "" when none.
func (s *stack) mark(table string) string {
	s.t.Helper()
	var m string
	err := s.sf().QueryRow(`SELECT COALESCE(WATERMARK_HIGH, '') FROM SNOWCONVERT_AI.DATA_MIGRATION.TABLE_SYNCHRONIZATION
WHERE WORKFLOW_ID = '` + resyncMigration + `' AND TABLE_KEY = '` + s.pgDB + `.public.` + table + `' ORDER BY SYNCHRONIZED_AT DESC LIMIT 1`).Scan(&m)
	if err != nil {
		s.t.Fatalf("mark of %s: %v", table, err)
	}
	return m
}

// targetRows reads ID, QTY, UPDATED_AT (as epoch microseconds) in order.
func (s *stack) targetRows(table string) []string {
	s.t.Helper()
	rows, err := s.sf().Query(`SELECT ID, TO_VARCHAR(QTY), UPDATED_AT FROM E2E.PUBLIC.` + table + ` ORDER BY ID, 3`)
	if err != nil {
		s.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id int64
		var qty string
		var ts time.Time
		if err := rows.Scan(&id, &qty, &ts); err != nil {
			s.t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%d|%s|%d", id, qty, ts.UnixMicro()))
	}
	if err := rows.Err(); err != nil {
		s.t.Fatal(err)
	}
	return out
}

// sourceRows reads the source table the same way; with versions, the target of an
// appended table also holds every version that was moved (given as extra).
func (s *stack) sourceRows(table string) []string {
	s.t.Helper()
	rows, err := s.pgConn().Query(s.t.Context(), `SELECT id, qty, (extract(epoch from updated_at) * 1000000)::bigint FROM `+table+` ORDER BY id`)
	if err != nil {
		s.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id, us int64
		var qty string
		if err := rows.Scan(&id, &qty, &us); err != nil {
			s.t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%d|%s|%d", id, qty, us))
	}
	return out
}

func equalRows(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("%s: target differs from what it should hold\n--- got (%d) ---\n%s\n--- want (%d) ---\n%s", what, len(got), strings.Join(got, "\n"), len(want), strings.Join(want, "\n"))
	}
}

// partitionBounds lists a run's bounded partitions of a table as "n:lower:upper".
func (s *stack) partitionBounds(table string, run int) map[string]bool {
	s.t.Helper()
	rows, err := s.sf().Query(`SELECT p.PARTITION_NUMBER, COALESCE(p.LOWER_BOUND, ''), p.UPPER_BOUND FROM SNOWCONVERT_AI.DATA_MIGRATION.PARTITION_METADATA p
JOIN (SELECT RUN_ID, ROW_NUMBER() OVER (ORDER BY START_TIME) AS N FROM SNOWCONVERT_AI.DATA_MIGRATION.TABLE_METADATA
      WHERE WORKFLOW_ID = '` + resyncMigration + `' AND TABLE_KEY = '` + s.pgDB + `.public.` + table + `') r ON r.RUN_ID = p.RUN_ID
WHERE p.WORKFLOW_ID = '` + resyncMigration + `' AND p.TABLE_KEY = '` + s.pgDB + `.public.` + table + `' AND p.UPPER_BOUND IS NOT NULL AND r.N = ` + fmt.Sprint(run))
	if err != nil {
		s.t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var n int
		var lo, up string
		if err := rows.Scan(&n, &lo, &up); err != nil {
			s.t.Fatal(err)
		}
		out[fmt.Sprintf("%d:%s:%s", n, lo, up)] = true
	}
	return out
}

func TestResyncWatermarkMovesOnlyWhatChanged(t *testing.T) {
	s := newStack(t)
	s.pgExec(resyncDDL...)
	cfg := s.writeConfig("resync.json", fmt.Sprintf(`{
  "defaultTableConfiguration": {
    "source": { "databaseName": %q, "schemaName": "public" },
    "target": { "databaseName": "E2E", "schemaName": "PUBLIC" },
    "columnNamesToPartitionBy": ["id"],
    "partitionSize": { "maxRowsPerPartition": 10 }
  },
  "tables": [
    { "source": { "tableName": "appended" }, "target": { "tableName": "APPENDED" },
      "columnTypeMappings": [ { "sourceType": "text", "targetType": "NUMBER(10,0)" } ],
      "synchronization": { "strategy": "watermark", "watermarkColumn": "updated_at" } },
    { "source": { "tableName": "merged" }, "target": { "tableName": "MERGED" },
      "primaryKeyColumns": ["id"],
      "synchronization": { "strategy": "watermark", "watermarkColumn": "updated_at", "trackModifications": true } }
  ]
}`, s.pgDB))
	s.startOrchestrator()
	s.startSourceWorker("source1", 4)

	// Run 1: a full load of both tables; the mark is the source's largest watermark.
	s.resyncRun(t, cfg, 1, true)
	initial := s.sourceRows("appended")
	equalRows(t, "run 1 appended", s.targetRows("APPENDED"), initial)
	equalRows(t, "run 1 merged", s.targetRows("MERGED"), s.sourceRows("merged"))
	if m := s.mark("appended"); m != "2024-01-01 00:50:00.000000+00:00" {
		t.Fatalf("run 1 mark %q", m)
	}

	// Run 2: 5 inserts beyond the last range, 3 updates inside earlier ranges.
	s.resyncChange(
		`INSERT INTO $T SELECT g, g::text, timestamptz '2024-02-01 00:00+00' + g * interval '1 minute' FROM generate_series(51, 55) g`,
		`UPDATE $T SET qty = (id + 1000)::text, updated_at = timestamptz '2024-02-02 00:00+00' WHERE id IN (5, 15, 25)`,
	)
	afterRun2 := s.sourceRows("appended")
	s.resyncRun(t, cfg, 2, true)
	// appended: every version moved so far (the 3 old versions stay next to the new ones)
	want := append(append([]string(nil), initial...), afterRun2[50:]...)
	for _, r := range afterRun2 {
		if strings.HasPrefix(r, "5|") || strings.HasPrefix(r, "15|") || strings.HasPrefix(r, "25|") {
			want = append(want, r)
		}
	}
	equalRows(t, "run 2 appended", s.targetRows("APPENDED"), sortRows(want))
	equalRows(t, "run 2 merged", s.targetRows("MERGED"), s.sourceRows("merged"))
	if m := s.mark("merged"); m != "2024-02-02 00:00:00.000000+00:00" {
		t.Fatalf("run 2 mark %q", m)
	}
	// Every partition of the re-run that loaded rows was proven by value over its
	// range's rows in the window (the 3 updated ranges and the new keys' range).
	s.assertComparedByValue(t, "appended", "2024-01-01 00:50:00.000000+00:00", 4)
	s.assertComparedByValue(t, "merged", "2024-01-01 00:50:00.000000+00:00", 4)
	// Each loaded partition of the re-run carries its window in PARTITION_METADATA.
	if n := s.sfInt(`SELECT COUNT(*) FROM SNOWCONVERT_AI.DATA_MIGRATION.PARTITION_METADATA WHERE WORKFLOW_ID = '` + resyncMigration +
		`' AND TABLE_KEY = '` + s.pgDB + `.public.merged' AND WATERMARK_LOW = '2024-01-01 00:50:00.000000+00:00' AND WATERMARK_HIGH = '2024-02-02 00:00:00.000000+00:00' AND STATUS = 'COMPLETED'`); n < 2 {
		t.Fatalf("%d partitions of run 2 record their window, want every loaded one (at least 2)", n)
	}
	// The window probe found the reused ranges without a changed row, and those ran
	// no Extract; the metadata records them completed with no row, as before.
	for _, tbl := range []string{"appended", "merged"} {
		s.assertProbedEmptyNotExtracted(t, tbl, 2)
	}
	for _, tbl := range []string{"appended", "merged"} {
		if n := s.sfInt(`SELECT ROWS_MOVED FROM SNOWCONVERT_AI.DATA_MIGRATION.TABLE_SYNCHRONIZATION WHERE WORKFLOW_ID = '` + resyncMigration +
			`' AND TABLE_KEY = '` + s.pgDB + `.public.` + tbl + `' ORDER BY SYNCHRONIZED_AT DESC LIMIT 1`); n != 8 {
			t.Fatalf("run 2 moved %d rows of %s, want the 8 changed", n, tbl)
		}
		first, second := s.partitionBounds(tbl, 1), s.partitionBounds(tbl, 2)
		if len(first) == 0 {
			t.Fatalf("run 1 recorded no bounded partition of %s", tbl)
		}
		for p := range first {
			if !second[p] {
				t.Fatalf("run 2 did not reuse partition %s of %s (run 2: %v)", p, tbl, second)
			}
		}
	}

	// Run 3: a value the appended target cannot take fails one partition of appended
	// while the others commit their rows; its mark must not move.
	s.resyncChange(
		`UPDATE $T SET qty = 'x', updated_at = timestamptz '2024-03-01 00:00+00' WHERE id = 3`,
		`INSERT INTO $T SELECT g, g::text, timestamptz '2024-03-01 00:00+00' FROM generate_series(56, 57) g`,
		`UPDATE $T SET qty = '2045', updated_at = timestamptz '2024-03-01 00:00+00' WHERE id = 45`,
	)
	s.resyncRun(t, cfg, 3, false)
	// The failed partition is appended's first range (id 3); the last range, with ids
	// 45, 56 and 57, committed its rows in run 3.
	if n := s.sfInt(`SELECT COUNT(*) FROM E2E.PUBLIC.APPENDED WHERE ID IN (45, 56, 57) AND UPDATED_AT = '2024-03-01 00:00:00+00:00'::TIMESTAMP_TZ`); n != 3 {
		t.Fatalf("run 3 appended %d of the last range's 3 changed rows, want 3 (the test relies on a partial append)", n)
	}
	if m := s.mark("appended"); m != "2024-02-02 00:00:00.000000+00:00" {
		t.Fatalf("run 3 failed but the mark moved to %q", m)
	}
	if st := s.sfInt(`SELECT COUNT(*) FROM SNOWCONVERT_AI.DATA_MIGRATION.TABLE_METADATA WHERE WORKFLOW_ID = '` + resyncMigration +
		`' AND TABLE_KEY = '` + s.pgDB + `.public.appended' AND STATUS = 'FAILED'`); st != 1 {
		t.Fatalf("appended failed %d times, want once (run 3)", st)
	}
	equalRows(t, "run 3 merged", s.targetRows("MERGED"), s.sourceRows("merged"))

	// Run 4: fixed; the window since run 2's mark moves exactly once, although run 3
	// appended part of it.
	s.resyncChange(`UPDATE $T SET qty = '3003', updated_at = timestamptz '2024-04-01 00:00+00' WHERE id = 3`)
	s.resyncRun(t, cfg, 4, true)
	final := s.sourceRows("appended")
	for _, r := range final {
		if strings.HasPrefix(r, "3|") || strings.HasPrefix(r, "45|") || strings.HasPrefix(r, "56|") || strings.HasPrefix(r, "57|") {
			want = append(want, r)
		}
	}
	equalRows(t, "run 4 appended", s.targetRows("APPENDED"), sortRows(want))
	equalRows(t, "run 4 merged", s.targetRows("MERGED"), s.sourceRows("merged"))
	if m := s.mark("appended"); m != "2024-04-01 00:00:00.000000+00:00" {
		t.Fatalf("run 4 mark %q", m)
	}
	// Run 3's partial append in the last range was replaced, then proven by value.
	s.assertComparedByValue(t, "appended", "2024-02-02 00:00:00.000000+00:00", 2)
	if n := s.sfInt(`SELECT COUNT(*) FROM E2E.INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME LIKE 'SNOWMIGRATE_STG_%'`); n != 0 {
		t.Fatalf("%d staging tables left behind", n)
	}
}

// assertProbedEmptyNotExtracted reads the latest table workflow of a re-run from the
// Temporal history: the window probe (SourceProbeWindow) must have run, every
// partition it found without window rows must have run no Extract and be recorded
// COMPLETED with no row in PARTITION_METADATA of that run, and every partition it
// found with rows must have been extracted.
func (s *stack) assertProbedEmptyNotExtracted(t *testing.T, table string, run int) {
	t.Helper()
	c := s.temporal.Client(t)
	dc := converter.GetDefaultDataConverter()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	probes := map[int64]sourceapi.ProbeWindowInput{}
	counts := map[int]int64{}
	extracted := map[int]int{}
	it := c.GetWorkflowHistory(ctx, workflows.TableWorkflowID(resyncMigration, s.pgDB+".public."+table), "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		if a := ev.GetActivityTaskScheduledEventAttributes(); a != nil {
			switch a.GetActivityType().GetName() {
			case sourceapi.ProbeWindowName:
				var in sourceapi.ProbeWindowInput
				if err := dc.FromPayloads(a.GetInput(), &in); err != nil {
					t.Fatal(err)
				}
				probes[ev.GetEventId()] = in
			case sourceapi.ExtractName:
				var in sourceapi.ExtractInput
				if err := dc.FromPayloads(a.GetInput(), &in); err != nil {
					t.Fatal(err)
				}
				extracted[in.Partition.Number]++
			}
		}
		if a := ev.GetActivityTaskCompletedEventAttributes(); a != nil {
			if _, ok := probes[a.GetScheduledEventId()]; ok {
				var res sourceapi.ProbeWindowResult
				if err := dc.FromPayloads(a.GetResult(), &res); err != nil {
					t.Fatal(err)
				}
				if !res.Supported {
					t.Fatalf("%s: PostgreSQL answered that it has no window probe", table)
				}
				for _, pc := range res.Counts {
					counts[pc.Number] = pc.Rows
				}
			}
		}
	}
	if len(probes) == 0 || len(counts) == 0 {
		t.Fatalf("%s: run %d probed no page of reused partitions (extracts %v)", table, run, extracted)
	}
	empty := 0
	for n, rows := range counts {
		switch {
		case rows == 0 && extracted[n] > 0:
			t.Fatalf("%s: partition %d was probed empty but extracted %d times", table, n, extracted[n])
		case rows > 0 && extracted[n] == 0:
			t.Fatalf("%s: partition %d holds %d window rows but was not extracted", table, n, rows)
		case rows == 0:
			empty++
			if k := s.sfInt(`SELECT COUNT(*) FROM SNOWCONVERT_AI.DATA_MIGRATION.PARTITION_METADATA p
JOIN (SELECT RUN_ID, ROW_NUMBER() OVER (ORDER BY START_TIME) AS N FROM SNOWCONVERT_AI.DATA_MIGRATION.TABLE_METADATA
      WHERE WORKFLOW_ID = '` + resyncMigration + `' AND TABLE_KEY = '` + s.pgDB + `.public.` + table + `') r ON r.RUN_ID = p.RUN_ID
WHERE p.WORKFLOW_ID = '` + resyncMigration + `' AND p.TABLE_KEY = '` + s.pgDB + `.public.` + table + `' AND r.N = ` + fmt.Sprint(run) +
				` AND p.PARTITION_NUMBER = ` + fmt.Sprint(n) + ` AND p.STATUS = 'COMPLETED' AND COALESCE(p.ROWS_EXTRACTED, 0) = 0 AND COALESCE(p.ROWS_LOADED, 0) = 0`); k != 1 {
				t.Fatalf("%s: partition %d (probed empty) is not recorded COMPLETED with no row in run %d", table, n, run)
			}
		}
	}
	if empty == 0 {
		t.Fatalf("%s: no reused partition was probed empty (counts %v); the test expects unchanged ranges", table, counts)
	}
}

// sortRows orders "id|qty|us" rows as targetRows does (by id, then watermark).
func sortRows(rows []string) []string {
	out := append([]string(nil), rows...)
	key := func(r string) (int64, int64) {
		var id, us int64
		parts := strings.Split(r, "|")
		fmt.Sscan(parts[0], &id)
		fmt.Sscan(parts[2], &us)
		return id, us
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0; j-- {
			a1, a2 := key(out[j-1])
			b1, b2 := key(out[j])
			if a1 < b1 || (a1 == b1 && a2 <= b2) {
				break
			}
			out[j-1], out[j] = out[j], out[j-1]
		}
	}
	return out
}

// TestResyncSchedule drives `starter schedule` against the dev server: create with
// --every, trigger twice at once (the second run overlaps and is skipped), follow the
// run to its end, see it in list/describe and in the metadata under the migration's
// name, pause, unpause, delete.
func TestResyncSchedule(t *testing.T) {
	s := newStack(t)
	s.pgExec(`CREATE TABLE sched (id int PRIMARY KEY, updated_at timestamptz NOT NULL)`,
		`INSERT INTO sched SELECT g, timestamptz '2024-01-01 00:00+00' + g * interval '1 second' FROM generate_series(1, 30) g`)
	cfg := s.writeConfig("sched.json", fmt.Sprintf(`{ "tables": [ {
  "source": { "databaseName": %q, "schemaName": "public", "tableName": "sched" },
  "target": { "databaseName": "E2E", "schemaName": "PUBLIC", "tableName": "SCHED" },
  "columnNamesToPartitionBy": ["id"],
  "synchronization": { "strategy": "watermark", "watermarkColumn": "updated_at" } } ] }`, s.pgDB))
	s.startOrchestrator()
	s.startSourceWorker("source1", 2)
	const name = "E2eSched"
	run := func(wantCode int, args ...string) string {
		t.Helper()
		out, code := s.starter(time.Minute, args...)
		if code != wantCode {
			t.Fatalf("starter %v: exit %d, want %d:\n%s", args, code, wantCode, out)
		}
		return out
	}
	run(2, "schedule", "create", name, cfg, "--source-platform", "postgresql", "--task-queue-base", s.queue)                   // no spec
	run(2, "schedule", "create", name, cfg, "--every", "10s", "--source-platform", "postgresql", "--task-queue-base", s.queue) // too often
	out := run(0, "schedule", "create", name, cfg, "--every", "1h", "--connection-name", s.emu.ConnectionName(),
		"--source-platform", "postgresql", "--task-queue-base", s.queue)
	if !strings.Contains(out, "every 1h0m0s") || !strings.Contains(out, "overlapping runs skipped") {
		t.Fatalf("create said:\n%s", out)
	}
	run(1, "schedule", "create", name, cfg, "--every", "1h", "--source-platform", "postgresql", "--task-queue-base", s.queue) // exists
	if out := run(0, "schedule", "list"); !strings.Contains(out, name) || !strings.Contains(out, "every 1h0m0s") || !strings.Contains(out, "active") {
		t.Fatalf("list:\n%s", out)
	}
	run(0, "schedule", "trigger", name)
	run(0, "schedule", "trigger", name) // overlaps the first: skipped

	var runID string
	deadline := time.Now().Add(2 * time.Minute)
	for runID == "" && time.Now().Before(deadline) {
		for _, line := range strings.Split(run(0, "schedule", "describe", name), "\n") {
			if f := strings.Fields(line); len(f) == 4 && f[0] == "recent:" {
				runID = f[3]
			}
		}
		time.Sleep(500 * time.Millisecond)
	}
	if !strings.HasPrefix(runID, name+"-") {
		t.Fatalf("no scheduled run appeared (run %q)", runID)
	}
	if out, code := s.starter(5*time.Minute, "watch", runID); code != 0 {
		t.Fatalf("watch %s: exit %d:\n%s", runID, code, out)
	}
	desc := run(0, "schedule", "describe", name)
	if !strings.Contains(desc, "1 started, 1 skipped (overlap)") || !strings.Contains(desc, "overlap:    skip") || !strings.Contains(desc, "next:") {
		t.Fatalf("describe after the runs:\n%s", desc)
	}
	if out := run(0, "list"); !strings.Contains(out, runID) {
		t.Fatalf("starter list does not show the scheduled run %s:\n%s", runID, out)
	}
	if n := s.sfInt(`SELECT COUNT(*) FROM E2E.PUBLIC.SCHED`); n != 30 {
		t.Fatalf("scheduled run loaded %d rows, want 30", n)
	}
	if n := s.sfInt(`SELECT COUNT(*) FROM SNOWCONVERT_AI.DATA_MIGRATION.WORKFLOW WHERE ID = '` + name + `' AND STATUS = 'COMPLETED'`); n != 1 {
		t.Fatalf("the scheduled run is not recorded under the migration name (%d rows)", n)
	}
	if n := s.sfInt(`SELECT COUNT(*) FROM SNOWCONVERT_AI.DATA_MIGRATION.TABLE_SYNCHRONIZATION WHERE WORKFLOW_ID = '` + name + `'`); n != 1 {
		t.Fatalf("the scheduled run recorded %d watermarks, want 1", n)
	}
	run(0, "schedule", "pause", name, "--note", "maintenance")
	if out := run(0, "schedule", "describe", name); !strings.Contains(out, "paused (maintenance)") {
		t.Fatalf("describe after pause:\n%s", out)
	}
	run(0, "schedule", "unpause", name)
	run(0, "schedule", "delete", name)
	run(1, "schedule", "describe", name)
	if out := run(0, "schedule", "list"); strings.Contains(out, name+" ") {
		t.Fatalf("list after delete:\n%s", out)
	}
}

// TestResyncMergeKilledInsideTransaction: the orchestrator is SIGKILLed while a merge
// re-run has a partition's load transaction open (COPY into staging, MERGE, marker);
// the restarted orchestrator's next attempt aborts it, and the re-run ends with the
// target equal to the source, one row per key, every partition loaded once, no
// transaction and no staging table left.
func TestResyncMergeKilledInsideTransaction(t *testing.T) {
	s := newStack(t)
	const rows = 120000
	s.pgExec(`CREATE TABLE killmerge (id bigint PRIMARY KEY, qty text NOT NULL, updated_at timestamptz NOT NULL)`,
		fmt.Sprintf(`INSERT INTO killmerge SELECT g, 'v' || g, timestamptz '2024-01-01 00:00+00' FROM generate_series(1, %d) g`, rows),
		`ANALYZE killmerge`)
	cfg := s.writeConfig("killmerge.json", fmt.Sprintf(`{ "tables": [ {
  "source": { "databaseName": %q, "schemaName": "public", "tableName": "killmerge" },
  "target": { "databaseName": "E2E", "schemaName": "KILLMERGE", "tableName": "KILLMERGE" },
  "columnNamesToPartitionBy": ["id"], "primaryKeyColumns": ["id"], "partitionSize": { "maxRowsPerPartition": 20000 },
  "synchronization": { "strategy": "watermark", "watermarkColumn": "updated_at", "trackModifications": true } } ] }`, s.pgDB))
	orch := s.startOrchestrator()
	s.startSourceWorker("source1", 2)
	const name = "E2eResyncKill"
	start := func() {
		t.Helper()
		out, code := s.starter(time.Minute, "create-data-migration-workflow", cfg, "--name", name,
			"--connection-name", s.emu.ConnectionName(), "--source-platform", "postgresql", "--task-queue-base", s.queue)
		if code != 0 {
			t.Fatalf("create exit %d:\n%s", code, out)
		}
	}
	start()
	if out, code := s.starter(5*time.Minute, "watch", name); code != 0 {
		t.Fatalf("first run: watch exit %d:\n%s", code, out)
	}
	// Every row changes: each partition of the re-run merges 20,000 rows.
	s.pgExec(`UPDATE killmerge SET qty = 'w' || id, updated_at = timestamptz '2024-02-01 00:00+00' + (id % 7) * interval '1 second'`)
	start()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	watcher := s.sf()
	watcher.SetMaxOpenConns(1)
	conn, err := watcher.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var orphan []string
	for try := 1; try <= 5 && len(orphan) == 0; try++ {
		seen := false
		deadline := time.Now().Add(3 * time.Minute)
		for !seen && time.Now().Before(deadline) {
			seen = len(openLoadTxns(t, ctx, conn)) > 0
		}
		if !seen {
			t.Fatalf("try %d: no load transaction was seen open within 3 minutes", try)
		}
		if err := orch.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		waitExit(orch)
		orphan = openLoadTxns(t, ctx, conn)
		t.Logf("try %d: killed the orchestrator; load transactions left open: %v", try, orphan)
		orch = s.startOrchestrator()
		if len(orphan) > 0 {
			if out, code := s.starter(5*time.Minute, "watch", name); code != 0 {
				t.Fatalf("watch exit %d after the orchestrator died inside a merge transaction:\n%s", code, out)
			}
		}
	}
	if len(orphan) == 0 {
		t.Fatal("5 kills never landed inside a load transaction: cannot test the case")
	}
	if n := s.sfInt("SELECT COUNT(*) FROM E2E.KILLMERGE.KILLMERGE"); n != rows {
		t.Errorf("target has %d rows, want %d", n, rows)
	}
	if n := s.sfInt("SELECT COUNT(DISTINCT ID) FROM E2E.KILLMERGE.KILLMERGE"); n != rows {
		t.Errorf("target has %d distinct ids, want %d", n, rows)
	}
	if n := s.sfInt("SELECT COUNT(*) FROM E2E.KILLMERGE.KILLMERGE WHERE QTY <> 'w' || ID OR UPDATED_AT < '2024-02-01 00:00:00+00:00'::TIMESTAMP_TZ"); n != 0 {
		t.Errorf("%d target rows keep their old version", n)
	}
	const pm = "SNOWCONVERT_AI.DATA_MIGRATION.PARTITION_METADATA WHERE WORKFLOW_ID = '" + name + "' AND WATERMARK_HIGH IS NOT NULL"
	if parts, loaded := s.sfInt("SELECT COUNT(*) FROM "+pm), s.sfInt("SELECT COUNT(*) FROM "+pm+" AND LOADED_AT IS NOT NULL"); parts < 2 || loaded != parts {
		t.Errorf("re-run partition metadata: %d rows, %d loaded; want every one loaded once", parts, loaded)
	}
	if got := s.sfInt("SELECT SUM(ROWS_LOADED) FROM " + pm); got != rows {
		t.Errorf("re-run partitions loaded %d rows, want %d", got, rows)
	}
	if left := openLoadTxns(t, ctx, conn); len(left) > 0 {
		t.Errorf("load transactions still open: %v", left)
	}
	if n := s.sfInt(`SELECT COUNT(*) FROM E2E.INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME LIKE 'SNOWMIGRATE_STG_%'`); n != 0 {
		t.Errorf("%d staging tables left behind", n)
	}
}
