package workflows

import (
	"github.com/snowmigrate/snowmigrate/activities/sourceapi"
	"github.com/snowmigrate/snowmigrate/migration"
)

// LocateDifferencesWorkflowName registers LocateDifferences as a workflow too, for
// callers that prefer a child workflow (its own history) to running it inline.
const LocateDifferencesWorkflowName = "LocateDifferencesWorkflow"

// DefaultMaxDifferences bounds LocateDifferences when LocateInput.MaxDifferences is 0.
const DefaultMaxDifferences = 100

// LocateInput names one key range on both sides and how to compare it
// (docs/checksums.md, "Locating differences"; docs/workflows.md).
type LocateInput struct {
	// ConnectionName is the Snowflake connection (a name in the orchestrator's
	// connections.toml, never a secret).
	ConnectionName string `json:"connectionName"`
	// SourceQueue is where the source activities run (SourceQueue(base, affinity)).
	SourceQueue string `json:"sourceQueue"`
	// Source is the extract-shaped description of the rows on the source: migration,
	// platform, table key, table configuration (filter), shape (columns, partitionBy),
	// partition and watermark window.
	Source sourceapi.ExtractInput `json:"source"`
	// Target is the resolved Snowflake table holding the same key range.
	Target migration.TableRef `json:"target"`
	// KeyColumns are indexes into Source.Columns forming a row's key; nil chooses
	// LocateKeys(Source.TableShape): the primary key, else the partition columns, else
	// the whole row.
	KeyColumns []int `json:"keyColumns,omitempty"`
	// KeysOnly compares key sets only (re-sync's trackDeletions): only the missing
	// kinds are reported.
	KeysOnly bool `json:"keysOnly,omitempty"`
	// MaxDifferences bounds the result (0: DefaultMaxDifferences); more set Truncated.
	MaxDifferences int `json:"maxDifferences,omitempty"`
	// RowsHint is about how many rows the range holds (e.g. rows extracted); it picks
	// the first bucket depth. 0: unknown (depth 2).
	RowsHint int64 `json:"rowsHint,omitempty"`
	// Limits supplies the activity timeouts (HeartbeatTimeout, CatalogTimeout); zero
	// fields take the defaults.
	Limits Limits `json:"limits,omitempty"`
}

// LocateResult lists the differing rows found (at most MaxDifferences, in bucket and
// key order) and the size of the search.
type LocateResult struct {
	Differences []migration.RowDifference `json:"differences,omitempty"`
	// Truncated: more differences exist than are listed (the limit was reached, or a
	// bucket too large to list at the deepest depth was left out).
	Truncated bool `json:"truncated,omitempty"`
	// SourceRows and TargetRows are the range's row counts (from the first round's
	// bucket checksums).
	SourceRows int64 `json:"sourceRows"`
	TargetRows int64 `json:"targetRows"`
	// Rounds is how many rounds of activities (checksums or listings, both sides each)
	// the search took.
	Rounds int `json:"rounds"`
}
