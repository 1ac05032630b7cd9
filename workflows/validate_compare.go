package workflows

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/activities/sourceapi"
)

// Level 2's comparison (docs/validation.md, "Tolerance"): pure code, so that it is
// deterministic in the workflow and unit-tested on its own.

// avgStddevFloor is the relative tolerance avg and stddev always get: the engines
// compute them at different precisions (PostgreSQL's numeric avg has 16+ significant
// digits, Snowflake's AVG of NUMBER(p,s) has scale s+6, stddev is a float), so equal
// data agrees to about six significant digits, not to the last one.
const avgStddevFloor = 1e-6

// metricNames are the compared metrics, in report order.
var metricNames = []string{"count", "nulls", "distinct", "min", "max", "sum", "avg", "stddev"}

// compareMetrics compares the source's and the target's metrics of the same columns
// (matched by target name). Counts (count, nulls, distinct) are exact; min and max of
// temporal values are compared as canonical text; every other metric is a number
// compared with the relative tolerance tol (|s − t| ≤ tol·max(|s|, |t|)).
func compareMetrics(src, tgt []sourceapi.ColumnMetrics, tol float64) (diffs []snowflakeapi.ValidationDifference, compared int64) {
	byName := make(map[string]sourceapi.ColumnMetrics, len(tgt))
	for _, m := range tgt {
		byName[m.Column] = m
	}
	for _, s := range src {
		t, ok := byName[s.Column]
		if !ok {
			diffs = append(diffs, snowflakeapi.ValidationDifference{Level: 2, ID: s.Column + "/column", Kind: snowflakeapi.DiffMetric,
				Column: s.Column, Metric: "column", SourceValue: strPtr("profiled"), TargetValue: strPtr("not profiled")})
			continue
		}
		sv, tv := metricValues(s), metricValues(t)
		for i, name := range metricNames {
			a, b := sv[i], tv[i]
			if a == nil && b == nil {
				continue
			}
			compared++
			if metricEqual(name, s.Kind, a, b, tol) {
				continue
			}
			diffs = append(diffs, snowflakeapi.ValidationDifference{Level: 2, ID: s.Column + "/" + name, Kind: snowflakeapi.DiffMetric,
				Column: s.Column, Metric: name, SourceValue: a, TargetValue: b})
		}
	}
	return diffs, compared
}

func strPtr(s string) *string { return &s }

func metricValues(m sourceapi.ColumnMetrics) []*string {
	i := func(n int64) *string { return strPtr(fmt.Sprint(n)) }
	var d *string
	if m.Distinct != nil {
		d = i(*m.Distinct)
	}
	return []*string{i(m.Count), i(m.Nulls), d, m.Min, m.Max, m.Sum, m.Avg, m.Stddev}
}

func metricEqual(name, kind string, a, b *string, tol float64) bool {
	if a == nil || b == nil {
		return false
	}
	switch {
	case name == "count" || name == "nulls" || name == "distinct":
		return *a == *b
	case kind == "temporal":
		return *a == *b
	}
	if name == "avg" || name == "stddev" {
		tol = max(tol, avgStddevFloor)
	}
	return numbersClose(*a, *b, tol)
}

// numbersClose compares two decimal texts (any engine's spelling: 12.30, 1.23e+01,
// NaN, Infinity/inf) within the relative tolerance.
func numbersClose(a, b string, tol float64) bool {
	sa, sb := specialNumber(a), specialNumber(b)
	if sa != "" || sb != "" {
		return sa == sb
	}
	x, ok1 := new(big.Float).SetPrec(256).SetString(strings.TrimSpace(a))
	y, ok2 := new(big.Float).SetPrec(256).SetString(strings.TrimSpace(b))
	if !ok1 || !ok2 {
		return a == b
	}
	if x.Cmp(y) == 0 {
		return true
	}
	if tol == 0 {
		return false
	}
	diff := new(big.Float).SetPrec(256).Sub(x, y)
	diff.Abs(diff)
	ax, ay := new(big.Float).Abs(x), new(big.Float).Abs(y)
	scale := ax
	if ay.Cmp(ax) > 0 {
		scale = ay
	}
	bound := new(big.Float).SetPrec(256).Mul(scale, big.NewFloat(tol))
	return diff.Cmp(bound) <= 0
}

// specialNumber names NaN and the infinities as every engine spells them ("" for an
// ordinary number).
func specialNumber(s string) string {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "nan":
		return "nan"
	case "inf", "infinity", "+inf", "+infinity":
		return "inf"
	case "-inf", "-infinity":
		return "-inf"
	}
	return ""
}
