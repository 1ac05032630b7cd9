package redshift

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/snowmigrate/snowmigrate/checksum"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
)

var (
	_ source.Checksummer    = (*Source)(nil)
	_ source.SQLChecksummer = (*Source)(nil)
)

// ChecksumPartitionSQL is ChecksumPartition: Redshift's checksum is always computed in
// SQL. It overrides the embedded PostgreSQL source's, whose SQL Redshift lacks.
func (s *Source) ChecksumPartitionSQL(ctx context.Context, req source.ExtractRequest) (string, int64, error) {
	return s.ChecksumPartition(ctx, req)
}

// ChecksumPartition computes the partition checksum of docs/checksums.md in SQL on
// Redshift, over the rows Extract would read (same SELECT expressions, partition range
// and filter, in one read-only transaction): equal to the checksum Extract returns.
// Redshift has neither float8send nor bit strings, so the MD5's hex digits are read
// with STRTOL 8 at a time (a 32-bit piece always fits BIGINT) and floats are split
// into m·2^k with LN and POWER (exact: powers of two and the comparisons that correct
// the logarithm's rounding are exact in double precision).
func (s *Source) ChecksumPartition(ctx context.Context, req source.ExtractRequest) (string, int64, error) {
	q, err := s.checksumQuery(req)
	if err != nil {
		return "", 0, err
	}
	var (
		rows   int64
		up, lo string
	)
	if err := s.readOnly(ctx, func(conn *pgx.Conn) error { return conn.QueryRow(ctx, q).Scan(&rows, &up, &lo) }); err != nil {
		return "", 0, fmt.Errorf("source checksum of %s.%s partition %d: %w", req.Source.Schema, req.Source.Table, req.Partition.Number, err)
	}
	sum, err := checksum.FromParts(rows, up, lo)
	if err != nil {
		return "", 0, err
	}
	return sum.String(), rows, nil
}

// rowQuery is what selects a request's rows: the column plans, the key columns and
// the WHERE condition (partition range and filter).
type rowQuery struct {
	plans []source.ColumnPlan
	keys  []source.KeyColumn
	cond  string
}

func (s *Source) rows(req source.ExtractRequest) (rowQuery, error) {
	var rq rowQuery
	if req.Window != nil {
		return rq, fmt.Errorf("%w: the Redshift checksum does not take a watermark window", source.ErrConfig)
	}
	d := NewDialect()
	rq.plans = make([]source.ColumnPlan, len(req.Columns))
	for i, c := range req.Columns {
		p, err := d.PlanColumn(c)
		if err != nil {
			return rq, fmt.Errorf("%w: %v", source.ErrConfig, err)
		}
		rq.plans[i] = p
	}
	keys, err := source.KeyColumns(req.Columns, req.PartitionBy)
	if err != nil {
		return rq, err
	}
	rq.keys = keys
	w := source.Where(req.Table)
	if err := source.CheckWhere(w); err != nil {
		return rq, err
	}
	rq.cond = d.PartitionPredicate(keys, req.Partition)
	if w != "" {
		rq.cond += " AND (" + w + ")"
	}
	return rq, nil
}

func (s *Source) checksumQuery(req source.ExtractRequest) (string, error) {
	rq, err := s.rows(req)
	if err != nil {
		return "", err
	}
	return NewDialect().ChecksumSQL(req.Source, rq.plans, req.Columns, rq.cond), nil
}

// readOnly runs fn in a read-only transaction on a session set up as extraction sets
// it up (UTC, ISO dates).
func (s *Source) readOnly(ctx context.Context, fn func(conn *pgx.Conn) error) error {
	c, err := s.Pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("connect to the source: %w", err)
	}
	defer c.Release()
	conn := c.Conn()
	d := NewDialect()
	if _, err := conn.Exec(ctx, d.SessionSQL()); err != nil {
		return fmt.Errorf("prepare source session: %w", err)
	}
	if _, err := conn.Exec(ctx, d.BeginSQL()); err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	err = fn(conn)
	if conn.IsClosed() {
		return err
	}
	// read-only: ending the transaction cannot lose work
	ectx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if _, e := conn.Exec(ectx, "ROLLBACK"); e != nil && err == nil {
		err = fmt.Errorf("rollback: %w", e)
	}
	return err
}

// ChecksumSQL returns (row count, Σ upper 64 bits, Σ lower 64 bits) of the MD5 of
// every row text of the rows matching cond, the sums as text; cols are the
// migration's columns, parallel to plans (their source types decide CHAR padding).
func (d Dialect) ChecksumSQL(t migration.TableRef, plans []source.ColumnPlan, cols []migration.Column, cond string) string {
	return "SELECT count(*), COALESCE(sum(" + halfSQL("h", 1) + "), 0)::varchar(40), COALESCE(sum(" + halfSQL("h", 17) + "), 0)::varchar(40)\nFROM (SELECT md5(" +
		d.rowText(plans, cols, nil) + ") AS h\nFROM " + d.Table(t) + "\nWHERE " + cond + ") x"
}

// halfSQL is the hex digits from..from+15 of h as an unsigned 64-bit integer: two
// 32-bit pieces through STRTOL (16 digits at once would overflow BIGINT).
func halfSQL(h string, from int) string {
	return fmt.Sprintf("strtol(substring(%s, %d, 8), 16)::decimal(38,0) * 4294967296 + strtol(substring(%s, %d, 8), 16)", h, from, h, from+8)
}

// rowText joins the canonical fields of the columns idx (every column when nil).
func (d Dialect) rowText(plans []source.ColumnPlan, cols []migration.Column, idx []int) string {
	if idx == nil {
		idx = make([]int, len(plans))
		for i := range idx {
			idx[i] = i
		}
	}
	fields := make([]string, len(idx))
	for n, i := range idx {
		fields[n] = d.checksumField(plans[i], cols[i])
	}
	return strings.Join(fields, "\n  || '|' || ")
}

// checksumField is one column's field from the extraction's SELECT expression: \N for
// NULL, else the canonical text of the value as the extractor writes it.
func (d Dialect) checksumField(pl source.ColumnPlan, c migration.Column) string {
	e := "(" + pl.Expr + ")"
	var text string
	switch pl.Out {
	case source.OutInt32, source.OutInt64:
		text = e + "::varchar(40)"
	case source.OutDecimal64, source.OutDecimal128:
		// a cast to a smaller scale rounds half away from zero, as the extractor does;
		// the text has exactly the scale's digits
		text = fmt.Sprintf("%s::decimal(38,%d)::varchar(50)", e, pl.Scale)
	case source.OutFloat, source.OutDouble:
		text = floatText(e + "::float8")
	case source.OutBool:
		text = "CASE WHEN " + e + " THEN 'true' ELSE 'false' END"
	case source.OutString:
		if pl.Target == source.TargetSemi {
			text = "'J'"
			break
		}
		s := e + "::varchar(65535)"
		if st := source.ParseType(c.SourceType); pl.Wire == source.WireText && st.Base == "character" && len(st.Mods) == 1 && st.Mods[0] > 0 {
			// the cast drops the blank padding the extractor reads (a CHAR value comes
			// back padded to its length): pad it back
			s = fmt.Sprintf("rpad(%s, %d)", s, st.Mods[0])
		}
		text = "replace(replace(" + s + ", " + backslash + ", " + backslash + " || " + backslash + "), '|', " + backslash + " || '|')"
	case source.OutBinary:
		if pl.Wire == source.WireHexText {
			text = "upper(" + e + ")"
		} else {
			text = "upper(to_hex(" + e + "))"
		}
	case source.OutDate:
		text = "to_char(" + e + ", 'YYYY-MM-DD')"
	case source.OutTime:
		// TO_CHAR takes a timestamp: the time on any day
		text = "to_char('2000-01-01'::date + " + e + ", 'HH24:MI:SS.US')"
	case source.OutTimestampNTZ:
		text = "to_char(" + e + ", 'YYYY-MM-DD HH24:MI:SS.US')"
	case source.OutTimestampTZ:
		text = "to_char(" + e + " AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"
	default:
		text = "NULL"
	}
	return "CASE WHEN " + e + " IS NULL THEN " + backslash + " || 'N' ELSE " + text + " END"
}

// backslash is written chr(92): whether a backslash in a '…' literal escapes depends on
// the server (Redshift: it does; a PostgreSQL with standard_conforming_strings: it does
// not), a function call means the same everywhere.
const backslash = "chr(92)"

// floatText is m·2^k of x: the exponent from LN, corrected by exact comparisons with
// powers of two (LN's rounding can be off by one near a power), clamped to the
// double's range; m = |x| / 2^k is an exact integer below 2^53. Specials and zero by
// comparison.
func floatText(x string) string {
	a := "abs(" + x + ")"
	e1 := "least(greatest(floor(ln(" + a + ") / ln(2::float8))::int, -1074), 1023)"
	// CASE evaluates in order: 2^1024 (an overflow) is never computed
	e := "(CASE WHEN power(2::float8, " + e1 + ") > " + a + " THEN " + e1 + " - 1 WHEN " + e1 + " = 1023 THEN 1023 WHEN power(2::float8, " + e1 + " + 1) <= " + a + " THEN " + e1 + " + 1 ELSE " + e1 + " END)"
	k := "greatest(" + e + " - 52, -1074)"
	m := "(" + a + " / power(2::float8, " + k + "))::bigint"
	return "CASE WHEN " + x + " = 'NaN'::float8 THEN 'NaN' WHEN " + x + " = 'Infinity'::float8 THEN 'inf' WHEN " + x + " = '-Infinity'::float8 THEN '-inf' WHEN " + x + " = 0 THEN '0' " +
		"ELSE CASE WHEN " + x + " < 0 THEN '-' ELSE '' END || " + m + "::varchar(20) || 'p' || " + k + "::varchar(10) END"
}
