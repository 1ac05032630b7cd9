package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/activities/sourceapi"
	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/migration"
)

// unloadPipeline is a partition of a table with extraction strategy "unload"
// (Redshift): the external stage's URL (DESC STAGE, on the orchestrator) → UNLOAD of
// the partition to <URL>/<PartitionPath>/ by the source itself (any source worker:
// no file passes through it; CLEANPATH makes a retry replace what an earlier attempt
// wrote) → LoadPartition from the external stage, exactly the manifest's files, in
// the same exactly-once transaction as the regular pipeline (and REMOVE of the
// partition's objects after the commit) → verify: the row count and, when the UNLOAD
// returned one, the source's value checksum of the unloaded rows against Snowflake's
// (a mismatch is located like the regular pipeline's).
func unloadPipeline(ctx workflow.Context, r *partitionRun) partitionOutcome {
	defer r.done()
	fields, url, err := r.unload(ctx)
	if err != nil {
		return r.fail("unload", err)
	}
	r.startLoading(ctx)
	if err := r.loadUnloaded(ctx, fields); err != nil {
		return r.fail("load", err)
	}
	if r.ld.AlreadyLoaded && len(r.up.Files) > 0 {
		r.removeUnloaded(ctx, url)
	}
	if err := r.verify(ctx); err != nil {
		return r.fail("verify", err)
	}
	r.out.rows, r.out.bytes = r.ld.RowsLoaded, r.ex.Bytes
	return r.out
}

// unloads reports whether the table is extracted by UNLOAD.
func (t *tableRun) unloads() bool {
	e := t.in.Table.Extraction
	return e != nil && e.Strategy == config.ExtractionUnload
}

// unload reads the stage's URL and has the source UNLOAD the partition under it. It
// fills r.stage (the partition's path on the external stage), r.ex (rows, bytes,
// warnings) and r.up.Files (the manifest's files, relative to r.stage) and returns the
// files' Parquet field names and the partition's S3 location.
func (r *partitionRun) unload(ctx workflow.Context) ([]string, string, error) {
	t, p := r.t, r.p
	r.out.rounds = 1
	var st snowflakeapi.ExternalStageURLResult
	err := workflow.ExecuteActivity(activityOptions(ctx, t.lim, kindMetadata, ""), snowflakeapi.ExternalStageURLName, snowflakeapi.ExternalStageURLInput{
		ConnectionName: t.in.ConnectionName, Stage: t.in.Table.Extraction.ExternalStage,
	}).Get(ctx, &st)
	if err != nil {
		return nil, "", err
	}
	path := migration.PartitionPath(t.in.Migration, t.in.TableKey, p.Number)
	r.stage = st.StageRef + "/" + path
	url := st.URL + path + "/"
	var res sourceapi.UnloadResult
	err = workflow.ExecuteActivity(activityOptions(ctx, t.lim, kindExtract, t.sourceQueue), sourceapi.UnloadName, sourceapi.UnloadInput{
		Migration: t.in.Migration, Platform: t.in.SourcePlatform, TableKey: t.in.TableKey, Table: t.in.Table,
		TableShape: t.st.Intro.TableShape, Partition: p, URL: url,
	}).Get(ctx, &res)
	if err != nil {
		return nil, "", err
	}
	// the source's checksum of the unloaded rows makes verify prove values (and locate a
	// mismatch); a result without one (an older worker or history) is verified by count
	r.ex = sourceapi.ExtractResult{Rows: res.Rows, Bytes: res.Bytes, Warnings: res.Warnings, Checksum: res.Checksum}
	r.up = sourceapi.UploadResult{Files: res.Files, Bytes: res.Bytes}
	return res.Fields, url, nil
}

// removeUnloaded deletes this attempt's objects when the load found the partition
// loaded by an earlier attempt (so nothing loaded or removed them). Best effort: a
// failure leaves objects under the stage, never wrong data.
func (r *partitionRun) removeUnloaded(ctx workflow.Context, url string) {
	t := r.t
	var res sourceapi.RemoveUnloadedResult
	err := workflow.ExecuteActivity(activityOptions(ctx, t.lim, kindCatalog, t.sourceQueue), sourceapi.RemoveUnloadedName, sourceapi.RemoveUnloadedInput{
		Platform: t.in.SourcePlatform, URL: url,
	}).Get(ctx, &res)
	if err != nil {
		workflow.GetLogger(ctx).Warn("unloaded objects of a partition loaded earlier were not removed",
			"table", t.in.TableKey, "partition", r.p.Number, "url", url, "error", err)
	}
}

// loadUnloaded is LoadPartition over the external stage's files, their fields mapped
// by position; a partition without rows has nothing to load.
func (r *partitionRun) loadUnloaded(ctx workflow.Context, fields []string) error {
	if len(r.up.Files) == 0 {
		return nil
	}
	t := r.t
	return workflow.ExecuteActivity(activityOptions(ctx, t.lim, kindLoad, ""), snowflakeapi.LoadPartitionName, snowflakeapi.LoadPartitionInput{
		ConnectionName: t.in.ConnectionName, Migration: t.in.Migration, MigrationRunID: t.in.MigrationRunID,
		TableKey: t.in.TableKey, Target: t.st.Target, Columns: t.st.Intro.Columns, Partition: r.p,
		StagePrefix: r.stage, Files: r.up.Files, RowsExtracted: r.ex.Rows, Bytes: r.ex.Bytes, ParquetFields: fields,
	}).Get(ctx, &r.ld)
}
