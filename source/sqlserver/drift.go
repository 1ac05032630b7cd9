package sqlserver

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
)

// checkColumns compares the catalog, read inside the extraction's transaction, with
// the columns introspection found: a column gone or of another type fails the table
// (the plan was made for the old type); a column added since is only reported.
func checkColumns(ctx context.Context, tx *sql.Tx, t migration.TableRef, want []migration.Column) ([]string, error) {
	now, err := readColumns(ctx, tx, t)
	if err != nil {
		return nil, err
	}
	byName := make(map[string]string, len(now))
	for _, c := range now {
		byName[c.Name] = c.typeName()
	}
	known := make(map[string]bool, len(want))
	var problems, warnings []string
	missing := false
	for _, c := range want {
		known[c.SourceName] = true
		typ, ok := byName[c.SourceName]
		switch {
		case !ok:
			missing = true
			problems = append(problems, fmt.Sprintf("column %q (%s) no longer exists", c.SourceName, c.SourceType))
		case !strings.EqualFold(typ, c.SourceType):
			problems = append(problems, fmt.Sprintf("column %q changed type from %s to %s", c.SourceName, c.SourceType, typ))
		}
	}
	for _, c := range now {
		if !known[c.Name] {
			warnings = append(warnings, fmt.Sprintf("source table %s.%s: column %q (%s) was added after introspection and is not migrated by this run",
				t.Schema, t.Table, c.Name, c.typeName()))
		}
	}
	if len(problems) > 0 {
		sentinel := source.ErrConfig
		if missing {
			sentinel = source.ErrMissing
		}
		return warnings, fmt.Errorf("%w: source table %s.%s changed during the migration: %s; the target table and the extraction were planned for the introspected columns. Restore the column(s), or start the migration again (with a changed type, drop or alter the target table first)",
			sentinel, t.Schema, t.Table, strings.Join(problems, "; "))
	}
	return warnings, nil
}
