package engine

import (
	"context"
	"testing"
)

// TestNumbersAreNotBitPacked guards the force_compression=rle setting of Open: DuckDB
// 1.1.3 scans bit-packed HUGEINT columns (NUMBER(19..38, s)) at hundreds of ns per
// value, which made every partition's verify pay for its key filter. After a
// checkpoint no number column may be bit-packed, text keeps its compression, and the
// values read back unchanged.
func TestNumbersAreNotBitPacked(t *testing.T) {
	ctx := context.Background()
	e, s := openLineitem(t, 150_000, false)
	defer e.Close()
	defer s.Close()
	if _, err := s.conn.ExecContext(ctx, `CHECKPOINT`); err != nil {
		t.Fatal(err)
	}
	rows, err := s.conn.QueryContext(ctx, `SELECT column_name, segment_type, compression, count(*)
FROM pragma_storage_info('"BENCH.PUBLIC"."LINEITEM"') WHERE segment_type <> 'VALIDITY' GROUP BY ALL ORDER BY ALL`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	byCompression := map[string]int{}
	for rows.Next() {
		var col, typ, comp string
		var n int
		if err := rows.Scan(&col, &typ, &comp, &n); err != nil {
			t.Fatal(err)
		}
		byCompression[comp] += n
		if comp == "BitPacking" {
			t.Errorf("column %s (%s) is bit-packed in %d segments: Open must force RLE for numbers", col, typ, n)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if byCompression["RLE"] == 0 || byCompression["FSST"]+byCompression["Dictionary"] == 0 {
		t.Errorf("segments by compression: %v; want RLE numbers and FSST or dictionary text", byCompression)
	}
	// The values are the ones inserted (openLineitem's formulas), through Snowflake SQL.
	r := mustExec(t, s, `SELECT COUNT(*), SUM(L_ORDERKEY), MAX(L_ORDERKEY), SUM(L_QUANTITY)
FROM BENCH.PUBLIC.LINEITEM WHERE L_ORDERKEY > 100 AND L_ORDERKEY <= 30000`)
	var want [4]string
	if err := s.conn.QueryRowContext(ctx, `SELECT CAST(count(*) AS VARCHAR), CAST(sum("L_ORDERKEY") AS VARCHAR), CAST(max("L_ORDERKEY") AS VARCHAR),
  CAST(sum("L_QUANTITY") AS VARCHAR)
FROM (SELECT (i // 4) + 1 AS "L_ORDERKEY", CAST(i % 50 + 1 AS DECIMAL(15,2)) AS "L_QUANTITY" FROM range(150000) t(i))
WHERE "L_ORDERKEY" > 100 AND "L_ORDERKEY" <= 30000`).Scan(&want[0], &want[1], &want[2], &want[3]); err != nil {
		t.Fatal(err)
	}
	got := cells(r)
	if r.Rows[0][0] == nil || *r.Rows[0][0] != want[0] || *r.Rows[0][1] != want[1] || *r.Rows[0][2] != want[2] || *r.Rows[0][3] != want[3] {
		t.Fatalf("after the checkpoint: %s; want count %s, sum %s, max %s, quantity %s", got, want[0], want[1], want[2], want[3])
	}
}
