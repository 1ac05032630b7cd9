package sourceapi

import (
	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/migration"
)

// ChecksumPartitionName computes a partition's value checksum on the source side,
// without loading it (docs/checksums.md, computation 3): re-sync by checksum compares it with the
// baseline the last completed run recorded and moves the partition only when they
// differ.
const ChecksumPartitionName = "SourceChecksumPartition"

// ChecksumPartitionInput selects the rows Extract would read for the partition
// (its key range and the table's whereClauseCriteria).
type ChecksumPartitionInput struct {
	Migration string             `json:"migration"`
	Platform  string             `json:"platform"`
	TableKey  string             `json:"tableKey"`
	Table     config.TableConfig `json:"table"` // for whereClauseCriteria
	migration.TableShape
	Partition migration.Partition `json:"partition"`
}

// ChecksumPartitionResult is the checksum ("v1:rows:upper:lower") and the row count.
type ChecksumPartitionResult struct {
	Checksum string `json:"checksum"`
	Rows     int64  `json:"rows"`
}
