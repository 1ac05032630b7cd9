package snowflake

import (
	"strings"
	"testing"

	"github.com/snowmigrate/snowmigrate/migration"
)

func TestLiteralPerType(t *testing.T) {
	cases := []struct{ value, typ, want string }{
		{"42", "NUMBER(10,0)", "42"},
		{"-12.50", "NUMBER(12,2)", "-12.50"},
		{"12345678901234567890123456789012345678", "NUMBER(38,0)", "12345678901234567890123456789012345678"},
		{"7", "INTEGER", "7"},
		{"1.5e10", "FLOAT", "1.5e10"},
		{"NaN", "FLOAT", "'NaN'::FLOAT"},
		{"-Infinity", "DOUBLE", "'-inf'::FLOAT"},
		{"true", "BOOLEAN", "TRUE"},
		{"f", "BOOLEAN", "FALSE"},
		{"O'Brien", "VARCHAR(10)", "'O''Brien'"},
		{`C:\temp`, "TEXT", `'C:\\temp'`},
		{"", "VARCHAR", "''"},
		{"a\x00b", "VARCHAR", `'a\x00b'`},
		{"2024-02-29", "DATE", "'2024-02-29'::DATE"},
		{"2024-02-29 23:59:59.999999", "TIMESTAMP_NTZ(6)", "'2024-02-29 23:59:59.999999'::TIMESTAMP_NTZ(6)"},
		{"2024-02-29 23:59:59.999999+00:00", "timestamp_tz(6)", "'2024-02-29 23:59:59.999999+00:00'::TIMESTAMP_TZ(6)"},
		{"2024-02-29 23:59:59.999999+00:00", "TIMESTAMP_LTZ", "'2024-02-29 23:59:59.999999+00:00'::TIMESTAMP_LTZ"},
		{"12:30:00", "TIME", "'12:30:00'::TIME"},
		{"0a1b", "BINARY", "'0a1b'::BINARY"},
		{"9f1c6a4e-1111-2222-3333-444455556666", "VARCHAR(36)", "'9f1c6a4e-1111-2222-3333-444455556666'"},
	}
	for _, c := range cases {
		got, err := Literal(c.value, c.typ)
		if err != nil || got != c.want {
			t.Errorf("Literal(%q, %s) = %s, %v; want %s", c.value, c.typ, got, err, c.want)
		}
	}
	bad := []struct{ value, typ string }{
		{"1; DROP TABLE x", "NUMBER"},
		{"12abc", "FLOAT"},
		{"maybe", "BOOLEAN"},
		{"x", "NOT_A_TYPE"},
	}
	for _, c := range bad {
		if got, err := Literal(c.value, c.typ); err == nil {
			t.Errorf("Literal(%q, %s) = %s, want an error", c.value, c.typ, got)
		}
	}
}

func TestRangePredicateShapes(t *testing.T) {
	cols := []migration.Column{
		{TargetName: "A", TargetType: "NUMBER(10,0)"},
		{TargetName: "b", TargetType: "VARCHAR"},
		{TargetName: "C", TargetType: "DATE"},
	}
	// Three-column composite: the upper bound expands into three alternatives, the last
	// one inclusive, and every key is required to be non-NULL.
	got, err := RangePredicate(cols, []int{0, 1, 2}, migration.Partition{Number: 4, Upper: []string{"1", "x", "2024-01-01"}})
	if err != nil {
		t.Fatal(err)
	}
	want := `"A" IS NOT NULL AND "b" IS NOT NULL AND "C" IS NOT NULL AND (("A" < 1) OR ("A" = 1 AND "b" < 'x') OR ("A" = 1 AND "b" = 'x' AND "C" <= '2024-01-01'::DATE))`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	got, err = RangePredicate(cols, []int{1, 0}, migration.Partition{NullKeys: true})
	if err != nil || got != `("b" IS NULL OR "A" IS NULL)` {
		t.Errorf("null partition: %s %v", got, err)
	}
	// Errors name the problem.
	if _, err := RangePredicate(cols, []int{0, 1}, migration.Partition{Number: 2, Lower: []string{"1"}}); err == nil || !strings.Contains(err.Error(), "partition 2 lower bound") {
		t.Errorf("bound arity: %v", err)
	}
	if _, err := RangePredicate(cols, []int{3}, migration.Partition{}); err == nil {
		t.Error("index out of range accepted")
	}
	if _, err := RangePredicate(cols, nil, migration.Partition{}); err == nil {
		t.Error("no partition columns accepted")
	}
	if _, err := RangePredicate(cols, []int{0}, migration.Partition{Number: 1, Lower: []string{"1 OR 1=1"}}); err == nil {
		t.Error("non-numeric bound for a NUMBER column accepted")
	}
}

func TestCompareColumns(t *testing.T) {
	ref := migration.TableRef{Database: "D", Schema: "S", Table: "T"}
	p := func(n int64) *int64 { return &n }
	existing := []ExistingColumn{
		{Name: "ID", DataType: "NUMBER", Precision: p(38), Scale: p(0)},
		{Name: "NAME", DataType: "TEXT", Nullable: true, Length: p(10)},
		{Name: "AMOUNT", DataType: "NUMBER", Nullable: true, Precision: p(10), Scale: p(2)},
		{Name: "CREATED", DataType: "TIMESTAMP_LTZ", Nullable: true},
		{Name: "EXTRA", DataType: "TEXT"},
	}
	want := []migration.Column{
		{TargetName: "ID", TargetType: "NUMBER(19,0)"},
		{TargetName: "NAME", TargetType: "VARCHAR(100)", Nullable: true},
		{TargetName: "AMOUNT", TargetType: "NUMBER(12,2)", Nullable: true},
		{TargetName: "CREATED", TargetType: "TIMESTAMP_NTZ(6)", Nullable: true},
		{TargetName: "Missing", TargetType: "DATE", Nullable: true},
		{TargetName: "id", TargetType: "NUMBER(10,0)"}, // case matters: "id" is not "ID"
	}
	r := CompareColumns(ref, existing, want)
	if strings.Join(r.Missing, ",") != "Missing,id" {
		t.Errorf("missing = %v", r.Missing)
	}
	all := strings.Join(r.Warnings, "\n")
	for _, frag := range []string{`"NAME" holds 10 characters`, `"AMOUNT" is NUMBER(10,2)`, `"CREATED" is TIMESTAMP_LTZ`, `"EXTRA" is NOT NULL on the target and not migrated`} {
		if !strings.Contains(all, frag) {
			t.Errorf("warnings lack %q:\n%s", frag, all)
		}
	}
	if len(r.Warnings) != 4 {
		t.Errorf("want 4 warnings, got %d:\n%s", len(r.Warnings), all)
	}
	// Identical definitions produce nothing.
	r = CompareColumns(ref, existing[:1], want[:1])
	if len(r.Missing)+len(r.Warnings) != 0 {
		t.Errorf("same table reported %+v", r)
	}
}

func TestParseType(t *testing.T) {
	for in, fam := range map[string]string{
		"NUMBER(38,0)": FamNumber, "int": FamNumber, "varchar(16777216)": FamText, "STRING": FamText,
		"timestamp_tz(9)": FamTimestampTZ, "DATETIME": FamTimestampNTZ, "double precision": FamFloat,
		"VARIANT": FamVariant, "OBJECT": FamObject, "ARRAY": FamArray, "geography": FamGeography, "VARBINARY": FamBinary,
	} {
		ty, err := ParseType(in)
		if err != nil || ty.Family != fam {
			t.Errorf("ParseType(%q) = %+v, %v; want family %s", in, ty, err, fam)
		}
	}
	for _, in := range []string{"", "NUMBER(", "FOO", "VARCHAR(10); DROP"} {
		if _, err := ParseType(in); err == nil {
			t.Errorf("ParseType(%q) accepted", in)
		}
	}
}
