package engine

import "testing"

// The functions of the product's partition checksum (docs/checksums.md), with the
// results Snowflake documents or computes.
func TestChecksumFunctions(t *testing.T) {
	_, s := openTest(t)
	mustExec(t, s, `CREATE TABLE cx (id INT, n NUMBER(12,2), f FLOAT, d DATE, tm TIME(6), ntz TIMESTAMP_NTZ(6), tz TIMESTAMP_TZ(6), ltz TIMESTAMP_LTZ(6), b BINARY, v VARCHAR)`)
	mustExec(t, s, `INSERT INTO cx SELECT 1, -0.05, 0.1, '0001-01-01', '01:02:03.000004', '0099-01-31 10:00:00.5', '2024-01-31 10:00:00+01:00', '2024-01-31 23:30:00-02:00', TO_BINARY('DEAD', 'HEX'), 'a|b\\c'`)
	mustExec(t, s, `INSERT INTO cx (id) VALUES (2)`)
	cases := []struct{ q, want string }{
		// Snowflake's documented examples.
		{`SELECT MD5_NUMBER_UPPER64('Snowflake'), MD5_NUMBER_LOWER64('Snowflake')`, `17145559544104499780,9203306159527282910`},
		// Unsigned: a digest whose first byte is >= 0x80 stays positive.
		{`SELECT MD5_NUMBER_UPPER64(''), MD5_NUMBER_LOWER64('')`, `15284527576400310788,16825458760271544958`},
		{`SELECT MD5_NUMBER_UPPER64(v) IS NULL FROM cx WHERE id = 2`, `1`},
		// Sums of many 64-bit values are exact (NUMBER(38,0)).
		{`SELECT SUM(MD5_NUMBER_UPPER64(v)) FROM (SELECT 'Snowflake' AS v UNION ALL SELECT 'Snowflake' UNION ALL SELECT '')`, `49575646664609310348`},
		{`SELECT TO_CHAR(CONVERT_TIMEZONE('UTC', tz), 'YYYY-MM-DD HH24:MI:SS.FF6'), TO_CHAR(CONVERT_TIMEZONE('UTC', ltz), 'YYYY-MM-DD HH24:MI:SS.FF6') FROM cx WHERE id = 1`, `2024-01-31 09:00:00.000000,2024-02-01 01:30:00.000000`},
		{`SELECT TO_VARCHAR(CONVERT_TIMEZONE('Asia/Kolkata', tz)) FROM cx WHERE id = 1`, `2024-01-31 14:30:00.000 +0530`},
		{`SELECT CONVERT_TIMEZONE('UTC', tz) IS NULL FROM cx WHERE id = 2`, `1`},
		{`SELECT CONVERT_TIMEZONE('Asia/Kolkata', 'UTC', '2024-01-31 14:30:00'::TIMESTAMP_NTZ)`, `1706691600.000000000`},
		{`SELECT TO_CHAR(tm, 'HH24:MI:SS.FF6'), TO_CHAR(d, 'YYYY-MM-DD'), TO_CHAR(ntz, 'YYYY-MM-DD HH24:MI:SS.FF6') FROM cx WHERE id = 1`, `01:02:03.000004,0001-01-01,0099-01-31 10:00:00.500000`},
		{`SELECT TO_VARCHAR(n), HEX_ENCODE(b), REPLACE(REPLACE(v, '\\', '\\\\'), '|', '\\|') FROM cx WHERE id = 1`, `-0.05,DEAD,a\|b\\c`},
		// The exact float decomposition m·2^k.
		{`SELECT FLOOR(LOG(2, ABS(f))), (ABS(f) / POWER(2, -56))::NUMBER(38,0), POWER(2, -1074) > 0 FROM cx WHERE id = 1`, `-4,7205759403792794,1`},
		// DATEADD on an instant (a shifted timestamp in the product's corruption test).
		{`SELECT TO_CHAR(CONVERT_TIMEZONE('UTC', DATEADD(hour, 1, tz)), 'YYYY-MM-DD HH24:MI:SS.FF6'), DATEADD(day, 1, ltz) > ltz FROM cx WHERE id = 1`, `2024-01-31 10:00:00.000000,1`},
		{`SELECT 'NaN'::FLOAT = 'NaN'::FLOAT, 'inf'::FLOAT > 1e308, '-inf'::FLOAT < -1e308`, `1,1,1`},
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
	expectErr(t, s, `SELECT CONVERT_TIMEZONE('Nowhere/Special', tz) FROM cx`, ErrSyntax)
}
