package postgres

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

// Locating differing rows on the source (docs/checksums.md, "Locating differences"):
// the rows Extract would read, grouped into key-hash buckets, in the same read-only
// snapshot discipline as ChecksumPartition. The SQL comes from the dialect
// (LocateDialect): PostgreSQL's field texts use float8send and bit casts, which
// Redshift lacks, so Redshift refuses until its dialect supplies its own.

// BucketChecksums implements source.Locator.
func (s *Source) BucketChecksums(ctx context.Context, req source.BucketRequest) ([]migration.Bucket, error) {
	lq, err := s.locateQuery(req, false)
	if err != nil {
		return nil, err
	}
	q := lq.dialect.LocateSQL(lq, false)
	out := []migration.Bucket{}
	err = s.tx(ctx, func(conn *pgx.Conn) error {
		if err := lq.checkSession(conn); err != nil {
			return err
		}
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
		if err := rows.Err(); err != nil {
			return err
		}
		return lq.checkSession(conn)
	})
	if err != nil {
		return nil, whereError(fmt.Errorf("source bucket checksums: %w", err), lq.filter)
	}
	return out, nil
}

// BucketRows implements source.Locator.
func (s *Source) BucketRows(ctx context.Context, req source.BucketRequest) ([]migration.RowImage, error) {
	lq, err := s.locateQuery(req, true)
	if err != nil {
		return nil, err
	}
	q := lq.dialect.LocateSQL(lq, true)
	out := []migration.RowImage{}
	err = s.tx(ctx, func(conn *pgx.Conn) error {
		if err := lq.checkSession(conn); err != nil {
			return err
		}
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
		if err := rows.Err(); err != nil {
			return err
		}
		return lq.checkSession(conn)
	})
	if err != nil {
		return nil, whereError(fmt.Errorf("source bucket rows: %w", err), lq.filter)
	}
	return out, nil
}

// LocateDialect is implemented by the dialects of this runtime that can locate
// differing rows: PostgreSQL here; Redshift supplies its own SQL (no float8send or
// bit casts there) by implementing it on its dialect. LocateSQL returns the bucket
// checksums query (rows false) or the bucket rows query (rows true) of
// docs/checksums.md, "Locating differences", for q (prefixes already checked hex).
type LocateDialect interface {
	LocateSQL(q LocateQuery, rows bool) string
}

// LocateSQL implements LocateDialect for PostgreSQL.
func (d PG) LocateSQL(q LocateQuery, rows bool) string {
	if rows {
		return d.BucketRowsSQL(q)
	}
	return d.BucketChecksumsSQL(q)
}

// LocateQuery is what the locate SQL builders need: the rows (table, column plans,
// partition keys and range, filter with the window) and the bucketing.
type LocateQuery struct {
	dialect  LocateDialect
	filter   string // the table's whereClauseCriteria, quoted in error messages
	Table    migration.TableRef
	Plans    []source.ColumnPlan
	Columns  []migration.Column
	Keys     []source.KeyColumn // partition keys (the range)
	Range    migration.Partition
	Where    string // filter and watermark window
	KeyIdx   []int  // the key text's columns
	KeysOnly bool
	Depth    int
	Buckets  []string
	Limit    int
}

// checkSession checks, for PostgreSQL's own SQL, the session setting its field texts
// rely on (checkDateStyle); another dialect's SQL (Redshift) does not rely on it.
func (q LocateQuery) checkSession(conn *pgx.Conn) error {
	if _, ok := q.dialect.(PG); !ok {
		return nil
	}
	return checkDateStyle(conn)
}

func (s *Source) locateQuery(req source.BucketRequest, rows bool) (LocateQuery, error) {
	ld, ok := s.Dialect.(LocateDialect)
	if !ok {
		return LocateQuery{}, fmt.Errorf("%w: locating differing rows is not implemented for %s yet", source.ErrConfig, s.Dialect.Platform())
	}
	if err := source.CheckBucketRequest(req, rows); err != nil {
		return LocateQuery{}, err
	}
	plans := make([]source.ColumnPlan, len(req.Columns))
	for i, c := range req.Columns {
		p, err := s.Dialect.PlanColumn(c)
		if err != nil {
			return LocateQuery{}, fmt.Errorf("%w: %v", source.ErrConfig, err)
		}
		plans[i] = p
	}
	keys, err := source.KeyColumns(req.Columns, req.PartitionBy)
	if err != nil {
		return LocateQuery{}, err
	}
	filter := source.Where(req.Table)
	if err := source.CheckWhere(filter); err != nil {
		return LocateQuery{}, err
	}
	w, err := s.windowWhere(filter, req.Columns, req.Window)
	if err != nil {
		return LocateQuery{}, err
	}
	return LocateQuery{
		dialect: ld, filter: filter, Table: req.Source, Plans: plans, Columns: req.Columns, Keys: keys, Range: req.Partition, Where: w,
		KeyIdx: req.LocateKeyColumns(), KeysOnly: req.KeysOnly, Depth: req.Depth, Buckets: req.Buckets, Limit: req.Limit,
	}, nil
}

// locateSource is the derived table (h = md5 of the key text, k = key text, r = row
// text or the key text again with KeysOnly, rh = the bits of the md5 of r, as
// ChecksumSQL sums them) over the range, filtered by prefixes.
func (b Builder) locateSource(q LocateQuery) string {
	fields, from := b.checksumRows(q.Table, q.Plans, q.Columns, q.Keys, q.Range, q.Where)
	keyFields := make([][]string, len(q.KeyIdx))
	for i, k := range q.KeyIdx {
		keyFields[i] = fields[k]
	}
	row := "k"
	inner := "SELECT " + joinFields(keyFields) + " AS k"
	if !q.KeysOnly {
		inner += ",\n  " + joinFields(fields) + " AS r"
		row = "r"
	}
	inner += "\n" + from
	// rh (the row hash) is computed once per row; PostgreSQL drops it from a listing,
	// which does not use it (unused subquery outputs are removed).
	// OFFSET 0 keeps y from being flattened into the query above, which would evaluate
	// md5 once per reference to h and rh (up to five per row) instead of once.
	return "(SELECT md5(k) AS h, k, " + row + " AS r, " + digestBits("md5("+row+")") + " AS rh\nFROM (" + inner + ") x\nOFFSET 0) y" + locatePrefixFilter(q.Buckets)
}

// locatePrefixFilter keeps rows whose key hash starts with one of the prefixes (hex
// checked by source.CheckBucketRequest before they become literals).
func locatePrefixFilter(prefixes []string) string {
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
// prefix order, the sums as text, over the md5 of the row text (key text with
// KeysOnly).
func (b Builder) BucketChecksumsSQL(q LocateQuery) string {
	d := strconv.Itoa(q.Depth)
	return "SELECT left(h, " + d + ") AS b, count(*), " + digestSums("rh") + "\nFROM " + b.locateSource(q) +
		"\nGROUP BY left(h, " + d + ")\nORDER BY left(h, " + d + ") COLLATE \"C\""
}

// BucketRowsSQL lists (key text, row text) of the rows under the prefixes, ordered by
// key text in byte order, at most q.Limit rows.
func (b Builder) BucketRowsSQL(q LocateQuery) string {
	return "SELECT k, r\nFROM " + b.locateSource(q) + "\nORDER BY k COLLATE \"C\"\nLIMIT " + strconv.Itoa(q.Limit)
}
