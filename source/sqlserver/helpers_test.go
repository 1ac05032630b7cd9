package sqlserver

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	mssql "github.com/microsoft/go-mssqldb"
	"github.com/parquet-go/parquet-go"
	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/internal/testenv"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
)

// server is the local SQL Server every test of the package shares (started by the
// first test that needs it, stopped by TestMain).
var (
	serverOnce sync.Once
	server     *testenv.SQLServer
	serverStop func()
	dbSeq      atomic.Int64
)

type mainTB struct {
	testing.TB
	cleanups []func()
	skip     string
	fatal    string
}

func (m *mainTB) Helper()          {}
func (m *mainTB) Cleanup(f func()) { m.cleanups = append(m.cleanups, f) }
func (m *mainTB) TempDir() string {
	d, _ := os.MkdirTemp("", "sqlserver-test-")
	m.Cleanup(func() { os.RemoveAll(d) })
	return d
}
func (m *mainTB) Skipf(f string, a ...any)  { m.skip = f; panic(m) }
func (m *mainTB) Fatalf(f string, a ...any) { m.fatal = f; panic(m) }
func (m *mainTB) Fatal(a ...any)            { m.fatal = "fatal"; panic(m) }

func TestMain(m *testing.M) {
	code := m.Run()
	if serverStop != nil {
		serverStop()
	}
	os.Exit(code)
}

// localServer returns the shared local SQL Server, or skips when it cannot be built.
func localServer(t testing.TB) *testenv.SQLServer {
	t.Helper()
	var why string
	serverOnce.Do(func() {
		tb := &mainTB{}
		defer func() {
			if r := recover(); r != nil {
				if r != tb {
					panic(r)
				}
				why = tb.skip + tb.fatal
				for i := len(tb.cleanups) - 1; i >= 0; i-- {
					tb.cleanups[i]()
				}
			}
		}()
		server = testenv.StartSQLServer(tb)
		serverStop = func() {
			for i := len(tb.cleanups) - 1; i >= 0; i-- {
				tb.cleanups[i]()
			}
		}
	})
	if server == nil {
		t.Skipf("local SQL Server unavailable: %s", why)
	}
	return server
}

// newDB creates a fresh database, runs setup and returns a Source on it (and a plain
// handle for checks).
func newDB(t testing.TB, setup ...string) (*Source, *sql.DB) {
	t.Helper()
	s := localServer(t)
	name := "t" + strings.ReplaceAll(strings.ToLower(t.Name()), "/", "_")
	if len(name) > 100 {
		name = name[:100]
	}
	name += "_" + time.Now().Format("150405") + "_" + string(rune('a'+dbSeq.Add(1)%26))
	db := s.CreateDatabase(t, name)
	ctx := ctxT(t)
	for _, q := range setup {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("setup %q: %v", q, err)
		}
	}
	conn := &config.SourceConnection{Username: s.User, Password: s.Password, Database: name, Host: s.Host(), Port: s.Port, Encrypt: "disable", AuthMethod: config.AuthSQL}
	src, err := Open(ctx, conn, source.OpenOptions{MaxConns: 4})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(src.Close)
	return src.(*Source), db
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func tableConfig(table string, partitionBy ...string) config.TableConfig {
	return config.TableConfig{
		Source:                   &config.Identifier{SchemaName: "dbo", TableName: table},
		Target:                   &config.Identifier{SchemaName: "PUBLIC", TableName: table},
		ColumnNamesToPartitionBy: partitionBy,
	}
}

// readParquet reads every row of the files as maps of field name → value.
func readParquet(t testing.TB, files []migration.FileRef) []map[string]parquet.Value {
	t.Helper()
	var out []map[string]parquet.Value
	for _, f := range files {
		fh, err := os.Open(f.Path)
		if err != nil {
			t.Fatal(err)
		}
		st, _ := fh.Stat()
		pf, err := parquet.OpenFile(fh, st.Size())
		if err != nil {
			t.Fatal(err)
		}
		cols := pf.Schema().Columns()
		r := parquet.NewReader(pf)
		for {
			row := make([]parquet.Row, 1)
			n, err := r.ReadRows(row)
			if n == 1 {
				m := map[string]parquet.Value{}
				for _, v := range row[0] {
					m[cols[v.Column()][0]] = v
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

// extractAll plans the whole table and extracts every partition, returning the rows
// of every partition (partition number → rows).
func extractAll(t *testing.T, s *Source, info source.TableInfo, tc config.TableConfig) (map[int][]map[string]parquet.Value, []source.PlanPage) {
	t.Helper()
	ctx := ctxT(t)
	var pages []source.PlanPage
	out := map[int][]map[string]parquet.Value{}
	req := source.PlanRequest{Table: tc, TableShape: info.TableShape, MaxPartitions: 3}
	for {
		page, err := s.PlanPartitions(ctx, req)
		if err != nil {
			t.Fatalf("plan: %v", err)
		}
		pages = append(pages, page)
		for _, p := range page.Partitions {
			dir := filepath.Join(t.TempDir(), "p")
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			st, err := s.Extract(ctx, source.ExtractRequest{Table: tc, TableShape: info.TableShape, Partition: p}, dir, nil)
			if err != nil {
				t.Fatalf("extract %+v: %v", p, err)
			}
			rows := readParquet(t, st.Files)
			if int64(len(rows)) != st.Rows {
				t.Fatalf("partition %d: %d rows in files, stats say %d", p.Number, len(rows), st.Rows)
			}
			out[p.Number] = rows
			req.FirstNumber = p.Number + 1
			if p.Upper != nil {
				req.After = p.Upper
			}
		}
		if page.Done {
			return out, pages
		}
	}
}

func mssqlError(n int32) error { return mssql.Error{Number: n, Message: fmt.Sprintf("error %d", n)} }
