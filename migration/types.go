package migration

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"unicode"
)

// TableRef is a resolved table name: exact names, no quoting, case as stored.
type TableRef struct {
	Database string `json:"database"`
	Schema   string `json:"schema"`
	Table    string `json:"table"`
}

// Column is one migrated column.
type Column struct {
	SourceName string `json:"sourceName"` // exact name in the source catalog
	SourceType string `json:"sourceType"` // as the source catalog spells it, e.g. "numeric(12,2)"
	TargetName string `json:"targetName"` // exact Snowflake name (after columnNameMappings and case rules)
	TargetType string `json:"targetType"` // Snowflake type, e.g. "NUMBER(12,2)", "TIMESTAMP_TZ(6)", "VARIANT"
	Nullable   bool   `json:"nullable"`
}

// Partition is a key range over the partition columns, in their order.
// A row belongs to it when Lower < key <= Upper (row-wise, lexicographic; nil bound =
// unbounded). Bounds are canonical text: numbers as decimal text, dates YYYY-MM-DD,
// timestamps "YYYY-MM-DD HH:MM:SS.ffffff" (with "+00:00" for time-zone-aware ones, in
// UTC), strings as is (compared in byte order: C collation on PostgreSQL, Snowflake's
// default binary collation), uuid in lower case.
// NullKeys marks the one partition of rows whose partition key has a NULL in any
// column; range predicates never match such rows, so without it they would be lost.
type Partition struct {
	Number   int      `json:"number"`
	Lower    []string `json:"lower,omitempty"`
	Upper    []string `json:"upper,omitempty"`
	NullKeys bool     `json:"nullKeys,omitempty"`
}

// FileRef is one Parquet file written by extract.
type FileRef struct {
	Path  string `json:"path"` // absolute path on the extracting host
	Name  string `json:"name"` // base name, also its name on the stage
	Rows  int64  `json:"rows"`
	Bytes int64  `json:"bytes"`
}

// Partition and table statuses, as stored in the metadata tables and shown by the starter.
const (
	StatusPending    = "PENDING"
	StatusExtracting = "EXTRACTING"
	StatusLoading    = "LOADING"
	StatusCompleted  = "COMPLETED"
	StatusFailed     = "FAILED"
	StatusCancelled  = "CANCELLED"
	StatusPaused     = "PAUSED"
	StatusExecuting  = "EXECUTING"
)

// Application error types. Activities return these as non-retryable application errors
// (temporal.NewNonRetryableApplicationError) for permanent failures, so that workflows
// can tell a broken configuration from a passing fault.
const (
	ErrTypeConfig           = "InvalidConfiguration" // bad or unsupported configuration
	ErrTypeSourceMissing    = "SourceObjectMissing"  // source table or column does not exist
	ErrTypeTargetMismatch   = "TargetMismatch"       // existing target lacks a column / incompatible
	ErrTypeChecksumMismatch = "ChecksumMismatch"     // rows extracted / loaded / in target differ
	ErrTypeCredentials      = "InvalidCredentials"   // login refused
	ErrTypeWrongPlatform    = "WrongPlatform"        // worker's source is not the workflow's platform
	// ErrTypeSourcePermission: the source login may not read the table or the catalog.
	ErrTypeSourcePermission = "SourcePermissionDenied"
)

// StagePath is the deterministic stage location of one partition's files:
// @<stage>/<PartitionPath>. Re-extracting a partition replaces exactly this path,
// which is what makes a retried upload safe.
func StagePath(stage, migrationName, tableKey string, partition int) string {
	return "@" + stage + "/" + PartitionPath(migrationName, tableKey, partition)
}

// PartitionPath is the relative, path-safe location of one partition's files,
// <migration>/<table>/<partition>: under the stage (StagePath), under a source
// worker's work directory, and under an UNLOAD prefix alike, so that one partition
// has one name everywhere.
func PartitionPath(migrationName, tableKey string, partition int) string {
	return pathSafe(migrationName) + "/" + pathSafe(tableKey) + "/" + strconv.Itoa(partition)
}

// pathSafe keeps letters, digits, '.', '-' and '_' and replaces anything else, then adds
// a short hash of the original when anything was replaced, so that distinct names never
// share a path.
func pathSafe(s string) string {
	var b strings.Builder
	changed := false
	for _, r := range s {
		if r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '-' || r == '_') {
			b.WriteRune(r)
			continue
		}
		b.WriteByte('_')
		changed = true
	}
	if changed {
		sum := sha256.Sum256([]byte(s))
		b.WriteString("-" + hex.EncodeToString(sum[:4]))
	}
	return b.String()
}

// TableShape is what introspection learns about a source table and every later step
// needs: the one description that travels from introspection through planning to
// extraction, counting and checksums (embedded in the activity inputs, so its JSON
// keys are the inputs' own: never rename them, recorded histories hold them).
type TableShape struct {
	Source         TableRef `json:"source"`
	Columns        []Column `json:"columns"`     // in source ordinal order, mapped (types, names)
	PartitionBy    []int    `json:"partitionBy"` // indexes into Columns, in config order
	PrimaryKey     []string `json:"primaryKey,omitempty"`
	EstimatedRows  int64    `json:"estimatedRows"`
	EstimatedBytes int64    `json:"estimatedBytes"`
	HasRows        bool     `json:"hasRows,omitempty"` // a row passes whereClauseCriteria
}
