package redshift

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/internal/testenv"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
)

// Tests against the local Redshift (bin/redshift-emulator over the test PostgreSQL):
// introspection from svv_columns / svv_table_info, the regular strategy through the
// server-side cursor, and the login paths. Skipped only when a binary is missing.

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func openLocal(t *testing.T, rs *testenv.Redshift) *Source {
	t.Helper()
	conn := &config.SourceConnection{Username: rs.User, Password: rs.Password, Database: rs.Database, Host: rs.Host, Port: rs.Port,
		SSLMode: "disable", AuthMethod: config.AuthStandard}
	s, err := source.Open(ctxT(t), config.PlatformRedshift, conn, source.OpenOptions{MaxConns: 4})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(s.Close)
	return s.(*Source)
}

const localTypesDDL = `CREATE TABLE public.kinds (
  id integer NOT NULL PRIMARY KEY,
  s smallint, b bigint, n decimal(12,2), r real, d double precision, flag boolean,
  ch char(5), vc varchar(20), dt date, tm time, ttz timetz, ts timestamp, tstz timestamptz,
  doc super
) DISTSTYLE KEY DISTKEY (id) SORTKEY (id)`

const localTypesRows = `INSERT INTO public.kinds VALUES
 (1, 32767, 9223372036854775807, 1234567890.12, 1.5, 2.25, true, 'ab', 'hello', '2024-02-29', '23:59:59.999999', '12:00:00+02', '2024-01-02 03:04:05.123456', '2024-01-02 03:04:05.123456+05:30', json_parse('{"a":[1,2]}')),
 (2, -32768, -9223372036854775808, -0.01, -1, 1e308, false, '', '', '1969-12-31', '00:00:00', '00:00:00-08', '1900-01-01 00:00:00', '1960-06-15 12:00:00.000001+00', json_parse('"str"')),
 (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 (4, 0, 0, 0, 0, 0, NULL, 'x', 'a''b"c ünï', '0001-01-01', '12:34:56', '23:59:59+14', '9999-12-31 23:59:59.999999', '0001-01-01 00:00:00+00', json_parse('null'))`

func TestLocalRedshiftIntrospectAndCursorExtract(t *testing.T) {
	rs := testenv.StartRedshift(t, testenv.RedshiftOptions{})
	rs.Exec(t, localTypesDDL, localTypesRows)
	s := openLocal(t, rs)
	tc := config.TableConfig{
		Source:                   &config.Identifier{SchemaName: "public", TableName: "kinds"},
		Target:                   &config.Identifier{SchemaName: "PUBLIC", TableName: "KINDS"},
		ColumnNamesToPartitionBy: []string{"id"},
	}
	info, err := s.Introspect(ctxT(t), tc)
	if err != nil {
		t.Fatalf("introspect: %v", err)
	}
	if info.Source.Database != rs.Database || !info.HasRows || info.EstimatedRows != 4 || info.EstimatedBytes < 1<<20 {
		t.Errorf("catalog: %+v (svv_table_info gives tbl_rows and size in MB)", info.TableShape)
	}
	if strings.Join(info.PrimaryKey, ",") != "id" {
		t.Errorf("primary key %v", info.PrimaryKey)
	}
	want := map[string]string{
		"id": "NUMBER(10,0)", "s": "NUMBER(5,0)", "b": "NUMBER(19,0)", "n": "NUMBER(12,2)", "r": "FLOAT", "d": "FLOAT",
		"flag": "BOOLEAN", "ch": "VARCHAR(5)", "vc": "VARCHAR(20)", "dt": "DATE", "tm": "TIME(6)", "ttz": "VARCHAR",
		"ts": "TIMESTAMP_NTZ(6)", "tstz": "TIMESTAMP_TZ(6)", "doc": "VARIANT",
	}
	var got []string
	for _, c := range info.Columns {
		if w, ok := want[c.SourceName]; ok && w != c.TargetType {
			got = append(got, fmt.Sprintf("%s %s → %s (want %s)", c.SourceName, c.SourceType, c.TargetType, w))
		}
	}
	if len(got) > 0 {
		t.Errorf("type mapping:\n%s", strings.Join(got, "\n"))
	}
	dir := filepath.Join(t.TempDir(), "p")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	st, err := s.Extract(ctxT(t), source.ExtractRequest{Table: tc, TableShape: info.TableShape, Partition: migration.Partition{Number: 1}}, dir, nil)
	if err != nil {
		t.Fatalf("extract (DECLARE CURSOR / FETCH): %v", err)
	}
	if st.Rows != 4 {
		t.Fatalf("extracted %d rows", st.Rows)
	}
	rows := readParquet(t, st.Files)
	sort.Slice(rows, func(i, j int) bool { return rows[i]["ID"] < rows[j]["ID"] })
	check := map[string]string{ // row 1 and row 4, as the Parquet values print
		"ID":   "1|4",
		"VC":   "hello|a'b\"c ünï",
		"DOC":  `{"a": [1, 2]}|null`,
		"TTZ":  "12:00:00+02|23:59:59+14",
		"TSTZ": "2024-01-01 21:34:05.123456 +0000 UTC|0001-01-01 00:00:00 +0000 UTC",
	}
	for col, w := range check {
		if g := rows[0][col] + "|" + rows[3][col]; g != w {
			t.Errorf("%s: %q, want %q", col, g, w)
		}
	}
	if rows[2]["S"] != "<null>" || rows[2]["DOC"] != "<null>" {
		t.Errorf("NULLs: %v", rows[2])
	}
	n, _, err := s.CountRows(ctxT(t), source.CountRequest{Table: tc, TableShape: info.TableShape})
	if err != nil || n != 4 {
		t.Errorf("count %d %v", n, err)
	}
}

// TestLocalRedshiftRefusesWhatRedshiftLacks: the runtime never needs COPY TO STDOUT
// (the local Redshift refuses it, as Redshift does).
func TestLocalRedshiftRefusesCopyOut(t *testing.T) {
	rs := testenv.StartRedshift(t, testenv.RedshiftOptions{})
	c := rs.Conn(t)
	_, err := c.PgConn().CopyTo(ctxT(t), discard{}, "COPY (SELECT 1) TO STDOUT")
	if err == nil {
		t.Fatal("COPY TO STDOUT accepted by the local Redshift")
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// readParquet reads the files' rows as field name → printed value ("<null>" for NULL).
func readParquet(t testing.TB, files []migration.FileRef) []map[string]string {
	t.Helper()
	var out []map[string]string
	for _, f := range files {
		fh, err := os.Open(f.Path)
		if err != nil {
			t.Fatal(err)
		}
		stat, _ := fh.Stat()
		pf, err := parquet.OpenFile(fh, stat.Size())
		if err != nil {
			t.Fatal(err)
		}
		schema := pf.Schema()
		var names []string
		for _, c := range schema.Columns() {
			names = append(names, c[0])
		}
		fields := schema.Fields()
		r := parquet.NewGenericReader[any](fh, schema)
		buf := make([]parquet.Row, 64)
		for {
			k, err := r.ReadRows(buf)
			for _, row := range buf[:k] {
				m := map[string]string{}
				for _, v := range row {
					m[names[v.Column()]] = printValue(fields[v.Column()], v)
				}
				out = append(out, m)
			}
			if err != nil {
				break
			}
		}
		r.Close()
		fh.Close()
	}
	return out
}

func printValue(f parquet.Field, v parquet.Value) string {
	if v.IsNull() {
		return "<null>"
	}
	lt := f.Type().LogicalType()
	switch {
	case lt != nil && strings.HasPrefix(lt.String(), "TIMESTAMP"):
		return time.UnixMicro(v.Int64()).UTC().String()
	case v.Kind() == parquet.ByteArray || v.Kind() == parquet.FixedLenByteArray:
		return string(v.ByteArray())
	}
	return v.String()
}
