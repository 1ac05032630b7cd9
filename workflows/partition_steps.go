package workflows

import (
	"fmt"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/activities/sourceapi"
	"github.com/snowmigrate/snowmigrate/migration"
)

// A partition's pipeline is a sequence of steps chosen per table (pipeline()); each
// step is a function over one partitionRun, which carries what earlier steps produced.
// A new strategy (re-sync by checksum or watermark, UNLOAD) is a new pipeline in its
// own file, built from these steps and its own; where a strategy changes the commands
// an existing history replays, it must branch with workflow.GetVersion.

// partitionPipeline runs one partition to its outcome.
type partitionPipeline func(ctx workflow.Context, r *partitionRun) partitionOutcome

// pipeline chooses the table's partition pipeline from its extraction and
// synchronization strategy. The configuration refuses the strategies that have no
// pipeline yet (config validation).
func (t *tableRun) pipeline() partitionPipeline {
	switch {
	case t.st.Checksum != nil: // synchronization checksum (partition_checksum.go)
		return checksumPipeline
	case t.st.Sync != nil && t.tracksDeletions(): // watermark + trackDeletions (partition_checksum_deletions.go)
		return watermarkDeletionsPipeline
	case t.st.Sync != nil: // synchronization watermark (partition_watermark.go)
		return watermarkPipeline
	case t.unloads(): // extraction unload (partition_unload.go)
		return unloadPipeline
	}
	return regularPipeline
}

// partitionOutcome is what settle records.
type partitionOutcome struct {
	rows, bytes int64
	rounds      int
	step        string // the step that failed
	err         error
}

// partitionRun is one partition in flight: its table, its stage path and the results of
// the steps so far.
type partitionRun struct {
	t       *tableRun
	p       migration.Partition
	stage   string
	ex      sourceapi.ExtractResult
	up      sourceapi.UploadResult
	ld      snowflakeapi.LoadPartitionResult
	out     partitionOutcome
	loading bool // counted in t.loading rather than t.extracting
}

func (t *tableRun) newPartitionRun(p migration.Partition) *partitionRun {
	return &partitionRun{t: t, p: p, stage: migration.StagePath(t.in.StageName, t.in.Migration, t.in.TableKey, p.Number)}
}

// fail ends the pipeline at step with err.
func (r *partitionRun) fail(step string, err error) partitionOutcome {
	r.out.step, r.out.err = step, err
	return r.out
}

// done releases the partition's place in the extracting or loading counter.
func (r *partitionRun) done() {
	if r.loading {
		r.t.loading--
	} else {
		r.t.extracting--
	}
}

// extractAndStage is extract → upload (on the extracting host). When the upload cannot
// start on the host (it is gone, and its files with it), the partition is extracted
// again elsewhere, up to ExtractRounds times; the stage path is the same, so the new
// upload replaces whatever the old one left. The returned string names the failed step.
func (r *partitionRun) extractAndStage(ctx workflow.Context) (string, error) {
	t, p := r.t, r.p
	for round := 1; ; round++ {
		r.out.rounds = round
		if round > 1 {
			t.st.Redone++
			t.mirror.add(ctx, p, migration.StatusExtracting, 0, 0, round, "")
		}
		r.ex = sourceapi.ExtractResult{}
		err := workflow.ExecuteActivity(activityOptions(ctx, t.lim, kindExtract, t.sourceQueue), sourceapi.ExtractName, sourceapi.ExtractInput{
			Migration: t.in.Migration, Platform: t.in.SourcePlatform, TableKey: t.in.TableKey, Table: t.in.Table,
			TableShape: t.st.Intro.TableShape, Partition: p, Window: t.window(),
			// The checksum re-sync records the source's fingerprint of the extracted
			// rows as the next run's cheap change detector.
			Fingerprint: t.st.Checksum != nil,
		}).Get(ctx, &r.ex)
		if err != nil {
			return "extract", err
		}
		if len(r.ex.Files) == 0 {
			return "", nil // nothing to upload or load; verify still checks the target range is empty
		}
		if r.ex.HostQueue == "" {
			return "extract", temporal.NewNonRetryableApplicationError(
				"the source worker returned no host queue for the extracted files: upgrade or fix the source worker", "MissingHostQueue", nil)
		}
		err = workflow.ExecuteActivity(activityOptions(ctx, t.lim, kindUpload, r.ex.HostQueue), sourceapi.UploadName, sourceapi.UploadInput{
			Migration: t.in.Migration, TableKey: t.in.TableKey, Partition: p.Number, Files: r.ex.Files, StagePrefix: r.stage,
		}).Get(ctx, &r.up)
		if err == nil {
			return "", nil
		}
		if isScheduleToStartTimeout(err) && round < t.lim.ExtractRounds && ctx.Err() == nil {
			workflow.GetLogger(ctx).Warn("upload host did not pick up the upload: extracting again",
				"table", t.in.TableKey, "partition", p.Number, "hostQueue", r.ex.HostQueue, "round", round)
			continue
		}
		if isScheduleToStartTimeout(err) {
			return fmt.Sprintf("upload: no worker polled %s within %s in %d rounds (the extracting source worker is gone; start it again or add workers)",
				r.ex.HostQueue, t.lim.UploadScheduleToStart, round), err
		}
		return "upload from " + r.ex.HostQueue, err
	}
}

// startLoading moves the partition from the extracting to the loading counter and
// tells the mirror.
func (r *partitionRun) startLoading(ctx workflow.Context) {
	r.loading = true
	r.t.extracting--
	r.t.loading++
	r.t.mirror.add(ctx, r.p, migration.StatusLoading, r.ex.Rows, r.ex.Bytes, r.out.rounds, "")
}

// load runs COPY INTO and the metadata row in one transaction (LoadPartition); a
// partition without files has nothing to load.
func (r *partitionRun) load(ctx workflow.Context) error {
	if len(r.ex.Files) == 0 {
		return nil
	}
	t := r.t
	return workflow.ExecuteActivity(activityOptions(ctx, t.lim, kindLoad, ""), snowflakeapi.LoadPartitionName, snowflakeapi.LoadPartitionInput{
		ConnectionName: t.in.ConnectionName, Migration: t.in.Migration, MigrationRunID: t.in.MigrationRunID,
		TableKey: t.in.TableKey, Target: t.st.Target, Columns: t.st.Intro.Columns, Partition: r.p,
		StagePrefix: r.stage, Files: r.up.Files, RowsExtracted: r.ex.Rows, Bytes: r.ex.Bytes,
	}).Get(ctx, &r.ld)
}

// verify checks rows extracted = rows loaded = rows in the target's key range and, when
// the extractor computed one, that the target rows of the range have the value
// checksum of the rows extracted (docs/checksums.md). When that check fails with a
// checksum mismatch, the rows behind it are located and recorded before the
// partition fails as before (locateMismatch).
func (r *partitionRun) verify(ctx workflow.Context) error {
	t := r.t
	var vr snowflakeapi.VerifyPartitionResult
	err := workflow.ExecuteActivity(activityOptions(ctx, t.lim, kindVerify, ""), snowflakeapi.VerifyPartitionName, snowflakeapi.VerifyPartitionInput{
		ConnectionName: t.in.ConnectionName, Migration: t.in.Migration, MigrationRunID: t.in.MigrationRunID,
		TableKey: t.in.TableKey, Target: t.st.Target, Columns: t.st.Intro.Columns, PartitionBy: t.st.Intro.PartitionBy,
		Partition: r.p, RowsExtracted: r.ex.Rows, RowsLoaded: r.ld.RowsLoaded, SourceChecksum: r.ex.Checksum,
	}).Get(ctx, &vr)
	if err != nil && r.ex.Checksum != "" && applicationType(err) == migration.ErrTypeChecksumMismatch {
		r.locateMismatch(ctx)
	}
	return err
}

// locateDifferencesVersion guards the commands the checksum step issues after a
// mismatch (LocateDifferences' activities and RecordDifferences): histories recorded
// before them replay without.
const locateDifferencesVersion = "locate-differences"

// locateMismatchMax bounds the differences located and recorded per partition.
const locateMismatchMax = 100

// locateFailedPartitionsMax bounds the searches per table: once this many of its
// partitions have failed, later mismatches are not searched. A systematic cause (a
// type mapping that rounds every value) then costs twenty searches, not one scan of
// the source per partition, and twenty partitions of examples show it.
const locateFailedPartitionsMax = 20

// locateMismatch finds the rows behind a partition's checksum mismatch on the source
// and the target (LocateDifferences) and records them in ROW_DIFFERENCE, shown by
// DATA_MIGRATION_ERROR. It is best effort: the partition fails with the mismatch
// whatever happens here (a source without a Locator, a failed activity), and the
// reason is logged.
func (r *partitionRun) locateMismatch(ctx workflow.Context) {
	if r.t.st.Failed >= locateFailedPartitionsMax {
		return
	}
	if workflow.GetVersion(ctx, locateDifferencesVersion, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return
	}
	t := r.t
	log := workflow.GetLogger(ctx)
	res, err := LocateDifferences(ctx, LocateInput{
		ConnectionName: t.in.ConnectionName, SourceQueue: t.sourceQueue,
		Source: sourceapi.ExtractInput{
			Migration: t.in.Migration, Platform: t.in.SourcePlatform, TableKey: t.in.TableKey, Table: t.in.Table,
			TableShape: t.st.Intro.TableShape, Partition: r.p, Window: t.window(),
		},
		Target: t.st.Target, MaxDifferences: locateMismatchMax, RowsHint: r.ex.Rows, Limits: t.lim,
	})
	if err != nil {
		log.Warn("could not locate the rows behind a checksum mismatch", "table", t.in.TableKey, "partition", r.p.Number, "error", err)
		return
	}
	if len(res.Differences) == 0 {
		log.Warn("checksum mismatch: no differing row found between the source and the target now (the source may have changed since extraction)",
			"table", t.in.TableKey, "partition", r.p.Number, "rounds", res.Rounds)
		return
	}
	err = workflow.ExecuteActivity(activityOptions(ctx, t.lim, kindMetadata, ""), snowflakeapi.RecordDifferencesName, snowflakeapi.RecordDifferencesInput{
		ConnectionName: t.in.ConnectionName, Migration: t.in.Migration, MigrationRunID: t.in.MigrationRunID, TableKey: t.in.TableKey,
		SourceIdentifier: t.in.TableKey, Partition: r.p.Number, Differences: res.Differences, Truncated: res.Truncated,
	}).Get(ctx, nil)
	if err != nil {
		log.Warn("could not record the rows behind a checksum mismatch", "table", t.in.TableKey, "partition", r.p.Number, "error", err)
	}
}
