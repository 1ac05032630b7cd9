package server

import (
	"crypto/md5"
	"fmt"
	"testing"
)

// The T-SQL of the product's partition checksum (docs/checksums.md, "SQL Server"), with
// the results SQL Server documents: UTF-8 bytes under a _UTF8 collation, binary
// SUBSTRING and conversions, float bits, SWITCHOFFSET, datetime at milliseconds, the
// padding of char(n), nchar(n) and binary(n) in conversions.
func TestChecksumFunctions(t *testing.T) {
	srv := startServer(t, t.TempDir())
	db := open(t, srv, "disable")
	mustExec(t, db, "CREATE DATABASE ck")
	mustExec(t, db, "USE ck")
	db.SetMaxOpenConns(1)
	mustExec(t, db, `CREATE TABLE dbo.t (id int PRIMARY KEY, n nvarchar(20), v varchar(20), f float, r real, c char(5), nc nchar(4), bn binary(4),
 dtm datetime, dto datetimeoffset(7))`)
	mustExec(t, db, `INSERT INTO dbo.t VALUES (1, N'é😀|', 'abc', -2.5, 1.5, 'a', N'é', 0x01, '1753-01-01 00:00:00.003', '2024-02-29 12:34:56.1234567 +05:45'),
 (2, N'', '', 4.9406564584124654E-324, 0, 'abcde', N'😀', 0xDEADBEEF, '9999-12-31 23:59:59.997', '0001-01-01 00:00:00 -14:00')`)
	mustExec(t, db, "UPDATE dbo.t SET dto = '1970-01-01 00:00:00.0000019 +00:00' WHERE id = 2")
	md5hex := func(s string) string { return fmt.Sprintf("%X", md5.Sum([]byte(s))) }
	for _, tc := range []struct{ q, want string }{
		{"SELECT CONVERT(varchar(max), HASHBYTES('MD5', CAST(n COLLATE Latin1_General_100_BIN2_UTF8 AS varchar(max))), 2) FROM dbo.t WHERE id = 1", md5hex("é😀|")},
		{"SELECT CONVERT(varchar(max), HASHBYTES('MD5', CAST((n + N'|' + CAST(id AS nvarchar(max))) COLLATE Latin1_General_100_BIN2_UTF8 AS varchar(max))), 2) FROM dbo.t WHERE id = 1", md5hex("é😀||1")},
		{"SELECT CONVERT(varchar(max), HASHBYTES('MD5', CONVERT(varchar(max), n COLLATE Latin1_General_100_CI_AS_SC_UTF8)), 2) FROM dbo.t WHERE id = 2", md5hex("")},
		// without a UTF-8 collation, nvarchar is hashed as UTF-16LE
		{"SELECT CONVERT(varchar(max), HASHBYTES('MD5', N'é'), 2)", md5hex("\xe9\x00")},
		{"SELECT CONVERT(varchar(20), CAST(f AS binary(8)), 2) FROM dbo.t WHERE id = 1", "C004000000000000"},
		{"SELECT CONVERT(varchar(20), CAST(CAST(r AS float) AS binary(8)), 2) FROM dbo.t WHERE id = 1", "3FF8000000000000"},
		{"SELECT CAST(CAST(SUBSTRING(CAST(f AS binary(8)), 1, 4) AS bigint) AS varchar(20)) FROM dbo.t WHERE id = 1", "3221487616"},
		{"SELECT CAST(CAST(SUBSTRING(CAST(f AS binary(8)), 5, 4) AS bigint) AS varchar(20)) FROM dbo.t WHERE id = 2", "1"},
		{"SELECT CAST(SUM(CAST(SUBSTRING(h, 1, 4) AS bigint)) AS varchar(20)) FROM (SELECT HASHBYTES('MD5', v) AS h FROM dbo.t WHERE id = 1) x", "2416005272"}, // md5('abc') = 90015098 3cd24fb0…
		{"SELECT CONVERT(varchar(20), SUBSTRING(0x0102030405, 0, 3), 2)", "0102"},
		{"SELECT CONVERT(varchar(40), SWITCHOFFSET(dto, 0), 121) FROM dbo.t WHERE id = 1", "2024-02-29 06:49:56.1234567 +00:00"},
		{"SELECT CONVERT(varchar(40), SWITCHOFFSET(dto, '-08:00'), 121) FROM dbo.t WHERE id = 1", "2024-02-28 22:49:56.1234567 -08:00"},
		{"SELECT CONVERT(varchar(40), dto, 121) FROM dbo.t WHERE id = 2", "1970-01-01 00:00:00.0000019 +00:00"},
		{"SELECT CONVERT(varchar(40), CAST(dto AS datetime2(7)), 121) FROM dbo.t WHERE id = 1", "2024-02-29 12:34:56.1234567"},
		{"SELECT CONVERT(varchar(30), dtm, 121) FROM dbo.t WHERE id = 1", "1753-01-01 00:00:00.003"},
		{"SELECT CONVERT(varchar(30), dtm, 121) FROM dbo.t WHERE id = 2", "9999-12-31 23:59:59.997"},
		{"SELECT CAST(c AS varchar(max)) + '|' FROM dbo.t WHERE id = 1", "a    |"},
		{"SELECT CAST(nc AS nvarchar(max)) + N'|' FROM dbo.t WHERE id = 1", "é   |"},
		{"SELECT CAST(nc AS nvarchar(max)) + N'|' FROM dbo.t WHERE id = 2", "😀  |"},
		{"SELECT CONVERT(varchar(max), bn, 2) FROM dbo.t WHERE id = 1", "01000000"},
		{"SELECT CONVERT(varchar(max), bn, 1) FROM dbo.t WHERE id = 2", "0xDEADBEEF"},
	} {
		var got string
		if err := db.QueryRowContext(ctx(t), tc.q).Scan(&got); err != nil {
			t.Fatalf("%s: %v", tc.q, err)
		}
		if got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.q, got, tc.want)
		}
	}
	e := sqlErr(t, func() error {
		var b []byte
		return db.QueryRowContext(ctx(t), "SELECT SUBSTRING(0x01, 1, -1)").Scan(&b)
	}, "SUBSTRING negative length")
	wantErr(t, e, "SUBSTRING negative length", 537, 3, 16, "")
}
