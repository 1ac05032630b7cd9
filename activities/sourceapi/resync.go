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
	// BaselineFingerprint is the fingerprint the baseline run recorded for the range
	// ("" when none). When the source computes fingerprints of the same version, the
	// activity computes only the fingerprint (far cheaper than the checksum) and the
	// workflow compares it with this one.
	BaselineFingerprint string `json:"baselineFingerprint,omitempty"`
}

// ChecksumPartitionResult is the checksum ("v1:rows:upper:lower"), the fingerprint
// and the row count: a fingerprint only (Checksum "") when the baseline had one of
// this source's version; a checksum and, when the source computes one, the
// fingerprint of the same snapshot otherwise (which becomes the next baseline's).
type ChecksumPartitionResult struct {
	Checksum    string `json:"checksum"`
	Fingerprint string `json:"fingerprint,omitempty"`
	Rows        int64  `json:"rows"`
}

// FingerprintPartitionsName computes, for a page of partitions whose baselines carry
// fingerprints, each partition's fingerprint on the source (source.Fingerprinter), in
// one snapshot: the checksum re-sync compares a page in a few activities instead of
// one activity per partition.
const FingerprintPartitionsName = "SourceFingerprintPartitions"

// FingerprintPartitionsInput names the table, the partitions and the fingerprint
// version of their baselines (the text before the first ':').
type FingerprintPartitionsInput struct {
	Migration string             `json:"migration"`
	Platform  string             `json:"platform"`
	TableKey  string             `json:"tableKey"`
	Table     config.TableConfig `json:"table"`
	migration.TableShape
	Partitions []migration.Partition `json:"partitions"`
	Version    string                `json:"version"`
}

// FingerprintPartitionsResult is each partition's fingerprint, or Supported false when
// the source computes no fingerprint of Version (the workflow compares each partition
// with ChecksumPartition instead).
type FingerprintPartitionsResult struct {
	Supported    bool                   `json:"supported"`
	Fingerprints []PartitionFingerprint `json:"fingerprints,omitempty"`
}

// PartitionFingerprint is one partition's fingerprint and row count.
type PartitionFingerprint struct {
	Number      int    `json:"number"`
	Fingerprint string `json:"fingerprint"`
	Rows        int64  `json:"rows"`
}
