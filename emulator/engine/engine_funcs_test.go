package engine

import (
	"strings"
	"testing"
)

func TestFunctions(t *testing.T) {
	_, s := openTest(t)
	mustExec(t, s, `CREATE TABLE fx (id INT, s VARCHAR, n NUMBER(10,2), ts TIMESTAMP_NTZ, v VARIANT)`)
	mustExec(t, s, `INSERT INTO fx SELECT 1, 'a,b,c', 2.5, '2024-01-31 10:00:00', PARSE_JSON('{"x":{"y":"deep"},"arr":[10,20,30]}')`)
	mustExec(t, s, `INSERT INTO fx VALUES (2, NULL, NULL, NULL, NULL), (3, 'z', 0, '1969-01-01 00:00:00', NULL)`)
	cases := []struct{ q, want string }{
		{`SELECT IFF(id = 1, 'one', 'other') FROM fx ORDER BY id`, `one;other;other`},
		{`SELECT NVL(s, 'dflt'), NVL2(s, 'has', 'none'), ZEROIFNULL(n) FROM fx WHERE id = 2`, `dflt,none,0.00`},
		{`SELECT COALESCE(NULL, s) FROM fx WHERE id = 1`, `a,b,c`},
		{`SELECT COUNT_IF(n > 1), COUNT(*), SUM(n), MIN(id), MAX(id), AVG(id) FROM fx`, `1,3,2.50,1,3,2`},
		{`SELECT MD5('abc'), SHA2('abc'), SHA2('abc', 256)`, `900150983cd24fb0d6963f7d28e17f72,ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad,ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad`},
		{`SELECT SPLIT_PART(s, ',', 2), UPPER(s), LOWER('ABC'), LENGTH(s), LEN('xy') FROM fx WHERE id = 1`, `b,A,B,C,abc,5,2`},
		{`SELECT TO_VARCHAR(n), TO_CHAR(ts, 'YYYY-MM-DD HH24:MI:SS'), TO_NUMBER('12.345', 10, 2), TO_DATE('2020-02-03') FROM fx WHERE id = 1`, `2.50,2024-01-31 10:00:00,12.35,18295`},
		{`SELECT TO_TIMESTAMP('2020-01-01 00:00:01'), TO_TIMESTAMP_NTZ(0), TO_DATE('03/02/2020', 'MM/DD/YYYY')`, `1577836801.000000000,0.000000000,18323`},
		{`SELECT DATEADD(day, 1, ts), DATEADD('month', 1, ts::DATE), DATEDIFF(day, ts, '2024-02-02'::TIMESTAMP_NTZ) FROM fx WHERE id = 1`, `1706781600.000000000,19782,2`},
		{`SELECT v:x.y, v:x.y::STRING, v:arr[1]::INT, ARRAY_SIZE(v:arr), v['x']['y']::VARCHAR FROM fx WHERE id = 1`, `"deep",deep,20,3,deep`},
		{`SELECT OBJECT_CONSTRUCT('a', 1, 'b', 'x'), ARRAY_CONSTRUCT(1, 2), PARSE_JSON('[1]')::ARRAY`, `{"a":1,"b":"x"},[1,2],[1]`},
		{`SELECT LISTAGG(id, '|') WITHIN GROUP (ORDER BY id DESC) FROM fx`, `3|2|1`},
		{`SELECT id, ROW_NUMBER() OVER (ORDER BY id DESC) AS rn FROM fx QUALIFY rn = 1`, `3,1`},
		{`SELECT DECODE(id, 1, 'a', 2, 'b', 'c') FROM fx ORDER BY id`, `a;b;c`},
		{`SELECT CURRENT_DATABASE(), CURRENT_SCHEMA(), CURRENT_DATE() = CURRENT_DATE, SYSDATE() IS NOT NULL`, `TESTDB,PUBLIC,1,1`},
		{`SELECT TRY_CAST('x' AS INT), TRY_TO_NUMBER('7'), '5'::INT + 1, CAST(2 AS VARCHAR) || 'x'`, `NULL,7,6,2x`},
		{`SELECT $$it's raw$$, 'esc\'aped', 'a''b'`, `it's raw,esc'aped,a'b`},
		{`SELECT EXTRACT(year FROM ts), DATE_TRUNC('month', ts), YEAR(ts) FROM fx WHERE id = 1`, `2024,1704067200.000000000,2024`},
		{`SELECT DIV0(1, 0), 7 % 3, ABS(-2)`, `0,1,2`},
		{`SELECT CASE WHEN id > 1 THEN 'big' ELSE 'small' END AS c FROM fx ORDER BY id NULLS LAST`, `small;big;big`},
		{`SELECT id FROM fx WHERE s ILIKE 'A%' OR s IS NULL ORDER BY id`, `1;2`},
		{`SELECT n FROM fx ORDER BY n DESC`, `NULL;2.50;0.00`},
		{`WITH c AS (SELECT id FROM fx WHERE id < 3) SELECT count(*) FROM c`, `2`},
		{`SELECT t.id FROM fx t JOIN fx u ON t.id = u.id AND u.id = 3`, `3`},
		{`SELECT id FROM fx MINUS SELECT id FROM fx WHERE id > 1`, `1`},
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

func TestHashAgg(t *testing.T) {
	_, s := openTest(t)
	mustExec(t, s, `CREATE TABLE h1 (a INT, b VARCHAR)`)
	mustExec(t, s, `CREATE TABLE h2 (a INT, b VARCHAR)`)
	mustExec(t, s, `INSERT INTO h1 VALUES (1,'x'),(2,'y'),(2,'y'),(3,NULL)`)
	mustExec(t, s, `INSERT INTO h2 VALUES (3,NULL),(2,'y'),(1,'x'),(2,'y')`)
	a := cells(mustExec(t, s, `SELECT HASH_AGG(a, b) FROM h1`))
	b := cells(mustExec(t, s, `SELECT HASH_AGG(a, b) FROM h2`))
	if a != b || a == "0" {
		t.Fatalf("order independence: %s vs %s", a, b)
	}
	star := cells(mustExec(t, s, `SELECT HASH_AGG(*) FROM h2`))
	if star != a {
		t.Fatalf("HASH_AGG(*) %s != HASH_AGG(a, b) %s", star, a)
	}
	mustExec(t, s, `DELETE FROM h2 WHERE a = 2 AND b = 'y'`)
	mustExec(t, s, `INSERT INTO h2 VALUES (2, 'y')`)
	if c := cells(mustExec(t, s, `SELECT HASH_AGG(a, b) FROM h2`)); c == a {
		t.Fatal("removing a duplicate row did not change HASH_AGG")
	}
	expectRows(t, s, `SELECT HASH_AGG(a) FROM h1 WHERE a > 100`, `0`)
	r := mustExec(t, s, `SELECT HASH(1, 'x') = HASH(1, 'x'), HASH(1) <> HASH(2), HASH_AGG(a) FROM h1`)
	if !strings.HasPrefix(cells(r), "1,1,") || r.Columns[2].Type != "fixed" {
		t.Fatalf("hash: %s %+v", cells(r), r.Columns[2])
	}
}

func TestSessionTimezone(t *testing.T) {
	_, s := openTest(t)
	mustExec(t, s, `CREATE TABLE tzt (l TIMESTAMP_LTZ, z TIMESTAMP_TZ)`)
	mustExec(t, s, `ALTER SESSION SET TIMEZONE = 'Asia/Kolkata'`)
	mustExec(t, s, `INSERT INTO tzt VALUES ('2024-01-01 05:30:00', '2024-01-01 05:30:00')`)
	// local wall time 05:30 in +05:30 is midnight UTC
	expectRows(t, s, `SELECT l, z FROM tzt`, `1704067200.000000000,1704067200.000000000 1770`)
	expectRows(t, s, `SELECT TO_VARCHAR(l) FROM tzt`, `2024-01-01 05:30:00.000 +0530`)
	expectRows(t, s, `SELECT l::TIMESTAMP_NTZ FROM tzt`, `1704087000.000000000`)
	if p := s.Parameters()["TIMEZONE"]; p != "Asia/Kolkata" {
		t.Fatalf("TIMEZONE parameter %q", p)
	}
	mustExec(t, s, `ALTER SESSION SET QUERY_TAG = 'mig-1'`)
	if s.Parameters()["QUERY_TAG"] != "mig-1" {
		t.Fatal("QUERY_TAG not kept")
	}
	mustExec(t, s, `ALTER SESSION UNSET QUERY_TAG, TIMEZONE`)
	if _, ok := s.Parameters()["QUERY_TAG"]; ok || s.Parameters()["TIMEZONE"] != "UTC" {
		t.Fatalf("UNSET left %v", s.Parameters())
	}
	expectErr(t, s, `ALTER SESSION SET TIMEZONE = 'Mars/Base'`, 2043)
	for _, q := range []string{`GRANT SELECT ON ALL TABLES IN SCHEMA public TO ROLE r`, `USE ROLE SYSADMIN`, `USE WAREHOUSE wh`, `CREATE WAREHOUSE IF NOT EXISTS wh`, `CREATE ROLE r2`, `REVOKE ROLE r FROM USER u`} {
		mustExec(t, s, q)
	}
	expectErr(t, s, `CREATE SEQUENCE seq1`, ErrSyntax)
	expectErr(t, s, `SELECT 1; SELECT 2`, 8)
}
