package tests

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
)

// stTimestampRow is what the SQL Server source writes for datetime2(6), datetime2(7) and
// datetimeoffset(7): a microsecond TIMESTAMP and text with 7 digits (and an offset).
type stTimestampRow struct {
	ID  int64     `parquet:"ID"`
	TS6 time.Time `parquet:"TS6,timestamp(microsecond:local)"`
	TS7 string    `parquet:"TS7"`
	TZ7 string    `parquet:"TZ7"`
}

const stTimestampRows = 500_000

// BenchmarkCopyParquetTimestamps measures COPY of timestamp columns: "micros" loads the
// three columns into TIMESTAMP_NTZ(6) (DuckDB's own TIMESTAMP), "nanos" into
// TIMESTAMP_NTZ(6), TIMESTAMP_NTZ(7) and TIMESTAMP_TZ(7) (extended storage, the text
// parsed with its 100-ns digit and offset). The difference is the cost of keeping them.
func BenchmarkCopyParquetTimestamps(b *testing.B) {
	env := stStart(b)
	file := filepath.Join(env.dir, "ts.parquet")
	rows := make([]stTimestampRow, stTimestampRows)
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range rows {
		tm := base.Add(time.Duration(i)*time.Second + time.Duration(i%10_000_000)*100)
		rows[i] = stTimestampRow{ID: int64(i), TS6: tm.Truncate(time.Microsecond),
			TS7: tm.Format("2006-01-02 15:04:05.0000000"), TZ7: tm.In(time.FixedZone("", (i%29-14)*3600)).Format("2006-01-02 15:04:05.0000000-07:00")}
	}
	if err := parquet.WriteFile(file, rows); err != nil {
		b.Fatal(err)
	}
	env.exec(b, "CREATE STAGE bench")
	env.put(b, file, "@bench/ts/", "")
	for _, c := range []struct{ name, ddl string }{
		{"micros", "CREATE OR REPLACE TABLE TS (ID NUMBER(19,0), TS6 TIMESTAMP_NTZ(6), TS7 TIMESTAMP_NTZ(6), TZ7 TIMESTAMP_NTZ(6))"},
		{"nanos", "CREATE OR REPLACE TABLE TS (ID NUMBER(19,0), TS6 TIMESTAMP_NTZ(6), TS7 TIMESTAMP_NTZ(7), TZ7 TIMESTAMP_TZ(7))"},
	} {
		b.Run(c.name, func(b *testing.B) {
			var cpu time.Duration
			b.ResetTimer()
			b.StopTimer()
			for i := 0; i < b.N; i++ {
				env.exec(b, c.ddl)
				c0 := stCPU()
				b.StartTimer()
				res := env.copyRows(b, "COPY INTO TS FROM @bench/ts/ FILE_FORMAT=(TYPE=PARQUET) MATCH_BY_COLUMN_NAME=CASE_SENSITIVE")
				b.StopTimer()
				cpu += stCPU() - c0
				if len(res) != 1 || res[0]["rows_loaded"] != fmt.Sprint(stTimestampRows) {
					b.Fatalf("COPY result: %v", res)
				}
			}
			if c.name == "nanos" {
				// the last row's digits and offset arrived
				want := rows[len(rows)-1]
				got := env.one(b, fmt.Sprintf("SELECT TO_VARCHAR(TZ7, 'YYYY-MM-DD HH24:MI:SS.FF7TZH:TZM') FROM TS WHERE ID = %d", want.ID))
				if got != want.TZ7 {
					b.Fatalf("TZ7 %s, want %s", got, want.TZ7)
				}
			}
			b.ReportMetric(float64(stTimestampRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(float64(stTimestampRows)*float64(b.N)/cpu.Seconds(), "rows/cpu-s")
		})
	}
}
