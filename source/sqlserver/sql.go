package sqlserver

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/snowmigrate/snowmigrate/migration"
)

// quoteIdent quotes one identifier with brackets (]] escapes a bracket): the only
// place identifiers are quoted. Brackets mean the same whatever QUOTED_IDENTIFIER says.
func quoteIdent(name string) string {
	return "[" + strings.ReplaceAll(name, "]", "]]") + "]"
}

// tableName is [schema].[table]: statements run in the connection's database.
func tableName(t migration.TableRef) string {
	return quoteIdent(t.Schema) + "." + quoteIdent(t.Table)
}

// resolveName turns a configuration name into the name to look up: "Name" and [Name]
// lose their delimiters (a doubled closing character stands for one); any other name
// is kept as written. SQL Server's catalog comparisons follow the database's collation
// (case-insensitive on most servers), so the catalog, not this function, decides case.
func resolveName(n string) string {
	if len(n) >= 2 {
		switch {
		case n[0] == '"' && n[len(n)-1] == '"':
			return strings.ReplaceAll(n[1:len(n)-1], `""`, `"`)
		case n[0] == '[' && n[len(n)-1] == ']':
			return strings.ReplaceAll(n[1:len(n)-1], "]]", "]")
		}
	}
	return n
}

// columnsSQL lists a table's columns in order; @p1 is the quoted [schema].[table] for
// OBJECT_ID. Alias types are reported as their base type.
const columnsSQL = `SELECT c.name, CASE WHEN t.is_user_defined = 1 THEN TYPE_NAME(c.system_type_id) ELSE t.name END AS type_name,
c.max_length, c.precision, c.scale, c.collation_name, c.is_nullable, c.is_identity, c.is_computed
FROM sys.columns c JOIN sys.types t ON t.user_type_id = c.user_type_id
WHERE c.object_id = OBJECT_ID(@p1)
ORDER BY c.column_id`

// tableSQL finds the table (or view) and its row count (sys.partitions of the heap or
// clustered index: catalog metadata any login that sees the table may read); @p1 is
// the quoted [schema].[table] for OBJECT_ID.
const tableSQL = `SELECT o.type, DB_NAME() AS db, SCHEMA_NAME(o.schema_id) AS schema_name, o.name,
(SELECT SUM(p.rows) FROM sys.partitions p WHERE p.object_id = o.object_id AND p.index_id IN (0, 1)) AS row_count
FROM sys.objects o WHERE o.object_id = OBJECT_ID(@p1) AND o.type IN ('U', 'V')`

// sizeSQL is the table's reserved size in 8 KiB pages, indexes included. It needs
// VIEW DATABASE STATE; without it the size is unknown and partitions are sized by rows.
const sizeSQL = `SELECT SUM(s.reserved_page_count) FROM sys.dm_db_partition_stats s WHERE s.object_id = OBJECT_ID(@p1)`

// primaryKeySQL lists the primary key's columns in key order; @p1 as above.
const primaryKeySQL = `SELECT c.name FROM sys.key_constraints k
JOIN sys.index_columns ic ON ic.object_id = k.parent_object_id AND ic.index_id = k.unique_index_id
JOIN sys.columns c ON c.object_id = ic.object_id AND c.column_id = ic.column_id
WHERE k.parent_object_id = OBJECT_ID(@p1) AND k.type = 'PK'
ORDER BY ic.key_ordinal`

// uniqueIndexesSQL lists the columns of the table's unique indexes and UNIQUE
// constraints (not the primary key; no filtered, disabled or hypothetical index), in
// key order, as (index name, column name, column nullable); @p1 as above.
const uniqueIndexesSQL = `SELECT i.name, c.name, c.is_nullable FROM sys.indexes i
JOIN sys.index_columns ic ON ic.object_id = i.object_id AND ic.index_id = i.index_id
JOIN sys.columns c ON c.object_id = ic.object_id AND c.column_id = ic.column_id
WHERE i.object_id = OBJECT_ID(@p1) AND i.is_unique = 1 AND i.is_primary_key = 0 AND i.has_filter = 0 AND i.is_disabled = 0
  AND i.is_hypothetical = 0 AND ic.is_included_column = 0 AND ic.key_ordinal > 0
ORDER BY i.index_id, ic.key_ordinal`

// keyColumn is a partition column as the statement builders need it.
type keyColumn struct {
	Name string
	Type sqlType // its source type
	Text bool    // a character type: ordered by code point, then trailing blanks
}

// binCollation orders text by code point (UTF-16 code unit), which is the order of
// the UTF-8 bytes Snowflake compares for every character of the Basic Multilingual
// Plane.
const binCollation = "Latin1_General_100_BIN2"

// orderExprs are the expressions a key column is ordered and compared by. Text is
// compared as Snowflake compares the loaded value, byte by byte of its UTF-8 form
// (code point order): as nvarchar in a binary collation, with NCHAR(0) appended.
// SQL Server compares strings of different lengths as if the shorter were padded
// with blanks ('a' = 'a ', and 'a' > 'a'+CHAR(9)); with a terminator below every
// character the first difference is found before any padding, so 'a' < 'a'+CHAR(9)
// < 'a ' as in Snowflake. (Only a key that holds NUL itself can still compare
// otherwise.)
func (k keyColumn) orderExprs() []string {
	q := quoteIdent(k.Name)
	if !k.Text {
		return []string{q}
	}
	return []string{textOrder(q)}
}

// paramExprs are orderExprs applied to a bound parameter @pN (canonical text).
func (k keyColumn) paramExprs(n int) []string {
	p := "@p" + strconv.Itoa(n)
	if !k.Text {
		return []string{"CAST(" + p + " AS " + k.castType() + ")"}
	}
	return []string{textOrder(p)}
}

func textOrder(x string) string {
	return "(CAST(" + x + " AS nvarchar(max)) + NCHAR(0)) COLLATE " + binCollation
}

// castType is the type a bound's text is converted to: the column's own type.
func (k keyColumn) castType() string {
	switch k.Type.Base {
	case "decimal", "numeric":
		return fmt.Sprintf("%s(%d,%d)", k.Type.Base, k.Type.mod(0, 18), k.Type.mod(1, 0))
	case "datetime2":
		return fmt.Sprintf("datetime2(%d)", k.Type.mod(0, 7))
	}
	return k.Type.Base
}

// compare expands `key op bound` lexicographically over every order expression of
// every key column (T-SQL has no row values): strict is the operator of every term
// but the last, last the one of the last term (">" for a lower bound, "<=" for an
// upper bound). Parameters are numbered from *next.
func compare(keys []keyColumn, strict, last string, next *int) string {
	var cols, params []string
	for _, k := range keys {
		cols = append(cols, k.orderExprs()...)
		params = append(params, k.paramExprs(*next)...)
		*next++
	}
	alts := make([]string, len(cols))
	for i := range cols {
		var terms []string
		for j := 0; j < i; j++ {
			terms = append(terms, cols[j]+" = "+params[j])
		}
		op := strict
		if i == len(cols)-1 {
			op = last
		}
		terms = append(terms, cols[i]+" "+op+" "+params[i])
		alts[i] = strings.Join(terms, " AND ")
		if len(terms) > 1 {
			alts[i] = "(" + alts[i] + ")"
		}
	}
	if len(alts) == 1 {
		return alts[0]
	}
	return "(" + strings.Join(alts, " OR ") + ")"
}

// rangePredicate selects a partition's rows: every key column NOT NULL, then lower <
// key <= upper; the NullKeys partition is the rows with a NULL in any key column. The
// bounds become parameters @p<first>…, returned in order.
func rangePredicate(keys []keyColumn, p migration.Partition, first int) (string, []any, error) {
	if p.NullKeys {
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = quoteIdent(k.Name) + " IS NULL"
		}
		return "(" + strings.Join(parts, " OR ") + ")", nil, nil
	}
	conds := make([]string, 0, len(keys)+2)
	for _, k := range keys {
		conds = append(conds, quoteIdent(k.Name)+" IS NOT NULL")
	}
	var args []any
	next := first
	for _, b := range []struct {
		vals         []string
		strict, last string
	}{{p.Lower, ">", ">"}, {p.Upper, "<", "<="}} {
		if b.vals == nil {
			continue
		}
		if len(b.vals) != len(keys) {
			return "", nil, fmt.Errorf("partition %d: a bound has %d values for %d partition columns", p.Number, len(b.vals), len(keys))
		}
		for i, k := range keys {
			v, err := k.param(b.vals[i])
			if err != nil {
				return "", nil, fmt.Errorf("partition %d: %w", p.Number, err)
			}
			args = append(args, v)
		}
		conds = append(conds, compare(keys, b.strict, b.last, &next))
	}
	return strings.Join(conds, " AND "), args, nil
}

// andWhere appends the user's filter in its own parentheses.
func andWhere(pred, where string) string {
	if where == "" {
		return pred
	}
	if pred == "" {
		return "(" + where + ")"
	}
	return pred + " AND (" + where + ")"
}

// boundsSQL is the planner's page query: the keys after the previous bound (args
// from @p1), numbered in key order, at most limit of them; it returns those whose
// number is a multiple of step and the last one, as (rn, count, key…). The count is
// rn + (number counted from the end) - 1: T-SQL's COUNT(*) OVER () would do, but a
// second ROW_NUMBER is as cheap and also finds the last row.
func boundsSQL(t migration.TableRef, keys []keyColumn, where string, after []string, step, limit int64) (string, []any, error) {
	var order, sel []string
	for _, k := range keys {
		order = append(order, k.orderExprs()...)
		sel = append(sel, k.selectExpr())
	}
	conds := make([]string, 0, len(keys)+1)
	for _, k := range keys {
		conds = append(conds, quoteIdent(k.Name)+" IS NOT NULL")
	}
	var args []any
	if after != nil {
		pred, a, err := rangePredicate(keys, migration.Partition{Lower: after}, 1)
		if err != nil {
			return "", nil, err
		}
		conds, args = []string{pred}, a
	}
	names := make([]string, len(keys))
	for i := range keys {
		names[i] = "k" + strconv.Itoa(i+1)
		sel[i] += " AS " + names[i]
	}
	q := "SELECT rn, rn + rd - 1 AS cnt, " + strings.Join(names, ", ") + " FROM (" +
		"SELECT rn, ROW_NUMBER() OVER (ORDER BY rn DESC) AS rd, " + strings.Join(names, ", ") + " FROM (" +
		"SELECT ROW_NUMBER() OVER (ORDER BY " + strings.Join(order, ", ") + ") AS rn, " + strings.Join(sel, ", ") +
		" FROM " + tableName(t) + " WHERE " + andWhere(strings.Join(conds, " AND "), where) +
		") a WHERE rn <= " + strconv.FormatInt(limit, 10) +
		") b WHERE rn % " + strconv.FormatInt(step, 10) + " = 0 OR rd = 1 ORDER BY rn"
	return q, args, nil
}

// selectExpr reads a key for its bound: text cut to MaxBoundBytes+1 characters (a
// longer key is never a bound), the rest as the driver reads the type.
func (k keyColumn) selectExpr() string {
	q := quoteIdent(k.Name)
	if k.Text {
		return "LEFT(CAST(" + q + " AS nvarchar(max)), 1025)"
	}
	return q
}

// nullKeysSQL returns one row when a row passing the filter has a NULL key.
func nullKeysSQL(t migration.TableRef, keys []keyColumn, where string) string {
	pred, _, _ := rangePredicate(keys, migration.Partition{NullKeys: true}, 1)
	return "SELECT TOP (1) 1 FROM " + tableName(t) + " WHERE " + andWhere(pred, where)
}

// hasRowsSQL returns one row when a row passes the filter.
func hasRowsSQL(t migration.TableRef, where string) string {
	if where == "" {
		return "SELECT TOP (1) 1 FROM " + tableName(t)
	}
	return "SELECT TOP (1) 1 FROM " + tableName(t) + " WHERE (" + where + ")"
}

// countSQL counts the rows passing the filter.
func countSQL(t migration.TableRef, where string) string {
	if where == "" {
		return "SELECT COUNT_BIG(*) FROM " + tableName(t)
	}
	return "SELECT COUNT_BIG(*) FROM " + tableName(t) + " WHERE (" + where + ")"
}

// extractSQL selects a partition's rows (no ORDER BY: the files' row order does not
// matter); pred is the partition's (and window's) predicate with parameters from @p1.
func extractSQL(t migration.TableRef, plans []colPlan, pred, where string) string {
	exprs := make([]string, len(plans))
	for i, c := range plans {
		exprs[i] = c.Expr
	}
	return "SELECT " + strings.Join(exprs, ", ") + " FROM " + tableName(t) + " WHERE " + andWhere(pred, where)
}
