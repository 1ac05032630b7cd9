package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
)

// Watermark re-sync (docs/sync.md): the largest watermark when a run plans a table,
// and the (low, high] window that restricts planning and extraction. Both compare
// the column in its own type with typed literals of the canonical text (the same
// forms as partition bounds), so an index on the column serves them.

var _ source.Watermarker = (*Source)(nil)

// windowBuilder is what the runtime needs of a dialect for watermarks; every dialect
// built on Builder (PostgreSQL, Redshift) has it.
type windowBuilder interface {
	MaxWatermarkSQL(t migration.TableRef, k source.KeyColumn, where string) string
	WindowPredicate(k source.KeyColumn, w migration.WatermarkWindow) string
}

// watermarkTypes are the column types a watermark may have: ordered the same way by
// the source and by Snowflake, and growing with writes in practice.
var watermarkTypes = map[string]bool{
	"smallint": true, "integer": true, "bigint": true, "numeric": true, "date": true,
	"timestamp without time zone": true, "timestamp with time zone": true,
}

// watermarkKey resolves the configured watermark column among the introspected ones.
func watermarkKey(d source.Dialect, cols []migration.Column, configName string) (source.KeyColumn, error) {
	name := d.ResolveName(configName)
	for _, c := range cols {
		if c.SourceName != name {
			continue
		}
		p := source.ParseType(c.SourceType)
		if p.Array || !watermarkTypes[p.Base] {
			return source.KeyColumn{}, fmt.Errorf("%w: synchronization.watermarkColumn: column %q has type %s; a watermark must be an integer, numeric, date or timestamp column whose value grows with every insert and update",
				source.ErrConfig, name, c.SourceType)
		}
		return source.KeyColumn{Name: c.SourceName, BaseType: source.StripModifiers(c.SourceType)}, nil
	}
	return source.KeyColumn{}, fmt.Errorf("%w: synchronization.watermarkColumn: column %q is not a migrated column of the table", source.ErrMissing, name)
}

// MaxWatermarkSQL is the largest non-NULL watermark of the rows passing the filter, as
// canonical text (no row: no result row).
func (b Builder) MaxWatermarkSQL(t migration.TableRef, k source.KeyColumn, w string) string {
	q := b.QuoteIdent(k.Name)
	return "SELECT " + b.canon(k) + " FROM " + b.Table(t) + " WHERE " + where(w) + " AND " + q + " IS NOT NULL ORDER BY " + q + " DESC LIMIT 1"
}

// WindowPredicate selects the rows of the window: low < w <= high, plus the NULL
// watermarks when the window includes them.
func (b Builder) WindowPredicate(k source.KeyColumn, win migration.WatermarkWindow) string {
	q := b.QuoteIdent(k.Name)
	var terms []string
	if win.Low != nil {
		terms = append(terms, q+" > "+b.literal(k, *win.Low))
	}
	if win.High != nil {
		terms = append(terms, q+" <= "+b.literal(k, *win.High))
	}
	rng := strings.Join(terms, " AND ")
	if win.High == nil {
		rng = "FALSE" // no row had a watermark when the run planned the table
	}
	if win.IncludeNull {
		return "((" + rng + ") OR " + q + " IS NULL)"
	}
	return "(" + rng + ")"
}

// windowWhere adds the request's window to the table's filter for the SQL builders
// (the filter alone stays what error messages quote).
func (s *Source) windowWhere(filter string, cols []migration.Column, win *migration.WatermarkWindow) (string, error) {
	if win == nil {
		return filter, nil
	}
	wb, ok := s.Dialect.(windowBuilder)
	if !ok {
		return "", fmt.Errorf("%w: synchronization watermark is not supported for source platform %s", source.ErrConfig, s.Dialect.Platform())
	}
	k, err := watermarkKey(s.Dialect, cols, quoteIfNeeded(win.Column))
	if err != nil {
		return "", err
	}
	return where(filter) + " AND " + wb.WindowPredicate(k, *win), nil
}

// quoteIfNeeded turns an exact column name back into a configuration name that
// resolves to it.
func quoteIfNeeded(exact string) string {
	return `"` + strings.ReplaceAll(exact, `"`, `""`) + `"`
}

// MaxWatermark implements source.Watermarker.
func (s *Source) MaxWatermark(ctx context.Context, req source.WatermarkRequest) (source.WatermarkResult, error) {
	wb, ok := s.Dialect.(windowBuilder)
	if !ok {
		return source.WatermarkResult{}, fmt.Errorf("%w: synchronization watermark is not supported for source platform %s", source.ErrConfig, s.Dialect.Platform())
	}
	k, err := watermarkKey(s.Dialect, req.Columns, req.Column)
	if err != nil {
		return source.WatermarkResult{}, err
	}
	res := source.WatermarkResult{Column: k.Name}
	for _, pk := range req.PrimaryKeys {
		name := s.Dialect.ResolveName(pk)
		found := false
		for _, c := range req.Columns {
			found = found || c.SourceName == name
		}
		if !found {
			return source.WatermarkResult{}, fmt.Errorf("%w: primaryKeyColumns: column %q is not a migrated column of the table", source.ErrMissing, name)
		}
		res.PrimaryKeys = append(res.PrimaryKeys, name)
	}
	filter := source.Where(req.Table)
	if err := source.CheckWhere(filter); err != nil {
		return source.WatermarkResult{}, err
	}
	err = s.tx(ctx, func(conn *pgx.Conn) error {
		var high string
		err := conn.QueryRow(ctx, wb.MaxWatermarkSQL(req.Source, k, filter)).Scan(&high)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return whereError(fmt.Errorf("read the largest watermark of %s.%s: %w", req.Source.Schema, req.Source.Table, err), filter)
		}
		res.High = &high
		return nil
	})
	return res, err
}
