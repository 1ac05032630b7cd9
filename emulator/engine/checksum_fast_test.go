package engine

import "testing"

// The cheap forms of REPLACE and TO_CHAR(date, 'YYYY-MM-DD') (funcs_checksum.go) give
// Snowflake's results, including for values that do need the work and for NULL.
func TestChecksumFastForms(t *testing.T) {
	_, s := openTest(t)
	mustExec(t, s, `CREATE TABLE rf (id INT, v VARCHAR, d DATE)`)
	mustExec(t, s, `INSERT INTO rf VALUES (1, 'plain', '0099-01-31'), (2, 'a|b\\c', '9999-12-31'), (3, NULL, NULL), (4, '', '2024-02-29'), (5, 'a', '0001-01-01')`)
	cases := []struct{ q, want string }{
		// The checksum's text escaping: backslash first, then the bar.
		{`SELECT id, REPLACE(REPLACE(v, '\\', '\\\\'), '|', '\\|') FROM rf ORDER BY id`, `1,plain;2,a\|b\\c;3,NULL;4,;5,a`},
		// A later step sees what an earlier one produced ('a' → 'b' → 'c').
		{`SELECT id, REPLACE(REPLACE(v, 'a', 'b'), 'b', 'c') FROM rf ORDER BY id`, `1,plcin;2,c|c\c;3,NULL;4,;5,c`},
		// Two arguments remove the pattern; an empty pattern changes nothing.
		{`SELECT REPLACE(v, 'l'), REPLACE(v, '', 'x') FROM rf WHERE id = 1`, `pain,plain`},
		// A NULL pattern or replacement, or a computed subject, takes the general form.
		{`SELECT REPLACE(v, NULL, 'x') IS NULL, REPLACE(v, 'p', NULL) IS NULL, REPLACE(UPPER(v), 'P', 'q') FROM rf WHERE id = 1`, `1,1,qLAIN`},
		{`SELECT id, TO_CHAR(d, 'YYYY-MM-DD') FROM rf ORDER BY id`, `1,0099-01-31;2,9999-12-31;3,NULL;4,2024-02-29;5,0001-01-01`},
	}
	for _, c := range cases {
		r, err := exec(s, c.q, nil)
		if err != nil {
			t.Errorf("%s: %v", c.q, err)
			continue
		}
		if got := cells(r); got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.q, got, c.want)
		}
	}
}
