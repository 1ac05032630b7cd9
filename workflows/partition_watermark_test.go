package workflows

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/activities/sourceapi"
	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/migration"
)

func sp(s string) *string { return &s }

// syncWorld adds the watermark re-sync's activities to the fake world.
type syncWorld struct {
	*world
	mu       sync.Mutex
	high     *string               // MaxWatermark's answer
	low      *string               // ReadSyncBaseline's mark
	baseline string                // ReadSyncBaseline's baseline run
	stored   []migration.Partition // the baseline run's partitions, in number order
	marks    []snowflakeapi.RecordSyncMarkInput
	syncLoad []snowflakeapi.LoadSyncPartitionInput
	prepSync []string
	windows  []*migration.WatermarkWindow // windows seen by Extract
	pages    []int                        // AfterNumber of each ReadPartitionBounds call
	planned  [][]string                   // After of each PlanPartitions call
	verifies []snowflakeapi.VerifyPartitionInput
	empty    map[int]bool // range index (1-based) whose window holds no row
	// probe is ProbeWindow's behaviour: "" counts from empty, "unsupported" answers
	// Supported false, "fail" fails permanently.
	probe     string
	probes    [][]int // partition numbers of each ProbeWindow call
	extracted []int   // partition number of each Extract call
}

func newSyncWorld(hostQueue string) *syncWorld { return &syncWorld{world: newWorld(hostQueue)} }

func (w *syncWorld) MaxWatermark(ctx context.Context, in sourceapi.MaxWatermarkInput) (sourceapi.MaxWatermarkResult, error) {
	w.count(sourceapi.MaxWatermarkName)
	res := sourceapi.MaxWatermarkResult{Column: "v", High: w.high}
	if s := in.Table.Synchronization; s.TrackModifications != nil && *s.TrackModifications {
		res.PrimaryKeys = []string{"id"}
	}
	return res, nil
}

func (w *syncWorld) ReadSyncBaseline(ctx context.Context, in snowflakeapi.ReadSyncBaselineInput) (snowflakeapi.ReadSyncBaselineResult, error) {
	w.count(snowflakeapi.ReadSyncBaselineName)
	return snowflakeapi.ReadSyncBaselineResult{Low: w.low, BaselineRunID: w.baseline}, nil
}

func (w *syncWorld) ReadPartitionBounds(ctx context.Context, in snowflakeapi.ReadPartitionBoundsInput) (snowflakeapi.ReadPartitionBoundsResult, error) {
	w.count(snowflakeapi.ReadPartitionBoundsName)
	w.mu.Lock()
	w.pages = append(w.pages, in.AfterNumber)
	w.mu.Unlock()
	var res snowflakeapi.ReadPartitionBoundsResult
	for _, p := range w.stored {
		if p.Number > in.AfterNumber && len(res.Partitions) < in.MaxPartitions {
			res.Partitions = append(res.Partitions, p)
		}
	}
	res.Done = len(res.Partitions) == 0 || res.Partitions[len(res.Partitions)-1].Number == w.stored[len(w.stored)-1].Number
	return res, nil
}

func (w *syncWorld) LoadSyncPartition(ctx context.Context, in snowflakeapi.LoadSyncPartitionInput) (snowflakeapi.LoadSyncPartitionResult, error) {
	w.count(snowflakeapi.LoadSyncPartitionName)
	t := w.table(in.TableKey)
	w.mu.Lock()
	w.syncLoad = append(w.syncLoad, in)
	w.mu.Unlock()
	w.world.mu.Lock()
	w.loads[rangeID(in.TableKey, rangeIndex(t, in.Partition))]++
	w.loadedRow[in.TableKey] += in.RowsExtracted
	w.world.mu.Unlock()
	res := snowflakeapi.LoadSyncPartitionResult{RowsLoaded: in.RowsExtracted}
	if in.Merge {
		res.RowsMerged = in.RowsExtracted // one version per key
	}
	return res, nil
}

func (w *syncWorld) VerifyPartition(ctx context.Context, in snowflakeapi.VerifyPartitionInput) (snowflakeapi.VerifyPartitionResult, error) {
	w.mu.Lock()
	w.verifies = append(w.verifies, in)
	w.mu.Unlock()
	return w.world.VerifyPartition(ctx, in)
}

func (w *syncWorld) RecordSyncMark(ctx context.Context, in snowflakeapi.RecordSyncMarkInput) error {
	w.count(snowflakeapi.RecordSyncMarkName)
	w.mu.Lock()
	w.marks = append(w.marks, in)
	w.mu.Unlock()
	return nil
}

// Wrappers that note what the sync path must pass on.
func (w *syncWorld) PrepareTarget(ctx context.Context, in snowflakeapi.PrepareTargetInput) (snowflakeapi.PrepareTargetResult, error) {
	w.mu.Lock()
	w.prepSync = append(w.prepSync, in.Sync)
	w.mu.Unlock()
	return w.world.PrepareTarget(ctx, in)
}

func (w *syncWorld) Extract(ctx context.Context, in sourceapi.ExtractInput) (sourceapi.ExtractResult, error) {
	w.mu.Lock()
	w.windows = append(w.windows, in.Window)
	w.extracted = append(w.extracted, in.Partition.Number)
	empty := w.empty[rangeIndex(w.table(in.TableKey), in.Partition)] || (in.Partition.NullKeys && w.table(in.TableKey).NullRows == 0)
	w.mu.Unlock()
	if empty && in.Window != nil {
		w.count(sourceapi.ExtractName)
		return sourceapi.ExtractResult{HostQueue: w.hostQueue}, nil // no row: no file
	}
	return w.world.Extract(ctx, in)
}

func (w *syncWorld) PlanPartitions(ctx context.Context, in sourceapi.PlanPartitionsInput) (sourceapi.PlanPartitionsResult, error) {
	w.mu.Lock()
	w.planned = append(w.planned, in.After)
	w.mu.Unlock()
	if in.Window == nil {
		return sourceapi.PlanPartitionsResult{}, temporal.NewNonRetryableApplicationError("plan without the watermark window", migration.ErrTypeConfig, nil)
	}
	return w.world.PlanPartitions(ctx, in)
}

// ProbeWindow counts each partition's rows of the window as Extract would find them.
func (w *syncWorld) ProbeWindow(ctx context.Context, in sourceapi.ProbeWindowInput) (sourceapi.ProbeWindowResult, error) {
	w.count(sourceapi.ProbeWindowName)
	w.mu.Lock()
	defer w.mu.Unlock()
	var nums []int
	for _, p := range in.Partitions {
		nums = append(nums, p.Number)
	}
	w.probes = append(w.probes, nums)
	switch w.probe {
	case "unsupported":
		return sourceapi.ProbeWindowResult{}, nil
	case "fail":
		return sourceapi.ProbeWindowResult{}, temporal.NewNonRetryableApplicationError("probe failed", "SourceUnavailable", nil)
	}
	t := w.table(in.TableKey)
	res := sourceapi.ProbeWindowResult{Supported: true}
	for _, p := range in.Partitions {
		rows := t.RowsPer
		if p.NullKeys {
			rows = t.NullRows
		}
		if w.empty[rangeIndex(t, p)] {
			rows = 0
		}
		res.Counts = append(res.Counts, sourceapi.PartitionCount{Number: p.Number, Rows: rows})
	}
	return res, nil
}

func (w *syncWorld) register(r registrar) {
	r.RegisterActivityWithOptions(w.ProbeWindow, activity.RegisterOptions{Name: sourceapi.ProbeWindowName})
	r.RegisterActivityWithOptions(w.MaxWatermark, activity.RegisterOptions{Name: sourceapi.MaxWatermarkName})
	r.RegisterActivityWithOptions(w.ReadSyncBaseline, activity.RegisterOptions{Name: snowflakeapi.ReadSyncBaselineName})
	r.RegisterActivityWithOptions(w.ReadPartitionBounds, activity.RegisterOptions{Name: snowflakeapi.ReadPartitionBoundsName})
	r.RegisterActivityWithOptions(w.LoadSyncPartition, activity.RegisterOptions{Name: snowflakeapi.LoadSyncPartitionName})
	r.RegisterActivityWithOptions(w.RecordSyncMark, activity.RegisterOptions{Name: snowflakeapi.RecordSyncMarkName})
	r.RegisterActivityWithOptions(w.PrepareTarget, activity.RegisterOptions{Name: snowflakeapi.PrepareTargetName})
	r.RegisterActivityWithOptions(w.Extract, activity.RegisterOptions{Name: sourceapi.ExtractName})
	r.RegisterActivityWithOptions(w.PlanPartitions, activity.RegisterOptions{Name: sourceapi.PlanPartitionsName})
	r.RegisterActivityWithOptions(w.VerifyPartition, activity.RegisterOptions{Name: snowflakeapi.VerifyPartitionName})
}

// watermarkInput is a table input with synchronization watermark on column v.
func watermarkInput(t *testing.T, name string, merge bool, lim Limits) TableInput {
	t.Helper()
	c := migrationConfig(name)
	c.Tables[0].Synchronization = &config.Synchronization{Strategy: config.SyncWatermark, WatermarkColumn: "v"}
	if merge {
		yes := true
		c.Tables[0].Synchronization.TrackModifications = &yes
		c.Tables[0].PrimaryKeyColumns = []string{"id"}
	}
	n, problems := config.Normalize(c, config.PlatformPostgreSQL)
	if len(problems) > 0 {
		t.Fatalf("config: %v", problems)
	}
	in := tableInput(t, name, lim)
	in.Table = n.Tables[0]
	return in
}

func runSyncTable(t *testing.T, w *syncWorld, in TableInput) (TableResult, error) {
	t.Helper()
	env := newEnv(t, w.world)
	w.register(env)
	env.ExecuteWorkflow(TableMigrationWorkflowName, in)
	if !env.IsWorkflowCompleted() {
		t.Fatal("table workflow did not complete")
	}
	var res TableResult
	err := env.GetWorkflowError()
	if err == nil {
		if gerr := env.GetWorkflowResult(&res); gerr != nil {
			t.Fatal(gerr)
		}
	}
	return res, err
}

func TestWatermarkFirstRunIsAFullLoadAndRecordsTheMark(t *testing.T) {
	w := newSyncWorld("h")
	w.add("orders", &fakeTable{Partitions: 4, RowsPer: 10, NullRows: 2})
	w.high = sp("2024-05-01 10:00:00.000000+00:00")
	res, err := runSyncTable(t, w, watermarkInput(t, "orders", false, Limits{PlanPageSize: 2}))
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != migration.StatusCompleted || res.Rows != 42 {
		t.Fatalf("result %+v", res)
	}
	if !slices.Equal(w.prepSync, []string{config.SyncNone}) {
		t.Fatalf("first run prepared the target with %q, want it emptied (none)", w.prepSync)
	}
	for _, win := range w.windows {
		if win == nil || win.Low != nil || *win.High != *w.high || !win.IncludeNull || win.Column != "v" {
			t.Fatalf("extract window %+v", win)
		}
	}
	if w.callCount(snowflakeapi.LoadPartitionName) != 5 || w.callCount(snowflakeapi.VerifyPartitionName) != 5 || len(w.syncLoad) != 0 {
		t.Fatal("a first run loads and verifies like a full migration")
	}
	if len(w.marks) != 1 || *w.marks[0].High != *w.high || w.marks[0].Low != nil || w.marks[0].Rows != 42 {
		t.Fatalf("marks %+v", w.marks)
	}
	w.assertExactlyOnce(t, "db.public.orders")
}

func TestWatermarkRerunReusesPartitionsAndMergesTheWindow(t *testing.T) {
	w := newSyncWorld("h")
	w.add("orders", &fakeTable{Partitions: 6, RowsPer: 10, NullRows: 1})
	w.low, w.high, w.baseline = sp("41"), sp("97"), "run-0"
	w.stored = []migration.Partition{
		{Number: 0, NullKeys: true},
		{Number: 1, Upper: []string{"10"}},
		{Number: 2, Lower: []string{"10"}, Upper: []string{"20"}},
		{Number: 3, Lower: []string{"20"}, Upper: []string{"30"}},
		{Number: 4, Lower: []string{"30"}},
	}
	res, err := runSyncTable(t, w, watermarkInput(t, "orders", true, Limits{PlanPageSize: 2, PartitionsPerRun: 100}))
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != migration.StatusCompleted || res.Rows != 61 || res.Partitions != 7 {
		t.Fatalf("result %+v", res)
	}
	if !slices.Equal(w.prepSync, []string{config.SyncWatermark}) {
		t.Fatalf("re-run prepared the target with %q; it must not be emptied", w.prepSync)
	}
	if !slices.Equal(w.pages, []int{-1, 1, 3}) {
		t.Fatalf("stored pages read after %v", w.pages)
	}
	if len(w.planned) == 0 || !slices.Equal(w.planned[0], []string{"30"}) {
		t.Fatalf("fresh planning started after %v, want after the last reused bound 30", w.planned)
	}
	if w.callCount(snowflakeapi.LoadPartitionName) != 0 || w.callCount(snowflakeapi.VerifyPartitionName) != 7 || len(w.syncLoad) != 7 {
		t.Fatalf("re-run loads: %d plain, %d verify, %d sync", w.callCount(snowflakeapi.LoadPartitionName), w.callCount(snowflakeapi.VerifyPartitionName), len(w.syncLoad))
	}
	numbers := map[int]bool{}
	for _, l := range w.syncLoad {
		if !l.Merge || *l.Low != "41" || !slices.Equal(l.PrimaryKeys, []string{"ID"}) || l.Watermark.TargetName != "V" {
			t.Fatalf("sync load %+v", l)
		}
		if numbers[l.Partition.Number] {
			t.Fatalf("partition number %d used twice", l.Partition.Number)
		}
		numbers[l.Partition.Number] = true
	}
	for n := 0; n <= 3; n++ {
		if !numbers[n] {
			t.Fatalf("stored partition %d not reused (numbers %v)", n, numbers)
		}
	}
	// Every loaded partition is verified over its range's rows in the window, as a
	// merge whose rows were one version per key.
	for _, v := range w.verifies {
		if v.Window == nil || *v.Window.Low != "41" || *v.Window.High != "97" || v.Window.IncludeNull || !v.Merge || v.RowsMerged != v.RowsExtracted {
			t.Fatalf("verify %+v (window %+v)", v, v.Window)
		}
	}
	if len(w.marks) != 1 || *w.marks[0].High != "97" || *w.marks[0].Low != "41" {
		t.Fatalf("marks %+v", w.marks)
	}
	w.assertExactlyOnce(t, "db.public.orders")
}

// A re-run verifies only what it loaded: a partition whose window held no row writes
// no file and runs neither load nor verify; a loaded partition whose verify fails
// fails the table, which keeps its mark.
func TestWatermarkRerunVerifiesWhatItLoaded(t *testing.T) {
	stored := []migration.Partition{
		{Number: 1, Upper: []string{"10"}},
		{Number: 2, Lower: []string{"10"}, Upper: []string{"20"}},
		{Number: 3, Lower: []string{"20"}},
	}
	w := newSyncWorld("h")
	w.add("orders", &fakeTable{Partitions: 3, RowsPer: 10})
	w.low, w.high, w.baseline, w.stored, w.empty = sp("41"), sp("97"), "run-0", stored, map[int]bool{2: true}
	res, err := runSyncTable(t, w, watermarkInput(t, "orders", false, Limits{}))
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != migration.StatusCompleted || res.Rows != 20 {
		t.Fatalf("result %+v", res)
	}
	var verified []int
	for _, v := range w.verifies {
		if v.Window == nil || *v.Window.Low != "41" || v.Merge || v.RowsLoaded != 10 {
			t.Fatalf("verify %+v", v)
		}
		verified = append(verified, v.Partition.Number)
	}
	// Partition 1 (reused) and the range above 20 (planned afresh) loaded rows.
	if len(verified) != 2 || !slices.Contains(verified, 1) || slices.Contains(verified, 2) || len(w.syncLoad) != 2 {
		t.Fatalf("verified %v with %d loads; want the two partitions that loaded rows", verified, len(w.syncLoad))
	}

	w = newSyncWorld("h")
	w.add("orders", &fakeTable{Partitions: 3, RowsPer: 10, FailVerify: map[int]bool{3: true}})
	w.low, w.high, w.baseline, w.stored = sp("41"), sp("97"), "run-0", stored
	_, err = runSyncTable(t, w, watermarkInput(t, "orders", false, Limits{}))
	if res, ok := TableResultFromError(err); !ok || res.Status != migration.StatusFailed {
		t.Fatalf("want a failed table, got %v", err)
	}
	if len(w.marks) != 0 {
		t.Fatalf("a table with a failed verify recorded its mark: %+v", w.marks)
	}
}

func TestWatermarkUnchangedMovesNothingAndCompletes(t *testing.T) {
	w := newSyncWorld("h")
	w.add("orders", &fakeTable{Partitions: 3, RowsPer: 10})
	w.low, w.high, w.baseline = sp("97"), sp("97"), "run-0"
	res, err := runSyncTable(t, w, watermarkInput(t, "orders", false, Limits{}))
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != migration.StatusCompleted || res.Rows != 0 || res.Partitions != 0 {
		t.Fatalf("result %+v", res)
	}
	if w.callCount(sourceapi.ExtractName) != 0 || len(w.marks) != 1 || *w.marks[0].High != "97" {
		t.Fatalf("extracts %d, marks %+v", w.callCount(sourceapi.ExtractName), w.marks)
	}
}

func TestWatermarkFailedTableKeepsTheMark(t *testing.T) {
	w := newSyncWorld("h")
	w.add("orders", &fakeTable{Partitions: 3, RowsPer: 10, FailVerify: map[int]bool{2: true}})
	w.high = sp("5")
	_, err := runSyncTable(t, w, watermarkInput(t, "orders", false, Limits{}))
	if res, ok := TableResultFromError(err); !ok || res.Status != migration.StatusFailed {
		t.Fatalf("want a failed table, got %v", err)
	}
	if len(w.marks) != 0 {
		t.Fatalf("a failed table recorded its mark: %+v", w.marks)
	}
}

// Reused partitions across continue-as-new: every range is loaded exactly once and the
// reuse resumes where the last run stopped.
func TestWatermarkReuseSurvivesContinueAsNew(t *testing.T) {
	w := newSyncWorld("h")
	w.add("orders", &fakeTable{Partitions: 8, RowsPer: 10, NullRows: 3})
	w.low, w.high, w.baseline = sp("1"), sp("2"), "run-0"
	w.stored = []migration.Partition{{Number: 0, NullKeys: true}, {Number: 1, Upper: []string{"10"}}}
	for i := 2; i <= 5; i++ {
		w.stored = append(w.stored, migration.Partition{Number: i, Lower: []string{fmt.Sprint((i - 1) * 10)}, Upper: []string{fmt.Sprint(i * 10)}})
	}
	w.stored = append(w.stored, migration.Partition{Number: 6, Lower: []string{"50"}})
	in := watermarkInput(t, "orders", false, Limits{PlanPageSize: 3, PartitionsPerRun: 2, PartitionWindow: 2})
	var res TableResult
	for runs := 0; ; runs++ {
		if runs > 20 {
			t.Fatal("no end after 20 runs")
		}
		r, err := runSyncTable(t, w, in)
		if err == nil {
			res = r
			break
		}
		var next TableInput
		continuedInput(t, err, &next)
		in = next
	}
	if res.Status != migration.StatusCompleted || res.Rows != 83 || res.Partitions != 9 {
		t.Fatalf("result %+v", res)
	}
	w.assertExactlyOnce(t, "db.public.orders")
	for _, l := range w.syncLoad {
		if l.Partition.Number <= 5 && !slices.ContainsFunc(w.stored, func(p migration.Partition) bool {
			return p.Number == l.Partition.Number && slices.Equal(p.Lower, l.Partition.Lower) && slices.Equal(p.Upper, l.Partition.Upper)
		}) {
			t.Fatalf("partition %+v is not the stored one", l.Partition)
		}
	}
	if len(w.marks) != 1 {
		t.Fatalf("marks %+v", w.marks)
	}
}

func TestCanonicalLess(t *testing.T) {
	for _, c := range []struct {
		a, b string
		less bool
	}{
		{"9", "10", true}, {"10", "9", false}, {"-5", "3", true}, {"-1", "-10", false}, {"-10", "-1", true}, {"2.50", "2.5", false}, {"2.4", "2.5", true},
		{"2024-01-02", "2024-01-10", true}, {"2024-05-01 10:00:00.000000+00:00", "2024-05-01 09:59:59.999999+00:00", false},
	} {
		if got := canonicalLess(c.a, c.b); got != c.less {
			t.Errorf("canonicalLess(%q, %q) = %v", c.a, c.b, got)
		}
	}
}

func TestWatermarkMarkNeverMovesBackwards(t *testing.T) {
	w := newSyncWorld("h")
	w.add("orders", &fakeTable{Partitions: 2, RowsPer: 10})
	w.low, w.high, w.baseline = sp("100"), sp("90"), "run-0" // the newest rows were deleted
	res, err := runSyncTable(t, w, watermarkInput(t, "orders", false, Limits{}))
	if err != nil || res.Status != migration.StatusCompleted || res.Partitions != 0 {
		t.Fatalf("%+v %v", res, err)
	}
	if len(w.marks) != 1 || *w.marks[0].High != "100" {
		t.Fatalf("marks %+v", w.marks)
	}
}

// A re-run probes each page of reused partitions and extracts only those whose window
// holds rows; the others complete with 0 rows and the same mirror record as an
// extracted empty partition (COMPLETED, 0 rows, 1 attempt). A probe that fails, or a
// source without one, leaves every partition to Extract, with the same result.
func TestWatermarkProbeSkipsEmptyRanges(t *testing.T) {
	stored := []migration.Partition{
		{Number: 1, Upper: []string{"10"}},
		{Number: 2, Lower: []string{"10"}, Upper: []string{"20"}},
		{Number: 3, Lower: []string{"20"}, Upper: []string{"30"}},
		{Number: 4, Lower: []string{"30"}, Upper: []string{"40"}},
		{Number: 5, Lower: []string{"40"}},
	}
	run := func(probe string) *syncWorld {
		w := newSyncWorld("h")
		w.add("orders", &fakeTable{Partitions: 5, RowsPer: 10})
		w.low, w.high, w.baseline, w.stored, w.empty, w.probe = sp("41"), sp("97"), "run-0", stored, map[int]bool{2: true, 3: true}, probe
		res, err := runSyncTable(t, w, watermarkInput(t, "orders", false, Limits{PlanPageSize: 3}))
		if err != nil {
			t.Fatal(err)
		}
		// ranges 1, 4 and the re-planned tail (5) hold 10 rows each
		if res.Status != migration.StatusCompleted || res.Rows != 30 || res.Partitions != 6 {
			t.Fatalf("probe %q: result %+v", probe, res)
		}
		if len(w.marks) != 1 || *w.marks[0].High != "97" {
			t.Fatalf("probe %q: marks %+v", probe, w.marks)
		}
		recs := w.partRecs["db.public.orders"]
		for _, n := range []int{2, 3} {
			if u := recs[n]; u.Status != migration.StatusCompleted || u.Rows != 0 || u.Bytes != 0 || u.Attempts != 1 {
				t.Fatalf("probe %q: empty partition %d recorded %+v", probe, n, u)
			}
		}
		for i, want := range map[int]int{1: 1, 2: 0, 3: 0, 4: 1, 5: 1} {
			if got := w.loads[rangeID("db.public.orders", i)]; got != want {
				t.Fatalf("probe %q: range %d loaded %d times, want %d", probe, i, got, want)
			}
		}
		return w
	}

	w := run("")
	// Pages of reused partitions: [1 2 3] and [4 + the NULL-key partition 5]; the
	// tail above 40 is planned afresh and not probed.
	if len(w.probes) != 2 || !slices.Equal(w.probes[0], []int{1, 2, 3}) {
		t.Fatalf("probes %v", w.probes)
	}
	for _, n := range w.extracted {
		if n == 2 || n == 3 {
			t.Fatalf("partition %d was probed empty but extracted (extracts %v)", n, w.extracted)
		}
	}
	if !slices.Contains(w.extracted, 1) || !slices.Contains(w.extracted, 4) {
		t.Fatalf("partitions holding rows were not extracted: %v", w.extracted)
	}

	for _, mode := range []string{"fail", "unsupported"} {
		w := run(mode)
		if !slices.Contains(w.extracted, 2) || !slices.Contains(w.extracted, 3) {
			t.Fatalf("probe %q: every partition must be extracted, got %v", mode, w.extracted)
		}
	}
}
