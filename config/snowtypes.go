package config

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Snowflake's type grammar, as far as a columnTypeMappings targetType may use it: a
// type name (some are several words) and optional numeric parameters in parentheses.
// The text goes into CREATE TABLE and casts, so anything outside this grammar is
// refused at validation rather than failing (or doing something else) in Snowflake.

// snowType describes the parameters one Snowflake type name takes.
type snowType struct {
	// params lists, per accepted parameter, its inclusive range; a type takes
	// 0..len(params) parameters.
	params [][2]int64
	// unsupported, when set, says why this release cannot load into the type although
	// Snowflake has it.
	unsupported string
}

// Parameter limits documented by Snowflake.
const (
	maxNumberPrecision = 38
	maxVarcharLength   = 134_217_728 // 128 MiB
	maxBinaryLength    = 67_108_864  // 64 MiB
	maxFractionDigits  = 9
)

var (
	numberType    = snowType{params: [][2]int64{{1, maxNumberPrecision}, {0, maxNumberPrecision - 1}}}
	plainType     = snowType{}
	textType      = snowType{params: [][2]int64{{1, maxVarcharLength}}}
	binaryType    = snowType{params: [][2]int64{{1, maxBinaryLength}}}
	timeType      = snowType{params: [][2]int64{{0, maxFractionDigits}}}
	spatialReason = "Snowflake has it, but this release loads columns only into NUMBER, FLOAT, VARCHAR, BINARY, BOOLEAN, DATE, TIME, TIMESTAMP_NTZ/TZ/LTZ, VARIANT, OBJECT or ARRAY"
)

// snowTypes are the names accepted, upper case, words separated by one space.
var snowTypes = map[string]snowType{
	"NUMBER": numberType, "DECIMAL": numberType, "NUMERIC": numberType, "DEC": numberType,
	"INT": plainType, "INTEGER": plainType, "BIGINT": plainType, "SMALLINT": plainType, "TINYINT": plainType, "BYTEINT": plainType,
	"FLOAT": plainType, "FLOAT4": plainType, "FLOAT8": plainType, "DOUBLE": plainType, "DOUBLE PRECISION": plainType, "REAL": plainType,
	"VARCHAR": textType, "STRING": textType, "TEXT": textType, "CHAR": textType, "CHARACTER": textType,
	"NCHAR": textType, "NVARCHAR": textType, "NVARCHAR2": textType, "CHAR VARYING": textType, "NCHAR VARYING": textType,
	"BINARY": binaryType, "VARBINARY": binaryType,
	"BOOLEAN": plainType, "DATE": plainType,
	"TIME": timeType, "DATETIME": timeType, "TIMESTAMP": timeType,
	"TIMESTAMP_NTZ": timeType, "TIMESTAMPNTZ": timeType, "TIMESTAMP WITHOUT TIME ZONE": timeType,
	"TIMESTAMP_TZ": timeType, "TIMESTAMPTZ": timeType, "TIMESTAMP WITH TIME ZONE": timeType,
	"TIMESTAMP_LTZ": timeType, "TIMESTAMPLTZ": timeType, "TIMESTAMP WITH LOCAL TIME ZONE": timeType,
	"VARIANT": plainType, "OBJECT": plainType, "ARRAY": plainType,
	"GEOGRAPHY": {unsupported: spatialReason}, "GEOMETRY": {unsupported: spatialReason},
	"VECTOR": {unsupported: spatialReason}, "FILE": {unsupported: spatialReason},
}

// typeRE splits a target type into its name and its parenthesised parameters.
var typeRE = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*(?: +[A-Za-z_][A-Za-z0-9_]*)*) *(?:\( *([0-9]+) *(?:, *([0-9]+) *)?\))?$`)

const typeExamples = `e.g. "NUMBER(19,4)", "VARCHAR(100)", "TIMESTAMP_TZ(9)", "FLOAT" or "VARIANT"`

// targetTypeProblem checks a targetType against Snowflake's type grammar and says what
// is wrong and how to write it, or returns "" when it is valid.
func targetTypeProblem(t string) string {
	if msg := typeCharsProblem(t); msg != "" {
		return msg
	}
	norm := strings.Join(strings.Fields(t), " ")
	m := typeRE.FindStringSubmatch(norm)
	if m == nil {
		return fmt.Sprintf("%q is not a Snowflake type: write a type name with optional (length) or (precision, scale), %s", t, typeExamples)
	}
	name := strings.ToUpper(m[1])
	st, ok := snowTypes[name]
	if !ok {
		return fmt.Sprintf("%q: %s is not a Snowflake type; use one of NUMBER, INTEGER, FLOAT, VARCHAR, BINARY, BOOLEAN, DATE, TIME, TIMESTAMP_NTZ, TIMESTAMP_TZ, TIMESTAMP_LTZ, VARIANT, OBJECT, ARRAY (%s)", t, m[1], typeExamples)
	}
	if st.unsupported != "" {
		return fmt.Sprintf("%q: %s", t, st.unsupported)
	}
	var args []string
	for _, a := range m[2:] {
		if a != "" {
			args = append(args, a)
		}
	}
	if len(args) > len(st.params) {
		switch len(st.params) {
		case 0:
			return fmt.Sprintf("%q: %s takes no parameters; write %s", t, name, name)
		default:
			return fmt.Sprintf("%q: %s takes at most %d parameter(s)", t, name, len(st.params))
		}
	}
	vals := make([]int64, len(args))
	for i, a := range args {
		n, err := strconv.ParseInt(a, 10, 64)
		lim := st.params[i]
		if err != nil || n < lim[0] || n > lim[1] {
			return fmt.Sprintf("%q: %s's %s must be %d to %d", t, name, paramName(st, i), lim[0], lim[1])
		}
		vals[i] = n
	}
	if len(vals) == 2 && st.params[0][1] == maxNumberPrecision && vals[1] > vals[0] {
		return fmt.Sprintf("%q: the scale (%d) cannot exceed the precision (%d)", t, vals[1], vals[0])
	}
	return ""
}

func paramName(st snowType, i int) string {
	switch {
	case len(st.params) == 2 && i == 0:
		return "precision"
	case len(st.params) == 2:
		return "scale"
	case st.params[0][0] == 0:
		return "fractional-seconds precision"
	}
	return "length"
}

// typeCharsProblem is the first, character-level gate: only what a type name can
// contain, with balanced parentheses.
func typeCharsProblem(t string) string {
	depth := 0
	for _, r := range t {
		switch {
		case r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_', r == ' ', r == ',':
		case r == '(':
			depth++
		case r == ')':
			depth--
			if depth < 0 {
				return fmt.Sprintf("%q has an unbalanced ')'", t)
			}
		default:
			return fmt.Sprintf("%q is not a Snowflake type: use a type name with optional (precision, scale), %s", t, typeExamples)
		}
	}
	if depth != 0 {
		return fmt.Sprintf("%q has an unclosed '('", t)
	}
	return ""
}
