package workflows

import (
	"fmt"

	"go.temporal.io/sdk/workflow"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/activities/sourceapi"
	"github.com/snowmigrate/snowmigrate/config"
)

// versionRowCount marks histories that count the source rows at the end of a table;
// histories recorded before it replay without the two activities.
const versionRowCount = "table-end-source-row-count"

// checkRowCount runs once every partition completed: it counts the source rows that
// pass the filter (in one snapshot, now) and records a warning with both numbers
// when the count differs from the rows loaded, plus one per column added or changed
// since introspection. Partitions are extracted at different moments, so a writer
// that inserted or deleted rows during the migration shows up as a difference; the
// table's outcome does not change (docs/workflows.md, "Writes while migrating").
// Only a full load (synchronization none) is compared: re-sync strategies load a
// subset by design. A failure here is logged, never fatal: it is a check, not a step
// the data depends on.
func (t *tableRun) checkRowCount(ctx workflow.Context) {
	if workflow.GetVersion(ctx, versionRowCount, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return
	}
	if s := t.in.Table.Synchronization; s != nil && s.Strategy != "" && s.Strategy != config.SyncNone {
		return
	}
	log := workflow.GetLogger(ctx)
	var res sourceapi.CountRowsResult
	err := workflow.ExecuteActivity(activityOptions(ctx, t.lim, kindCatalog, t.sourceQueue), sourceapi.CountRowsName, sourceapi.CountRowsInput{
		Migration: t.in.Migration, Platform: t.in.SourcePlatform, Table: t.in.Table,
		TableShape: t.st.Intro.TableShape,
	}).Get(ctx, &res)
	if err != nil {
		log.Warn("counting the source rows failed; concurrent writes go unnoticed for this table", "table", t.in.TableKey, "error", message(err))
		return
	}
	record := func(category string, msgs []string) {
		if len(msgs) == 0 {
			return
		}
		err := workflow.ExecuteActivity(activityOptions(ctx, t.lim, kindMetadata, ""), snowflakeapi.RecordWarningsName, snowflakeapi.RecordWarningsInput{
			ConnectionName: t.in.ConnectionName, Migration: t.in.Migration, MigrationRunID: t.in.MigrationRunID,
			TableKey: t.in.TableKey, Category: category, Messages: msgs,
		}).Get(ctx, nil)
		if err != nil {
			log.Warn("recording warnings failed", "table", t.in.TableKey, "category", category, "error", message(err))
		}
	}
	if res.Rows != t.st.Rows {
		msg := fmt.Sprintf("source table %s has %d rows passing the filter at the end of its migration, but %d rows were loaded (%+d): "+
			"the source was written to while it was migrated; rows inserted, deleted or moved between key ranges after their partition was extracted are not reflected in the target. "+
			"Stop the writers and migrate the table again, or re-synchronize it",
			t.in.TableKey, res.Rows, t.st.Rows, res.Rows-t.st.Rows)
		log.Warn(msg)
		record(snowflakeapi.WarningCategoryRowCount, []string{msg})
	}
	record(snowflakeapi.WarningCategorySchema, res.Warnings)
}
