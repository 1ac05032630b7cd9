package workflows

import (
	"fmt"
	"slices"
	"strings"

	"go.temporal.io/sdk/workflow"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/activities/sourceapi"
	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/migration"
)

// Checksum re-sync, table level (docs/sync.md): the baseline run and the partitions
// it recorded.
//
// A table's first run (no completed run of this migration name) is a full load into
// the emptied target whose partitions record the extractor's checksums, already proven
// equal to Snowflake's, as baselines. A re-run reuses, page by page, the partitions of
// the table's last completed run (same numbers, same bounds) up to the last bounded
// one, each with the checksum recorded for it. The last run's open-ended tail (keys
// above the last bound) is compared on the source while planning: unchanged, it is
// reused and skipped like any range; changed (rows appended above it, typically), the
// keys beyond the last bound are planned afresh, in partitions of the configured size,
// and loaded as new partitions. Deletions need no extra step: a range that lost rows
// has another checksum and is replaced.

// ChecksumState is the checksum re-sync's part of TableState (nil for other
// strategies).
type ChecksumState struct {
	// BaselineRunID is the run whose partitions and checksums are reused ("" = none:
	// a first run, planned afresh); StoredDone turns true once its bounded partitions
	// have all been taken.
	BaselineRunID string `json:"baselineRunId,omitempty"`
	StoredDone    bool   `json:"storedDone,omitempty"`
	Reused        int    `json:"reused,omitempty"`
	// What the run did so far (over every continue-as-new).
	Skipped     int   `json:"skipped,omitempty"`
	Reloaded    int   `json:"reloaded,omitempty"`
	Loaded      int   `json:"loaded,omitempty"`
	RowsDeleted int64 `json:"rowsDeleted,omitempty"`

	// baselines maps the partitions of the current stored page to their checksum. It
	// lives in this run only: after continue-as-new the page is read again from the
	// cursor (NextNumber), and with it the checksums. lastPage says the current page
	// holds the last stored partitions: StoredDone turns true only once all of them
	// have started, so that a continue-as-new in the middle of the page re-reads the
	// rest with their checksums instead of planning their ranges afresh.
	baselines map[int]checksumBaseline
	lastPage  bool
	// compared holds the source's answer for a partition already compared while
	// planning (the open-ended tail): its pipeline uses it instead of asking again.
	// In-run state, like baselines: after continue-as-new the tail is compared again.
	compared map[int]sourceapi.ChecksumPartitionResult
	// recorded marks the partitions comparePage found unchanged and already recorded
	// SKIPPED (one RecordResyncSkip per page): their pipelines only count them.
	recorded map[int]bool
}

// checksumBaseline is what the baseline run recorded for a partition: its checksum
// ("" = none: the partition is loaded as new) and the source's fingerprint of the same
// rows ("" when that run recorded none).
type checksumBaseline struct{ checksum, fingerprint string }

// rerun tells a re-run (a baseline run exists) from a table's first, full, run.
func (c *ChecksumState) rerun() bool { return c != nil && c.BaselineRunID != "" }

// prepareChecksum finds the table's baseline run. Called after introspection, before
// the target is prepared (a first run empties it).
func (t *tableRun) prepareChecksum(ctx workflow.Context) error {
	if t.unloads() {
		return fmt.Errorf("table %s: synchronization checksum with extraction \"unload\" is not supported (UNLOAD computes no partition checksum); use extraction \"regular\" for this table", t.in.TableKey)
	}
	var base snowflakeapi.ReadSyncBaselineResult
	err := workflow.ExecuteActivity(activityOptions(ctx, t.lim, kindMetadata, ""), snowflakeapi.ReadSyncBaselineName, snowflakeapi.ReadSyncBaselineInput{
		ConnectionName: t.in.ConnectionName, Migration: t.in.Migration, MigrationRunID: t.in.MigrationRunID, TableKey: t.in.TableKey,
	}).Get(ctx, &base)
	if err != nil {
		return fmt.Errorf("read the re-sync baseline of %s: %s", t.in.TableKey, message(err))
	}
	t.st.Checksum = &ChecksumState{BaselineRunID: base.BaselineRunID, StoredDone: base.BaselineRunID == ""}
	return nil
}

// checksumTargetSync is the synchronization PrepareTarget applies: a first checksum
// run is a full load into an emptied target; a re-run keeps the target.
func (t *tableRun) checksumTargetSync() string {
	if t.st.Checksum.rerun() {
		return config.SyncChecksum
	}
	return config.SyncNone
}

// planChecksumPage takes the next page of the baseline run's partitions with their
// checksums and fingerprints, checking they chain from the cursor as a fresh plan must. A broken chain
// (a mirror write that was dropped) ends the reuse: the planner goes on from the last
// partition started, and those partitions load as new ones.
func (t *tableRun) planChecksumPage(ctx workflow.Context) error {
	c := t.st.Checksum
	if c.lastPage { // the last stored page has all started: plan the rest afresh
		c.StoredDone, c.lastPage = true, false
		return t.planPage(ctx)
	}
	var res snowflakeapi.ReadChecksumBaselinesResult
	err := workflow.ExecuteActivity(activityOptions(ctx, t.lim, kindMetadata, ""), snowflakeapi.ReadChecksumBaselinesName, snowflakeapi.ReadChecksumBaselinesInput{
		ConnectionName: t.in.ConnectionName, Migration: t.in.Migration, BaselineRunID: c.BaselineRunID,
		TableKey: t.in.TableKey, AfterNumber: t.st.NextNumber - 1, MaxPartitions: t.lim.PlanPageSize,
	}).Get(ctx, &res)
	if err != nil {
		return fmt.Errorf("read the partitions of %s's last completed run: %s", t.in.TableKey, message(err))
	}
	c.baselines = map[int]checksumBaseline{}
	var page []migration.Partition
	take := func(b snowflakeapi.ChecksumBaseline) {
		page = append(page, b.Partition)
		c.baselines[b.Partition.Number] = checksumBaseline{checksum: b.Checksum, fingerprint: b.Fingerprint}
	}
	hasNull := func() bool { return slices.ContainsFunc(page, func(q migration.Partition) bool { return q.NullKeys }) }
	prev := t.st.PlanAfter
	stop := res.Done
	for _, b := range res.Partitions {
		p := b.Partition
		if p.NullKeys {
			if !t.st.NullKeysDone && !hasNull() {
				take(b)
			}
			continue
		}
		if p.Upper == nil {
			// Keys beyond the last bounded partition are planned afresh unless the tail
			// is unchanged.
			if slices.Equal(p.Lower, prev) && t.tailUnchanged(ctx, b) {
				take(b)
			}
			stop = true
			break
		}
		if !slices.Equal(p.Lower, prev) {
			workflow.GetLogger(ctx).Warn("recorded partitions do not chain; planning the rest afresh",
				"table", t.in.TableKey, "partition", p.Number, "lower", p.Lower, "cursor", prev)
			stop = true
			break
		}
		prev = p.Upper
		take(b)
	}
	c.Reused += len(page)
	if stop {
		c.lastPage = true
		if !t.st.NullKeysDone && !hasNull() && (prev != nil || len(page) > 0) {
			// The planner plans the NULL-key partition only from the start of the key
			// space; the reused plan had none, and such rows may have appeared since.
			next := t.st.NextNumber
			for _, p := range page {
				next = max(next, p.Number+1)
			}
			if len(res.Partitions) > 0 {
				next = max(next, res.Partitions[len(res.Partitions)-1].Partition.Number+1)
			}
			page = append(page, migration.Partition{Number: next, NullKeys: true})
		}
	}
	// Start in number order: a continue-as-new resumes reading after NextNumber-1.
	slices.SortStableFunc(page, func(a, b migration.Partition) int { return a.Number - b.Number })
	t.comparePage(ctx, page)
	t.page, t.pageDone = page, false
	return nil
}

// comparePage asks the source for the fingerprints of the page's partitions whose
// baselines have one, in up to PartitionWindow activities at once
// (SourceFingerprintPartitions: one snapshot and one query per range each), and
// remembers the answers in compared for their pipelines, which then only record the
// skip or reload. A per-partition activity costs a task dispatch, a transaction, a
// table lock and a column check on the source; a page's few activities pay them once
// each. Partitions left out (no fingerprint baseline, an unsupported source, an
// error) are compared one by one by their pipelines, as before. From version 2 the
// unchanged ones are also recorded SKIPPED here, in one RecordResyncSkip for the page,
// instead of one per partition.
func (t *tableRun) comparePage(ctx workflow.Context, page []migration.Partition) {
	c := t.st.Checksum
	byVersion := map[string][]migration.Partition{}
	var versions []string
	for _, p := range page {
		fp := c.baselines[p.Number].fingerprint
		v, _, ok := strings.Cut(fp, ":")
		if _, known := c.compared[p.Number]; !ok || v == "" || known {
			continue
		}
		if byVersion[v] == nil {
			versions = append(versions, v)
		}
		byVersion[v] = append(byVersion[v], p)
	}
	if len(versions) == 0 {
		return
	}
	version := workflow.GetVersion(ctx, "checksum-page-compare", workflow.DefaultVersion, 2)
	if version == workflow.DefaultVersion {
		return
	}
	type call struct {
		parts []migration.Partition
		f     workflow.Future
	}
	var calls []call
	// Two attempts: the pipelines compare one by one when this fails, and a source
	// worker older than this activity fails it as unregistered on every attempt.
	actx := workflow.WithRetryPolicy(activityOptions(ctx, t.lim, kindExtract, t.sourceQueue), *retry(2))
	for _, v := range versions { // one version in practice; ordered as met, for determinism
		parts := byVersion[v]
		n := min(t.lim.PartitionWindow, len(parts))
		for i := range n {
			chunk := parts[i*len(parts)/n : (i+1)*len(parts)/n]
			calls = append(calls, call{chunk, workflow.ExecuteActivity(actx, sourceapi.FingerprintPartitionsName, sourceapi.FingerprintPartitionsInput{
				Migration: t.in.Migration, Platform: t.in.SourcePlatform, TableKey: t.in.TableKey, Table: t.in.Table,
				TableShape: t.st.Intro.TableShape, Partitions: chunk, Version: v,
			})})
		}
	}
	for _, cl := range calls {
		var res sourceapi.FingerprintPartitionsResult
		if err := cl.f.Get(ctx, &res); err != nil || !res.Supported {
			if err != nil {
				workflow.GetLogger(ctx).Warn("could not fingerprint a page of partitions; comparing them one by one",
					"table", t.in.TableKey, "partitions", len(cl.parts), "error", err)
			}
			continue
		}
		if c.compared == nil {
			c.compared = map[int]sourceapi.ChecksumPartitionResult{}
		}
		for _, fp := range res.Fingerprints {
			c.compared[fp.Number] = sourceapi.ChecksumPartitionResult{Fingerprint: fp.Fingerprint, Rows: fp.Rows}
		}
	}
	if version < 2 {
		return
	}
	var skips []snowflakeapi.ResyncSkip
	for _, p := range page {
		base := c.baselines[p.Number]
		if cr, ok := c.compared[p.Number]; ok && base.checksum != "" && cr.Checksum == "" && base.unchanged(cr) {
			skips = append(skips, snowflakeapi.ResyncSkip{Partition: p, Checksum: base.checksum, Fingerprint: cr.Fingerprint, Rows: cr.Rows})
		}
	}
	if len(skips) == 0 {
		return
	}
	err := workflow.ExecuteActivity(activityOptions(ctx, t.lim, kindMetadata, ""), snowflakeapi.RecordResyncSkipName, snowflakeapi.RecordResyncSkipInput{
		ConnectionName: t.in.ConnectionName, Migration: t.in.Migration, MigrationRunID: t.in.MigrationRunID, TableKey: t.in.TableKey,
		Skips: skips,
	}).Get(ctx, nil)
	if err != nil { // each pipeline records its own skip instead
		workflow.GetLogger(ctx).Warn("could not record a page of unchanged partitions; recording them one by one",
			"table", t.in.TableKey, "partitions", len(skips), "error", err)
		return
	}
	if c.recorded == nil {
		c.recorded = map[int]bool{}
	}
	for _, s := range skips {
		c.recorded[s.Partition.Number] = true
	}
}

// tailUnchanged compares the last run's open-ended tail partition on the source
// (SourceChecksumPartition, as checksumPipeline would) and says whether it is
// unchanged, remembering the answer for its pipeline. Anything else (no baseline, an
// error, a history recorded before this step existed) plans the tail afresh, as
// before: the comparison can only save work.
func (t *tableRun) tailUnchanged(ctx workflow.Context, b snowflakeapi.ChecksumBaseline) bool {
	if b.Checksum == "" || workflow.GetVersion(ctx, "checksum-tail-compare", workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return false
	}
	base := checksumBaseline{checksum: b.Checksum, fingerprint: b.Fingerprint}
	cr, err := t.compareOnSource(ctx, b.Partition, base)
	if err != nil {
		workflow.GetLogger(ctx).Warn("could not compare the open-ended tail partition; planning its keys afresh",
			"table", t.in.TableKey, "partition", b.Partition.Number, "error", err)
		return false
	}
	if !base.unchanged(cr) {
		return false
	}
	c := t.st.Checksum
	if c.compared == nil {
		c.compared = map[int]sourceapi.ChecksumPartitionResult{}
	}
	c.compared[b.Partition.Number] = cr
	return true
}
