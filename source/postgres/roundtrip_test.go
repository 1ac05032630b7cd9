package postgres

import (
	"bytes"
	"math"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/snowmigrate/snowmigrate/migration"
)

const allTypesDDL = `CREATE TYPE mood AS ENUM ('sad', 'happy');
CREATE TABLE public."AllTypes" (
  id integer PRIMARY KEY,
  "Select" smallint,
  "MixedCase" bigint,
  n_12_2 numeric(12,2),
  n_30_5 numeric(30,5),
  n_free numeric,
  n_huge numeric(50,10),
  r real,
  d double precision,
  t text,
  vc varchar(10),
  ch char(5),
  b bytea,
  flag boolean,
  dt date,
  tm time,
  ttz timetz,
  ts timestamp,
  tstz timestamptz,
  iv interval,
  j json,
  jb jsonb,
  u uuid,
  m money,
  arr integer[],
  tarr text[],
  ip inet,
  mac macaddr,
  e mood,
  x xml,
  bits bit(4)
);
INSERT INTO public."AllTypes" VALUES
 (1, 32767, 9223372036854775807, 1234567890.12, 1234567890123456789012345.12345, 12345.678901, 123.4, 1.5, 'NaN', 'hello', 'ten chars!', 'ab', '\x00ff10', true, '2024-02-29', '23:59:59.999999', '12:00:00+02', '2024-01-02 03:04:05.123456', '2024-01-02 03:04:05.123456+05:30', '1 year 2 mons 3 days 04:05:06', '{"a": [1, 2]}', '{"b": {"c": null}}', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', 12.34, '{1,NULL,3}', '{"x","y z"}', '10.0.0.1/8', '08:00:2b:01:02:03', 'happy', '<a>1</a>', B'1010'),
 (2, -32768, -9223372036854775808, -0.01, -0.00001, -0.5, -1, 'Infinity', '-Infinity', '', '', '', '', false, '1969-12-31', '00:00:00', '00:00:00-08', '1900-01-01 00:00:00', '1960-06-15 12:00:00.000001+00', '-1 day', 'null', '[]', '00000000-0000-0000-0000-000000000000', -92233720368.55, '{}', '{}', '::1', '00:00:00:00:00:00', 'sad', '', B'0000'),
 (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 (4, 0, 0, 0, 0, 0, 0, '-Infinity', 1e308, 'ünïcödé ☃', 'a''b"c', 'x    ', '\x', NULL, '0001-01-01', '12:34:56', '23:59:59.999999+14', '9999-12-31 23:59:59.999999', '0001-01-01 00:00:00+00', '00:00:00', '"str"', '123', 'ffffffff-ffff-ffff-ffff-ffffffffffff', 0, '{{1,2},{3,4}}', '{NULL}', '192.168.0.0/16', 'ff:ff:ff:ff:ff:ff', 'happy', NULL, B'1111')`

func TestExtractRoundTripAllTypes(t *testing.T) {
	s, _ := newTestSource(t, allTypesDDL)
	tc := tableConfig(`"AllTypes"`, "id")
	info, err := s.Introspect(ctxT(t), tc)
	if err != nil {
		t.Fatalf("introspect: %v", err)
	}
	wantTypes := map[string]string{
		"ID": "NUMBER(10,0)", "Select": "NUMBER(5,0)", "MixedCase": "NUMBER(19,0)", "N_12_2": "NUMBER(12,2)",
		"N_30_5": "NUMBER(30,5)", "N_FREE": "NUMBER(38,6)", "N_HUGE": "VARCHAR", "R": "FLOAT", "D": "FLOAT",
		"T": "VARCHAR", "VC": "VARCHAR(10)", "CH": "VARCHAR(5)", "B": "BINARY", "FLAG": "BOOLEAN", "DT": "DATE",
		"TM": "TIME(6)", "TTZ": "VARCHAR", "TS": "TIMESTAMP_NTZ(6)", "TSTZ": "TIMESTAMP_TZ(6)", "IV": "VARCHAR",
		"J": "VARIANT", "JB": "VARIANT", "U": "VARCHAR(36)", "M": "NUMBER(19,4)", "ARR": "ARRAY", "TARR": "ARRAY",
		"IP": "VARCHAR", "MAC": "VARCHAR", "E": "VARCHAR", "X": "VARCHAR", "BITS": "VARCHAR",
	}
	if len(info.Columns) != len(wantTypes) {
		t.Fatalf("got %d columns, want %d", len(info.Columns), len(wantTypes))
	}
	for _, c := range info.Columns {
		if wantTypes[c.TargetName] != c.TargetType {
			t.Errorf("column %s (%s): target type %s, want %s", c.TargetName, c.SourceType, c.TargetType, wantTypes[c.TargetName])
		}
	}
	for i, c := range info.Columns {
		if c.Nullable != (i != 0) {
			t.Errorf("column %s nullable = %v", c.SourceName, c.Nullable)
		}
	}
	if info.Columns[0].SourceType != "integer" || info.Columns[3].SourceType != "numeric(12,2)" || info.Columns[10].SourceType != "character varying(10)" {
		t.Errorf("source types not as format_type spells them: %q %q %q", info.Columns[0].SourceType, info.Columns[3].SourceType, info.Columns[10].SourceType)
	}
	if info.Source.Table != "AllTypes" || !info.HasRows || len(info.PrimaryKey) != 1 || info.PrimaryKey[0] != "id" {
		t.Fatalf("info = %+v", info)
	}
	if len(info.Warnings) != 1 || !strings.Contains(info.Warnings[0], "n_huge") {
		t.Fatalf("warnings = %v", info.Warnings)
	}
	st := extractAll(t, s, info, tc, migration.Partition{Number: 1})
	if st.Rows != 4 || len(st.Files) != 1 {
		t.Fatalf("stats = %+v", st)
	}
	rows, schema := readParquet(t, st.Files)
	if len(rows) != 4 {
		t.Fatalf("read %d rows", len(rows))
	}
	// Types in the file.
	wantLeaf := map[string]string{
		"ID": "INT32", "N_12_2": "INT64", "N_30_5": "FIXED_LEN_BYTE_ARRAY", "R": "FLOAT", "D": "DOUBLE",
		"B": "BYTE_ARRAY", "DT": "INT32", "TS": "INT64", "TSTZ": "INT64", "FLAG": "BOOLEAN", "U": "BYTE_ARRAY",
	}
	for name, kind := range wantLeaf {
		leaf, ok := schema.Lookup(name)
		if !ok {
			t.Fatalf("no field %s", name)
		}
		if got := leaf.Node.Type().Kind().String(); got != kind {
			t.Errorf("field %s is %s, want %s", name, got, kind)
		}
		if !leaf.Node.Optional() {
			t.Errorf("field %s is not optional", name)
		}
	}
	for name, want := range map[string]string{
		"TSTZ": "TIMESTAMP(isAdjustedToUTC=true,unit=MICROS)", "TS": "TIMESTAMP(isAdjustedToUTC=false,unit=MICROS)",
		"TM": "TIME(isAdjustedToUTC=false,unit=MICROS)", "N_30_5": "DECIMAL(30,5)",
		"N_12_2": "DECIMAL(12,2)", "DT": "DATE", "T": "STRING",
	} {
		if got := mustLeaf(t, schema, name).Type().LogicalType().String(); got != want {
			t.Errorf("field %s logical type %s, want %s", name, got, want)
		}
	}

	byID := map[int32]map[string]parquet.Value{}
	for _, r := range rows {
		byID[r["ID"].Int32()] = r
	}
	r1, r2, r3, r4 := byID[1], byID[2], byID[3], byID[4]
	str := func(r map[string]parquet.Value, k string) string { return string(r[k].ByteArray()) }
	eq := func(what string, got, want any) {
		t.Helper()
		if got != want {
			t.Errorf("%s = %v, want %v", what, got, want)
		}
	}
	eq("Select", r1["Select"].Int32(), int32(32767))
	eq("Select", r2["Select"].Int32(), int32(-32768))
	eq("MixedCase", r1["MixedCase"].Int64(), int64(math.MaxInt64))
	eq("MixedCase", r2["MixedCase"].Int64(), int64(math.MinInt64))
	eq("n_12_2", r1["N_12_2"].Int64(), int64(123456789012))
	eq("n_12_2", r2["N_12_2"].Int64(), int64(-1))
	eq("n_30_5", decimal128(r1["N_30_5"].ByteArray()).String(), "123456789012345678901234512345")
	eq("n_30_5", decimal128(r2["N_30_5"].ByteArray()).String(), "-1")
	eq("n_free", decimal128(r1["N_FREE"].ByteArray()).String(), "12345678901")
	eq("n_free", decimal128(r2["N_FREE"].ByteArray()).String(), "-500000")
	eq("n_huge", str(r1, "N_HUGE"), "123.4000000000")
	eq("r", r1["R"].Float(), float32(1.5))
	eq("r inf", math.IsInf(float64(r2["R"].Float()), 1), true)
	eq("r -inf", math.IsInf(float64(r4["R"].Float()), -1), true)
	eq("d nan", math.IsNaN(r1["D"].Double()), true)
	eq("d -inf", math.IsInf(r2["D"].Double(), -1), true)
	eq("d max", r4["D"].Double(), 1e308)
	eq("t", str(r1, "T"), "hello")
	eq("t empty not null", r2["T"].IsNull(), false)
	eq("t empty", str(r2, "T"), "")
	eq("t null", r3["T"].IsNull(), true)
	eq("t unicode", str(r4, "T"), "ünïcödé ☃")
	eq("vc", str(r4, "VC"), `a'b"c`)
	eq("ch padded", str(r1, "CH"), "ab   ")
	eq("b", bytes.Equal(r1["B"].ByteArray(), []byte{0, 0xff, 0x10}), true)
	eq("b empty", r4["B"].IsNull() || len(r4["B"].ByteArray()) != 0, false)
	eq("flag", r1["FLAG"].Boolean(), true)
	eq("flag false", r2["FLAG"].Boolean(), false)
	eq("flag null", r4["FLAG"].IsNull(), true)
	eq("dt", days(r1["DT"].Int32()), "2024-02-29")
	eq("dt pre-1970", days(r2["DT"].Int32()), "1969-12-31")
	eq("dt year 1", days(r4["DT"].Int32()), "0001-01-01")
	eq("tm", r1["TM"].Int64(), int64(86399999999))
	eq("ttz", str(r1, "TTZ"), "12:00:00+02")
	eq("ts", micros(r1["TS"].Int64()), "2024-01-02 03:04:05.123456")
	eq("ts 1900", micros(r2["TS"].Int64()), "1900-01-01 00:00:00.000000")
	eq("ts 9999", micros(r4["TS"].Int64()), "9999-12-31 23:59:59.999999")
	eq("tstz instant", micros(r1["TSTZ"].Int64()), "2024-01-01 21:34:05.123456")
	eq("tstz pre-1970", micros(r2["TSTZ"].Int64()), "1960-06-15 12:00:00.000001")
	eq("iv", str(r1, "IV"), "P1Y2M3DT4H5M6S")
	eq("j", str(r1, "J"), `{"a": [1, 2]}`)
	eq("jb", str(r1, "JB"), `{"b": {"c": null}}`)
	eq("j null literal", str(r2, "J"), `null`)
	eq("j null sql", r3["J"].IsNull(), true)
	eq("u", str(r1, "U"), "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")
	eq("u", str(r4, "U"), "ffffffff-ffff-ffff-ffff-ffffffffffff")
	eq("money", decimal128(r1["M"].ByteArray()).String(), "123400")
	eq("money neg", decimal128(r2["M"].ByteArray()).String(), "-922337203685500")
	eq("arr", str(r1, "ARR"), "[1,null,3]")
	eq("arr 2d", str(r4, "ARR"), "[[1,2],[3,4]]")
	eq("tarr", str(r1, "TARR"), `["x","y z"]`)
	eq("ip", str(r1, "IP"), "10.0.0.1/8")
	eq("e", str(r1, "E"), "happy")
	eq("x", str(r1, "X"), "<a>1</a>")
	eq("bits", str(r1, "BITS"), "1010")
	for k, v := range r3 {
		if k != "ID" && !v.IsNull() {
			t.Errorf("row 3 column %s = %v, want NULL", k, v)
		}
	}
}

func mustLeaf(t *testing.T, s *parquet.Schema, name string) parquet.Node {
	t.Helper()
	l, ok := s.Lookup(name)
	if !ok {
		t.Fatalf("no field %s", name)
	}
	return l.Node
}

func decimal128(b []byte) *big.Int {
	v := new(big.Int).SetBytes(b)
	if len(b) > 0 && b[0]&0x80 != 0 {
		v.Sub(v, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
	}
	return v
}

func days(d int32) string {
	return time.Unix(0, 0).UTC().AddDate(0, 0, int(d)).Format("2006-01-02")
}

func micros(us int64) string {
	return time.UnixMicro(us).UTC().Format("2006-01-02 15:04:05.000000")
}
