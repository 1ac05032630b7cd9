package config

// The workflow configuration, field for field the reference system's JSON
// (shared/docs/config-reference.md). Pointers and nil slices mean "not set", which the
// defaults merge needs: a table that says nothing inherits, a table that says something
// (even an empty list) overrides.

// WorkflowConfig is the file given to `starter create-data-migration-workflow`.
type WorkflowConfig struct {
	SchemaVersion             string        `json:"schemaVersion,omitempty"`
	Tables                    []TableConfig `json:"tables"`
	DefaultTableConfiguration *TableConfig  `json:"defaultTableConfiguration,omitempty"`
	Affinity                  string        `json:"affinity,omitempty"`
}

// Identifier names a table. Names that need quoting are quoted inside the string
// (`"\"MyTable\""`); unquoted names follow each side's folding rule (PostgreSQL folds to
// lower case, Snowflake to upper case).
type Identifier struct {
	DatabaseName  string         `json:"databaseName,omitempty"`
	SchemaName    string         `json:"schemaName,omitempty"`
	TableName     string         `json:"tableName,omitempty"`
	TableType     string         `json:"tableType,omitempty"` // target only: native (default) | iceberg
	IcebergConfig *IcebergConfig `json:"icebergConfig,omitempty"`
}

// IcebergConfig describes an Iceberg target (tableType "iceberg"); config/iceberg.go says
// which fields go together and docs/configuration.md what each does.
type IcebergConfig struct {
	Catalog            string `json:"catalog,omitempty"`
	ExternalVolume     string `json:"externalVolume,omitempty"`
	BaseLocationPrefix string `json:"baseLocationPrefix,omitempty"`
	SourceDataStage    string `json:"sourceDataStage,omitempty"`
	CatalogTableName   string `json:"catalogTableName,omitempty"`
	MigrationStrategy  string `json:"migrationStrategy,omitempty"`
}

// TableConfiguration fields.
type TableConfig struct {
	Source                   *Identifier      `json:"source,omitempty"`
	Target                   *Identifier      `json:"target,omitempty"`
	ColumnNamesToPartitionBy []string         `json:"columnNamesToPartitionBy,omitempty"`
	Extraction               *Extraction      `json:"extraction,omitempty"`
	Synchronization          *Synchronization `json:"synchronization,omitempty"`
	ColumnTypeMappings       []TypeMapping    `json:"columnTypeMappings,omitempty"`
	ColumnNameMappings       []NameMapping    `json:"columnNameMappings,omitempty"`
	PrimaryKeyColumns        []string         `json:"primaryKeyColumns,omitempty"`
	PartitionSize            *PartitionSize   `json:"partitionSize,omitempty"`
	WhereClauseCriteria      *string          `json:"whereClauseCriteria,omitempty"`
	Validation               *Validation      `json:"validation,omitempty"`
}

// Validation (beyond the reference format) asks for a validation run after the
// migration: level 1 schema, 2 per-column metrics, 3 rows (docs/validation.md).
type Validation struct {
	Level     *int     `json:"level,omitempty"`
	Tolerance *float64 `json:"tolerance,omitempty"` // relative, for level-2 metrics
}

// Extraction strategies.
const (
	ExtractionRegular = "regular"
	ExtractionUnload  = "unload"
)

// Extraction says how rows leave the source.
type Extraction struct {
	Strategy      string `json:"strategy,omitempty"`
	ExternalStage string `json:"externalStage,omitempty"`
}

// Synchronization strategies.
const (
	SyncNone      = "none"
	SyncChecksum  = "checksum"
	SyncWatermark = "watermark"
)

// Synchronization says what a re-run moves.
type Synchronization struct {
	Strategy           string `json:"strategy,omitempty"`
	WatermarkColumn    string `json:"watermarkColumn,omitempty"`
	TrackModifications *bool  `json:"trackModifications,omitempty"`
	// TrackDeletions (beyond the reference format, needs primaryKeyColumns) deletes from
	// the target the keys that vanished from the source (docs/sync.md): with
	// "watermark" by key-set checksums per range; "checksum" replaces changed ranges, so
	// deletions are moved anyway.
	TrackDeletions *bool `json:"trackDeletions,omitempty"`
}

// TypeMapping overrides the target type of every source column of SourceType.
type TypeMapping struct {
	SourceType string `json:"sourceType"`
	TargetType string `json:"targetType"`
}

// NameMapping renames a column on the target.
type NameMapping struct {
	SourceName string `json:"sourceName"`
	TargetName string `json:"targetName"`
}

// PartitionSize is "auto" or exactly one of the two sizes. Its JSON form is either the
// string "auto" or an object (custom (un)marshalling lives in partitionsize.go).
type PartitionSize struct {
	Auto                bool  `json:"-"`
	TargetSizeMB        int64 `json:"targetSizeMb,omitempty"`
	MaxRowsPerPartition int64 `json:"maxRowsPerPartition,omitempty"`
}

// Source platforms accepted by --source-platform.
const (
	PlatformPostgreSQL = "postgresql"
	PlatformRedshift   = "redshift"
	PlatformSQLServer  = "sqlserver"
)
