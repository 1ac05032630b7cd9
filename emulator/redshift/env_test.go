package redshift

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// The test binary's private PostgreSQL cluster and MinIO, started on first use and
// stopped by TestMain.

var (
	pgOnce    sync.Once
	pgPort    int
	pgSkip    string
	pgErr     error
	pgCmd     *exec.Cmd
	pgDir     string
	dbSeq     atomic.Int64
	minioCmd  *exec.Cmd
	minioDir  string
	minioOnce sync.Once
	minioAddr string
	minioMis  string
	minioErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if pgCmd != nil && pgCmd.Process != nil {
		_ = pgCmd.Process.Signal(syscall.SIGINT)
		done := make(chan struct{})
		go func() { _ = pgCmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			_ = pgCmd.Process.Kill()
		}
	}
	if pgDir != "" {
		_ = os.RemoveAll(pgDir)
	}
	if minioCmd != nil && minioCmd.Process != nil {
		_ = minioCmd.Process.Kill()
		_ = minioCmd.Wait()
	}
	if minioDir != "" {
		_ = os.RemoveAll(minioDir)
	}
	os.Exit(code)
}

func pgBin() string {
	for _, v := range []string{"17", "16", "15", "14"} {
		d := "/usr/lib/postgresql/" + v + "/bin"
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p)
	}
	return ""
}

// testPG returns the URL of a fresh database in the private cluster.
func testPG(t *testing.T) string {
	t.Helper()
	pgOnce.Do(startPG)
	if pgSkip != "" {
		t.Skip(pgSkip)
	}
	if pgErr != nil {
		t.Fatalf("start postgres: %v", pgErr)
	}
	name := fmt.Sprintf("rs%d_%d", os.Getpid(), dbSeq.Add(1))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, pgURL("postgres"))
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	return pgURL(name)
}

func pgURL(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", pgPort, db)
}

func startPG() {
	bin := pgBin()
	if bin == "" {
		pgSkip = "PostgreSQL server binaries (initdb, postgres) not found"
		return
	}
	var cred *syscall.Credential
	base := ""
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			pgSkip = "running as root needs the postgres user to run initdb"
			return
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		base = "/tmp"
	}
	dir, err := os.MkdirTemp(base, "rs-pg-")
	if err != nil {
		pgErr = err
		return
	}
	pgDir = dir
	if cred != nil {
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			pgErr = err
			return
		}
	}
	data := filepath.Join(dir, "data")
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync")
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	initdb.Dir = dir
	if out, err := initdb.CombinedOutput(); err != nil {
		pgErr = fmt.Errorf("initdb: %v: %s", err, out)
		return
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		pgErr = err
		return
	}
	pgPort = ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	var logs bytes.Buffer
	cmd := exec.Command(filepath.Join(bin, "postgres"), "-D", data, "-p", strconv.Itoa(pgPort), "-k", dir,
		"-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		pgErr = err
		return
	}
	pgCmd = cmd
	deadline := time.Now().Add(60 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		c, err := pgx.Connect(ctx, pgURL("postgres"))
		cancel()
		if err == nil {
			c.Close(context.Background())
			return
		}
		if time.Now().After(deadline) {
			pgErr = fmt.Errorf("postgres not ready: %v: %s", err, logs.String())
			return
		}
		time.Sleep(150 * time.Millisecond)
	}
}

// testMinio returns host:port of the private MinIO.
func testMinio(t *testing.T) string {
	t.Helper()
	minioOnce.Do(startMinio)
	if minioMis != "" {
		t.Skip(minioMis)
	}
	if minioErr != nil {
		t.Fatalf("start minio: %v", minioErr)
	}
	return minioAddr
}

func startMinio() {
	bin, err := exec.LookPath("minio")
	if err != nil {
		home, _ := os.UserHomeDir()
		cand := filepath.Join(home, "go", "bin", "minio")
		if _, err := os.Stat(cand); err != nil {
			minioMis = "minio binary not found (PATH, ~/go/bin)"
			return
		}
		bin = cand
	}
	dir, err := os.MkdirTemp("", "rs-minio-")
	if err != nil {
		minioErr = err
		return
	}
	minioDir = dir
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		minioErr = err
		return
	}
	addr := ln.Addr().String()
	ln.Close()
	var logs bytes.Buffer
	cmd := exec.Command(bin, "server", "--quiet", "--address", addr, filepath.Join(dir, "data"))
	cmd.Env = append(os.Environ(), "MINIO_ROOT_USER="+minioUser, "MINIO_ROOT_PASSWORD="+minioSecret, "MINIO_BROWSER=off", "MINIO_UPDATE=off")
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		minioErr = err
		return
	}
	minioCmd = cmd
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/minio/health/live")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				minioAddr = addr
				return
			}
		}
		if time.Now().After(deadline) {
			minioErr = fmt.Errorf("minio not ready at %s: %v: %s", addr, err, logs.String())
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// testClock is a settable clock for IAM expiry.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

const (
	testPassword = "Test-pass-1"
	minioUser    = "rsadmin"
	minioSecret  = "rs-secret-key-123"
)

// startServer starts a local Redshift over a fresh database; opts may adjust the config.
func startServer(t *testing.T, opts ...func(*Config)) *Server {
	t.Helper()
	cfg := Config{Addr: "127.0.0.1:0", PostgresURL: testPG(t), User: "awsuser", Password: testPassword}
	for _, o := range opts {
		o(&cfg)
	}
	srv, err := Start(cfg)
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

func (s *Server) dsn(user, password, db string) string {
	if db == "" {
		db = s.backend.Database
	}
	return fmt.Sprintf("postgres://%s:%s@%s/%s?sslmode=disable", urlEsc(user), urlEsc(password), s.Addr(), db)
}

func urlEsc(s string) string {
	var b bytes.Buffer
	for _, c := range []byte(s) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func connect(t *testing.T, s *Server) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, s.dsn("awsuser", testPassword, ""))
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func contextWithTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, d)
}
