package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/migration"
)

// watermarkPipeline moves a partition's rows of the table's watermark window. A
// table's first run is a full load (regularPipeline, into the emptied target, proven
// by the target range's count and value checksum). A re-run extracts only the window's
// rows and loads them with LoadSyncPartition: appended (after removing what a failed
// run appended to the range) or MERGEd by primary key, in the transaction that records
// the partition loaded; the load checks rows copied = rows extracted. Then, when it
// loaded anything, verifyWindow proves the partition by value over the range's rows in
// the window (docs/sync.md, "Guarantees"); a partition whose window held no row has
// nothing to prove and costs no Snowflake query.
func watermarkPipeline(ctx workflow.Context, r *partitionRun) partitionOutcome {
	if !r.t.st.Sync.incremental() {
		return regularPipeline(ctx, r)
	}
	defer r.done()
	if r.t.st.Sync.probedEmpty(r.p.Number) {
		// The window probe found no row here (probePage): complete as an extracted
		// empty partition does, without the Extract.
		r.out.rounds = 1
		return r.out
	}
	if step, err := r.extractAndStage(ctx); err != nil {
		return r.fail(step, err)
	}
	r.startLoading(ctx)
	res, err := r.loadSync(ctx)
	if err != nil {
		return r.fail("load", err)
	}
	if len(r.ex.Files) > 0 && workflow.GetVersion(ctx, watermarkVerifyVersion, workflow.DefaultVersion, 1) >= 1 {
		if err := r.verifyWindow(ctx, res); err != nil {
			return r.fail("verify", err)
		}
	}
	r.out.rows, r.out.bytes = r.ld.RowsLoaded, r.ex.Bytes
	return r.out
}

// watermarkVerifyVersion guards the VerifyPartition a re-run partition runs after its
// load (and the drill-down after a mismatch): histories recorded before it replay
// without.
const watermarkVerifyVersion = "watermark-verify-window"

// loadSync is LoadSyncPartition; a partition without files has nothing to load.
func (r *partitionRun) loadSync(ctx workflow.Context) (snowflakeapi.LoadSyncPartitionResult, error) {
	var res snowflakeapi.LoadSyncPartitionResult
	if len(r.ex.Files) == 0 {
		return res, nil
	}
	t, s := r.t, r.t.st.Sync
	err := workflow.ExecuteActivity(activityOptions(ctx, t.lim, kindLoad, ""), snowflakeapi.LoadSyncPartitionName, snowflakeapi.LoadSyncPartitionInput{
		LoadPartitionInput: snowflakeapi.LoadPartitionInput{
			ConnectionName: t.in.ConnectionName, Migration: t.in.Migration, MigrationRunID: t.in.MigrationRunID,
			TableKey: t.in.TableKey, Target: t.st.Target, Columns: t.st.Intro.Columns, Partition: r.p,
			StagePrefix: r.stage, Files: r.up.Files, RowsExtracted: r.ex.Rows, Bytes: r.ex.Bytes,
		},
		Merge: s.Merge, PartitionBy: t.st.Intro.PartitionBy, Watermark: s.Watermark, Low: s.Window.Low, High: s.Window.High, PrimaryKeys: s.PrimaryKeys,
	}).Get(ctx, &res)
	r.ld = snowflakeapi.LoadPartitionResult{RowsLoaded: res.RowsLoaded, AlreadyLoaded: res.AlreadyLoaded}
	return res, err
}

// verifyWindow is VerifyPartition over the range's rows in the window, with the
// extractor's checksum: in append mode they are exactly the rows this run loaded; a
// merge is compared when every extracted row became a key's target row
// (activities/snowflakeside.VerifyPartition says what is proven otherwise). A checksum
// mismatch is located (locateMismatch, over the same window on both sides) before the
// partition fails.
func (r *partitionRun) verifyWindow(ctx workflow.Context, ld snowflakeapi.LoadSyncPartitionResult) error {
	t, s := r.t, r.t.st.Sync
	var vr snowflakeapi.VerifyPartitionResult
	err := workflow.ExecuteActivity(activityOptions(ctx, t.lim, kindVerify, ""), snowflakeapi.VerifyPartitionName, snowflakeapi.VerifyPartitionInput{
		ConnectionName: t.in.ConnectionName, Migration: t.in.Migration, MigrationRunID: t.in.MigrationRunID,
		TableKey: t.in.TableKey, Target: t.st.Target, Columns: t.st.Intro.Columns, PartitionBy: t.st.Intro.PartitionBy,
		Partition: r.p, RowsExtracted: r.ex.Rows, RowsLoaded: ld.RowsLoaded, SourceChecksum: r.ex.Checksum,
		Window: t.window(), Merge: s.Merge, RowsMerged: ld.RowsMerged,
	}).Get(ctx, &vr)
	if err != nil && r.ex.Checksum != "" && applicationType(err) == migration.ErrTypeChecksumMismatch {
		r.locateMismatch(ctx)
	}
	if err == nil && vr.ValueNotCompared != "" {
		workflow.GetLogger(ctx).Info("re-run partition proven by row count only", "table", t.in.TableKey, "partition", r.p.Number, "reason", vr.ValueNotCompared)
	}
	return err
}

// markWithMirrorVersion guards the mirror flush that recordMark runs beside
// RecordSyncMark: histories recorded before it flushed after the mark.
const markWithMirrorVersion = "watermark-mark-with-mirror"

// recordMark records the table's new mark once every partition completed; without
// it the next run moves this run's window again (harmless: appends replace what they
// find above the old mark, merges are idempotent), so a failure fails the table.
func (t *tableRun) recordMark(ctx workflow.Context) {
	s := t.st.Sync
	mark := s.Window.High
	if mark == nil {
		mark = s.Window.Low // no row has a watermark any more: keep the mark
	}
	f := workflow.ExecuteActivity(activityOptions(ctx, t.lim, kindMetadata, ""), snowflakeapi.RecordSyncMarkName, snowflakeapi.RecordSyncMarkInput{
		ConnectionName: t.in.ConnectionName, Migration: t.in.Migration, MigrationRunID: t.in.MigrationRunID,
		TableKey: t.in.TableKey, Strategy: t.syncStrategy(), WatermarkColumn: s.Window.Column,
		Low: s.Window.Low, High: mark, Rows: t.st.Rows, Partitions: t.st.Started,
	})
	if workflow.GetVersion(ctx, markWithMirrorVersion, workflow.DefaultVersion, 1) >= 1 {
		// The partitions' last states go to the mirror while the mark is recorded (the
		// table's end flushes an empty mirror then): one round trip instead of two in
		// a row. Neither write depends on the other; the table's own record, which
		// makes this run a later run's baseline, still comes after both.
		t.mirror.flush(ctx)
	}
	err := f.Get(ctx, nil)
	if err != nil {
		t.fatal = "record the watermark of " + t.in.TableKey + " (the next run moves this run's rows again): " + message(err)
	}
}
