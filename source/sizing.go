package source

import "github.com/snowmigrate/snowmigrate/config"

// Partition sizing for partitionSize "auto" (docs/types.md, "Partitions"): rows flow
// through the worker's memory one row group at a time, so the partition size only
// trades scheduling overhead against retry cost. We aim at ~128 MiB of table data per
// partition (~512 MiB from 100 GiB tables, to keep the partition count in the low
// thousands), clamped to 10,000 … 5,000,000 rows; without statistics, 1,000,000 rows.
const (
	autoPartitionBytes      = 128 << 20
	autoLargePartitionBytes = 512 << 20
	largeTableBytes         = 100 << 30
	minAutoRows             = 10_000
	maxAutoRows             = 5_000_000
	defaultRows             = 1_000_000
)

// RowsPerPartition turns partitionSize into a row count per partition.
func RowsPerPartition(ps *config.PartitionSize, estRows, estBytes int64) int64 {
	avg := int64(0)
	if estRows > 0 && estBytes > 0 {
		avg = estBytes / estRows
		if avg < 1 {
			avg = 1
		}
	}
	switch {
	case ps != nil && ps.MaxRowsPerPartition > 0:
		return ps.MaxRowsPerPartition
	case ps != nil && ps.TargetSizeMB > 0:
		if avg == 0 {
			return defaultRows
		}
		return max(1, ps.TargetSizeMB*(1<<20)/avg)
	}
	if avg == 0 {
		return defaultRows
	}
	target := int64(autoPartitionBytes)
	if estBytes >= largeTableBytes {
		target = autoLargePartitionBytes
	}
	return min(maxAutoRows, max(minAutoRows, target/avg))
}
