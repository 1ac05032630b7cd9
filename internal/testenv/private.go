package testenv

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Private services are owned by one test and can be stopped — gracefully or by a crash
// signal — and started again on the same port with the same state, so that a fault test
// can take a service away in the middle of a migration and give it back. The shared
// singletons (Postgres, Temporal, Emulator) are not restartable on purpose: other tests
// share them.

// proc is one restartable child process: the command line is rebuilt at every start,
// and its output is appended to one log so a restart keeps the history.
type proc struct {
	mu      sync.Mutex
	name    string
	logPath string
	build   func() *exec.Cmd
	cmd     *exec.Cmd
	exited  chan struct{}
	starts  int
}

// start runs a new instance; the previous one must have exited.
func (p *proc) start() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd != nil {
		select {
		case <-p.exited:
		default:
			return fmt.Errorf("%s: still running (pid %d)", p.name, p.cmd.Process.Pid)
		}
	}
	f, err := os.OpenFile(p.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	p.starts++
	fmt.Fprintf(f, "\n==== testenv: start #%d of %s at %s ====\n", p.starts, p.name, time.Now().UTC().Format(time.RFC3339Nano))
	cmd := p.build()
	cmd.Stdout, cmd.Stderr = f, f
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
	if err := cmd.Start(); err != nil {
		f.Close()
		return fmt.Errorf("start %s: %w", p.name, err)
	}
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		f.Close()
		close(done)
	}()
	p.cmd, p.exited = cmd, done
	return nil
}

// stop sends sig and waits up to grace for the exit, then SIGKILLs. A process that has
// already exited is not an error.
func (p *proc) stop(sig syscall.Signal, grace time.Duration) error {
	p.mu.Lock()
	cmd, exited := p.cmd, p.exited
	p.mu.Unlock()
	if cmd == nil {
		return nil
	}
	select {
	case <-exited:
		return nil
	default:
	}
	if err := cmd.Process.Signal(sig); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("signal %s: %w", p.name, err)
	}
	select {
	case <-exited:
		return nil
	case <-time.After(grace):
	}
	_ = cmd.Process.Kill()
	select {
	case <-exited:
		return nil
	case <-time.After(30 * time.Second):
		return fmt.Errorf("%s (pid %d) did not exit after SIGKILL", p.name, cmd.Process.Pid)
	}
}

// exitedCh is the current instance's exit channel (nil before the first start).
func (p *proc) exitedCh() <-chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.exited
}

// Pid is the current instance's process ID (0 before the first start).
func (p *proc) pid() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil || p.cmd.Process == nil {
		return 0
	}
	return p.cmd.Process.Pid
}

// Stop modes shared by the private services.
type StopMode int

const (
	// Graceful asks the service to shut down (SIGTERM; PostgreSQL: fast shutdown, SIGINT).
	Graceful StopMode = iota
	// Crash ends the service without any cleanup: SIGKILL (PostgreSQL: immediate
	// shutdown, SIGQUIT, which skips the checkpoint so the next start replays the WAL;
	// a SIGKILLed postmaster would leave its backends holding the shared memory).
	Crash
)

func (m StopMode) String() string {
	if m == Crash {
		return "crash"
	}
	return "graceful"
}

// retryPort runs start until waitReady succeeds, at most three times: a port freed by a
// stopped instance can linger for a moment, and a fresh port can be taken between probe
// and bind.
func retryPort(p *proc, waitReady func(exited <-chan struct{}) error) error {
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		if err := p.start(); err != nil {
			return err
		}
		err := waitReady(p.exitedCh())
		if err == nil {
			return nil
		}
		lastErr = fmt.Errorf("%w: %s", err, tail(p.logPath, 2000))
		_ = p.stop(syscall.SIGKILL, 0)
		time.Sleep(time.Duration(attempt+1) * 500 * time.Millisecond)
	}
	return lastErr
}

// PrivateTemporal is a dev server whose state lives in a SQLite file, so that a restart
// (even after SIGKILL) resumes every workflow where it was.
type PrivateTemporal struct {
	*TemporalServer
	DBFile string
	p      *proc
}

// StartPrivateTemporal starts a dev server persisting to dbFile (created when missing),
// stopped when the test ends.
func StartPrivateTemporal(t testing.TB, dbFile string) *PrivateTemporal {
	t.Helper()
	bin := TemporalBinary()
	if bin == "" {
		missing(t, "the temporal CLI (go install github.com/temporalio/cli/cmd/temporal@v1.5.1)")
	}
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(dbFile)
	logPath := filepath.Join(dir, "temporal.log")
	pt := &PrivateTemporal{TemporalServer: &TemporalServer{port: port, log: logPath}, DBFile: dbFile}
	pt.p = &proc{name: "temporal", logPath: logPath, build: func() *exec.Cmd {
		args := []string{"server", "start-dev", "--ip", "127.0.0.1", "--port", strconv.Itoa(pt.port),
			"--headless", "--log-level", "error", "--db-filename", dbFile}
		for _, sa := range SearchAttributes {
			args = append(args, "--search-attribute", sa)
		}
		for _, kv := range DevServerDynamicConfig {
			args = append(args, "--dynamic-config-value", kv)
		}
		return exec.Command(bin, args...)
	}}
	t.Cleanup(func() { _ = pt.p.stop(syscall.SIGTERM, 10*time.Second) })
	if err := pt.Start(); err != nil {
		t.Fatalf("start private temporal: %v", err)
	}
	return pt
}

// Start starts the server again on the same port and database file and waits until it
// answers health checks.
func (pt *PrivateTemporal) Start() error {
	return retryPort(pt.p, pt.waitReady)
}

// Stop ends the server (SIGTERM or SIGKILL) and waits for it to exit.
func (pt *PrivateTemporal) Stop(mode StopMode) error {
	if mode == Crash {
		return pt.p.stop(syscall.SIGKILL, 0)
	}
	return pt.p.stop(syscall.SIGTERM, 20*time.Second)
}

// Restart is Stop, a pause of down, then Start.
func (pt *PrivateTemporal) Restart(mode StopMode, down time.Duration) error {
	if err := pt.Stop(mode); err != nil {
		return err
	}
	time.Sleep(down)
	return pt.Start()
}

// LogPath is the server's log (all starts appended).
func (pt *PrivateTemporal) LogPath() string { return pt.p.logPath }

// PrivateEmu is an emulator that can be stopped and started again on the same port and
// data directory (the connections.toml stays valid).
type PrivateEmu struct {
	*Emu
	p *proc
}

// StartPrivateEmulator starts an emulator with a fresh data directory under dir (a
// fresh account: no database exists), stopped when the test ends. extraArgs are passed
// to every start.
func StartPrivateEmulator(t testing.TB, dir string, extraArgs ...string) *PrivateEmu {
	t.Helper()
	bin := EmulatorBinary(t)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	e := &Emu{Port: port, DataDir: filepath.Join(dir, "data"), home: filepath.Join(dir, "snowflake-home"), LogPath: filepath.Join(dir, "emulator.log")}
	pe := &PrivateEmu{Emu: e}
	pe.p = &proc{name: "snowflake-emulator", logPath: e.LogPath, build: func() *exec.Cmd {
		args := append([]string{"--addr", e.Addr(), "--data-dir", e.DataDir, "--user", "local", "--password", "local"}, extraArgs...)
		return exec.Command(bin, args...)
	}}
	t.Cleanup(func() { _ = pe.p.stop(syscall.SIGINT, 10*time.Second) })
	if err := pe.Start(); err != nil {
		t.Fatalf("start private emulator: %v", err)
	}
	if err := e.writeConnections(); err != nil {
		t.Fatal(err)
	}
	return pe
}

// Start starts the emulator on the same port and data directory and waits until it
// accepts connections.
func (pe *PrivateEmu) Start() error {
	return retryPort(pe.p, func(exited <-chan struct{}) error {
		return waitTCP(pe.Addr(), 60*time.Second, exited)
	})
}

// Stop ends the emulator (SIGINT, or SIGKILL: open transactions and sessions vanish
// with it) and waits for it to exit.
func (pe *PrivateEmu) Stop(mode StopMode) error {
	if mode == Crash {
		return pe.p.stop(syscall.SIGKILL, 0)
	}
	return pe.p.stop(syscall.SIGINT, 20*time.Second)
}

// Restart is Stop, a pause of down, then Start.
func (pe *PrivateEmu) Restart(mode StopMode, down time.Duration) error {
	if err := pe.Stop(mode); err != nil {
		return err
	}
	time.Sleep(down)
	return pe.Start()
}

// Pid is the running emulator's process ID.
func (pe *PrivateEmu) Pid() int { return pe.p.pid() }

// PrivatePG is a PostgreSQL cluster owned by one test that can be shut down (fast or
// immediate) and started again on the same port and data directory.
type PrivatePG struct {
	*PG
	p *proc
}

// StartPrivatePostgres runs initdb in a new directory and starts the cluster, stopped
// when the test ends. Unlike the shared cluster, commits are synchronous: an immediate
// shutdown must not lose a committed row (fsync stays off: the OS outlives the process). As root the cluster runs as the postgres user, whose directory
// lives outside the test's temp dir (which postgres may not be able to traverse).
func StartPrivatePostgres(t testing.TB) *PrivatePG {
	t.Helper()
	bin := pgBinDir()
	if bin == "" {
		missing(t, "PostgreSQL server binaries (initdb, postgres)")
	}
	cred, err := postgresCredential()
	if err != nil {
		t.Fatal(err)
	}
	dir, err := postgresDir(cred, "snowmigrate-privpg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	data := filepath.Join(dir, "data")
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "-A", "trust",
		"-E", "UTF8", "--locale=C", "--no-sync")
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	initdb.Dir = dir
	if out, err := initdb.CombinedOutput(); err != nil {
		t.Fatalf("initdb: %v: %s", err, out)
	}
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	pp := &PrivatePG{PG: &PG{host: "127.0.0.1", port: port, dir: dir}}
	pp.p = &proc{name: "postgres", logPath: filepath.Join(dir, "postgres.log"), build: func() *exec.Cmd {
		cmd := exec.Command(filepath.Join(bin, "postgres"), "-D", data, "-p", strconv.Itoa(port), "-k", dir,
			"-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "full_page_writes=off",
			"-c", "max_connections=100", "-c", "shared_buffers=32MB")
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		cmd.Dir = dir
		return cmd
	}}
	t.Cleanup(func() { _ = pp.p.stop(syscall.SIGINT, 10*time.Second) })
	if err := pp.Start(); err != nil {
		t.Fatalf("start private postgres: %v", err)
	}
	return pp
}

// Start starts the cluster on the same port and data directory (replaying the WAL after
// an immediate shutdown) and waits until it accepts connections.
func (pp *PrivatePG) Start() error {
	return retryPort(pp.p, func(exited <-chan struct{}) error { return pp.waitReady(exited, 90*time.Second) })
}

// Stop shuts the cluster down: fast (SIGINT: sessions are ended, a checkpoint is
// written) or immediate (SIGQUIT: like a crash, recovery at the next start).
func (pp *PrivatePG) Stop(mode StopMode) error {
	if mode == Crash {
		return pp.p.stop(syscall.SIGQUIT, 20*time.Second)
	}
	return pp.p.stop(syscall.SIGINT, 30*time.Second)
}

// Restart is Stop, a pause of down, then Start.
func (pp *PrivatePG) Restart(mode StopMode, down time.Duration) error {
	if err := pp.Stop(mode); err != nil {
		return err
	}
	time.Sleep(down)
	return pp.Start()
}

// LogPath is the cluster's log (all starts appended).
func (pp *PrivatePG) LogPath() string { return pp.p.logPath }

// waitReady waits until the cluster accepts a connection.
func (pp *PrivatePG) waitReady(exited <-chan struct{}, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		c, err := pgx.Connect(ctx, pp.DSN("postgres"))
		cancel()
		if err == nil {
			c.Close(context.Background())
			return nil
		}
		select {
		case <-exited:
			return fmt.Errorf("postgres exited: %w", err)
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("postgres not ready after %s: %w", timeout, err)
		}
		time.Sleep(150 * time.Millisecond)
	}
}

// postgresCredential is nil unless running as root: then initdb and postgres (which
// refuse root) run as the postgres user.
func postgresCredential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root needs the postgres user to run initdb: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// postgresDir makes a cluster's directory where the cluster's user can reach it (see
// pgTempBase) and gives it to that user.
func postgresDir(cred *syscall.Credential, pattern string) (string, error) {
	dir, err := os.MkdirTemp(pgTempBase(cred), pattern)
	if err != nil {
		return "", err
	}
	if cred != nil {
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			_ = os.RemoveAll(dir)
			return "", err
		}
	}
	return dir, nil
}
