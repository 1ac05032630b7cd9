package snowflakeside

import (
	"context"
	"database/sql"
	"fmt"

	sf "github.com/snowflakedb/gosnowflake"
	"go.temporal.io/sdk/temporal"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/snowflake"
)

// DeleteVanishedKeys implements snowflakeapi.DeleteVanishedKeysName (trackDeletions):
//
//	SHOW TRANSACTIONS / SYSTEM$ABORT_TRANSACTION  → what a dead earlier attempt left open
//	BEGIN TRANSACTION NAME <LoadTxnName>
//	  DELETE FROM target WHERE <range> AND <key text> IN (…)
//	  UPDATE PARTITION_METADATA SET SYNC_ACTION = 'DELETED', ROWS_DELETED += n
//	COMMIT
//
// The delete is idempotent (a key deleted once is gone), and so is the count: a retry
// after a commit whose answer was lost deletes nothing and adds 0.
func (a *Activities) DeleteVanishedKeys(ctx context.Context, in snowflakeapi.DeleteVanishedKeysInput) (snowflakeapi.DeleteVanishedKeysResult, error) {
	var none snowflakeapi.DeleteVanishedKeysResult
	n := in.Partition.Number
	where := fmt.Sprintf("partition %d of %s", n, in.TableKey)
	if len(in.Keys) == 0 {
		return none, nil
	}
	del, err := snowflake.DeleteKeysSQL(in.Target, in.Columns, in.PartitionBy, in.Partition, in.KeyColumns, in.Keys)
	if err != nil {
		return none, temporal.NewNonRetryableApplicationError(where+": "+err.Error(), migration.ErrTypeConfig, err)
	}
	ensure, err := snowflake.MergePartitionsSQL(a.meta, in.Migration, in.MigrationRunID, in.TableKey, "", []snowflake.PartitionRow{{
		Number: n, Lower: in.Partition.Lower, Upper: in.Partition.Upper, NullKeys: in.Partition.NullKeys,
		Status: migration.StatusLoading, Attempts: attempt(ctx), At: a.now(),
	}})
	if err != nil {
		return none, temporal.NewNonRetryableApplicationError(where+": "+err.Error(), migration.ErrTypeConfig, err)
	}
	db, err := a.db(ctx, in.ConnectionName)
	if err != nil {
		return none, err
	}
	ctx = sf.WithQueryTag(ctx, snowflake.LoadQueryTag(in.Migration, in.TableKey, n, attempt(ctx)))
	conn, err := db.Conn(ctx)
	if err != nil {
		return none, classify(err, where)
	}
	open := false
	defer func() { a.release(ctx, conn, open, err) }()
	// The partition's load committed before this step; a transaction of this name still
	// open is a dead attempt of this very step.
	a.abortPredecessors(ctx, conn, snowflake.LoadTxnName(in.Migration, in.TableKey, n), where)
	// A partition whose window was empty loaded nothing, so its metadata row may exist
	// only in the mirror's pending batch: make sure it exists (autocommit, like a load's
	// first step) so that the count below lands on it.
	if _, err = a.exec(ctx, conn, "record the deletions of "+where, ensure); err != nil {
		return none, err
	}
	if _, err = conn.ExecContext(ctx, snowflake.BeginNamedSQL(snowflake.LoadTxnName(in.Migration, in.TableKey, n))); err != nil {
		return none, classify(err, "begin the deletions of "+where)
	}
	open = true
	var r sql.Result
	if r, err = a.exec(ctx, conn, fmt.Sprintf("delete %d vanished keys from %s", len(in.Keys), where), del); err != nil {
		return none, err
	}
	deleted, _ := r.RowsAffected()
	if _, err = a.exec(ctx, conn, "record the deletions of "+where,
		snowflake.MarkDeletedSQL(a.meta, in.Migration, in.MigrationRunID, in.TableKey, n, deleted, a.now())); err != nil {
		return none, err
	}
	if _, err = conn.ExecContext(ctx, snowflake.CommitSQL); err != nil {
		err = classify(err, "commit the deletions of "+where)
		return none, err
	}
	open = false
	return snowflakeapi.DeleteVanishedKeysResult{RowsDeleted: deleted}, nil
}
