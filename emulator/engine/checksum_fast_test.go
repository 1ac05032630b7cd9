package engine

import "testing"

// The cheap forms of REPLACE, TO_CHAR(date, 'YYYY-MM-DD') and CONCAT (funcs_checksum.go)
// give Snowflake's results, including for values that do need the work and for NULL.
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
		// CONCAT is NULL when an argument is (Snowflake), whatever DuckDB's concat does.
		{`SELECT id, CONCAT(v, '-', id) FROM rf ORDER BY id`, `1,plain-1;2,a|b\c-2;3,NULL;4,-4;5,a-5`},
		{`SELECT CONCAT('a', NULL, 'b') IS NULL, CONCAT(NULL) IS NULL, CONCAT('x')`, `1,1,x`},
		// Arguments that cannot be NULL: the row text of the product's checksum.
		{`SELECT id, CONCAT(NVL(v, '\\N'), '|', IFF(d IS NULL, '\\N', 'J'), '|', COALESCE(NULL, TO_CHAR(d, 'YYYY-MM-DD'), '\\N')) FROM rf ORDER BY id`,
			`1,plain|J|0099-01-31;2,a|b\c|J|9999-12-31;3,\N|\N|\N;4,|J|2024-02-29;5,a|J|0001-01-01`},
		// NVL whose last argument may be NULL, IFF with a branch that may be: tested.
		{`SELECT id, CONCAT(NVL(v, v), 'x'), CONCAT(IFF(id > 2, 'y', v), 'x') FROM rf ORDER BY id`, `1,plainx,plainx;2,a|b\cx,a|b\cx;3,NULL,yx;4,x,yx;5,ax,yx`},
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
