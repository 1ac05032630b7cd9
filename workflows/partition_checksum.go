package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/activities/sourceapi"
	"github.com/snowmigrate/snowmigrate/migration"
)

// checksumPipeline runs a partition of a table synchronized by checksum
// (docs/sync.md). A partition with a baseline (the checksum its range had when the
// table's last completed run finished, and the source's fingerprint of the same rows)
// is first compared on the source: by fingerprint when the baseline has one the
// source can compute (cheap: no row leaves the database), else by the partition
// checksum. Equal, it is recorded SKIPPED with its baseline carried forward and
// nothing moves; different, or without a baseline (a first run, a range beyond the
// last run's), it is extracted (with the fingerprint of the extraction's snapshot)
// and its key range replaced in one Snowflake transaction (delete + COPY + marker +
// new baseline, LoadResyncPartition), then verified by value like a regular load: the
// target range must now hold exactly the rows extracted, with their checksum.
func checksumPipeline(ctx workflow.Context, r *partitionRun) partitionOutcome {
	defer r.done()
	t, c := r.t, r.t.st.Checksum
	action := snowflakeapi.SyncActionLoaded
	if base := c.baselines[r.p.Number]; base.checksum != "" {
		cr, known := c.compared[r.p.Number] // the tail, compared while planning
		if !known {
			var err error
			if cr, err = t.compareOnSource(ctx, r.p, base); err != nil {
				return r.fail("checksum on the source", err)
			}
		}
		if c.recorded[r.p.Number] { // recorded SKIPPED with its page (comparePage)
			c.Skipped++
			return r.out
		}
		if base.unchanged(cr) {
			err := workflow.ExecuteActivity(activityOptions(ctx, t.lim, kindMetadata, ""), snowflakeapi.RecordResyncSkipName, snowflakeapi.RecordResyncSkipInput{
				ConnectionName: t.in.ConnectionName, Migration: t.in.Migration, MigrationRunID: t.in.MigrationRunID, TableKey: t.in.TableKey,
				Skips: []snowflakeapi.ResyncSkip{{Partition: r.p, Checksum: base.checksum, Fingerprint: cr.Fingerprint, Rows: cr.Rows}},
			}).Get(ctx, nil)
			if err != nil {
				return r.fail("record the unchanged partition", err)
			}
			c.Skipped++
			return r.out
		}
		action = snowflakeapi.SyncActionReloaded
	}
	if step, err := r.extractAndStage(ctx); err != nil {
		return r.fail(step, err)
	}
	r.startLoading(ctx)
	if err := r.loadResync(ctx, action); err != nil {
		return r.fail("replace", err)
	}
	if err := r.verify(ctx); err != nil {
		return r.fail("verify", err)
	}
	if action == snowflakeapi.SyncActionReloaded {
		c.Reloaded++
	} else {
		c.Loaded++
	}
	r.out.rows, r.out.bytes = r.ld.RowsLoaded, r.ex.Bytes
	return r.out
}

// loadResync is LoadResyncPartition: it runs for a partition without files too (every
// row of its range vanished from the source: the replace only deletes).
func (r *partitionRun) loadResync(ctx workflow.Context, action string) error {
	t := r.t
	var res snowflakeapi.LoadResyncPartitionResult
	err := workflow.ExecuteActivity(activityOptions(ctx, t.lim, kindLoad, ""), snowflakeapi.LoadResyncPartitionName, snowflakeapi.LoadResyncPartitionInput{
		LoadPartitionInput: snowflakeapi.LoadPartitionInput{
			ConnectionName: t.in.ConnectionName, Migration: t.in.Migration, MigrationRunID: t.in.MigrationRunID,
			TableKey: t.in.TableKey, Target: t.st.Target, Columns: t.st.Intro.Columns, Partition: r.p,
			StagePrefix: r.stage, Files: r.up.Files, RowsExtracted: r.ex.Rows, Bytes: r.ex.Bytes,
		},
		PartitionBy: t.st.Intro.PartitionBy, Checksum: r.ex.Checksum, Fingerprint: r.ex.Fingerprint, Action: action,
		// A first run emptied the table (PrepareTarget with sync none): no DELETE, so
		// that its partitions' loads do not queue on the table's lock.
		RangeEmpty: !t.st.Checksum.rerun(),
	}).Get(ctx, &res)
	r.ld = snowflakeapi.LoadPartitionResult{RowsLoaded: res.RowsLoaded, AlreadyLoaded: res.AlreadyLoaded}
	if err == nil {
		t.st.Checksum.RowsDeleted += res.RowsDeleted
	}
	return err
}

// compareOnSource asks the source whether partition p changed since base
// (SourceChecksumPartition: by fingerprint when base has one the source computes, else
// by checksum).
func (t *tableRun) compareOnSource(ctx workflow.Context, p migration.Partition, base checksumBaseline) (sourceapi.ChecksumPartitionResult, error) {
	var cr sourceapi.ChecksumPartitionResult
	err := workflow.ExecuteActivity(activityOptions(ctx, t.lim, kindExtract, t.sourceQueue), sourceapi.ChecksumPartitionName, sourceapi.ChecksumPartitionInput{
		Migration: t.in.Migration, Platform: t.in.SourcePlatform, TableKey: t.in.TableKey, Table: t.in.Table,
		TableShape: t.st.Intro.TableShape, Partition: p, BaselineFingerprint: base.fingerprint,
	}).Get(ctx, &cr)
	return cr, err
}

// unchanged says whether the source's answer shows the baseline's rows. A result
// without a checksum carries a fingerprint of the baseline's version
// (sourceapi.ChecksumPartitionResult); a result recorded before fingerprints existed
// has a checksum only, compared as it was then.
func (b checksumBaseline) unchanged(cr sourceapi.ChecksumPartitionResult) bool {
	return cr.Checksum == b.checksum ||
		cr.Checksum == "" && cr.Fingerprint != "" && cr.Fingerprint == b.fingerprint
}
