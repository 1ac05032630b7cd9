package config

// The functions below are the package's contract with the workflows and the starter.
// Normalize is pure (no I/O, no clock, no randomness, no map iteration order in its
// output) because DataMigrationWorkflow calls it inside workflow code.

// Problem is one validation finding: a JSON path (e.g. `tables[2].columnNamesToPartitionBy`)
// and a message that says what is wrong and how to fix it.
type Problem struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

// Normalized is a validated configuration: every table with the defaults merged in and
// every default filled (partitionSize, extraction.strategy, synchronization.strategy,
// target.tableType), in the order the file lists them.
type Normalized struct {
	SchemaVersion string        `json:"schemaVersion"`
	Affinity      string        `json:"affinity,omitempty"`
	Tables        []TableConfig `json:"tables"`
}

// Signatures implemented in normalize.go / validate.go / parse.go:
//
//	func Parse(data []byte) (WorkflowConfig, []Problem)           // strict JSON: unknown fields are problems with their path
//	func Normalize(c WorkflowConfig, platform string) (Normalized, []Problem)
//	func MergeTable(defaults *TableConfig, t TableConfig) TableConfig
//	func ValidateMigrationName(name string) error
//	func TableKey(t TableConfig) string  // "db.schema.table" of the source, stable, used in workflow IDs and metadata
