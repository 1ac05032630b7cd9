package snowflake

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/snowmigrate/snowmigrate/migration"
)

// Locating differing rows on the target (docs/checksums.md, "Locating differences"):
// the rows of a partition's key range grouped into buckets by the first hex digits of
// the MD5 of their key text, each bucket checksummed like a partition, and the rows of
// chosen buckets listed with their key and row texts. Values never become SQL here:
// only quoted column names, the partition's bounds and watermarks through Literal, and
// bucket prefixes checked to be hex (migration.CheckBucketPrefixes) before they become
// literals.

// BucketQuery selects a partition's target rows and how to bucket them.
type BucketQuery struct {
	Target      migration.TableRef
	Columns     []migration.Column
	PartitionBy []int               // the partition columns (RangePredicate)
	Partition   migration.Partition // the key range
	// Window restricts the range to a watermark re-sync's rows (nil: every row).
	Window *migration.WatermarkWindow
	// KeyColumns are indexes into Columns forming the key text; empty: every column.
	KeyColumns []int
	// KeysOnly checksums the key text instead of the row text.
	KeysOnly bool
	Depth    int      // bucket prefix length (1..migration.MaxBucketDepth)
	Buckets  []string // restrict to these prefixes (empty: every row)
	Limit    int      // BucketRowsSQL's LIMIT
}

// BucketChecksumsSQL returns, per non-empty bucket in prefix order: the prefix, the
// row count and the exact sums of MD5_NUMBER_UPPER64 and MD5_NUMBER_LOWER64 of the
// row texts (key texts with KeysOnly); checksum.FromParts makes each bucket's checksum.
func BucketChecksumsSQL(q BucketQuery) (string, error) {
	inner, filter, err := q.source()
	if err != nil {
		return "", err
	}
	d := strconv.Itoa(q.Depth)
	return "SELECT LEFT(" + hashAlias + ", " + d + ") AS LOCATE_BUCKET, COUNT(*), SUM(MD5_NUMBER_UPPER64(" + rowAlias + ")), SUM(MD5_NUMBER_LOWER64(" + rowAlias + "))\nFROM " + inner + filter +
		"\nGROUP BY LOCATE_BUCKET\nORDER BY LOCATE_BUCKET", nil
}

// BucketRowsSQL lists the key text and row text of the rows of q.Buckets, ordered by
// key text (Snowflake compares strings byte-wise), at most q.Limit rows.
func BucketRowsSQL(q BucketQuery) (string, error) {
	if q.Limit <= 0 || len(q.Buckets) == 0 {
		return "", fmt.Errorf("listing bucket rows needs a positive limit and at least one bucket")
	}
	inner, filter, err := q.source()
	if err != nil {
		return "", err
	}
	return "SELECT " + keyAlias + ", " + rowAlias + "\nFROM " + inner + filter + "\nORDER BY " + keyAlias + "\nLIMIT " + strconv.Itoa(q.Limit), nil
}

// Aliases of the derived tables: unlikely column names, because Snowflake lets a
// SELECT list refer to its own aliases and a table column named like one would be
// ambiguous.
const (
	keyAlias  = "LOCATE_KEY"
	rowAlias  = "LOCATE_ROW"
	hashAlias = "LOCATE_HASH"
)

// source is the derived table (the MD5 of the key text, the key text, the row text or
// the key text again with KeysOnly) over the range, and the prefix filter on the hash ("" when every bucket is wanted).
func (q BucketQuery) source() (string, string, error) {
	if err := migration.CheckBucketPrefixes(q.Depth, q.Buckets); err != nil {
		return "", "", err
	}
	pred, err := rangeWindowPredicate(q.Columns, q.PartitionBy, q.Partition, q.Window)
	if err != nil {
		return "", "", err
	}
	keyIdx := q.KeyColumns
	if len(keyIdx) == 0 {
		keyIdx = make([]int, len(q.Columns))
		for i := range keyIdx {
			keyIdx[i] = i
		}
	}
	keyCols := make([]migration.Column, len(keyIdx))
	for i, k := range keyIdx {
		if k < 0 || k >= len(q.Columns) {
			return "", "", fmt.Errorf("key column index %d is outside the %d columns", k, len(q.Columns))
		}
		keyCols[i] = q.Columns[k]
	}
	key, err := ChecksumRowExpr(keyCols)
	if err != nil {
		return "", "", err
	}
	inner := "(SELECT MD5(" + keyAlias + ") AS " + hashAlias + ", " + keyAlias + ", " + keyAlias + " AS " + rowAlias
	from := "\nFROM (SELECT " + key + " AS " + keyAlias
	if !q.KeysOnly {
		row, err := ChecksumRowExpr(q.Columns)
		if err != nil {
			return "", "", err
		}
		inner = "(SELECT MD5(" + keyAlias + ") AS " + hashAlias + ", " + keyAlias + ", " + rowAlias
		from += ",\n  " + row + " AS " + rowAlias
	}
	inner += from + "\nFROM " + TableName(q.Target) + "\nWHERE " + pred + "))"
	return inner, prefixFilter(q.Buckets), nil
}

// prefixFilter keeps the rows whose key hash starts with one of the prefixes
// (checked hex): one IN list per prefix length.
func prefixFilter(prefixes []string) string {
	if len(prefixes) == 0 {
		return ""
	}
	byLen := map[int][]string{}
	for _, p := range prefixes {
		byLen[len(p)] = append(byLen[len(p)], p)
	}
	lens := make([]int, 0, len(byLen))
	for n := range byLen {
		lens = append(lens, n)
	}
	sort.Ints(lens)
	terms := make([]string, len(lens))
	for i, n := range lens {
		ps := byLen[n]
		sort.Strings(ps)
		lits := make([]string, len(ps))
		for j, p := range ps {
			lits[j] = StringLiteral(p)
		}
		terms[i] = "LEFT(" + hashAlias + ", " + strconv.Itoa(n) + ") IN (" + strings.Join(lits, ", ") + ")"
	}
	return "\nWHERE " + strings.Join(terms, " OR ")
}

// windowPredicate selects a watermark window's rows on the target. A first run's
// window (no low mark) is w <= high, plus NULL watermarks when it includes them (as
// the source's window is). A re-run's is every row above the low mark, without the
// high bound: those are exactly the rows the run owns in a range once it loaded it
// (the append's load deleted what a failed run had left above the mark, and no load
// writes a row above high), so a row above high that should not be there counts as a
// difference instead of hiding outside the window. One comparison also keeps the
// predicate to the form the re-run's load (DeleteWindowSQL) uses.
func windowPredicate(cols []migration.Column, win migration.WatermarkWindow) (string, error) {
	var col *migration.Column
	for i := range cols {
		if cols[i].SourceName == win.Column {
			col = &cols[i]
			break
		}
	}
	if col == nil {
		return "", fmt.Errorf("watermark column %q is not among the table's columns", win.Column)
	}
	q := QuoteIdent(col.TargetName)
	bound, op := win.High, " <= "
	if win.Low != nil {
		bound, op = win.Low, " > "
	}
	rng := "FALSE" // no row had a watermark when the run planned the table
	if bound != nil {
		lit, err := Literal(*bound, col.TargetType)
		if err != nil {
			return "", fmt.Errorf("watermark %s: %w", col.TargetName, err)
		}
		rng = q + op + lit
	}
	if win.IncludeNull {
		return "((" + rng + ") OR " + q + " IS NULL)", nil
	}
	return "(" + rng + ")", nil
}
