package workflows

import (
	"fmt"
	"math/big"
	"slices"

	"go.temporal.io/sdk/workflow"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/activities/sourceapi"
	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/migration"
)

// Watermark re-sync, table level (docs/sync.md): the window a run moves and the
// partition boundaries it reuses.
//
// The window is (low, high]: high is the source's largest watermark when the run
// plans the table (rows written during the run wait for the next run), low the high
// mark recorded by the last run whose table succeeded. A table's first run (no mark)
// is a full load: the target is emptied once, and rows with a NULL watermark move
// too. The new mark is recorded only when every partition of the table completed.
//
// Stable partitions: a re-run reuses, page by page, the partitions that the table's
// last completed run recorded in PARTITION_METADATA (same numbers, same bounds), up
// to the last bounded one; keys beyond it are planned as usual. The workflow reads
// them with ReadPartitionBounds in pages of limits.planPageSize, so neither a payload
// nor the carried state ever holds the whole plan: the resume point after
// continue-as-new is NextNumber (stored numbers grow with key order).

// SyncState is the watermark re-sync's part of TableState (nil for other strategies).
type SyncState struct {
	Window      migration.WatermarkWindow `json:"window"`
	Watermark   migration.Column          `json:"watermark"`             // the watermark column (source and target names, types)
	Merge       bool                      `json:"merge,omitempty"`       // trackModifications: MERGE by PrimaryKeys
	PrimaryKeys []string                  `json:"primaryKeys,omitempty"` // exact target names
	// BaselineRunID is the run whose partitions are reused ("" = none: plan afresh);
	// StoredDone turns true once its bounded partitions have all been taken.
	BaselineRunID string `json:"baselineRunId,omitempty"`
	StoredDone    bool   `json:"storedDone,omitempty"`
	Reused        int    `json:"reused,omitempty"` // stored partitions taken so far

	// lastPage says the current page holds the last stored partitions: StoredDone turns
	// true only once all of them have started (the next planPage), so that a
	// continue-as-new in the middle of that page re-reads the rest from the cursor
	// with their numbers and bounds instead of planning their ranges afresh. It lives in
	// this run only, like the page itself.
	lastPage bool
	// empty holds the numbers of the current page's partitions that the window probe
	// found without a row of the window: they complete without an Extract (probePage).
	// In this run only: after a continue-as-new the rest of the page is read and probed
	// again.
	empty map[int]bool
}

// incremental tells a re-run (a mark exists) from a table's first, full, run.
func (s *SyncState) incremental() bool { return s != nil && s.Window.Low != nil }

// syncStrategy is the table's synchronization strategy ("none" when unset).
func (t *tableRun) syncStrategy() string {
	if s := t.in.Table.Synchronization; s != nil && s.Strategy != "" {
		return s.Strategy
	}
	return config.SyncNone
}

// window is what restricts planning and extraction (nil: every row).
func (t *tableRun) window() *migration.WatermarkWindow {
	if t.st.Sync == nil {
		return nil
	}
	w := t.st.Sync.Window
	return &w
}

// prepareWatermark reads high on the source and low (and the baseline run) from the
// metadata, and decides the table's window. Called after introspection, before the
// target is prepared (a first run empties it).
func (t *tableRun) prepareWatermark(ctx workflow.Context) error {
	var hi sourceapi.MaxWatermarkResult
	err := workflow.ExecuteActivity(activityOptions(ctx, t.lim, kindCatalog, t.sourceQueue), sourceapi.MaxWatermarkName, sourceapi.MaxWatermarkInput{
		Migration: t.in.Migration, Platform: t.in.SourcePlatform, Table: t.in.Table, TableShape: t.st.Intro.TableShape,
	}).Get(ctx, &hi)
	if err != nil {
		return fmt.Errorf("read the high watermark of %s: %s", t.in.TableKey, message(err))
	}
	s := &SyncState{Merge: t.in.Table.Synchronization.TrackModifications != nil && *t.in.Table.Synchronization.TrackModifications}
	found := false
	for _, c := range t.st.Intro.Columns {
		if c.SourceName == hi.Column {
			s.Watermark, found = c, true
		}
	}
	if !found {
		return fmt.Errorf("table %s: the watermark column %q is not among the migrated columns", t.in.TableKey, hi.Column)
	}
	for _, k := range hi.PrimaryKeys {
		i := slices.IndexFunc(t.st.Intro.Columns, func(c migration.Column) bool { return c.SourceName == k })
		if i < 0 {
			return fmt.Errorf("table %s: the primary key column %q is not among the migrated columns", t.in.TableKey, k)
		}
		s.PrimaryKeys = append(s.PrimaryKeys, t.st.Intro.Columns[i].TargetName)
	}
	if s.Merge && len(s.PrimaryKeys) == 0 {
		return fmt.Errorf("table %s: trackModifications needs primaryKeyColumns", t.in.TableKey)
	}
	var base snowflakeapi.ReadSyncBaselineResult
	err = workflow.ExecuteActivity(activityOptions(ctx, t.lim, kindMetadata, ""), snowflakeapi.ReadSyncBaselineName, snowflakeapi.ReadSyncBaselineInput{
		ConnectionName: t.in.ConnectionName, Migration: t.in.Migration, MigrationRunID: t.in.MigrationRunID,
		TableKey: t.in.TableKey, WatermarkColumn: hi.Column,
	}).Get(ctx, &base)
	if err != nil {
		return fmt.Errorf("read the re-sync baseline of %s: %s", t.in.TableKey, message(err))
	}
	s.Window = migration.WatermarkWindow{Column: hi.Column, Low: base.Low, High: hi.High, IncludeNull: base.Low == nil}
	if base.Low != nil && (hi.High == nil || canonicalLess(*hi.High, *base.Low)) {
		// The newest rows were deleted since the last run: nothing above the mark, and
		// the mark never moves backwards (that would move rows a second time).
		s.Window.High = base.Low
	}
	s.BaselineRunID = base.BaselineRunID
	s.StoredDone = base.BaselineRunID == ""
	t.st.Sync = s
	if s.Window.Empty() {
		t.st.PlanDone = true // nothing was written since the last run
		workflow.GetLogger(ctx).Info("watermark unchanged since the last run: nothing to move", "table", t.in.TableKey)
	}
	return nil
}

// targetSync is the synchronization PrepareTarget applies: a first watermark run is a
// full load into an emptied target.
func (t *tableRun) targetSync() string {
	if t.st.Sync != nil && !t.st.Sync.incremental() {
		return config.SyncNone
	}
	return t.syncStrategy()
}

// planStoredPage takes the next page of the baseline run's partitions, checking they
// chain from the cursor as a fresh plan must. A broken chain (a mirror write that was
// dropped) ends the reuse: the planner goes on from the last partition started.
func (t *tableRun) planStoredPage(ctx workflow.Context) error {
	s := t.st.Sync
	if s.lastPage { // the last stored page has all started: plan the rest afresh
		s.StoredDone, s.lastPage = true, false
		return t.planPage(ctx)
	}
	var res snowflakeapi.ReadPartitionBoundsResult
	err := workflow.ExecuteActivity(activityOptions(ctx, t.lim, kindMetadata, ""), snowflakeapi.ReadPartitionBoundsName, snowflakeapi.ReadPartitionBoundsInput{
		ConnectionName: t.in.ConnectionName, Migration: t.in.Migration, BaselineRunID: s.BaselineRunID,
		TableKey: t.in.TableKey, AfterNumber: t.st.NextNumber - 1, MaxPartitions: t.lim.PlanPageSize,
	}).Get(ctx, &res)
	if err != nil {
		return fmt.Errorf("read the partitions of %s's last completed run: %s", t.in.TableKey, message(err))
	}
	var page []migration.Partition
	prev := t.st.PlanAfter
	stop := res.Done
	for _, p := range res.Partitions {
		if p.NullKeys {
			if !t.st.NullKeysDone && !slices.ContainsFunc(page, func(q migration.Partition) bool { return q.NullKeys }) {
				page = append(page, p)
			}
			continue
		}
		if p.Upper == nil {
			stop = true // keys beyond the last bounded partition are planned afresh
			break
		}
		if !slices.Equal(p.Lower, prev) {
			workflow.GetLogger(ctx).Warn("recorded partitions do not chain; planning the rest afresh",
				"table", t.in.TableKey, "partition", p.Number, "lower", p.Lower, "cursor", prev)
			stop = true
			break
		}
		prev = p.Upper
		page = append(page, p)
	}
	s.Reused += len(page)
	if stop {
		s.lastPage = true
		if !t.st.NullKeysDone && !slices.ContainsFunc(page, func(q migration.Partition) bool { return q.NullKeys }) && (prev != nil || len(page) > 0) {
			// The planner plans the NULL-key partition only from the start of the key
			// space; the reused plan had none, and such rows may have appeared since.
			next := t.st.NextNumber
			for _, p := range page {
				next = max(next, p.Number+1)
			}
			if len(res.Partitions) > 0 {
				next = max(next, res.Partitions[len(res.Partitions)-1].Number+1)
			}
			page = append(page, migration.Partition{Number: next, NullKeys: true})
		}
	}
	// Start in number order: a continue-as-new resumes reading after NextNumber-1, so
	// no partition may start before one with a smaller number of the same page (the
	// planner numbers the NULL-key partition first; one added here comes last).
	slices.SortStableFunc(page, func(a, b migration.Partition) int { return a.Number - b.Number })
	t.page, t.pageDone = page, false
	t.probePage(ctx, page)
	return nil
}

// watermarkProbeVersion guards the window probe of each page of reused partitions:
// histories recorded before it extract every partition.
const watermarkProbeVersion = "watermark-probe-window"

// probePage asks the source, in one query, which of the page's partitions hold rows
// of the window (sourceapi.ProbeWindowName) and remembers those that hold none: their
// pipeline completes them with 0 rows without an Extract, exactly as an extracted
// empty partition completes (no file, no load, no verify; the same mirror states), so
// the next run reuses them the same way. Rows written after the probe with a
// watermark at or below High are not moved, as rows written after a range's Extract
// are not (docs/sync.md, "Limits"). A probe that fails, or a source without one,
// leaves every partition to be extracted: the probe can only save work, never lose
// rows. A page of one partition is not probed (the probe would cost what it saves).
func (t *tableRun) probePage(ctx workflow.Context, page []migration.Partition) {
	s := t.st.Sync
	s.empty = nil
	if !s.incremental() || len(page) < 2 || workflow.GetVersion(ctx, watermarkProbeVersion, workflow.DefaultVersion, 1) < 1 {
		return
	}
	var res sourceapi.ProbeWindowResult
	err := workflow.ExecuteActivity(activityOptions(ctx, t.lim, kindCatalog, t.sourceQueue), sourceapi.ProbeWindowName, sourceapi.ProbeWindowInput{
		Migration: t.in.Migration, Platform: t.in.SourcePlatform, TableKey: t.in.TableKey, Table: t.in.Table,
		TableShape: t.st.Intro.TableShape, Partitions: page, Window: s.Window,
	}).Get(ctx, &res)
	if err != nil {
		workflow.GetLogger(ctx).Warn("window probe failed: extracting every partition of the page", "table", t.in.TableKey, "partitions", len(page), "error", message(err))
		return
	}
	if !res.Supported {
		return
	}
	s.empty = map[int]bool{}
	for _, c := range res.Counts {
		if c.Rows == 0 && slices.ContainsFunc(page, func(p migration.Partition) bool { return p.Number == c.Number }) {
			s.empty[c.Number] = true
		}
	}
}

// probedEmpty tells (once) that the window probe found no row of the window in
// partition n.
func (s *SyncState) probedEmpty(n int) bool {
	if s == nil || !s.empty[n] {
		return false
	}
	delete(s.empty, n)
	return true
}

// canonicalLess compares two watermarks in canonical text (migration.Partition): as
// numbers when both parse as decimals, else as text, which orders the fixed-width date
// and timestamp forms (years 1 to 9999). Pure and deterministic (workflow code).
func canonicalLess(a, b string) bool {
	x, okA := new(big.Rat).SetString(a)
	y, okB := new(big.Rat).SetString(b)
	if okA && okB { // dates and timestamps never parse as numbers
		return x.Cmp(y) < 0
	}
	return a < b
}
