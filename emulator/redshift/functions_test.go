package redshift

import (
	"strings"
	"testing"
)

// STRTOL as Redshift documents it (the documentation's examples, white space and
// sign, NULL, the empty string, the first invalid digit, the BIGINT range).
func TestStrtol(t *testing.T) {
	s := startServer(t)
	c := connect(t, s)
	for _, tc := range []struct{ q, want string }{
		{"SELECT STRTOL('0xf', 16)::varchar", "15"},
		{"SELECT STRTOL('abcd1234', 16)::varchar", "2882343476"},
		{"SELECT STRTOL('1234567', 10)::varchar", "1234567"},
		{"SELECT STRTOL('1234567', 8)::varchar", "342391"},
		{"SELECT STRTOL('110101', 2)::varchar", "53"},
		{"SELECT STRTOL('', 2)::varchar", "0"},
		{"SELECT STRTOL('  -ff', 16)::varchar", "-255"},
		{"SELECT STRTOL('ffffffff', 16)::varchar", "4294967295"},
		{"SELECT STRTOL('7fffffffffffffff', 16)::varchar", "9223372036854775807"},
		{"SELECT STRTOL('12z9', 36)::varchar", "50517"},
		{"SELECT STRTOL('129', 2)::varchar", "1"},
		{"SELECT COALESCE(STRTOL(NULL, 16)::varchar, 'null')", "null"},
		// plain hex digits, the checksum's case
		{"SELECT STRTOL('ABCDEF12', 16)::varchar", "2882400018"},
		{"SELECT STRTOL('000000ff', 16)::varchar", "255"},
		{"SELECT STRTOL('0', 16)::varchar", "0"},
		{"SELECT STRTOL('fffffffffffffff', 16)::varchar", "1152921504606846975"},
		{"SELECT STRTOL('d41d8cd9', 16)::varchar", "3558706393"},
	} {
		var got string
		if err := c.QueryRow(ctxT(t), tc.q).Scan(&got); err != nil {
			t.Fatalf("%s: %v", tc.q, err)
		}
		if got != tc.want {
			t.Errorf("%s = %s, want %s", tc.q, got, tc.want)
		}
	}
	var n int64
	if err := c.QueryRow(ctxT(t), "SELECT STRTOL('ffffffffffffffff', 16)").Scan(&n); err == nil || !strings.Contains(err.Error(), "out of the range of BIGINT") {
		t.Errorf("16 hex digits beyond BIGINT: %v (%d)", err, n)
	}
	if err := c.QueryRow(ctxT(t), "SELECT STRTOL('1', 37)").Scan(&n); err == nil {
		t.Errorf("base 37 accepted")
	}
}
