package redshift

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/snowmigrate/snowmigrate/checksum"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
)

var _ source.Locator = (*Source)(nil)

// Locating differing rows on Redshift (docs/checksums.md, "Locating differences"): the
// rows Extract would read, grouped into buckets by the first hex digits of the MD5 of
// their key text, with the field texts of ChecksumPartition.

// BucketChecksums implements source.Locator.
func (s *Source) BucketChecksums(ctx context.Context, req source.BucketRequest) ([]migration.Bucket, error) {
	q, err := s.locateSQL(req, false)
	if err != nil {
		return nil, err
	}
	out := []migration.Bucket{}
	err = s.readOnly(ctx, func(conn *pgx.Conn) error {
		rows, err := conn.Query(ctx, q)
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
		return nil, fmt.Errorf("source bucket checksums of %s.%s: %w", req.Source.Schema, req.Source.Table, err)
	}
	return out, nil
}

// BucketRows implements source.Locator.
func (s *Source) BucketRows(ctx context.Context, req source.BucketRequest) ([]migration.RowImage, error) {
	q, err := s.locateSQL(req, true)
	if err != nil {
		return nil, err
	}
	out := []migration.RowImage{}
	err = s.readOnly(ctx, func(conn *pgx.Conn) error {
		rows, err := conn.Query(ctx, q)
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
		return nil, fmt.Errorf("source bucket rows of %s.%s: %w", req.Source.Schema, req.Source.Table, err)
	}
	// Redshift orders text by its collation; the listing is in byte order, as
	// Snowflake's (the LIMIT applies to the database's order: equal for ASCII keys)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

func (s *Source) locateSQL(req source.BucketRequest, listing bool) (string, error) {
	if err := source.CheckBucketRequest(req, listing); err != nil {
		return "", err
	}
	rq, err := s.rows(req.ExtractRequest)
	if err != nil {
		return "", err
	}
	d := NewDialect()
	if listing {
		return d.BucketRowsSQL(req.Source, rq.plans, req.Columns, rq.cond, req.LocateKeyColumns(), req.KeysOnly, req.Buckets, req.Limit), nil
	}
	return d.BucketChecksumsSQL(req.Source, rq.plans, req.Columns, rq.cond, req.LocateKeyColumns(), req.KeysOnly, req.Depth, req.Buckets), nil
}

// locateSource is the derived table y (h = md5 of the key text, k = key text, r = row
// text, or the key text again with keysOnly, rh = md5 of r) over the rows matching cond, then the
// prefix filter (prefixes are hex, checked before they become literals).
func (d Dialect) locateSource(t migration.TableRef, plans []source.ColumnPlan, cols []migration.Column, cond string, keyIdx []int, keysOnly bool, prefixes []string) string {
	key := d.rowText(plans, cols, keyIdx)
	row := key
	if !keysOnly {
		row = d.rowText(plans, cols, nil)
	}
	return "(SELECT md5(k) AS h, k, r, md5(r) AS rh FROM (SELECT " + key + " AS k,\n  " + row + " AS r\nFROM " + d.Table(t) + "\nWHERE " + cond + ") x) y" + prefixFilter(prefixes)
}

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
		terms[i] = "left(h, " + strconv.Itoa(n) + ") IN (" + strings.Join(byLen[n], ", ") + ")"
	}
	return "\nWHERE " + strings.Join(terms, " OR ")
}

// BucketChecksumsSQL returns (bucket, rows, Σ upper, Σ lower) per non-empty bucket in
// prefix order, the sums as text.
func (d Dialect) BucketChecksumsSQL(t migration.TableRef, plans []source.ColumnPlan, cols []migration.Column, cond string, keyIdx []int, keysOnly bool, depth int, prefixes []string) string {
	b := "left(h, " + strconv.Itoa(depth) + ")"
	return "SELECT " + b + ", count(*), sum(" + halfSQL("rh", 1) + ")::varchar(40), sum(" + halfSQL("rh", 17) + ")::varchar(40)\nFROM " +
		d.locateSource(t, plans, cols, cond, keyIdx, keysOnly, prefixes) + "\nGROUP BY 1\nORDER BY 1"
}

// BucketRowsSQL lists (key text, row text) of the rows under the prefixes, at most
// limit of them, by key text.
func (d Dialect) BucketRowsSQL(t migration.TableRef, plans []source.ColumnPlan, cols []migration.Column, cond string, keyIdx []int, keysOnly bool, prefixes []string, limit int) string {
	return "SELECT k, r\nFROM " + d.locateSource(t, plans, cols, cond, keyIdx, keysOnly, prefixes) + "\nORDER BY k\nLIMIT " + strconv.Itoa(limit)
}
