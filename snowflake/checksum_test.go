package snowflake

import (
	"strings"
	"testing"

	"github.com/snowmigrate/snowmigrate/migration"
)

func TestGoldenChecksum(t *testing.T) {
	m := must(t)
	cols := append(append([]migration.Column{}, allCols...),
		migration.Column{SourceName: "doc", TargetName: "DOC", TargetType: "VARIANT", Nullable: true},
		migration.Column{SourceName: "ltz", TargetName: "LTZ", TargetType: "TIMESTAMP_LTZ(6)", Nullable: true})
	golden(t, "checksum_range", m(ChecksumRangeSQL(target, cols, []int{4, 0}, migration.Partition{Number: 3, Lower: []string{"2024-01-01", "5"}, Upper: []string{"2024-02-01", "17"}})))
	golden(t, "checksum_null_keys", m(ChecksumRangeSQL(target, allCols[:2], []int{0}, migration.Partition{Number: 0, NullKeys: true})))
	// Scales above 19 print their fraction in chunks (one multiplication by 10^s would
	// overflow 38 digits); 19 is the largest one-step scale.
	wide := []migration.Column{allCols[0],
		{SourceName: "s19", TargetName: "S19", TargetType: "NUMBER(38,19)", Nullable: true},
		{SourceName: "s20", TargetName: "S20", TargetType: "NUMBER(38,20)", Nullable: true},
		{SourceName: "s37", TargetName: "S37", TargetType: "NUMBER(38,37)", Nullable: true}}
	golden(t, "checksum_wide_scale", m(ChecksumRangeSQL(target, wide, []int{0}, migration.Partition{Number: 1})))
	golden(t, "row_hashes", m(RowHashesSQL(target, allCols[:3], []int{1, 0}, migration.Partition{Number: 1, Upper: []string{"O'Brien \\ co", "7"}})))
	low, high := "2025-01-02 03:04:05.000000", "2025-02-01 00:00:00.000000"
	win := &migration.WatermarkWindow{Column: "ts", Low: &low, High: &high}
	golden(t, "checksum_window", m(ChecksumWindowSQL(target, allCols, []int{0}, migration.Partition{Number: 2, Lower: []string{"5"}, Upper: []string{"17"}}, win)))
	golden(t, "count_window", m(CountWindowSQL(target, allCols, []int{0}, migration.Partition{Number: 2, Lower: []string{"5"}, Upper: []string{"17"}}, win)))
	first := &migration.WatermarkWindow{Column: "ts", High: &high, IncludeNull: true}
	golden(t, "count_window_first", m(CountWindowSQL(target, allCols, []int{0}, migration.Partition{Number: 0, NullKeys: true}, first)))
	if q, err := ChecksumWindowSQL(target, allCols, []int{0}, migration.Partition{Number: 1}, nil); err != nil || q != m(ChecksumRangeSQL(target, allCols, []int{0}, migration.Partition{Number: 1})) {
		t.Errorf("a nil window changes the range checksum: %v\n%s", err, q)
	}
	// A watermark reaches SQL only through Literal, typed by the column: a hostile
	// bound stays inside its quoted literal (text) or is refused (number).
	bad := `2025-01-01'; DROP TABLE T; --\`
	q, err := CountWindowSQL(target, allCols, []int{0}, migration.Partition{Number: 1}, &migration.WatermarkWindow{Column: "ts", High: &bad})
	if err != nil || !strings.HasSuffix(q, `"TS" <= `+StringLiteral(bad)+"::TIMESTAMP_NTZ(6))") {
		t.Errorf("hostile timestamp bound not kept inside its literal: %v\n%s", err, q)
	}
	if _, err := CountWindowSQL(target, allCols, []int{0}, migration.Partition{Number: 1}, &migration.WatermarkWindow{Column: "id", High: &bad}); err == nil || !strings.Contains(err.Error(), "not a number") {
		t.Errorf("hostile numeric bound: %v", err)
	}
	if _, err := ChecksumWindowSQL(target, allCols, []int{0}, migration.Partition{Number: 1}, &migration.WatermarkWindow{Column: "nope", High: &high}); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("unknown watermark column: %v", err)
	}
	if _, err := ChecksumRangeSQL(target, jsonCols, []int{0}, migration.Partition{Number: 1}); err == nil {
		t.Error("GEOGRAPHY accepted: the product never writes it, and no checksum text is defined for it")
	}
}
