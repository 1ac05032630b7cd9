package postgres

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
	"github.com/snowmigrate/snowmigrate/source/parquetx"
)

func TestIntrospectErrorsNameTheObject(t *testing.T) {
	s, _ := newTestSource(t, `CREATE TABLE "MyTable" (id int, "Code" text);`)
	cases := []struct {
		name    string
		tc      config.TableConfig
		want    error
		mention []string
	}{
		{"unquoted mixed case table", tableConfig("MyTable", "id"), source.ErrMissing, []string{"mytable", `public.MyTable`}},
		{"missing partition column", tableConfig(`"MyTable"`, "code"), source.ErrMissing, []string{"columnNamesToPartitionBy[0]", `"code"`, "Code"}},
		{"wrong database", func() config.TableConfig {
			tc := tableConfig(`"MyTable"`, "id")
			tc.Source.DatabaseName = "elsewhere"
			return tc
		}(), source.ErrMissing, []string{"elsewhere", "connected to database"}},
		{"bad where", func() config.TableConfig {
			tc := tableConfig(`"MyTable"`, "id")
			w := "id === 3"
			tc.WhereClauseCriteria = &w
			return tc
		}(), source.ErrConfig, []string{"whereClauseCriteria", "id === 3"}},
		{"unknown column in where", func() config.TableConfig {
			tc := tableConfig(`"MyTable"`, "id")
			w := "nope = 1"
			tc.WhereClauseCriteria = &w
			return tc
		}(), source.ErrConfig, []string{"whereClauseCriteria", "nope"}},
		{"bad type mapping", func() config.TableConfig {
			tc := tableConfig(`"MyTable"`, "id")
			tc.ColumnTypeMappings = []config.TypeMapping{{SourceType: "text", TargetType: "GEOGRAPHY"}}
			return tc
		}(), source.ErrConfig, []string{"GEOGRAPHY", "Code"}},
		{"rename of missing column", func() config.TableConfig {
			tc := tableConfig(`"MyTable"`, "id")
			tc.ColumnNameMappings = []config.NameMapping{{SourceName: "nothere", TargetName: "X"}}
			return tc
		}(), source.ErrMissing, []string{"columnNameMappings[0]", "nothere"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.Introspect(ctxT(t), c.tc)
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
			for _, m := range c.mention {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error %q does not mention %q", err, m)
				}
			}
		})
	}
}

func TestIntrospectMappingsAndRenames(t *testing.T) {
	s, _ := newTestSource(t, `CREATE TABLE m (id int, name text, price money, amount numeric(12,2), "CamelCase" int);`)
	tc := tableConfig("m", "ID")
	tc.ColumnTypeMappings = []config.TypeMapping{{SourceType: "MONEY", TargetType: "DECIMAL(19,4)"}, {SourceType: "numeric", TargetType: "float"}, {SourceType: "numeric(12,2)", TargetType: "number(20,3)"}}
	tc.ColumnNameMappings = []config.NameMapping{{SourceName: "name", TargetName: "full_name"}, {SourceName: `"CamelCase"`, TargetName: `"camel"`}}
	info, err := s.Introspect(ctxT(t), tc)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, c := range info.Columns {
		got[c.TargetName] = c.TargetType
	}
	want := map[string]string{"ID": "NUMBER(10,0)", "FULL_NAME": "VARCHAR", "PRICE": "NUMBER(19,4)", "AMOUNT": "NUMBER(20,3)", "camel": "NUMBER(10,0)"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %q (all: %v)", k, got[k], v, got)
		}
	}
}

func TestExtractRejectsInfinityWithColumnAndKey(t *testing.T) {
	s, _ := newTestSource(t, `CREATE TABLE inf (id int, d date, ts timestamp, n numeric(10,2));
INSERT INTO inf VALUES (1, '2024-01-01', '2024-01-01', 1), (42, 'infinity', '2024-01-01', 1);
CREATE TABLE nan (id int, n numeric(10,2)); INSERT INTO nan VALUES (7, 'NaN');
CREATE TABLE big (id int, n numeric); INSERT INTO big VALUES (1, 1.5), (9, 123456789012345678901234567890123456789);`)
	for _, c := range []struct{ table, col, key string }{{"inf", `"d"`, "id=42"}, {"nan", `"n"`, "id=7"}} {
		tc := tableConfig(c.table, "id")
		info, err := s.Introspect(ctxT(t), tc)
		if err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(t.TempDir(), "x")
		_ = os.MkdirAll(dir, 0o700)
		_, err = s.Extract(ctxT(t), extractRequest(info, tc, migration.Partition{Number: 1}), dir, nil)
		if !errors.Is(err, source.ErrData) || !strings.Contains(err.Error(), c.col) || !strings.Contains(err.Error(), c.key) {
			t.Fatalf("%s: err = %v", c.table, err)
		}
	}
	// An unconstrained numeric too wide for NUMBER(38,s) becomes VARCHAR with a warning.
	info, err := s.Introspect(ctxT(t), tableConfig("big", "id"))
	if err != nil {
		t.Fatal(err)
	}
	if info.Columns[1].TargetType != "VARCHAR" || len(info.Warnings) != 1 {
		t.Fatalf("big numeric: %+v %v", info.Columns[1], info.Warnings)
	}
}

func TestExtractRotatesFilesAndBoundsRowGroups(t *testing.T) {
	s, _ := newTestSource(t, `CREATE TABLE r (id int, payload text); INSERT INTO r SELECT i, repeat(md5(i::text), 8) FROM generate_series(1, 30000) i;`)
	s.Writer = parquetx.Options{RowGroupRows: 2000, TargetFileBytes: 256 << 10, Compression: "snappy"}
	tc := tableConfig("r", "id")
	info, err := s.Introspect(ctxT(t), tc)
	if err != nil {
		t.Fatal(err)
	}
	st := extractAll(t, s, info, tc, migration.Partition{Number: 1})
	if len(st.Files) < 3 {
		t.Fatalf("expected rotation into several files, got %d (%d bytes)", len(st.Files), st.Bytes)
	}
	var sum int64
	for i, f := range st.Files {
		if want := "part-0000" + string(rune('0'+i)) + ".parquet"; i < 10 && f.Name != want {
			t.Fatalf("file %d named %s, want %s", i, f.Name, want)
		}
		sum += f.Rows
	}
	rows, _ := readParquet(t, st.Files)
	ids := map[int32]bool{}
	for _, r := range rows {
		ids[r["ID"].Int32()] = true
	}
	if sum != 30000 || st.Rows != 30000 || len(ids) != 30000 {
		t.Fatalf("rows: files %d, stats %d, distinct %d", sum, st.Rows, len(ids))
	}
}

func TestExtractHonoursCancellation(t *testing.T) {
	s, _ := newTestSource(t, `CREATE TABLE big (id int, payload text); INSERT INTO big SELECT i, repeat('x', 200) FROM generate_series(1, 600000) i;`)
	tc := tableConfig("big", "id")
	info, err := s.Introspect(ctxT(t), tc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(ctxT(t))
	dir := filepath.Join(t.TempDir(), "x")
	_ = os.MkdirAll(dir, 0o700)
	var seen atomic.Int64
	done := make(chan error, 1)
	go func() {
		_, err := s.Extract(ctx, extractRequest(info, tc, migration.Partition{Number: 1}), dir, func(rows, _ int64) { seen.Store(rows) })
		done <- err
	}()
	// Cancel as soon as the first batch reached the Parquet writer (its file exists).
	for i := 0; i < 2000; i++ {
		if _, err := os.Stat(filepath.Join(dir, "part-00000.parquet")); err == nil {
			break
		}
		time.Sleep(2 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err == nil || !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("extract did not stop after cancellation")
	}
	// The pool is still usable afterwards.
	var n int
	if err := s.Pool.QueryRow(ctxT(t), "SELECT count(*) FROM big").Scan(&n); err != nil || n != 600000 {
		t.Fatalf("pool after cancel: %d %v", n, err)
	}
}

func TestWhereCannotEscape(t *testing.T) {
	s, _ := newTestSource(t, `CREATE TABLE w (id int); INSERT INTO w SELECT generate_series(1, 10);`)
	for _, w := range []string{"id > 5) OR (true", "id > 5) TO STDOUT; COMMIT; DROP TABLE w; --"} {
		tc := tableConfig("w", "id")
		tc.WhereClauseCriteria = &w
		if _, err := s.Introspect(ctxT(t), tc); !errors.Is(err, source.ErrConfig) || !strings.Contains(err.Error(), "whereClauseCriteria") {
			t.Fatalf("%q: err = %v", w, err)
		}
		info := source.TableInfo{TableShape: migration.TableShape{Source: migration.TableRef{Schema: "public", Table: "w"}, Columns: []migration.Column{{SourceName: "id", SourceType: "integer", TargetName: "ID", TargetType: "NUMBER(10,0)"}}, PartitionBy: []int{0}}}
		dir := t.TempDir()
		if _, err := s.Extract(ctxT(t), extractRequest(info, tc, migration.Partition{Number: 1}), dir, nil); !errors.Is(err, source.ErrConfig) {
			t.Fatalf("extract %q: err = %v", w, err)
		}
	}
	var n int
	if err := s.Pool.QueryRow(ctxT(t), "SELECT count(*) FROM w").Scan(&n); err != nil || n != 10 {
		t.Fatalf("table w: %d rows, %v", n, err)
	}
}

// The "similar:" list of a missing table matches names by containment, not as a
// pattern: '%' and '_' in the asked-for name are characters (an ILIKE listed every
// table for them).
func TestMissingTableSuggestionsAreNotPatterns(t *testing.T) {
	s, _ := newTestSource(t, `CREATE TABLE items (id int); CREATE TABLE "a_b" (id int); CREATE TABLE "pct%x" (id int); CREATE TABLE "back\slash" (id int);`)
	for _, c := range []struct{ ask, want string }{
		{`"%"`, "(similar: public.pct%x;"},
		{`"_"`, "(similar: public.a_b;"},
		{`"\"`, `(similar: public.back\slash;`},
		{`"ITEM"`, "(similar: public.items;"},
	} {
		_, err := s.Introspect(ctxT(t), tableConfig(c.ask, "id"))
		if !errors.Is(err, source.ErrMissing) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("table %s: %v; want ErrMissing with %q", c.ask, err, c.want)
		}
	}
}
