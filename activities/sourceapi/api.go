package sourceapi

import (
	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/migration"
)

// Activity names as registered by the source worker (methods of *Activities).
const (
	IntrospectName     = "SourceIntrospect"
	PlanPartitionsName = "SourcePlanPartitions"
	ExtractName        = "SourceExtract"
	UploadName         = "SourceUpload"
)

// IntrospectInput asks for the table's columns, keys and size.
type IntrospectInput struct {
	Migration string             `json:"migration"`
	Platform  string             `json:"platform"`
	Table     config.TableConfig `json:"table"` // merged with the defaults
}

// IntrospectResult describes the source table and its target mapping.
type IntrospectResult struct {
	migration.TableShape
	Warnings []string `json:"warnings,omitempty"`
}

// PlanPartitionsInput asks for one page of partitions, keyset-paginated so that a plan of
// any size never travels as one payload.
type PlanPartitionsInput struct {
	Migration string             `json:"migration"`
	Platform  string             `json:"platform"`
	Table     config.TableConfig `json:"table"`
	migration.TableShape
	After         []string `json:"after,omitempty"` // plan keys strictly after this; nil = from the start (and plan the NULL-key partition)
	FirstNumber   int      `json:"firstNumber"`     // number given to the first partition of this page
	MaxPartitions int      `json:"maxPartitions"`   // page size
	// Window restricts the plan to a watermark re-sync's rows (nil: every row).
	Window *migration.WatermarkWindow `json:"watermarkWindow,omitempty"`
}

// PlanPartitionsResult is one page of the plan.
type PlanPartitionsResult struct {
	Partitions       []migration.Partition `json:"partitions"`
	Done             bool                  `json:"done"` // no partition after the last of this page
	RowsPerPartition int64                 `json:"rowsPerPartition"`
}

// ExtractInput extracts one partition into local Parquet files.
type ExtractInput struct {
	Migration string             `json:"migration"`
	Platform  string             `json:"platform"`
	TableKey  string             `json:"tableKey"`
	Table     config.TableConfig `json:"table"` // for whereClauseCriteria
	migration.TableShape
	Partition migration.Partition `json:"partition"`
	// Window restricts the partition to a watermark re-sync's rows (nil: every row).
	Window *migration.WatermarkWindow `json:"watermarkWindow,omitempty"`
	// Fingerprint asks for the partition's change fingerprint too, read in the
	// extraction's snapshot (the checksum re-sync's baseline; source.Fingerprinter).
	Fingerprint bool `json:"fingerprint,omitempty"`
}

// ExtractResult lists the files written and where the upload must run.
type ExtractResult struct {
	Files     []migration.FileRef `json:"files"`
	Rows      int64               `json:"rows"`
	Bytes     int64               `json:"bytes"`
	HostQueue string              `json:"hostQueue"`          // this worker's own task queue: Upload runs there
	Warnings  []string            `json:"warnings,omitempty"` // columns added to the source since introspection (not migrated)
	// Checksum is the partition's value checksum, computed by the extractor from the
	// values it wrote to Parquet (docs/checksums.md); "" when the extractor computed
	// none. The workflow passes it to VerifyPartitionInput.SourceChecksum.
	Checksum string `json:"checksum,omitempty"`
	// Fingerprint is the source's change fingerprint of the rows written, when the
	// input asked for it and the source computes one ("" otherwise).
	Fingerprint string `json:"fingerprint,omitempty"`
}

// UploadInput uploads a partition's files to the stage, replacing what a previous attempt left.
type UploadInput struct {
	Migration   string              `json:"migration"`
	TableKey    string              `json:"tableKey"`
	Partition   int                 `json:"partition"`
	Files       []migration.FileRef `json:"files"`
	StagePrefix string              `json:"stagePrefix"` // e.g. @SNOWCONVERT_AI.DATA_MIGRATION.MIGRATION_STAGE/<migration>/<table>/<partition>
}

// UploadResult names the staged files.
type UploadResult struct {
	Files []string `json:"files"` // names relative to StagePrefix
	Bytes int64    `json:"bytes"`
}

// CountRowsName counts the source rows that pass the table's filter, at the end of a
// table, to notice writes made while it was migrated.
const CountRowsName = "SourceCountRows"

// CountRowsInput names the table and the introspected columns.
type CountRowsInput struct {
	Migration string             `json:"migration"`
	Platform  string             `json:"platform"`
	Table     config.TableConfig `json:"table"` // for whereClauseCriteria
	migration.TableShape
}

// CountRowsResult is the count and what changed in the table's columns.
type CountRowsResult struct {
	Rows     int64    `json:"rows"`
	Warnings []string `json:"warnings,omitempty"` // columns added, changed or dropped since introspection
}

// MaxWatermarkName reads a watermark re-sync's high mark when the run plans a table
// (docs/sync.md).
const MaxWatermarkName = "SourceMaxWatermark"

// MaxWatermarkInput names the table, its introspected shape and the configured
// columns (as written in the configuration).
type MaxWatermarkInput struct {
	Migration string             `json:"migration"`
	Platform  string             `json:"platform"`
	Table     config.TableConfig `json:"table"` // for whereClauseCriteria, watermarkColumn, primaryKeyColumns
	migration.TableShape
}

// MaxWatermarkResult is the resolved watermark column and primary key (exact source
// names) and the largest watermark, as canonical text (nil: no row has one).
type MaxWatermarkResult struct {
	Column      string   `json:"column"`
	PrimaryKeys []string `json:"primaryKeys,omitempty"`
	High        *string  `json:"high,omitempty"`
}
