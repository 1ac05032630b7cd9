package snowflake

import (
	"strings"
	"testing"

	"github.com/snowmigrate/snowmigrate/migration"
)

func TestGoldenLocate(t *testing.T) {
	m := must(t)
	p := migration.Partition{Number: 3, Lower: []string{"100"}, Upper: []string{"200"}}
	base := BucketQuery{Target: target, Columns: allCols, PartitionBy: []int{0}, Partition: p, KeyColumns: []int{0}, Depth: 2}
	golden(t, "locate_checksums", m(BucketChecksumsSQL(base)))
	sub := base
	sub.Depth, sub.Buckets = 3, []string{"f0", "0a", "7"}
	golden(t, "locate_checksums_prefixes", m(BucketChecksumsSQL(sub)))
	keys := base
	keys.KeysOnly, keys.KeyColumns, keys.Depth = true, []int{4, 0}, 1
	golden(t, "locate_checksums_keys_only", m(BucketChecksumsSQL(keys)))
	rows := base
	rows.Buckets, rows.Limit = []string{"a3", "0f"}, 201
	golden(t, "locate_rows", m(BucketRowsSQL(rows)))
	nokey := BucketQuery{Target: target, Columns: jsonCols[:2], PartitionBy: []int{0}, Partition: migration.Partition{Number: 0, NullKeys: true}, Depth: 1, Buckets: []string{"c"}, Limit: 10}
	golden(t, "locate_rows_no_key", m(BucketRowsSQL(nokey)))
	low, high := "2025-01-02 03:04:05.000000", "2025-02-01 00:00:00.000000"
	win := base
	win.Window = &migration.WatermarkWindow{Column: "ts", Low: &low, High: &high, IncludeNull: true}
	golden(t, "locate_checksums_window", m(BucketChecksumsSQL(win)))
}

// Prefixes become literals: anything but 1..depth lower-case hex digits is refused
// before SQL is built, so a hostile prefix never reaches Snowflake.
func TestLocateRefusesBadPrefixes(t *testing.T) {
	base := BucketQuery{Target: target, Columns: allCols, PartitionBy: []int{0}, Partition: migration.Partition{Number: 1}, Depth: 2, Limit: 5}
	for _, c := range []struct {
		depth   int
		buckets []string
		want    string
	}{
		{2, []string{"a' OR '1'='1"}, "hex digits"},
		{2, []string{"0'"}, "not lower-case hex"},
		{2, []string{"A1"}, "not lower-case hex"},
		{2, []string{"abc"}, "1 to 2 hex digits"},
		{2, []string{""}, "1 to 2 hex digits"},
		{0, nil, "depth 0"},
		{9, nil, "depth 9"},
	} {
		q := base
		q.Depth, q.Buckets = c.depth, c.buckets
		_, err1 := BucketChecksumsSQL(q)
		q.Buckets = append(q.Buckets, "0")
		_, err2 := BucketRowsSQL(q)
		for _, err := range []error{err1, err2} {
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("depth %d buckets %q: err %v, want %q", c.depth, c.buckets, err, c.want)
			}
		}
	}
	q := base
	if _, err := BucketRowsSQL(q); err == nil {
		t.Error("a listing of every bucket is accepted")
	}
	q.KeyColumns = []int{99}
	if _, err := BucketChecksumsSQL(q); err == nil || !strings.Contains(err.Error(), "index 99") {
		t.Errorf("bad key index: %v", err)
	}
	bad := "1'; DROP TABLE x; --"
	q.KeyColumns, q.Window = nil, &migration.WatermarkWindow{Column: "id", High: &bad}
	if _, err := BucketChecksumsSQL(q); err == nil || !strings.Contains(err.Error(), "not a number") {
		t.Errorf("hostile watermark bound: %v", err)
	}
}

func TestGoldenMergeRowDifferences(t *testing.T) {
	m := must(t)
	golden(t, "locate_merge_differences", m(MergeRowDifferencesSQL(loc, "mig1", "run-1", "db.public.orders", "db.public.orders", 7, []RowDifferenceRow{
		{Number: 1, RowDifference: migration.RowDifference{Kind: migration.DiffValue, Key: "42", Column: "NOTE", Columns: []string{"NOTE", "AMOUNT"},
			SourceValue: `it's a \\ back\|slash`, TargetValue: ""}},
		{Number: 2, RowDifference: migration.RowDifference{Kind: migration.DiffMissingInTarget, Key: "43", SourceValue: `43|x|\N`}},
		{Number: 3, RowDifference: migration.RowDifference{Kind: migration.DiffMissingInSource, Key: "'); DROP TABLE t; --", TargetValue: "44|y"}},
	}, true, goldenTime)))
	if _, err := MergeRowDifferencesSQL(loc, "m", "r", "t", "", 1, nil, false, goldenTime); err == nil {
		t.Error("an empty batch is accepted")
	}
}
