package snowflakeside

import (
	"strings"
	"testing"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
)

// TestRecordWarningsOncePerMessage: a retried activity re-sends the same messages; each
// is recorded once, with its category, and a message with quotes and backslashes
// arrives exactly.
func TestRecordWarningsOncePerMessage(t *testing.T) {
	h := newHarness(t)
	h.mustRun(t, h.a.EnsureMetadata, snowflakeapi.EnsureMetadataInput{ConnectionName: h.conn}, nil)
	msg := `source table db.public.t has 9 rows passing the filter at the end of its migration, but 10 rows were loaded (-1): it's \N`
	in := snowflakeapi.RecordWarningsInput{ConnectionName: h.conn, Migration: "mig", MigrationRunID: "r1", TableKey: "db.public.t",
		Category: snowflakeapi.WarningCategoryRowCount, Messages: []string{msg}}
	h.mustRun(t, h.a.RecordWarnings, in, nil)
	h.mustRun(t, h.a.RecordWarnings, in, nil)
	h.mustRun(t, h.a.RecordWarnings, snowflakeapi.RecordWarningsInput{ConnectionName: h.conn, Migration: "mig", MigrationRunID: "r1", TableKey: "db.public.t"}, nil)
	var category, got string
	if err := h.db.QueryRow(`SELECT CATEGORY, WARNING_MESSAGE FROM `+metaPrefix+`DATA_MIGRATION_WARNING WHERE WORKFLOW_ID = 'mig'`).Scan(&category, &got); err != nil {
		t.Fatal(err)
	}
	if n := h.count(t, `SELECT COUNT(*) FROM `+metaPrefix+`DATA_MIGRATION_WARNING WHERE WORKFLOW_ID = 'mig'`); n != 1 || category != snowflakeapi.WarningCategoryRowCount || got != msg {
		t.Errorf("%d rows; %s %q", n, category, got)
	}
	if !strings.Contains(got, "9 rows") {
		t.Errorf("message %q", got)
	}
}
