package workflows

import (
	"testing"

	"github.com/snowmigrate/snowmigrate/activities/sourceapi"
)

func TestCompareMetrics(t *testing.T) {
	s := func(v string) *string { return &v }
	n := func(v int64) *int64 { return &v }
	src := []sourceapi.ColumnMetrics{
		{Column: "AMOUNT", Kind: "number", Count: 3, Nulls: 1, Distinct: n(3), Min: s("-2.50"), Max: s("10.01"), Sum: s("14.51"), Avg: s("4.8366666666666667"), Stddev: s("6.5")},
		{Column: "TS", Kind: "temporal", Count: 2, Distinct: n(2), Min: s("2024-01-01 00:00:00.000000"), Max: s("2024-02-01 00:00:00.000000")},
		{Column: "F", Kind: "float", Count: 1, Distinct: n(1), Min: s("NaN"), Max: s("Infinity")},
	}
	tgt := []sourceapi.ColumnMetrics{
		{Column: "AMOUNT", Kind: "number", Count: 3, Nulls: 1, Distinct: n(3), Min: s("-2.5"), Max: s("10.02"), Sum: s("14.51"), Avg: s("4.836667"), Stddev: s("6.500001")},
		{Column: "TS", Kind: "temporal", Count: 2, Distinct: n(2), Min: s("2024-01-01 00:00:00.000001"), Max: s("2024-02-01 00:00:00.000000")},
		{Column: "F", Kind: "float", Count: 1, Distinct: n(1), Min: s("nan"), Max: s("inf")},
	}
	diffs, compared := compareMetrics(src, tgt, 0)
	got := map[string]bool{}
	for _, d := range diffs {
		got[d.ID] = true
	}
	if len(diffs) != 2 || !got["AMOUNT/max"] || !got["TS/min"] {
		t.Fatalf("exact comparison: want AMOUNT/max and TS/min, got %+v", diffs)
	}
	if compared != 8+5+5 {
		t.Errorf("compared %d metrics, want 18 (NULL on both sides is not compared)", compared)
	}
	// 10.01 vs 10.02 is a 0.1 % difference: within a 0.2 % tolerance, not within 0.05 %.
	if diffs, _ := compareMetrics(src[:1], tgt[:1], 0.002); len(diffs) != 0 {
		t.Errorf("tolerance 0.002: %+v", diffs)
	}
	if diffs, _ := compareMetrics(src[:1], tgt[:1], 0.0005); len(diffs) != 1 {
		t.Errorf("tolerance 0.0005: want AMOUNT/max, got %+v", diffs)
	}
	// Counts are exact whatever the tolerance.
	tgt[0].Nulls = 2
	if diffs, _ := compareMetrics(src[:1], tgt[:1], 0.9); len(diffs) != 1 || diffs[0].Metric != "nulls" {
		t.Errorf("nulls must be exact: %+v", diffs)
	}
	// A NULL on one side only is a difference.
	tgt[0].Nulls, tgt[0].Sum = 1, nil
	if diffs, _ := compareMetrics(src[:1], tgt[:1], 0.9); len(diffs) != 1 || diffs[0].Metric != "sum" {
		t.Errorf("one-sided NULL: %+v", diffs)
	}
}

func TestNumbersClose(t *testing.T) {
	for _, c := range []struct {
		a, b string
		tol  float64
		want bool
	}{
		{"12.30", "12.3", 0, true},
		{"1.23e+01", "12.3", 0, true},
		{"99999999999999999999999999999999999999", "99999999999999999999999999999999999998", 0, false},
		{"100", "101", 0.01, true},
		{"100", "101", 0.009, false},
		{"-inf", "-Infinity", 0, true},
		{"NaN", "1", 1, false},
		{"0", "0.000", 0, true},
	} {
		if got := numbersClose(c.a, c.b, c.tol); got != c.want {
			t.Errorf("numbersClose(%s, %s, %g) = %v", c.a, c.b, c.tol, got)
		}
	}
}
