package snowflakeside

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/checksum"
	"github.com/snowmigrate/snowmigrate/migration"
)

var locateCols = []migration.Column{
	{SourceName: "id", SourceType: "bigint", TargetName: "ID", TargetType: "NUMBER(19,0)"},
	{SourceName: "note", SourceType: "text", TargetName: "NOTE", TargetType: "VARCHAR", Nullable: true},
	{SourceName: "amount", SourceType: "numeric(12,2)", TargetName: "AMOUNT", TargetType: "NUMBER(12,2)", Nullable: true},
	{SourceName: "ts", SourceType: "timestamp", TargetName: "TS", TargetType: "TIMESTAMP_NTZ(6)", Nullable: true},
	{SourceName: "blob", SourceType: "bytea", TargetName: "BLOB", TargetType: "BINARY", Nullable: true},
}

// locateRow is one row of the test table, its SQL values and its texts as the Go
// checksum builds them (what the extractor would hash).
type locateRow struct {
	id       int64
	note     *string
	cents    int64
	micros   int64
	blob     []byte
	key, row string
}

func locateRows(n int) []locateRow {
	out := make([]locateRow, n)
	for i := range out {
		id := int64(i + 1)
		r := locateRow{id: id, cents: id*137 - 5000, micros: 1_700_000_000_000_000 + id*1_000_001, blob: []byte{byte(id), 0xFF}}
		if i%7 != 3 {
			s := fmt.Sprintf(`n%d|it's \ %d`, id, id)
			r.note = &s
		}
		var k, row checksum.Row
		k.Int(id)
		row.Int(id)
		if r.note == nil {
			row.Null()
		} else {
			row.Text([]byte(*r.note))
		}
		row.Decimal(r.cents, 2)
		row.Timestamp(r.micros)
		row.Binary(r.blob)
		r.key, r.row = string(k.Bytes()), string(row.Bytes())
		out[i] = r
	}
	return out
}

// expectedBuckets computes the bucket checksums in Go from the texts.
func expectedBuckets(rows []locateRow, depth int, under []string, keysOnly bool) map[string]string {
	sums := map[string]*checksum.Sum{}
	for _, r := range rows {
		h := checksum.RowHash([]byte(r.key))
		if !hasAnyPrefix(h, under) {
			continue
		}
		b := h[:depth]
		if sums[b] == nil {
			sums[b] = &checksum.Sum{}
		}
		if keysOnly {
			sums[b].Add([]byte(r.key))
		} else {
			sums[b].Add([]byte(r.row))
		}
	}
	out := map[string]string{}
	for b, s := range sums {
		out[b] = s.String()
	}
	return out
}

func hasAnyPrefix(h string, prefixes []string) bool {
	if len(prefixes) == 0 {
		return true
	}
	for _, p := range prefixes {
		if strings.HasPrefix(h, p) {
			return true
		}
	}
	return false
}

// The local Snowflake computes the same bucket checksums and lists the same row texts
// as the Go checksum of the same values: every depth, restricted prefixes, key sets.
func TestBucketChecksumsAndRowsOnTheLocalSnowflake(t *testing.T) {
	h := newHarness(t)
	target := migration.TableRef{Database: "LOCATE_DB", Schema: "S", Table: "T"}
	for _, q := range []string{`CREATE DATABASE IF NOT EXISTS LOCATE_DB`, `CREATE SCHEMA IF NOT EXISTS LOCATE_DB.S`,
		`CREATE OR REPLACE TABLE LOCATE_DB.S.T (ID NUMBER(19,0) NOT NULL, NOTE VARCHAR, AMOUNT NUMBER(12,2), TS TIMESTAMP_NTZ(6), BLOB BINARY)`} {
		if _, err := h.db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	rows := locateRows(300)
	var vals []string
	for _, r := range rows {
		note := "NULL"
		if r.note != nil {
			note = "'" + strings.NewReplacer(`\`, `\\`, `'`, `''`).Replace(*r.note) + "'"
		}
		ts := time.UnixMicro(r.micros).UTC().Format("2006-01-02 15:04:05.000000")
		vals = append(vals, fmt.Sprintf("(%d, %s, %s, '%s', TO_BINARY('%X', 'HEX'))", r.id, note, checksum.AppendDecimal(nil, r.cents, 2), ts, r.blob))
	}
	if _, err := h.db.Exec(`INSERT INTO LOCATE_DB.S.T VALUES ` + strings.Join(vals, ", ")); err != nil {
		t.Fatal(err)
	}
	in := snowflakeapi.BucketsInput{ConnectionName: h.conn, Target: target, Columns: locateCols, PartitionBy: []int{0},
		Partition: migration.Partition{Number: 1, Lower: []string{"0"}, Upper: []string{"250"}}, KeyColumns: []int{0}}
	inRange := rows[:250]

	check := func(in snowflakeapi.BucketsInput, want map[string]string) {
		t.Helper()
		var res snowflakeapi.BucketChecksumsResult
		h.mustRun(t, h.a.BucketChecksums, in, &res)
		got := map[string]string{}
		for i, b := range res.Buckets {
			if i > 0 && res.Buckets[i-1].Prefix >= b.Prefix {
				t.Errorf("buckets not in prefix order: %s then %s", res.Buckets[i-1].Prefix, b.Prefix)
			}
			got[b.Prefix] = b.Checksum
		}
		if len(got) != len(want) {
			t.Errorf("depth %d under %v: %d buckets, want %d", in.Depth, in.Buckets, len(got), len(want))
		}
		for p, w := range want {
			if got[p] != w {
				t.Errorf("depth %d bucket %s: %s, want %s", in.Depth, p, got[p], w)
			}
		}
	}
	for _, depth := range []int{1, 2} {
		in.Depth = depth
		check(in, expectedBuckets(inRange, depth, nil, false))
	}
	in.Depth, in.Buckets = 3, []string{"a", "0f"}
	check(in, expectedBuckets(inRange, 3, in.Buckets, false))
	in.KeysOnly, in.Depth, in.Buckets = true, 1, nil
	check(in, expectedBuckets(inRange, 1, nil, true))

	// Rows of two buckets, in key order, with the Go texts.
	in.KeysOnly, in.Depth, in.Buckets, in.Limit = false, 1, []string{"3", "c"}, 1000
	var want []locateRow
	for _, r := range inRange {
		if hasAnyPrefix(checksum.RowHash([]byte(r.key)), in.Buckets) {
			want = append(want, r)
		}
	}
	sort.Slice(want, func(i, j int) bool { return want[i].key < want[j].key })
	var res snowflakeapi.BucketRowsResult
	h.mustRun(t, h.a.BucketRows, in, &res)
	if len(res.Rows) != len(want) || res.TooLarge || len(want) == 0 {
		t.Fatalf("%d rows (tooLarge %v), want %d", len(res.Rows), res.TooLarge, len(want))
	}
	for i, r := range res.Rows {
		if r.Key != want[i].key || r.Row != want[i].row {
			t.Errorf("row %d: %q %q, want %q %q", i, r.Key, r.Row, want[i].key, want[i].row)
		}
	}
	// The byte bound cuts the listing and says so; the row limit cuts it silently.
	in.MaxBytes, res = 200, snowflakeapi.BucketRowsResult{}
	h.mustRun(t, h.a.BucketRows, in, &res)
	if !res.TooLarge || len(res.Rows) >= len(want) {
		t.Errorf("byte bound: %d rows, tooLarge %v", len(res.Rows), res.TooLarge)
	}
	in.MaxBytes, in.Limit, res = 0, 2, snowflakeapi.BucketRowsResult{}
	h.mustRun(t, h.a.BucketRows, in, &res)
	if len(res.Rows) != 2 || res.TooLarge {
		t.Errorf("limit 2: %d rows, tooLarge %v", len(res.Rows), res.TooLarge)
	}
	// A hostile prefix is refused before any SQL runs.
	in.Buckets = []string{"a' OR '1'='1"}
	appErr(t, h.run(t, h.a.BucketRows, in, nil), migration.ErrTypeConfig, "hex")
}

// RecordDifferences writes ROW_DIFFERENCE idempotently and DATA_MIGRATION_ERROR shows
// each difference with its kind, key, column and values next to the partition's error.
func TestRecordDifferencesShownInErrorView(t *testing.T) {
	h := newHarness(t)
	h.mustRun(t, h.a.EnsureMetadata, snowflakeapi.EnsureMetadataInput{ConnectionName: h.conn}, nil)
	in := snowflakeapi.RecordDifferencesInput{ConnectionName: h.conn, Migration: "locmig", MigrationRunID: "run-1", TableKey: "db.public.orders",
		SourceIdentifier: "db.public.orders", Partition: 4, Truncated: true,
		Differences: []migration.RowDifference{
			{Kind: migration.DiffValue, Key: "42", Column: "NOTE", Columns: []string{"NOTE"}, SourceValue: `it's`, TargetValue: ""},
			{Kind: migration.DiffMissingInTarget, Key: "43", SourceValue: `43|x`},
			{Kind: migration.DiffMissingInSource, Key: "44", TargetValue: `44|y`},
		}}
	for range 2 { // a retry rewrites the same rows
		h.mustRun(t, h.a.RecordDifferences, in, nil)
	}
	if n := h.count(t, `SELECT COUNT(*) FROM `+metaPrefix+`ROW_DIFFERENCE WHERE WORKFLOW_ID = 'locmig'`); n != 3 {
		t.Fatalf("%d rows in ROW_DIFFERENCE, want 3", n)
	}
	rows, err := h.db.Query(`SELECT PARTITION_NUMBER, DIFFERENCE_KIND, ROW_KEY, COALESCE(COLUMN_NAME, '-'), COALESCE(SOURCE_VALUE, '-'), COALESCE(TARGET_VALUE, '-'), ERROR_MESSAGE
		FROM ` + metaPrefix + `DATA_MIGRATION_ERROR WHERE WORKFLOW_ID = 'locmig' ORDER BY ROW_KEY`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var (
			p                           int
			kind, key, col, src, tgt, m string
		)
		if err := rows.Scan(&p, &kind, &key, &col, &src, &tgt, &m); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%d %s %s %s [%s] [%s] %s", p, kind, key, col, src, tgt, m))
	}
	want := []string{
		"4 DIFFERENT 42 NOTE [it's] [] row 42: column NOTE differs: source it's, target ",
		"4 MISSING_IN_TARGET 43 - [43|x] [-] row 43 is on the source but missing in the target",
		"4 MISSING_IN_SOURCE 44 - [-] [44|y] row 44 is in the target but not on the source",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("DATA_MIGRATION_ERROR:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
