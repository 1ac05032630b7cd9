package sqlserver

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/snowmigrate/snowmigrate/checksum"
	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
)

var update = flag.Bool("update", false, "rewrite testdata/*.sql from the builders")

// hostileRows adds values that stress the row text: separators and escapes in text,
// '\N' as a value, characters beyond the BMP, floats near the edges of their range.
const hostileRows = `INSERT INTO dbo.all_types (id, r, f, vc, nvc, nvm, c, nc, d38, dt2, dto, tm) VALUES
(5, 1.17549435E-38, 4.9406564584124654E-324, 'a|b\c', N'\N', N'|', '\N', N'\|', -0.0000000001, '1970-01-01 00:00:00.0000001', '1970-01-01 00:00:00.0000009 +00:00', '00:00:00.0000009'),
(6, -0.1, 2.2250738585072014E-308, '\\', N'x|y\\z😀', N'', ' ', N'😀', 12.5, '1969-12-31 23:59:59.9999999', '1969-12-31 23:59:59.9999999 -00:01', '23:59:59.9999999'),
(7, 3.0, -2.5, NULL, N'ÿ€', NULL, 'é', N'é', 0, '2000-02-29 00:00:00', '2000-02-29 00:00:00 +14:00', '00:00:00')`

// extractChecksum extracts one partition and returns its stats and the rows read back.
func extractChecksum(t *testing.T, s *Source, req source.ExtractRequest) (source.ExtractStats, []map[string]parquet.Value) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "p")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	st, err := s.Extract(ctxT(t), req, dir, nil)
	if err != nil {
		t.Fatalf("extract partition %d: %v", req.Partition.Number, err)
	}
	return st, readParquet(t, st.Files)
}

// explainMismatch lists the rows whose row text on the source differs from the one
// of the extracted values, so that a failure names the column.
func explainMismatch(t *testing.T, s *Source, req source.ExtractRequest, rows []map[string]parquet.Value) {
	t.Helper()
	sel, err := s.rowSelection(req)
	if err != nil {
		t.Fatal(err)
	}
	row, err := rowTextSQL(sel.plans, req.Columns, nil)
	if err != nil {
		t.Fatal(err)
	}
	keyText, err := rowTextSQL(sel.plans, req.Columns, req.PartitionBy)
	if err != nil {
		t.Fatal(err)
	}
	q := "SELECT " + keyText + ", " + row + " FROM " + tableName(req.Source) + " WHERE " + andWhere(sel.pred, sel.where)
	got := map[string]string{}
	dbRows, err := s.DB.QueryContext(ctxT(t), q, sel.args...)
	if err != nil {
		t.Fatalf("row texts: %v", err)
	}
	defer dbRows.Close()
	for dbRows.Next() {
		var k, r string
		if err := dbRows.Scan(&k, &r); err != nil {
			t.Fatal(err)
		}
		got[k] = r
	}
	for _, pr := range rows {
		var kr, rr checksum.Row
		for _, i := range req.PartitionBy {
			if err := appendField(&kr, sel.plans[i], pr[sel.plans[i].TargetName]); err != nil {
				t.Fatal(err)
			}
		}
		for _, p := range sel.plans {
			if err := appendField(&rr, p, pr[p.TargetName]); err != nil {
				t.Fatal(err)
			}
		}
		want := string(rr.Bytes())
		if g, ok := got[string(kr.Bytes())]; !ok || g != want {
			gf, _ := checksum.SplitRaw(g)
			wf, _ := checksum.SplitRaw(want)
			for i := range wf {
				if i >= len(gf) || gf[i] != wf[i] {
					gv := "<missing>"
					if i < len(gf) {
						gv = gf[i]
					}
					t.Errorf("key %s column %s (%s → %s): source SQL %q, extracted %q", kr.Bytes(), req.Columns[i].SourceName, req.Columns[i].SourceType, req.Columns[i].TargetType, gv, wf[i])
				}
			}
		}
	}
}

// checkPartitions extracts every partition of the table and asserts that the source
// checksum equals the extractor's for each, and that both count the rows.
func checkPartitions(t *testing.T, s *Source, tc config.TableConfig, shape migration.TableShape, maxPartitions int) int64 {
	t.Helper()
	ctx := ctxT(t)
	req := source.PlanRequest{Table: tc, TableShape: shape, MaxPartitions: maxPartitions}
	var total int64
	for {
		page, err := s.PlanPartitions(ctx, req)
		if err != nil {
			t.Fatalf("plan: %v", err)
		}
		for _, p := range page.Partitions {
			xr := source.ExtractRequest{Table: tc, TableShape: shape, Partition: p}
			st, rows := extractChecksum(t, s, xr)
			if st.Checksum == "" {
				t.Fatalf("partition %d: the extractor computed no checksum", p.Number)
			}
			sum, n, err := s.ChecksumPartition(ctx, xr)
			if err != nil {
				t.Fatalf("partition %d: source checksum: %v", p.Number, err)
			}
			if sum != st.Checksum || n != st.Rows {
				explainMismatch(t, s, xr, rows)
				t.Fatalf("partition %d: source checksum %s (%d rows), extractor %s (%d rows)", p.Number, sum, n, st.Checksum, st.Rows)
			}
			total += n
			req.FirstNumber = p.Number + 1
			if p.Upper != nil {
				req.After = p.Upper
			}
		}
		if page.Done {
			return total
		}
	}
}

func TestChecksumEqualsExtractorAllTypes(t *testing.T) {
	s, _ := newDB(t, allTypesDDL, allTypesRows, hostileRows)
	tc := tableConfig("all_types", "id")
	info, err := s.Introspect(ctxT(t), tc)
	if err != nil {
		t.Fatal(err)
	}
	if n := checkPartitions(t, s, tc, info.TableShape, 3); n != 7 {
		t.Fatalf("%d rows checksummed, want 7", n)
	}
	// every row alone: a checksum that ignored a column's value would still agree on
	// the sums, but not once one value changes
	one := source.ExtractRequest{Table: tc, TableShape: info.TableShape, Partition: migration.Partition{Number: 1, Lower: []string{"4"}, Upper: []string{"5"}}}
	before, _, err := s.ChecksumPartition(ctxT(t), one)
	if err != nil {
		t.Fatal(err)
	}
	for _, change := range []string{
		"UPDATE dbo.all_types SET dto = '1970-01-01 00:00:00.0000019 +00:00' WHERE id = 5", // one microsecond later
		"UPDATE dbo.all_types SET f = 4.9406564584124654E-324 * 2 WHERE id = 5",
		"UPDATE dbo.all_types SET nvc = N'\\n' WHERE id = 5",
		"UPDATE dbo.all_types SET c = NULL WHERE id = 5",
	} {
		if _, err := s.DB.ExecContext(ctxT(t), change); err != nil {
			t.Fatalf("%s: %v", change, err)
		}
		after, n, err := s.ChecksumPartition(ctxT(t), one)
		if err != nil {
			t.Fatal(err)
		}
		if after == before || n != 1 {
			t.Fatalf("%s: checksum unchanged (%s, %d rows)", change, after, n)
		}
		st, _ := extractChecksum(t, s, one)
		if st.Checksum != after {
			t.Fatalf("%s: source %s, extractor %s", change, after, st.Checksum)
		}
		before = after
	}
}

// TestChecksumMappedColumns covers columnTypeMappings that convert on the source
// (CAST in the SELECT), a text partition key and a filter.
func TestChecksumMappedColumns(t *testing.T) {
	s, _ := newDB(t, `CREATE TABLE dbo.m (k nvarchar(20) NOT NULL PRIMARY KEY, amount decimal(12,4), qty int, price money, at datetime2(7), d date, ok bit, raw varbinary(8), note varchar(30))`,
		`INSERT INTO dbo.m VALUES (N'a', 1.2345, 7, 10.5, '2024-01-31 10:00:00.1234567', '2024-01-31', 1, 0x0A0B, 'x'),
 (N'B', -1.0005, -1, -0.0001, '1900-01-01 00:00:00', '1900-01-01', 0, 0x, 'y|z'),
 (N'c|\', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 (N'd', 0.00005, 0, 0, '2000-01-01 00:00:00.0000005', '2000-01-01', 1, 0xFF, '')`)
	where := "qty IS NULL OR qty > -5"
	tc := tableConfig("m", "k")
	tc.WhereClauseCriteria = &where
	tc.ColumnTypeMappings = []config.TypeMapping{{SourceType: "decimal(12,4)", TargetType: "NUMBER(10,2)"}, {SourceType: "int", TargetType: "FLOAT"},
		{SourceType: "money", TargetType: "NUMBER(20,1)"}, {SourceType: "datetime2(7)", TargetType: "TIMESTAMP_TZ(9)"}, {SourceType: "date", TargetType: "TIMESTAMP_NTZ(6)"},
		{SourceType: "bit", TargetType: "NUMBER(1,0)"}, {SourceType: "varbinary(8)", TargetType: "VARCHAR"}, {SourceType: "varchar(30)", TargetType: "VARCHAR(40)"}}
	info, err := s.Introspect(ctxT(t), tc)
	if err != nil {
		t.Fatal(err)
	}
	if n := checkPartitions(t, s, tc, info.TableShape, 2); n != 4 {
		t.Fatalf("%d rows, want 4", n)
	}
}

// TestChecksumSQLGolden keeps the checksum statement in testdata/checksum_*.sql
// (go test -run TestChecksumSQLGolden -update rewrites them).
func TestChecksumSQLGolden(t *testing.T) {
	cols := []migration.Column{
		{SourceName: "id", SourceType: "bigint", TargetName: "ID", TargetType: "NUMBER(19,0)"},
		{SourceName: "Region", SourceType: "nvarchar(20)", TargetName: "REGION", TargetType: "VARCHAR(20)"},
		{SourceName: "amount", SourceType: "money", TargetName: "AMOUNT", TargetType: "NUMBER(19,4)"},
		{SourceName: "price", SourceType: "real", TargetName: "PRICE", TargetType: "FLOAT"},
		{SourceName: "ok", SourceType: "bit", TargetName: "OK", TargetType: "BOOLEAN"},
		{SourceName: "day", SourceType: "date", TargetName: "DAY", TargetType: "DATE"},
		{SourceName: "t", SourceType: "time(7)", TargetName: "T", TargetType: "TIME(7)"},
		{SourceName: "dtm", SourceType: "datetime", TargetName: "DTM", TargetType: "TIMESTAMP_NTZ(3)"},
		{SourceName: "sdt", SourceType: "smalldatetime", TargetName: "SDT", TargetType: "TIMESTAMP_NTZ(0)"},
		{SourceName: "at", SourceType: "datetimeoffset(7)", TargetName: "AT", TargetType: "TIMESTAMP_TZ(7)"},
		{SourceName: "raw", SourceType: "varbinary(max)", TargetName: "RAW", TargetType: "BINARY"},
		{SourceName: "x", SourceType: "xml", TargetName: "X", TargetType: "VARIANT"},
		{SourceName: "we]ird", SourceType: "char(3)", TargetName: "WE]IRD", TargetType: "VARCHAR(3)"},
	}
	plans, err := planColumns(cols)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := keyColumns(cols, []int{1, 0})
	if err != nil {
		t.Fatal(err)
	}
	ref := migration.TableRef{Database: "shop", Schema: "Sales", Table: "order"}
	pred, _, err := rangePredicate(keys, migration.Partition{Number: 2, Lower: []string{"east", "10"}, Upper: []string{"west", "20"}}, 1)
	if err != nil {
		t.Fatal(err)
	}
	q, err := checksumSQL(ref, plans, cols, pred, "is_deleted = 0")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "checksum_all_types", q)
}

// golden compares text with testdata/<name>.sql, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".sql")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if strings.TrimSuffix(string(want), "\n") != got {
		t.Fatalf("%s differs from the builder's SQL (run with -update after checking the change):\n%s", path, got)
	}
}

// A server without UTF-8 collations (before SQL Server 2019) answers 448; the checksum
// then fails as a configuration error saying what it needs.
func TestChecksumNeedsUTF8Collation(t *testing.T) {
	err := utf8Error(mssqlError(errInvalidCollation))
	if !errors.Is(err, source.ErrConfig) || !strings.Contains(err.Error(), "SQL Server 2019") {
		t.Fatalf("448: %v", err)
	}
	if err := utf8Error(mssqlError(207)); errors.Is(err, source.ErrConfig) {
		t.Fatalf("207 became a configuration error: %v", err)
	}
}
