package postgres

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
)

const profileDDL = `CREATE TABLE public.prof (
  id integer PRIMARY KEY, amount numeric(12,2), name text, code char(4), b bytea,
  flag boolean, ts timestamptz, f float8, j jsonb);
INSERT INTO public.prof VALUES
  (1, 10.005, 'ab', 'x', '\x0001', true, '2024-01-31 10:00:00+01', 0.5, '{"a":1}'),
  (2, -2.5, 'héllo', NULL, '\x', false, '2024-02-01 00:00:00+00', 1.5, NULL),
  (3, NULL, NULL, 'abcd', NULL, true, NULL, NULL, '[]'),
  (4, 7, '', 'x', '\xff', NULL, '2023-12-31 23:59:59.5+00', -1, 'null');`

// Metrics are computed over the values as the target holds them: numbers at the
// target scale (10.005 → 10.01), char(n) with its padding ('x' is 4 characters),
// instants in UTC, binary lengths in bytes.
func TestProfileColumns(t *testing.T) {
	s, _ := newTestSource(t, profileDDL)
	tc := tableConfig("prof", "id")
	info, err := s.Introspect(ctxT(t), tc)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := s.ProfileColumns(ctxT(t), source.ProfileRequest{Table: tc, TableShape: info.TableShape})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]source.ColumnMetrics{}
	for _, m := range ms {
		got[m.Column] = m
	}
	str := func(p *string) string {
		if p == nil {
			return "NULL"
		}
		return *p
	}
	check := func(col, kind string, count, nulls, distinct int64, min, max, sum string) {
		t.Helper()
		m := got[col]
		if m.Kind != kind || m.Count != count || m.Nulls != nulls || m.Distinct == nil && kind != source.MetricPresence ||
			m.Distinct != nil && *m.Distinct != distinct || str(m.Min) != min || str(m.Max) != max || str(m.Sum) != sum {
			d := int64(-1)
			if m.Distinct != nil {
				d = *m.Distinct
			}
			t.Errorf("%s: got kind %s count %d nulls %d distinct %d min %s max %s sum %s; want %s %d %d %d %s %s %s",
				col, m.Kind, m.Count, m.Nulls, d, str(m.Min), str(m.Max), str(m.Sum), kind, count, nulls, distinct, min, max, sum)
		}
	}
	check("ID", source.MetricNumber, 4, 0, 4, "1", "4", "10")
	check("AMOUNT", source.MetricNumber, 3, 1, 3, "-2.50", "10.01", "14.51")
	check("NAME", source.MetricText, 3, 1, 3, "0", "5", "7")
	check("CODE", source.MetricText, 3, 1, 2, "4", "4", "12")
	check("B", source.MetricBinary, 3, 1, 3, "0", "2", "3")
	check("FLAG", source.MetricBoolean, 3, 1, 2, "NULL", "NULL", "2")
	check("TS", source.MetricTemporal, 3, 1, 3, "2023-12-31 23:59:59.500000", "2024-02-01 00:00:00.000000", "NULL")
	check("F", source.MetricFloat, 3, 1, 3, "-1", "1.5", "NULL")
	check("J", source.MetricPresence, 3, 1, 0, "NULL", "NULL", "NULL")
	if a := got["AMOUNT"].Avg; a == nil || *a != "4.8366666666666667" {
		t.Errorf("AMOUNT avg = %s, want 4.8366666666666667", str(a))
	}
}

// ProfileSQL is golden-tested; -update rewrites testdata/validate_profile.sql.
func TestProfileSQLGolden(t *testing.T) {
	d := NewDialect()
	cols := []migration.Column{
		{SourceName: "id", SourceType: "integer", TargetName: "ID", TargetType: "NUMBER(10,0)"},
		{SourceName: "amount", SourceType: "numeric(12,2)", TargetName: "AMOUNT", TargetType: "NUMBER(12,2)", Nullable: true},
		{SourceName: "code", SourceType: "character(4)", TargetName: "CODE", TargetType: "VARCHAR(4)", Nullable: true},
		{SourceName: "b", SourceType: "bytea", TargetName: "B", TargetType: "BINARY", Nullable: true},
		{SourceName: "flag", SourceType: "boolean", TargetName: "FLAG", TargetType: "BOOLEAN", Nullable: true},
		{SourceName: "ts", SourceType: "timestamp with time zone", TargetName: "TS", TargetType: "TIMESTAMP_TZ(6)", Nullable: true},
		{SourceName: "f", SourceType: "double precision", TargetName: "F", TargetType: "FLOAT", Nullable: true},
		{SourceName: "j", SourceType: "jsonb", TargetName: "J", TargetType: "VARIANT", Nullable: true},
	}
	plans := make([]source.ColumnPlan, len(cols))
	for i, c := range cols {
		p, err := d.PlanColumn(c)
		if err != nil {
			t.Fatal(err)
		}
		plans[i] = p
	}
	got := d.ProfileSQL(migration.TableRef{Schema: "public", Table: "prof"}, plans, cols, "amount > 0") + "\n"
	path := filepath.Join("testdata", "validate_profile.sql")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./source/postgres -run TestProfileSQLGolden -update)", err)
	}
	if string(want) != got {
		t.Errorf("SQL differs from %s:\n--- got\n%s--- want\n%s", path, got, want)
	}
}

// PartitionSQL, the statement shown beside a differing partition, escapes its bounds:
// a hostile text key is a literal, and the statement returns exactly the range's rows.
func TestPartitionSQLHostileBound(t *testing.T) {
	s, pool := newTestSource(t, `CREATE TABLE public.h (k text PRIMARY KEY, v int);
INSERT INTO public.h VALUES ('a', 1), ($$b'); DROP TABLE public.h; --$$, 2), ('c\', 3), ('d', 4);`)
	tc := tableConfig("h", "k")
	info, err := s.Introspect(ctxT(t), tc)
	if err != nil {
		t.Fatal(err)
	}
	q, err := s.PartitionSQL(extractRequest(info, tc, migration.Partition{Number: 1,
		Lower: []string{"a"}, Upper: []string{`c\`}}))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := pool.Query(ctxT(t), q)
	if err != nil {
		t.Fatalf("%v\n%s", err, q)
	}
	var keys []string
	for rows.Next() {
		var k string
		var v int
		if err := rows.Scan(&k, &v); err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k)
	}
	if rows.Err() != nil {
		t.Fatal(rows.Err())
	}
	if len(keys) != 2 || keys[0] != `b'); DROP TABLE public.h; --` || keys[1] != `c\` {
		t.Fatalf("partition (a, c\\] returned %q\n%s", keys, q)
	}
	// RowSQL: the hostile key (escaped in its key text as the checksum writes it)
	// selects exactly its row.
	q, err = s.RowSQL(extractRequest(info, tc, migration.Partition{}), []int{0}, `c\\`)
	if err != nil {
		t.Fatal(err)
	}
	var k string
	var v int
	if err := pool.QueryRow(ctxT(t), q).Scan(&k, &v); err != nil || k != `c\` || v != 3 {
		t.Fatalf("row SQL %s: %q %d %v", q, k, v, err)
	}
	q, err = s.RowSQL(extractRequest(info, tc, migration.Partition{}), []int{0}, `b'); DROP TABLE public.h; --`)
	if err != nil {
		t.Fatal(err)
	}
	if err := pool.QueryRow(ctxT(t), q).Scan(&k, &v); err != nil || v != 2 {
		t.Fatalf("row SQL %s: %q %d %v", q, k, v, err)
	}
	var n int
	if err := pool.QueryRow(ctxT(t), `SELECT count(*) FROM public.h`).Scan(&n); err != nil || n != 4 {
		t.Fatalf("table after the query: %d rows, %v", n, err)
	}
}
