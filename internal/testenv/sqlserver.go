package testenv

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	mssql "github.com/microsoft/go-mssqldb"
)

// SQLServer is one running bin/sqlserver-emulator (the local SQL Server: a TDS server
// with SQL Server's semantics) with its own data directory and login.
type SQLServer struct {
	Port     int
	DataDir  string
	LogPath  string
	User     string
	Password string
}

// SQLServerBinary returns the local SQL Server binary: $SNOWMIGRATE_SQLSERVER_BIN
// when set (the Makefile sets it after `make build`), else a fresh build of the
// emulator module's cmd/sqlserver-emulator (once per test binary, so a test never
// runs a stale server). It skips the test when the binary cannot be built here (the
// emulator needs cgo and DuckDB), and fails it under CI.
func SQLServerBinary(t testing.TB) string {
	t.Helper()
	bin, err := emulatorCommand("SNOWMIGRATE_SQLSERVER_BIN", "sqlserver-emulator")
	if err != nil {
		missing(t, err.Error())
	}
	return bin
}

// StartSQLServer starts a fresh local SQL Server for this test on a free loopback
// port, with a private data directory, and stops it (SIGINT, then kill) when the test
// ends. It returns once the server has printed its listening line.
func StartSQLServer(t testing.TB) *SQLServer {
	t.Helper()
	bin := SQLServerBinary(t)
	dir := t.TempDir()
	s := &SQLServer{DataDir: filepath.Join(dir, "data"), LogPath: filepath.Join(dir, "sqlserver.log"), User: "sa", Password: "Local-Pa55;'word"}
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ { // a free port can be taken between probe and bind
		port, err := freePort()
		if err != nil {
			t.Fatal(err)
		}
		addr := "127.0.0.1:" + strconv.Itoa(port)
		cmd := exec.Command(bin, "--addr", addr, "--data-dir", s.DataDir, "--user", s.User, "--password", s.Password)
		exited, err := startProc(cmd, s.LogPath)
		if err != nil {
			t.Fatal(err)
		}
		if err := waitLogLine(s.LogPath, "listening on "+addr, 90*time.Second, exited); err != nil {
			lastErr = fmt.Errorf("%w: %s", err, tail(s.LogPath, 2000))
			_ = cmd.Process.Kill()
			<-exited
			continue
		}
		s.Port = port
		t.Cleanup(func() {
			_ = cmd.Process.Signal(os.Interrupt)
			select {
			case <-exited:
			case <-time.After(15 * time.Second):
				_ = cmd.Process.Kill()
			}
		})
		return s
	}
	t.Fatalf("start the local SQL Server: %v", lastErr)
	return nil
}

// waitLogLine waits until the log file holds a line containing want.
func waitLogLine(path, want string, timeout time.Duration, exited <-chan struct{}) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(path); err == nil && strings.Contains(string(b), want) {
			return nil
		}
		select {
		case <-exited:
			return fmt.Errorf("process exited before printing %q", want)
		case <-time.After(50 * time.Millisecond):
		}
	}
	return fmt.Errorf("no %q in the log after %s", want, timeout)
}

// Host is the loopback address the server listens on.
func (s *SQLServer) Host() string { return "127.0.0.1" }

// DSN is a go-mssqldb URL for database db (empty: master), without TLS.
func (s *SQLServer) DSN(db string) string {
	q := url.Values{"encrypt": {"disable"}}
	if db != "" {
		q.Set("database", db)
	}
	u := url.URL{Scheme: "sqlserver", User: url.UserPassword(s.User, s.Password), Host: "127.0.0.1:" + strconv.Itoa(s.Port), RawQuery: q.Encode()}
	return u.String()
}

// DB opens a database/sql handle on db, closed when the test ends.
func (s *SQLServer) DB(t testing.TB, db string) *sql.DB {
	t.Helper()
	c, err := mssql.NewConnector(s.DSN(db))
	if err != nil {
		t.Fatal(err)
	}
	h := sql.OpenDB(c)
	t.Cleanup(func() { h.Close() })
	return h
}

// CreateDatabase creates database name and returns a handle on it.
func (s *SQLServer) CreateDatabase(t testing.TB, name string) *sql.DB {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := s.DB(t, "").ExecContext(ctx, "CREATE DATABASE ["+strings.ReplaceAll(name, "]", "]]")+"]"); err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	return s.DB(t, name)
}
