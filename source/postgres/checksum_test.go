package postgres

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
)

// The checksum PostgreSQL computes in SQL equals the one the extractor computes from
// the values it writes, for every type, per partition and for the NULL-key partition.
func TestChecksumPartitionEqualsExtract(t *testing.T) {
	s, pool := newTestSource(t, allTypesDDL, `INSERT INTO public."AllTypes" (id, t, ch, r, d) VALUES
	 (5, 'back\slash|bar', 'a|\  ', 1e-45, 5e-324), (6, E'\\N', NULL, -0.0, 2.2250738585072014e-308)`)
	tc := tableConfig(`"AllTypes"`, "id")
	info, err := s.Introspect(ctxT(t), tc)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []migration.Partition{
		{Number: 0, NullKeys: true},
		{Number: 1, Upper: []string{"2"}},
		{Number: 2, Lower: []string{"2"}},
	} {
		dir := filepath.Join(t.TempDir(), "p")
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		req := extractRequest(info, tc, p)
		st, err := s.Extract(ctxT(t), req, dir, nil)
		if err != nil {
			t.Fatalf("partition %d: extract: %v", p.Number, err)
		}
		sum, rows, err := s.ChecksumPartition(ctxT(t), req)
		if err != nil {
			t.Fatalf("partition %d: %v", p.Number, err)
		}
		if sum != st.Checksum || rows != st.Rows || st.Checksum == "" {
			t.Errorf("partition %d: SQL %s (%d rows), extractor %s (%d rows)", p.Number, sum, rows, st.Checksum, st.Rows)
		}
	}
	// A changed value changes the SQL checksum.
	req := extractRequest(info, tc, migration.Partition{Number: 2, Lower: []string{"2"}})
	before, _, err := s.ChecksumPartition(ctxT(t), req)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctxT(t), `UPDATE public."AllTypes" SET t = t || ' ' WHERE id = 4`); err != nil {
		t.Fatal(err)
	}
	if after, _, _ := s.ChecksumPartition(ctxT(t), req); after == before {
		t.Error("a trailing blank added to a text value is not seen by the checksum")
	}
}

// TestGoldenChecksumSQL renders the checksum SQL of every target family into
// testdata/checksum_*.sql (-update rewrites them).
func TestGoldenChecksumSQL(t *testing.T) {
	d := NewDialect()
	cols := []migration.Column{
		{SourceName: "id", SourceType: "bigint", TargetName: "ID", TargetType: "NUMBER(19,0)"},
		{SourceName: "amount", SourceType: "numeric(12,2)", TargetName: "AMOUNT", TargetType: "NUMBER(12,2)"},
		{SourceName: "free", SourceType: "numeric", TargetName: "FREE", TargetType: "NUMBER(38,6)"},
		{SourceName: "price", SourceType: "real", TargetName: "PRICE", TargetType: "FLOAT"},
		{SourceName: "flag", SourceType: "boolean", TargetName: "FLAG", TargetType: "BOOLEAN"},
		{SourceName: "Name", SourceType: "text", TargetName: "Name", TargetType: "VARCHAR"},
		{SourceName: "code", SourceType: "character(4)", TargetName: "CODE", TargetType: "VARCHAR(4)"},
		{SourceName: "u", SourceType: "uuid", TargetName: "U", TargetType: "VARCHAR(36)"},
		{SourceName: "blob", SourceType: "bytea", TargetName: "BLOB", TargetType: "BINARY"},
		{SourceName: "day", SourceType: "date", TargetName: "DAY", TargetType: "DATE"},
		{SourceName: "t", SourceType: "time without time zone", TargetName: "T", TargetType: "TIME(6)"},
		{SourceName: "ts", SourceType: "timestamp without time zone", TargetName: "TS", TargetType: "TIMESTAMP_NTZ(6)"},
		{SourceName: "at", SourceType: "timestamp with time zone", TargetName: "AT", TargetType: "TIMESTAMP_TZ(6)"},
		{SourceName: "doc", SourceType: "jsonb", TargetName: "DOC", TargetType: "VARIANT"},
	}
	plans := make([]source.ColumnPlan, len(cols))
	for i, c := range cols {
		p, err := d.PlanColumn(c)
		if err != nil {
			t.Fatal(err)
		}
		plans[i] = p
	}
	tbl := migration.TableRef{Database: "shop", Schema: "Sales", Table: "order"}
	keys := []source.KeyColumn{{Name: "id", BaseType: "bigint"}}
	cases := map[string]string{
		"checksum_all_types":  d.ChecksumSQL(tbl, plans, cols, keys, migration.Partition{Number: 2, Lower: []string{"100"}, Upper: []string{"200"}}, "note = 'a\\b'"),
		"checksum_null_keys":  d.ChecksumSQL(tbl, plans[:2], cols[:2], keys, migration.Partition{Number: 0, NullKeys: true}, ""),
		"checksum_row_hashes": d.RowHashesSQL(tbl, plans[:3], cols[:3], keys, []int{0}, migration.Partition{Number: 1, Upper: []string{"100"}}, ""),
	}
	for name, got := range cases {
		got += "\n"
		path := filepath.Join("testdata", name+".sql")
		if *update {
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test ./source/postgres -run TestGoldenChecksumSQL -update)", err)
		}
		if string(want) != got {
			t.Errorf("SQL differs from %s:\n--- got\n%s--- want\n%s", path, got, want)
		}
	}
}
