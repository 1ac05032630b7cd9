package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
)

// LockSQL implements Dialect for PostgreSQL: ACCESS SHARE (what any SELECT takes)
// taken before the transaction's first query, so no ALTER TABLE can change the
// columns between the catalog check and the COPY, and the snapshot is taken after
// the lock (PostgreSQL freezes a REPEATABLE READ snapshot at the first query).
func (b Builder) LockSQL(t migration.TableRef) string {
	return "LOCK TABLE " + b.Table(t) + " IN ACCESS SHARE MODE"
}

// lockTable takes the dialect's lock when it has one. Materialized views and foreign
// tables cannot be locked: a savepoint undoes the failed LOCK and the check still
// runs (the window is then between the check and the COPY's own lock, milliseconds).
func (s *Source) lockTable(ctx context.Context, conn *pgx.Conn, t migration.TableRef) error {
	q := s.Dialect.LockSQL(t)
	if q == "" {
		return nil
	}
	if _, err := conn.Exec(ctx, "SAVEPOINT snowmigrate_lock; "+q); err != nil {
		if conn.IsClosed() || ctx.Err() != nil {
			return fmt.Errorf("lock %s.%s: %w", t.Schema, t.Table, err)
		}
		if _, e := conn.Exec(ctx, "ROLLBACK TO SAVEPOINT snowmigrate_lock"); e != nil {
			return fmt.Errorf("lock %s.%s: %w (and the rollback to its savepoint: %v)", t.Schema, t.Table, err, e)
		}
	}
	return nil
}

// checkColumns compares the catalog, read inside the extraction's transaction, with
// the columns introspection found and the workflow planned for. A column that is
// gone or has another type fails the table (the target type and the decoder were
// chosen for the old type: decoding double precision bytes as bigint would load
// garbage without an error). A column added since is only reported: it is not
// extracted.
func (s *Source) checkColumns(ctx context.Context, conn *pgx.Conn, t migration.TableRef, want []migration.Column) (warnings []string, err error) {
	now, err := s.columns(ctx, conn, t)
	if err != nil {
		return nil, err
	}
	return CompareColumns(t, want, now)
}

// CompareColumns is the pure part of checkColumns.
func CompareColumns(t migration.TableRef, want []migration.Column, now []source.SourceColumn) (warnings []string, err error) {
	byName := make(map[string]string, len(now))
	for _, c := range now {
		byName[c.Name] = c.Type
	}
	known := make(map[string]bool, len(want))
	var problems []string
	missing := false
	for _, c := range want {
		known[c.SourceName] = true
		typ, ok := byName[c.SourceName]
		switch {
		case !ok:
			missing = true
			problems = append(problems, fmt.Sprintf("column %s (%s) no longer exists", quoteName(c.SourceName), c.SourceType))
		case !strings.EqualFold(typ, c.SourceType):
			problems = append(problems, fmt.Sprintf("column %s changed type from %s to %s", quoteName(c.SourceName), c.SourceType, typ))
		}
	}
	for _, c := range now {
		if !known[c.Name] {
			warnings = append(warnings, fmt.Sprintf("source table %s.%s: column %s (%s) was added after introspection and is not migrated by this run",
				t.Schema, t.Table, quoteName(c.Name), c.Type))
		}
	}
	if len(problems) > 0 {
		sentinel := source.ErrConfig
		if missing {
			sentinel = source.ErrMissing
		}
		return warnings, fmt.Errorf("%w: source table %s.%s changed during the migration: %s; the target table and the extraction were planned for the introspected columns, so nothing more is extracted. Restore the column(s), or start the migration again (it introspects the table anew; with a changed type, drop or alter the target table first)",
			sentinel, t.Schema, t.Table, strings.Join(problems, "; "))
	}
	return warnings, nil
}

// quoteName shows a column name in messages, clipped so a pathological name cannot
// blow up an error.
func quoteName(n string) string {
	if len(n) > 128 {
		n = n[:128] + "…"
	}
	return fmt.Sprintf("%q", n)
}
