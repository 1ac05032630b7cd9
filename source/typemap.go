package source

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/snowmigrate/snowmigrate/config"
)

// Mapping is the Snowflake type chosen for a source column.
type Mapping struct {
	TargetType string
	Warning    string // set when the mapping loses something the user should know about
	// ScanScale asks the runtime to scan the data for the largest scale and integer
	// digits (unconstrained numeric); UnconstrainedNumeric then decides the type.
	ScanScale bool
}

// MapPostgres is the default PostgreSQL → Snowflake mapping (docs/types.md).
func MapPostgres(c SourceColumn) Mapping {
	p := ParseType(c.Type)
	if p.Array {
		return Mapping{TargetType: "ARRAY"}
	}
	if c.UserDefined {
		return Mapping{TargetType: "VARCHAR"}
	}
	switch p.Base {
	case "smallint":
		return Mapping{TargetType: "NUMBER(5,0)"}
	case "integer":
		return Mapping{TargetType: "NUMBER(10,0)"}
	case "bigint":
		return Mapping{TargetType: "NUMBER(19,0)"}
	case "numeric":
		if !p.HasMods {
			return Mapping{TargetType: "NUMBER(38,0)", ScanScale: true}
		}
		prec, scale := p.Mod(0, 38), p.Mod(1, 0)
		if prec > 38 || scale < 0 || scale > prec {
			return Mapping{TargetType: "VARCHAR", Warning: fmt.Sprintf(
				"column %q: %s does not fit Snowflake NUMBER (precision at most 38, scale 0..precision); it is migrated as VARCHAR text", c.Name, c.Type)}
		}
		return Mapping{TargetType: fmt.Sprintf("NUMBER(%d,%d)", prec, scale)}
	case "real", "double precision":
		return Mapping{TargetType: "FLOAT"}
	case "money":
		return Mapping{TargetType: "NUMBER(19,4)"}
	case "text", "citext", "name":
		return Mapping{TargetType: "VARCHAR"}
	case "character varying":
		if p.HasMods {
			return Mapping{TargetType: fmt.Sprintf("VARCHAR(%d)", p.Mod(0, 1))}
		}
		return Mapping{TargetType: "VARCHAR"}
	case "character":
		return Mapping{TargetType: fmt.Sprintf("VARCHAR(%d)", p.Mod(0, 1))}
	case `"char"`:
		return Mapping{TargetType: "VARCHAR(1)"}
	case "bytea":
		return Mapping{TargetType: "BINARY"}
	case "boolean":
		return Mapping{TargetType: "BOOLEAN"}
	case "date":
		return Mapping{TargetType: "DATE"}
	case "time without time zone":
		return Mapping{TargetType: fmt.Sprintf("TIME(%d)", p.Mod(0, 6))}
	case "timestamp without time zone":
		return Mapping{TargetType: fmt.Sprintf("TIMESTAMP_NTZ(%d)", p.Mod(0, 6))}
	case "timestamp with time zone":
		return Mapping{TargetType: fmt.Sprintf("TIMESTAMP_TZ(%d)", p.Mod(0, 6))}
	case "json", "jsonb":
		return Mapping{TargetType: "VARIANT"}
	case "uuid":
		return Mapping{TargetType: "VARCHAR(36)"}
	}
	// time with time zone, interval, inet, cidr, macaddr, xml, bit, enums, geometric
	// types, ranges, tsvector …: their canonical text is exact and loads as VARCHAR.
	return Mapping{TargetType: "VARCHAR"}
}

// UnconstrainedNumeric decides the type of a numeric column declared without
// precision, from the largest scale and integer-digit count found in its data:
// NUMBER(38, maxScale) when everything fits in 38 digits, VARCHAR with a warning
// otherwise. A column with no non-NULL value to measure gets NUMBER(38,9) and a warning
// (rows added later with more than 9 decimals would be rounded).
func UnconstrainedNumeric(name string, found bool, maxScale, maxIntDigits int) Mapping {
	if !found {
		return Mapping{TargetType: "NUMBER(38,9)", Warning: fmt.Sprintf(
			"column %q: numeric without precision and no rows to measure; mapped to NUMBER(38,9) (values with more than 9 decimals are rounded)", name)}
	}
	if maxScale+maxIntDigits > 38 {
		return Mapping{TargetType: "VARCHAR", Warning: fmt.Sprintf(
			"column %q: numeric values need %d integer digits and %d decimals (more than Snowflake's 38); migrated as VARCHAR text", name, maxIntDigits, maxScale)}
	}
	return Mapping{TargetType: fmt.Sprintf("NUMBER(38,%d)", maxScale)}
}

// FindTypeMapping returns the columnTypeMappings entry that applies to a source type:
// an entry whose sourceType has modifiers matches that exact type; one without matches
// every type of that base. Exact matches win; among equals the first listed wins.
// Matching ignores case and accepts the usual aliases (int4, varchar, timestamptz…).
func FindTypeMapping(sourceType string, mappings []config.TypeMapping) (config.TypeMapping, bool) {
	st := ParseType(sourceType)
	for _, m := range mappings {
		mt := ParseType(m.SourceType)
		if mt.HasMods && mt.Normalized() == st.Normalized() {
			return m, true
		}
	}
	for _, m := range mappings {
		mt := ParseType(m.SourceType)
		if !mt.HasMods && mt.Base == st.Base && mt.Array == st.Array {
			return m, true
		}
	}
	return config.TypeMapping{}, false
}

// TargetKind is the family of a Snowflake type; it decides the Parquet type.
type TargetKind int

const (
	TargetNumber TargetKind = iota + 1
	TargetFloat
	TargetText
	TargetBinary
	TargetBoolean
	TargetDate
	TargetTime
	TargetTimestampNTZ
	TargetTimestampTZ
	TargetSemi // VARIANT, OBJECT, ARRAY: loaded from JSON text with PARSE_JSON
)

// TargetType is a parsed Snowflake type.
type TargetType struct {
	Kind      TargetKind
	Precision int // NUMBER precision, TIME/TIMESTAMP fractional digits
	Scale     int
	Text      string // canonical spelling, e.g. NUMBER(12,2)
}

// ParseTargetType parses a Snowflake type as written in a mapping ("DECIMAL(19,4)",
// "varchar", "TIMESTAMP_TZ(6)"); unsupported types are a configuration error.
func ParseTargetType(t string) (TargetType, error) {
	s := strings.ToUpper(strings.Join(strings.Fields(t), " "))
	base, mods := s, []int(nil)
	if i := strings.IndexByte(s, '('); i >= 0 && strings.HasSuffix(s, ")") {
		base = strings.TrimSpace(s[:i])
		for _, m := range strings.Split(s[i+1:len(s)-1], ",") {
			n, err := strconv.Atoi(strings.TrimSpace(m))
			if err != nil {
				return TargetType{}, fmt.Errorf("target type %q: modifier %q is not a number", t, m)
			}
			mods = append(mods, n)
		}
	}
	mod := func(i, def int) int {
		if i < len(mods) {
			return mods[i]
		}
		return def
	}
	switch base {
	case "NUMBER", "DECIMAL", "NUMERIC":
		p, sc := mod(0, 38), mod(1, 0)
		if p < 1 || p > 38 || sc < 0 || sc > 37 || sc > p {
			return TargetType{}, fmt.Errorf("target type %q: NUMBER needs precision 1..38 and scale 0..min(37, precision)", t)
		}
		return TargetType{Kind: TargetNumber, Precision: p, Scale: sc, Text: fmt.Sprintf("NUMBER(%d,%d)", p, sc)}, nil
	case "INT", "INTEGER", "BIGINT", "SMALLINT", "TINYINT", "BYTEINT":
		return TargetType{Kind: TargetNumber, Precision: 38, Text: "NUMBER(38,0)"}, nil
	case "FLOAT", "FLOAT4", "FLOAT8", "DOUBLE", "DOUBLE PRECISION", "REAL":
		return TargetType{Kind: TargetFloat, Text: "FLOAT"}, nil
	case "VARCHAR", "STRING", "TEXT", "CHAR", "CHARACTER", "NCHAR", "NVARCHAR", "NVARCHAR2", "CHAR VARYING", "NCHAR VARYING":
		if len(mods) > 0 {
			return TargetType{Kind: TargetText, Precision: mods[0], Text: fmt.Sprintf("VARCHAR(%d)", mods[0])}, nil
		}
		return TargetType{Kind: TargetText, Text: "VARCHAR"}, nil
	case "BINARY", "VARBINARY":
		if len(mods) > 0 {
			return TargetType{Kind: TargetBinary, Precision: mods[0], Text: fmt.Sprintf("BINARY(%d)", mods[0])}, nil
		}
		return TargetType{Kind: TargetBinary, Text: "BINARY"}, nil
	case "BOOLEAN":
		return TargetType{Kind: TargetBoolean, Text: "BOOLEAN"}, nil
	case "DATE":
		return TargetType{Kind: TargetDate, Text: "DATE"}, nil
	case "TIME":
		p := mod(0, 9)
		return TargetType{Kind: TargetTime, Precision: p, Text: fmt.Sprintf("TIME(%d)", p)}, nil
	case "TIMESTAMP_NTZ", "DATETIME", "TIMESTAMP", "TIMESTAMPNTZ", "TIMESTAMP WITHOUT TIME ZONE":
		p := mod(0, 9)
		return TargetType{Kind: TargetTimestampNTZ, Precision: p, Text: fmt.Sprintf("TIMESTAMP_NTZ(%d)", p)}, nil
	case "TIMESTAMP_TZ", "TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE", "TIMESTAMP_LTZ", "TIMESTAMPLTZ", "TIMESTAMP WITH LOCAL TIME ZONE":
		p := mod(0, 9)
		name := "TIMESTAMP_TZ"
		if strings.Contains(base, "LTZ") || strings.Contains(base, "LOCAL") {
			name = "TIMESTAMP_LTZ"
		}
		return TargetType{Kind: TargetTimestampTZ, Precision: p, Text: fmt.Sprintf("%s(%d)", name, p)}, nil
	case "VARIANT", "OBJECT", "ARRAY":
		return TargetType{Kind: TargetSemi, Text: base}, nil
	}
	return TargetType{}, fmt.Errorf("target type %q is not supported; use NUMBER(p,s), FLOAT, VARCHAR[(n)], BINARY, BOOLEAN, DATE, TIME, TIMESTAMP_NTZ, TIMESTAMP_TZ, TIMESTAMP_LTZ, VARIANT, OBJECT or ARRAY", t)
}
