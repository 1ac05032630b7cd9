package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
)

// Introspect reads the table's catalog entry, columns, primary key and size, maps
// the columns, resolves the partition columns, and checks whereClauseCriteria by
// asking whether any row passes it.
func (s *Source) Introspect(ctx context.Context, t config.TableConfig) (source.TableInfo, error) {
	d := s.Dialect
	var info source.TableInfo
	if t.Source == nil {
		return info, fmt.Errorf("%w: source identifier missing", source.ErrConfig)
	}
	ref := migration.TableRef{
		Database: d.ResolveName(t.Source.DatabaseName),
		Schema:   d.ResolveName(t.Source.SchemaName),
		Table:    d.ResolveName(t.Source.TableName),
	}
	if ref.Schema == "" {
		ref.Schema = "public"
	}
	info.Source = ref
	where := source.Where(t)
	if err := source.CheckWhere(where); err != nil {
		return info, err
	}
	err := s.tx(ctx, func(conn *pgx.Conn) error {
		var db, kind string
		err := conn.QueryRow(ctx, d.CatalogTableSQL(), ref.Schema, ref.Table).Scan(&db, &kind, &info.EstimatedRows, &info.EstimatedBytes)
		if err == pgx.ErrNoRows {
			return s.missingTable(ctx, conn, ref)
		}
		if err != nil {
			return fmt.Errorf("read catalog for %s.%s: %w", ref.Schema, ref.Table, err)
		}
		if ref.Database != "" && ref.Database != db {
			return fmt.Errorf("%w: source.databaseName %q: this worker is connected to database %q; start a worker for that database or fix the name", source.ErrMissing, t.Source.DatabaseName, db)
		}
		if ref.Database == "" {
			info.Source.Database = db
		}
		cols, err := s.columns(ctx, conn, ref)
		if err != nil {
			return err
		}
		if err := conn.QueryRow(ctx, d.HasRowsSQL(ref, where)).Scan(&info.HasRows); err != nil {
			return whereError(fmt.Errorf("check for rows in %s.%s: %w", ref.Schema, ref.Table, err), where)
		}
		if info.EstimatedRows == 0 && info.HasRows && d.Platform() == config.PlatformPostgreSQL {
			// Never analyzed (reltuples = -1): the planner's own estimate from the
			// table's pages is free and good enough for partition sizing.
			info.EstimatedRows = s.plannerRows(ctx, conn, ref)
		}
		mapped, err := s.mapTypes(ctx, conn, ref, cols, where, info.HasRows)
		if err != nil {
			return err
		}
		info.Columns, info.Warnings, err = source.MapColumns(d, cols, mapped, t)
		if err != nil {
			return err
		}
		if info.PartitionBy, err = source.ResolveColumns(d, info.Columns, t.ColumnNamesToPartitionBy, "columnNamesToPartitionBy"); err != nil {
			return err
		}
		if _, err := source.KeyColumns(info.Columns, info.PartitionBy); err != nil {
			return err
		}
		for _, c := range info.Columns {
			if _, err := d.PlanColumn(c); err != nil {
				return fmt.Errorf("%w: %v", source.ErrConfig, err)
			}
		}
		pk, err := s.primaryKey(ctx, conn, ref)
		if err != nil {
			return err
		}
		info.PrimaryKey = pk
		if len(t.PrimaryKeyColumns) > 0 {
			idx, err := source.ResolveColumns(d, info.Columns, t.PrimaryKeyColumns, "primaryKeyColumns")
			if err != nil {
				return err
			}
			info.PrimaryKey = info.PrimaryKey[:0]
			for _, i := range idx {
				info.PrimaryKey = append(info.PrimaryKey, info.Columns[i].SourceName)
			}
		}
		return nil
	})
	return info, err
}

func (s *Source) plannerRows(ctx context.Context, conn *pgx.Conn, ref migration.TableRef) int64 {
	var plan []struct {
		Plan struct {
			Rows float64 `json:"Plan Rows"`
		} `json:"Plan"`
	}
	if err := conn.QueryRow(ctx, "EXPLAIN (FORMAT JSON) SELECT 1 FROM "+s.Dialect.Table(ref)).Scan(&plan); err != nil || len(plan) == 0 {
		return 0
	}
	return int64(plan[0].Plan.Rows)
}

func (s *Source) columns(ctx context.Context, conn *pgx.Conn, ref migration.TableRef) ([]source.SourceColumn, error) {
	rows, err := conn.Query(ctx, s.Dialect.CatalogColumnsSQL(), ref.Schema, ref.Table)
	if err != nil {
		return nil, fmt.Errorf("read columns of %s.%s: %w", ref.Schema, ref.Table, err)
	}
	cols, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (source.SourceColumn, error) {
		var c source.SourceColumn
		err := r.Scan(&c.Name, &c.Type, &c.Nullable, &c.UserDefined)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("read columns of %s.%s: %w", ref.Schema, ref.Table, err)
	}
	if len(cols) == 0 {
		return nil, fmt.Errorf("%w: table %s.%s has no columns", source.ErrConfig, ref.Schema, ref.Table)
	}
	return cols, nil
}

func (s *Source) primaryKey(ctx context.Context, conn *pgx.Conn, ref migration.TableRef) ([]string, error) {
	rows, err := conn.Query(ctx, s.Dialect.PrimaryKeySQL(), ref.Schema, ref.Table)
	if err != nil {
		return nil, fmt.Errorf("read primary key of %s.%s: %w", ref.Schema, ref.Table, err)
	}
	pk, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("read primary key of %s.%s: %w", ref.Schema, ref.Table, err)
	}
	return pk, nil
}

// mapTypes applies the default mapping, measuring unconstrained numeric columns
// with one scan (docs/types.md explains why).
func (s *Source) mapTypes(ctx context.Context, conn *pgx.Conn, ref migration.TableRef, cols []source.SourceColumn, where string, hasRows bool) ([]source.Mapping, error) {
	mapped := make([]source.Mapping, len(cols))
	var scan []int
	for i, c := range cols {
		mapped[i] = s.Dialect.MapType(c)
		if mapped[i].ScanScale {
			scan = append(scan, i)
		}
	}
	if len(scan) == 0 {
		return mapped, nil
	}
	names := make([]string, len(scan))
	for i, idx := range scan {
		names[i] = cols[idx].Name
	}
	vals := make([]int64, 3*len(scan))
	if hasRows {
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := conn.QueryRow(ctx, s.Dialect.NumericScanSQL(ref, names, where)).Scan(ptrs...); err != nil {
			return nil, whereError(fmt.Errorf("measure numeric columns %s of %s.%s: %w", strings.Join(names, ", "), ref.Schema, ref.Table, err), where)
		}
	}
	for i, idx := range scan {
		mapped[idx] = source.UnconstrainedNumeric(cols[idx].Name, vals[3*i+2] > 0, int(vals[3*i]), int(vals[3*i+1]))
	}
	return mapped, nil
}

// missingTable builds the "table not found" error, listing similar names: the same
// name in another schema or case, or a name in the schema that contains it. strpos, not
// ILIKE: a name's '%', '_' and '\' are characters, not a pattern.
func (s *Source) missingTable(ctx context.Context, conn *pgx.Conn, ref migration.TableRef) error {
	var similar []string
	rows, err := conn.Query(ctx, `SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r','p','v','m','f') AND (lower(c.relname) = lower($2) OR (lower(n.nspname) = lower($1) AND strpos(lower(c.relname), lower($2)) > 0))
ORDER BY 1 LIMIT 5`, ref.Schema, ref.Table)
	if err == nil {
		similar, _ = pgx.CollectRows(rows, pgx.RowTo[string])
	}
	msg := fmt.Sprintf("table %s.%s does not exist in the source database", ref.Schema, ref.Table)
	if len(similar) > 0 {
		msg += fmt.Sprintf(" (similar: %s; names that are not all lower case must be quoted in the JSON, e.g. \"\\\"MyTable\\\"\")", strings.Join(similar, ", "))
	}
	return fmt.Errorf("%w: %s", source.ErrMissing, msg)
}
