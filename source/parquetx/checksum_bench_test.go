package parquetx

import (
	"fmt"
	"syscall"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/snowmigrate/snowmigrate/source"
)

// BenchmarkChecksumLineitem measures the checksum's share of the encoder's work: the
// cost of adding a batch of lineitem-shaped rows (the extraction benchmark's table) to
// the partition checksum, per row.
func BenchmarkChecksumLineitem(b *testing.B) {
	plans := []source.ColumnPlan{
		{TargetName: "L_ORDERKEY", Out: source.OutInt64}, {TargetName: "L_PARTKEY", Out: source.OutInt32},
		{TargetName: "L_SUPPKEY", Out: source.OutInt32}, {TargetName: "L_LINENUMBER", Out: source.OutInt32},
		{TargetName: "L_QUANTITY", Out: source.OutDecimal64, Precision: 15, Scale: 2},
		{TargetName: "L_EXTENDEDPRICE", Out: source.OutDecimal64, Precision: 15, Scale: 2},
		{TargetName: "L_DISCOUNT", Out: source.OutDecimal64, Precision: 15, Scale: 2},
		{TargetName: "L_TAX", Out: source.OutDecimal64, Precision: 15, Scale: 2},
		{TargetName: "L_RETURNFLAG", Out: source.OutString}, {TargetName: "L_LINESTATUS", Out: source.OutString},
		{TargetName: "L_SHIPDATE", Out: source.OutDate}, {TargetName: "L_COMMITDATE", Out: source.OutDate},
		{TargetName: "L_RECEIPTDATE", Out: source.OutDate}, {TargetName: "L_SHIPINSTRUCT", Out: source.OutString},
		{TargetName: "L_SHIPMODE", Out: source.OutString}, {TargetName: "L_COMMENT", Out: source.OutString},
	}
	sm, err := newSummer(plans)
	if err != nil {
		b.Fatal(err)
	}
	const rows = 4096
	bt := NewBatch(len(plans), rows, 1<<20, 0)
	for r := 0; r < rows; r++ {
		i := int64(r)
		set := func(c int, v parquet.Value) { v.SetDefinitionLevel(1); bt.Cols[c][r] = v }
		set(0, parquet.Int64Value(i/4+1))
		set(1, parquet.Int32Value(int32(i*7919%200000+1)))
		set(2, parquet.Int32Value(int32(i*104729%10000+1)))
		set(3, parquet.Int32Value(int32(i%4+1)))
		set(4, parquet.Int64Value((i%50+1)*100))
		set(5, parquet.Int64Value(i*7919%10000000+90000))
		set(6, parquet.Int64Value(i%11))
		set(7, parquet.Int64Value(i%9))
		text := func(s string) parquet.Value {
			start := len(bt.Arena)
			bt.Arena = append(bt.Arena, s...)
			return parquet.ByteArrayValue(bt.Arena[start:len(bt.Arena):len(bt.Arena)])
		}
		set(8, text("N"))
		set(9, text("O"))
		set(10, parquet.Int32Value(int32(8036+i%2500)))
		set(11, parquet.Int32Value(int32(8065+i%2500)))
		set(12, parquet.Int32Value(int32(8037+i%2530)))
		set(13, text("DELIVER IN PERSON        "))
		set(14, text("TRUCK     "))
		set(15, text(fmt.Sprintf("%08x carefully final deposits", i*2654435761)))
	}
	bt.N = rows
	b.ReportAllocs()
	b.ResetTimer()
	c0 := processCPU()
	for i := 0; i < b.N; i++ {
		sm.add(bt)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rows), "ns/row")
	// CPU time per row: what the checksum takes from the other processes on a shared
	// machine (wall time there measures the load as much as the code).
	b.ReportMetric(float64(processCPU()-c0)/float64(b.N*rows), "cpu-ns/row")
}

// processCPU is this process's CPU time (user and system) in nanoseconds.
func processCPU() int64 {
	var r syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &r); err != nil {
		return 0
	}
	return r.Utime.Nano() + r.Stime.Nano()
}
