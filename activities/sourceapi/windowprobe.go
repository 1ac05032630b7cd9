package sourceapi

import (
	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/migration"
)

// ProbeWindowName counts, in one source query per page of reused partitions, the
// rows of a watermark re-run's window in each partition (source.WindowProber): the
// workflow extracts only the partitions that hold some (docs/sync.md, "Cost").
const ProbeWindowName = "SourceProbeWindow"

// ProbeWindowInput is the table, the page's partitions (non-overlapping ranges, as
// stored partitions are) and the window.
type ProbeWindowInput struct {
	Migration string             `json:"migration"`
	Platform  string             `json:"platform"`
	TableKey  string             `json:"tableKey"`
	Table     config.TableConfig `json:"table"` // for whereClauseCriteria
	migration.TableShape
	Partitions []migration.Partition     `json:"partitions"`
	Window     migration.WatermarkWindow `json:"watermarkWindow"`
}

// ProbeWindowResult holds one count per partition of the input, in its order.
// Supported is false when the source platform has no window probe: the workflow
// then extracts every partition (nothing else is set).
type ProbeWindowResult struct {
	Supported bool             `json:"supported"`
	Counts    []PartitionCount `json:"counts,omitempty"`
}

// PartitionCount is the number of the window's rows in one partition.
type PartitionCount struct {
	Number int   `json:"number"`
	Rows   int64 `json:"rows"`
}
