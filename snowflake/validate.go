package snowflake

import (
	"fmt"
	"strings"

	"github.com/snowmigrate/snowmigrate/checksum"
	"github.com/snowmigrate/snowmigrate/migration"
)

// Validation's target-side SQL (docs/validation.md). The metrics are the cells the
// source dialects compute (source/postgres ProfileSQL), over the target's values: for
// every column count, nulls, distinct, min, max, sum, avg, stddev, NULL where the
// column's kind has no such metric. Values never become SQL here: only quoted names
// and constant literals.

// Metric kinds, the same names as source.Metric* (the two sides must agree on them;
// package snowflake does not import source).
const (
	MetricNumber   = "number"
	MetricFloat    = "float"
	MetricText     = "text"
	MetricBinary   = "binary"
	MetricTemporal = "temporal"
	MetricBoolean  = "boolean"
	MetricPresence = "presence"
)

// ProfileCells is the number of cells ProfileColumnsSQL returns per column.
const ProfileCells = 8

// MetricKindOf is the metric kind of a Snowflake type.
func MetricKindOf(targetType string) string {
	ty, err := ParseType(targetType)
	if err != nil {
		return MetricPresence
	}
	switch ty.Family {
	case FamNumber:
		return MetricNumber
	case FamFloat:
		return MetricFloat
	case FamText:
		return MetricText
	case FamBinary:
		return MetricBinary
	case FamDate, FamTime, FamTimestampNTZ, FamTimestampLTZ, FamTimestampTZ:
		return MetricTemporal
	case FamBoolean:
		return MetricBoolean
	}
	return MetricPresence
}

// ProfileColumnsSQL returns one row of len(cols)*ProfileCells cells over the whole
// target table. Every cell is text (TO_VARCHAR) or an integer count, so that the
// driver hands the activity exact decimal text.
func ProfileColumnsSQL(target migration.TableRef, cols []migration.Column) (string, error) {
	if len(cols) == 0 {
		return "", fmt.Errorf("table %s: no columns to profile", TableName(target))
	}
	parts := make([]string, 0, ProfileCells*len(cols))
	for _, c := range cols {
		cells, err := profileCells(c)
		if err != nil {
			return "", err
		}
		parts = append(parts, cells...)
	}
	return "SELECT " + strings.Join(parts, ",\n  ") + "\nFROM " + TableName(target), nil
}

func profileCells(c migration.Column) ([]string, error) {
	ty, err := ParseType(c.TargetType)
	if err != nil {
		return nil, fmt.Errorf("column %s: %w", QuoteIdent(c.TargetName), err)
	}
	q := QuoteIdent(c.TargetName)
	const none = "CAST(NULL AS VARCHAR)"
	count := "COUNT(" + q + ")"
	nulls := "COUNT(*) - COUNT(" + q + ")"
	text := func(v string) string { return "TO_VARCHAR(" + v + ")" }
	stats := func(v string) []string {
		return []string{text("MIN(" + v + ")"), text("MAX(" + v + ")"), text("SUM(" + v + ")"), text("AVG(" + v + ")"), text("STDDEV_SAMP(" + v + ")")}
	}
	distinct := "COUNT(DISTINCT " + q + ")"
	var rest []string
	switch MetricKindOf(c.TargetType) {
	case MetricNumber:
		rest = append([]string{distinct}, stats(q)...)
	case MetricFloat:
		// No sum, avg or stddev (as on the source): they overflow and depend on
		// the order of the rows.
		rest = []string{distinct, text("MIN(" + q + ")"), text("MAX(" + q + ")"), none, none, none}
	case MetricText:
		// LENGTH counts characters, as the source's char_length does.
		rest = append([]string{distinct}, stats("LENGTH("+q+")")...)
	case MetricBinary:
		// Bytes, as the source's octet_length: half the length of the hex text
		// (HEX_ENCODE, as the checksum uses, is exact on every account; the local
		// Snowflake has no LENGTH of BINARY).
		rest = append([]string{distinct}, stats("(LENGTH(HEX_ENCODE("+q+")) / 2)")...)
	case MetricTemporal:
		f := func(v string) string {
			switch ty.Family {
			case FamDate:
				return "TO_CHAR(" + v + ", 'YYYY-MM-DD')"
			case FamTime:
				return "TO_CHAR(" + v + ", 'HH24:MI:SS.FF6')"
			case FamTimestampTZ, FamTimestampLTZ:
				return "TO_CHAR(CONVERT_TIMEZONE('UTC', " + v + "), 'YYYY-MM-DD HH24:MI:SS.FF6')"
			}
			return "TO_CHAR(" + v + ", 'YYYY-MM-DD HH24:MI:SS.FF6')"
		}
		rest = []string{distinct, f("MIN(" + q + ")"), f("MAX(" + q + ")"), none, none, none}
	case MetricBoolean:
		rest = []string{distinct, none, none, text("SUM(IFF(" + q + ", 1, 0))"), none, none}
	default:
		rest = []string{"CAST(NULL AS NUMBER)", none, none, none, none, none}
	}
	return append([]string{count, nulls}, rest...), nil
}

// RowCountSQL counts the target's rows.
func RowCountSQL(target migration.TableRef) string {
	return "SELECT COUNT(*) FROM " + TableName(target)
}

// DuplicateKeysSQL counts the key values that occur more than once among the target's
// rows with a complete key: Snowflake does not enforce primary keys, so a row loaded
// twice would otherwise go unnoticed by a schema check.
func DuplicateKeysSQL(target migration.TableRef, keys []string) (string, error) {
	if len(keys) == 0 {
		return "", fmt.Errorf("table %s: no key columns", TableName(target))
	}
	q := make([]string, len(keys))
	notNull := make([]string, len(keys))
	for i, k := range keys {
		q[i] = QuoteIdent(k)
		notNull[i] = q[i] + " IS NOT NULL"
	}
	return "SELECT COUNT(*) FROM (SELECT " + strings.Join(q, ", ") + " FROM " + TableName(target) +
		" WHERE " + strings.Join(notNull, " AND ") + " GROUP BY " + strings.Join(q, ", ") + " HAVING COUNT(*) > 1)", nil
}

// PartitionRowsSQL is the SELECT a person runs on Snowflake to see the target rows of
// a partition's key range, in key order: validation level 3 reports it beside a
// differing partition. Bounds are literals escaped by RangePredicate.
func PartitionRowsSQL(target migration.TableRef, cols []migration.Column, partitionBy []int, p migration.Partition) (string, error) {
	pred, err := RangePredicate(cols, partitionBy, p)
	if err != nil {
		return "", err
	}
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = QuoteIdent(c.TargetName)
	}
	order := make([]string, len(partitionBy))
	for i, idx := range partitionBy {
		order[i] = QuoteIdent(cols[idx].TargetName)
	}
	return "SELECT " + strings.Join(names, ", ") + " FROM " + TableName(target) + " WHERE " + pred +
		" ORDER BY " + strings.Join(order, ", "), nil
}

// RowSQL is the SELECT a person runs on Snowflake to see the target rows with one key:
// keyColumns are indexes into cols, key their canonical key text (the fields joined
// as in a row text, NULL as \N). Values become literals through Literal.
func RowSQL(target migration.TableRef, cols []migration.Column, keyColumns []int, key string) (string, error) {
	fields, nulls, err := checksum.SplitFields(key)
	if err != nil {
		return "", fmt.Errorf("key %q: %w", key, err)
	}
	if len(fields) != len(keyColumns) || len(keyColumns) == 0 {
		return "", fmt.Errorf("key %q has %d fields for %d key columns", key, len(fields), len(keyColumns))
	}
	conds := make([]string, len(keyColumns))
	for i, idx := range keyColumns {
		if idx < 0 || idx >= len(cols) {
			return "", fmt.Errorf("key column index %d is outside the %d columns", idx, len(cols))
		}
		c := cols[idx]
		if nulls[i] {
			conds[i] = QuoteIdent(c.TargetName) + " IS NULL"
			continue
		}
		lit, err := Literal(fields[i], c.TargetType)
		if err != nil {
			return "", fmt.Errorf("key column %s: %w", QuoteIdent(c.TargetName), err)
		}
		conds[i] = QuoteIdent(c.TargetName) + " = " + lit
	}
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = QuoteIdent(c.TargetName)
	}
	return "SELECT " + strings.Join(names, ", ") + " FROM " + TableName(target) + " WHERE " + strings.Join(conds, " AND "), nil
}
