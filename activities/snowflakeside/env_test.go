package snowflakeside

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	sf "github.com/snowflakedb/gosnowflake"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/internal/testenv"
	"github.com/snowmigrate/snowmigrate/snowflake"
)

// recorder counts the statements sent through a connection, so that tests can assert
// "one statement per batch" on the real driver.
type recorder struct {
	mu    sync.Mutex
	stmts []string
}

func (r *recorder) add(q string) {
	r.mu.Lock()
	r.stmts = append(r.stmts, q)
	r.mu.Unlock()
}

func (r *recorder) matching(prefix string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, s := range r.stmts {
		if strings.HasPrefix(s, prefix) {
			out = append(out, s)
		}
	}
	return out
}

type recConnector struct {
	driver.Connector
	rec *recorder
}

func (c recConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return recConn{conn, c.rec}, nil
}

type recConn struct {
	driver.Conn
	rec *recorder
}

func (c recConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	c.rec.add(q)
	return c.Conn.(driver.ExecerContext).ExecContext(ctx, q, args)
}

func (c recConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	c.rec.add(q)
	return c.Conn.(driver.QueryerContext).QueryContext(ctx, q, args)
}

func (c recConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.Conn.(driver.ConnBeginTx).BeginTx(ctx, opts)
}

// provider opens the named connections of an emulator's connections.toml through the
// product's own BuildConfig, recording statements.
type provider struct {
	home      string
	rec       *recorder
	mu        sync.Mutex
	dbs       map[string]*sql.DB
	overrides map[string]func(*snowflake.Connection)
}

func (p *provider) DB(_ context.Context, name string) (*sql.DB, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if db, ok := p.dbs[name]; ok {
		return db, nil
	}
	base := name
	if _, ok := p.overrides[name]; ok {
		base = "local"
	}
	c, err := config.LoadConnection(p.home, base)
	if err != nil {
		return nil, err
	}
	conn := snowflake.Connection(c)
	if f := p.overrides[name]; f != nil {
		f(&conn)
	}
	cfg, err := snowflake.BuildConfig(name, conn)
	if err != nil {
		return nil, err
	}
	db := sql.OpenDB(recConnector{sf.NewConnector(sf.SnowflakeDriver{}, *cfg), p.rec})
	p.dbs[name] = db
	return db, nil
}

func (p *provider) Close() error {
	for _, db := range p.dbs {
		db.Close()
	}
	return nil
}

type harness struct {
	a    *Activities
	env  *testsuite.TestActivityEnvironment
	db   *sql.DB // a plain connection for assertions
	rec  *recorder
	conn string
	emu  *testenv.Emu
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	emu := testenv.Emulator(t)
	p := &provider{home: emu.SnowflakeHome(), rec: &recorder{}, dbs: map[string]*sql.DB{},
		overrides: map[string]func(*snowflake.Connection){
			"badpassword": func(c *snowflake.Connection) { c.Password = "definitely-wrong" },
		}}
	a := New(p, snowflake.MetadataLocation{}, WithHeartbeatInterval(200*time.Millisecond))
	t.Cleanup(func() { _ = p.Close() })
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(a)
	db, err := p.DB(context.Background(), emu.ConnectionName())
	if err != nil {
		t.Fatal(err)
	}
	return &harness{a: a, env: env, db: db, rec: p.rec, conn: emu.ConnectionName(), emu: emu}
}

// run executes an activity method through the SDK's activity environment (so heartbeats
// and error conversion are real) and decodes its result into out (may be nil).
func (h *harness) run(t *testing.T, fn any, in any, out any) error {
	t.Helper()
	val, err := h.env.ExecuteActivity(fn, in)
	if err != nil {
		return err
	}
	if out != nil && val != nil && val.HasValue() {
		if err := val.Get(out); err != nil {
			t.Fatal(err)
		}
	}
	return nil
}

func (h *harness) mustRun(t *testing.T, fn any, in any, out any) {
	t.Helper()
	if err := h.run(t, fn, in, out); err != nil {
		t.Fatalf("activity failed: %v", err)
	}
}

func (h *harness) count(t *testing.T, q string) int64 {
	t.Helper()
	var n int64
	if err := h.db.QueryRow(q).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// appErr asserts err is a non-retryable application error of type typ whose message
// holds every fragment.
func appErr(t *testing.T, err error, typ string, fragments ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want a %s error, got success", typ)
	}
	var ae *temporal.ApplicationError
	if !errors.As(err, &ae) {
		t.Fatalf("want an application error %s, got %T: %v", typ, err, err)
	}
	if ae.Type() != typ || !ae.NonRetryable() {
		t.Fatalf("want non-retryable %s, got type %s non-retryable=%v: %v", typ, ae.Type(), ae.NonRetryable(), err)
	}
	for _, f := range fragments {
		if !strings.Contains(ae.Error(), f) {
			t.Errorf("error %q lacks %q", ae.Error(), f)
		}
	}
}

// parquetRow is the file extract would write for the test table: field names are the
// exact target column names.
type parquetRow struct {
	ID     int64   `parquet:"ID"`
	Name   *string `parquet:"Name,optional"`
	Amount float64 `parquet:"AMOUNT"`
}

func writeParquet[T any](t *testing.T, name string, rows []T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := parquet.WriteFile(path, rows); err != nil {
		t.Fatal(err)
	}
	return path
}

func (h *harness) put(t *testing.T, local, stagePrefix string) {
	t.Helper()
	q, err := snowflake.PutSQL(local, stagePrefix)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.db.Exec(q); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}
