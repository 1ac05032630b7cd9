package tests

import (
	"database/sql"
	"testing"
	"time"

	"github.com/snowflakedb/gosnowflake"
)

func TestSQLTypedScans(t *testing.T) {
	_, db := sqlSetup(t)
	sqlExec(t, db, `CREATE TABLE typed (i INT, big NUMBER(38,0), dec NUMBER(10,2), f FLOAT, s VARCHAR(10), bin BINARY, b BOOLEAN,
		d DATE, tm TIME, ntz TIMESTAMP_NTZ, ltz TIMESTAMP_LTZ, tz TIMESTAMP_TZ, v VARIANT)`)
	sqlExec(t, db, `INSERT INTO typed SELECT 42, 123456789012345678901234567890, 12.34, 1.5, 'héllo', TO_BINARY('CAFE', 'HEX'), TRUE,
		'1969-07-20', '13:14:15.123456', '1969-12-31 23:59:59.5', '2024-03-01 10:00:00.25 +00:00'::TIMESTAMP_LTZ,
		'1950-06-01 12:00:00 +00:00'::TIMESTAMP_TZ, PARSE_JSON('{"a":[1,"x"]}')`)
	sqlExec(t, db, `INSERT INTO typed (i) VALUES (NULL)`)
	var (
		i                   int64
		big                 string
		dec, f              float64
		s                   string
		bin                 []byte
		b                   bool
		d, tm, ntz, ltz, tz time.Time
		v                   string
	)
	row := db.QueryRowContext(sqlCtx(t), `SELECT i, big, dec, f, s, bin, b, d, tm, ntz, ltz, tz, v FROM typed WHERE i IS NOT NULL`)
	if err := row.Scan(&i, &big, &dec, &f, &s, &bin, &b, &d, &tm, &ntz, &ltz, &tz, &v); err != nil {
		t.Fatal(err)
	}
	if i != 42 || big != "123456789012345678901234567890" || dec != 12.34 || f != 1.5 || s != "héllo" || string(bin) != "\xca\xfe" || !b {
		t.Fatalf("scalars: %d %s %v %v %q %x %v", i, big, dec, f, s, bin, b)
	}
	if want := time.Date(1969, 7, 20, 0, 0, 0, 0, time.UTC); !d.Equal(want) {
		t.Fatalf("date %v", d)
	}
	if tm.Hour() != 13 || tm.Minute() != 14 || tm.Second() != 15 || tm.Nanosecond() != 123456000 {
		t.Fatalf("time %v", tm)
	}
	if want := time.Date(1969, 12, 31, 23, 59, 59, 500000000, time.UTC); !ntz.Equal(want) {
		t.Fatalf("ntz %v", ntz)
	}
	if want := time.Date(2024, 3, 1, 10, 0, 0, 250000000, time.UTC); !ltz.Equal(want) {
		t.Fatalf("ltz %v", ltz)
	}
	if want := time.Date(1950, 6, 1, 12, 0, 0, 0, time.UTC); !tz.Equal(want) {
		t.Fatalf("tz %v", tz)
	}
	if v != `{"a":[1,"x"]}` {
		t.Fatalf("variant %q", v)
	}
	// NULLs of every type
	var ni sql.NullInt64
	var nb sql.NullBool
	var nt sql.NullTime
	var ns sql.NullString
	var nbin []byte
	if err := db.QueryRowContext(sqlCtx(t), `SELECT i, b, ntz, s, bin FROM typed WHERE i IS NULL`).Scan(&ni, &nb, &nt, &ns, &nbin); err != nil {
		t.Fatal(err)
	}
	if ni.Valid || nb.Valid || nt.Valid || ns.Valid || nbin != nil {
		t.Fatalf("nulls came back as values: %v %v %v %v %v", ni, nb, nt, ns, nbin)
	}
	// column metadata as the driver reports it
	rows, err := db.QueryContext(sqlCtx(t), `SELECT i, dec, s, ntz, tz FROM typed`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cts, _ := rows.ColumnTypes()
	want := []string{"FIXED", "FIXED", "TEXT", "TIMESTAMP_NTZ", "TIMESTAMP_TZ"}
	for k, ct := range cts {
		if ct.DatabaseTypeName() != want[k] {
			t.Fatalf("column %s type %s want %s", ct.Name(), ct.DatabaseTypeName(), want[k])
		}
	}
	if p, sc, ok := cts[1].DecimalSize(); !ok || p != 10 || sc != 2 {
		t.Fatalf("decimal size %d %d %v", p, sc, ok)
	}
	if l, ok := cts[2].Length(); !ok || l != 10 {
		t.Fatalf("length %d %v", l, ok)
	}
}

func TestSQLBinds(t *testing.T) {
	_, db := sqlSetup(t)
	sqlExec(t, db, `CREATE TABLE binds (i INT, f FLOAT, s STRING, b BOOLEAN, ntz TIMESTAMP_NTZ, d DATE, bin BINARY, big NUMBER(38,0))`)
	ts := time.Date(1965, 5, 6, 7, 8, 9, 123456000, time.UTC)
	n := sqlAffected(t, db, `INSERT INTO binds VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, int64(-7), 2.25, "it's", true,
		ts, gosnowflake.DataTypeDate, ts, gosnowflake.DataTypeBinary, []byte{0, 1, 255}, "98765432109876543210")
	if n != 1 {
		t.Fatalf("rows affected %d", n)
	}
	sqlExec(t, db, `INSERT INTO binds (i, s) VALUES (?, ?)`, nil, nil)
	var (
		i   int64
		f   float64
		s   string
		b   bool
		ntz time.Time
		d   time.Time
		bin []byte
		big string
	)
	if err := db.QueryRowContext(sqlCtx(t), `SELECT i, f, s, b, ntz, d, bin, big FROM binds WHERE i = ? AND s = ?`, -7, "it's").Scan(&i, &f, &s, &b, &ntz, &d, &bin, &big); err != nil {
		t.Fatal(err)
	}
	if i != -7 || f != 2.25 || s != "it's" || !b || !ntz.Equal(ts) || !d.Equal(time.Date(1965, 5, 6, 0, 0, 0, 0, time.UTC)) || string(bin) != "\x00\x01\xff" || big != "98765432109876543210" {
		t.Fatalf("bound values read back wrong: %d %v %q %v %v %v %x %s", i, f, s, b, ntz, d, bin, big)
	}
	var cnt int64
	if err := db.QueryRowContext(sqlCtx(t), `SELECT count(*) FROM binds WHERE i IS NULL AND s IS NULL`).Scan(&cnt); err != nil || cnt != 1 {
		t.Fatalf("null binds: %v %d", err, cnt)
	}
	// array binding: one row per element
	n = sqlAffected(t, db, `INSERT INTO binds (i, s) VALUES (?, ?)`, gosnowflake.Array([]int64{10, 11, 12}), gosnowflake.Array([]string{"a", "b", "c"}))
	if n != 3 {
		t.Fatalf("array insert affected %d", n)
	}
	if err := db.QueryRowContext(sqlCtx(t), `SELECT listagg(s, '-') WITHIN GROUP (ORDER BY i) FROM binds WHERE i >= 10`).Scan(&s); err != nil || s != "a-b-c" {
		t.Fatalf("array rows: %v %q", err, s)
	}
}
