package source

import (
	"fmt"
	"strings"

	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/migration"
)

// MapColumns applies the dialect's type mapping, columnTypeMappings and
// columnNameMappings to the catalog's columns (in ordinal order). mapped[i] is the
// default mapping of cols[i] (the caller resolves ScanScale first).
func MapColumns(d Dialect, cols []SourceColumn, mapped []Mapping, t config.TableConfig) ([]migration.Column, []string, error) {
	byName := make(map[string]int, len(cols))
	names := make([]string, len(cols))
	for i, c := range cols {
		byName[c.Name] = i
		names[i] = c.Name
	}
	renames := make(map[int]string)
	for i, m := range t.ColumnNameMappings {
		src := d.ResolveName(m.SourceName)
		idx, ok := byName[src]
		if !ok {
			return nil, nil, fmt.Errorf("%w: columnNameMappings[%d].sourceName %q: no column %q in the source table%s",
				ErrMissing, i, m.SourceName, src, hint(src, names))
		}
		tn := SnowflakeName(m.TargetName)
		if tn == "" {
			return nil, nil, fmt.Errorf("%w: columnNameMappings[%d].targetName is empty", ErrConfig, i)
		}
		renames[idx] = tn
	}
	var warnings []string
	out := make([]migration.Column, len(cols))
	seen := make(map[string]string, len(cols))
	for i, c := range cols {
		tt := mapped[i].TargetType
		if mapped[i].Warning != "" {
			warnings = append(warnings, mapped[i].Warning)
		}
		if m, ok := FindTypeMapping(c.Type, t.ColumnTypeMappings); ok {
			parsed, err := ParseTargetType(m.TargetType)
			if err != nil {
				return nil, nil, fmt.Errorf("%w: columnTypeMappings for %q (column %q): %v", ErrConfig, m.SourceType, c.Name, err)
			}
			tt = parsed.Text
		}
		name := TargetColumnName(c.Name)
		if r, ok := renames[i]; ok {
			name = r
		}
		if prev, dup := seen[name]; dup {
			return nil, nil, fmt.Errorf("%w: source columns %q and %q both become target column %q; rename one with columnNameMappings", ErrConfig, prev, c.Name, name)
		}
		seen[name] = c.Name
		out[i] = migration.Column{SourceName: c.Name, SourceType: c.Type, TargetName: name, TargetType: tt, Nullable: c.Nullable}
	}
	return out, warnings, nil
}

// ResolveColumns finds configuration column names (partition or key columns) among
// the source columns, with the dialect's folding. field names the configuration field
// for the error message.
func ResolveColumns(d Dialect, cols []migration.Column, configNames []string, field string) ([]int, error) {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.SourceName
	}
	out := make([]int, 0, len(configNames))
	for i, n := range configNames {
		src := d.ResolveName(n)
		idx := -1
		for j, c := range cols {
			if c.SourceName == src {
				idx = j
				break
			}
		}
		if idx < 0 {
			return nil, fmt.Errorf("%w: %s[%d] %q: no column %q in the source table%s", ErrMissing, field, i, n, src, hint(src, names))
		}
		out = append(out, idx)
	}
	return out, nil
}

func hint(name string, candidates []string) string {
	s := SimilarNames(name, candidates, 5)
	if len(s) == 0 {
		return ""
	}
	q := make([]string, len(s))
	for i, n := range s {
		q[i] = `"\"` + n + `\""`
		if n == strings.ToLower(n) {
			q[i] = `"` + n + `"`
		}
	}
	return " (similar: " + strings.Join(q, ", ") + "; names that are not all lower case must be quoted in the JSON, e.g. \"\\\"MyColumn\\\"\")"
}

// KeyColumns describes partition columns for the SQL builders; it rejects types
// whose order or canonical text is not defined for partitioning.
func KeyColumns(cols []migration.Column, partitionBy []int) ([]KeyColumn, error) {
	keys := make([]KeyColumn, 0, len(partitionBy))
	for _, i := range partitionBy {
		if i < 0 || i >= len(cols) {
			return nil, fmt.Errorf("%w: partitionBy index %d out of range", ErrConfig, i)
		}
		c := cols[i]
		p := ParseType(c.SourceType)
		if !PartitionableType(p) {
			return nil, fmt.Errorf("%w: columnNamesToPartitionBy: column %q has type %s, which cannot partition a table; use integer, numeric, text, date, timestamp or uuid columns", ErrConfig, c.SourceName, c.SourceType)
		}
		if msg := keyOrderProblem(c, p); msg != "" {
			return nil, fmt.Errorf("%w: columnNamesToPartitionBy: %s", ErrConfig, msg)
		}
		k := KeyColumn{Name: c.SourceName, BaseType: StripModifiers(c.SourceType), Collate: IsTextLike(p.Base)}
		if p.Base == "character" {
			// char(n) travels blank-padded (docs/types.md) and Snowflake compares the
			// padded text byte by byte; PostgreSQL's own char comparison ignores
			// trailing blanks, which orders 'a' before 'a\x01' where the padded
			// 'a  ' sorts after it. Keys are compared as the padded text on both sides.
			if !p.HasMods {
				return nil, fmt.Errorf("%w: columnNamesToPartitionBy: column %q is bpchar without a length: its values keep trailing blanks that comparisons ignore, so no key order matches Snowflake's; partition by another column", ErrConfig, c.SourceName)
			}
			k.PadTo = p.Mod(0, 1)
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%w: columnNamesToPartitionBy is empty; name at least one column (e.g. the primary key)", ErrConfig)
	}
	return keys, nil
}

// PartitionableType lists the types whose canonical text bound round-trips.
func PartitionableType(p ParsedType) bool {
	if p.Array {
		return false
	}
	switch p.Base {
	case "smallint", "integer", "bigint", "numeric", "date", "timestamp without time zone",
		"timestamp with time zone", "uuid", "boolean", "time without time zone":
		return true
	}
	return IsTextLike(p.Base)
}
