package sqlserver

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/snowmigrate/snowmigrate/checksum"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
)

// locateRows is a table whose rows spread over every bucket of depth 1, with text that
// needs escaping, NULLs, offsets and floats.
func locateRows(n int) []string {
	var b strings.Builder
	b.WriteString("INSERT INTO dbo.loc VALUES ")
	for i := 1; i <= n; i++ {
		if i > 1 {
			b.WriteString(", ")
		}
		note := fmt.Sprintf("N'n%d|it''s \\ é%d'", i, i)
		if i%7 == 3 {
			note = "NULL"
		}
		fmt.Fprintf(&b, "(%d, %s, %d.%02d, '2024-01-31 10:00:%02d.%07d +01:00', %d.5E-3, 0x%04X, N'k%03d')", i, note, i*3-50, i%100, i%60, i*1234567%10000000, i, i, i%40)
	}
	return []string{b.String()}
}

// expectedBuckets computes, from the canonical texts of the extracted values (what the
// target's own bucket checksums see), the buckets of depth d and their rows.
func expectedBuckets(t *testing.T, s *Source, req source.BucketRequest) (map[string]checksum.Sum, map[string][]migration.RowImage) {
	t.Helper()
	_, rows := extractChecksum(t, s, req.ExtractRequest)
	plans, err := planColumns(req.Columns)
	if err != nil {
		t.Fatal(err)
	}
	sums := map[string]checksum.Sum{}
	images := map[string][]migration.RowImage{}
	for _, pr := range rows {
		var kr, rr checksum.Row
		for _, i := range req.LocateKeyColumns() {
			if err := appendField(&kr, plans[i], pr[plans[i].TargetName]); err != nil {
				t.Fatal(err)
			}
		}
		for _, p := range plans {
			if err := appendField(&rr, p, pr[p.TargetName]); err != nil {
				t.Fatal(err)
			}
		}
		h := md5.Sum(kr.Bytes())
		b := hex.EncodeToString(h[:])[:req.Depth]
		sum := sums[b]
		row := rr.Bytes()
		if req.KeysOnly {
			row = kr.Bytes()
		}
		sum.Add(row)
		sums[b] = sum
		images[b] = append(images[b], migration.RowImage{Key: string(kr.Bytes()), Row: string(row)})
	}
	return sums, images
}

// The SQL Server buckets are the ones the target computes from the same values: every
// bucket's checksum (row texts and key sets, depths 1 and 2, restricted to chosen
// prefixes) and the rows listed under a bucket, in UTF-8 byte order of their keys.
func TestLocateOnSQLServer(t *testing.T) {
	s, _ := newDB(t, append([]string{`CREATE TABLE dbo.loc (id int NOT NULL PRIMARY KEY, note nvarchar(40), amount decimal(12,2), at datetimeoffset(7), f float, raw varbinary(8), code nchar(4))`},
		locateRows(150)...)...)
	tc := tableConfig("loc", "id")
	filter := "id <> 17"
	tc.WhereClauseCriteria = &filter
	info, err := s.Introspect(ctxT(t), tc)
	if err != nil {
		t.Fatal(err)
	}
	ex := source.ExtractRequest{Table: tc, TableShape: info.TableShape, Partition: migration.Partition{Number: 1, Lower: []string{"10"}, Upper: []string{"140"}}}
	whole, n, err := s.ChecksumPartition(ctxT(t), ex)
	if err != nil || n != 129 {
		t.Fatalf("partition checksum %s, %d rows: %v", whole, n, err)
	}
	for _, req := range []source.BucketRequest{
		{ExtractRequest: ex, KeyColumns: []int{0}, Depth: 1},
		{ExtractRequest: ex, KeyColumns: []int{0}, Depth: 2, Buckets: []string{"3", "a7", "f"}},
		{ExtractRequest: ex, KeyColumns: []int{0}, Depth: 1, KeysOnly: true},
		{ExtractRequest: ex, KeyColumns: []int{6, 0}, Depth: 1}, // a text key column first
		{ExtractRequest: ex, Depth: 1},                          // no key: the whole row
	} {
		name := fmt.Sprintf("keys %v depth %d buckets %v keysOnly %v", req.KeyColumns, req.Depth, req.Buckets, req.KeysOnly)
		wantSums, wantRows := expectedBuckets(t, s, req)
		got, err := s.BucketChecksums(ctxT(t), req)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var prefixes []string
		for p := range wantSums {
			if len(req.Buckets) == 0 || hasPrefix(p, req.Buckets) {
				prefixes = append(prefixes, p)
			}
		}
		sort.Strings(prefixes)
		if len(got) != len(prefixes) || len(prefixes) < 2 {
			t.Fatalf("%s: %d buckets, want %d (%v)", name, len(got), len(prefixes), got)
		}
		var total checksum.Sum
		for i, b := range got {
			if b.Prefix != prefixes[i] || b.Checksum != wantSums[b.Prefix].String() {
				t.Fatalf("%s: bucket %d is %s %s, want %s %s", name, i, b.Prefix, b.Checksum, prefixes[i], wantSums[prefixes[i]].String())
			}
			sum, _ := checksum.Parse(b.Checksum)
			total.Merge(sum)
		}
		if len(req.Buckets) == 0 && !req.KeysOnly && total.String() != whole {
			t.Fatalf("%s: buckets add up to %s, the partition is %s", name, total.String(), whole)
		}
		// the rows of the first two buckets, in key byte order
		req.Buckets, req.Limit = prefixes[:2], 1000
		rows, err := s.BucketRows(ctxT(t), req)
		if err != nil {
			t.Fatalf("%s: rows: %v", name, err)
		}
		want := append(append([]migration.RowImage{}, wantRows[prefixes[0]]...), wantRows[prefixes[1]]...)
		sort.Slice(want, func(i, j int) bool { return want[i].Key < want[j].Key })
		if fmt.Sprint(rows) != fmt.Sprint(want) {
			t.Fatalf("%s: rows\n%v\nwant\n%v", name, rows, want)
		}
		req.Limit = 3
		if rows, err := s.BucketRows(ctxT(t), req); err != nil || fmt.Sprint(rows) != fmt.Sprint(want[:3]) {
			t.Fatalf("%s: limit 3: %v %v", name, rows, err)
		}
	}
	// hostile prefixes never reach SQL
	if _, err := s.BucketChecksums(ctxT(t), source.BucketRequest{ExtractRequest: ex, Depth: 1, Buckets: []string{"1' OR '1'='1"}}); err == nil {
		t.Fatal("a non-hex prefix was accepted")
	}
}

func hasPrefix(p string, prefixes []string) bool {
	for _, q := range prefixes {
		if strings.HasPrefix(p, q) {
			return true
		}
	}
	return false
}

// TestLocateSQLGolden keeps the locate statements in testdata/locate_*.sql.
func TestLocateSQLGolden(t *testing.T) {
	cols := []migration.Column{
		{SourceName: "id", SourceType: "bigint", TargetName: "ID", TargetType: "NUMBER(19,0)"},
		{SourceName: "note", SourceType: "nvarchar(20)", TargetName: "NOTE", TargetType: "VARCHAR(20)"},
	}
	plans, err := planColumns(cols)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := keyColumns(cols, []int{0})
	if err != nil {
		t.Fatal(err)
	}
	pred, args, err := rangePredicate(keys, migration.Partition{Number: 3, Lower: []string{"10"}, Upper: []string{"20"}}, 1)
	if err != nil || len(args) != 2 {
		t.Fatal(err, args)
	}
	q := locateQuery{table: migration.TableRef{Schema: "Sales", Table: "order"}, cols: cols, sel: selection{plans: plans, keys: keys, pred: pred, where: "is_deleted = 0"},
		keyIdx: []int{0}, depth: 2, buckets: []string{"a", "0f"}, limit: 50}
	sums, err := bucketChecksumsSQL(q)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "locate_bucket_checksums", sums)
	rows, err := bucketRowsSQL(q)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "locate_bucket_rows", rows)
	q.keysOnly, q.buckets = true, nil
	keySums, err := bucketChecksumsSQL(q)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "locate_key_set", keySums)
}
