package postgres

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/parquet-go/parquet-go"
	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/internal/testenv"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
)

// newTestSource starts (or reuses) the test cluster, creates a fresh database, runs
// setup SQL and returns a Source on it.
func newTestSource(t testing.TB, setup ...string) (*Source, *pgxpool.Pool) {
	t.Helper()
	pg := testenv.Postgres(t)
	dsn := pg.NewDatabase(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		t.Fatalf("pool: %v", err)
	}
	t.Cleanup(pool.Close)
	for _, s := range setup {
		if _, err := pool.Exec(ctx, s); err != nil {
			t.Fatalf("setup %q: %v", s, err)
		}
	}
	return &Source{Pool: pool, Dialect: NewDialect()}, pool
}

func tableConfig(table string, partitionBy ...string) config.TableConfig {
	return config.TableConfig{
		Source:                   &config.Identifier{SchemaName: "public", TableName: table},
		Target:                   &config.Identifier{SchemaName: "PUBLIC", TableName: table},
		ColumnNamesToPartitionBy: partitionBy,
	}
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// readParquet reads every row of the files as maps of field name → value.
func readParquet(t testing.TB, files []migration.FileRef) ([]map[string]parquet.Value, *parquet.Schema) {
	t.Helper()
	var out []map[string]parquet.Value
	var schema *parquet.Schema
	for _, f := range files {
		fh, err := os.Open(f.Path)
		if err != nil {
			t.Fatal(err)
		}
		st, _ := fh.Stat()
		pf, err := parquet.OpenFile(fh, st.Size())
		if err != nil {
			t.Fatalf("open %s: %v", f.Path, err)
		}
		schema = pf.Schema()
		names := make([]string, 0)
		for _, c := range schema.Columns() {
			names = append(names, c[0])
		}
		r := parquet.NewGenericReader[any](fh, schema)
		buf := make([]parquet.Row, 100)
		var n int64
		for {
			k, err := r.ReadRows(buf)
			for _, row := range buf[:k] {
				m := map[string]parquet.Value{}
				for _, v := range row {
					m[names[v.Column()]] = v.Clone()
				}
				out = append(out, m)
			}
			n += int64(k)
			if err != nil {
				break
			}
		}
		if n != f.Rows {
			t.Fatalf("%s: read %d rows, FileRef says %d", f.Name, n, f.Rows)
		}
		r.Close()
		fh.Close()
	}
	return out, schema
}

func extractAll(t testing.TB, s *Source, info source.TableInfo, tc config.TableConfig, p migration.Partition) source.ExtractStats {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "p")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	st, err := s.Extract(ctxT(t), source.ExtractRequest{Table: tc, TableShape: info.TableShape, Partition: p}, dir, nil)
	if err != nil {
		t.Fatalf("extract partition %d: %v", p.Number, err)
	}
	return st
}

func extractRequest(info source.TableInfo, tc config.TableConfig, p migration.Partition) source.ExtractRequest {
	return source.ExtractRequest{Table: tc, TableShape: info.TableShape, Partition: p}
}
