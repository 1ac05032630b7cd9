package source

import (
	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/migration"
)

// TableInfo is what introspection learns about a source table.
type TableInfo struct {
	migration.TableShape
	Warnings []string
}

// PlanRequest asks for one keyset page of partitions.
type PlanRequest struct {
	Table config.TableConfig
	migration.TableShape
	After         []string
	FirstNumber   int
	MaxPartitions int
	Windowed
}

// MaxBoundBytes bounds the canonical text of one partition bound (all its columns):
// bounds travel in activity payloads (Temporal allows 2 MB each), histories, errors
// and PARTITION_METADATA. The planner reads at most MaxBoundBytes+1 characters of a
// candidate and never chooses a longer key as a bound: its partition grows to the
// next short key (docs/types.md, "Partitions").
const MaxBoundBytes = 1024

// PlanPage is one page of the plan.
type PlanPage struct {
	Partitions       []migration.Partition
	Done             bool
	RowsPerPartition int64
}

// ExtractRequest extracts one partition.
type ExtractRequest struct {
	Table config.TableConfig
	migration.TableShape
	Partition migration.Partition
	Windowed
	// Fingerprint asks Extract for the partition's change fingerprint too (a source
	// that is a Fingerprinter computes it in the extraction's own snapshot; others
	// ignore it): the checksum re-sync records it as the baseline its next run
	// compares with (docs/sync.md).
	Fingerprint bool
}

// CountRequest counts a table's rows that pass its filter.
type CountRequest struct {
	Table config.TableConfig
	migration.TableShape
}

// ExtractStats is the outcome of an extraction.
type ExtractStats struct {
	Files []migration.FileRef
	Rows  int64 // rows written, counted exactly (and checked against the server's count)
	Bytes int64 // bytes of Parquet written
	// Warnings: columns added to the source table after introspection (not migrated).
	Warnings []string
	// Checksum is the partition checksum of the rows written (docs/checksums.md),
	// computed from the values written to Parquet; "" when the dialect computed none.
	Checksum string
	// Fingerprint is the partition's change fingerprint (Fingerprinter) over exactly
	// the rows written, when the request asked for it and the source computes one;
	// "" otherwise.
	Fingerprint string
}

// Where returns the table's whereClauseCriteria or "".
func Where(t config.TableConfig) string {
	if t.WhereClauseCriteria == nil {
		return ""
	}
	return *t.WhereClauseCriteria
}

// Windowed is embedded in the requests a watermark re-sync restricts (plan, extract):
// nil moves every row, as before.
type Windowed struct {
	// Window restricts the request to the rows Low < watermark <= High (see
	// migration.WatermarkWindow). A dialect that cannot apply it must refuse the
	// request with ErrConfig rather than ignore it: ignoring it would move every row.
	Window *migration.WatermarkWindow
}
