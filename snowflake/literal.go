package snowflake

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// StringLiteral renders s as a Snowflake single-quoted string literal. Inside one, a
// backslash starts an escape sequence, so backslashes are doubled as well as quotes;
// NUL cannot appear raw and is written as \x00.
func StringLiteral(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `'`, `''`, "\x00", `\x00`)
	return "'" + r.Replace(s) + "'"
}

// NullableString is StringLiteral, or NULL for "".
func NullableString(s string) string {
	if s == "" {
		return "NULL"
	}
	return StringLiteral(s)
}

// tsLayout is ISO 8601 with microseconds and an explicit offset, which Snowflake's AUTO
// timestamp input format reads for every timestamp type.
const tsLayout = "2006-01-02T15:04:05.000000-07:00"

// TimestampLiteral renders t (in UTC) as a TIMESTAMP_TZ literal.
func TimestampLiteral(t time.Time) string {
	return StringLiteral(t.UTC().Format(tsLayout)) + "::TIMESTAMP_TZ"
}

// NullableTimestamp is TimestampLiteral, or CAST(NULL AS TIMESTAMP_TZ) for nil or the zero time.
func NullableTimestamp(t *time.Time) string {
	if t == nil || t.IsZero() {
		return "CAST(NULL AS TIMESTAMP_TZ)"
	}
	return TimestampLiteral(*t)
}

var numberRE = regexp.MustCompile(`^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$`)

// Literal renders a canonical text value (see migration.Partition) as a literal of the
// given Snowflake target type. Numbers are written bare after validation (so nothing
// can be injected through them); booleans as TRUE/FALSE; text as a plain string
// literal (a cast to VARCHAR(n) would fail on longer bounds); every other type as
// '…'::<type>, which makes Snowflake parse the canonical text with the column's type.
func Literal(value, targetType string) (string, error) {
	t, err := ParseType(targetType)
	if err != nil {
		return "", err
	}
	switch t.Family {
	case FamNumber:
		if !numberRE.MatchString(value) {
			return "", fmt.Errorf("value %q is not a number (column type %s)", value, targetType)
		}
		return value, nil
	case FamFloat:
		switch strings.ToLower(value) {
		case "nan":
			return "'NaN'::FLOAT", nil
		case "inf", "+inf", "infinity", "+infinity":
			return "'inf'::FLOAT", nil
		case "-inf", "-infinity":
			return "'-inf'::FLOAT", nil
		}
		if !numberRE.MatchString(value) {
			return "", fmt.Errorf("value %q is not a number (column type %s)", value, targetType)
		}
		return value, nil
	case FamBoolean:
		switch strings.ToLower(value) {
		case "true", "t", "1", "yes", "on":
			return "TRUE", nil
		case "false", "f", "0", "no", "off":
			return "FALSE", nil
		}
		return "", fmt.Errorf("value %q is not a boolean (column type %s)", value, targetType)
	case FamText:
		return StringLiteral(value), nil
	default:
		return StringLiteral(value) + "::" + t.Raw, nil
	}
}
