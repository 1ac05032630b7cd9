package snowflake

import (
	"strconv"
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

// MarkResyncSQL records, in the transaction that replaced the partition's range, the
// new baseline (the extractor's checksum of the rows copied), what was done and how
// many target rows the replace removed. It runs after MarkLoadedSQL, whose guard
// already proved this transaction owns the partition.
func MarkResyncSQL(l MetadataLocation, workflowID, runID, tableKey string, number int, checksum, action string, rowsDeleted int64, at time.Time) string {
	l = l.WithDefaults()
	return "UPDATE " + l.obj(PartitionMetadataTable) + " SET SOURCE_CHECKSUM = " + nullableVarchar(checksum) +
		", SYNC_ACTION = " + StringLiteral(action) + ", ROWS_DELETED = " + intLit(rowsDeleted) +
		", SYNCHRONIZED_AT = " + TimestampLiteral(at) + " WHERE " + partitionKey(workflowID, runID, tableKey, number)
}

// SelectChecksumBaselinesSQL pages the partitions a run recorded for a table with
// their source checksums, in partition-number (= key) order. Only partitions that
// completed carry a baseline a later run may trust: a failed or cancelled partition's
// checksum (if any) is read as none.
func SelectChecksumBaselinesSQL(l MetadataLocation, workflowID, runID, tableKey string, afterNumber, limit int) string {
	l = l.WithDefaults()
	return "SELECT PARTITION_NUMBER, LOWER_BOUND, UPPER_BOUND, NULL_KEYS, CASE WHEN STATUS = " + StringLiteral(metadataStatusCompleted) +
		" THEN SOURCE_CHECKSUM END FROM " + l.obj(PartitionMetadataTable) +
		" WHERE " + TableKeyCondition(workflowID, runID, tableKey) +
		" AND PARTITION_NUMBER > " + strconv.Itoa(afterNumber) + " ORDER BY PARTITION_NUMBER LIMIT " + strconv.Itoa(limit)
}
