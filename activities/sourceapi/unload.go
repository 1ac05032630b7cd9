package sourceapi

import (
	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/migration"
)

// UnloadName writes one partition straight to S3 with the source's UNLOAD (extraction
// strategy "unload", Redshift): no file passes through the worker.
const UnloadName = "SourceUnload"

// UnloadInput is one partition and its S3 location (the external stage's URL plus
// migration.PartitionPath, ending in "/"). UNLOAD's authorization is the worker's
// (its TOML), never in the payload.
type UnloadInput struct {
	Migration string             `json:"migration"`
	Platform  string             `json:"platform"`
	TableKey  string             `json:"tableKey"`
	Table     config.TableConfig `json:"table"` // for whereClauseCriteria
	migration.TableShape
	Partition migration.Partition `json:"partition"`
	URL       string              `json:"url"`
}

// UnloadResult is what the manifest lists: file names relative to the location (and
// to the stage prefix the load reads), rows and bytes, and the Parquet field name of
// each column in order.
type UnloadResult struct {
	Files    []string `json:"files"`
	Rows     int64    `json:"rows"`
	Bytes    int64    `json:"bytes"`
	Fields   []string `json:"fields"`
	Warnings []string `json:"warnings,omitempty"`
	// Checksum is the partition's value checksum (docs/checksums.md) computed by the
	// source in SQL over the rows the UNLOAD wrote, in its transaction; "" when the
	// source computes none (and in results recorded before it existed): the partition is
	// then verified by row count only. The workflow passes it to
	// VerifyPartitionInput.SourceChecksum.
	Checksum string `json:"checksum,omitempty"`
}

// RemoveUnloadedName deletes a partition's unloaded objects when the load did not
// (it found the partition loaded by an earlier attempt, so this attempt's files were
// never loaded nor removed). Best effort: the workflow logs a failure.
const RemoveUnloadedName = "SourceRemoveUnloaded"

// RemoveUnloadedInput is the partition's S3 location, as UnloadInput.URL.
type RemoveUnloadedInput struct {
	Platform string `json:"platform"`
	URL      string `json:"url"`
}

// RemoveUnloadedResult counts the objects removed.
type RemoveUnloadedResult struct {
	Removed int `json:"removed"`
}
