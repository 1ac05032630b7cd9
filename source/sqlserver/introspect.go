package sqlserver

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
)

// checkWhere vets whereClauseCriteria in T-SQL right before it is pasted into SQL.
func checkWhere(t config.TableConfig) (string, error) {
	w := source.Where(t)
	if p := config.WhereProblemTSQL(w); p != "" {
		return "", fmt.Errorf("%w: whereClauseCriteria %q %s", source.ErrConfig, w, p)
	}
	return w, nil
}

// Introspect reads the table's columns, primary key and size from the catalog (no
// table scan: one TOP (1) probe says whether a row passes the filter, which also
// checks the filter), maps the columns and resolves the partition columns.
func (s *Source) Introspect(ctx context.Context, t config.TableConfig) (source.TableInfo, error) {
	var info source.TableInfo
	if t.Source == nil {
		return info, fmt.Errorf("%w: source identifier missing", source.ErrConfig)
	}
	ref := migration.TableRef{
		Database: resolveName(t.Source.DatabaseName),
		Schema:   resolveName(t.Source.SchemaName),
		Table:    resolveName(t.Source.TableName),
	}
	if ref.Schema == "" {
		ref.Schema = "dbo"
	}
	where, err := checkWhere(t)
	if err != nil {
		return info, err
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		var kind, db, schema, table string
		var rows, pages sql.NullInt64
		err := tx.QueryRowContext(ctx, tableSQL, tableName(ref)).Scan(&kind, &db, &schema, &table, &rows)
		if errors.Is(err, sql.ErrNoRows) {
			return missingTable(ctx, tx, ref)
		}
		if err != nil {
			return fmt.Errorf("read the catalog for %s.%s: %w", ref.Schema, ref.Table, err)
		}
		if ref.Database != "" && !strings.EqualFold(ref.Database, db) {
			return fmt.Errorf("%w: source.databaseName %q: this worker is connected to database %q; start a worker for that database (database in [connections.source.sqlserver]) or fix the name",
				source.ErrMissing, t.Source.DatabaseName, db)
		}
		ref = migration.TableRef{Database: db, Schema: schema, Table: table}
		if err := tx.QueryRowContext(ctx, sizeSQL, tableName(ref)).Scan(&pages); err != nil {
			pages = sql.NullInt64{} // no VIEW DATABASE STATE: size unknown, not an error
		}
		info.Source = ref
		info.EstimatedRows, info.EstimatedBytes = rows.Int64, pages.Int64*8192
		cols, err := readColumns(ctx, tx, ref)
		if err != nil {
			return err
		}
		var one int
		switch err := tx.QueryRowContext(ctx, hasRowsSQL(ref, where)).Scan(&one); {
		case err == nil:
			info.HasRows = true
		case errors.Is(err, sql.ErrNoRows):
		default:
			return whereError(fmt.Errorf("check for rows in %s.%s: %w", ref.Schema, ref.Table, mapError(err)), where)
		}
		scs := make([]source.SourceColumn, len(cols))
		mapped := make([]source.Mapping, len(cols))
		for i, c := range cols {
			scs[i] = source.SourceColumn{Name: c.Name, Type: c.typeName(), Nullable: c.Nullable}
			mapped[i] = MapType(scs[i].Type)
			if mapped[i].Warning != "" {
				mapped[i].Warning = fmt.Sprintf("column %q: %s", c.Name, mapped[i].Warning)
			}
		}
		d := resolver{names: columnNames(cols)}
		info.Columns, info.Warnings, err = source.MapColumns(d, scs, mapped, t)
		if err != nil {
			return err
		}
		if info.PartitionBy, err = source.ResolveColumns(d, info.Columns, t.ColumnNamesToPartitionBy, "columnNamesToPartitionBy"); err != nil {
			return err
		}
		if _, err := keyColumns(info.Columns, info.PartitionBy); err != nil {
			return err
		}
		if _, err := planColumns(info.Columns); err != nil {
			return err
		}
		pk, err := primaryKey(ctx, tx, ref)
		if err != nil {
			return err
		}
		info.PrimaryKey = pk
		if len(pk) == 0 {
			// Without a primary key, a unique index over NOT NULL columns identifies the
			// rows as well (row differences, key checks, merges by key).
			uq, warning, err := uniqueKey(ctx, tx, ref, info.Columns)
			if err != nil {
				return err
			}
			info.PrimaryKey = uq
			if warning != "" {
				info.Warnings = append(info.Warnings, warning)
			}
		}
		if len(t.PrimaryKeyColumns) > 0 {
			idx, err := source.ResolveColumns(d, info.Columns, t.PrimaryKeyColumns, "primaryKeyColumns")
			if err != nil {
				return err
			}
			info.PrimaryKey = nil
			for _, i := range idx {
				info.PrimaryKey = append(info.PrimaryKey, info.Columns[i].SourceName)
			}
		}
		return nil
	})
	return info, err
}

func readColumns(ctx context.Context, tx *sql.Tx, ref migration.TableRef) ([]column, error) {
	rows, err := tx.QueryContext(ctx, columnsSQL, tableName(ref))
	if err != nil {
		return nil, fmt.Errorf("read the columns of %s.%s: %w", ref.Schema, ref.Table, mapError(err))
	}
	defer rows.Close()
	var cols []column
	for rows.Next() {
		var c column
		var typ, coll sql.NullString
		var maxLen, prec, scale int64
		if err := rows.Scan(&c.Name, &typ, &maxLen, &prec, &scale, &coll, &c.Nullable, &c.Identity, &c.Computed); err != nil {
			return nil, fmt.Errorf("read the columns of %s.%s: %w", ref.Schema, ref.Table, err)
		}
		c.Type, c.Collation = strings.ToLower(typ.String), coll.String
		c.MaxLength, c.Precision, c.Scale = int(maxLen), int(prec), int(scale)
		if c.Type == "timestamp" {
			c.Type = "rowversion" // the same type; "timestamp" would read as a date type everywhere else
		}
		cols = append(cols, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read the columns of %s.%s: %w", ref.Schema, ref.Table, mapError(err))
	}
	if len(cols) == 0 {
		return nil, fmt.Errorf("%w: table %s.%s has no columns visible to the worker's login", source.ErrMissing, ref.Schema, ref.Table)
	}
	return cols, nil
}

func primaryKey(ctx context.Context, tx *sql.Tx, ref migration.TableRef) ([]string, error) {
	rows, err := tx.QueryContext(ctx, primaryKeySQL, tableName(ref))
	if err != nil {
		return nil, fmt.Errorf("read the primary key of %s.%s: %w", ref.Schema, ref.Table, mapError(err))
	}
	defer rows.Close()
	var pk []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		pk = append(pk, n)
	}
	return pk, rows.Err()
}

// uniqueIndex is one unique index or UNIQUE constraint of the table.
type uniqueIndex struct {
	name     string
	cols     []string
	nullable bool // a key column allows NULL (SQL Server's unique index then admits one NULL row)
}

// uniqueKey chooses, for a table without a primary key, the unique index that
// identifies its rows: the one with the fewest columns among those whose columns are
// all NOT NULL and migrated (the first by index id on a tie). The warning names it, or
// says that no index qualifies.
func uniqueKey(ctx context.Context, tx *sql.Tx, ref migration.TableRef, migrated []migration.Column) ([]string, string, error) {
	rows, err := tx.QueryContext(ctx, uniqueIndexesSQL, tableName(ref))
	if err != nil {
		return nil, "", fmt.Errorf("read the unique indexes of %s.%s: %w", ref.Schema, ref.Table, mapError(err))
	}
	defer rows.Close()
	var idx []*uniqueIndex
	for rows.Next() {
		var name, col string
		var nullable bool
		if err := rows.Scan(&name, &col, &nullable); err != nil {
			return nil, "", err
		}
		if len(idx) == 0 || idx[len(idx)-1].name != name {
			idx = append(idx, &uniqueIndex{name: name})
		}
		last := idx[len(idx)-1]
		last.cols = append(last.cols, col)
		last.nullable = last.nullable || nullable
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("read the unique indexes of %s.%s: %w", ref.Schema, ref.Table, mapError(err))
	}
	isMigrated := map[string]bool{}
	for _, c := range migrated {
		isMigrated[c.SourceName] = true
	}
	var best *uniqueIndex
	for _, u := range idx {
		ok := !u.nullable
		for _, c := range u.cols {
			ok = ok && isMigrated[c]
		}
		if ok && (best == nil || len(u.cols) < len(best.cols)) {
			best = u
		}
	}
	switch {
	case best != nil:
		return best.cols, fmt.Sprintf("table %s.%s has no primary key: its rows are identified by unique index %s (%s)", ref.Schema, ref.Table, best.name, strings.Join(best.cols, ", ")), nil
	case len(idx) > 0:
		return nil, fmt.Sprintf("table %s.%s has no primary key and no unique index over NOT NULL migrated columns (unique indexes: %s); set primaryKeyColumns to identify its rows", ref.Schema, ref.Table, uniqueNames(idx)), nil
	}
	return nil, "", nil
}

func uniqueNames(idx []*uniqueIndex) string {
	names := make([]string, len(idx))
	for i, u := range idx {
		names[i] = u.name + " (" + strings.Join(u.cols, ", ") + ")"
	}
	return strings.Join(names, ", ")
}

// missingTable builds the "table not found" error, listing similar names: tables and
// views whose name equals or contains the one asked for, ignoring case. The match is
// made here rather than with LIKE, whose '%', '_' and '[' in a table name would be a
// pattern; the catalog read is bounded (a database with more tables than that gets
// suggestions from the first ones by name).
func missingTable(ctx context.Context, tx *sql.Tx, ref migration.TableRef) error {
	var similar []string
	rows, err := tx.QueryContext(ctx, `SELECT TOP (20000) SCHEMA_NAME(schema_id), name FROM sys.objects
WHERE type IN ('U', 'V') ORDER BY name, SCHEMA_NAME(schema_id)`)
	if err == nil {
		want := strings.ToLower(ref.Table)
		for rows.Next() && len(similar) < 5 {
			var schema, name string
			if rows.Scan(&schema, &name) == nil && strings.Contains(strings.ToLower(name), want) {
				similar = append(similar, schema+"."+name)
			}
		}
		rows.Close()
	}
	msg := fmt.Sprintf("table %s.%s does not exist in the source database (or the worker's login cannot see it)", ref.Schema, ref.Table)
	if len(similar) > 0 {
		msg += fmt.Sprintf(" (similar: %s)", strings.Join(similar, ", "))
	}
	return fmt.Errorf("%w: %s", source.ErrMissing, msg)
}

func columnNames(cols []column) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.Name
	}
	return out
}

// resolver gives source.MapColumns and source.ResolveColumns SQL Server's name
// resolution: delimiters removed, then the catalog's exact spelling of a name that
// matches case-insensitively (SQL Server's catalogs compare names with the database's
// collation, case-insensitive on most servers), when exactly one does. Those helpers
// call ResolveName only; the embedded interface is nil.
type resolver struct {
	source.Dialect
	names []string
}

// ResolveName implements the one method of source.Dialect the helpers use.
func (r resolver) ResolveName(n string) string {
	n = resolveName(n)
	match := ""
	for _, c := range r.names {
		if c == n {
			return c
		}
		if strings.EqualFold(c, n) {
			if match != "" {
				return n // two columns differ only by case (a case-sensitive database): exact names only
			}
			match = c
		}
	}
	if match != "" {
		return match
	}
	return n
}
