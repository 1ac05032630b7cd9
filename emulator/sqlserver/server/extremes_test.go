package server

import (
	"strings"
	"testing"
	"time"

	"github.com/golang-sql/civil"
	mssql "github.com/microsoft/go-mssqldb"
)

func TestExtremes(t *testing.T) {
	srv := startServer(t, t.TempDir())
	db := open(t, srv, "true")
	mustExec(t, db, `CREATE TABLE x (id int, d38 decimal(38,0), dn decimal(38,38), m money, f float, r real,
		dtm datetime, sdt smalldatetime, dto datetimeoffset(0), t0 time(0), nv nvarchar(4000), vb varbinary(8000), vm nvarchar(max), vc varchar(8000))`)
	big := strings.Repeat("9", 38)
	long := strings.Repeat("ж", 4000)
	blob := make([]byte, 8000)
	for i := range blob {
		blob[i] = byte(i)
	}
	huge := strings.Repeat("𝄞abc", 30000)
	mustExec(t, db, "INSERT INTO x VALUES (1, -"+big+", 0."+big+", -922337203685477.5808, 1.7976931348623157E+308, -3.4E+38, '1753-01-01 00:00:00', '2079-06-06 23:59', '0001-01-01 14:00:00 +14:00', '23:59:59', @p1, @p2, @p3, @p4)",
		long, blob, huge, strings.Repeat("x", 8000))
	mustExec(t, db, "INSERT INTO x (id, dtm, dto, t0) VALUES (@p1, @p2, @p3, @p4)", 2,
		mssql.DateTime1(time.Date(9999, 12, 31, 23, 59, 59, 997000000, time.UTC)),
		time.Date(9999, 12, 31, 9, 59, 59, 0, time.FixedZone("", -14*3600)), civil.Time{Hour: 1, Minute: 2, Second: 3})
	var (
		d38, dn, m        string
		f, r              float64
		dtm, sdt, dto, t0 time.Time
		nv, vm, vc        string
		vb                []byte
	)
	if err := db.QueryRowContext(ctx(t), "SELECT d38, dn, m, f, r, dtm, sdt, dto, t0, nv, vb, vm, vc FROM x WHERE id = 1").Scan(&d38, &dn, &m, &f, &r, &dtm, &sdt, &dto, &t0, &nv, &vb, &vm, &vc); err != nil {
		t.Fatal(err)
	}
	if d38 != "-"+big || dn != "0."+big || m != "-922337203685477.5808" || f != 1.7976931348623157e308 || float32(r) != -3.4e38 {
		t.Errorf("numbers %s %s %s %g %g", d38, dn, m, f, r)
	}
	if dtm.Format(time.DateTime) != "1753-01-01 00:00:00" || sdt.Format(time.DateTime) != "2079-06-06 23:59:00" ||
		dto.Format("2006-01-02 15:04:05 -07:00") != "0001-01-01 14:00:00 +14:00" || t0.Format("15:04:05") != "23:59:59" {
		t.Errorf("dates %v %v %v %v", dtm, sdt, dto, t0)
	}
	if nv != long || string(vb) != string(blob) || vm != huge || len(vc) != 8000 {
		t.Errorf("lengths %d %d %d %d", len([]rune(nv)), len(vb), len([]rune(vm)), len(vc))
	}
	if err := db.QueryRowContext(ctx(t), "SELECT dtm, dto, t0 FROM x WHERE id = 2").Scan(&dtm, &dto, &t0); err != nil {
		t.Fatal(err)
	}
	if dtm.Format("2006-01-02 15:04:05.000") != "9999-12-31 23:59:59.997" || dto.Format("2006-01-02 15:04:05 -07:00") != "9999-12-31 09:59:59 -14:00" || t0.Format("15:04:05") != "01:02:03" {
		t.Errorf("param extremes %v %v %v", dtm, dto, t0)
	}
	if _, err := db.ExecContext(ctx(t), "INSERT INTO x (id, nv) VALUES (3, @p1)", long+"y"); errNumber(err) != 2628 {
		t.Errorf("4001 characters into nvarchar(4000): want 2628, got %v", err)
	}
	if _, err := db.ExecContext(ctx(t), "INSERT INTO x (id, dto) VALUES (3, '0001-01-01 00:00:00 +14:00')"); errNumber(err) != 242 {
		t.Errorf("datetimeoffset before 0001-01-01 UTC: want 242, got %v", err)
	}
	if _, err := db.ExecContext(ctx(t), "INSERT INTO x (id, dtm) VALUES (3, '1752-12-31')"); errNumber(err) != 242 {
		t.Errorf("datetime before 1753: want 242, got %v", err)
	}
}
