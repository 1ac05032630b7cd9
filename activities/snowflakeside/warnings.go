package snowflakeside

import (
	"context"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/snowflake"
)

// RecordWarnings implements snowflakeapi.RecordWarningsName. Each message is recorded once (a
// retried activity MERGEs the same text).
func (a *Activities) RecordWarnings(ctx context.Context, in snowflakeapi.RecordWarningsInput) error {
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
