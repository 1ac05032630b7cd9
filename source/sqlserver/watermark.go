package sqlserver

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
)

// Watermark re-sync (docs/sync.md): the largest watermark when a run plans a table,
// and the (low, high] window that restricts planning and extraction. Both compare the
// column in its own type with parameters holding the canonical text (the partition
// bounds' forms: decimal text, YYYY-MM-DD, YYYY-MM-DD hh:mm:ss[.f…] with the type's
// digits, a datetimeoffset as its UTC instant with +00:00), so an index on the column
// serves them.

var _ source.Watermarker = (*Source)(nil)

// watermarkTypes are the column types a watermark may have: ordered alike by SQL
// Server and by Snowflake, and growing with writes in practice.
var watermarkTypes = map[string]bool{
	"tinyint": true, "smallint": true, "int": true, "bigint": true, "decimal": true, "numeric": true,
	"date": true, "datetime": true, "datetime2": true, "smalldatetime": true, "datetimeoffset": true,
}

// watermarkColumn resolves a configured (or exact) watermark column among the
// migrated columns.
func watermarkColumn(cols []migration.Column, configName string) (keyColumn, error) {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.SourceName
	}
	name := resolver{names: names}.ResolveName(configName)
	for _, c := range cols {
		if c.SourceName != name {
			continue
		}
		st := parseSQLType(c.SourceType)
		if !watermarkTypes[st.Base] {
			return keyColumn{}, fmt.Errorf("%w: synchronization.watermarkColumn: column %q has type %s; a watermark must be an integer, decimal, date, datetime, datetime2, smalldatetime or datetimeoffset column whose value grows with every insert and update (rowversion is not supported yet: map a datetime2 column maintained by the application or a trigger)",
				source.ErrConfig, name, c.SourceType)
		}
		return keyColumn{Name: c.SourceName, Type: st}, nil
	}
	return keyColumn{}, fmt.Errorf("%w: synchronization.watermarkColumn: column %q is not a migrated column of the table", source.ErrMissing, name)
}

// canonSQL is the canonical text of the column's value.
func (k keyColumn) canonSQL() string {
	q := quoteIdent(k.Name)
	switch k.Type.Base {
	case "date":
		return "CONVERT(nvarchar(10), " + q + ", 23)"
	case "datetime", "datetime2", "smalldatetime":
		return fmt.Sprintf("LEFT(CONVERT(nvarchar(30), CAST(%s AS datetime2(7)), 121), %d)", q, tsWidth(fracDigits(k.Type)))
	case "datetimeoffset":
		return fmt.Sprintf("LEFT(CONVERT(nvarchar(30), CAST(SWITCHOFFSET(%s, 0) AS datetime2(7)), 121), %d) + N'+00:00'", q, tsWidth(k.Type.mod(0, 7)))
	case "decimal", "numeric":
		return "CAST(" + q + " AS nvarchar(50))"
	}
	return "CAST(" + q + " AS nvarchar(30))"
}

// maxWatermarkSQL is the largest non-NULL watermark of the rows passing the filter, as
// canonical text (no row: no result).
func maxWatermarkSQL(t migration.TableRef, k keyColumn, where string) string {
	q := quoteIdent(k.Name)
	return "SELECT TOP (1) " + k.canonSQL() + " FROM " + tableName(t) + " WHERE " + andWhere(q+" IS NOT NULL", where) + " ORDER BY " + q + " DESC"
}

// windowPredicate selects the window's rows: low < w <= high, plus the NULL watermarks
// when the window includes them; parameters from @p<first>.
func windowPredicate(cols []migration.Column, win *migration.WatermarkWindow, first int) (string, []any, error) {
	if win == nil {
		return "", nil, nil
	}
	k, err := watermarkColumn(cols, quoteBracket(win.Column))
	if err != nil {
		return "", nil, err
	}
	q := quoteIdent(k.Name)
	var terms []string
	var args []any
	for _, b := range []struct {
		v  *string
		op string
	}{{win.Low, ">"}, {win.High, "<="}} {
		if b.v == nil {
			continue
		}
		v, err := k.param(*b.v)
		if err != nil {
			return "", nil, fmt.Errorf("watermark window: %w", err)
		}
		args = append(args, v)
		p := k.paramExprs(first + len(args) - 1)[0]
		if k.Type.Base == "datetimeoffset" {
			// the bare parameter: SQL Server converts it to the column's type (data type
			// precedence) and compares instants
			p = "@p" + strconv.Itoa(first+len(args)-1)
		}
		terms = append(terms, q+" "+b.op+" "+p)
	}
	rng := "1 = 0" // no row had a watermark when the run planned the table
	if win.High != nil {
		rng = terms[0]
		if len(terms) == 2 {
			rng += " AND " + terms[1]
		}
	}
	if win.IncludeNull {
		return "((" + rng + ") OR " + q + " IS NULL)", args, nil
	}
	return "(" + rng + ")", args, nil
}

// quoteBracket turns an exact column name back into a configuration name that
// resolves to it.
func quoteBracket(exact string) string { return quoteIdent(exact) }

// MaxWatermark implements source.Watermarker.
func (s *Source) MaxWatermark(ctx context.Context, req source.WatermarkRequest) (source.WatermarkResult, error) {
	k, err := watermarkColumn(req.Columns, req.Column)
	if err != nil {
		return source.WatermarkResult{}, err
	}
	res := source.WatermarkResult{Column: k.Name}
	names := make([]string, len(req.Columns))
	for i, c := range req.Columns {
		names[i] = c.SourceName
	}
	for _, pk := range req.PrimaryKeys {
		name := resolver{names: names}.ResolveName(pk)
		found := false
		for _, n := range names {
			found = found || n == name
		}
		if !found {
			return source.WatermarkResult{}, fmt.Errorf("%w: primaryKeyColumns: column %q is not a migrated column of the table", source.ErrMissing, name)
		}
		res.PrimaryKeys = append(res.PrimaryKeys, name)
	}
	where, err := checkWhere(req.Table)
	if err != nil {
		return source.WatermarkResult{}, err
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		var high string
		err := tx.QueryRowContext(ctx, maxWatermarkSQL(req.Source, k, where)).Scan(&high)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return whereError(fmt.Errorf("read the largest watermark of %s.%s: %w", req.Source.Schema, req.Source.Table, mapError(err)), where)
		}
		res.High = &high
		return nil
	})
	return res, err
}
