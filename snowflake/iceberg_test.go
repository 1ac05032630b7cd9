package snowflake

import (
	"strings"
	"testing"

	"github.com/snowmigrate/snowmigrate/migration"
)

func TestGoldenIceberg(t *testing.T) {
	m := must(t)
	extra := []migration.Column{jsonCols[1], jsonCols[2], jsonCols[3], jsonCols[5]} // VARIANT ARRAY OBJECT GEOGRAPHY
	cols, _, err := IcebergColumns(target, append(append([]migration.Column{}, allCols...), extra...))
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "create_iceberg_table", m(CreateIcebergTableSQL(target, cols, "ICEBERG_VOL", "mig/ANALYTICS/Sales/order \"lines\"")))
	golden(t, "create_iceberg_from_catalog", m(CreateIcebergFromCatalogSQL(target, "ICEBERG_VOL", "GLUE_INT", "order_lines")))
	golden(t, "convert_to_managed", ConvertToManagedSQL(target, "mig/ANALYTICS/Sales/it's"))
	golden(t, "show_iceberg_table", ShowIcebergTableSQL(target))
	stage := migration.StagePath(StageName(loc), "mig1", "db.public.orders", 7)
	golden(t, "copy_iceberg", m(CopyIcebergSQL(target, append(append([]migration.Column{}, allCols[:3]...), extra...), stage, []string{"part-0000.parquet"})))
}

func TestIcebergColumns(t *testing.T) {
	in := []migration.Column{
		{TargetName: "ID", TargetType: "NUMBER(19,0)"},
		{TargetName: "DOC", TargetType: "variant"},
		{TargetName: "TAGS", TargetType: "ARRAY"},
		{TargetName: "O", TargetType: "OBJECT"},
		{TargetName: "G", TargetType: "GEOGRAPHY"},
		{TargetName: "TSTZ", TargetType: "TIMESTAMP_TZ(6)"},
		{TargetName: "TS9", TargetType: "TIMESTAMP_NTZ(9)"},
		{TargetName: "TS", TargetType: "TIMESTAMP_NTZ"},
		{TargetName: "T3", TargetType: "TIME(3)"},
		{TargetName: "V", TargetType: "VARCHAR(20)"},
	}
	out, warnings, err := IcebergColumns(target, in)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"NUMBER(19,0)", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "TIMESTAMP_LTZ(6)", "TIMESTAMP_NTZ(6)", "TIMESTAMP_NTZ(6)", "TIME(3)", "VARCHAR(20)"}
	for i, c := range out {
		if c.TargetType != want[i] {
			t.Errorf("%s: %s, want %s", c.TargetName, c.TargetType, want[i])
		}
		if c.TargetName != in[i].TargetName {
			t.Errorf("name changed: %s", c.TargetName)
		}
	}
	if in[1].TargetType != "variant" {
		t.Error("input modified")
	}
	if len(warnings) != 6 {
		t.Fatalf("%d warnings: %q", len(warnings), warnings)
	}
	for i, part := range []string{`"DOC" is VARIANT`, `"TAGS" is ARRAY`, `"O" is OBJECT`, `"G" is GEOGRAPHY`, "TIMESTAMP_LTZ(6)", "finer digits are lost"} {
		if !strings.Contains(warnings[i], part) {
			t.Errorf("warning %d %q lacks %q", i, warnings[i], part)
		}
	}
	if _, _, err := IcebergColumns(target, []migration.Column{{TargetName: "X", TargetType: "MONEY"}}); err == nil {
		t.Error("unknown type accepted")
	}
}

func TestIcebergBuildersRefuseMissingParts(t *testing.T) {
	if _, err := CreateIcebergTableSQL(target, allCols, "", "x"); err == nil {
		t.Error("no volume accepted")
	}
	if _, err := CreateIcebergFromCatalogSQL(target, "V", "", "t"); err == nil {
		t.Error("no catalog accepted")
	}
}
