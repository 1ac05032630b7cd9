package postgres

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/snowmigrate/snowmigrate/checksum"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
)

const locateDDL = `CREATE TABLE public.loc (
  id bigint PRIMARY KEY,
  note text,
  amount numeric(12,2),
  at timestamptz,
  blob bytea,
  code char(3)
);
INSERT INTO public.loc
SELECT g, CASE WHEN g % 7 = 3 THEN NULL ELSE 'n' || g || E'|it''s \\ ' || g END, g * 1.37 - 50,
       timestamptz '2024-01-31 10:00:00+01' + g * interval '1 second 1 microsecond', decode(lpad(to_hex(g), 4, '0'), 'hex'), CASE WHEN g % 5 = 0 THEN 'a' END
FROM generate_series(1, 300) g`

// The source's buckets partition the range exactly: the bucket checksums add up to
// ChecksumPartition's (itself equal to the extractor's), every listed row hashes into
// its bucket and sums to its checksum, deeper buckets add up to their parent, and
// key-set checksums sum the key texts.
func TestLocateOnPostgres(t *testing.T) {
	s, _ := newTestSource(t, locateDDL)
	tc := tableConfig("loc", "id")
	filter := "id <> 17"
	tc.WhereClauseCriteria = &filter
	info, err := s.Introspect(ctxT(t), tc)
	if err != nil {
		t.Fatal(err)
	}
	ex := extractRequest(info, tc, migration.Partition{Number: 1, Lower: []string{"10"}, Upper: []string{"260"}})
	whole, rows, err := s.ChecksumPartition(ctxT(t), ex)
	if err != nil || rows != 249 {
		t.Fatalf("partition checksum %s %d rows: %v", whole, rows, err)
	}
	req := source.BucketRequest{ExtractRequest: ex, KeyColumns: []int{0}, Depth: 1}
	buckets, err := s.BucketChecksums(ctxT(t), req)
	if err != nil {
		t.Fatal(err)
	}
	var total checksum.Sum
	for i, b := range buckets {
		if len(b.Prefix) != 1 || (i > 0 && buckets[i-1].Prefix >= b.Prefix) {
			t.Errorf("bucket %q out of order or of the wrong depth", b.Prefix)
		}
		sum, err := checksum.Parse(b.Checksum)
		if err != nil {
			t.Fatal(err)
		}
		total.Merge(sum)

		// Its rows: in key byte order, hashing into it, summing to its checksum.
		listed, err := s.BucketRows(ctxT(t), source.BucketRequest{ExtractRequest: ex, KeyColumns: []int{0}, Depth: 1, Buckets: []string{b.Prefix}, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		var rs checksum.Sum
		for j, r := range listed {
			if !strings.HasPrefix(checksum.RowHash([]byte(r.Key)), b.Prefix) {
				t.Errorf("key %q listed under bucket %s", r.Key, b.Prefix)
			}
			if j > 0 && listed[j-1].Key >= r.Key {
				t.Errorf("keys %q, %q not in byte order", listed[j-1].Key, r.Key)
			}
			if f, _ := checksum.SplitRaw(r.Row); f[0] != r.Key || len(f) != 6 {
				t.Errorf("row %q: key field %q, want %q", r.Row, f[0], r.Key)
			}
			rs.Add([]byte(r.Row))
		}
		if rs.String() != b.Checksum {
			t.Errorf("bucket %s: rows sum to %s, checksum %s", b.Prefix, rs.String(), b.Checksum)
		}
		if i == 0 {
			// Deeper buckets under this one add up to it.
			sub, err := s.BucketChecksums(ctxT(t), source.BucketRequest{ExtractRequest: ex, KeyColumns: []int{0}, Depth: 3, Buckets: []string{b.Prefix}})
			if err != nil {
				t.Fatal(err)
			}
			var subSum checksum.Sum
			for _, sb := range sub {
				if len(sb.Prefix) != 3 || !strings.HasPrefix(sb.Prefix, b.Prefix) {
					t.Errorf("sub-bucket %q of %q", sb.Prefix, b.Prefix)
				}
				x, _ := checksum.Parse(sb.Checksum)
				subSum.Merge(x)
			}
			if subSum.String() != b.Checksum {
				t.Errorf("sub-buckets of %s sum to %s, want %s", b.Prefix, subSum.String(), b.Checksum)
			}
		}
	}
	if total.String() != whole {
		t.Errorf("buckets add up to %s, the partition checksum is %s", total.String(), whole)
	}

	// Key sets: the checksum of the key texts (the ids as decimal text).
	keys, err := s.BucketChecksums(ctxT(t), source.BucketRequest{ExtractRequest: ex, KeyColumns: []int{0}, KeysOnly: true, Depth: 1})
	if err != nil {
		t.Fatal(err)
	}
	var got, want checksum.Sum
	for _, b := range keys {
		x, _ := checksum.Parse(b.Checksum)
		got.Merge(x)
	}
	for id := int64(11); id <= 260; id++ {
		if id != 17 {
			want.Add(checksum.AppendDecimal(nil, id, 0))
		}
	}
	if got.String() != want.String() {
		t.Errorf("key-set checksum %s, want %s", got.String(), want.String())
	}

	// A hostile prefix never becomes SQL; a listing needs buckets and a limit.
	for _, bad := range []source.BucketRequest{
		{ExtractRequest: ex, Depth: 1, Buckets: []string{"'; DROP TABLE loc; --"}, Limit: 5},
		{ExtractRequest: ex, Depth: 1, Limit: 5},
		{ExtractRequest: ex, Depth: 9, Buckets: []string{"a"}, Limit: 5},
		{ExtractRequest: ex, Depth: 1, Buckets: []string{"a"}, KeyColumns: []int{6}, Limit: 5},
	} {
		if _, err := s.BucketRows(ctxT(t), bad); !errors.Is(err, source.ErrConfig) {
			t.Errorf("%+v: err %v, want ErrConfig", bad.Buckets, err)
		}
	}
}

// TestGoldenLocateSQL renders the locate SQL into testdata/locate_*.sql (-update
// rewrites them).
func TestGoldenLocateSQL(t *testing.T) {
	d := NewDialect()
	cols := []migration.Column{
		{SourceName: "id", SourceType: "bigint", TargetName: "ID", TargetType: "NUMBER(19,0)"},
		{SourceName: "Name", SourceType: "text", TargetName: "Name", TargetType: "VARCHAR"},
		{SourceName: "code", SourceType: "character(4)", TargetName: "CODE", TargetType: "VARCHAR(4)"},
		{SourceName: "amount", SourceType: "numeric(12,2)", TargetName: "AMOUNT", TargetType: "NUMBER(12,2)"},
	}
	plans := make([]source.ColumnPlan, len(cols))
	for i, c := range cols {
		p, err := d.PlanColumn(c)
		if err != nil {
			t.Fatal(err)
		}
		plans[i] = p
	}
	q := LocateQuery{dialect: d, Table: migration.TableRef{Database: "shop", Schema: "Sales", Table: "order"}, Plans: plans, Columns: cols,
		Keys: []source.KeyColumn{{Name: "id", BaseType: "bigint"}}, Range: migration.Partition{Number: 2, Lower: []string{"100"}, Upper: []string{"200"}},
		Where: "note = 'a\\b'", KeyIdx: []int{0}, Depth: 2}
	keysOnly := q
	keysOnly.KeysOnly, keysOnly.KeyIdx, keysOnly.Depth, keysOnly.Buckets = true, []int{0, 2}, 3, []string{"f", "0a", "1b"}
	rows := q
	rows.Buckets, rows.Limit = []string{"a3", "07"}, 201
	cases := map[string]string{
		"locate_checksums":           d.BucketChecksumsSQL(q),
		"locate_checksums_keys_only": d.BucketChecksumsSQL(keysOnly),
		"locate_rows":                d.BucketRowsSQL(rows),
	}
	names := make([]string, 0, len(cases))
	for n := range cases {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		got := cases[name] + "\n"
		path := filepath.Join("testdata", name+".sql")
		if *update {
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test ./source/postgres -run TestGoldenLocateSQL -update)", err)
		}
		if string(want) != got {
			t.Errorf("SQL differs from %s:\n--- got\n%s--- want\n%s", path, got, want)
		}
	}
}

// BenchmarkLocateBuckets measures the first round of a search (bucket checksums at
// depth 3 over a whole partition) against the partition checksum of the same rows:
// the price of locating is about one more scan.
func BenchmarkLocateBuckets(b *testing.B) {
	s, _ := newTestSource(b, locateDDL, `INSERT INTO public.loc SELECT g, 'n' || g, g * 1.37, now(), '\x0102', 'abc' FROM generate_series(301, 100000) g`)
	tc := tableConfig("loc", "id")
	info, err := s.Introspect(ctxT(b), tc)
	if err != nil {
		b.Fatal(err)
	}
	ex := extractRequest(info, tc, migration.Partition{Number: 1})
	b.Run("partition-checksum", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := s.ChecksumPartition(ctxT(b), ex); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("bucket-checksums-depth-3", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.BucketChecksums(ctxT(b), source.BucketRequest{ExtractRequest: ex, KeyColumns: []int{0}, Depth: 3}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
