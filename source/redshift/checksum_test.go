package redshift

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/internal/testenv"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
)

// checksumRows add floats at the edges of the double range, text with the row text's
// separators and escapes, and VARBYTE.
const checksumRows = `INSERT INTO public.kinds (id, r, d, vc, ch, n, ts, tstz) VALUES
 (5, 1.17549435E-38, 4.9406564584124654E-324, 'a|b\\c', '\\N', -0.05, '1970-01-01 00:00:00.000001', '1969-12-31 23:59:59.999999+00'),
 (6, -0.1, 1.7976931348623157E308, '|', '|', 12.30, '2000-02-29 00:00:00', '2000-02-29 00:00:00-14'),
 (7, 3.4028235E38, 2.2250738585072014E-308, '\\', 'é', 0, '0001-01-01 00:00:00', '9999-12-31 23:59:59.999999+00'),
 (8, -3, -2.5, '', ' a ', 99.99, NULL, NULL)`

// The Redshift checksum in SQL equals the extractor's over every type the local
// Redshift holds, partition by partition, and changes when one value changes.
func TestLocalRedshiftChecksumEqualsExtractor(t *testing.T) {
	rs := testenv.StartRedshift(t, testenv.RedshiftOptions{})
	rs.Exec(t, localTypesDDL, localTypesRows, checksumRows,
		`CREATE TABLE public.bytes (id int NOT NULL, v varbyte(16), g geometry)`,
		`INSERT INTO public.bytes VALUES (1, to_varbyte('00ff10', 'hex'), ST_GeomFromText('POINT (1 2)')), (2, to_varbyte('', 'hex'), NULL), (3, NULL, NULL)`)
	s := openLocal(t, rs)
	for _, table := range []string{"kinds", "bytes"} {
		tc := config.TableConfig{
			Source:                   &config.Identifier{SchemaName: "public", TableName: table},
			Target:                   &config.Identifier{SchemaName: "PUBLIC", TableName: table},
			ColumnNamesToPartitionBy: []string{"id"},
		}
		info, err := s.Introspect(ctxT(t), tc)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range []migration.Partition{{Number: 1}, {Number: 2, Upper: []string{"2"}}, {Number: 3, Lower: []string{"2"}, Upper: []string{"6"}}, {Number: 4, Lower: []string{"6"}}} {
			req := source.ExtractRequest{Table: tc, TableShape: info.TableShape, Partition: p}
			dir := filepath.Join(t.TempDir(), "p")
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			st, err := s.Extract(ctxT(t), req, dir, nil)
			if err != nil {
				t.Fatalf("%s partition %d: extract: %v", table, p.Number, err)
			}
			sum, n, err := s.ChecksumPartition(ctxT(t), req)
			if err != nil {
				t.Fatalf("%s partition %d: checksum: %v", table, p.Number, err)
			}
			if st.Checksum == "" || sum != st.Checksum || n != st.Rows {
				explainColumns(t, s, req)
				t.Fatalf("%s partition %d: source %s (%d rows), extractor %s (%d rows)", table, p.Number, sum, n, st.Checksum, st.Rows)
			}
			if p.Number == 1 && n == 0 {
				t.Fatalf("%s: no rows", table)
			}
		}
	}
	tc := config.TableConfig{Source: &config.Identifier{SchemaName: "public", TableName: "kinds"}, Target: &config.Identifier{SchemaName: "PUBLIC", TableName: "kinds"}, ColumnNamesToPartitionBy: []string{"id"}}
	info, err := s.Introspect(ctxT(t), tc)
	if err != nil {
		t.Fatal(err)
	}
	req := source.ExtractRequest{Table: tc, TableShape: info.TableShape, Partition: migration.Partition{Number: 1, Lower: []string{"4"}, Upper: []string{"5"}}}
	before, _, err := s.ChecksumPartition(ctxT(t), req)
	if err != nil {
		t.Fatal(err)
	}
	rs.Exec(t, `UPDATE public.kinds SET d = 4.9406564584124654E-324 * 2 WHERE id = 5`)
	after, n, err := s.ChecksumPartition(ctxT(t), req)
	if err != nil || n != 1 || after == before {
		t.Fatalf("one float changed by one ulp: %s → %s (%d rows, %v)", before, after, n, err)
	}
}

// TestChecksumSQLGolden keeps the Redshift checksum statement in
// testdata/checksum_*.sql (-update rewrites it).
func TestChecksumSQLGolden(t *testing.T) {
	d := NewDialect()
	cols := []migration.Column{
		{SourceName: "id", SourceType: "bigint", TargetName: "ID", TargetType: "NUMBER(19,0)"},
		{SourceName: "Region", SourceType: "character varying(20)", TargetName: "REGION", TargetType: "VARCHAR(20)"},
		{SourceName: "amount", SourceType: "numeric(12,2)", TargetName: "AMOUNT", TargetType: "NUMBER(12,2)"},
		{SourceName: "price", SourceType: "real", TargetName: "PRICE", TargetType: "FLOAT"},
		{SourceName: "ok", SourceType: "boolean", TargetName: "OK", TargetType: "BOOLEAN"},
		{SourceName: "day", SourceType: "date", TargetName: "DAY", TargetType: "DATE"},
		{SourceName: "t", SourceType: "time without time zone", TargetName: "T", TargetType: "TIME(6)"},
		{SourceName: "at", SourceType: "timestamp with time zone", TargetName: "AT", TargetType: "TIMESTAMP_TZ(6)"},
		{SourceName: "local", SourceType: "timestamp without time zone", TargetName: "LOCAL", TargetType: "TIMESTAMP_NTZ(6)"},
		{SourceName: "blob", SourceType: "varbyte(100)", TargetName: "BLOB", TargetType: "BINARY"},
		{SourceName: "doc", SourceType: "super", TargetName: "DOC", TargetType: "VARIANT"},
		{SourceName: "we\"ird", SourceType: "character(3)", TargetName: "we\"ird", TargetType: "VARCHAR(3)"},
	}
	plans := make([]source.ColumnPlan, len(cols))
	for i, c := range cols {
		p, err := d.PlanColumn(c)
		if err != nil {
			t.Fatal(err)
		}
		plans[i] = p
	}
	keys, err := source.KeyColumns(cols, []int{0})
	if err != nil {
		t.Fatal(err)
	}
	cond := d.PartitionPredicate(keys, migration.Partition{Lower: []string{"10"}, Upper: []string{"20"}}) + " AND (note = 'a\\b')"
	goldenFile(t, "checksum_all_types", d.ChecksumSQL(migration.TableRef{Database: "shop", Schema: "Sales", Table: "order"}, plans, cols, cond))
}

// goldenFile compares got with testdata/<name>.sql, or rewrites it with -update.
func goldenFile(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".sql")
	got += "\n"
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./source/redshift -run %s -update)", err, t.Name())
	}
	if string(want) != got {
		t.Errorf("SQL differs from %s:\n--- got\n%s--- want\n%s", path, got, want)
	}
}

// explainColumns names the columns whose checksum alone (with the key) differs
// between the source's SQL and the extractor.
func explainColumns(t *testing.T, s *Source, req source.ExtractRequest) {
	t.Helper()
	for i, c := range req.Columns {
		if i == req.PartitionBy[0] {
			continue
		}
		one := req
		one.Columns = []migration.Column{req.Columns[req.PartitionBy[0]], c}
		one.PartitionBy = []int{0}
		dir := filepath.Join(t.TempDir(), "c")
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		st, err := s.Extract(ctxT(t), one, dir, nil)
		if err != nil {
			t.Errorf("column %s: extract: %v", c.SourceName, err)
			continue
		}
		sum, _, err := s.ChecksumPartition(ctxT(t), one)
		if err != nil || sum != st.Checksum {
			t.Errorf("column %s (%s → %s): source %s, extractor %s (%v)", c.SourceName, c.SourceType, c.TargetType, sum, st.Checksum, err)
		}
	}
}
