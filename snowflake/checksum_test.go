package snowflake

import (
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
	golden(t, "row_hashes", m(RowHashesSQL(target, allCols[:3], []int{1, 0}, migration.Partition{Number: 1, Upper: []string{"O'Brien \\ co", "7"}})))
	if _, err := ChecksumRangeSQL(target, jsonCols, []int{0}, migration.Partition{Number: 1}); err == nil {
		t.Error("GEOGRAPHY accepted: the product never writes it, and no checksum text is defined for it")
	}
}
