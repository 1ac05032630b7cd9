package parquetx

import (
	"math"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/snowmigrate/snowmigrate/checksum"
	"github.com/snowmigrate/snowmigrate/source"
)

// Every row written is in the checksum, with the canonical text of its target type.
func TestFileSetChecksumsWhatItWrites(t *testing.T) {
	plans := []source.ColumnPlan{
		{TargetName: "I32", Out: source.OutInt32},
		{TargetName: "I64", Out: source.OutInt64},
		{TargetName: "D64", Out: source.OutDecimal64, Precision: 12, Scale: 2},
		{TargetName: "D128", Out: source.OutDecimal128, Precision: 38, Scale: 3},
		{TargetName: "F32", Out: source.OutFloat},
		{TargetName: "F64", Out: source.OutDouble},
		{TargetName: "B", Out: source.OutBool},
		{TargetName: "S", Out: source.OutString, Target: source.TargetText},
		{TargetName: "J", Out: source.OutString, Target: source.TargetSemi},
		{TargetName: "BIN", Out: source.OutBinary},
		{TargetName: "DT", Out: source.OutDate},
		{TargetName: "TM", Out: source.OutTime},
		{TargetName: "NTZ", Out: source.OutTimestampNTZ},
		{TargetName: "TZ", Out: source.OutTimestampTZ},
	}
	fs, err := NewFileSet(t.TempDir(), plans, Options{})
	if err != nil {
		t.Fatal(err)
	}
	leaf := fs.Leaf()
	b := NewBatch(len(plans), 4, 0, 0)
	set := func(row, col int, v parquet.Value) {
		v.SetDefinitionLevel(1)
		v.SetColumnIndex(leaf[col])
		b.Cols[col][row] = v
	}
	dec128 := make([]byte, 16)
	for i := range dec128 {
		dec128[i] = 0xff
	}
	dec128[15] = 0xfe // -2
	set(0, 0, parquet.Int32Value(-5))
	set(0, 1, parquet.Int64Value(1<<40))
	set(0, 2, parquet.Int64Value(-1230))
	set(0, 3, parquet.FixedLenByteArrayValue(dec128))
	set(0, 4, parquet.FloatValue(0.1))
	set(0, 5, parquet.DoubleValue(math.Inf(-1)))
	set(0, 6, parquet.BooleanValue(false))
	set(0, 7, parquet.ByteArrayValue([]byte("a|b")))
	set(0, 8, parquet.ByteArrayValue([]byte(`{"a": 1}`)))
	set(0, 9, parquet.ByteArrayValue([]byte{0xde, 0xad}))
	set(0, 10, parquet.Int32Value(19782))
	set(0, 11, parquet.Int64Value(3_723_000_004))
	set(0, 12, parquet.Int64Value(1706695200000000))
	set(0, 13, parquet.Int64Value(-1))
	for col := range plans { // row 1: all NULL
		b.Cols[col][1] = parquet.Value{}.Level(0, 0, leaf[col])
	}
	for col := range plans { // row 2: empty text and binary, zeroes elsewhere
		switch plans[col].Out {
		case source.OutString, source.OutBinary:
			set(2, col, parquet.ByteArrayValue([]byte{}))
		default:
			b.Cols[col][2] = b.Cols[col][0]
		}
	}
	b.N = 3
	if err := fs.Write(b); err != nil {
		t.Fatal(err)
	}
	if _, err := fs.Close(); err != nil {
		t.Fatal(err)
	}
	rows := []string{
		`-5|1099511627776|-12.30|-0.002|7205759511166976p-56|-inf|false|a\|b|J|DEAD|2024-02-29|01:02:03.000004|2024-01-31 10:00:00.000000|1969-12-31 23:59:59.999999`,
		`\N|\N|\N|\N|\N|\N|\N|\N|\N|\N|\N|\N|\N|\N`,
		`-5|1099511627776|-12.30|-0.002|7205759511166976p-56|-inf|false||J||2024-02-29|01:02:03.000004|2024-01-31 10:00:00.000000|1969-12-31 23:59:59.999999`,
	}
	var want checksum.Sum
	for _, r := range rows {
		want.Add([]byte(r))
	}
	if got := fs.Checksum(); got != want {
		t.Fatalf("checksum %s, want %s", got, want)
	}
}
