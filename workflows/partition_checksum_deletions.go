package workflows

import (
	"fmt"
	"strings"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/activities/sourceapi"
	"github.com/snowmigrate/snowmigrate/migration"
)

// trackDeletions for the watermark strategy (docs/sync.md): a watermark re-run moves
// the rows whose watermark grew, and a deleted row has no watermark to grow. After a
// partition's window is loaded, the key sets of its whole key range are compared
// (workflows.LocateDifferences with KeysOnly: key-hash bucket checksums on both
// sides, the differing buckets listed) and the keys found on the target only are
// deleted there (DeleteVanishedKeys), in rounds of at most deleteKeysPerRound keys.
// The checksum strategy needs none of this: a range that lost rows has another
// checksum and is replaced.

const (
	// deleteKeysPerRound bounds the keys one locate round returns and one delete
	// statement lists (payloads of a few hundred kB at most).
	deleteKeysPerRound = 1000
	// maxDeleteRounds bounds the rounds per partition; a range that still differs
	// after them fails the partition (and the table keeps its mark: the next run goes
	// on where this one stopped).
	maxDeleteRounds = 50
)

// tracksDeletions says whether the table's synchronization asks for trackDeletions.
func (t *tableRun) tracksDeletions() bool {
	s := t.in.Table.Synchronization
	return s != nil && s.TrackDeletions != nil && *s.TrackDeletions
}

// watermarkDeletionsPipeline is the watermark pipeline followed, on a re-run, by the
// deletion of the range's vanished keys. A table's first run is a full load: nothing
// can have vanished from it.
func watermarkDeletionsPipeline(ctx workflow.Context, r *partitionRun) partitionOutcome {
	out := watermarkPipeline(ctx, r)
	if out.err != nil || !r.t.st.Sync.incremental() {
		return out
	}
	if err := r.deleteVanishedKeys(ctx); err != nil {
		out.step, out.err = "track deletions", err
	}
	return out
}

// deletionKeys are the key columns (indexes into the introspected columns): the
// configured primaryKeyColumns, else the introspected primary key or the partition
// columns (LocateKeys). Any column set is correct for deletions: a key found on the
// target only has no source row left in the range.
func (t *tableRun) deletionKeys() ([]int, error) {
	pk := t.in.Table.PrimaryKeyColumns
	if len(pk) == 0 {
		return LocateKeys(t.st.Intro.TableShape), nil
	}
	var idx []int
	for _, name := range pk {
		found := -1
		for i, c := range t.st.Intro.Columns {
			if c.SourceName == name || (!strings.HasPrefix(name, `"`) && strings.EqualFold(c.SourceName, name)) || `"`+c.SourceName+`"` == name {
				found = i
				break
			}
		}
		if found < 0 {
			return nil, temporal.NewNonRetryableApplicationError(fmt.Sprintf(
				"table %s: primaryKeyColumns names %s, which is not among the migrated columns; trackDeletions needs the key to compare key sets",
				t.in.TableKey, name), migration.ErrTypeConfig, nil)
		}
		idx = append(idx, found)
	}
	return idx, nil
}

// deleteVanishedKeys finds the partition's keys that exist on the target only and
// deletes them, round by round.
func (r *partitionRun) deleteVanishedKeys(ctx workflow.Context) error {
	t := r.t
	keys, err := t.deletionKeys()
	if err != nil {
		return err
	}
	for round := 1; ; round++ {
		res, err := LocateDifferences(ctx, LocateInput{
			ConnectionName: t.in.ConnectionName, SourceQueue: t.sourceQueue,
			Source: sourceapi.ExtractInput{
				Migration: t.in.Migration, Platform: t.in.SourcePlatform, TableKey: t.in.TableKey, Table: t.in.Table,
				TableShape: t.st.Intro.TableShape, Partition: r.p, // the whole range: no window
			},
			Target: t.st.Target, KeyColumns: keys, KeysOnly: true, MaxDifferences: deleteKeysPerRound, Limits: t.lim,
		})
		if err != nil {
			return fmt.Errorf("compare the key sets of partition %d: %w", r.p.Number, err)
		}
		var vanished []string
		for _, d := range res.Differences {
			if d.Kind == migration.DiffMissingInSource {
				vanished = append(vanished, d.Key)
			}
		}
		if len(vanished) > 0 {
			err := workflow.ExecuteActivity(activityOptions(ctx, t.lim, kindLoad, ""), snowflakeapi.DeleteVanishedKeysName, snowflakeapi.DeleteVanishedKeysInput{
				ConnectionName: t.in.ConnectionName, Migration: t.in.Migration, MigrationRunID: t.in.MigrationRunID,
				TableKey: t.in.TableKey, Target: t.st.Target, Columns: t.st.Intro.Columns, PartitionBy: t.st.Intro.PartitionBy,
				Partition: r.p, KeyColumns: keys, Keys: vanished,
			}).Get(ctx, nil)
			if err != nil {
				return err
			}
		}
		if !res.Truncated || len(vanished) == 0 {
			return nil
		}
		if round >= maxDeleteRounds {
			return temporal.NewNonRetryableApplicationError(fmt.Sprintf(
				"partition %d of %s: still more vanished keys after %d rounds of %d; run again to continue (the table keeps its mark)",
				r.p.Number, t.in.TableKey, round, deleteKeysPerRound), migration.ErrTypeChecksumMismatch, nil)
		}
	}
}
