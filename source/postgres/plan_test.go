package postgres

import (
	"fmt"
	"strings"
	"testing"

	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
)

// planAll pages through the whole plan with the given page size.
func planAll(t *testing.T, s *Source, info source.TableInfo, tc config.TableConfig, pageSize int) []migration.Partition {
	t.Helper()
	var all []migration.Partition
	var after []string
	next := 1
	for page := 0; page < 10_000; page++ {
		res, err := s.PlanPartitions(ctxT(t), source.PlanRequest{Table: tc, TableShape: info.TableShape,
			After: after, FirstNumber: next, MaxPartitions: pageSize})
		if err != nil {
			t.Fatalf("plan page %d: %v", page, err)
		}
		if len(res.Partitions) > pageSize+1 {
			t.Fatalf("page %d has %d partitions (page size %d)", page, len(res.Partitions), pageSize)
		}
		for _, p := range res.Partitions {
			if p.Number != next {
				t.Fatalf("partition numbered %d, want %d", p.Number, next)
			}
			next++
		}
		all = append(all, res.Partitions...)
		if res.Done {
			return all
		}
		if len(res.Partitions) == 0 {
			t.Fatalf("page %d: not done but empty", page)
		}
		after = res.Partitions[len(res.Partitions)-1].Upper
		if after == nil {
			t.Fatalf("page %d: not done but last partition is open", page)
		}
	}
	t.Fatal("plan did not finish")
	return nil
}

// countPartition counts the partition's rows with the dialect's own predicate.
func countPartition(t *testing.T, s *Source, info source.TableInfo, tc config.TableConfig, p migration.Partition) int64 {
	t.Helper()
	keys, err := source.KeyColumns(info.Columns, info.PartitionBy)
	if err != nil {
		t.Fatal(err)
	}
	q := "SELECT count(*) FROM " + s.Dialect.Table(info.Source) + " WHERE " + s.Dialect.PartitionPredicate(keys, p) + " AND " + where(source.Where(tc))
	var n int64
	if err := s.Pool.QueryRow(ctxT(t), q).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// checkCover asserts that partitions cover every row passing the filter exactly
// once: per-partition counts sum to the total, and extraction agrees with them and
// finds no key twice.
func checkCover(t *testing.T, s *Source, info source.TableInfo, tc config.TableConfig, parts []migration.Partition, total int64, extract bool) {
	t.Helper()
	var sum int64
	seen := map[string]bool{}
	for _, p := range parts {
		n := countPartition(t, s, info, tc, p)
		sum += n
		if !extract {
			continue
		}
		st := extractAll(t, s, info, tc, p)
		if st.Rows != n {
			t.Fatalf("partition %d: extracted %d rows, counted %d", p.Number, st.Rows, n)
		}
		rows, _ := readParquet(t, st.Files)
		for _, r := range rows {
			k := r["ROW_ID"].String()
			if seen[k] {
				t.Fatalf("row %s extracted twice (partition %d)", k, p.Number)
			}
			seen[k] = true
		}
	}
	if sum != total {
		t.Fatalf("partitions hold %d rows, table has %d", sum, total)
	}
	if extract && int64(len(seen)) != total {
		t.Fatalf("extracted %d distinct rows, want %d", len(seen), total)
	}
}

func TestPlanSingleKeyPagesCoverEveryRow(t *testing.T) {
	s, _ := newTestSource(t, `CREATE TABLE t (row_id serial PRIMARY KEY, k integer, v text);
INSERT INTO t (k, v) SELECT CASE WHEN i % 50 = 0 THEN NULL ELSE i % 333 END, 'v' || i FROM generate_series(1, 2000) i;`)
	tc := tableConfig("t", "k")
	tc.PartitionSize = &config.PartitionSize{MaxRowsPerPartition: 100}
	info, err := s.Introspect(ctxT(t), tc)
	if err != nil {
		t.Fatal(err)
	}
	parts := planAll(t, s, info, tc, 4)
	if !parts[0].NullKeys {
		t.Fatalf("first partition should be the NULL-key one: %+v", parts[0])
	}
	if len(parts) < 15 {
		t.Fatalf("only %d partitions for 2000 rows at 100 per partition", len(parts))
	}
	for i := 2; i < len(parts); i++ {
		if strings.Join(parts[i].Lower, ",") != strings.Join(parts[i-1].Upper, ",") {
			t.Fatalf("partition %d does not start where %d ends", parts[i].Number, parts[i-1].Number)
		}
	}
	if parts[len(parts)-1].Upper != nil || parts[1].Lower != nil {
		t.Fatalf("first range must be open below and last open above")
	}
	checkCover(t, s, info, tc, parts, 2000, true)
}

func TestPlanCompositeKeyWithFilterAndNulls(t *testing.T) {
	s, _ := newTestSource(t, `CREATE TABLE "Orders" (row_id serial, "Region" text, day date, amount numeric(10,2), is_deleted int);
INSERT INTO "Orders" ("Region", day, amount, is_deleted)
SELECT CASE WHEN i % 97 = 0 THEN NULL ELSE (ARRAY['east','West','nörd','Zulu','a b'])[i % 5 + 1] END,
       CASE WHEN i % 89 = 0 THEN NULL ELSE DATE '2024-01-01' + (i % 40) END, i / 7.0, (i % 10 = 0)::int
FROM generate_series(1, 3000) i;`)
	tc := tableConfig(`"Orders"`, `"Region"`, "day")
	where := "is_deleted = 0"
	tc.WhereClauseCriteria = &where
	tc.PartitionSize = &config.PartitionSize{MaxRowsPerPartition: 170}
	info, err := s.Introspect(ctxT(t), tc)
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	if err := s.Pool.QueryRow(ctxT(t), `SELECT count(*) FROM "Orders" WHERE is_deleted = 0`).Scan(&total); err != nil {
		t.Fatal(err)
	}
	parts := planAll(t, s, info, tc, 3)
	if !parts[0].NullKeys {
		t.Fatal("expected a NULL-key partition")
	}
	checkCover(t, s, info, tc, parts, total, true)
	// Bounds are canonical text: dates as YYYY-MM-DD.
	for _, p := range parts[1 : len(parts)-1] {
		if len(p.Upper) != 2 || len(p.Upper[1]) != 10 {
			t.Fatalf("bound %v is not (text, YYYY-MM-DD)", p.Upper)
		}
	}
}

func TestPlanTimestampTZAndUUIDBounds(t *testing.T) {
	s, _ := newTestSource(t, `CREATE TABLE e (row_id serial, at timestamptz NOT NULL, id uuid NOT NULL);
INSERT INTO e (at, id) SELECT TIMESTAMPTZ '2024-03-01 10:00:00+02' + (i % 17) * interval '1 minute 0.5 second', md5(i::text)::uuid FROM generate_series(1, 500) i;`)
	tc := tableConfig("e", "at", "id")
	tc.PartitionSize = &config.PartitionSize{MaxRowsPerPartition: 60}
	info, err := s.Introspect(ctxT(t), tc)
	if err != nil {
		t.Fatal(err)
	}
	parts := planAll(t, s, info, tc, 100)
	if parts[0].NullKeys {
		t.Fatal("no NULL keys here")
	}
	b := parts[0].Upper
	if !strings.HasSuffix(b[0], "+00:00") || len(b[0]) != len("2024-03-01 08:00:00.000000+00:00") || strings.ToLower(b[1]) != b[1] {
		t.Fatalf("bounds not canonical: %q", b)
	}
	checkCover(t, s, info, tc, parts, 500, false)
}

func TestPlanEmptyTableAndEmptyFilter(t *testing.T) {
	s, _ := newTestSource(t, `CREATE TABLE empty (id int); CREATE TABLE few (id int); INSERT INTO few SELECT generate_series(1, 10);`)
	for _, c := range []struct {
		table, where string
	}{{"empty", ""}, {"few", "id > 100"}} {
		tc := tableConfig(c.table, "id")
		if c.where != "" {
			tc.WhereClauseCriteria = &c.where
		}
		info, err := s.Introspect(ctxT(t), tc)
		if err != nil {
			t.Fatal(err)
		}
		if info.HasRows {
			t.Fatalf("%s: HasRows", c.table)
		}
		res, err := s.PlanPartitions(ctxT(t), source.PlanRequest{Table: tc, TableShape: info.TableShape, FirstNumber: 1, MaxPartitions: 10})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Done || len(res.Partitions) != 0 {
			t.Fatalf("%s: plan = %+v, want zero partitions and done", c.table, res)
		}
	}
}

func TestPlanHeavyDuplicateKeys(t *testing.T) {
	// One key value holds most rows: bounds must not repeat (no empty or duplicate
	// partitions) and every row is still covered once.
	s, _ := newTestSource(t, `CREATE TABLE d (row_id serial, k int NOT NULL); INSERT INTO d (k) SELECT CASE WHEN i < 900 THEN 5 ELSE i END FROM generate_series(1, 1000) i;`)
	tc := tableConfig("d", "k")
	tc.PartitionSize = &config.PartitionSize{MaxRowsPerPartition: 50}
	info, err := s.Introspect(ctxT(t), tc)
	if err != nil {
		t.Fatal(err)
	}
	parts := planAll(t, s, info, tc, 2)
	seen := map[string]bool{}
	for _, p := range parts {
		u := fmt.Sprint(p.Upper)
		if p.Upper != nil && seen[u] {
			t.Fatalf("bound %s repeats", u)
		}
		seen[u] = true
	}
	checkCover(t, s, info, tc, parts, 1000, false)
}

func TestPlanCharKeysLongerThanOne(t *testing.T) {
	// char(n) bounds must not be cast to char(1) (which truncates).
	s, _ := newTestSource(t, `CREATE TABLE ck (row_id serial, code char(6) NOT NULL); INSERT INTO ck (code) SELECT 'c' || lpad(i::text, 4, '0') FROM generate_series(1, 400) i;`)
	tc := tableConfig("ck", "code")
	tc.PartitionSize = &config.PartitionSize{MaxRowsPerPartition: 37}
	info, err := s.Introspect(ctxT(t), tc)
	if err != nil {
		t.Fatal(err)
	}
	parts := planAll(t, s, info, tc, 4)
	if len(parts) < 10 {
		t.Fatalf("%d partitions", len(parts))
	}
	checkCover(t, s, info, tc, parts, 400, true)
}

func TestIntrospectEstimatesUnanalyzedTable(t *testing.T) {
	s, _ := newTestSource(t, `CREATE TABLE fresh (id int, pad text); INSERT INTO fresh SELECT i, repeat('x', 100) FROM generate_series(1, 50000) i;`)
	info, err := s.Introspect(ctxT(t), tableConfig("fresh", "id"))
	if err != nil {
		t.Fatal(err)
	}
	if info.EstimatedRows < 10000 || info.EstimatedRows > 250000 || info.EstimatedBytes < 1<<20 {
		t.Fatalf("estimates rows=%d bytes=%d for 50,000 rows", info.EstimatedRows, info.EstimatedBytes)
	}
}
