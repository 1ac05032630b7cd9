package postgres

import (
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/snowmigrate/snowmigrate/checksum"
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
		sum, rows, err := s.ChecksumPartitionSQL(ctxT(t), req)
		if err != nil {
			t.Fatalf("partition %d: %v", p.Number, err)
		}
		if sum != st.Checksum || rows != st.Rows || st.Checksum == "" {
			t.Errorf("partition %d: SQL %s (%d rows), extractor %s (%d rows)", p.Number, sum, rows, st.Checksum, st.Rows)
		}
	}
	// A changed value changes the SQL checksum.
	req := extractRequest(info, tc, migration.Partition{Number: 2, Lower: []string{"2"}})
	before, _, err := s.ChecksumPartitionSQL(ctxT(t), req)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctxT(t), `UPDATE public."AllTypes" SET t = t || ' ' WHERE id = 4`); err != nil {
		t.Fatal(err)
	}
	if after, _, _ := s.ChecksumPartitionSQL(ctxT(t), req); after == before {
		t.Error("a trailing blank added to a text value is not seen by the checksum")
	}
}

// TestGoldenChecksumSQL renders the checksum SQL of every target family into
// testdata/checksum_*.sql, and the fingerprint SQL of the same columns into
// testdata/fingerprint_all_types.sql (-update rewrites them).
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
		"checksum_all_types":    d.ChecksumSQL(tbl, plans, cols, keys, migration.Partition{Number: 2, Lower: []string{"100"}, Upper: []string{"200"}}, "note = 'a\\b'"),
		"checksum_null_keys":    d.ChecksumSQL(tbl, plans[:2], cols[:2], keys, migration.Partition{Number: 0, NullKeys: true}, ""),
		"fingerprint_all_types": d.FingerprintSQL(tbl, plans, cols, keys, migration.Partition{Number: 2, Lower: []string{"100"}, Upper: []string{"200"}}, "note = 'a\\b'"),
		"checksum_row_hashes":   d.RowHashesSQL(tbl, plans[:3], cols[:3], keys, []int{0}, migration.Partition{Number: 1, Upper: []string{"100"}}, ""),
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

// extremeDDL holds the values at the edges of each canonical text: years 1 and 9999,
// microsecond 999999, 38-digit numerics and half-way rounding, subnormal, largest and
// negative-zero floats, NaN and infinities, escapes and blank padding.
const extremeDDL = `CREATE TABLE public.ext (id integer PRIMARY KEY, n numeric(38,10), nf numeric, i8 bigint, r real, d double precision,
  t text, ch char(4), b bytea, flag boolean, dt date, tm time, ts timestamp, tstz timestamptz, j jsonb);
INSERT INTO public.ext VALUES
 (1, 9999999999999999999999999999.9999999999, 12345678901234567890123456789012.5, 9223372036854775807, 1e-45, 5e-324,
  E'a\\b|c\\|\\N', E'a|\\ ', '\x00ff', true, '0001-01-01', '23:59:59.999999', '0001-01-01 00:00:00', '0001-01-01 00:00:00+00', '{"a": 1}'),
 (2, -0.0000000001, -0.0000005, -9223372036854775808, '-0', '-0',
  '', '', '\x', false, '9999-12-31', '00:00:00', '9999-12-31 23:59:59.999999', '9999-12-31 23:59:59.999999+00', '[]'),
 (3, 0, 0.0000005, 0, 'NaN', 'NaN',
  E'\\N', '    ', '\x5c7c', NULL, '2024-02-29', '12:00:00.000001', '2024-02-29 12:00:00.5', '2024-02-29 23:30:00-05:45', 'null'),
 (4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 (5, 1.5, 2.5, 1, 'Infinity', '-Infinity',
  'ünïcödé ☃', 'ü', '\xdeadbeef', NULL, '1970-01-01', '00:00:00.5', '1969-12-31 23:59:59.999999', '1970-01-01 00:29:59.999999+00:30', '"s"'),
 (6, -1.25, 123.4567895, -1, 3.4028235e38, 1.7976931348623157e308,
  '|', '\|  ', '\x7c', true, '1999-12-31', '00:00:00.000001', '2000-02-29 00:00:00', '2000-01-01 05:45:00+05:45', '{}'),
 (7, 0.5, -2.5, 2, -1.5, 2.2250738585072014e-308,
  E'\\', 'x', '\x00', false, '1000-01-01', '10:00:00', '1000-01-01 00:00:00.000001', '1000-01-01 00:00:00.000001+00', '[1]')`

// hostileDefaults makes the database's own defaults the opposite of what the worker
// sets for its sessions (DateStyle, IntervalStyle, extra_float_digits, TimeZone).
const hostileDefaults = `DO $$ BEGIN
  EXECUTE format('ALTER DATABASE %I SET DateStyle = %L', current_database(), 'SQL, DMY');
  EXECUTE format('ALTER DATABASE %I SET IntervalStyle = %L', current_database(), 'sql_standard');
  EXECUTE format('ALTER DATABASE %I SET extra_float_digits = %L', current_database(), '-15');
  EXECUTE format('ALTER DATABASE %I SET TimeZone = %L', current_database(), 'Pacific/Chatham');
END $$`

// Row by row (each row its own partition), the checksum SQL equals the extractor's on
// extreme values, with hostile database defaults: every field's text is exactly the
// canonical one.
func TestChecksumExtremeValuesEqualExtract(t *testing.T) {
	s, pool := newTestSource(t, extremeDDL, hostileDefaults)
	pool.Reset() // new connections start with the hostile defaults
	var style string
	if err := pool.QueryRow(ctxT(t), "SHOW DateStyle").Scan(&style); err != nil || style != "SQL, DMY" {
		t.Fatalf("DateStyle of a new connection: %q, %v; want the database's default SQL, DMY", style, err)
	}
	tc := tableConfig("ext", "id")
	info, err := s.Introspect(ctxT(t), tc)
	if err != nil {
		t.Fatal(err)
	}
	var whole []string
	for id := 1; id <= 7; id++ {
		p := migration.Partition{Number: id, Lower: []string{strconv.Itoa(id - 1)}, Upper: []string{strconv.Itoa(id)}}
		req := extractRequest(info, tc, p)
		dir := filepath.Join(t.TempDir(), "p")
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		st, err := s.Extract(ctxT(t), req, dir, nil)
		if err != nil {
			t.Fatalf("row %d: extract: %v", id, err)
		}
		sum, rows, err := s.ChecksumPartitionSQL(ctxT(t), req)
		if err != nil {
			t.Fatalf("row %d: %v", id, err)
		}
		if rows != 1 || st.Rows != 1 || sum != st.Checksum {
			t.Errorf("row %d: SQL %s (%d rows), extractor %s (%d rows)", id, sum, rows, st.Checksum, st.Rows)
		}
		whole = append(whole, sum)
	}
	// The per-row checksums are all different (no two of these rows encode alike).
	seen := map[string]int{}
	for i, c := range whole {
		if j, ok := seen[c]; ok {
			t.Errorf("rows %d and %d have the same checksum %s", j+1, i+1, c)
		}
		seen[c] = i
	}
}

// A whereClauseCriteria that changes DateStyle while the statement runs would change
// the dates' text: the checksum fails with an error naming DateStyle instead of
// returning a checksum of other texts.
func TestChecksumRefusesDateStyleChangedByFilter(t *testing.T) {
	s, _ := newTestSource(t, extremeDDL)
	tc := tableConfig("ext", "id")
	filter := "set_config('DateStyle', 'SQL, DMY', true) <> ''"
	tc.WhereClauseCriteria = &filter
	info, err := s.Introspect(ctxT(t), tc)
	if err != nil {
		t.Fatal(err)
	}
	req := extractRequest(info, tc, migration.Partition{Number: 1})
	if sum, _, err := s.ChecksumPartitionSQL(ctxT(t), req); err == nil || !strings.Contains(err.Error(), "DateStyle") {
		t.Errorf("checksum %q, error %v; want an error naming DateStyle", sum, err)
	}
	if _, err := s.BucketChecksums(ctxT(t), source.BucketRequest{ExtractRequest: req, KeyColumns: []int{0}, Depth: 1}); err == nil || !strings.Contains(err.Error(), "DateStyle") {
		t.Errorf("bucket checksums: error %v; want an error naming DateStyle", err)
	}
}

// wideDDL is a table of 1 + 3·40 columns (an integer, a double and a text, NULL in some
// rows): its row text takes more arguments than one concat_ws call accepts, and its
// FLOAT columns read their bits from the derived table.
func wideDDL() string {
	var cols, vals []string
	for i := 0; i < 40; i++ {
		cols = append(cols, fmt.Sprintf("i%d integer, f%d double precision, t%d text", i, i, i))
		vals = append(vals, fmt.Sprintf("CASE WHEN g %% 5 = %d %% 5 THEN NULL ELSE g * %d END, g * %d.25 - 1e-300 * g, CASE WHEN g %% 7 = %d %% 7 THEN NULL ELSE E'w\\\\|' || g + %d END", i, i+1, i, i, i))
	}
	return "CREATE TABLE public.wide (id integer PRIMARY KEY, " + strings.Join(cols, ", ") + ");\n" +
		"INSERT INTO public.wide SELECT g, " + strings.Join(vals, ", ") + " FROM generate_series(1, 40) g"
}

// A wide table with FLOAT columns: the SQL checksum equals the extractor's, its
// buckets add up to it, the listed row texts are the rows' texts (as many fields as
// columns, summing to the checksum), and the row hashes sum to it too.
func TestChecksumWideTableEqualsExtract(t *testing.T) {
	s, _ := newTestSource(t, wideDDL())
	tc := tableConfig("wide", "id")
	info, err := s.Introspect(ctxT(t), tc)
	if err != nil {
		t.Fatal(err)
	}
	if len(info.Columns) != 121 {
		t.Fatalf("%d columns, want 121", len(info.Columns))
	}
	req := extractRequest(info, tc, migration.Partition{Number: 1, Lower: []string{"3"}})
	dir := filepath.Join(t.TempDir(), "p")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	st, err := s.Extract(ctxT(t), req, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	sum, rows, err := s.ChecksumPartitionSQL(ctxT(t), req)
	if err != nil {
		t.Fatal(err)
	}
	if rows != 37 || sum != st.Checksum {
		t.Fatalf("SQL %s (%d rows), extractor %s (%d rows)", sum, rows, st.Checksum, st.Rows)
	}
	buckets, err := s.BucketChecksums(ctxT(t), source.BucketRequest{ExtractRequest: req, KeyColumns: []int{0}, Depth: 1})
	if err != nil {
		t.Fatal(err)
	}
	var total, listedSum checksum.Sum
	var prefixes []string
	for _, b := range buckets {
		x, err := checksum.Parse(b.Checksum)
		if err != nil {
			t.Fatal(err)
		}
		total.Merge(x)
		prefixes = append(prefixes, b.Prefix)
	}
	listed, err := s.BucketRows(ctxT(t), source.BucketRequest{ExtractRequest: req, KeyColumns: []int{0}, Depth: 1, Buckets: prefixes, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range listed {
		if f, err := checksum.SplitRaw(r.Row); err != nil || len(f) != 121 || f[0] != r.Key {
			t.Errorf("row %q: %d fields (key %q), %v; want 121 fields, key %q", r.Row, len(f), f[0], err, r.Key)
		}
		listedSum.Add([]byte(r.Row))
	}
	hashes, err := s.RowHashes(ctxT(t), req)
	if err != nil {
		t.Fatal(err)
	}
	var hashSum checksum.Sum
	for _, h := range hashes {
		d, err := hex.DecodeString(h.Hash)
		if err != nil || len(d) != 16 {
			t.Fatalf("row hash %q: %v", h.Hash, err)
		}
		hashSum.AddDigest([16]byte(d))
	}
	if total.String() != sum || listedSum.String() != sum || hashSum.String() != sum || len(listed) != 37 || len(hashes) != 37 {
		t.Errorf("partition %s; buckets sum to %s, %d listed rows to %s, %d row hashes to %s", sum, total.String(), len(listed), listedSum.String(), len(hashes), hashSum.String())
	}
}
