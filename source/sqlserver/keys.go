package sqlserver

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
)

// keyColumns describes the partition columns; it refuses types whose order SQL
// Server and Snowflake do not share, and mappings that would change the order.
func keyColumns(cols []migration.Column, partitionBy []int) ([]keyColumn, error) {
	if len(partitionBy) == 0 {
		return nil, fmt.Errorf("%w: columnNamesToPartitionBy is empty; name at least one column (e.g. the primary key)", source.ErrConfig)
	}
	keys := make([]keyColumn, 0, len(partitionBy))
	for _, i := range partitionBy {
		if i < 0 || i >= len(cols) {
			return nil, fmt.Errorf("%w: partitionBy index %d out of range", source.ErrConfig, i)
		}
		c := cols[i]
		st := parseSQLType(c.SourceType)
		var want source.TargetKind
		switch b := st.Base; {
		case isInteger(b), b == "decimal", b == "numeric", b == "money", b == "smallmoney":
			want = source.TargetNumber
		case b == "date":
			want = source.TargetDate
		case b == "datetime", b == "datetime2", b == "smalldatetime":
			want = source.TargetTimestampNTZ
		case b == "char", b == "varchar", b == "nchar", b == "nvarchar", b == "sysname", b == "uniqueidentifier":
			// uniqueidentifier is ordered as its text (SQL Server's own GUID order
			// compares byte groups from the last one; Snowflake holds the text).
			want = source.TargetText
		default:
			return nil, fmt.Errorf("%w: columnNamesToPartitionBy: column %q has type %s, which cannot partition a table; use integer, decimal, money, date, datetime, datetime2, smalldatetime, char, varchar, nchar, nvarchar or uniqueidentifier columns (datetimeoffset and the rest order differently on Snowflake)",
				source.ErrConfig, c.SourceName, c.SourceType)
		}
		if c.TargetType != "" {
			tt, err := source.ParseTargetType(c.TargetType)
			if err != nil {
				return nil, fmt.Errorf("%w: %v", source.ErrConfig, err)
			}
			ok := tt.Kind == want
			switch want {
			case source.TargetNumber:
				ok = ok && tt.Scale >= scaleOf(st)
			case source.TargetTimestampNTZ:
				ok = ok && tt.Precision >= fracDigits(st)
			}
			if !ok {
				return nil, fmt.Errorf("%w: columnNamesToPartitionBy: column %q (%s) is mapped to %s, which orders or compares its values differently on Snowflake (partitions are verified by key range on the target); partition by another column, or map this one to a type of the same family with at least the source's scale and precision",
					source.ErrConfig, c.SourceName, c.SourceType, tt.Text)
			}
		}
		keys = append(keys, keyColumn{Name: c.SourceName, Type: st, Text: want == source.TargetText})
	}
	return keys, nil
}

func scaleOf(st sqlType) int {
	switch st.Base {
	case "decimal", "numeric":
		return st.mod(1, 0)
	case "money", "smallmoney":
		return 4
	}
	return 0
}

// boundText is the canonical text of a key value as the driver returns it
// (docs/types.md, "Partitions"): decimal text for numbers, YYYY-MM-DD for dates,
// YYYY-MM-DD hh:mm:ss[.f…] with the type's fractional digits for timestamps, text as
// is.
func (k keyColumn) boundText(v any) (string, error) {
	switch x := v.(type) {
	case int64:
		return strconv.FormatInt(x, 10), nil
	case []byte:
		return string(x), nil
	case string:
		return x, nil
	case time.Time:
		if k.Type.Base == "date" {
			return x.Format("2006-01-02"), nil
		}
		return formatTimestamp(x, fracDigits(k.Type)), nil
	}
	return "", fmt.Errorf("partition column %q: unexpected value of type %T", k.Name, v)
}

// param is the sp_executesql parameter for a bound's canonical text; the statement
// converts it to the column's type (paramExprs). datetime and smalldatetime read
// 'YYYY-MM-DD hh:mm' according to SET DATEFORMAT; the ISO 8601 form with a T does
// not depend on it.
func (k keyColumn) param(text string) (any, error) {
	switch k.Type.Base {
	case "datetime", "smalldatetime":
		if len(text) >= 19 && text[10] == ' ' {
			text = text[:10] + "T" + text[11:]
		}
	case "nvarchar", "nchar", "varchar", "char", "sysname", "uniqueidentifier":
	default:
		if strings.ContainsAny(text, "'\x00") {
			return nil, fmt.Errorf("partition column %q: bound %q is not a %s value", k.Name, clip(text), k.Type.Base)
		}
	}
	return text, nil
}

// formatTimestamp writes YYYY-MM-DD hh:mm:ss with digits fractional digits.
func formatTimestamp(t time.Time, digits int) string {
	s := t.Format("2006-01-02 15:04:05")
	if digits > 0 {
		s += "." + fraction(t, digits)
	}
	return s
}

// fraction is the first digits digits of t's nanoseconds.
func fraction(t time.Time, digits int) string {
	f := fmt.Sprintf("%09d", t.Nanosecond())
	return f[:digits]
}

// clip shortens a value for a message.
func clip(s string) string {
	if len(s) > 200 {
		return fmt.Sprintf("%s… (%d bytes)", s[:200], len(s))
	}
	return s
}
