package postgres

import (
	"testing"

	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
)

// redshiftLike is PostgreSQL driven the way the Redshift dialect drives a server:
// cursor FETCHes in binary result format and expanded (non row-value) keyset
// comparisons. It runs Redshift's runtime path against a real server.
type redshiftLike struct{ PG }

func (redshiftLike) ExtractMethod() source.ExtractMethod { return source.ExtractCursor }

func TestCursorPathAndExpandedKeys(t *testing.T) {
	s, _ := newTestSource(t, allTypesDDL, `CREATE TABLE c (row_id serial, a text, b int, v numeric(20,4));
INSERT INTO c (a, b, v) SELECT (ARRAY['x','Y','z z',NULL])[i % 4 + 1], CASE WHEN i % 13 = 0 THEN NULL ELSE i % 37 END, i * 1.0001 FROM generate_series(1, 25000) i;`)
	d := redshiftLike{NewDialect()}
	d.RowValues = false
	s.Dialect = d
	tc := tableConfig("c", "a", "b")
	tc.PartitionSize = &config.PartitionSize{MaxRowsPerPartition: 3000}
	info, err := s.Introspect(ctxT(t), tc)
	if err != nil {
		t.Fatal(err)
	}
	parts := planAll(t, s, info, tc, 3)
	// 25,000 rows span several FETCH batches (10,000 rows each) in the big partitions.
	checkCover(t, s, info, tc, parts, 25000, true)

	// The all-types table through the cursor: same values as the COPY path.
	tcAll := tableConfig(`"AllTypes"`, "id")
	infoAll, err := s.Introspect(ctxT(t), tcAll)
	if err != nil {
		t.Fatal(err)
	}
	viaCursor, _ := readParquet(t, extractAll(t, s, infoAll, tcAll, migration.Partition{Number: 1}).Files)
	s.Dialect = NewDialect()
	viaCopy, _ := readParquet(t, extractAll(t, s, infoAll, tcAll, migration.Partition{Number: 1}).Files)
	if len(viaCursor) != 4 || len(viaCopy) != 4 {
		t.Fatalf("rows: cursor %d, copy %d", len(viaCursor), len(viaCopy))
	}
	for i := range viaCopy {
		for k, v := range viaCopy[i] {
			w := viaCursor[i][k]
			if v.String() != w.String() || v.IsNull() != w.IsNull() {
				t.Errorf("row %d column %s: copy %v, cursor %v", i, k, v, w)
			}
		}
	}
}
