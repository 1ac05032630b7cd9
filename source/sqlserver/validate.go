package sqlserver

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/snowmigrate/snowmigrate/checksum"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
)

// Validation (docs/validation.md): level 2's column metrics in T-SQL over the values
// as the target holds them (the extraction's expressions, decimals at the target
// scale, temporal values as their canonical text, text lengths in characters), and the
// statements that show a partition's or a row's source rows.

var _ source.Profiler = (*Source)(nil)

// ProfileColumns implements source.Profiler: one scan of the rows passing the table's
// filter.
func (s *Source) ProfileColumns(ctx context.Context, req source.ProfileRequest) ([]source.ColumnMetrics, error) {
	if len(req.Columns) == 0 {
		return nil, fmt.Errorf("%w: no columns to profile", source.ErrConfig)
	}
	plans, err := planColumns(req.Columns)
	if err != nil {
		return nil, err
	}
	where, err := checkWhere(req.Table)
	if err != nil {
		return nil, err
	}
	q, err := profileSQL(req.Source, plans, req.Columns, where)
	if err != nil {
		return nil, err
	}
	cells := make([]sql.NullString, 8*len(plans))
	dest := make([]any, len(cells))
	for i := range cells {
		dest[i] = &cells[i]
	}
	err = s.tx(ctx, func(tx *sql.Tx) error { return tx.QueryRowContext(ctx, q).Scan(dest...) })
	if err != nil {
		return nil, whereError(fmt.Errorf("source column metrics: %w", mapError(err)), where)
	}
	out := make([]source.ColumnMetrics, len(plans))
	for i, c := range req.Columns {
		m := source.ColumnMetrics{Column: c.TargetName, Kind: source.MetricKind(c.TargetType)}
		cs := cells[8*i : 8*i+8]
		for j, dst := range []*int64{&m.Count, &m.Nulls} {
			if cs[j].Valid {
				if *dst, err = strconv.ParseInt(cs[j].String, 10, 64); err != nil {
					return nil, fmt.Errorf("column %s: metric %q is not an integer: %w", c.SourceName, cs[j].String, err)
				}
			}
		}
		if cs[2].Valid {
			n, err := strconv.ParseInt(cs[2].String, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("column %s: distinct count %q is not an integer: %w", c.SourceName, cs[2].String, err)
			}
			m.Distinct = &n
		}
		opt := func(v sql.NullString) *string {
			if !v.Valid {
				return nil
			}
			return &v.String
		}
		m.Min, m.Max, m.Sum, m.Avg, m.Stddev = opt(cs[3]), opt(cs[4]), opt(cs[5]), opt(cs[6]), opt(cs[7])
		out[i] = m
	}
	return out, nil
}

// profileSQL returns one row of 8 cells per column (count, nulls, distinct, min,
// max, sum, avg, stddev; NULL where the kind has no such metric).
func profileSQL(t migration.TableRef, plans []colPlan, cols []migration.Column, where string) (string, error) {
	parts := make([]string, 0, 8*len(plans))
	for i, p := range plans {
		cells, err := profileCells(p, cols[i])
		if err != nil {
			return "", err
		}
		parts = append(parts, cells...)
	}
	w := "1 = 1"
	if where != "" {
		w = "(" + where + ")"
	}
	return "SELECT " + strings.Join(parts, ",\n  ") + "\nFROM " + tableName(t) + "\nWHERE " + w, nil
}

func profileCells(p colPlan, c migration.Column) ([]string, error) {
	e := "(" + p.Expr + ")"
	// Numbers stay numbers: the driver hands decimals over as their exact text and
	// floats as float64, which database/sql writes as the shortest text that reads
	// back the same double (a T-SQL conversion of a float to text keeps 6 digits, or
	// needs style 3).
	const none = "CAST(NULL AS varchar(1))"
	count := "COUNT_BIG(" + e + ")"
	nulls := "COUNT_BIG(*) - COUNT_BIG(" + e + ")"
	distinct := func(v string) string { return "COUNT_BIG(DISTINCT " + v + ")" }
	stats := func(v string) []string {
		// AVG of an integer is an integer in T-SQL: 1.0 * makes it a decimal mean.
		return []string{"MIN(" + v + ")", "MAX(" + v + ")", "SUM(" + v + ")", "AVG(1.0 * " + v + ")", "STDEV(" + v + ")"}
	}
	var rest []string
	switch source.MetricKind(c.TargetType) {
	case source.MetricNumber:
		v := "CAST(" + e + " AS decimal(38,0))"
		if p.Read == readDecimal {
			v = fmt.Sprintf("CAST(%s AS decimal(%d,%d))", e, p.Precision, p.Scale) // the target's scale, as the extractor writes it
		}
		rest = append([]string{distinct(v)}, stats(v)...)
	case source.MetricFloat:
		v := "CAST(" + e + " AS float)"
		rest = []string{distinct(v), "MIN(" + v + ")", "MAX(" + v + ")", none, none, none}
	case source.MetricText:
		if p.Read != readString {
			// temporal values or others travelling as text: the canonical text's length
			f, err := checksumField(p, c)
			if err != nil {
				return nil, err
			}
			e = "NULLIF(" + f + ", N'\\N')"
		}
		s := "CAST(" + e + " AS nvarchar(max))"
		// LEN ignores trailing blanks: measure with a terminator. Compared exactly
		// (as Snowflake compares), not as SQL Server does ('a' = 'a ').
		l := "(LEN(" + s + " + N'x') - 1)" // bigint (a (max) type): sums do not overflow int
		rest = append([]string{distinct(textOrder(s))}, stats(l)...)
	case source.MetricBinary:
		// Bytes: half the length of the hex text (style 2, as the checksum writes
		// binary). DATALENGTH would do on SQL Server; the local one fails it on
		// varbinary.
		hex := "CONVERT(varchar(max), " + e + ", 2)"
		l := "(LEN(" + hex + ") / 2)" // LEN of a (max) type is bigint: sums do not overflow int
		rest = append([]string{distinct(hex + " COLLATE " + binCollation)}, stats(l)...)
	case source.MetricTemporal:
		minMax := func(agg string) (string, error) {
			q := p
			q.Expr = agg + "(" + e + ")"
			f, err := checksumField(q, c)
			if err != nil {
				return "", err
			}
			return "CAST(NULLIF(" + f + ", N'\\N') AS varchar(100))", nil
		}
		lo, err := minMax("MIN")
		if err != nil {
			return nil, err
		}
		hi, err := minMax("MAX")
		if err != nil {
			return nil, err
		}
		rest = []string{distinct(e), lo, hi, none, none, none}
	case source.MetricBoolean:
		rest = []string{distinct(e), none, none, "SUM(CASE WHEN " + e + " = 1 THEN 1 ELSE 0 END)", none, none}
	default:
		rest = []string{none, none, none, none, none, none}
	}
	return append([]string{count, nulls}, rest...), nil
}

// nLiteral writes a canonical text as an N'…' literal: quotes doubled (T-SQL has no
// backslash escapes); a NUL, which a literal cannot hold, as NCHAR(0).
func nLiteral(s string) string {
	parts := strings.Split(s, "\x00")
	for i, p := range parts {
		parts[i] = "N'" + strings.ReplaceAll(p, "'", "''") + "'"
	}
	return strings.Join(parts, " + NCHAR(0) + ")
}

// inline replaces the parameters @p1… of a predicate with literals of their texts.
// Only parameters outside bracket-quoted names and string literals are replaced: a
// column named [x@p1] stays a name (replacing inside it would paste a bound into the
// identifier, and a bound holding ']' would end it).
func inline(pred string, args []any) (string, error) {
	var b strings.Builder
	for i := 0; i < len(pred); {
		switch c := pred[i]; {
		case c == '[' || c == '\'':
			end := byte(']')
			if c == '\'' {
				end = '\''
			}
			j := i + 1
			for j < len(pred) {
				if pred[j] == end {
					if j+1 < len(pred) && pred[j+1] == end { // ]] or '' inside
						j += 2
						continue
					}
					break
				}
				j++
			}
			if j >= len(pred) {
				return "", fmt.Errorf("unterminated %c in the partition predicate", c)
			}
			b.WriteString(pred[i : j+1])
			i = j + 1
		case c == '@' && strings.HasPrefix(pred[i:], "@p") && i+2 < len(pred) && pred[i+2] >= '0' && pred[i+2] <= '9':
			j := i + 2
			for j < len(pred) && pred[j] >= '0' && pred[j] <= '9' {
				j++
			}
			m := pred[i:j]
			n, _ := strconv.Atoi(m[2:])
			if n < 1 || n > len(args) {
				return "", fmt.Errorf("parameter %s has no value", m)
			}
			v, ok := args[n-1].(string)
			if !ok {
				return "", fmt.Errorf("parameter %s is not text", m)
			}
			b.WriteString(nLiteral(v))
			i = j
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String(), nil
}

// PartitionSQL implements source.Profiler: the partition's rows in key order, the
// bounds inlined as escaped literals (the extractor binds them).
func (s *Source) PartitionSQL(req source.ExtractRequest) (string, error) {
	sel, err := s.rowSelection(req)
	if err != nil {
		return "", err
	}
	pred, err := inline(sel.pred, sel.args)
	if err != nil {
		return "", fmt.Errorf("%w: %v", source.ErrConfig, err)
	}
	var order []string
	for _, k := range sel.keys {
		order = append(order, k.orderExprs()...)
	}
	return "SELECT " + selectList(req.Columns) + " FROM " + tableName(req.Source) + " WHERE " + andWhere(pred, sel.where) +
		" ORDER BY " + strings.Join(order, ", "), nil
}

// RowSQL implements source.Profiler: the rows whose key columns hold the key's
// canonical values (compared as the partition bounds are: text exactly).
func (s *Source) RowSQL(req source.ExtractRequest, keyIdx []int, key string) (string, error) {
	fields, nulls, err := checksum.SplitFields(key)
	if err != nil {
		return "", fmt.Errorf("%w: key %q: %v", source.ErrConfig, key, err)
	}
	if len(fields) != len(keyIdx) || len(keyIdx) == 0 {
		return "", fmt.Errorf("%w: key %q has %d fields for %d key columns", source.ErrConfig, key, len(fields), len(keyIdx))
	}
	keys, err := keyColumns(req.Columns, keyIdx)
	if err != nil {
		return "", err
	}
	where, err := checkWhere(req.Table)
	if err != nil {
		return "", err
	}
	var conds []string
	for i, k := range keys {
		if nulls[i] {
			conds = append(conds, quoteIdent(k.Name)+" IS NULL")
			continue
		}
		v, err := k.param(fields[i])
		if err != nil {
			return "", fmt.Errorf("%w: %v", source.ErrConfig, err)
		}
		cols, params := k.orderExprs(), k.paramExprs(1)
		for j := range cols {
			p, err := inline(params[j], []any{v})
			if err != nil {
				return "", fmt.Errorf("%w: %v", source.ErrConfig, err)
			}
			conds = append(conds, cols[j]+" = "+p)
		}
	}
	return "SELECT " + selectList(req.Columns) + " FROM " + tableName(req.Source) + " WHERE " + andWhere(strings.Join(conds, " AND "), where), nil
}

func selectList(cols []migration.Column) string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = quoteIdent(c.SourceName)
	}
	return strings.Join(names, ", ")
}
