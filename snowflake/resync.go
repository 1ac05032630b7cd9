package snowflake

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/snowmigrate/snowmigrate/migration"
)

// Re-sync by checksum (docs/sync.md): the statements of a partition whose source
// checksum changed since the last completed run (its key range replaced in one
// transaction with the load marker and the new baseline) and the reading of the
// baselines a re-run compares with. Values reach SQL as escaped literals only;
// identifiers through QuoteIdent.

// DeleteRangeSQL removes every target row of a partition's key range: the first
// statement of a replace, followed in the same transaction by the COPY of the range's
// rows as the source holds them now.
func DeleteRangeSQL(target migration.TableRef, cols []migration.Column, partitionBy []int, p migration.Partition) (string, error) {
	pred, err := RangePredicate(cols, partitionBy, p)
	if err != nil {
		return "", err
	}
	return "DELETE FROM " + TableName(target) + " WHERE " + pred, nil
}

// MarkReplacedSQL is MarkLoadedSQL for a replaced range (same guard: LOADED_AT IS
// NULL and, with txnID, the transaction), setting in the same statement the new
// baseline (the extractor's checksum of the rows copied, and the source's fingerprint
// of them, "" when none), what was done and how many target rows the replace removed.
// One statement, not a marker and then a baseline: on the local Snowflake a second
// write to PARTITION_METADATA in one transaction, after other runs' commits to it (the
// skipped partitions' records), cannot be proven on the transaction's snapshot and
// fails with 000625, which cost the replace a retry.
func MarkReplacedSQL(l MetadataLocation, workflowID, runID, tableKey string, number int, rowsExtracted, rowsLoaded, bytes int64, attempt int, at time.Time, txnID string,
	checksum, fingerprint, action string, rowsDeleted int64) string {
	return markLoadedSQL(l, workflowID, runID, tableKey, number, rowsExtracted, rowsLoaded, bytes, attempt, at, txnID,
		", SOURCE_CHECKSUM = "+nullableVarchar(checksum)+", SOURCE_FINGERPRINT = "+nullableVarchar(fingerprint)+
			", SYNC_ACTION = "+StringLiteral(action)+", ROWS_DELETED = "+intLit(rowsDeleted)+", SYNCHRONIZED_AT = "+TimestampLiteral(at))
}

// SelectChecksumBaselinesSQL pages the partitions a run recorded for a table with
// their source checksums and fingerprints, in partition-number (= key) order. Only partitions that
// completed carry a baseline a later run may trust: a failed or cancelled partition's
// checksum (if any) is read as none.
func SelectChecksumBaselinesSQL(l MetadataLocation, workflowID, runID, tableKey string, afterNumber, limit int) string {
	l = l.WithDefaults()
	return "SELECT PARTITION_NUMBER, LOWER_BOUND, UPPER_BOUND, NULL_KEYS, CASE WHEN STATUS = " + StringLiteral(metadataStatusCompleted) +
		" THEN SOURCE_CHECKSUM END, CASE WHEN STATUS = " + StringLiteral(metadataStatusCompleted) +
		" THEN SOURCE_FINGERPRINT END FROM " + l.obj(PartitionMetadataTable) +
		" WHERE " + TableKeyCondition(workflowID, runID, tableKey) +
		" AND PARTITION_NUMBER > " + strconv.Itoa(afterNumber) + " ORDER BY PARTITION_NUMBER LIMIT " + strconv.Itoa(limit)
}

// DeleteKeysSQL removes from a partition's key range the target rows whose key text
// (the canonical fields of the key columns joined as in a row text, docs/checksums.md)
// is one of keys: keys that vanished from the source (trackDeletions). The key texts
// become string literals (StringLiteral); the key expression is the one the locate
// queries bucket by, so a key text read from either side matches here.
func DeleteKeysSQL(target migration.TableRef, cols []migration.Column, partitionBy []int, p migration.Partition, keyColumns []int, keys []string) (string, error) {
	if len(keys) == 0 {
		return "", fmt.Errorf("delete vanished keys from %s: no keys", TableName(target))
	}
	if len(keyColumns) == 0 {
		return "", fmt.Errorf("delete vanished keys from %s: no key columns", TableName(target))
	}
	pred, err := RangePredicate(cols, partitionBy, p)
	if err != nil {
		return "", err
	}
	keyCols := make([]migration.Column, len(keyColumns))
	for i, k := range keyColumns {
		if k < 0 || k >= len(cols) {
			return "", fmt.Errorf("key column index %d is outside the %d columns", k, len(cols))
		}
		keyCols[i] = cols[k]
	}
	expr, err := ChecksumRowExpr(keyCols)
	if err != nil {
		return "", err
	}
	lits := make([]string, len(keys))
	for i, k := range keys {
		lits[i] = StringLiteral(k)
	}
	return "DELETE FROM " + TableName(target) + " WHERE " + pred + "\n  AND (" + expr + ") IN (" + strings.Join(lits, ", ") + ")", nil
}

// MarkDeletedSQL adds, in the transaction that deleted them, the rows a partition lost
// to trackDeletions. A retry after a commit whose answer was lost deletes nothing and
// adds 0, so the count stays exact without a guard.
func MarkDeletedSQL(l MetadataLocation, workflowID, runID, tableKey string, number int, rowsDeleted int64, at time.Time) string {
	l = l.WithDefaults()
	return "UPDATE " + l.obj(PartitionMetadataTable) + " SET SYNC_ACTION = " + StringLiteral(SyncActionDeleted) +
		", ROWS_DELETED = COALESCE(ROWS_DELETED, 0) + " + intLit(rowsDeleted) +
		", SYNCHRONIZED_AT = " + TimestampLiteral(at) + " WHERE " + partitionKey(workflowID, runID, tableKey, number)
}
