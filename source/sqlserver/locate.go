package sqlserver

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/snowmigrate/snowmigrate/checksum"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
)

var _ source.Locator = (*Source)(nil)

// Locating differing rows on the source (docs/checksums.md, "Locating differences"):
// the rows Extract would read, grouped into buckets by the first hex digits of the MD5
// of their key text (the canonical fields of the key columns, as in a row text, in
// UTF-8), in the same transaction discipline as ChecksumPartition.

// BucketChecksums implements source.Locator.
func (s *Source) BucketChecksums(ctx context.Context, req source.BucketRequest) ([]migration.Bucket, error) {
	lq, err := s.locateQuery(req, false)
	if err != nil {
		return nil, err
	}
	q, err := bucketChecksumsSQL(lq)
	if err != nil {
		return nil, err
	}
	out := []migration.Bucket{}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, q, lq.sel.args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				prefix, up, lo string
				n              int64
			)
			if err := rows.Scan(&prefix, &n, &up, &lo); err != nil {
				return err
			}
			sum, err := checksum.FromParts(n, up, lo)
			if err != nil {
				return fmt.Errorf("bucket %s: %w", prefix, err)
			}
			out = append(out, migration.Bucket{Prefix: prefix, Checksum: sum.String()})
		}
		return rows.Err()
	})
	if err != nil {
		return nil, whereError(fmt.Errorf("source bucket checksums of %s.%s: %w", req.Source.Schema, req.Source.Table, utf8Error(mapError(err))), lq.sel.where)
	}
	return out, nil
}

// BucketRows implements source.Locator.
func (s *Source) BucketRows(ctx context.Context, req source.BucketRequest) ([]migration.RowImage, error) {
	lq, err := s.locateQuery(req, true)
	if err != nil {
		return nil, err
	}
	q, err := bucketRowsSQL(lq)
	if err != nil {
		return nil, err
	}
	out := []migration.RowImage{}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, q, lq.sel.args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r migration.RowImage
			if err := rows.Scan(&r.Key, &r.Row); err != nil {
				return err
			}
			out = append(out, r)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, whereError(fmt.Errorf("source bucket rows of %s.%s: %w", req.Source.Schema, req.Source.Table, utf8Error(mapError(err))), lq.sel.where)
	}
	return out, nil
}

// locateQuery is what the locate statements need.
type locateQuery struct {
	table    migration.TableRef
	cols     []migration.Column
	sel      selection
	keyIdx   []int
	keysOnly bool
	depth    int
	buckets  []string
	limit    int
}

func (s *Source) locateQuery(req source.BucketRequest, rows bool) (locateQuery, error) {
	if err := source.CheckBucketRequest(req, rows); err != nil {
		return locateQuery{}, err
	}
	sel, err := s.rowSelection(req.ExtractRequest)
	if err != nil {
		return locateQuery{}, err
	}
	return locateQuery{table: req.Source, cols: req.Columns, sel: sel, keyIdx: req.LocateKeyColumns(), keysOnly: req.KeysOnly,
		depth: req.Depth, buckets: req.Buckets, limit: req.Limit}, nil
}

// locateSource is the derived table y: h the key text's MD5 as lower-case hex, k the
// key text, r the row text (the key text again with keysOnly) and rh its MD5, over
// the selected rows, then the prefix filter.
func locateSource(q locateQuery, listing bool) (string, error) {
	key, err := rowTextSQL(q.sel.plans, q.cols, q.keyIdx)
	if err != nil {
		return "", err
	}
	row := key
	if !q.keysOnly {
		if row, err = rowTextSQL(q.sel.plans, q.cols, nil); err != nil {
			return "", err
		}
	}
	items := "LOWER(CONVERT(varchar(32), " + md5SQL(key) + ", 2)) AS h"
	if listing {
		items += ",\n  " + key + " AS k,\n  " + row + " AS r"
	} else {
		items += ",\n  " + md5SQL(row) + " AS rh"
	}
	return "(SELECT " + items + "\nFROM " + tableName(q.table) + "\nWHERE " + andWhere(q.sel.pred, q.sel.where) + ") y" + prefixFilter(q.buckets), nil
}

// prefixFilter keeps the rows whose key hash starts with one of the prefixes (hex,
// checked by source.CheckBucketRequest before they become literals).
func prefixFilter(prefixes []string) string {
	if len(prefixes) == 0 {
		return ""
	}
	byLen := map[int][]string{}
	for _, p := range prefixes {
		byLen[len(p)] = append(byLen[len(p)], "'"+p+"'")
	}
	lens := make([]int, 0, len(byLen))
	for n := range byLen {
		lens = append(lens, n)
	}
	sort.Ints(lens)
	terms := make([]string, len(lens))
	for i, n := range lens {
		sort.Strings(byLen[n])
		terms[i] = "LEFT(h, " + strconv.Itoa(n) + ") IN (" + strings.Join(byLen[n], ", ") + ")"
	}
	return "\nWHERE " + strings.Join(terms, " OR ")
}

// bucketChecksumsSQL returns (bucket, rows, Σ upper, Σ lower) per non-empty bucket in
// prefix order, the sums as text.
func bucketChecksumsSQL(q locateQuery) (string, error) {
	src, err := locateSource(q, false)
	if err != nil {
		return "", err
	}
	b := "LEFT(h, " + strconv.Itoa(q.depth) + ")"
	return "SELECT " + b + ", COUNT_BIG(*), " + sumOfHalf("rh", 1) + ", " + sumOfHalf("rh", 9) + "\nFROM " + src +
		"\nGROUP BY " + b + "\nORDER BY " + b, nil
}

// bucketRowsSQL lists (key text, row text) of the rows under the prefixes, at most
// limit of them, ordered by the key text's UTF-8 bytes (as Snowflake orders it).
func bucketRowsSQL(q locateQuery) (string, error) {
	src, err := locateSource(q, true)
	if err != nil {
		return "", err
	}
	return "SELECT TOP (" + strconv.Itoa(q.limit) + ") k, r\nFROM " + src + "\nORDER BY CAST(k COLLATE " + utf8Collation + " AS varchar(max))", nil
}
