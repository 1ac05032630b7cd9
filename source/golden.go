package source

import (
	"github.com/snowmigrate/snowmigrate/migration"
)

// GoldenCase is one statement of a dialect's golden SQL tests.
type GoldenCase struct {
	Name string
	SQL  func(d Dialect) (string, error)
}

// GoldenCases exercises every SQL builder of a dialect with the shapes that differ
// between dialects: reserved and mixed-case names, composite keys, filters, quotes
// and backslashes in bounds, each target family in the extraction SELECT. Both
// dialects render the same cases into their own testdata.
func GoldenCases() []GoldenCase {
	t := migration.TableRef{Database: "shop", Schema: "Sales", Table: "order"}
	one := []KeyColumn{{Name: "id", BaseType: "bigint"}}
	two := []KeyColumn{{Name: "Region", BaseType: "character varying", Collate: true}, {Name: "day", BaseType: "date"}}
	three := append(append([]KeyColumn{}, two...), KeyColumn{Name: "at", BaseType: "timestamp with time zone"})
	where := "is_deleted = 0 OR note = 'a\\b'"
	cols := []migration.Column{
		{SourceName: "id", SourceType: "bigint", TargetName: "ID", TargetType: "NUMBER(19,0)"},
		{SourceName: "Region", SourceType: "character varying(20)", TargetName: "Region", TargetType: "VARCHAR(20)"},
		{SourceName: "day", SourceType: "date", TargetName: "DAY", TargetType: "DATE"},
		{SourceName: "amount", SourceType: "numeric(12,2)", TargetName: "AMOUNT", TargetType: "NUMBER(12,2)"},
		{SourceName: "price", SourceType: "real", TargetName: "PRICE", TargetType: "FLOAT"},
		{SourceName: "at", SourceType: "timestamp with time zone", TargetName: "AT", TargetType: "TIMESTAMP_TZ(6)"},
		{SourceName: "local", SourceType: "timestamp without time zone", TargetName: "LOCAL", TargetType: "TIMESTAMP_NTZ(6)"},
		{SourceName: "doc", SourceType: "super", TargetName: "DOC", TargetType: "VARIANT"},
		{SourceName: "blob", SourceType: "varbyte(100)", TargetName: "BLOB", TargetType: "BINARY"},
		{SourceName: "shape", SourceType: "geometry", TargetName: "SHAPE", TargetType: "VARCHAR"},
		{SourceName: "flag", SourceType: "boolean", TargetName: "FLAG", TargetType: "VARCHAR"},
		{SourceName: "we\"ird", SourceType: "smallint", TargetName: "we\"ird", TargetType: "NUMBER(5,0)"},
	}
	extract := func(d Dialect, keys []KeyColumn, p migration.Partition) (string, error) {
		plans := make([]ColumnPlan, 0, len(cols))
		for _, c := range cols {
			redshiftOnly := c.SourceType == "super" || c.SourceType == "varbyte(100)" || c.SourceType == "geometry"
			if redshiftOnly && d.Platform() != "redshift" {
				continue
			}
			pl, err := d.PlanColumn(c)
			if err != nil {
				return "", err
			}
			plans = append(plans, pl)
		}
		return d.ExtractSQL(t, plans, keys, p, where), nil
	}
	s := func(f func(d Dialect) string) func(d Dialect) (string, error) {
		return func(d Dialect) (string, error) { return f(d), nil }
	}
	return []GoldenCase{
		{"catalog_table", s(func(d Dialect) string { return d.CatalogTableSQL() })},
		{"catalog_columns", s(func(d Dialect) string { return d.CatalogColumnsSQL() })},
		{"primary_key", s(func(d Dialect) string { return d.PrimaryKeySQL() })},
		{"has_rows", s(func(d Dialect) string { return d.HasRowsSQL(t, where) })},
		{"count_rows", s(func(d Dialect) string { return d.CountSQL(t, where) })},
		{"has_rows_no_filter", s(func(d Dialect) string { return d.HasRowsSQL(t, "") })},
		{"numeric_scan", s(func(d Dialect) string { return d.NumericScanSQL(t, []string{"amount", "Total"}, "") })},
		{"bounds_first_page", s(func(d Dialect) string { return d.BoundsSQL(t, one, "", nil, 1000, 100001) })},
		{"bounds_composite_after", s(func(d Dialect) string {
			return d.BoundsSQL(t, two, where, []string{"O'Neil\\x", "2024-01-31"}, 500, 50001)
		})},
		{"bounds_char_key", s(func(d Dialect) string {
			return d.BoundsSQL(t, []KeyColumn{{Name: "code", BaseType: "character", Collate: true, PadTo: 4}}, "", []string{"AB  "}, 10, 101)
		})},
		{"bounds_three_keys_after", s(func(d Dialect) string {
			return d.BoundsSQL(t, three, "", []string{"east", "2024-01-31", "2024-01-31 10:00:00.000000+00:00"}, 10, 101)
		})},
		{"null_keys", s(func(d Dialect) string { return d.NullKeysSQL(t, two, where) })},
		{"predicate_null_partition", s(func(d Dialect) string { return d.PartitionPredicate(two, migration.Partition{NullKeys: true}) })},
		{"predicate_first", s(func(d Dialect) string { return d.PartitionPredicate(one, migration.Partition{Upper: []string{"100"}}) })},
		{"predicate_middle_composite", s(func(d Dialect) string {
			return d.PartitionPredicate(two, migration.Partition{Lower: []string{"east", "2024-01-01"}, Upper: []string{"west", "2024-02-01"}})
		})},
		{"predicate_char_key", s(func(d Dialect) string {
			return d.PartitionPredicate([]KeyColumn{{Name: "code", BaseType: "character", Collate: true, PadTo: 4}}, migration.Partition{Lower: []string{"AB12"}, Upper: []string{"ZZ99"}})
		})},
		{"predicate_last", s(func(d Dialect) string { return d.PartitionPredicate(one, migration.Partition{Lower: []string{"100"}}) })},
		{"extract_composite", func(d Dialect) (string, error) {
			return extract(d, two, migration.Partition{Lower: []string{"east", "2024-01-01"}, Upper: []string{"west", "2024-02-01"}})
		}},
		{"extract_null_partition", func(d Dialect) (string, error) {
			return extract(d, one, migration.Partition{NullKeys: true})
		}},
	}
}
