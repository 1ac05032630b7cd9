package snowflakeside

import (
	"strings"
	"testing"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/migration"
)

var testColumns = []migration.Column{
	{SourceName: "id", SourceType: "bigint", TargetName: "ID", TargetType: "NUMBER(19,0)"},
	{SourceName: "Name", SourceType: "text", TargetName: "Name", TargetType: "VARCHAR", Nullable: true},
	{SourceName: "amount", SourceType: "double precision", TargetName: "AMOUNT", TargetType: "FLOAT", Nullable: true},
}

func prepareInput(h *harness, run string) snowflakeapi.PrepareTargetInput {
	return snowflakeapi.PrepareTargetInput{
		ConnectionName: h.conn, Migration: "mig", MigrationRunID: run, TableKey: "src.public.orders",
		Target:  config.Identifier{DatabaseName: "target_db", SchemaName: `"Sales"`, TableName: "orders"},
		Columns: testColumns, Sync: config.SyncNone,
	}
}

func TestPrepareTargetCreateCheckTruncateOnce(t *testing.T) {
	h := newHarness(t)
	h.mustRun(t, h.a.EnsureMetadata, snowflakeapi.EnsureMetadataInput{ConnectionName: h.conn}, nil)
	if _, err := h.db.Exec(`CREATE DATABASE IF NOT EXISTS TARGET_DB`); err != nil {
		t.Fatal(err)
	}
	var res snowflakeapi.PrepareTargetResult
	h.mustRun(t, h.a.PrepareTarget, prepareInput(h, "run-1"), &res)
	want := migration.TableRef{Database: "TARGET_DB", Schema: "Sales", Table: "ORDERS"}
	if res.Target != want || !res.Created || res.Truncated {
		t.Fatalf("first prepare: %+v", res)
	}
	// The table has the mapped columns, names exact, nullability kept.
	rows, err := h.db.Query(`SELECT COLUMN_NAME, DATA_TYPE, IS_NULLABLE FROM TARGET_DB.INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = 'Sales' AND TABLE_NAME = 'ORDERS' ORDER BY ORDINAL_POSITION`)
	if err != nil {
		t.Fatal(err)
	}
	var cols []string
	for rows.Next() {
		var n, ty, null string
		if err := rows.Scan(&n, &ty, &null); err != nil {
			t.Fatal(err)
		}
		cols = append(cols, n+" "+ty+" "+null)
	}
	rows.Close()
	if got := strings.Join(cols, ", "); got != "ID NUMBER NO, Name TEXT YES, AMOUNT FLOAT YES" {
		t.Errorf("created columns: %s", got)
	}
	table := `TARGET_DB."Sales".ORDERS`
	if _, err := h.db.Exec(`INSERT INTO ` + table + ` (ID, "Name", AMOUNT) VALUES (1, 'a', 1.5), (2, NULL, 2.5)`); err != nil {
		t.Fatal(err)
	}
	// A retry within the same run: the table exists and was already emptied for this run.
	res = snowflakeapi.PrepareTargetResult{}
	h.mustRun(t, h.a.PrepareTarget, prepareInput(h, "run-1"), &res)
	if res.Created || res.Truncated {
		t.Errorf("retry in the same run: %+v", res)
	}
	if n := h.count(t, "SELECT COUNT(*) FROM "+table); n != 2 {
		t.Fatalf("retry within the run emptied the table: %d rows", n)
	}
	// A new run replaces the content: truncated exactly once.
	h.mustRun(t, h.a.PrepareTarget, prepareInput(h, "run-2"), &res)
	if res.Created || !res.Truncated {
		t.Errorf("new run: %+v", res)
	}
	if n := h.count(t, "SELECT COUNT(*) FROM "+table); n != 0 {
		t.Fatalf("new run kept %d rows", n)
	}
	if _, err := h.db.Exec(`INSERT INTO ` + table + ` (ID) VALUES (3)`); err != nil {
		t.Fatal(err)
	}
	h.mustRun(t, h.a.PrepareTarget, prepareInput(h, "run-2"), &res)
	if res.Truncated || h.count(t, "SELECT COUNT(*) FROM "+table) != 1 {
		t.Errorf("second prepare of run-2 truncated again")
	}
	if n := h.count(t, `SELECT COUNT(*) FROM `+metaPrefix+`TABLE_METADATA WHERE WORKFLOW_ID = 'mig' AND TARGET_EMPTIED_AT IS NOT NULL`); n != 2 {
		t.Errorf("want one emptied marker per run, got %d", n)
	}
}

func TestPrepareTargetMismatchAndWarnings(t *testing.T) {
	h := newHarness(t)
	h.mustRun(t, h.a.EnsureMetadata, snowflakeapi.EnsureMetadataInput{ConnectionName: h.conn}, nil)
	for _, q := range []string{
		`CREATE DATABASE IF NOT EXISTS TARGET_DB`,
		`CREATE SCHEMA IF NOT EXISTS TARGET_DB."Sales"`,
		`CREATE TABLE TARGET_DB."Sales".ORDERS (ID NUMBER(19,0) NOT NULL, AMOUNT FLOAT)`,
	} {
		if _, err := h.db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	err := h.run(t, h.a.PrepareTarget, prepareInput(h, "run-1"), nil)
	appErr(t, err, migration.ErrTypeTargetMismatch, `"TARGET_DB"."Sales"."ORDERS"`, `"Name"`, "columnNameMappings", "ADD COLUMN")

	if _, err := h.db.Exec(`ALTER TABLE TARGET_DB."Sales".ORDERS ADD COLUMN "Name" VARCHAR(5)`); err != nil {
		t.Fatal(err)
	}
	in := prepareInput(h, "run-1")
	in.Columns = append([]migration.Column(nil), testColumns...)
	in.Columns[1].TargetType = "VARCHAR(100)"
	var res snowflakeapi.PrepareTargetResult
	h.mustRun(t, h.a.PrepareTarget, in, &res)
	if res.Created || len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], `"Name" holds 5 characters`) {
		t.Errorf("want one length warning, got %+v", res)
	}
	// Recorded once even when the activity is retried.
	h.mustRun(t, h.a.PrepareTarget, in, &res)
	if n := h.count(t, `SELECT COUNT(*) FROM `+metaPrefix+`DATA_MIGRATION_WARNING WHERE WORKFLOW_ID = 'mig'`); n != 1 {
		t.Errorf("want 1 warning row, got %d", n)
	}
	// A target database that does not exist is named, non-retryable.
	in.Target.DatabaseName = "NO_SUCH_DB"
	err = h.run(t, h.a.PrepareTarget, in, nil)
	appErr(t, err, snowflakeapi.ErrTypeTargetMissing, "NO_SUCH_DB")
	// A name that needs quotes is a configuration error naming the field.
	in.Target.DatabaseName = "bad name"
	err = h.run(t, h.a.PrepareTarget, in, nil)
	appErr(t, err, migration.ErrTypeConfig, "target.databaseName")
}
