package source

import (
	"context"

	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/migration"
)

// Profiler is implemented by the sources that compute validation level 2's column
// metrics in SQL (docs/validation.md): the same metrics Snowflake computes over the
// target (snowflake.ProfileColumnsSQL), on the values as the target holds them after
// the type mapping, so that equal data gives equal metrics. The source activities
// type-assert it; a source without it gets a "not supported for <platform>" result,
// never a crash.
type Profiler interface {
	// ProfileColumns returns one ColumnMetrics per req.Columns, in that order, over
	// the rows that pass the table's filter (the rows the migration moved).
	ProfileColumns(ctx context.Context, req ProfileRequest) ([]ColumnMetrics, error)
	// PartitionSQL is the SELECT a person runs on the source to see the rows of
	// req's partition (its range and the table's filter), in key order: validation
	// level 3 reports it beside each differing partition. Values in it are literals
	// escaped by the dialect.
	PartitionSQL(req ExtractRequest) (string, error)
	// RowSQL is the SELECT that shows the rows with one key: keyColumns are indexes
	// into req.Columns, key is their canonical key text (migration.RowImage.Key: the
	// fields joined as in a row text). Level 3 reports it beside each differing row.
	RowSQL(req ExtractRequest, keyColumns []int, key string) (string, error)
}

// ProfileRequest names the table (for its filter) and the columns to profile: the
// migration's columns that the target also has (docs/validation.md: later levels run
// on the columns both sides have).
type ProfileRequest struct {
	Table config.TableConfig
	migration.TableShape
}

// Metric kinds: which metrics a column gets, decided by its target type family.
const (
	MetricNumber   = "number"   // NUMBER: min, max, sum, avg, stddev of the value
	MetricFloat    = "float"    // FLOAT: min, max (no sum, avg, stddev: they overflow and depend on row order)
	MetricText     = "text"     // VARCHAR/CHAR: min, max, sum, avg, stddev of the length in characters
	MetricBinary   = "binary"   // BINARY: the same of the length in bytes
	MetricTemporal = "temporal" // DATE, TIME, TIMESTAMP_*: min, max as canonical text (UTC instants for TZ/LTZ)
	MetricBoolean  = "boolean"  // BOOLEAN: sum = number of true values
	MetricPresence = "presence" // VARIANT/OBJECT/ARRAY/GEOGRAPHY/GEOMETRY: count and nulls only
)

// ColumnMetrics are one column's level-2 metrics. Numbers travel as decimal text so
// that no precision is lost on the way (NUMBER(38,s) sums exceed float64); nil means
// SQL NULL (no non-NULL value) or a metric the kind does not have.
type ColumnMetrics struct {
	Column   string  `json:"column"` // target name
	Kind     string  `json:"kind"`   // Metric*
	Count    int64   `json:"count"`  // non-NULL values
	Nulls    int64   `json:"nulls"`
	Distinct *int64  `json:"distinct,omitempty"` // distinct non-NULL values (not for MetricPresence)
	Min      *string `json:"min,omitempty"`
	Max      *string `json:"max,omitempty"`
	Sum      *string `json:"sum,omitempty"`
	Avg      *string `json:"avg,omitempty"`
	Stddev   *string `json:"stddev,omitempty"` // sample standard deviation
}

// MetricKind is the metric kind of a target type (a Snowflake type name as in
// migration.Column.TargetType); unknown types get MetricPresence.
func MetricKind(targetType string) string {
	tt, err := ParseTargetType(targetType)
	if err != nil {
		return MetricPresence
	}
	switch tt.Kind {
	case TargetNumber:
		return MetricNumber
	case TargetFloat:
		return MetricFloat
	case TargetText:
		return MetricText
	case TargetBinary:
		return MetricBinary
	case TargetDate, TargetTime, TargetTimestampNTZ, TargetTimestampTZ: // TIMESTAMP_LTZ parses as TargetTimestampTZ
		return MetricTemporal
	case TargetBoolean:
		return MetricBoolean
	}
	return MetricPresence
}
