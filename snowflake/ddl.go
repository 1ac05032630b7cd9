package snowflake

import (
	"fmt"
	"strings"

	"github.com/snowmigrate/snowmigrate/migration"
)

// CreateSchemaSQL creates a schema when missing.
func CreateSchemaSQL(database, schema string) string {
	return "CREATE SCHEMA IF NOT EXISTS " + QualifiedName(database, schema)
}

// CreateTableSQL creates the target table when missing, with each column's mapped type
// and nullability, in the source's column order.
func CreateTableSQL(t migration.TableRef, cols []migration.Column) (string, error) {
	if len(cols) == 0 {
		return "", fmt.Errorf("table %s: no columns to create", TableName(t))
	}
	var b strings.Builder
	b.WriteString("CREATE TABLE IF NOT EXISTS ")
	b.WriteString(TableName(t))
	b.WriteString(" (\n")
	for i, c := range cols {
		ty, err := ParseType(c.TargetType)
		if err != nil {
			return "", fmt.Errorf("table %s column %s: %w", TableName(t), QuoteIdent(c.TargetName), err)
		}
		b.WriteString("  ")
		b.WriteString(QuoteIdent(c.TargetName))
		b.WriteString(" ")
		b.WriteString(ty.Raw)
		if !c.Nullable {
			b.WriteString(" NOT NULL")
		}
		if i < len(cols)-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString(")")
	return b.String(), nil
}

// ColumnsQuerySQL lists an existing table's columns from <db>.INFORMATION_SCHEMA.COLUMNS.
// It returns no rows when the table does not exist (or this role cannot see it), which
// is how PrepareTarget decides to create it. Schema and table are compared as stored
// (resolved names), not folded.
func ColumnsQuerySQL(t migration.TableRef) string {
	return "SELECT COLUMN_NAME, DATA_TYPE, IS_NULLABLE, CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE\n" +
		"FROM " + QualifiedName(t.Database, "INFORMATION_SCHEMA", "COLUMNS") + "\n" +
		"WHERE TABLE_SCHEMA = " + StringLiteral(t.Schema) + " AND TABLE_NAME = " + StringLiteral(t.Table) + "\n" +
		"ORDER BY ORDINAL_POSITION"
}

// ExistingColumn is one row of ColumnsQuerySQL.
type ExistingColumn struct {
	Name      string
	DataType  string // INFORMATION_SCHEMA name: NUMBER, TEXT, TIMESTAMP_NTZ, ...
	Nullable  bool
	Length    *int64
	Precision *int64
	Scale     *int64
}

// CheckResult is what CompareColumns found.
type CheckResult struct {
	Missing  []string // target column names the table lacks (fatal)
	Warnings []string // type or nullability differences the load may survive
}

// CompareColumns checks an existing table against the columns a migration will load.
// A missing column is fatal (COPY would drop its data); a different type family, a
// narrower number or string, or a NOT NULL target column the source can leave NULL is a
// warning, because Snowflake may still convert the values and the load itself reports
// the rows it rejects. Columns the target has beyond ours are warned about only when
// they are NOT NULL (COPY cannot fill them).
func CompareColumns(t migration.TableRef, existing []ExistingColumn, want []migration.Column) CheckResult {
	var r CheckResult
	byName := make(map[string]ExistingColumn, len(existing))
	for _, e := range existing {
		byName[e.Name] = e
	}
	wanted := make(map[string]bool, len(want))
	for _, c := range want {
		wanted[c.TargetName] = true
		e, ok := byName[c.TargetName]
		if !ok {
			r.Missing = append(r.Missing, c.TargetName)
			continue
		}
		ty, err := ParseType(c.TargetType)
		if err != nil {
			r.Warnings = append(r.Warnings, fmt.Sprintf("table %s column %s: %v", TableName(t), QuoteIdent(c.TargetName), err))
			continue
		}
		got, _ := ParseType(e.DataType)
		col := fmt.Sprintf("table %s column %s", TableName(t), QuoteIdent(c.TargetName))
		if got.Family != ty.Family {
			r.Warnings = append(r.Warnings, fmt.Sprintf("%s is %s on the target but the migration maps it to %s; values will be converted by Snowflake", col, e.DataType, ty.Raw))
		} else {
			switch ty.Family {
			case FamNumber:
				p, s := ty.precisionScale()
				if e.Precision != nil && e.Scale != nil && (int(*e.Precision)-int(*e.Scale) < p-s || int(*e.Scale) < s) {
					r.Warnings = append(r.Warnings, fmt.Sprintf("%s is NUMBER(%d,%d) on the target, narrower than the mapped %s; large values or decimals may not fit", col, *e.Precision, *e.Scale, ty.Raw))
				}
			case FamText, FamBinary:
				if len(ty.Args) > 0 && e.Length != nil && *e.Length < int64(ty.Args[0]) {
					r.Warnings = append(r.Warnings, fmt.Sprintf("%s holds %d characters on the target, fewer than the mapped %s; longer values will be rejected", col, *e.Length, ty.Raw))
				}
			}
		}
		if c.Nullable && !e.Nullable {
			r.Warnings = append(r.Warnings, fmt.Sprintf("%s is NOT NULL on the target but nullable on the source; rows with NULL will be rejected", col))
		}
	}
	for _, e := range existing {
		if !wanted[e.Name] && !e.Nullable {
			r.Warnings = append(r.Warnings, fmt.Sprintf("table %s column %s is NOT NULL on the target and not migrated; every load will fail unless it has a default", TableName(t), QuoteIdent(e.Name)))
		}
	}
	return r
}

// TruncateSQL empties a table (synchronization "none": a re-run replaces the content).
func TruncateSQL(t migration.TableRef) string {
	return "TRUNCATE TABLE IF EXISTS " + TableName(t)
}

// CurrentContextSQL reads the session's default database and schema, used when the
// configuration leaves the target database or schema empty.
const CurrentContextSQL = "SELECT CURRENT_DATABASE(), CURRENT_SCHEMA()"
