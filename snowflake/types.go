package snowflake

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Type families, named as <db>.INFORMATION_SCHEMA.COLUMNS.DATA_TYPE names them. Every
// Snowflake type name and synonym maps to one of these.
const (
	FamNumber       = "NUMBER"
	FamFloat        = "FLOAT"
	FamText         = "TEXT"
	FamBinary       = "BINARY"
	FamBoolean      = "BOOLEAN"
	FamDate         = "DATE"
	FamTime         = "TIME"
	FamTimestampNTZ = "TIMESTAMP_NTZ"
	FamTimestampLTZ = "TIMESTAMP_LTZ"
	FamTimestampTZ  = "TIMESTAMP_TZ"
	FamVariant      = "VARIANT"
	FamObject       = "OBJECT"
	FamArray        = "ARRAY"
	FamGeography    = "GEOGRAPHY"
	FamGeometry     = "GEOMETRY"
)

var familyOf = map[string]string{
	"NUMBER": FamNumber, "DECIMAL": FamNumber, "NUMERIC": FamNumber, "DEC": FamNumber,
	"INT": FamNumber, "INTEGER": FamNumber, "BIGINT": FamNumber, "SMALLINT": FamNumber,
	"TINYINT": FamNumber, "BYTEINT": FamNumber, "FIXED": FamNumber,
	"FLOAT": FamFloat, "FLOAT4": FamFloat, "FLOAT8": FamFloat, "DOUBLE": FamFloat,
	"DOUBLE PRECISION": FamFloat, "REAL": FamFloat,
	"VARCHAR": FamText, "CHAR": FamText, "CHARACTER": FamText, "STRING": FamText, "TEXT": FamText,
	"NCHAR": FamText, "NVARCHAR": FamText, "NVARCHAR2": FamText, "CHAR VARYING": FamText,
	"NCHAR VARYING": FamText, "CHARACTER VARYING": FamText,
	"BINARY": FamBinary, "VARBINARY": FamBinary,
	"BOOLEAN": FamBoolean, "BOOL": FamBoolean,
	"DATE": FamDate, "TIME": FamTime,
	"TIMESTAMP_NTZ": FamTimestampNTZ, "DATETIME": FamTimestampNTZ, "TIMESTAMP": FamTimestampNTZ,
	"TIMESTAMPNTZ": FamTimestampNTZ, "TIMESTAMP WITHOUT TIME ZONE": FamTimestampNTZ,
	"TIMESTAMP_LTZ": FamTimestampLTZ, "TIMESTAMPLTZ": FamTimestampLTZ, "TIMESTAMP WITH LOCAL TIME ZONE": FamTimestampLTZ,
	"TIMESTAMP_TZ": FamTimestampTZ, "TIMESTAMPTZ": FamTimestampTZ, "TIMESTAMP WITH TIME ZONE": FamTimestampTZ,
	"VARIANT": FamVariant, "OBJECT": FamObject, "ARRAY": FamArray,
	"GEOGRAPHY": FamGeography, "GEOMETRY": FamGeometry,
}

// SQLType is a parsed Snowflake type: its family and the numbers in parentheses.
type SQLType struct {
	Raw    string // as written, trimmed and upper-cased
	Family string // one of the Fam* constants, "" when unknown
	Args   []int  // e.g. NUMBER(12,2) → [12 2]; VARCHAR(10) → [10]
}

var typeRE = regexp.MustCompile(`^([A-Z_ 0-9]+?)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?$`)

// ParseType parses a Snowflake type name such as "NUMBER(12,2)" or "timestamp_tz(6)".
func ParseType(s string) (SQLType, error) {
	raw := strings.ToUpper(strings.Join(strings.Fields(s), " "))
	m := typeRE.FindStringSubmatch(raw)
	if m == nil {
		return SQLType{Raw: raw}, fmt.Errorf("cannot parse Snowflake type %q", s)
	}
	t := SQLType{Raw: raw, Family: familyOf[m[1]]}
	for _, a := range m[2:] {
		if a != "" {
			n, _ := strconv.Atoi(a)
			t.Args = append(t.Args, n)
		}
	}
	if t.Family == "" {
		return t, fmt.Errorf("unknown Snowflake type %q", s)
	}
	return t, nil
}

// NeedsJSONParse reports whether Parquet carries this column as JSON text that COPY must
// PARSE_JSON (semi-structured targets).
func (t SQLType) NeedsJSONParse() bool {
	return t.Family == FamVariant || t.Family == FamObject || t.Family == FamArray
}

// needsTransform reports whether MATCH_BY_COLUMN_NAME cannot load this column directly:
// semi-structured columns arrive as JSON text and geospatial ones as WKT text.
func (t SQLType) needsTransform() bool {
	return t.NeedsJSONParse() || t.Family == FamGeography || t.Family == FamGeometry
}

// precisionScale returns NUMBER's precision and scale with Snowflake's defaults: a bare
// NUMBER/DECIMAL and every integer synonym are NUMBER(38,0).
func (t SQLType) precisionScale() (int, int) {
	p, s := 38, 0
	if len(t.Args) > 0 {
		p = t.Args[0]
	}
	if len(t.Args) > 1 {
		s = t.Args[1]
	}
	return p, s
}
