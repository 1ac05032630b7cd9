package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
)

// watermarkPipeline moves a partition's rows of the table's watermark window. A
// table's first run is a full load (regularPipeline, into the emptied target, proven
// by the target range count). A re-run extracts only the window's rows and loads them
// with LoadSyncPartition: appended (after removing what a failed run appended to the
// range) or MERGEd by primary key, in the transaction that records the partition
// loaded. The range count of VerifyPartition does not apply (the range holds earlier
// rows too); the load itself checks rows copied = rows extracted.
func watermarkPipeline(ctx workflow.Context, r *partitionRun) partitionOutcome {
	if !r.t.st.Sync.incremental() {
		return regularPipeline(ctx, r)
	}
	defer r.done()
	if step, err := r.extractAndStage(ctx); err != nil {
		return r.fail(step, err)
	}
	r.startLoading(ctx)
	if err := r.loadSync(ctx); err != nil {
		return r.fail("load", err)
	}
	r.out.rows, r.out.bytes = r.ld.RowsLoaded, r.ex.Bytes
	return r.out
}

// loadSync is LoadSyncPartition; a partition without files has nothing to load.
func (r *partitionRun) loadSync(ctx workflow.Context) error {
	if len(r.ex.Files) == 0 {
		return nil
	}
	t, s := r.t, r.t.st.Sync
	var res snowflakeapi.LoadSyncPartitionResult
	err := workflow.ExecuteActivity(activityOptions(ctx, t.lim, kindLoad, ""), snowflakeapi.LoadSyncPartitionName, snowflakeapi.LoadSyncPartitionInput{
		LoadPartitionInput: snowflakeapi.LoadPartitionInput{
			ConnectionName: t.in.ConnectionName, Migration: t.in.Migration, MigrationRunID: t.in.MigrationRunID,
			TableKey: t.in.TableKey, Target: t.st.Target, Columns: t.st.Intro.Columns, Partition: r.p,
			StagePrefix: r.stage, Files: r.up.Files, RowsExtracted: r.ex.Rows, Bytes: r.ex.Bytes,
		},
		Merge: s.Merge, PartitionBy: t.st.Intro.PartitionBy, Watermark: s.Watermark, Low: s.Window.Low, High: s.Window.High, PrimaryKeys: s.PrimaryKeys,
	}).Get(ctx, &res)
	r.ld = snowflakeapi.LoadPartitionResult{RowsLoaded: res.RowsLoaded, AlreadyLoaded: res.AlreadyLoaded}
	return err
}

// recordMark records the table's new mark once every partition completed; without
// it the next run moves this run's window again (harmless: appends replace what they
// find above the old mark, merges are idempotent), so a failure fails the table.
func (t *tableRun) recordMark(ctx workflow.Context) {
	s := t.st.Sync
	mark := s.Window.High
	if mark == nil {
		mark = s.Window.Low // no row has a watermark any more: keep the mark
	}
	err := workflow.ExecuteActivity(activityOptions(ctx, t.lim, kindMetadata, ""), snowflakeapi.RecordSyncMarkName, snowflakeapi.RecordSyncMarkInput{
		ConnectionName: t.in.ConnectionName, Migration: t.in.Migration, MigrationRunID: t.in.MigrationRunID,
		TableKey: t.in.TableKey, Strategy: t.syncStrategy(), WatermarkColumn: s.Window.Column,
		Low: s.Window.Low, High: mark, Rows: t.st.Rows, Partitions: t.st.Started,
	}).Get(ctx, nil)
	if err != nil {
		t.fatal = "record the watermark of " + t.in.TableKey + " (the next run moves this run's rows again): " + message(err)
	}
}
