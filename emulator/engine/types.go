package engine

import (
	"fmt"
	"strconv"
	"strings"
)

// sfType is a Snowflake column type after normalisation.
type sfType struct {
	Base      string // NUMBER FLOAT VARCHAR BINARY BOOLEAN DATE TIME TIMESTAMP_NTZ TIMESTAMP_LTZ TIMESTAMP_TZ VARIANT OBJECT ARRAY
	Precision int    // NUMBER precision, TIME/TIMESTAMP fractional precision
	Scale     int    // NUMBER scale
	Length    int    // VARCHAR/BINARY length
	// Legacy marks a TIME/TIMESTAMP_* whose storage is DuckDB's own microsecond type
	// although its precision would make it extended (views over such columns, tables
	// created by an older emulator): see ext.go.
	Legacy bool
}

// String is the Snowflake spelling, e.g. NUMBER(38,0), VARCHAR(16777216), TIMESTAMP_NTZ(9).
func (t sfType) String() string {
	switch t.Base {
	case "NUMBER":
		return fmt.Sprintf("NUMBER(%d,%d)", t.Precision, t.Scale)
	case "VARCHAR", "BINARY":
		return fmt.Sprintf("%s(%d)", t.Base, t.Length)
	case "TIME", "TIMESTAMP_NTZ", "TIMESTAMP_LTZ", "TIMESTAMP_TZ":
		return fmt.Sprintf("%s(%d)", t.Base, t.Precision)
	}
	return t.Base
}

// Duck is the DuckDB storage type. VARIANT/OBJECT/ARRAY are stored as JSON text in
// VARCHAR (DuckDB's JSON type would be decoded into Go maps by the driver).
func (t sfType) Duck() string {
	if t.extended() {
		return extDuck(t.Base)
	}
	switch t.Base {
	case "NUMBER":
		return fmt.Sprintf("DECIMAL(%d,%d)", t.Precision, t.Scale)
	case "FLOAT":
		return "DOUBLE"
	case "VARCHAR", "VARIANT", "OBJECT", "ARRAY":
		return "VARCHAR"
	case "BINARY":
		return "BLOB"
	case "BOOLEAN":
		return "BOOLEAN"
	case "DATE":
		return "DATE"
	case "TIME":
		return "TIME"
	case "TIMESTAMP_NTZ":
		return "TIMESTAMP"
	case "TIMESTAMP_LTZ", "TIMESTAMP_TZ":
		return "TIMESTAMPTZ"
	}
	return "VARCHAR"
}

// Column converts to a wire column description.
func (t sfType) Column(name string, nullable bool) Column {
	c := Column{Name: name, Nullable: nullable}
	switch t.Base {
	case "NUMBER":
		c.Type, c.Precision, c.Scale = "fixed", int64(t.Precision), int64(t.Scale)
	case "FLOAT":
		c.Type = "real"
	case "VARCHAR":
		c.Type, c.Length = "text", int64(t.Length)
	case "BINARY":
		c.Type, c.Length = "binary", int64(t.Length)
	case "BOOLEAN":
		c.Type = "boolean"
	case "DATE":
		c.Type = "date"
	case "TIME":
		c.Type, c.Scale = "time", int64(t.Precision)
	case "TIMESTAMP_NTZ", "TIMESTAMP_LTZ", "TIMESTAMP_TZ":
		c.Type, c.Scale = strings.ToLower(t.Base), int64(t.Precision)
	case "VARIANT", "OBJECT", "ARRAY":
		c.Type = strings.ToLower(t.Base)
	default:
		c.Type = "text"
	}
	return c
}

// infoDataType is INFORMATION_SCHEMA.COLUMNS.DATA_TYPE (VARCHAR shows as TEXT).
func (t sfType) infoDataType() string {
	if t.Base == "VARCHAR" {
		return "TEXT"
	}
	return t.Base
}

// parseSFTypeString parses a stored type string such as NUMBER(38,0).
func parseSFTypeString(s string) (sfType, error) {
	toks, err := lex(s)
	if err != nil {
		return sfType{}, err
	}
	toks = padEOF(toks)
	t, _, err := parseSFType(toks, 0)
	return t, err
}

// parseSFType reads a Snowflake type at toks[i] (e.g. NUMBER(10,2), DOUBLE PRECISION,
// TIMESTAMP WITH TIME ZONE, VARCHAR(20)) and returns it with the index after it.
func parseSFType(toks []Token, i int) (sfType, int, error) {
	t0 := toks[i]
	if t0.Kind != TkWord {
		return sfType{}, i, Errorf(ErrSyntax, "42000", "SQL compilation error: expected a data type but got '%s'", tokText(t0))
	}
	i++
	name := t0.Val
	// multi-word spellings
	switch {
	case name == "DOUBLE" && toks[i].Is("PRECISION"):
		i++
	case (name == "CHAR" || name == "CHARACTER" || name == "NCHAR") && toks[i].Is("VARYING"):
		name = "VARCHAR"
		i++
	case name == "TIMESTAMP" && toks[i].Is("WITH") && toks[i+1].Is("LOCAL"):
		name, i = "TIMESTAMP_LTZ", i+4 // WITH LOCAL TIME ZONE
	case name == "TIMESTAMP" && toks[i].Is("WITH"):
		name, i = "TIMESTAMP_TZ", i+3 // WITH TIME ZONE
	case name == "TIMESTAMP" && toks[i].Is("WITHOUT"):
		name, i = "TIMESTAMP_NTZ", i+3
	}
	var args []int
	if toks[i].IsOp("(") {
		j := i + 1
		for {
			if toks[j].Kind != TkNumber {
				return sfType{}, i, Errorf(ErrSyntax, "42000", "SQL compilation error: invalid type arguments for %s", name)
			}
			v, err := strconv.Atoi(toks[j].Text)
			if err != nil {
				return sfType{}, i, Errorf(ErrSyntax, "42000", "SQL compilation error: invalid type argument '%s' for %s", toks[j].Text, name)
			}
			args = append(args, v)
			j++
			if toks[j].IsOp(",") {
				j++
				continue
			}
			if !toks[j].IsOp(")") {
				return sfType{}, i, Errorf(ErrSyntax, "42000", "SQL compilation error: invalid type arguments for %s", name)
			}
			i = j + 1
			break
		}
	}
	arg := func(k, def int) int {
		if k < len(args) {
			return args[k]
		}
		return def
	}
	var t sfType
	switch name {
	case "NUMBER", "DECIMAL", "NUMERIC", "DEC":
		t = sfType{Base: "NUMBER", Precision: arg(0, 38), Scale: arg(1, 0)}
		if t.Precision < 1 || t.Precision > 38 || t.Scale < 0 || t.Scale > t.Precision {
			return t, i, Errorf(ErrSyntax, "42000", "SQL compilation error: invalid precision/scale (%d,%d) for %s; precision must be 1..38 and scale 0..precision", t.Precision, t.Scale, name)
		}
	case "INT", "INTEGER", "BIGINT", "SMALLINT", "TINYINT", "BYTEINT":
		t = sfType{Base: "NUMBER", Precision: 38}
	case "FLOAT", "FLOAT4", "FLOAT8", "DOUBLE", "REAL":
		t = sfType{Base: "FLOAT"}
	case "VARCHAR", "STRING", "TEXT", "NVARCHAR", "NVARCHAR2", "CHAR_VARYING", "NCHAR_VARYING":
		t = sfType{Base: "VARCHAR", Length: arg(0, 16777216)}
	case "CHAR", "CHARACTER", "NCHAR":
		t = sfType{Base: "VARCHAR", Length: arg(0, 1)}
	case "BINARY", "VARBINARY":
		t = sfType{Base: "BINARY", Length: arg(0, 8388608)}
	case "BOOLEAN", "BOOL":
		t = sfType{Base: "BOOLEAN"}
	case "DATE":
		t = sfType{Base: "DATE"}
	case "TIME":
		t = sfType{Base: "TIME", Precision: arg(0, 9)}
	case "TIMESTAMP", "DATETIME", "TIMESTAMP_NTZ", "TIMESTAMPNTZ":
		t = sfType{Base: "TIMESTAMP_NTZ", Precision: arg(0, 9)}
	case "TIMESTAMP_LTZ", "TIMESTAMPLTZ":
		t = sfType{Base: "TIMESTAMP_LTZ", Precision: arg(0, 9)}
	case "TIMESTAMP_TZ", "TIMESTAMPTZ":
		t = sfType{Base: "TIMESTAMP_TZ", Precision: arg(0, 9)}
	case "VARIANT", "OBJECT", "ARRAY":
		t = sfType{Base: name}
	default:
		return t, i, Errorf(ErrSyntax, "42000", "SQL compilation error: unsupported data type '%s'", t0.Text)
	}
	if (t.Base == "TIME" || strings.HasPrefix(t.Base, "TIMESTAMP")) && (t.Precision < 0 || t.Precision > 9) {
		return t, i, Errorf(ErrSyntax, "42000", "SQL compilation error: invalid fractional seconds precision %d for %s (0..9)", t.Precision, name)
	}
	return t, i, nil
}

// duckTypeColumn maps a DuckDB result type name to a wire column when no Snowflake type
// is known for the column.
func duckTypeColumn(name, duckType string) Column {
	c := Column{Name: name, Nullable: true}
	dt := strings.ToUpper(duckType)
	switch {
	case strings.HasPrefix(dt, "DECIMAL"):
		p, s := 38, 0
		fmt.Sscanf(dt, "DECIMAL(%d,%d)", &p, &s)
		c.Type, c.Precision, c.Scale = "fixed", int64(p), int64(s)
	case dt == "TINYINT" || dt == "SMALLINT" || dt == "INTEGER" || dt == "BIGINT" ||
		dt == "UTINYINT" || dt == "USMALLINT" || dt == "UINTEGER":
		c.Type, c.Precision = "fixed", 18
	case dt == "UBIGINT" || dt == "HUGEINT" || dt == "UHUGEINT":
		c.Type, c.Precision = "fixed", 38
	case dt == "FLOAT" || dt == "DOUBLE":
		c.Type = "real"
	case dt == "BOOLEAN":
		c.Type = "boolean"
	case dt == "DATE":
		c.Type = "date"
	case extBaseOfDuck(dt) != "":
		c.Type, c.Scale = strings.ToLower(extBaseOfDuck(dt)), 9
	case dt == "TIME":
		c.Type, c.Scale = "time", 9
	case dt == "TIMESTAMP" || dt == "TIMESTAMP_S" || dt == "TIMESTAMP_MS" || dt == "TIMESTAMP_NS":
		c.Type, c.Scale = "timestamp_ntz", 9
	case dt == "TIMESTAMPTZ" || dt == "TIMESTAMP WITH TIME ZONE":
		c.Type, c.Scale = "timestamp_ltz", 9
	case dt == "BLOB":
		c.Type, c.Length = "binary", 8388608
	case strings.HasSuffix(dt, "[]") || strings.HasPrefix(dt, "LIST") || strings.HasPrefix(dt, "STRUCT") || strings.HasPrefix(dt, "MAP"):
		c.Type = "variant"
	default:
		c.Type, c.Length = "text", 16777216
	}
	return c
}

// duckTypeSF gives the Snowflake type of a DuckDB column type (views, CTAS results).
func duckTypeSF(duckType string) sfType {
	c := duckTypeColumn("", duckType)
	switch c.Type {
	case "fixed":
		p := int(c.Precision)
		if p == 18 {
			p = 38
		}
		return sfType{Base: "NUMBER", Precision: p, Scale: int(c.Scale)}
	case "real":
		return sfType{Base: "FLOAT"}
	case "boolean":
		return sfType{Base: "BOOLEAN"}
	case "date":
		return sfType{Base: "DATE"}
	case "time", "timestamp_ntz", "timestamp_ltz", "timestamp_tz":
		return sfType{Base: strings.ToUpper(c.Type), Precision: 9, Legacy: extBaseOfDuck(duckType) == ""}
	case "binary":
		return sfType{Base: "BINARY", Length: 8388608}
	case "variant":
		return sfType{Base: "VARIANT"}
	}
	return sfType{Base: "VARCHAR", Length: 16777216}
}
