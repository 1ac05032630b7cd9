package engine

import (
	"fmt"
	"testing"
	"time"
)

func TestParseExtText(t *testing.T) {
	cases := []struct {
		in, base string
		prec     int
		want     string // u|n|o, or "" when refused
	}{
		{"2024-02-29 12:34:56.123456789 +05:30", "TIMESTAMP_TZ", 9, "2024-02-29T07:04:56.123456Z|789|330"},
		{"2024-2-9T01:02 -0800", "TIMESTAMP_TZ", 9, "2024-02-09T09:02:00Z|0|-480"},
		{"2024-02-29", "TIMESTAMP_TZ", 9, "2024-02-28T23:00:00Z|0|60"}, // midnight at the session offset +01:00
		{"0001-01-01 00:00:00.0000001Z", "TIMESTAMP_NTZ", 7, "0001-01-01T00:00:00Z|100|"},
		{"2024-02-29 12:34:56.123456789", "TIMESTAMP_NTZ", 7, "2024-02-29T12:34:56.123456Z|700|"},
		{"2024-02-29 12:34:56.123456789 +02", "TIMESTAMP_LTZ", 9, "2024-02-29T10:34:56.123456Z|789|"},
		{"23:59:59.999999999", "TIME", 9, "0001-01-01T23:59:59.999999Z|999|"},
		{"2024-02-30 00:00:00", "TIMESTAMP_NTZ", 9, ""},
		{"2024-02-29 24:00:00", "TIMESTAMP_NTZ", 9, ""},
		{"2024-02-29 10:00:00 +15:00", "TIMESTAMP_TZ", 9, ""},
		{"2024-02-29'); DROP TABLE x; --", "TIMESTAMP_TZ", 9, ""},
		{"10:00:00 +01:00", "TIME", 9, ""},
		{"", "TIMESTAMP_NTZ", 9, ""},
	}
	for _, c := range cases {
		v, ok := parseExtText(c.in, c.base, 60, c.prec)
		got := ""
		if ok {
			o := ""
			if x, has := v["o"]; has {
				o = fmt.Sprint(x)
			}
			got = fmt.Sprintf("%s|%d|%s", v["u"].(time.Time).UTC().Format(time.RFC3339Nano), v["n"], o)
		}
		if got != c.want {
			t.Errorf("parseExtText(%q, %s, %d) = %q, want %q", c.in, c.base, c.prec, got, c.want)
		}
	}
}
