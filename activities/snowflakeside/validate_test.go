package snowflakeside

import (
	"strings"
	"testing"

	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/snowflake"
)

func TestCompareSchema(t *testing.T) {
	n := func(v int64) *int64 { return &v }
	want := []migration.Column{
		{SourceName: "id", SourceType: "integer", TargetName: "ID", TargetType: "NUMBER(10,0)"},
		{SourceName: "amount", SourceType: "numeric(12,2)", TargetName: "AMOUNT", TargetType: "NUMBER(12,2)", Nullable: true},
		{SourceName: "name", SourceType: "text", TargetName: "NAME", TargetType: "VARCHAR", Nullable: true},
		{SourceName: "code", SourceType: "varchar(4)", TargetName: "CODE", TargetType: "VARCHAR(4)", Nullable: true},
		{SourceName: "note", SourceType: "text", TargetName: "NOTE", TargetType: "VARCHAR", Nullable: true},
		{SourceName: "b", SourceType: "bytea", TargetName: "B", TargetType: "BINARY", Nullable: true},
	}
	// Identical: nothing to report, everything comparable.
	same := []snowflake.ExistingColumn{
		{Name: "ID", DataType: "NUMBER", Precision: n(10), Scale: n(0)},
		{Name: "AMOUNT", DataType: "NUMBER", Nullable: true, Precision: n(12), Scale: n(2)},
		{Name: "NAME", DataType: "TEXT", Nullable: true, Length: n(16777216)},
		{Name: "CODE", DataType: "TEXT", Nullable: true, Length: n(4)},
		{Name: "NOTE", DataType: "TEXT", Nullable: true, Length: n(134217728)}, // a newer account's default length
		{Name: "B", DataType: "BINARY", Nullable: true, Length: n(8388608)},
	}
	diffs, comparable, compared := compareSchema(want, same)
	if len(diffs) != 0 || len(comparable) != 6 || compared != 7 {
		t.Fatalf("identical tables: %+v %v %d", diffs, comparable, compared)
	}
	// Damaged: AMOUNT rescaled, NAME retyped, CODE shorter, NOTE dropped, ID nullable,
	// an extra column, B moved before NAME.
	got := []snowflake.ExistingColumn{
		{Name: "ID", DataType: "NUMBER", Nullable: true, Precision: n(10), Scale: n(0)},
		{Name: "AMOUNT", DataType: "NUMBER", Nullable: true, Precision: n(12), Scale: n(1)},
		{Name: "B", DataType: "BINARY", Nullable: true, Length: n(8388608)},
		{Name: "NAME", DataType: "NUMBER", Nullable: true, Precision: n(38), Scale: n(0)},
		{Name: "CODE", DataType: "TEXT", Nullable: true, Length: n(3)},
		{Name: "EXTRA", DataType: "TEXT", Nullable: true, Length: n(10)},
	}
	diffs, comparable, _ = compareSchema(want, got)
	var kinds []string
	for _, d := range diffs {
		kinds = append(kinds, d.Kind+" "+d.Column)
	}
	wantKinds := "NULLABILITY ID, COLUMN_TYPE AMOUNT, COLUMN_TYPE NAME, COLUMN_TYPE CODE, MISSING_COLUMN NOTE, EXTRA_COLUMN EXTRA, COLUMN_ORDER "
	if strings.Join(kinds, ", ") != wantKinds {
		t.Errorf("differences:\n got %s\nwant %s", strings.Join(kinds, ", "), wantKinds)
	}
	// Levels 2 and 3 compare what is present with the same family: NAME (retyped)
	// and NOTE (dropped) are left out; a rescaled AMOUNT is still compared.
	if strings.Join(comparable, ",") != "ID,AMOUNT,CODE,B" {
		t.Errorf("comparable: %v", comparable)
	}
	for _, d := range diffs {
		if d.Kind == "COLUMN_TYPE" && d.Column == "AMOUNT" && (*d.SourceValue != "NUMBER(12,2)" || *d.TargetValue != "NUMBER(12,1) NULL") {
			t.Errorf("AMOUNT: %s vs %s", *d.SourceValue, *d.TargetValue)
		}
		if d.Kind == "COLUMN_ORDER" && (*d.SourceValue != "ID, AMOUNT, NAME, CODE, B" || *d.TargetValue != "ID, AMOUNT, B, NAME, CODE") {
			t.Errorf("order: %s vs %s", *d.SourceValue, *d.TargetValue)
		}
	}
}
