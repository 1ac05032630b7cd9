package emulatortest

import (
	"context"
	"crypto/rsa"
	"database/sql"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/snowflakedb/gosnowflake"

	"github.com/snowmigrate/snowmigrate/emulator/engine"
	"github.com/snowmigrate/snowmigrate/emulator/server"
	"github.com/snowmigrate/snowmigrate/emulator/server/enginebackend"
)

// Emulator is a running in-process emulator.
type Emulator struct {
	// Addr is host:port (127.0.0.1, a free port); it stays the same across Restart.
	Addr string
	// DataDir is the engine's data directory (a t.TempDir()).
	DataDir  string
	User     string
	Password string

	opts options

	mu      sync.Mutex
	srv     *server.Server
	backend *enginebackend.Backend
	served  chan error
	dbs     []*sql.DB
}

type options struct {
	user, password, token string
	publicKey             *rsa.PublicKey
	sessionTTL            time.Duration
	idleTimeout           time.Duration
	syncWait              time.Duration
	s3Endpoint            string
	logger                *slog.Logger
}

// Option configures Start.
type Option func(*options)

// WithUser sets the login name (default "local").
func WithUser(u string) Option { return func(o *options) { o.user = u } }

// WithPassword sets the password (default "local").
func WithPassword(p string) Option { return func(o *options) { o.password = p } }

// WithToken sets the programmatic access token (default: the password).
func WithToken(t string) Option { return func(o *options) { o.token = t } }

// WithPublicKey enables key-pair (JWT) login with this key.
func WithPublicKey(k *rsa.PublicKey) Option { return func(o *options) { o.publicKey = k } }

// WithSessionIdleTimeout closes sessions idle this long (default: Snowflake's 4 h).
func WithSessionIdleTimeout(d time.Duration) Option { return func(o *options) { o.idleTimeout = d } }

// WithSessionTokenTTL shortens session-token validity to exercise the driver's renewal.
func WithSessionTokenTTL(d time.Duration) Option { return func(o *options) { o.sessionTTL = d } }

// WithSyncWait sets how long a synchronous statement blocks before the server answers
// 333333 and the driver polls (default 45 s).
func WithSyncWait(d time.Duration) Option { return func(o *options) { o.syncWait = d } }

// WithS3Endpoint passes an S3-compatible endpoint (host:port) to the engine.
func WithS3Endpoint(ep string) Option { return func(o *options) { o.s3Endpoint = ep } }

// WithLogger sends the server's log lines to l (default: discarded).
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// Start runs the emulator on 127.0.0.1 with a fresh data dir; it stops at t.Cleanup.
func Start(t testing.TB, opts ...Option) *Emulator {
	t.Helper()
	o := options{user: "local", password: "local"}
	for _, f := range opts {
		f(&o)
	}
	e := &Emulator{DataDir: t.TempDir(), User: o.user, Password: o.password, opts: o}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("emulatortest: listening on 127.0.0.1: %v", err)
	}
	e.Addr = ln.Addr().String()
	if err := e.start(ln); err != nil {
		_ = ln.Close()
		t.Fatalf("emulatortest: %v", err)
	}
	t.Cleanup(func() {
		if err := e.stop(); err != nil {
			t.Errorf("emulatortest: stopping: %v", err)
		}
	})
	return e
}

func (e *Emulator) start(ln net.Listener) error {
	be, err := enginebackend.Open(engine.Options{DataDir: e.DataDir, S3Endpoint: e.opts.s3Endpoint})
	if err != nil {
		return err
	}
	srv, err := server.New(be, server.Config{
		User:               e.opts.user,
		Password:           e.opts.password,
		Token:              e.opts.token,
		PublicKey:          e.opts.publicKey,
		SessionTokenTTL:    e.opts.sessionTTL,
		SessionIdleTimeout: e.opts.idleTimeout,
		SyncWait:           e.opts.syncWait,
		Logger:             e.opts.logger,
	})
	if err != nil {
		_ = be.Close()
		return err
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	e.mu.Lock()
	e.srv, e.backend, e.served = srv, be, served
	e.mu.Unlock()
	return nil
}

// stop closes the connections opened by Open, the server and the engine.
func (e *Emulator) stop() error {
	e.mu.Lock()
	srv, be, served, dbs := e.srv, e.backend, e.served, e.dbs
	e.srv, e.backend, e.served, e.dbs = nil, nil, nil, nil
	e.mu.Unlock()
	if srv == nil {
		return nil
	}
	for _, db := range dbs {
		_ = db.Close() // sends the session close while the server still runs
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var errs []error
	if err := srv.Close(ctx); err != nil {
		errs = append(errs, err)
	}
	if err := <-served; err != nil {
		errs = append(errs, fmt.Errorf("serving: %w", err))
	}
	if err := be.Close(); err != nil {
		errs = append(errs, fmt.Errorf("closing engine: %w", err))
	}
	if len(errs) > 0 {
		return fmt.Errorf("%v", errs)
	}
	return nil
}

// Restart stops the emulator (closing connections opened with Open and the engine) and
// starts it again on the same address and data dir.
func (e *Emulator) Restart(t testing.TB) {
	t.Helper()
	if err := e.stop(); err != nil {
		t.Fatalf("emulatortest: restart: stopping: %v", err)
	}
	var ln net.Listener
	var err error
	// The port was just released; binding it again can race with the kernel briefly.
	for i := 0; i < 50; i++ {
		if ln, err = net.Listen("tcp", e.Addr); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("emulatortest: restart: listening on %s again: %v", e.Addr, err)
	}
	if err := e.start(ln); err != nil {
		_ = ln.Close()
		t.Fatalf("emulatortest: restart: %v", err)
	}
}

// URL is the base URL, e.g. http://127.0.0.1:40123, for raw HTTP tests.
func (e *Emulator) URL() string { return "http://" + e.Addr }

// DSN is the gosnowflake DSN for the emulator's user and password:
// user:password@127.0.0.1:PORT/DB/SCHEMA?account=local&protocol=http (db and schema
// may be empty).
func (e *Emulator) DSN(db, schema string) string {
	path := ""
	if db != "" {
		path = "/" + url.PathEscape(db)
		if schema != "" {
			path += "/" + url.PathEscape(schema)
		}
	}
	return fmt.Sprintf("%s@%s%s?account=local&protocol=http", url.UserPassword(e.User, e.Password).String(), e.Addr, path)
}

// Config is the same connection as DSN as a gosnowflake.Config, for options a DSN
// cannot carry (key-pair PrivateKey, Authenticator, Token). Use it with
// gosnowflake.NewConnector and sql.OpenDB.
func (e *Emulator) Config(db, schema string) *gosnowflake.Config {
	host, portStr, _ := net.SplitHostPort(e.Addr)
	var port int
	_, _ = fmt.Sscanf(portStr, "%d", &port)
	return &gosnowflake.Config{
		Account:  "local",
		User:     e.User,
		Password: e.Password,
		Database: db,
		Schema:   schema,
		Host:     host,
		Port:     port,
		Protocol: "http",
	}
}

// Open connects through gosnowflake, pings, and closes the pool at t.Cleanup (or at
// Restart).
func (e *Emulator) Open(t testing.TB, db, schema string) *sql.DB {
	t.Helper()
	d, err := sql.Open("snowflake", e.DSN(db, schema))
	if err != nil {
		t.Fatalf("emulatortest: sql.Open: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := d.PingContext(ctx); err != nil {
		_ = d.Close()
		t.Fatalf("emulatortest: connecting to the emulator at %s: %v", e.Addr, err)
	}
	e.mu.Lock()
	e.dbs = append(e.dbs, d)
	e.mu.Unlock()
	t.Cleanup(func() { _ = d.Close() })
	return d
}

// Stats returns the running server's protocol counters (logins, renewals, aborts...).
func (e *Emulator) Stats() server.Stats {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.srv == nil {
		return server.Stats{}
	}
	return e.srv.Stats()
}
