package server

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	mssql "github.com/microsoft/go-mssqldb"
)

func TestTypesRoundTrip(t *testing.T) {
	srv := startServer(t, t.TempDir())
	db := open(t, srv, "disable")
	mustExec(t, db, `CREATE TABLE ty (id int NOT NULL PRIMARY KEY, b bit, ti tinyint, si smallint, i int, bi bigint,
		d decimal(38,10), m money, sm smallmoney, r real, f float, dt date, tm time(7), dt2 datetime2(7),
		dto datetimeoffset(7), dtm datetime, sdt smalldatetime, c char(5), vc varchar(max), nc nchar(3),
		nvc nvarchar(max), bin binary(4), vb varbinary(max), g uniqueidentifier)`)
	mustExec(t, db, `INSERT INTO ty VALUES (1, 1, 255, -32768, -2147483648, 9223372036854775807,
		1234567890123456789012345678.0123456789, 922337203685477.5807, -214748.3648, 3.5, 2.25,
		'0001-01-01', '23:59:59.9999999', '9999-12-31 23:59:59.9999999', '2020-05-06 07:08:09.1234567 -14:00',
		'2020-01-01 10:00:00.003', '2020-01-01 10:00:29.998', 'ab', 'café', N'日本', N'😀 smile', 0x01020304, 0xDEADBEEF,
		'6F9619FF-8B86-D011-B42D-00C04FC964FF')`)
	mustExec(t, db, `INSERT INTO ty (id) VALUES (2)`)
	var (
		id               int
		b                bool
		ti, si, i, bi    int64
		d, m, sm         string
		r, f             float64
		dt, tm, dt2, dto time.Time
		dtm, sdt         time.Time
		c, vc, nc, nvc   string
		bin, vb          []byte
		g                mssql.UniqueIdentifier
	)
	err := db.QueryRowContext(ctx(t), "SELECT * FROM ty WHERE id = 1").Scan(&id, &b, &ti, &si, &i, &bi, &d, &m, &sm, &r, &f,
		&dt, &tm, &dt2, &dto, &dtm, &sdt, &c, &vc, &nc, &nvc, &bin, &vb, &g)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.TrimSpace(fmt.Sprintln(b, ti, si, i, bi, d, m, sm, r, f))
	want := "true 255 -32768 -2147483648 9223372036854775807 1234567890123456789012345678.0123456789 922337203685477.5807 -214748.3648 3.5 2.25"
	if got != want {
		t.Errorf("numbers:\n got %s\nwant %s", got, want)
	}
	if dt.Format("2006-01-02") != "0001-01-01" || tm.Format("15:04:05.0000000") != "23:59:59.9999999" ||
		dt2.Format("2006-01-02 15:04:05.0000000") != "9999-12-31 23:59:59.9999999" {
		t.Errorf("dates: %v %v %v", dt, tm, dt2)
	}
	if dto.Format("2006-01-02 15:04:05.0000000 -07:00") != "2020-05-06 07:08:09.1234567 -14:00" {
		t.Errorf("datetimeoffset: %v", dto.Format("2006-01-02 15:04:05.0000000 -07:00"))
	}
	if dtm.Format("15:04:05.000") != "10:00:00.003" || sdt.Format("15:04:05") != "10:00:00" {
		t.Errorf("datetime %v smalldatetime %v", dtm, sdt)
	}
	if c != "ab   " || vc != "café" || nc != "日本 " || nvc != "😀 smile" {
		t.Errorf("strings %q %q %q %q", c, vc, nc, nvc)
	}
	if fmt.Sprintf("%x %x", bin, vb) != "01020304 deadbeef" || g.String() != "6F9619FF-8B86-D011-B42D-00C04FC964FF" {
		t.Errorf("binary %x %x guid %s", bin, vb, g)
	}
	// NULL of every type
	row := db.QueryRowContext(ctx(t), "SELECT * FROM ty WHERE id = 2")
	vals := make([]any, 24)
	ptrs := make([]any, 24)
	for k := range vals {
		ptrs[k] = &vals[k]
	}
	if err := row.Scan(ptrs...); err != nil {
		t.Fatal(err)
	}
	for k, v := range vals[1:] {
		if v != nil {
			t.Errorf("column %d: want NULL, got %v", k+1, v)
		}
	}
	// declared types reach the driver
	rows, err := db.QueryContext(ctx(t), "SELECT d, dto, nvc, g FROM ty")
	if err != nil {
		t.Fatal(err)
	}
	cts, _ := rows.ColumnTypes()
	var names []string
	for _, ct := range cts {
		names = append(names, ct.DatabaseTypeName())
	}
	rows.Close()
	if strings.Join(names, ",") != "DECIMAL,DATETIMEOFFSET,NVARCHAR,UNIQUEIDENTIFIER" {
		t.Errorf("column types %v", names)
	}
	// parameters of every kind, bound and compared
	mustExec(t, db, "INSERT INTO ty (id, bi, dt2, dto, nvc, vb, g, d) VALUES (@p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8)",
		3, int64(-5), time.Date(2001, 2, 3, 4, 5, 6, 700, time.UTC), time.Date(2001, 2, 3, 4, 5, 6, 100, time.FixedZone("", 5*3600+30*60)),
		"ünïcode", []byte{0, 1}, mssql.UniqueIdentifier{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, "-0.5")
	var gotDto time.Time
	var gotNvc string
	var gotD sql.NullString
	if err := db.QueryRowContext(ctx(t), "SELECT dto, nvc, d FROM ty WHERE id = @p1 AND g = @p2", 3,
		mssql.UniqueIdentifier{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}).Scan(&gotDto, &gotNvc, &gotD); err != nil {
		t.Fatal(err)
	}
	if gotDto.Format("2006-01-02 15:04:05.0000000 -07:00") != "2001-02-03 04:05:06.0000001 +05:30" || gotNvc != "ünïcode" || gotD.String != "-0.5000000000" {
		t.Errorf("params: %v %q %q", gotDto.Format("2006-01-02 15:04:05.0000000 -07:00"), gotNvc, gotD.String)
	}
}
