package tests

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// stLineitemRows is the size of the benchmark file (TPC-H lineitem-like columns).
const stLineitemRows = 2_000_000

const stLineitemDDL = `CREATE OR REPLACE TABLE LINEITEM (
	L_ORDERKEY NUMBER(38,0), L_PARTKEY NUMBER(38,0), L_SUPPKEY NUMBER(38,0), L_LINENUMBER NUMBER(38,0),
	L_QUANTITY NUMBER(12,2), L_EXTENDEDPRICE NUMBER(12,2), L_DISCOUNT NUMBER(12,2), L_TAX NUMBER(12,2),
	L_RETURNFLAG VARCHAR(1), L_LINESTATUS VARCHAR(1), L_SHIPDATE DATE, L_COMMITDATE DATE, L_RECEIPTDATE DATE,
	L_SHIPINSTRUCT VARCHAR(25), L_SHIPMODE VARCHAR(10), L_COMMENT VARCHAR(44))`

// stWriteLineitem generates the Parquet file with DuckDB.
func stWriteLineitem(tb testing.TB, path string, rows int) {
	stWriteParquet(tb, path, fmt.Sprintf(`SELECT i // 4 AS l_orderkey, (i * 7) %% 200000 AS l_partkey,
		(i * 13) %% 10000 AS l_suppkey, i %% 4 + 1 AS l_linenumber,
		((i %% 50) + 1)::DECIMAL(12,2) AS l_quantity, ((i %% 100000) / 100.0)::DECIMAL(12,2) AS l_extendedprice,
		((i %% 11) / 100.0)::DECIMAL(12,2) AS l_discount, ((i %% 9) / 100.0)::DECIMAL(12,2) AS l_tax,
		chr(65 + (i %% 3)::INT) AS l_returnflag, chr(70 + (i %% 2)::INT) AS l_linestatus,
		DATE '1992-01-01' + (i %% 2500)::INT AS l_shipdate, DATE '1992-02-01' + (i %% 2500)::INT AS l_commitdate,
		DATE '1992-03-01' + (i %% 2500)::INT AS l_receiptdate, 'DELIVER IN PERSON' AS l_shipinstruct,
		'TRUCK' AS l_shipmode, 'comment number ' || (i %% 1000) AS l_comment
		FROM range(%d) t(i)`, rows))
}

// BenchmarkCopyParquet measures COPY INTO from a staged 2,000,000-row Parquet file
// through the driver. File generation and PUT happen before the timer; each iteration
// loads into a freshly created table (so the load history does not skip the file).
func BenchmarkCopyParquet(b *testing.B) {
	env := stStart(b)
	file := filepath.Join(env.dir, "lineitem.parquet")
	stWriteLineitem(b, file, stLineitemRows)
	fi, err := os.Stat(file)
	if err != nil {
		b.Fatal(err)
	}
	env.exec(b, "CREATE STAGE bench")
	env.put(b, file, "@bench/lineitem/", "")
	b.ResetTimer()
	b.StopTimer()
	var cpu time.Duration
	for i := 0; i < b.N; i++ {
		env.exec(b, stLineitemDDL)
		c0 := stCPU()
		b.StartTimer()
		rows := env.copyRows(b, "COPY INTO LINEITEM FROM @bench/lineitem/ FILE_FORMAT=(TYPE=PARQUET) MATCH_BY_COLUMN_NAME=CASE_INSENSITIVE")
		b.StopTimer()
		cpu += stCPU() - c0
		if len(rows) != 1 || rows[0]["rows_loaded"] != fmt.Sprint(stLineitemRows) {
			b.Fatalf("COPY result: %v", rows)
		}
	}
	if n := env.one(b, "SELECT COUNT(*) FROM LINEITEM"); n != fmt.Sprint(stLineitemRows) {
		b.Fatalf("rows: %s", n)
	}
	b.ReportMetric(float64(stLineitemRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(fi.Size())/1e6, "file_MB")
	// Rows per CPU-second of this process (driver, server and DuckDB run in-process):
	// wall-clock rows/s depends on how busy the machine is, this much less.
	b.ReportMetric(float64(stLineitemRows)*float64(b.N)/cpu.Seconds(), "rows/cpu-s")
}

// stCPU is the user+system CPU time consumed by this process so far.
func stCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
