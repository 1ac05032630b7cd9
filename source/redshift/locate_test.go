package redshift

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/snowmigrate/snowmigrate/checksum"
	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/internal/testenv"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
)

// The Redshift buckets partition the range exactly: they add up to ChecksumPartition's
// checksum (itself the extractor's, TestLocalRedshiftChecksumEqualsExtractor), every
// listed row's key hashes into its bucket, and a bucket's listed rows sum to its
// checksum; key sets checksum the key texts.
func TestLocalRedshiftLocate(t *testing.T) {
	rs := testenv.StartRedshift(t, testenv.RedshiftOptions{})
	rs.Exec(t, `CREATE TABLE public.loc (id int NOT NULL, note varchar(40), amount decimal(12,2), at timestamptz, f float8)`,
		locateValues(120))
	s := openLocal(t, rs)
	tc := config.TableConfig{Source: &config.Identifier{SchemaName: "public", TableName: "loc"}, Target: &config.Identifier{SchemaName: "PUBLIC", TableName: "LOC"},
		ColumnNamesToPartitionBy: []string{"id"}}
	info, err := s.Introspect(ctxT(t), tc)
	if err != nil {
		t.Fatal(err)
	}
	ex := source.ExtractRequest{Table: tc, TableShape: info.TableShape, Partition: migration.Partition{Number: 1, Lower: []string{"10"}, Upper: []string{"110"}}}
	whole, n, err := s.ChecksumPartition(ctxT(t), ex)
	if err != nil || n != 100 {
		t.Fatalf("partition checksum %s %d: %v", whole, n, err)
	}
	for _, keysOnly := range []bool{false, true} {
		req := source.BucketRequest{ExtractRequest: ex, KeyColumns: []int{0}, Depth: 1, KeysOnly: keysOnly}
		buckets, err := s.BucketChecksums(ctxT(t), req)
		if err != nil {
			t.Fatal(err)
		}
		if len(buckets) < 8 {
			t.Fatalf("%d buckets for 100 rows", len(buckets))
		}
		var total checksum.Sum
		for i, b := range buckets {
			if len(b.Prefix) != 1 || (i > 0 && buckets[i-1].Prefix >= b.Prefix) {
				t.Fatalf("bucket %q out of order", b.Prefix)
			}
			sum, err := checksum.Parse(b.Checksum)
			if err != nil {
				t.Fatal(err)
			}
			total.Merge(sum)
			lr := req
			lr.Buckets, lr.Limit = []string{b.Prefix}, 1000
			rows, err := s.BucketRows(ctxT(t), lr)
			if err != nil {
				t.Fatal(err)
			}
			var mine checksum.Sum
			for j, r := range rows {
				h := md5.Sum([]byte(r.Key))
				if !strings.HasPrefix(hex.EncodeToString(h[:]), b.Prefix) || (j > 0 && rows[j-1].Key >= r.Key) {
					t.Fatalf("row %q listed under bucket %s (or out of order)", r.Key, b.Prefix)
				}
				if keysOnly && r.Row != r.Key {
					t.Fatalf("key set row %q for key %q", r.Row, r.Key)
				}
				mine.Add([]byte(r.Row))
			}
			if mine.String() != b.Checksum {
				t.Fatalf("bucket %s: rows sum to %s, bucket checksum %s", b.Prefix, mine.String(), b.Checksum)
			}
		}
		if !keysOnly && total.String() != whole {
			t.Fatalf("buckets add up to %s, partition %s", total.String(), whole)
		}
	}
	// sub-buckets of one prefix
	sub, err := s.BucketChecksums(ctxT(t), source.BucketRequest{ExtractRequest: ex, KeyColumns: []int{0}, Depth: 2, Buckets: []string{"a"}})
	if err != nil || len(sub) == 0 {
		t.Fatalf("sub-buckets: %v %v", sub, err)
	}
	var prefixes []string
	for _, b := range sub {
		prefixes = append(prefixes, b.Prefix)
		if !strings.HasPrefix(b.Prefix, "a") || len(b.Prefix) != 2 {
			t.Fatalf("sub-bucket %s", b.Prefix)
		}
	}
	if !sort.StringsAreSorted(prefixes) {
		t.Fatalf("sub-buckets out of order: %v", prefixes)
	}
	if _, err := s.BucketChecksums(ctxT(t), source.BucketRequest{ExtractRequest: ex, Depth: 1, Buckets: []string{"a') OR ('1'='1"}}); err == nil {
		t.Fatal("a non-hex prefix was accepted")
	}
}

// locateValues inserts n rows (Redshift has no generate_series over tables).
func locateValues(n int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO public.loc VALUES ")
	for g := 1; g <= n; g++ {
		if g > 1 {
			b.WriteString(", ")
		}
		note := fmt.Sprintf("'n%d|it''s ' || chr(92) || ' %d'", g, g)
		if g%7 == 3 {
			note = "NULL"
		}
		fmt.Fprintf(&b, "(%d, %s, %d.%02d, '2024-01-31 10:%02d:%02d+01', %d / 8.0)", g, note, g*3-50, g%100, g/60, g%60, g)
	}
	return b.String()
}
