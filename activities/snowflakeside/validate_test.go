package snowflakeside

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
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

// RecordValidation and RecordValidationRun on the local Snowflake: a retried call
// (same input) writes the same rows, never duplicates; recording a level again
// replaces its differences; the views show the latest validation run only.
func TestRecordValidationIdempotent(t *testing.T) {
	h := newHarness(t)
	var meta snowflakeapi.EnsureMetadataResult
	h.mustRun(t, h.a.EnsureMetadata, snowflakeapi.EnsureMetadataInput{ConnectionName: h.conn}, &meta)
	now := time.Now().UTC()
	mig := "RecVal" + strconv.FormatInt(now.UnixNano(), 36)
	v1, v2 := "v-1-"+mig, "v-2-"+mig
	src, tgt := "a'b\\c", "\\N"
	in := snowflakeapi.RecordValidationInput{ConnectionName: h.conn, ValidationID: v1, Migration: mig, MigrationRunID: "run-1",
		TableKey: "db.public.t", SourceIdentifier: "db.public.t", TargetIdentifier: "DB.PUBLIC.T", StartedAt: now, ReplaceLevels: []int{3},
		Differences: []snowflakeapi.ValidationDifference{
			{Level: 3, ID: "p1/0", Kind: "DIFFERENT", Column: "V", Key: "1", SourceValue: &src, TargetValue: &tgt, SourceSQL: "SELECT 1", TargetSQL: "SELECT 2"},
			{Level: 3, ID: "p1/1", Kind: "MISSING_IN_TARGET", Key: "2", SourceValue: &src},
		}}
	for i := 0; i < 2; i++ { // the retry
		h.mustRun(t, h.a.RecordValidation, in, nil)
	}
	res := in
	res.Differences, res.ReplaceLevels = nil, nil
	res.Results = []snowflakeapi.ValidationLevelResult{{Level: 1, Status: "MATCH", Compared: 4}, {Level: 3, Status: "MISMATCH", Compared: 2, Differences: 2}}
	for i := 0; i < 2; i++ {
		h.mustRun(t, h.a.RecordValidation, res, nil)
	}
	run := snowflakeapi.RecordValidationRunInput{ConnectionName: h.conn, ValidationID: v1, Migration: mig, Level: 3, Status: "MISMATCH", StartedAt: now, EndedAt: &now}
	h.mustRun(t, h.a.RecordValidationRun, run, nil)
	h.mustRun(t, h.a.RecordValidationRun, run, nil)
	q := func(sql string) int64 { return h.count(t, strings.ReplaceAll(sql, "MIG", mig)) }
	if n := q(`SELECT COUNT(*) FROM SNOWCONVERT_AI.DATA_VALIDATION.VALIDATION_DIFFERENCE WHERE WORKFLOW_ID = 'MIG'`); n != 2 {
		t.Errorf("%d difference rows after a retried record, want 2", n)
	}
	if n := q(`SELECT COUNT(*) FROM SNOWCONVERT_AI.DATA_VALIDATION.VALIDATION_RESULT WHERE WORKFLOW_ID = 'MIG'`); n != 2 {
		t.Errorf("%d result rows, want 2 (levels 1 and 3)", n)
	}
	if n := q(`SELECT COUNT(*) FROM SNOWCONVERT_AI.DATA_VALIDATION.VALIDATION_RUN WHERE WORKFLOW_ID = 'MIG'`); n != 1 {
		t.Errorf("%d run rows, want 1", n)
	}
	var sv, tv string
	if err := h.db.QueryRow(`SELECT SOURCE_VALUE, TARGET_VALUE FROM SNOWCONVERT_AI.DATA_VALIDATION.VALIDATION_DIFFERENCE WHERE WORKFLOW_ID = ? AND DIFFERENCE_ID = 'p1/0'`, mig).Scan(&sv, &tv); err != nil || sv != src || tv != tgt {
		t.Errorf("values %q %q (%v), want %q %q", sv, tv, err, src, tgt)
	}
	// Level 3 recorded again with one difference: the other one is gone.
	in.Differences = in.Differences[:1]
	h.mustRun(t, h.a.RecordValidation, in, nil)
	if n := q(`SELECT COUNT(*) FROM SNOWCONVERT_AI.DATA_VALIDATION.VALIDATION_DIFFERENCE WHERE WORKFLOW_ID = 'MIG'`); n != 1 {
		t.Errorf("%d difference rows after level 3 was recorded again with one, want 1", n)
	}
	// A later validation run takes over the views.
	later := now.Add(time.Minute)
	run2 := snowflakeapi.RecordValidationRunInput{ConnectionName: h.conn, ValidationID: v2, Migration: mig, Level: 1, Status: "MATCH", StartedAt: later, EndedAt: &later}
	h.mustRun(t, h.a.RecordValidationRun, run2, nil)
	h.mustRun(t, h.a.RecordValidation, snowflakeapi.RecordValidationInput{ConnectionName: h.conn, ValidationID: v2, Migration: mig,
		TableKey: "db.public.t", StartedAt: later, Results: []snowflakeapi.ValidationLevelResult{{Level: 1, Status: "MATCH"}}}, nil)
	if n := q(`SELECT COUNT(*) FROM SNOWCONVERT_AI.DATA_VALIDATION.LATEST_VALIDATION_RESULT WHERE WORKFLOW_ID = 'MIG'`); n != 1 {
		t.Errorf("LATEST_VALIDATION_RESULT shows %d rows, want the later run's one", n)
	}
	if n := q(`SELECT COUNT(*) FROM SNOWCONVERT_AI.DATA_VALIDATION.LATEST_VALIDATION_DIFFERENCE WHERE WORKFLOW_ID = 'MIG'`); n != 0 {
		t.Errorf("LATEST_VALIDATION_DIFFERENCE shows %d rows of an older run", n)
	}
}
