package testenv

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// PG is a private PostgreSQL cluster on 127.0.0.1 (trust authentication, user postgres).
type PG struct {
	host string
	port int
	dir  string
	seq  atomic.Int64
}

var (
	pgOnce sync.Once
	pgInst *PG
	pgErr  error
	pgMiss string
)

// Postgres returns the test binary's shared cluster, starting it on first use.
func Postgres(t testing.TB) *PG {
	t.Helper()
	pgOnce.Do(func() { pgInst, pgMiss, pgErr = startPostgres() })
	if pgMiss != "" {
		missing(t, pgMiss)
	}
	if pgErr != nil {
		t.Fatalf("start postgres: %v", pgErr)
	}
	return pgInst
}

// Host is the loopback address the cluster listens on.
func (p *PG) Host() string { return p.host }

// Port is the cluster's TCP port.
func (p *PG) Port() int { return p.port }

// User is the superuser name (no password: trust on loopback).
func (p *PG) User() string { return "postgres" }

// DSN is a pgx connection string for database db.
func (p *PG) DSN(db string) string {
	return fmt.Sprintf("postgres://postgres@%s:%d/%s?sslmode=disable", p.host, p.port, db)
}

// NewDatabase creates a fresh, empty database and returns its DSN; it is dropped when
// the test ends.
func (p *PG) NewDatabase(t testing.TB) string {
	t.Helper()
	name := fmt.Sprintf("t%d_%d", os.Getpid(), p.seq.Add(1))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, p.DSN("postgres"))
	if err != nil {
		t.Fatalf("connect to test postgres: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if c, err := pgx.Connect(ctx, p.DSN("postgres")); err == nil {
			_, _ = c.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
			c.Close(ctx)
		}
	})
	return p.DSN(name)
}

// pgBinDir finds initdb and postgres.
func pgBinDir() string {
	if d := os.Getenv("PG_BINDIR"); d != "" {
		return d
	}
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

// startPostgres runs initdb and postgres in a temp dir. initdb and postgres refuse to
// run as root, so as root they run as the "postgres" user.
func startPostgres() (*PG, string, error) {
	bin := pgBinDir()
	if bin == "" {
		return nil, "PostgreSQL server binaries (initdb, postgres)", nil
	}
	cred, err := postgresCredential()
	if err != nil {
		return nil, "", err
	}
	SweepStale("", "snowmigrate-pg-", 30*time.Minute) // a live cluster is named by its -D
	dir, err := postgresDir(cred, "snowmigrate-pg-")
	if err != nil {
		return nil, "", err
	}
	data := filepath.Join(dir, "data")
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "-A", "trust",
		"-E", "UTF8", "--locale=C", "--no-sync")
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	initdb.Dir = dir
	if out, err := initdb.CombinedOutput(); err != nil {
		return nil, "", fmt.Errorf("initdb: %w: %s", err, out)
	}
	port, err := freePort()
	if err != nil {
		return nil, "", err
	}
	cmd := exec.Command(filepath.Join(bin, "postgres"), "-D", data, "-p", strconv.Itoa(port), "-k", dir,
		"-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off",
		"-c", "full_page_writes=off", "-c", "max_connections=200", "-c", "shared_buffers=128MB")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	cmd.Dir = dir
	logPath := filepath.Join(dir, "postgres.log")
	exited, err := startProc(cmd, logPath)
	if err != nil {
		return nil, "", err
	}
	p := &PG{host: "127.0.0.1", port: port, dir: dir}
	deadline := time.Now().Add(60 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		c, err := pgx.Connect(ctx, p.DSN("postgres"))
		cancel()
		if err == nil {
			c.Close(context.Background())
			return p, "", nil
		}
		select {
		case <-exited:
			return nil, "", fmt.Errorf("postgres exited: %s", tail(logPath, 2000))
		default:
		}
		if time.Now().After(deadline) {
			return nil, "", fmt.Errorf("postgres not ready after 60s: %v: %s", err, tail(logPath, 2000))
		}
		time.Sleep(150 * time.Millisecond)
	}
}

// pgTempBase is where a cluster's directory is made: $TMPDIR, unless the cluster runs
// as the postgres user (cred set, as root) and that user cannot reach $TMPDIR (a
// `mktemp -d` or a directory under a 0700 home): then the first of /tmp and /var/tmp it
// can reach.
func pgTempBase(cred *syscall.Credential) string {
	if cred == nil {
		return ""
	}
	for _, d := range []string{os.TempDir(), "/tmp", "/var/tmp"} {
		if canTraverse(d, cred.Uid, cred.Gid) {
			return d
		}
	}
	return ""
}

// canTraverse tells from the mode bits whether uid (primary group gid) may search every
// directory from / down to dir.
func canTraverse(dir string, uid, gid uint32) bool {
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		var st syscall.Stat_t
		if err := syscall.Stat(d, &st); err != nil {
			return false
		}
		bit := uint32(0o001)
		switch {
		case st.Uid == uid:
			bit = 0o100
		case st.Gid == gid:
			bit = 0o010
		}
		if uint32(st.Mode)&bit == 0 {
			return false
		}
		if d == "/" || d == "." {
			return true
		}
	}
}
