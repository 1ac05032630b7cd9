package snowflakeside

import (
	"context"

	"github.com/snowmigrate/snowmigrate/snowflake"
)

// RecordWarningsName records warnings found outside PrepareTarget (e.g. the source row
// count at the end of a table) in MIGRATION_WARNING.
const RecordWarningsName = "SnowflakeRecordWarnings"

// Warning categories recorded through RecordWarnings.
const (
	WarningCategoryRowCount = "SOURCE_ROW_COUNT" // the source's row count at the end differs from rows loaded
	WarningCategorySchema   = "SOURCE_SCHEMA"    // columns added to the source after introspection
)

// RecordWarningsInput is one table's warnings of one category.
type RecordWarningsInput struct {
	ConnectionName   string   `json:"connectionName"`
	Migration        string   `json:"migration"`
	MigrationRunID   string   `json:"migrationRunId"`
	TableKey         string   `json:"tableKey"`
	SourceIdentifier string   `json:"sourceIdentifier,omitempty"`
	Category         string   `json:"category"`
	Messages         []string `json:"messages"`
}

// RecordWarnings implements RecordWarningsName. Each message is recorded once (a
// retried activity MERGEs the same text).
func (a *Activities) RecordWarnings(ctx context.Context, in RecordWarningsInput) error {
	if len(in.Messages) == 0 {
		return nil
	}
	db, err := a.db(ctx, in.ConnectionName)
	if err != nil {
		return err
	}
	q, err := snowflake.MergeWarningsSQL(a.meta, in.Migration, in.MigrationRunID, in.TableKey, in.SourceIdentifier, in.Category, in.Messages, a.now())
	if err != nil {
		return err
	}
	_, err = a.exec(ctx, db, "record warnings of "+in.TableKey, q)
	return err
}
