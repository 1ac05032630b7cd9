package snowflake

import (
	"database/sql"
	"strings"
	"testing"

	"github.com/snowmigrate/snowmigrate/migration"
)

func TestParseStageName(t *testing.T) {
	for raw, want := range map[string]string{
		"db.sch.stg":                   "DB|SCH|STG",
		`@DB."My Schema"."st.g"`:       "DB|My Schema|st.g",
		` SAMPLEDB.PUBLIC.UNLOAD_STG `: "SAMPLEDB|PUBLIC|UNLOAD_STG",
	} {
		got, err := ParseStageName(raw)
		if err != nil || strings.Join(got, "|") != want {
			t.Errorf("%s: %q %v", raw, got, err)
		}
	}
	for _, bad := range []string{"stg", "a.b", "a.b.c.d", "a..b", "a.b.", `a.b."c`, "a.b.c d"} {
		if _, err := ParseStageName(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	if got := DescStageSQL([]string{"DB", "My Schema", "STG"}); got != `DESC STAGE "DB"."My Schema"."STG"` {
		t.Error(got)
	}
}

func TestStageURLFrom(t *testing.T) {
	row := func(parent, prop, val string) Row {
		return Row{idx: map[string]int{"parent_property": 0, "property": 1, "property_value": 2},
			vals: []sql.NullString{{String: parent, Valid: true}, {String: prop, Valid: true}, {String: val, Valid: true}}}
	}
	u, err := StageURLFrom([]Row{row("STAGE_FILE_FORMAT", "TYPE", "PARQUET"), row("STAGE_LOCATION", "URL", `["s3://bucket/unload/"]`)})
	if err != nil || u != "s3://bucket/unload/" {
		t.Errorf("%q %v", u, err)
	}
	if u, err := StageURLFrom([]Row{row("STAGE_LOCATION", "URL", "")}); err != nil || u != "" {
		t.Errorf("internal stage: %q %v", u, err)
	}
	loc, err := UnloadLocation("s3://bucket/unload", "mig-1", "DB.S.T", 7)
	if err != nil || loc != "s3://bucket/unload/"+migration.PartitionPath("mig-1", "DB.S.T", 7)+"/" {
		t.Errorf("%q %v", loc, err)
	}
	if _, err := UnloadLocation("azure://acct/c/", "m", "t", 1); err == nil {
		t.Error("non-S3 stage accepted")
	}
}

func TestCopyFieldsGolden(t *testing.T) {
	target := migration.TableRef{Database: "DB", Schema: "PUBLIC", Table: "ORDERS"}
	cols := []migration.Column{
		{TargetName: "ID", TargetType: "NUMBER(19,0)"},
		{TargetName: "Note", TargetType: "VARCHAR"},
		{TargetName: "AT", TargetType: "TIMESTAMP_TZ(6)"},
		{TargetName: "DOC", TargetType: "VARIANT"},
		{TargetName: "BLOB", TargetType: "BINARY"},
	}
	fields := []string{"c0", "c1", "c2", "c3", "c4"}
	prefix := ExternalStagePrefix([]string{"DB", "PUBLIC", "UNLOAD_STG"}, "mig", "DB.PUBLIC.ORDERS", 3)
	q, err := CopyFieldsSQL(target, cols, fields, prefix, []string{"0000_part_00.parquet", "0001_part_00.parquet"})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "copy_unloaded", q)
	q, err = CopyFieldsSQL(target, cols, fields, prefix, nil)
	if err != nil || !strings.Contains(q, "PATTERN = '.*[.]parquet'") {
		t.Errorf("without FILES: %v\n%s", err, q)
	}
	if _, err := CopyFieldsSQL(target, cols, fields[:2], prefix, nil); err == nil {
		t.Error("field count mismatch accepted")
	}
}
