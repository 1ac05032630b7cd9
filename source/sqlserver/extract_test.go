package sqlserver

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/snowmigrate/snowmigrate/checksum"
	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
)

const allTypesRows = `INSERT INTO dbo.all_types (id, ti, si, bi, b, d38, n52, m, sm, r, f, dt, tm, t3, sdt, dtm, dt2, dt23, dto, dto0,
 c, vc, vcm, nc, nvc, nvm, tx, ntx, bn, vb, vbm, img, g, x, sv, h, geo, gg) VALUES
(1, 0, -32768, -9223372036854775808, 0, -9999999999999999999999999999.9999999999, -999.99, -922337203685477.5808, -214748.3648,
 -3.4028235E+38, -1.7976931348623157E+308, '0001-01-01', '00:00:00', '00:00:00.001', '1900-01-01 00:00', '1753-01-01 00:00:00.003',
 '0001-01-01 00:00:00', '0001-01-01 00:00:00.000', '0001-01-01 00:00:00 -14:00', '2024-02-29 12:34:56 +05:30',
 '', '', '', N'', N'', N'', '', N'', 0x00000000, 0x, 0x, 0x, '00000000-0000-0000-0000-000000000000', N'<a/>', N'', '/', 'POINT (0 0)', 'POINT (0 0)'),
(2, 255, 32767, 9223372036854775807, 1, 9999999999999999999999999999.9999999999, 999.99, 922337203685477.5807, 214748.3647,
 3.4028235E+38, 1.7976931348623157E+308, '9999-12-31', '23:59:59.9999999', '23:59:59.999', '2079-06-06 23:59', '9999-12-31 23:59:59.997',
 '9999-12-31 23:59:59.9999999', '9999-12-31 23:59:59.999', '9999-12-31 23:59:59.9999999 +14:00', '2000-01-01 00:00:00 -08:00',
 'abcde', 'Hello, World ', REPLICATE('x', 9000), N'éü', N'O''Brien [x] N''y''', N'😀😀 ' + NCHAR(0) + N'tail', 'text', N'ntext ü',
 0xDEADBEEF, 0x00FF00FF, 0x0102, 0x03, '6F9619FF-8B86-D011-B42D-00C04FC964FF', N'<r a="1">ü</r>', N'variant', '/1/2/3/',
 'LINESTRING (1 2, 3 4)', 'POINT (-122.34 47.65)'),
(3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
 NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
(4, 1, 1, 1, 1, 0.0000000001, 0.01, 0.0001, 0.0001, 1.5, 0.1, '2024-02-29', '12:00:00.1234567', '12:00:00.5', '2024-02-29 23:59', '2024-02-29 23:59:59.993',
 '2024-02-29 12:34:56.1234567', '2024-02-29 12:34:56.123', '2024-02-29 12:34:56.1234567 +05:45', '2024-02-29 12:34:56 -00:30',
 'a', 'a', 'a', N'a', N'a', N'a', 'a', N'a', 0x01, 0x01, 0x01, 0x01, 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', N'<a>&amp;</a>', N'1', '/1/', 'POINT (1 1)', 'POINT (1 1)')`

func TestExtractValuesAtExtremes(t *testing.T) {
	s, _ := newDB(t, allTypesDDL, allTypesRows)
	tc := tableConfig("all_types", "id")
	info, err := s.Introspect(ctxT(t), tc)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "x")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	var lastRows int64
	st, err := s.Extract(ctxT(t), source.ExtractRequest{Table: tc, TableShape: info.TableShape, Partition: migration.Partition{Number: 1}}, dir,
		func(rows, _ int64) { lastRows = rows })
	if err != nil {
		t.Fatal(err)
	}
	if st.Rows != 4 || lastRows != 4 {
		t.Fatalf("%d rows (progress %d)", st.Rows, lastRows)
	}
	rows := readParquet(t, st.Files)
	byID := map[int32]map[string]parquet.Value{}
	for _, r := range rows {
		byID[r["ID"].Int32()] = r
	}
	str := func(v parquet.Value) string { return string(v.ByteArray()) }
	dec := func(v parquet.Value, scale int) string {
		var u *big.Int
		if v.Kind() == parquet.Int64 {
			u = big.NewInt(v.Int64())
		} else {
			b := v.ByteArray()
			u = new(big.Int).SetBytes(b)
			if b[0]&0x80 != 0 {
				u.Sub(u, new(big.Int).Lsh(big.NewInt(1), 128))
			}
		}
		r := new(big.Rat).SetFrac(u, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale)), nil))
		return r.FloatString(scale)
	}
	day := func(v parquet.Value) string { return time.Unix(int64(v.Int32())*86400, 0).UTC().Format("2006-01-02") }
	ts := func(v parquet.Value) string {
		return time.UnixMicro(v.Int64()).UTC().Format("2006-01-02 15:04:05.000000")
	}
	tod := func(v parquet.Value) string { return time.UnixMicro(v.Int64()).UTC().Format("15:04:05.000000") }
	type check struct {
		col  string
		got  func(parquet.Value) string
		want [3]string // rows 1, 2, 4
	}
	i32 := func(v parquet.Value) string { return fmt.Sprint(v.Int32()) }
	checks := []check{
		{"TI", i32, [3]string{"0", "255", "1"}},
		{"SI", i32, [3]string{"-32768", "32767", "1"}},
		{"BI", func(v parquet.Value) string { return fmt.Sprint(v.Int64()) }, [3]string{"-9223372036854775808", "9223372036854775807", "1"}},
		{"B", func(v parquet.Value) string { return fmt.Sprint(v.Boolean()) }, [3]string{"false", "true", "true"}},
		{"D38", func(v parquet.Value) string { return dec(v, 10) }, [3]string{"-9999999999999999999999999999.9999999999", "9999999999999999999999999999.9999999999", "0.0000000001"}},
		{"N52", func(v parquet.Value) string { return dec(v, 2) }, [3]string{"-999.99", "999.99", "0.01"}},
		{"M", func(v parquet.Value) string { return dec(v, 4) }, [3]string{"-922337203685477.5808", "922337203685477.5807", "0.0001"}},
		{"SM", func(v parquet.Value) string { return dec(v, 4) }, [3]string{"-214748.3648", "214748.3647", "0.0001"}},
		{"R", func(v parquet.Value) string { return fmt.Sprint(v.Float()) }, [3]string{fmt.Sprint(float32(-math.MaxFloat32)), fmt.Sprint(float32(math.MaxFloat32)), "1.5"}},
		{"F", func(v parquet.Value) string { return fmt.Sprint(v.Double()) }, [3]string{fmt.Sprint(-math.MaxFloat64), fmt.Sprint(math.MaxFloat64), "0.1"}},
		{"DT", day, [3]string{"0001-01-01", "9999-12-31", "2024-02-29"}},
		{"TM", str, [3]string{"00:00:00.0000000", "23:59:59.9999999", "12:00:00.1234567"}},
		{"T3", tod, [3]string{"00:00:00.001000", "23:59:59.999000", "12:00:00.500000"}},
		{"SDT", ts, [3]string{"1900-01-01 00:00:00.000000", "2079-06-06 23:59:00.000000", "2024-02-29 23:59:00.000000"}},
		{"DTM", ts, [3]string{"1753-01-01 00:00:00.003000", "9999-12-31 23:59:59.997000", "2024-02-29 23:59:59.993000"}},
		{"DT2", str, [3]string{"0001-01-01 00:00:00.0000000", "9999-12-31 23:59:59.9999999", "2024-02-29 12:34:56.1234567"}},
		{"DT23", ts, [3]string{"0001-01-01 00:00:00.000000", "9999-12-31 23:59:59.999000", "2024-02-29 12:34:56.123000"}},
		{"DTO", str, [3]string{"0001-01-01 00:00:00.0000000-14:00", "9999-12-31 23:59:59.9999999+14:00", "2024-02-29 12:34:56.1234567+05:45"}},
		{"DTO0", str, [3]string{"2024-02-29 12:34:56+05:30", "2000-01-01 00:00:00-08:00", "2024-02-29 12:34:56-00:30"}},
		{"C", str, [3]string{"     ", "abcde", "a    "}},
		{"VC", str, [3]string{"", "Hello, World ", "a"}},
		{"VCM", func(v parquet.Value) string { return fmt.Sprint(len(v.ByteArray())) }, [3]string{"0", "9000", "1"}},
		{"NC", str, [3]string{"    ", "éü  ", "a   "}},
		{"NVC", str, [3]string{"", "O'Brien [x] N'y'", "a"}},
		{"NVM", str, [3]string{"", "😀😀 \x00tail", "a"}},
		{"TX", str, [3]string{"", "text", "a"}},
		{"NTX", str, [3]string{"", "ntext ü", "a"}},
		{"BN", func(v parquet.Value) string { return fmt.Sprintf("%x", v.ByteArray()) }, [3]string{"00000000", "deadbeef", "01000000"}},
		{"VB", func(v parquet.Value) string { return fmt.Sprintf("%x", v.ByteArray()) }, [3]string{"", "00ff00ff", "01"}},
		{"VBM", func(v parquet.Value) string { return fmt.Sprintf("%x", v.ByteArray()) }, [3]string{"", "0102", "01"}},
		{"IMG", func(v parquet.Value) string { return fmt.Sprintf("%x", v.ByteArray()) }, [3]string{"", "03", "01"}},
		{"G", str, [3]string{"00000000-0000-0000-0000-000000000000", "6F9619FF-8B86-D011-B42D-00C04FC964FF", "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"}},
		{"X", str, [3]string{"<a/>", `<r a="1">ü</r>`, "<a>&amp;</a>"}},
		{"SV", str, [3]string{"", "variant", "1"}},
		{"H", str, [3]string{"/", "/1/2/3/", "/1/"}},
		{"GEO", str, [3]string{"POINT (0 0)", "LINESTRING (1 2, 3 4)", "POINT (1 1)"}},
		{"GG", str, [3]string{"POINT (0 0)", "POINT (-122.34 47.65)", "POINT (1 1)"}},
		{"COMP", i32, [3]string{"2", "4", "8"}},
	}
	for _, c := range checks {
		for i, id := range []int32{1, 2, 4} {
			v, ok := byID[id][c.col]
			if !ok || v.IsNull() {
				t.Errorf("row %d %s: missing or NULL", id, c.col)
				continue
			}
			if got := c.got(v); got != c.want[i] {
				t.Errorf("row %d %s = %q, want %q", id, c.col, got, c.want[i])
			}
		}
		if v := byID[3][c.col]; !v.IsNull() && c.col != "COMP" {
			t.Errorf("row 3 %s is not NULL: %v", c.col, v)
		}
	}
	// rowversion: 8 bytes, increasing.
	if a, b := byID[1]["RV"].ByteArray(), byID[2]["RV"].ByteArray(); len(a) != 8 || len(b) != 8 {
		t.Errorf("rowversion %x %x", a, b)
	}
}

// Hostile values pass through bounds (as text keys) and the filter as data. (A key
// holding NUL is left out: the local SQL Server refuses a string parameter that holds
// U+0000 with error 102, and bounds are parameters.)
func TestHostileKeysAndFilter(t *testing.T) {
	hostile := []string{"'", "''", "a'); DROP TABLE dbo.h; --", "]", "[x]", "N'x'", "😀", "\\", "%_", "@p1", "*/", "/*", "\n", " "}
	s, db := newDB(t, "CREATE TABLE dbo.h (id int NOT NULL, k nvarchar(50) NOT NULL)")
	for i, v := range hostile {
		// Values as parameters: the local SQL Server refuses a NUL inside a literal.
		q := "INSERT INTO dbo.h VALUES (@p1, @p2)"
		args := []any{i + 1, v}
		if a, b, ok := strings.Cut(v, "\x00"); ok {
			q, args = "INSERT INTO dbo.h VALUES (@p1, @p2 + NCHAR(0) + @p3)", []any{i + 1, a, b}
		}
		if _, err := db.ExecContext(ctxT(t), q, args...); err != nil {
			t.Fatalf("insert %q: %v", v, err)
		}
	}
	cfg := tableConfig("h", "k")
	cfg.PartitionSize = &config.PartitionSize{MaxRowsPerPartition: 1}
	checkCoverage(t, s, cfg, "ID", []string{"K"}, []bool{false}, len(hostile))
	// The filter: a string that looks like an escape, with brackets and N'…'.
	w := "k <> N'a''); DROP TABLE dbo.h; --' AND [k] NOT LIKE N'[[]x]' AND k <> '*/'"
	cfg.WhereClauseCriteria = &w
	info, err := s.Introspect(ctxT(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	parts, _ := extractAll(t, s, info, cfg)
	n := 0
	for _, rows := range parts {
		for _, r := range rows {
			k := string(r["K"].ByteArray())
			if k == hostile[2] || k == "[x]" || k == "*/" {
				t.Errorf("filtered key %q extracted", k)
			}
			n++
		}
	}
	if n != len(hostile)-3 {
		t.Errorf("%d rows extracted, want %d", n, len(hostile)-3)
	}
	var left int
	if err := db.QueryRowContext(ctxT(t), "SELECT COUNT(*) FROM dbo.h").Scan(&left); err != nil || left != len(hostile) {
		t.Errorf("table has %d rows (%v)", left, err)
	}
	// A filter the checker refuses never reaches the server.
	bad := "k = 1) OR (1=1"
	cfg.WhereClauseCriteria = &bad
	if _, err := s.PlanPartitions(ctxT(t), source.PlanRequest{Table: cfg, TableShape: info.TableShape}); !errors.Is(err, source.ErrConfig) {
		t.Errorf("unbalanced filter: %v", err)
	}
}

func TestErrorsBySentinel(t *testing.T) {
	s, _ := newDB(t, "CREATE TABLE dbo.e (id int NOT NULL, v nvarchar(10))", "INSERT INTO dbo.e VALUES (1, N'a')")
	srv := localServer(t)
	ctx := ctxT(t)
	// Wrong password: ErrCredentials, and the password is in no message.
	conn := &config.SourceConnection{Username: srv.User, Password: "wrong-" + srv.Password, Database: "master", Host: srv.Host(), Port: srv.Port, Encrypt: "disable"}
	_, err := Open(ctx, conn, source.OpenOptions{})
	if !errors.Is(err, source.ErrCredentials) || strings.Contains(err.Error(), conn.Password) {
		t.Errorf("wrong password: %v", err)
	}
	// Unknown database: ErrMissing.
	conn = &config.SourceConnection{Username: srv.User, Password: srv.Password, Database: "nosuchdb", Host: srv.Host(), Port: srv.Port, Encrypt: "disable"}
	if _, err := Open(ctx, conn, source.OpenOptions{}); !errors.Is(err, source.ErrMissing) || strings.Contains(err.Error(), srv.Password) {
		t.Errorf("unknown database: %v", err)
	}
	// A column dropped after introspection: ErrMissing from the drift check.
	tc := tableConfig("e", "id")
	info, err := s.Introspect(ctx, tc)
	if err != nil {
		t.Fatal(err)
	}
	shape := info.TableShape
	shape.Columns = append(append([]migration.Column{}, shape.Columns...), migration.Column{SourceName: "gone", SourceType: "int", TargetName: "GONE", TargetType: "NUMBER(10,0)"})
	dir := t.TempDir()
	if _, err := s.Extract(ctx, source.ExtractRequest{Table: tc, TableShape: shape, Partition: migration.Partition{Number: 1}}, dir, nil); !errors.Is(err, source.ErrMissing) {
		t.Errorf("dropped column: %v", err)
	}
	// A filter naming an unknown column: ErrConfig naming whereClauseCriteria.
	w := "nosuch = 1"
	tc.WhereClauseCriteria = &w
	if _, _, err := s.CountRows(ctx, source.CountRequest{Table: tc, TableShape: info.TableShape}); !errors.Is(err, source.ErrConfig) || !strings.Contains(err.Error(), "whereClauseCriteria") {
		t.Errorf("bad filter: %v", err)
	}
	// mapError by number.
	for num, want := range map[int32]error{18456: source.ErrCredentials, 208: source.ErrMissing, 207: source.ErrMissing, 229: source.ErrPermission, 230: source.ErrPermission} {
		if err := mapError(fmt.Errorf("wrapped: %w", mssqlError(num))); !errors.Is(err, want) {
			t.Errorf("error %d: %v", num, err)
		}
	}
}

func TestSnapshotIsolation(t *testing.T) {
	s, db := newDB(t, "CREATE TABLE dbo.s (id int NOT NULL PRIMARY KEY, v nvarchar(10))", "INSERT INTO dbo.s VALUES (1, N'a'), (2, N'b'), (3, N'c')")
	var name string
	if err := db.QueryRowContext(ctxT(t), "SELECT DB_NAME()").Scan(&name); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctxT(t), "ALTER DATABASE ["+name+"] SET ALLOW_SNAPSHOT_ISOLATION ON"); err != nil {
		t.Fatal(err)
	}
	srv := localServer(t)
	conn := &config.SourceConnection{Username: srv.User, Password: srv.Password, Database: name, Host: srv.Host(), Port: srv.Port, Encrypt: "disable", Isolation: config.IsolationSnapshot}
	src, err := Open(ctxT(t), conn, source.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if iso := src.(*Source).Isolation; iso.String() != "Snapshot" {
		t.Fatalf("isolation %v", iso)
	}
	_ = s
	cfg := tableConfig("s", "id")
	cfg.PartitionSize = &config.PartitionSize{MaxRowsPerPartition: 1}
	checkCoverage(t, src.(*Source), cfg, "ID", []string{"ID"}, []bool{true}, 3)
}

// The partition checksum is reported for every mapping, a datetimeoffset (which travels
// as text with its offset) included: it is the checksum of the canonical row texts,
// the instant in UTC at microseconds (docs/checksums.md), not of the text in Parquet.
func TestExtractChecksum(t *testing.T) {
	s, _ := newDB(t, "CREATE TABLE dbo.c (id int NOT NULL, v nvarchar(10), d datetime2(3), o datetimeoffset(7))",
		"INSERT INTO dbo.c VALUES (1, N'a', '2024-01-01 00:00:00.123', '2024-01-01 00:00:00.1234567 +01:00'), (2, NULL, NULL, NULL)")
	sum := func(rows ...string) string {
		var s checksum.Sum
		for _, r := range rows {
			s.Add([]byte(r))
		}
		return s.String()
	}
	for _, tc := range []struct {
		cfg  config.TableConfig
		want string
	}{
		{tableConfig("c", "id"), sum("1|a|2024-01-01 00:00:00.123000|2023-12-31 23:00:00.123456", `2|\N|\N|\N`)},
		{withMapping(tableConfig("c", "id"), "datetimeoffset(7)", "VARCHAR"), sum("1|a|2024-01-01 00:00:00.123000|2024-01-01 00:00:00.1234567+01:00", `2|\N|\N|\N`)},
	} {
		info, err := s.Introspect(ctxT(t), tc.cfg)
		if err != nil {
			t.Fatal(err)
		}
		st, err := s.Extract(ctxT(t), source.ExtractRequest{Table: tc.cfg, TableShape: info.TableShape, Partition: migration.Partition{Number: 1}}, t.TempDir(), nil)
		if err != nil {
			t.Fatal(err)
		}
		if st.Checksum != tc.want {
			t.Errorf("mapping %v: checksum %q, want %q", tc.cfg.ColumnTypeMappings, st.Checksum, tc.want)
		}
	}
}

// encrypt = "true" with trust_server_certificate against the local server's generated
// certificate, and application_intent, reach the driver and work.
func TestEncryptedConnection(t *testing.T) {
	_, db := newDB(t, "CREATE TABLE dbo.t (id int NOT NULL)")
	var name string
	if err := db.QueryRowContext(ctxT(t), "SELECT DB_NAME()").Scan(&name); err != nil {
		t.Fatal(err)
	}
	srv := localServer(t)
	conn := &config.SourceConnection{Username: srv.User, Password: srv.Password, Database: name, Host: srv.Host(), Port: srv.Port,
		Encrypt: "true", TrustServerCertificate: true, ApplicationIntent: "ReadOnly"}
	src, err := Open(ctxT(t), conn, source.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if _, err := src.Introspect(ctxT(t), tableConfig("t", "id")); err != nil {
		t.Fatal(err)
	}
	// Without trusting it, the self-signed certificate is refused (and the error says
	// nothing of the password).
	conn.TrustServerCertificate = false
	if _, err := Open(ctxT(t), conn, source.OpenOptions{}); err == nil || strings.Contains(err.Error(), srv.Password) {
		t.Errorf("untrusted certificate: %v", err)
	}
}
