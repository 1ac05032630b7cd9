package tests

import (
	"bufio"
	"database/sql"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// protoBuildBinary builds cmd/snowflake-emulator into a temp dir.
func protoBuildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "snowflake-emulator")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/snowflake-emulator")
	cmd.Dir = ".." // the emulator module root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/snowflake-emulator: %v\n%s", err, out)
	}
	return bin
}

type protoProc struct {
	cmd    *exec.Cmd
	addr   string
	stderr *strings.Builder
	exited chan error
}

// protoStartBinary starts the emulator on a free port and waits for its listening line.
func protoStartBinary(t *testing.T, bin, dataDir string, extra ...string) *protoProc {
	t.Helper()
	args := append([]string{"--addr", "127.0.0.1:0", "--data-dir", dataDir, "--user", "bin_user", "--password", "bin-pass-123"}, extra...)
	cmd := exec.Command(bin, args...)
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &protoProc{cmd: cmd, stderr: &strings.Builder{}, exited: make(chan error, 1)}
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			line := sc.Text()
			p.stderr.WriteString(line + "\n")
			if a, ok := strings.CutPrefix(line, "snowflake-emulator listening on "); ok {
				lines <- a
			}
		}
		_, _ = io.Copy(io.Discard, pipe)
		p.exited <- cmd.Wait()
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
		}
	})
	select {
	case p.addr = <-lines:
	case err := <-p.exited:
		t.Fatalf("emulator exited before listening: %v\n%s", err, p.stderr)
	case <-time.After(60 * time.Second):
		t.Fatalf("emulator did not log its address within 60 s\n%s", p.stderr)
	}
	return p
}

// protoStop sends SIGTERM and requires exit status 0.
func (p *protoProc) stop(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.exited:
		if err != nil {
			t.Fatalf("emulator exit after SIGTERM: %v\n%s", err, p.stderr)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("emulator did not exit within 30 s of SIGTERM\n%s", p.stderr)
	}
}

func (p *protoProc) open(t *testing.T, dbName, schema string) *sql.DB {
	t.Helper()
	dsn := fmt.Sprintf("bin_user:bin-pass-123@%s/%s/%s?account=local&protocol=http", p.addr, dbName, schema)
	db, err := sql.Open("snowflake", dsn)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// The binary starts, serves the driver, stops with exit 0 on SIGTERM, never logs the
// password, and the data is there after a restart on the same data dir.
func TestProtocolBinaryStartStopPersist(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary (slow); skipped with -short")
	}
	bin := protoBuildBinary(t)
	dataDir := t.TempDir()

	p := protoStartBinary(t, bin, dataDir, "-v")
	db := p.open(t, "", "")
	ctx := protoCtx(t)
	for _, stmt := range []string{
		"CREATE DATABASE KEEP",
		"CREATE SCHEMA KEEP.S",
		"CREATE TABLE KEEP.S.T (ID NUMBER, NAME VARCHAR)",
		"INSERT INTO KEEP.S.T VALUES (1, 'persisted'), (2, 'twice')",
	} {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v\n%s", stmt, err, p.stderr)
		}
	}
	// A rejected login is logged with -v; the secret must not be.
	bad, _ := sql.Open("snowflake", fmt.Sprintf("bin_user:not-the-pass@%s?account=local&protocol=http", p.addr))
	if err := bad.PingContext(ctx); err == nil {
		t.Fatal("login with a wrong password succeeded")
	}
	_ = bad.Close()
	_ = db.Close()
	p.stop(t)
	if s := p.stderr.String(); strings.Contains(s, "bin-pass-123") || strings.Contains(s, "not-the-pass") {
		t.Fatalf("a password appeared in the log:\n%s", s)
	}

	p = protoStartBinary(t, bin, dataDir)
	db = p.open(t, "KEEP", "S")
	defer db.Close()
	var n int64
	var name string
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*), MIN(NAME) FROM T").Scan(&n, &name); err != nil || n != 2 || name != "persisted" {
		t.Fatalf("after restart: count=%d min(name)=%q err=%v\n%s", n, name, err, p.stderr)
	}
	_ = db.Close()
	p.stop(t)
}
