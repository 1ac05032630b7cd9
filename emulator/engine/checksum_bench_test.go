package engine

import (
	"context"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// benchChecksumSQL is what the product's snowflake.ChecksumRangeSQL emits for the
// benchmark's lineitem table (internal/benchdata; target types from source/typemap.go)
// and one 250,000-row partition: the statement VerifyPartition runs per partition.
const benchChecksumSQL = `SELECT COUNT(*), COALESCE(SUM(MD5_NUMBER_UPPER64(R)), 0), COALESCE(SUM(MD5_NUMBER_LOWER64(R)), 0)
FROM (SELECT CONCAT(NVL(TO_VARCHAR("L_ORDERKEY"), '\\N'),
  '|', NVL(TO_VARCHAR("L_PARTKEY"), '\\N'),
  '|', NVL(TO_VARCHAR("L_SUPPKEY"), '\\N'),
  '|', NVL(TO_VARCHAR("L_LINENUMBER"), '\\N'),
  '|', NVL(IFF("L_QUANTITY" < 0, '-', '') || TO_VARCHAR(TRUNC(ABS("L_QUANTITY"))::NUMBER(38,0)) || '.' || LPAD(TO_VARCHAR(((ABS("L_QUANTITY") - TRUNC(ABS("L_QUANTITY"))) * 100)::NUMBER(38,0)), 2, '0'), '\\N'),
  '|', NVL(IFF("L_EXTENDEDPRICE" < 0, '-', '') || TO_VARCHAR(TRUNC(ABS("L_EXTENDEDPRICE"))::NUMBER(38,0)) || '.' || LPAD(TO_VARCHAR(((ABS("L_EXTENDEDPRICE") - TRUNC(ABS("L_EXTENDEDPRICE"))) * 100)::NUMBER(38,0)), 2, '0'), '\\N'),
  '|', NVL(IFF("L_DISCOUNT" < 0, '-', '') || TO_VARCHAR(TRUNC(ABS("L_DISCOUNT"))::NUMBER(38,0)) || '.' || LPAD(TO_VARCHAR(((ABS("L_DISCOUNT") - TRUNC(ABS("L_DISCOUNT"))) * 100)::NUMBER(38,0)), 2, '0'), '\\N'),
  '|', NVL(IFF("L_TAX" < 0, '-', '') || TO_VARCHAR(TRUNC(ABS("L_TAX"))::NUMBER(38,0)) || '.' || LPAD(TO_VARCHAR(((ABS("L_TAX") - TRUNC(ABS("L_TAX"))) * 100)::NUMBER(38,0)), 2, '0'), '\\N'),
  '|', NVL(REPLACE(REPLACE("L_RETURNFLAG", '\\', '\\\\'), '|', '\\|'), '\\N'),
  '|', NVL(REPLACE(REPLACE("L_LINESTATUS", '\\', '\\\\'), '|', '\\|'), '\\N'),
  '|', NVL(TO_CHAR("L_SHIPDATE", 'YYYY-MM-DD'), '\\N'),
  '|', NVL(TO_CHAR("L_COMMITDATE", 'YYYY-MM-DD'), '\\N'),
  '|', NVL(TO_CHAR("L_RECEIPTDATE", 'YYYY-MM-DD'), '\\N'),
  '|', NVL(REPLACE(REPLACE("L_SHIPINSTRUCT", '\\', '\\\\'), '|', '\\|'), '\\N'),
  '|', NVL(REPLACE(REPLACE("L_SHIPMODE", '\\', '\\\\'), '|', '\\|'), '\\N'),
  '|', NVL(REPLACE(REPLACE("L_COMMENT", '\\', '\\\\'), '|', '\\|'), '\\N')) AS R
FROM "BENCH"."PUBLIC"."LINEITEM"
WHERE "L_ORDERKEY" IS NOT NULL AND "L_ORDERKEY" > 0 AND "L_ORDERKEY" <= 62500)`

// benchChecksumSQLPipes is the same row text joined with || and IFF(c IS NULL, …)
// fields, the form snowflake.RowHashesSQL still uses (and ChecksumRangeSQL did): the
// benchmark shows what CONCAT saves, and that both forms give the same sums.
const benchChecksumSQLPipes = `SELECT COUNT(*), COALESCE(SUM(MD5_NUMBER_UPPER64(R)), 0), COALESCE(SUM(MD5_NUMBER_LOWER64(R)), 0)
FROM (SELECT IFF("L_ORDERKEY" IS NULL, '\\N', TO_VARCHAR("L_ORDERKEY"))
  || '|' || IFF("L_PARTKEY" IS NULL, '\\N', TO_VARCHAR("L_PARTKEY"))
  || '|' || IFF("L_SUPPKEY" IS NULL, '\\N', TO_VARCHAR("L_SUPPKEY"))
  || '|' || IFF("L_LINENUMBER" IS NULL, '\\N', TO_VARCHAR("L_LINENUMBER"))
  || '|' || IFF("L_QUANTITY" IS NULL, '\\N', IFF("L_QUANTITY" < 0, '-', '') || TO_VARCHAR(TRUNC(ABS("L_QUANTITY"))::NUMBER(38,0)) || '.' || LPAD(TO_VARCHAR(((ABS("L_QUANTITY") - TRUNC(ABS("L_QUANTITY"))) * 100)::NUMBER(38,0)), 2, '0'))
  || '|' || IFF("L_EXTENDEDPRICE" IS NULL, '\\N', IFF("L_EXTENDEDPRICE" < 0, '-', '') || TO_VARCHAR(TRUNC(ABS("L_EXTENDEDPRICE"))::NUMBER(38,0)) || '.' || LPAD(TO_VARCHAR(((ABS("L_EXTENDEDPRICE") - TRUNC(ABS("L_EXTENDEDPRICE"))) * 100)::NUMBER(38,0)), 2, '0'))
  || '|' || IFF("L_DISCOUNT" IS NULL, '\\N', IFF("L_DISCOUNT" < 0, '-', '') || TO_VARCHAR(TRUNC(ABS("L_DISCOUNT"))::NUMBER(38,0)) || '.' || LPAD(TO_VARCHAR(((ABS("L_DISCOUNT") - TRUNC(ABS("L_DISCOUNT"))) * 100)::NUMBER(38,0)), 2, '0'))
  || '|' || IFF("L_TAX" IS NULL, '\\N', IFF("L_TAX" < 0, '-', '') || TO_VARCHAR(TRUNC(ABS("L_TAX"))::NUMBER(38,0)) || '.' || LPAD(TO_VARCHAR(((ABS("L_TAX") - TRUNC(ABS("L_TAX"))) * 100)::NUMBER(38,0)), 2, '0'))
  || '|' || IFF("L_RETURNFLAG" IS NULL, '\\N', REPLACE(REPLACE("L_RETURNFLAG", '\\', '\\\\'), '|', '\\|'))
  || '|' || IFF("L_LINESTATUS" IS NULL, '\\N', REPLACE(REPLACE("L_LINESTATUS", '\\', '\\\\'), '|', '\\|'))
  || '|' || IFF("L_SHIPDATE" IS NULL, '\\N', TO_CHAR("L_SHIPDATE", 'YYYY-MM-DD'))
  || '|' || IFF("L_COMMITDATE" IS NULL, '\\N', TO_CHAR("L_COMMITDATE", 'YYYY-MM-DD'))
  || '|' || IFF("L_RECEIPTDATE" IS NULL, '\\N', TO_CHAR("L_RECEIPTDATE", 'YYYY-MM-DD'))
  || '|' || IFF("L_SHIPINSTRUCT" IS NULL, '\\N', REPLACE(REPLACE("L_SHIPINSTRUCT", '\\', '\\\\'), '|', '\\|'))
  || '|' || IFF("L_SHIPMODE" IS NULL, '\\N', REPLACE(REPLACE("L_SHIPMODE", '\\', '\\\\'), '|', '\\|'))
  || '|' || IFF("L_COMMENT" IS NULL, '\\N', REPLACE(REPLACE("L_COMMENT", '\\', '\\\\'), '|', '\\|')) AS R
FROM "BENCH"."PUBLIC"."LINEITEM"
WHERE "L_ORDERKEY" IS NOT NULL AND "L_ORDERKEY" > 0 AND "L_ORDERKEY" <= 62500)`

// benchChecksumRows is the product benchmark's partition size.
const benchChecksumRows = 250_000

// BenchmarkChecksumRange measures the local Snowflake evaluating the partition checksum
// over one 250,000-row lineitem partition (what VerifyPartition costs per partition in
// `make bench`), per row.
func BenchmarkChecksumRange(b *testing.B) {
	ctx := context.Background()
	e, s := openLineitem(b, benchChecksumRows, false)
	defer e.Close()
	defer s.Close()
	if testing.Verbose() {
		q, err := duckSQL(s, benchChecksumSQL)
		b.Logf("DuckDB SQL (%v):\n%s", err, q)
	}
	// Sums of the two forms are compared once both have run.
	sums := map[string]string{}
	for _, form := range []struct{ name, sql string }{{"concat", benchChecksumSQL}, {"pipes", benchChecksumSQLPipes}} {
		b.Run(form.name, func(b *testing.B) {
			var got string
			b.ReportAllocs()
			b.ResetTimer()
			cpu0 := processCPU()
			for i := 0; i < b.N; i++ {
				r, err := s.Execute(ctx, form.sql, nil, false)
				if err != nil {
					b.Fatal(err)
				}
				if got = cells(r); len(r.Rows) != 1 || r.Rows[0][0] == nil || *r.Rows[0][0] != "250000" {
					b.Fatalf("checksum of the partition: %s, want 250000 rows", got)
				}
			}
			// DuckDB runs the query on every core: the CPU time per row is the figure
			// that matters on a machine the whole stack shares.
			b.ReportMetric(float64((processCPU()-cpu0).Nanoseconds())/float64(b.N*benchChecksumRows), "cpu-ns/row")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchChecksumRows), "ns/row")
			sums[form.name] = got
		})
	}
	if sums["concat"] != "" && sums["pipes"] != "" && sums["concat"] != sums["pipes"] {
		b.Fatalf("the two forms of the row text disagree: concat %s, pipes %s", sums["concat"], sums["pipes"])
	}
}

// processCPU is the CPU time (user and system) this process has used.
func processCPU() time.Duration {
	var r syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &r); err != nil {
		return 0
	}
	return time.Duration(r.Utime.Nano() + r.Stime.Nano())
}

// duckSQL is the DuckDB SQL a Snowflake query translates to (for profiling by hand).
func duckSQL(s *Session, q string) (string, error) {
	toks, err := lex(q)
	if err != nil {
		return "", err
	}
	toks = padEOF(toks)
	t, err := s.newTranslator(context.Background(), toks, nil)
	if err != nil {
		return "", err
	}
	out, _, err := t.exprRange(0, stmtEnd(toks))
	return out, err
}

// openLineitem opens an engine with BENCH.PUBLIC.LINEITEM holding rows rows of
// internal/benchdata's lineitem (the Snowflake dialect has no row generator here, so
// DuckDB fills the table directly). hostile adds what the checksum's text must escape
// or tell apart: '|' and '\' in text, NULL in every column of every seventh row, ”.
func openLineitem(tb testing.TB, rows int, hostile bool) (*Engine, *Session) {
	ctx := context.Background()
	e, err := Open(Options{DataDir: tb.TempDir()})
	if err != nil {
		tb.Fatal(err)
	}
	s, err := e.NewSession(ctx, "", "")
	if err != nil {
		tb.Fatal(err)
	}
	for _, q := range []string{
		"CREATE DATABASE BENCH",
		`CREATE TABLE BENCH.PUBLIC.LINEITEM (L_ORDERKEY NUMBER(19,0), L_PARTKEY NUMBER(10,0), L_SUPPKEY NUMBER(10,0),
  L_LINENUMBER NUMBER(10,0), L_QUANTITY NUMBER(15,2), L_EXTENDEDPRICE NUMBER(15,2), L_DISCOUNT NUMBER(15,2),
  L_TAX NUMBER(15,2), L_RETURNFLAG VARCHAR(1), L_LINESTATUS VARCHAR(1), L_SHIPDATE DATE, L_COMMITDATE DATE,
  L_RECEIPTDATE DATE, L_SHIPINSTRUCT VARCHAR(25), L_SHIPMODE VARCHAR(10), L_COMMENT VARCHAR(44))`,
	} {
		if _, err := s.Execute(ctx, q, nil, false); err != nil {
			tb.Fatalf("%s: %v", q, err)
		}
	}
	const tbl = `"BENCH.PUBLIC"."LINEITEM"`
	comment := `substr(md5(CAST(i AS VARCHAR)) || md5(CAST(i + 1 AS VARCHAR)), 1, CAST(10 + i % 34 AS INTEGER))`
	if hostile {
		comment = `(['a|b', 'c\d', '\|', '', '|', '\N', 'plain'])[i % 7 + 1]`
	}
	fill := `INSERT INTO ` + tbl + ` SELECT
  (i // 4) + 1, (i * 7919) % 200000 + 1, (i * 104729) % 10000 + 1, i % 4 + 1,
  CAST(i % 50 + 1 AS DECIMAL(15,2)), CAST(((i * 7919) % 10000000) / 100.0 + 900 AS DECIMAL(15,2)),
  CAST((i % 11) / 100.0 AS DECIMAL(15,2)), CAST((i % 9) / 100.0 - 0.04 AS DECIMAL(15,2)),
  (['A','N','R'])[i % 3 + 1], (['O','F'])[i % 2 + 1],
  DATE '1992-01-02' + CAST(i % 2500 AS INTEGER), DATE '1992-01-31' + CAST(i % 2500 AS INTEGER), DATE '1992-01-03' + CAST(i % 2530 AS INTEGER),
  (['DELIVER IN PERSON','COLLECT COD','NONE','TAKE BACK RETURN'])[i % 4 + 1],
  (['REG AIR','AIR','RAIL','SHIP','TRUCK','MAIL','FOB'])[i % 7 + 1],
  ` + comment + `
FROM range(0, ` + strconv.Itoa(rows) + `) AS g(i)`
	if _, err := e.db.ExecContext(ctx, fill); err != nil {
		tb.Fatalf("fill %s: %v", tbl, err)
	}
	if hostile {
		nulls := `UPDATE ` + tbl + ` SET L_PARTKEY = NULL, L_SUPPKEY = NULL, L_LINENUMBER = NULL, L_QUANTITY = NULL,
  L_EXTENDEDPRICE = NULL, L_DISCOUNT = NULL, L_TAX = NULL, L_RETURNFLAG = NULL, L_LINESTATUS = NULL, L_SHIPDATE = NULL,
  L_COMMITDATE = NULL, L_RECEIPTDATE = NULL, L_SHIPINSTRUCT = NULL, L_SHIPMODE = NULL, L_COMMENT = NULL
WHERE L_ORDERKEY % 7 = 0`
		if _, err := e.db.ExecContext(ctx, nulls); err != nil {
			tb.Fatalf("nulls: %v", err)
		}
	}
	return e, s
}

// The CONCAT/NVL row text ChecksumRangeSQL uses and the ||/IFF row text RowHashesSQL
// uses give the same sums on the local Snowflake, including for NULL in every column,
// negative decimals, and text that needs escaping.
func TestChecksumRowFormsAgree(t *testing.T) {
	e, s := openLineitem(t, 20_000, true)
	defer e.Close()
	defer s.Close()
	run := func(q string) string {
		r, err := s.Execute(context.Background(), q, nil, false)
		if err != nil {
			t.Fatal(err)
		}
		return cells(r)
	}
	concat, pipes := run(benchChecksumSQL), run(benchChecksumSQLPipes)
	if concat != pipes {
		t.Fatalf("concat form %s, || form %s", concat, pipes)
	}
	// The partition holds keys 1..62500: every one of the 20,000 rows.
	if !strings.HasPrefix(concat, "20000,") {
		t.Fatalf("checksum %s, want 20000 rows", concat)
	}
	// A changed value changes it (NULL for an empty string).
	run(`UPDATE BENCH.PUBLIC.LINEITEM SET L_COMMENT = NULL WHERE L_COMMENT = ''`)
	if after := run(benchChecksumSQL); after == concat || after != run(benchChecksumSQLPipes) {
		t.Fatalf("after NULL for '': concat %s (was %s), || %s", after, concat, run(benchChecksumSQLPipes))
	}
}
