package sourceapi

import (
	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/migration"
)

// Validation (docs/validation.md): the source side of levels 2 and 3.
const (
	// ProfileColumnsName computes level 2's column metrics on the source.
	ProfileColumnsName = "SourceProfileColumns"
	// ChecksumPartitionsName computes level 3's partition checksums on the source.
	ChecksumPartitionsName = "SourceChecksumPartitions"
)

// ColumnMetrics are one column's level-2 metrics (source.ColumnMetrics; the Snowflake
// side returns the same type). Numbers are decimal text; nil is SQL NULL or a metric
// the column's kind does not have.
type ColumnMetrics struct {
	Column   string  `json:"column"`
	Kind     string  `json:"kind"`
	Count    int64   `json:"count"`
	Nulls    int64   `json:"nulls"`
	Distinct *int64  `json:"distinct,omitempty"`
	Min      *string `json:"min,omitempty"`
	Max      *string `json:"max,omitempty"`
	Sum      *string `json:"sum,omitempty"`
	Avg      *string `json:"avg,omitempty"`
	Stddev   *string `json:"stddev,omitempty"`
}

// ProfileColumnsInput names the table (for its filter) and the columns to profile
// (TableShape.Columns: the columns both sides have).
type ProfileColumnsInput struct {
	Migration string             `json:"migration"`
	Platform  string             `json:"platform"`
	Table     config.TableConfig `json:"table"`
	migration.TableShape
}

// ProfileColumnsResult is one ColumnMetrics per column, in order; Unsupported says why
// none were computed when the source cannot (e.g. "column metrics are not supported
// for sqlserver"): a result the validation records, not an error to retry.
type ProfileColumnsResult struct {
	Metrics     []ColumnMetrics `json:"metrics,omitempty"`
	Unsupported string          `json:"unsupported,omitempty"`
}

// ChecksumPartitionsInput asks for the checksums of a page of partitions (the ones
// the migration's last completed run recorded), over TableShape.Columns.
type ChecksumPartitionsInput struct {
	Migration string             `json:"migration"`
	Platform  string             `json:"platform"`
	Table     config.TableConfig `json:"table"`
	migration.TableShape
	Partitions []migration.Partition `json:"partitions"`
}

// PartitionChecksum is one partition's checksum (docs/checksums.md) on one side, and
// the statement that shows its rows there.
type PartitionChecksum struct {
	Number   int    `json:"number"`
	Checksum string `json:"checksum"`
	Rows     int64  `json:"rows"`
	SQL      string `json:"sql,omitempty"`
}

// ChecksumPartitionsResult holds one PartitionChecksum per partition, in order, or
// Unsupported (the source has no checksum SQL: source.Checksummer).
type ChecksumPartitionsResult struct {
	Checksums   []PartitionChecksum `json:"checksums,omitempty"`
	Unsupported string              `json:"unsupported,omitempty"`
}

// RowSQLName asks the source for the statements that show rows by key (level 3's
// differing rows).
const RowSQLName = "SourceRowSQL"

// RowSQLInput names the table, its columns (TableShape), the key columns (indexes
// into Columns) and the key texts (migration.RowDifference.Key).
type RowSQLInput struct {
	Platform string             `json:"platform"`
	Table    config.TableConfig `json:"table"`
	migration.TableShape
	KeyColumns []int    `json:"keyColumns"`
	Keys       []string `json:"keys"`
}

// RowSQLResult holds one statement per key, in order ("" where none can be written:
// e.g. a key column of a type without literals).
type RowSQLResult struct {
	SQL []string `json:"sql"`
}
