package e2e

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/interceptor"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/workflows"
)

// Watermark re-run partitions proven by value (docs/sync.md, "Guarantees"): every
// partition that loaded rows is checked by count and value checksum over its range's
// rows in the window, and a difference is located and listed.

// windowCheck is one VerifyPartition of a table workflow's history: its input and, when
// it completed, its result.
type windowCheck struct {
	in        snowflakeapi.VerifyPartitionInput
	res       snowflakeapi.VerifyPartitionResult
	completed bool
}

// windowChecks reads the VerifyPartition activities of the latest run of a migration's
// table workflow from the Temporal history.
func (s *stack) windowChecks(t *testing.T, migrationName, table string) []windowCheck {
	t.Helper()
	c := s.temporal.Client(t)
	dc := converter.GetDefaultDataConverter()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	byID := map[int64]*windowCheck{}
	var order []int64
	it := c.GetWorkflowHistory(ctx, workflows.TableWorkflowID(migrationName, s.pgDB+".public."+table), "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		if a := ev.GetActivityTaskScheduledEventAttributes(); a != nil && a.GetActivityType().GetName() == snowflakeapi.VerifyPartitionName {
			wc := &windowCheck{}
			if err := dc.FromPayloads(a.GetInput(), &wc.in); err != nil {
				t.Fatal(err)
			}
			byID[ev.GetEventId()] = wc
			order = append(order, ev.GetEventId())
		}
		if a := ev.GetActivityTaskCompletedEventAttributes(); a != nil {
			if wc := byID[a.GetScheduledEventId()]; wc != nil {
				if err := dc.FromPayloads(a.GetResult(), &wc.res); err != nil {
					t.Fatal(err)
				}
				wc.completed = true
			}
		}
	}
	out := make([]windowCheck, len(order))
	for i, id := range order {
		out[i] = *byID[id]
	}
	return out
}

// assertComparedByValue checks that a re-run verified at least minParts partitions, each
// over the window that starts at low, and that each compared a value checksum (the
// extractor's, equal to the target's).
func (s *stack) assertComparedByValue(t *testing.T, table, low string, minParts int) {
	t.Helper()
	checks := s.windowChecks(t, resyncMigration, table)
	if len(checks) < minParts {
		t.Fatalf("%s: %d partitions verified, want at least %d", table, len(checks), minParts)
	}
	for _, c := range checks {
		if c.in.Window == nil || c.in.Window.Low == nil || *c.in.Window.Low != low {
			t.Fatalf("%s partition %d verified without the window starting at %s: %+v", table, c.in.Partition.Number, low, c.in.Window)
		}
		if !c.completed || c.in.SourceChecksum == "" || c.res.TargetChecksum != c.in.SourceChecksum || c.res.ValueNotCompared != "" ||
			c.res.TargetRows != c.in.RowsExtracted || c.in.RowsExtracted == 0 {
			t.Fatalf("%s partition %d: value not compared: input %+v result %+v", table, c.in.Partition.Number, c.in, c.res)
		}
	}
}

// syncTamperer is an activity interceptor of the in-process orchestrator: after
// LoadSyncPartition of a partition of table whose key range holds a corruption's key,
// it runs the corruption (once) through its own Snowflake connection, between the
// load and the partition's verify.
type syncTamperer struct {
	interceptor.WorkerInterceptorBase
	t       *testing.T
	s       *stack
	mu      sync.Mutex
	pending map[string][]corruption // table key → corruptions
	applied map[string]int          // "<table key>/<id>" → partition number whose load it followed
}

func (w *syncTamperer) InterceptActivity(ctx context.Context, next interceptor.ActivityInboundInterceptor) interceptor.ActivityInboundInterceptor {
	i := &syncTampererInbound{w: w}
	i.Next = next
	return i
}

type syncTampererInbound struct {
	interceptor.ActivityInboundInterceptorBase
	w *syncTamperer
}

func (i *syncTampererInbound) ExecuteActivity(ctx context.Context, in *interceptor.ExecuteActivityInput) (any, error) {
	res, err := i.Next.ExecuteActivity(ctx, in)
	if err != nil || activity.GetInfo(ctx).ActivityType.Name != snowflakeapi.LoadSyncPartitionName || len(in.Args) != 1 {
		return res, err
	}
	lp, ok := in.Args[0].(snowflakeapi.LoadSyncPartitionInput)
	if !ok {
		i.w.t.Errorf("LoadSyncPartition argument is %T", in.Args[0])
		return res, err
	}
	i.w.afterLoad(lp)
	return res, err
}

func (w *syncTamperer) afterLoad(lp snowflakeapi.LoadSyncPartitionInput) {
	p := lp.Partition
	if p.NullKeys {
		return
	}
	var lo, hi int64
	hasLo, hasHi := p.Lower != nil, p.Upper != nil
	if hasLo {
		fmt.Sscan(p.Lower[0], &lo)
	}
	if hasHi {
		fmt.Sscan(p.Upper[0], &hi)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, c := range w.pending[lp.TableKey] {
		k := fmt.Sprintf("%s/%d", lp.TableKey, c.id)
		if _, done := w.applied[k]; done || (hasLo && c.id <= lo) || (hasHi && c.id > hi) {
			continue
		}
		if _, err := w.s.sf().Exec(c.sql); err != nil {
			w.t.Errorf("tamperer %q: %v", c.sql, err)
			continue
		}
		w.applied[k] = p.Number
	}
}

// TestResyncWatermarkMismatchLocated re-runs an appended and a merged table after three
// updates; a second writer changes one loaded row of each between its load and its
// verify. Exactly those two partitions fail (the others are proven by value), the
// tables keep their marks, and DATA_MIGRATION_ERROR names the changed key, column and
// both values, found over the window's rows on both sides.
func TestResyncWatermarkMismatchLocated(t *testing.T) {
	s := newStack(t)
	s.pgExec(resyncDDL...)
	// versions: merged by a primary key the source does not enforce, so a window can
	// hold two versions of a key (they merge into one row).
	s.pgExec(`CREATE TABLE versions (id int NOT NULL, qty text NOT NULL, updated_at timestamptz NOT NULL)`,
		`INSERT INTO versions SELECT * FROM merged`)
	appendedKey, mergedKey := s.pgDB+".public.appended", s.pgDB+".public.merged"
	w := &syncTamperer{t: t, s: s, applied: map[string]int{}, pending: map[string][]corruption{
		appendedKey: {{15, `UPDATE E2E.PUBLIC.APPENDED SET QTY = 7 WHERE ID = 15 AND UPDATED_AT > '2024-01-01 00:50:00+00:00'::TIMESTAMP_TZ`}},
		mergedKey:   {{25, `UPDATE E2E.PUBLIC.MERGED SET QTY = 'tampered' WHERE ID = 25`}},
	}}
	startInProcessOrchestrator(t, s, w)
	s.startSourceWorker("source1", 2)
	cfg := s.writeConfig("resync-locate.json", fmt.Sprintf(`{
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
      "synchronization": { "strategy": "watermark", "watermarkColumn": "updated_at", "trackModifications": true } },
    { "source": { "tableName": "versions" }, "target": { "tableName": "VERSIONS" },
      "primaryKeyColumns": ["id"],
      "synchronization": { "strategy": "watermark", "watermarkColumn": "updated_at", "trackModifications": true } }
  ]
}`, s.pgDB))

	s.resyncRun(t, cfg, 1, true) // a full load: no LoadSyncPartition, nothing tampered
	if len(w.applied) != 0 {
		t.Fatalf("tampered during the full load: %v", w.applied)
	}
	s.resyncChange(`UPDATE $T SET qty = (id + 1000)::text, updated_at = timestamptz '2024-02-02 00:00+00' WHERE id IN (5, 15, 25)`)
	s.pgExec(`INSERT INTO versions VALUES (7, 'v1', timestamptz '2024-02-01 00:00+00'), (7, 'v2', timestamptz '2024-02-03 00:00+00')`)
	s.resyncRun(t, cfg, 2, false)

	// versions: the range of key 7 extracted 2 rows that merged into 1 key; it cannot be
	// compared by value, is proven by count, says why, and the table completes.
	if m := s.mark("versions"); m != "2024-02-03 00:00:00.000000+00:00" {
		t.Fatalf("versions completed? its mark is %q", m)
	}
	notCompared := 0
	for _, c := range s.windowChecks(t, resyncMigration, "versions") {
		if !c.completed {
			t.Fatalf("versions partition %d failed its check: %+v", c.in.Partition.Number, c.in)
		}
		if c.res.ValueNotCompared != "" {
			notCompared++
			if c.in.RowsExtracted != 2 || c.in.RowsMerged != 1 || !strings.Contains(c.res.ValueNotCompared, "2 rows extracted were merged into 1 keys") {
				t.Fatalf("versions partition %d: %+v -> %+v", c.in.Partition.Number, c.in, c.res)
			}
		} else if c.res.TargetChecksum == "" || c.res.TargetChecksum != c.in.SourceChecksum {
			t.Fatalf("versions partition %d not compared by value: %+v -> %+v", c.in.Partition.Number, c.in, c.res)
		}
	}
	if notCompared != 1 {
		t.Fatalf("versions: %d partitions proven by count only, want the one holding key 7", notCompared)
	}
	if n := s.sfInt(`SELECT COUNT(*) FROM SNOWCONVERT_AI.DATA_MIGRATION.MIGRATION_WARNING WHERE WORKFLOW_ID = '` + resyncMigration +
		`' AND CATEGORY = 'VALUE_NOT_COMPARED' AND TABLE_KEY = '` + s.pgDB + `.public.versions'`); n != 1 {
		t.Fatalf("%d VALUE_NOT_COMPARED warnings for versions, want 1", n)
	}
	if n := s.sfInt(`SELECT COUNT(*) FROM E2E.PUBLIC.VERSIONS WHERE ID = 7 AND QTY = 'v2'`); n != 1 || s.sfInt(`SELECT COUNT(*) FROM E2E.PUBLIC.VERSIONS WHERE ID = 7`) != 1 {
		t.Fatal("key 7 does not hold exactly its newest version")
	}

	for key, c := range map[string]int64{appendedKey: 15, mergedKey: 25} {
		if _, ok := w.applied[fmt.Sprintf("%s/%d", key, c)]; !ok {
			t.Fatalf("the row %d of %s was never tampered with (applied %v)", c, key, w.applied)
		}
	}
	for _, tbl := range []string{"appended", "merged"} {
		if m := s.mark(tbl); m != "2024-01-01 00:50:00.000000+00:00" {
			t.Fatalf("%s failed but its mark moved to %q", tbl, m)
		}
		// The partitions without a tampered row were proven by value; the tampered one
		// failed its checksum, with counts equal.
		checks := s.windowChecks(t, resyncMigration, tbl)
		failed := 0
		for _, c := range checks {
			if c.in.Window == nil || c.in.SourceChecksum == "" {
				t.Fatalf("%s partition %d verified without the window or the extractor's checksum: %+v", tbl, c.in.Partition.Number, c.in)
			}
			if !c.completed {
				failed++
				continue
			}
			if c.res.TargetChecksum != c.in.SourceChecksum || c.res.TargetRows != 1 {
				t.Fatalf("%s partition %d: %+v -> %+v", tbl, c.in.Partition.Number, c.in, c.res)
			}
		}
		if len(checks) != 3 || failed != 1 {
			t.Fatalf("%s: %d partitions verified, %d failed; want 3 (one changed row each) and 1", tbl, len(checks), failed)
		}
	}

	rows, err := s.sf().Query(`SELECT TABLE_KEY, PARTITION_NUMBER, DIFFERENCE_KIND, ROW_KEY, COALESCE(COLUMN_NAME, '-'), COALESCE(SOURCE_VALUE, '-'), COALESCE(TARGET_VALUE, '-')
		FROM SNOWCONVERT_AI.DATA_MIGRATION.DATA_MIGRATION_ERROR WHERE WORKFLOW_ID = '` + resyncMigration + `' AND DIFFERENCE_KIND IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var (
			p                          int
			tk, kind, key, col, sv, tv string
		)
		if err := rows.Scan(&tk, &p, &kind, &key, &col, &sv, &tv); err != nil {
			t.Fatal(err)
		}
		var id int64
		fmt.Sscan(key, &id)
		if w.applied[fmt.Sprintf("%s/%d", tk, id)] != p {
			t.Errorf("key %s of %s reported under partition %d, tampered after the load of partition %d", key, tk, p, w.applied[fmt.Sprintf("%s/%d", tk, id)])
		}
		got = append(got, strings.Join([]string{strings.TrimPrefix(tk, s.pgDB+".public."), kind, key, col, sv, tv}, " | "))
	}
	rows.Close()
	sort.Strings(got)
	want := []string{
		"appended | DIFFERENT | 15 | QTY | 1015 | 7",
		"merged | DIFFERENT | 25 | QTY | 1025 | tampered",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("located differences:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
