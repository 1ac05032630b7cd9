package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/snowmigrate/snowmigrate/checksum"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
)

// Validation level 2 (docs/validation.md): per-column metrics computed over the values
// as the target holds them, i.e. over the extraction's own SELECT expression of each
// column, normalized as the checksum normalizes it (numbers at the target scale,
// instants in UTC, text with char(n) padding kept). snowflake.ProfileColumnsSQL
// computes the same cells on the target.

var _ source.Profiler = (*Source)(nil)

// metricCells is the number of result cells per profiled column: count, nulls,
// distinct, min, max, sum, avg, stddev (all as text).
const metricCells = 8

// builderOf returns the dialect's SQL builder: PostgreSQL's and Redshift's dialects
// both embed Builder.
func builderOf(d Dialect) (Builder, bool) {
	b, ok := d.(interface{ sqlBuilder() Builder })
	if !ok {
		return Builder{}, false
	}
	return b.sqlBuilder(), true
}

func (b Builder) sqlBuilder() Builder { return b }

// ProfileColumns implements source.Profiler: one scan of the rows passing the table's
// filter, in the dialect's read-only snapshot.
func (s *Source) ProfileColumns(ctx context.Context, req source.ProfileRequest) ([]source.ColumnMetrics, error) {
	b, ok := builderOf(s.Dialect)
	if !ok {
		return nil, fmt.Errorf("%w: column metrics are not supported for %s", source.ErrConfig, s.Dialect.Platform())
	}
	if len(req.Columns) == 0 {
		return nil, fmt.Errorf("%w: no columns to profile", source.ErrConfig)
	}
	plans := make([]source.ColumnPlan, len(req.Columns))
	for i, c := range req.Columns {
		p, err := s.Dialect.PlanColumn(c)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", source.ErrConfig, err)
		}
		plans[i] = p
	}
	where := source.Where(req.Table)
	if err := source.CheckWhere(where); err != nil {
		return nil, err
	}
	q := b.ProfileSQL(req.Source, plans, req.Columns, where)
	cells := make([]*string, metricCells*len(plans))
	dest := make([]any, len(cells))
	for i := range cells {
		dest[i] = &cells[i]
	}
	err := s.tx(ctx, func(conn *pgx.Conn) error {
		return conn.QueryRow(ctx, q).Scan(dest...)
	})
	if err != nil {
		return nil, whereError(fmt.Errorf("source column metrics: %w", err), where)
	}
	out := make([]source.ColumnMetrics, len(plans))
	for i, c := range req.Columns {
		m, err := metricsFromCells(c, cells[i*metricCells:(i+1)*metricCells])
		if err != nil {
			return nil, err
		}
		out[i] = m
	}
	return out, nil
}

// metricsFromCells reads one column's eight text cells.
func metricsFromCells(c migration.Column, cells []*string) (source.ColumnMetrics, error) {
	m := source.ColumnMetrics{Column: c.TargetName, Kind: source.MetricKind(c.TargetType)}
	ints := []*int64{&m.Count, &m.Nulls}
	for i, p := range ints {
		if cells[i] == nil {
			continue
		}
		n, err := strconv.ParseInt(*cells[i], 10, 64)
		if err != nil {
			return m, fmt.Errorf("column %s: metric cell %d %q is not an integer: %w", c.SourceName, i, *cells[i], err)
		}
		*p = n
	}
	if cells[2] != nil {
		n, err := strconv.ParseInt(*cells[2], 10, 64)
		if err != nil {
			return m, fmt.Errorf("column %s: distinct count %q is not an integer: %w", c.SourceName, *cells[2], err)
		}
		m.Distinct = &n
	}
	m.Min, m.Max, m.Sum, m.Avg, m.Stddev = cells[3], cells[4], cells[5], cells[6], cells[7]
	return m, nil
}

// ProfileSQL returns one row of len(plans)*8 text cells: for each column count,
// nulls, distinct, min, max, sum, avg, stddev (NULL where the kind has no such
// metric). cols are the migration's columns, parallel to plans.
func (b Builder) ProfileSQL(t migration.TableRef, plans []source.ColumnPlan, cols []migration.Column, w string) string {
	parts := make([]string, 0, metricCells*len(plans))
	for i, pl := range plans {
		parts = append(parts, b.profileCells(pl, cols[i])...)
	}
	return "SELECT " + strings.Join(parts, ",\n  ") + "\nFROM " + b.Table(t) + "\nWHERE " + where(w)
}

// profileCells are one column's eight cells (docs/validation.md, "What is compared").
func (b Builder) profileCells(pl source.ColumnPlan, c migration.Column) []string {
	e := "(" + pl.Expr + ")"
	const none = "NULL::text"
	count := "count(" + e + ")::text"
	nulls := "(count(*) - count(" + e + "))::text"
	agg := func(fn, v string) string { return fn + "(" + v + ")::text" }
	distinct := func(v string) string { return "count(DISTINCT " + v + ")::text" }
	stats := func(v string) []string {
		return []string{agg("min", v), agg("max", v), agg("sum", v), agg("avg", v), agg("stddev_samp", v)}
	}
	var rest []string
	switch source.MetricKind(c.TargetType) {
	case source.MetricNumber:
		v := e + "::numeric"
		if pl.Out == source.OutDecimal64 || pl.Out == source.OutDecimal128 {
			v = fmt.Sprintf("round(%s::numeric, %d)", e, pl.Scale) // the target's scale, rounded as the extractor rounds
		}
		rest = append([]string{distinct(v)}, stats(v)...)
	case source.MetricFloat:
		// real travels as float and Snowflake holds the double. No sum, avg or
		// stddev: float sums overflow (1e300 squared) and depend on the order of
		// the rows; level 3 compares floats bit for bit.
		v := e + "::float8"
		rest = []string{distinct(v), agg("min", v), agg("max", v), none, none, none}
	case source.MetricText:
		s := e + "::text"
		if st := source.ParseType(c.SourceType); pl.Wire == source.WireText && st.Base == "character" {
			// char(n) keeps its blank padding, as the extractor writes it: the cast to
			// text drops it, rpad puts it back (PostgreSQL and Redshift alike; NULL
			// stays NULL). A bpchar without a length keeps what it holds (format,
			// which turns NULL into '', hence the CASE).
			if st.HasMods {
				s = fmt.Sprintf("rpad(%s::varchar, %d)", e, st.Mod(0, 1))
			} else if !b.BackslashEscapes {
				s = "CASE WHEN " + e + " IS NULL THEN NULL ELSE format('%s', " + e + ") END"
			}
		}
		rest = append([]string{distinct(s)}, stats("char_length("+s+")")...)
	case source.MetricBinary:
		l := "octet_length(" + e + ")"
		if pl.Wire == source.WireHexText {
			l = "(length(" + e + ") / 2)"
		}
		rest = append([]string{distinct(e)}, stats(l)...)
	case source.MetricTemporal:
		fmtOf := func(v string) string {
			switch pl.Out {
			case source.OutDate:
				return "to_char(" + v + ", 'YYYY-MM-DD')"
			case source.OutTime:
				return "to_char(" + v + ", 'HH24:MI:SS.US')"
			case source.OutTimestampTZ:
				return "to_char(" + v + " AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"
			}
			return "to_char(" + v + ", 'YYYY-MM-DD HH24:MI:SS.US')"
		}
		rest = []string{distinct(e), fmtOf("min(" + e + ")"), fmtOf("max(" + e + ")"), none, none, none}
	case source.MetricBoolean:
		rest = []string{distinct(e), none, none, "sum(CASE WHEN " + e + " THEN 1 ELSE 0 END)::text", none, none}
	default:
		rest = []string{none, none, none, none, none, none}
	}
	return append([]string{count, nulls}, rest...)
}

// PartitionSQL implements source.Profiler: the partition's rows in key order, with
// the extraction's expressions named by their target columns.
func (s *Source) PartitionSQL(req source.ExtractRequest) (string, error) {
	b, ok := builderOf(s.Dialect)
	if !ok {
		return "", fmt.Errorf("%w: no partition SQL for %s", source.ErrConfig, s.Dialect.Platform())
	}
	keys, err := source.KeyColumns(req.Columns, req.PartitionBy)
	if err != nil {
		return "", err
	}
	cols := make([]string, len(req.Columns))
	for i, c := range req.Columns {
		cols[i] = b.QuoteIdent(c.SourceName)
	}
	order := make([]string, len(keys))
	for i, k := range keys {
		order[i] = b.keyExpr(k)
	}
	return "SELECT " + strings.Join(cols, ", ") + " FROM " + b.Table(req.Source) + " WHERE " + b.PartitionPredicate(keys, req.Partition) +
		" AND " + where(source.Where(req.Table)) + " ORDER BY " + strings.Join(order, ", "), nil
}

// RowSQL implements source.Profiler: the rows whose key columns hold the key's
// canonical values (NULL fields as IS NULL), within the table's filter. Values are
// literals escaped by the dialect, cast to the column's type as partition bounds are.
func (s *Source) RowSQL(req source.ExtractRequest, keyColumns []int, key string) (string, error) {
	b, ok := builderOf(s.Dialect)
	if !ok {
		return "", fmt.Errorf("%w: no row SQL for %s", source.ErrConfig, s.Dialect.Platform())
	}
	fields, nulls, err := checksum.SplitFields(key)
	if err != nil {
		return "", fmt.Errorf("%w: key %q: %v", source.ErrConfig, key, err)
	}
	if len(fields) != len(keyColumns) || len(keyColumns) == 0 {
		return "", fmt.Errorf("%w: key %q has %d fields for %d key columns", source.ErrConfig, key, len(fields), len(keyColumns))
	}
	keys, err := source.KeyColumns(req.Columns, keyColumns)
	if err != nil {
		return "", err
	}
	conds := make([]string, len(keys))
	for i, k := range keys {
		if nulls[i] {
			conds[i] = b.QuoteIdent(k.Name) + " IS NULL"
			continue
		}
		conds[i] = b.keyExpr(k) + " = " + b.literal(k, fields[i])
	}
	cols := make([]string, len(req.Columns))
	for i, c := range req.Columns {
		cols[i] = b.QuoteIdent(c.SourceName)
	}
	return "SELECT " + strings.Join(cols, ", ") + " FROM " + b.Table(req.Source) + " WHERE " + strings.Join(conds, " AND ") +
		" AND " + where(source.Where(req.Table)), nil
}
