package workflows

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/workflow"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/activities/sourceapi"
	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/migration"
)

// checksumWorld adds the checksum re-sync's activities to the fake world. Range i's
// checksum is "v1:sum-<i>" unless changed[i] says otherwise.
type checksumWorld struct {
	*world
	mu       sync.Mutex
	baseline string                          // ReadSyncBaseline's baseline run
	stored   []snowflakeapi.ChecksumBaseline // the baseline run's partitions, in number order
	changed  map[int]string                  // range index → the source's checksum now
	replaces []snowflakeapi.LoadResyncPartitionInput
	skips    []snowflakeapi.ResyncSkip
	sums     []int // range index of each source checksum
	prepSync []string
	pages    []int
	// fingerprints: the source computes fingerprints ("fp1:" + the checksum's part
	// after "v1:"); baselineFPs and extractFP record what the activities were asked.
	fingerprints bool
	baselineFPs  map[int]string
	extractFP    []bool
	paged        []int // range index of each partition fingerprinted by page
}

func newChecksumWorld(hostQueue string) *checksumWorld {
	return &checksumWorld{world: newWorld(hostQueue), changed: map[int]string{}, baselineFPs: map[int]string{}}
}

func (w *checksumWorld) sumOf(key string, p migration.Partition) (int, string) {
	i := rangeIndex(w.table(key), p)
	w.mu.Lock()
	defer w.mu.Unlock()
	if s, ok := w.changed[i]; ok {
		return i, s
	}
	return i, fmt.Sprintf("v1:sum-%d", i)
}

func (w *checksumWorld) ReadSyncBaseline(ctx context.Context, in snowflakeapi.ReadSyncBaselineInput) (snowflakeapi.ReadSyncBaselineResult, error) {
	w.count(snowflakeapi.ReadSyncBaselineName)
	return snowflakeapi.ReadSyncBaselineResult{BaselineRunID: w.baseline}, nil
}

func (w *checksumWorld) ReadChecksumBaselines(ctx context.Context, in snowflakeapi.ReadChecksumBaselinesInput) (snowflakeapi.ReadChecksumBaselinesResult, error) {
	w.count(snowflakeapi.ReadChecksumBaselinesName)
	w.mu.Lock()
	w.pages = append(w.pages, in.AfterNumber)
	w.mu.Unlock()
	var res snowflakeapi.ReadChecksumBaselinesResult
	for _, b := range w.stored {
		if b.Partition.Number > in.AfterNumber && len(res.Partitions) < in.MaxPartitions {
			res.Partitions = append(res.Partitions, b)
		}
	}
	res.Done = len(res.Partitions) == 0 || res.Partitions[len(res.Partitions)-1].Partition.Number == w.stored[len(w.stored)-1].Partition.Number
	return res, nil
}

func (w *checksumWorld) ChecksumPartition(ctx context.Context, in sourceapi.ChecksumPartitionInput) (sourceapi.ChecksumPartitionResult, error) {
	w.count(sourceapi.ChecksumPartitionName)
	i, s := w.sumOf(in.TableKey, in.Partition)
	w.mu.Lock()
	w.sums = append(w.sums, i)
	w.baselineFPs[i] = in.BaselineFingerprint
	w.mu.Unlock()
	if !w.fingerprints {
		return sourceapi.ChecksumPartitionResult{Checksum: s, Rows: 10}, nil
	}
	fp := "fp1:" + strings.TrimPrefix(s, "v1:")
	if strings.HasPrefix(in.BaselineFingerprint, "fp1:") {
		return sourceapi.ChecksumPartitionResult{Fingerprint: fp, Rows: 10}, nil
	}
	return sourceapi.ChecksumPartitionResult{Checksum: s, Fingerprint: fp, Rows: 10}, nil
}

func (w *checksumWorld) FingerprintPartitions(ctx context.Context, in sourceapi.FingerprintPartitionsInput) (sourceapi.FingerprintPartitionsResult, error) {
	w.count(sourceapi.FingerprintPartitionsName)
	if !w.fingerprints || in.Version != "fp1" {
		return sourceapi.FingerprintPartitionsResult{}, nil
	}
	res := sourceapi.FingerprintPartitionsResult{Supported: true}
	for _, p := range in.Partitions {
		i, s := w.sumOf(in.TableKey, p)
		w.mu.Lock()
		w.paged = append(w.paged, i)
		w.mu.Unlock()
		res.Fingerprints = append(res.Fingerprints, sourceapi.PartitionFingerprint{Number: p.Number, Fingerprint: "fp1:" + strings.TrimPrefix(s, "v1:"), Rows: 10})
	}
	return res, nil
}

func (w *checksumWorld) Extract(ctx context.Context, in sourceapi.ExtractInput) (sourceapi.ExtractResult, error) {
	res, err := w.world.Extract(ctx, in)
	_, res.Checksum = w.sumOf(in.TableKey, in.Partition)
	w.mu.Lock()
	w.extractFP = append(w.extractFP, in.Fingerprint)
	w.mu.Unlock()
	if w.fingerprints && in.Fingerprint {
		res.Fingerprint = "fp1:" + strings.TrimPrefix(res.Checksum, "v1:")
	}
	return res, err
}

func (w *checksumWorld) LoadResyncPartition(ctx context.Context, in snowflakeapi.LoadResyncPartitionInput) (snowflakeapi.LoadResyncPartitionResult, error) {
	w.count(snowflakeapi.LoadResyncPartitionName)
	t := w.table(in.TableKey)
	w.mu.Lock()
	w.replaces = append(w.replaces, in)
	w.mu.Unlock()
	w.world.mu.Lock()
	w.loads[rangeID(in.TableKey, rangeIndex(t, in.Partition))]++
	w.loadedRow[in.TableKey] += in.RowsExtracted
	w.world.mu.Unlock()
	return snowflakeapi.LoadResyncPartitionResult{RowsLoaded: in.RowsExtracted, RowsDeleted: 1}, nil
}

func (w *checksumWorld) RecordResyncSkip(ctx context.Context, in snowflakeapi.RecordResyncSkipInput) error {
	w.count(snowflakeapi.RecordResyncSkipName)
	w.mu.Lock()
	w.skips = append(w.skips, in.Skips...)
	w.mu.Unlock()
	return nil
}

func (w *checksumWorld) PrepareTarget(ctx context.Context, in snowflakeapi.PrepareTargetInput) (snowflakeapi.PrepareTargetResult, error) {
	w.mu.Lock()
	w.prepSync = append(w.prepSync, in.Sync)
	w.mu.Unlock()
	return w.world.PrepareTarget(ctx, in)
}

func (w *checksumWorld) register(r registrar) {
	r.RegisterActivityWithOptions(w.ReadSyncBaseline, activity.RegisterOptions{Name: snowflakeapi.ReadSyncBaselineName})
	r.RegisterActivityWithOptions(w.ReadChecksumBaselines, activity.RegisterOptions{Name: snowflakeapi.ReadChecksumBaselinesName})
	r.RegisterActivityWithOptions(w.ChecksumPartition, activity.RegisterOptions{Name: sourceapi.ChecksumPartitionName})
	r.RegisterActivityWithOptions(w.FingerprintPartitions, activity.RegisterOptions{Name: sourceapi.FingerprintPartitionsName})
	r.RegisterActivityWithOptions(w.Extract, activity.RegisterOptions{Name: sourceapi.ExtractName})
	r.RegisterActivityWithOptions(w.LoadResyncPartition, activity.RegisterOptions{Name: snowflakeapi.LoadResyncPartitionName})
	r.RegisterActivityWithOptions(w.RecordResyncSkip, activity.RegisterOptions{Name: snowflakeapi.RecordResyncSkipName})
	r.RegisterActivityWithOptions(w.PrepareTarget, activity.RegisterOptions{Name: snowflakeapi.PrepareTargetName})
}

// checksumInput is a table input with synchronization checksum.
func checksumInput(t *testing.T, name string, lim Limits) TableInput {
	t.Helper()
	c := migrationConfig(name)
	c.Tables[0].Synchronization = &config.Synchronization{Strategy: config.SyncChecksum}
	n, problems := config.Normalize(c, config.PlatformPostgreSQL)
	if len(problems) > 0 {
		t.Fatalf("config: %v", problems)
	}
	in := tableInput(t, name, lim)
	in.Table = n.Tables[0]
	return in
}

// runChecksumTable runs the table workflow, following continue-as-new (each run in a
// fresh environment with the carried input, as the server would).
func runChecksumTable(t *testing.T, w *checksumWorld, in TableInput) (TableResult, error) {
	t.Helper()
	for runs := 1; ; runs++ {
		env := newEnv(t, w.world)
		w.register(env)
		env.ExecuteWorkflow(TableMigrationWorkflowName, in)
		if !env.IsWorkflowCompleted() {
			t.Fatal("table workflow did not complete")
		}
		var res TableResult
		err := env.GetWorkflowError()
		var can *workflow.ContinueAsNewError
		if errors.As(err, &can) && runs < 20 {
			in = TableInput{}
			continuedInput(t, err, &in)
			continue
		}
		if err == nil {
			if gerr := env.GetWorkflowResult(&res); gerr != nil {
				t.Fatal(gerr)
			}
		}
		return res, err
	}
}

// A first run (no completed run before) is a full load into the emptied target: no
// source checksum, every partition replaced with action LOADED and its extractor
// checksum as baseline.
func TestChecksumFirstRunIsAFullLoadRecordingBaselines(t *testing.T) {
	w := newChecksumWorld(HostQueue(SourceQueue(DefaultTaskQueueBase, ""), "host-1"))
	w.add("events", &fakeTable{Partitions: 4, RowsPer: 10, NullRows: 2})
	res, err := runChecksumTable(t, w, checksumInput(t, "events", Limits{}))
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != migration.StatusCompleted || res.Rows != 42 {
		t.Fatalf("result %+v", res)
	}
	if len(w.prepSync) != 1 || w.prepSync[0] != config.SyncNone {
		t.Fatalf("PrepareTarget sync %v, want none (empty the target once)", w.prepSync)
	}
	if n := w.callCount(sourceapi.ChecksumPartitionName); n != 0 {
		t.Fatalf("a first run checksummed %d partitions on the source", n)
	}
	if len(w.replaces) != 5 || w.callCount(snowflakeapi.LoadPartitionName) != 0 || w.callCount(snowflakeapi.VerifyPartitionName) != 5 {
		t.Fatalf("%d replaces, %d plain loads, %d verifies; want 5, 0, 5", len(w.replaces), w.callCount(snowflakeapi.LoadPartitionName), w.callCount(snowflakeapi.VerifyPartitionName))
	}
	for _, r := range w.replaces {
		_, want := w.sumOf(r.TableKey, r.Partition)
		if r.Action != snowflakeapi.SyncActionLoaded || r.Checksum != want || len(r.PartitionBy) != 1 || !r.RangeEmpty {
			t.Errorf("partition %d replaced with action %s, checksum %q (want %q), partitionBy %v, range empty %v (want true: the first run emptied the table)",
				r.Partition.Number, r.Action, r.Checksum, want, r.PartitionBy, r.RangeEmpty)
		}
	}
}

// A re-run reuses the stored partitions: equal checksums are skipped (no extract),
// changed ones replaced as RELOADED, the open tail re-planned and loaded; a re-run
// that moves few rows still completes; continue-as-new re-reads the baselines.
func TestChecksumRerunSkipsUnchangedAndReplacesChanged(t *testing.T) {
	w := newChecksumWorld(HostQueue(SourceQueue(DefaultTaskQueueBase, ""), "host-1"))
	w.add("events", &fakeTable{Partitions: 5, RowsPer: 10})
	w.baseline = "run-0"
	for i := 1; i <= 4; i++ {
		p := migration.Partition{Number: i - 1}
		if i > 1 {
			p.Lower = []string{fmt.Sprint((i - 1) * 10)}
		}
		p.Upper = []string{fmt.Sprint(i * 10)}
		if i == 4 {
			p.Upper = nil // the last run's open tail: planned afresh
		}
		w.stored = append(w.stored, snowflakeapi.ChecksumBaseline{Partition: p, Checksum: fmt.Sprintf("v1:sum-%d", i)})
	}
	w.changed[2] = "v1:changed"
	res, err := runChecksumTable(t, w, checksumInput(t, "events", Limits{PartitionWindow: 2, PlanPageSize: 2, PartitionsPerRun: 2, MirrorBatch: 4}))
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != migration.StatusCompleted {
		t.Fatalf("result %+v", res)
	}
	if len(w.prepSync) != 1 || w.prepSync[0] != config.SyncChecksum {
		t.Fatalf("PrepareTarget sync %v, want checksum (keep the target)", w.prepSync)
	}
	// Ranges 1..3 were reused and checksummed; 1 and 3 skipped, 2 replaced; the stored
	// tail (keys above 30) was compared while planning (once per run that read the last
	// page), found changed (range 5 appeared), and its keys (ranges 4 and 5) planned
	// afresh and loaded as new.
	bounded, tail := 0, 0
	for _, i := range w.sums {
		switch {
		case i >= 1 && i <= 3:
			bounded++
		case i == 5: // rangeIndex of an open range
			tail++
		default:
			t.Errorf("source checksum of range %d", i)
		}
	}
	if bounded != 3 || tail < 1 || len(w.skips) != 2 {
		t.Fatalf("%d bounded and %d tail source checksums, %d skips (%+v); want 3, ≥1 and 2; pages %v, replaces %+v", bounded, tail, len(w.skips), w.skips, w.pages, w.replaces)
	}
	actions := map[int]string{}
	for _, r := range w.replaces {
		actions[rangeIndex(w.table(r.TableKey), r.Partition)] = r.Action
		if r.RangeEmpty { // a re-run's ranges hold the last run's rows (or a failed run's)
			t.Errorf("re-run partition %d replaced without its DELETE", r.Partition.Number)
		}
	}
	// Range 0 is the NULL-key partition the stored plan lacked: planned as new, it
	// replaces whatever NULL-key rows the target holds with the source's (none here).
	want := map[int]string{0: snowflakeapi.SyncActionLoaded, 2: snowflakeapi.SyncActionReloaded, 4: snowflakeapi.SyncActionLoaded, 5: snowflakeapi.SyncActionLoaded}
	if fmt.Sprint(actions) != fmt.Sprint(want) {
		t.Fatalf("replaced ranges %v, want %v", actions, want)
	}
	for _, s := range w.skips {
		if i := rangeIndex(w.table(tableKeyOf("events")), s.Partition); s.Checksum != fmt.Sprintf("v1:sum-%d", i) {
			t.Errorf("skip of range %d carries checksum %q", i, s.Checksum)
		}
	}
	if res.Rows != 30 || w.callCount(sourceapi.ExtractName) != 4 {
		t.Fatalf("moved %d rows in %d extracts, want 30 in 4", res.Rows, w.callCount(sourceapi.ExtractName))
	}
	if len(w.pages) < 2 {
		t.Fatalf("baselines read in %d pages (%v), want a page per plan page across continue-as-new", len(w.pages), w.pages)
	}
}

// A re-run in which nothing changed moves no row and still completes.
func TestChecksumRerunWithoutChangeCompletes(t *testing.T) {
	w := newChecksumWorld(HostQueue(SourceQueue(DefaultTaskQueueBase, ""), "host-1"))
	w.add("events", &fakeTable{Partitions: 3, RowsPer: 10})
	w.baseline = "run-0"
	w.stored = []snowflakeapi.ChecksumBaseline{
		{Partition: migration.Partition{Number: 0, Upper: []string{"10"}}, Checksum: "v1:sum-1"},
		{Partition: migration.Partition{Number: 1, Lower: []string{"10"}, Upper: []string{"20"}}, Checksum: "v1:sum-2"},
		{Partition: migration.Partition{Number: 2, Lower: []string{"20"}, Upper: []string{"30"}}, Checksum: "v1:sum-3"},
	}
	w.table(tableKeyOf("events")).Partitions = 3
	res, err := runChecksumTable(t, w, checksumInput(t, "events", Limits{}))
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != migration.StatusCompleted || len(w.skips) != 3 {
		t.Fatalf("result %+v, %d skips", res, len(w.skips))
	}
}

// A re-run compares by fingerprint where the baseline has one, a page at once
// (SourceFingerprintPartitions): an equal one skips the range carrying the baseline's
// checksum forward, a different one replaces the range recording the extraction's
// fingerprint; a baseline without a fingerprint (an older run) is compared by
// checksum (SourceChecksumPartition) and the skip records the fingerprint read with
// it. Every extraction of a checksum table asks for the fingerprint.
func TestChecksumRerunComparesFingerprints(t *testing.T) {
	w := newChecksumWorld(HostQueue(SourceQueue(DefaultTaskQueueBase, ""), "host-1"))
	w.fingerprints = true
	w.add("events", &fakeTable{Partitions: 3, RowsPer: 10})
	w.baseline = "run-0"
	w.stored = []snowflakeapi.ChecksumBaseline{
		{Partition: migration.Partition{Number: 0, Upper: []string{"10"}}, Checksum: "v1:sum-1", Fingerprint: "fp1:sum-1"},
		{Partition: migration.Partition{Number: 1, Lower: []string{"10"}, Upper: []string{"20"}}, Checksum: "v1:sum-2", Fingerprint: "fp1:sum-2"},
		{Partition: migration.Partition{Number: 2, Lower: []string{"20"}, Upper: []string{"30"}}, Checksum: "v1:sum-3"},
	}
	w.changed[2] = "v1:changed"
	res, err := runChecksumTable(t, w, checksumInput(t, "events", Limits{}))
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != migration.StatusCompleted {
		t.Fatalf("result %+v", res)
	}
	slices.Sort(w.paged) // the page's chunks run concurrently
	if fmt.Sprint(w.paged) != "[1 2]" || len(w.baselineFPs) != 1 || w.baselineFPs[3] != "" {
		t.Fatalf("ranges fingerprinted by page %v (want [1 2]); compared one by one with baseline fingerprints %v (want range 3 without)", w.paged, w.baselineFPs)
	}
	skips := map[int]snowflakeapi.ResyncSkip{}
	for _, s := range w.skips {
		skips[rangeIndex(w.table(tableKeyOf("events")), s.Partition)] = s
	}
	if s := skips[1]; len(skips) != 2 || s.Checksum != "v1:sum-1" || s.Fingerprint != "fp1:sum-1" {
		t.Fatalf("skips %+v: want ranges 1 (by fingerprint) and 3 (by checksum)", skips)
	}
	if s := skips[3]; s.Checksum != "v1:sum-3" || s.Fingerprint != "fp1:sum-3" {
		t.Fatalf("range 3 skipped by checksum with %+v, want its checksum and the fingerprint read with it", s)
	}
	var reloaded []snowflakeapi.LoadResyncPartitionInput
	for _, r := range w.replaces {
		if r.Action == snowflakeapi.SyncActionReloaded {
			reloaded = append(reloaded, r)
		}
	}
	if len(reloaded) != 1 || rangeIndex(w.table(tableKeyOf("events")), reloaded[0].Partition) != 2 ||
		reloaded[0].Checksum != "v1:changed" || reloaded[0].Fingerprint != "fp1:changed" {
		t.Fatalf("reloaded %+v, want range 2 with the extraction's checksum and fingerprint", reloaded)
	}
	for i, asked := range w.extractFP {
		if !asked {
			t.Fatalf("extract %d of a checksum table did not ask for the fingerprint", i)
		}
	}
}

// The last run's open-ended tail, unchanged on the source, is reused and skipped like
// any range: nothing is planned afresh and nothing of it moves.
func TestChecksumRerunSkipsUnchangedTail(t *testing.T) {
	w := newChecksumWorld(HostQueue(SourceQueue(DefaultTaskQueueBase, ""), "host-1"))
	w.add("events", &fakeTable{Partitions: 3, RowsPer: 10})
	w.baseline = "run-0"
	w.stored = []snowflakeapi.ChecksumBaseline{
		{Partition: migration.Partition{Number: 0, NullKeys: true}, Checksum: "v1:sum-0"},
		{Partition: migration.Partition{Number: 1, Upper: []string{"10"}}, Checksum: "v1:sum-1"},
		{Partition: migration.Partition{Number: 2, Lower: []string{"10"}, Upper: []string{"20"}}, Checksum: "v1:sum-2"},
		{Partition: migration.Partition{Number: 3, Lower: []string{"20"}}, Checksum: "v1:sum-3"}, // the tail: rangeIndex 3
	}
	res, err := runChecksumTable(t, w, checksumInput(t, "events", Limits{}))
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != migration.StatusCompleted || res.Rows != 0 {
		t.Fatalf("result %+v, want completed with no row moved", res)
	}
	if len(w.skips) != 4 || len(w.replaces) != 0 || w.callCount(sourceapi.ExtractName) != 0 || w.callCount(sourceapi.PlanPartitionsName) != 0 {
		t.Fatalf("%d skips, %d replaces, %d extracts, %d plans afresh; want 4, 0, 0, 0: skips %+v",
			len(w.skips), len(w.replaces), w.callCount(sourceapi.ExtractName), w.callCount(sourceapi.PlanPartitionsName), w.skips)
	}
	var tailSkip *snowflakeapi.ResyncSkip
	for i, s := range w.skips {
		if s.Partition.Number == 3 {
			tailSkip = &w.skips[i]
		}
	}
	if tailSkip == nil || tailSkip.Partition.Upper != nil || tailSkip.Checksum != "v1:sum-3" {
		t.Fatalf("tail skip %+v, want partition 3, open-ended, with its baseline", tailSkip)
	}
	if n := w.callCount(sourceapi.ChecksumPartitionName); n != 4 {
		t.Fatalf("%d source comparisons, want 4 (the tail's answer from planning reused by its pipeline)", n)
	}
}
