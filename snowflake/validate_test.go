package snowflake

import (
	"strings"
	"testing"

	"github.com/snowmigrate/snowmigrate/migration"
)

func TestGoldenValidate(t *testing.T) {
	q, err := ProfileColumnsSQL(target, append(append([]migration.Column{}, allCols...), jsonCols[1:]...))
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "validate_profile", q)
	q, err = DuplicateKeysSQL(target, []string{"ID", "MixedCase"})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "validate_duplicate_keys", q)
	golden(t, "validate_row_count", RowCountSQL(target))
	q, err = PartitionRowsSQL(target, allCols, []int{0, 1}, migration.Partition{Number: 3, Lower: []string{"5", "a"}, Upper: []string{"9", "it's"}})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "validate_partition_rows", q)
	q, err = RowSQL(target, allCols, []int{0, 1}, `7|it's a \|bar\\`)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "validate_row", q)
	q, err = RowSQL(target, allCols, []int{1, 4}, `\N|2024-02-29`)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "validate_row_null_key", q)
	if _, err := RowSQL(target, allCols, []int{0}, "1; DROP TABLE X"); err == nil {
		t.Error("a key that is not a number must not become a NUMBER literal")
	}
}

func TestGoldenValidationMetadata(t *testing.T) {
	golden(t, "validate_metadata_ddl", strings.Join(validationMetadataDDL(loc), ";\n\n"))
	end := goldenTime.Add(90e9)
	golden(t, "validate_merge_run", MergeValidationRunSQL(loc, ValidationRunRow{
		ValidationID: "run-1", WorkflowID: "Mig", ValidationWorkflowID: "Mig/validation", Level: 3, Tolerance: 0.001,
		Status: "MISMATCH", TablesTotal: 2, Matched: 1, Mismatched: 1, StartedAt: goldenTime, EndedAt: &end, At: end,
	}))
	k := ValidationTableKey{ValidationID: "run-1", WorkflowID: "Mig", MigrationRunID: "mig-run", TableKey: "db.public.orders"}
	q, err := MergeValidationResultsSQL(loc, k, []ValidationResultRow{
		{Level: 1, Status: "MATCH", Compared: 12, SourceIdentifier: "db.public.orders", TargetIdentifier: `"DB"."PUBLIC"."ORDERS"`},
		{Level: 2, Status: "MISMATCH", Compared: 80, Differences: 1, Message: "1 metric differs"},
	}, goldenTime, end)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "validate_merge_results", q)
	src, tgt := "12.30", "12.3"
	q, err = MergeValidationDifferencesSQL(loc, k, []ValidationDifferenceRow{
		{Level: 2, ID: "AMOUNT/sum", Kind: "METRIC", Column: "AMOUNT", Metric: "sum", SourceValue: &src, TargetValue: &tgt},
		{Level: 3, ID: "p4/k'1", Kind: "DIFFERENT", Column: "NOTE", Key: "k'1", SourceValue: &src,
			SourceSQL: "SELECT * FROM t WHERE k = 'k''1'", TargetSQL: `SELECT * FROM "T" WHERE "K" = 'k''1'`},
	}, end)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "validate_merge_differences", q)
	golden(t, "validate_delete_differences", DeleteValidationDifferencesSQL(loc, k, 3))
}

// Hostile values (a key, a value and a SQL text from the source) stay inside their
// literals: the statement has exactly the quotes its structure needs.
func TestValidationDifferencesHostile(t *testing.T) {
	hostile := `x'); DROP TABLE T; --\'`
	k := ValidationTableKey{ValidationID: "v", WorkflowID: "w", TableKey: hostile}
	q, err := MergeValidationDifferencesSQL(loc, k, []ValidationDifferenceRow{{Level: 3, ID: hostile, Kind: "DIFFERENT",
		Key: hostile, SourceValue: &hostile, TargetValue: &hostile, SourceSQL: hostile, TargetSQL: hostile}}, goldenTime)
	if err != nil {
		t.Fatal(err)
	}
	lit := StringLiteral(hostile)
	if strings.Count(q, lit) != 7 {
		t.Fatalf("want the hostile value as the literal %s 7 times:\n%s", lit, q)
	}
	if strings.Contains(strings.ReplaceAll(q, lit, "''"), "DROP") {
		t.Fatalf("hostile text escaped its literal:\n%s", q)
	}
}

func TestMetricKindOf(t *testing.T) {
	for ty, want := range map[string]string{
		"NUMBER(12,2)": MetricNumber, "FLOAT": MetricFloat, "VARCHAR(5)": MetricText, "BINARY": MetricBinary,
		"TIMESTAMP_LTZ(6)": MetricTemporal, "DATE": MetricTemporal, "BOOLEAN": MetricBoolean, "VARIANT": MetricPresence,
		"GEOGRAPHY": MetricPresence, "nonsense(": MetricPresence,
	} {
		if got := MetricKindOf(ty); got != want {
			t.Errorf("MetricKindOf(%q) = %s, want %s", ty, got, want)
		}
	}
}
