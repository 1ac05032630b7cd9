package config

import (
	"reflect"
	"testing"
)

func ptr[T any](v T) *T { return &v }

func TestMergeNestedObjectsFieldByField(t *testing.T) {
	def := &TableConfig{
		Source:          &Identifier{DatabaseName: "db", SchemaName: "dbo"},
		Target:          &Identifier{DatabaseName: "DB", SchemaName: "DBO", TableType: "native", IcebergConfig: &IcebergConfig{Catalog: "SNOWFLAKE", ExternalVolume: "VOL"}},
		Extraction:      &Extraction{Strategy: "regular", ExternalStage: "S.T.G"},
		Synchronization: &Synchronization{Strategy: "watermark", WatermarkColumn: "updated_at", TrackModifications: ptr(true)},
	}
	table := TableConfig{
		Source:          &Identifier{TableName: "orders", SchemaName: "sales"},
		Target:          &Identifier{TableName: "ORDERS", IcebergConfig: &IcebergConfig{ExternalVolume: "VOL2"}},
		Extraction:      &Extraction{Strategy: "unload"},
		Synchronization: &Synchronization{TrackModifications: ptr(false)},
	}
	got := MergeTable(def, table)
	want := TableConfig{
		Source:          &Identifier{DatabaseName: "db", SchemaName: "sales", TableName: "orders"},
		Target:          &Identifier{DatabaseName: "DB", SchemaName: "DBO", TableName: "ORDERS", TableType: "native", IcebergConfig: &IcebergConfig{Catalog: "SNOWFLAKE", ExternalVolume: "VOL2"}},
		Extraction:      &Extraction{Strategy: "unload", ExternalStage: "S.T.G"},
		Synchronization: &Synchronization{Strategy: "watermark", WatermarkColumn: "updated_at", TrackModifications: ptr(false)},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %s\nwant %s", mustJSON(t, got), mustJSON(t, want))
	}
	// Only one side present: the other side's fields come through unchanged.
	got = MergeTable(&TableConfig{}, table)
	if !reflect.DeepEqual(got.Source, table.Source) || !reflect.DeepEqual(got.Extraction, table.Extraction) {
		t.Fatalf("table-only merge changed values: %s", mustJSON(t, got))
	}
	got = MergeTable(def, TableConfig{})
	if !reflect.DeepEqual(got.Target, def.Target) || !reflect.DeepEqual(got.Synchronization, def.Synchronization) {
		t.Fatalf("defaults-only merge changed values: %s", mustJSON(t, got))
	}
}

func TestMergeCollectionsReplacedWhole(t *testing.T) {
	def := &TableConfig{
		ColumnNamesToPartitionBy: []string{"id"},
		ColumnTypeMappings:       []TypeMapping{{"money", "NUMBER(19,4)"}, {"uuid", "VARCHAR(36)"}},
		ColumnNameMappings:       []NameMapping{{"a", "b"}},
		PrimaryKeyColumns:        []string{"id"},
	}
	table := TableConfig{
		ColumnNamesToPartitionBy: []string{"region", "order_id"},
		ColumnTypeMappings:       []TypeMapping{{"json", "VARIANT"}},
		ColumnNameMappings:       []NameMapping{}, // explicit empty: no renames for this table
	}
	got := MergeTable(def, table)
	if !reflect.DeepEqual(got.ColumnNamesToPartitionBy, []string{"region", "order_id"}) {
		t.Errorf("partition columns: %v", got.ColumnNamesToPartitionBy)
	}
	if !reflect.DeepEqual(got.ColumnTypeMappings, []TypeMapping{{"json", "VARIANT"}}) {
		t.Errorf("type mappings must be replaced, not appended: %v", got.ColumnTypeMappings)
	}
	if got.ColumnNameMappings == nil || len(got.ColumnNameMappings) != 0 {
		t.Errorf("explicit empty list must override: %v", got.ColumnNameMappings)
	}
	if !reflect.DeepEqual(got.PrimaryKeyColumns, []string{"id"}) {
		t.Errorf("unset list must inherit: %v", got.PrimaryKeyColumns)
	}
	// No aliasing: changing the result leaves the inputs alone.
	got.PrimaryKeyColumns[0] = "changed"
	got.ColumnTypeMappings[0].TargetType = "changed"
	if def.PrimaryKeyColumns[0] != "id" || table.ColumnTypeMappings[0].TargetType != "VARIANT" {
		t.Fatal("MergeTable result aliases its inputs")
	}
}

func TestMergeScalarsOverridden(t *testing.T) {
	def := &TableConfig{WhereClauseCriteria: ptr("is_deleted = 0"), PartitionSize: &PartitionSize{TargetSizeMB: 512}}
	got := MergeTable(def, TableConfig{})
	if *got.WhereClauseCriteria != "is_deleted = 0" || got.PartitionSize.TargetSizeMB != 512 {
		t.Fatalf("inherit: %s", mustJSON(t, got))
	}
	got = MergeTable(def, TableConfig{WhereClauseCriteria: ptr(""), PartitionSize: &PartitionSize{MaxRowsPerPartition: 10}})
	if *got.WhereClauseCriteria != "" {
		t.Errorf("an empty filter in the table must clear the default's: %q", *got.WhereClauseCriteria)
	}
	// partitionSize is one choice: replaced, never a mix of the two keys.
	if *got.PartitionSize != (PartitionSize{MaxRowsPerPartition: 10}) {
		t.Errorf("partitionSize: %+v", *got.PartitionSize)
	}
	*got.WhereClauseCriteria = "x"
	if *def.WhereClauseCriteria != "is_deleted = 0" {
		t.Fatal("scalar pointer aliased")
	}
	if got := MergeTable(nil, TableConfig{WhereClauseCriteria: ptr("a = 1")}); *got.WhereClauseCriteria != "a = 1" || got.Source != nil {
		t.Fatalf("nil defaults: %s", mustJSON(t, got))
	}
}
