package sqlserver

import (
	"fmt"
	"strings"

	"github.com/snowmigrate/snowmigrate/source"
)

// column is one row of the catalog query: a column as sys.columns and sys.types
// describe it.
type column struct {
	Name      string
	Type      string // base type name, lower case (alias types resolved; rowversion for timestamp)
	MaxLength int    // bytes; -1 for (max)
	Precision int
	Scale     int
	Collation string
	Nullable  bool
	Identity  bool
	Computed  bool
}

// typeName is the column's type as T-SQL spells it, with its modifiers:
// decimal(38,10), nvarchar(30), varbinary(max), datetime2(7), rowversion. It is the
// migration.Column's SourceType, which columnTypeMappings match.
func (c column) typeName() string {
	switch c.Type {
	case "decimal", "numeric":
		return fmt.Sprintf("%s(%d,%d)", c.Type, c.Precision, c.Scale)
	case "char", "varchar", "binary", "varbinary":
		if c.MaxLength < 0 {
			return c.Type + "(max)"
		}
		return fmt.Sprintf("%s(%d)", c.Type, c.MaxLength)
	case "nchar", "nvarchar":
		if c.MaxLength < 0 {
			return c.Type + "(max)"
		}
		return fmt.Sprintf("%s(%d)", c.Type, c.MaxLength/2)
	case "time", "datetime2", "datetimeoffset":
		return fmt.Sprintf("%s(%d)", c.Type, c.Scale)
	}
	return c.Type
}

// sqlType is a SourceType parsed back: base name and modifiers ("max" is -1).
type sqlType struct {
	Base string
	Mods []int
}

func parseSQLType(t string) sqlType {
	s := strings.ToLower(strings.TrimSpace(t))
	var st sqlType
	if i := strings.IndexByte(s, '('); i >= 0 && strings.HasSuffix(s, ")") {
		for _, m := range strings.Split(s[i+1:len(s)-1], ",") {
			m = strings.TrimSpace(m)
			n := -1
			if m != "max" {
				fmt.Sscanf(m, "%d", &n)
			}
			st.Mods = append(st.Mods, n)
		}
		s = strings.TrimSpace(s[:i])
	}
	st.Base = s
	return st
}

func (t sqlType) mod(i, def int) int {
	if i < len(t.Mods) {
		return t.Mods[i]
	}
	return def
}

// isText reports the character types.
func isText(base string) bool {
	switch base {
	case "char", "varchar", "nchar", "nvarchar", "text", "ntext", "sysname":
		return true
	}
	return false
}

func isInteger(base string) bool {
	switch base {
	case "tinyint", "smallint", "int", "bigint":
		return true
	}
	return false
}

// MapType is the default SQL Server → Snowflake mapping (docs/types.md, "SQL Server").
func MapType(sourceType string) source.Mapping {
	t := parseSQLType(sourceType)
	switch t.Base {
	case "tinyint":
		return source.Mapping{TargetType: "NUMBER(3,0)"}
	case "smallint":
		return source.Mapping{TargetType: "NUMBER(5,0)"}
	case "int":
		return source.Mapping{TargetType: "NUMBER(10,0)"}
	case "bigint":
		return source.Mapping{TargetType: "NUMBER(19,0)"}
	case "bit":
		return source.Mapping{TargetType: "BOOLEAN"}
	case "decimal", "numeric":
		return source.Mapping{TargetType: fmt.Sprintf("NUMBER(%d,%d)", t.mod(0, 18), t.mod(1, 0))}
	case "money":
		return source.Mapping{TargetType: "NUMBER(19,4)"}
	case "smallmoney":
		return source.Mapping{TargetType: "NUMBER(10,4)"}
	case "real", "float":
		return source.Mapping{TargetType: "FLOAT"}
	case "date":
		return source.Mapping{TargetType: "DATE"}
	case "time":
		return source.Mapping{TargetType: fmt.Sprintf("TIME(%d)", t.mod(0, 7))}
	case "smalldatetime":
		return source.Mapping{TargetType: "TIMESTAMP_NTZ(0)"}
	case "datetime":
		return source.Mapping{TargetType: "TIMESTAMP_NTZ(3)"}
	case "datetime2":
		return source.Mapping{TargetType: fmt.Sprintf("TIMESTAMP_NTZ(%d)", t.mod(0, 7))}
	case "datetimeoffset":
		return source.Mapping{TargetType: fmt.Sprintf("TIMESTAMP_TZ(%d)", t.mod(0, 7))}
	case "char", "varchar", "nchar", "nvarchar":
		if n := t.mod(0, 1); n > 0 {
			return source.Mapping{TargetType: fmt.Sprintf("VARCHAR(%d)", n)}
		}
		return source.Mapping{TargetType: "VARCHAR"}
	case "text", "ntext", "sysname", "xml", "sql_variant", "hierarchyid", "geometry", "geography":
		return source.Mapping{TargetType: "VARCHAR"}
	case "binary", "varbinary":
		if n := t.mod(0, 1); n > 0 {
			return source.Mapping{TargetType: fmt.Sprintf("BINARY(%d)", n)}
		}
		return source.Mapping{TargetType: "BINARY"}
	case "image":
		return source.Mapping{TargetType: "BINARY"}
	case "uniqueidentifier":
		return source.Mapping{TargetType: "VARCHAR(36)"}
	case "rowversion", "timestamp":
		return source.Mapping{TargetType: "BINARY(8)"}
	}
	return source.Mapping{TargetType: "VARCHAR", Warning: fmt.Sprintf("type %s has no mapping of its own; it is migrated as its text (CONVERT(nvarchar(max), …))", sourceType)}
}
