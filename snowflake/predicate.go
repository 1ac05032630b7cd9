package snowflake

import (
	"fmt"
	"strings"

	"github.com/snowmigrate/snowmigrate/migration"
)

// RangePredicate is the WHERE condition that selects a partition's rows in the target
// table: Lower < key <= Upper over the partition columns (indexes into cols), compared
// lexicographically. Snowflake has no row-value comparison, so (a,b) > (x,y) is
// expanded to a > x OR (a = x AND b > y). Every key column must be non-NULL in a range
// partition (otherwise a row with a NULL in a later column could satisfy an earlier
// column's strict comparison and be counted twice); the NullKeys partition is exactly
// the rows where any key column is NULL. A nil bound is unbounded on that side.
func RangePredicate(cols []migration.Column, partitionBy []int, p migration.Partition) (string, error) {
	if len(partitionBy) == 0 {
		return "", fmt.Errorf("partition %d: no partition columns", p.Number)
	}
	keys := make([]string, len(partitionBy))
	types := make([]string, len(partitionBy))
	for i, idx := range partitionBy {
		if idx < 0 || idx >= len(cols) {
			return "", fmt.Errorf("partition column index %d is outside the %d columns", idx, len(cols))
		}
		keys[i] = QuoteIdent(cols[idx].TargetName)
		types[i] = cols[idx].TargetType
	}
	if p.NullKeys {
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + " IS NULL"
		}
		return "(" + strings.Join(parts, " OR ") + ")", nil
	}
	conds := make([]string, 0, len(keys)+2)
	for _, k := range keys {
		conds = append(conds, k+" IS NOT NULL")
	}
	if p.Lower != nil {
		c, err := lexCompare(keys, types, p.Lower, ">", ">")
		if err != nil {
			return "", fmt.Errorf("partition %d lower bound: %w", p.Number, err)
		}
		conds = append(conds, c)
	}
	if p.Upper != nil {
		c, err := lexCompare(keys, types, p.Upper, "<", "<=")
		if err != nil {
			return "", fmt.Errorf("partition %d upper bound: %w", p.Number, err)
		}
		conds = append(conds, c)
	}
	return strings.Join(conds, " AND "), nil
}

// lexCompare expands key <op> bound lexicographically: strict is the comparison for
// every column but the last, last is the one for the last column (">" for a strict
// lower bound; "<=" for an inclusive upper bound).
func lexCompare(keys, types, bound []string, strict, last string) (string, error) {
	if len(bound) != len(keys) {
		return "", fmt.Errorf("bound has %d values for %d partition columns", len(bound), len(keys))
	}
	lits := make([]string, len(bound))
	for i, v := range bound {
		l, err := Literal(v, types[i])
		if err != nil {
			return "", fmt.Errorf("column %s: %w", keys[i], err)
		}
		lits[i] = l
	}
	if len(keys) == 1 {
		return keys[0] + " " + last + " " + lits[0], nil
	}
	alts := make([]string, len(keys))
	for i := range keys {
		var terms []string
		for j := 0; j < i; j++ {
			terms = append(terms, keys[j]+" = "+lits[j])
		}
		op := strict
		if i == len(keys)-1 {
			op = last
		}
		terms = append(terms, keys[i]+" "+op+" "+lits[i])
		alts[i] = "(" + strings.Join(terms, " AND ") + ")"
	}
	return "(" + strings.Join(alts, " OR ") + ")", nil
}

// CountRangeSQL counts the target rows of one partition.
func CountRangeSQL(target migration.TableRef, cols []migration.Column, partitionBy []int, p migration.Partition) (string, error) {
	pred, err := RangePredicate(cols, partitionBy, p)
	if err != nil {
		return "", err
	}
	return "SELECT COUNT(*) FROM " + TableName(target) + " WHERE " + pred, nil
}
