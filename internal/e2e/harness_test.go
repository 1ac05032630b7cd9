package e2e

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/snowflakedb/gosnowflake"

	"github.com/snowmigrate/snowmigrate/internal/testenv"
)

// stack is one test's running system.
type stack struct {
	t        testing.TB
	pg       *testenv.PG
	pgDSN    string
	pgDB     string
	emu      *testenv.Emu
	temporal *testenv.TemporalServer
	dir      string
	env      []string
	queue    string // task queue base, unique per test so tests never share workers
	procs    []*exec.Cmd
}

var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

// binaries builds bin/starter and bin/workers once per test binary.
func binaries(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		// Binaries run only now and then: sweep only what is older than the longest run (make soak).
		testenv.SweepStale("", "snowmigrate-e2e-bin-", 13*time.Hour)
		binDir, buildErr = os.MkdirTemp("", "snowmigrate-e2e-bin-")
		if buildErr != nil {
			return
		}
		for _, p := range []string{"starter", "workers"} {
			cmd := exec.Command("go", "build", "-o", filepath.Join(binDir, p), "./"+p)
			cmd.Dir = "../.."
			if out, err := cmd.CombinedOutput(); err != nil {
				buildErr = fmt.Errorf("go build %s: %w: %s", p, err, out)
				return
			}
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binDir
}

func init() {
	// The driver logs every failed statement at error level; the tests expect some.
	_ = gosnowflake.GetLogger().SetLogLevel("fatal")
}

func newStack(t testing.TB) *stack {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end test: skipped with -short")
	}
	s := &stack{t: t, pg: testenv.Postgres(t), temporal: testenv.Temporal(t), emu: testenv.Emulator(t), dir: t.TempDir()}
	binaries(t)
	s.pgDSN = s.pg.NewDatabase(t)
	cfg, err := pgx.ParseConfig(s.pgDSN)
	if err != nil {
		t.Fatal(err)
	}
	s.pgDB = cfg.Database
	s.queue = "e2e-" + strings.ReplaceAll(strings.ToLower(t.Name()), "/", "-")
	s.env = append(os.Environ(),
		"TEMPORAL_ADDRESS="+s.temporal.Address(),
		"TEMPORAL_NAMESPACE="+s.temporal.Namespace(),
		"SNOWFLAKE_HOME="+s.emu.SnowflakeHome(),
		"SNOWFLAKE_CONNECTION_NAME="+s.emu.ConnectionName(),
	)
	t.Cleanup(s.stopAll)
	// Target databases exist before a migration, as in production: the product creates
	// schemas and tables, never databases (a typo must not create one).
	for _, db := range []string{"E2E", "BENCH"} {
		if _, err := s.sf().Exec("CREATE DATABASE IF NOT EXISTS " + db); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// sourceSecret is the source password in every test worker's TOML. PostgreSQL trusts
// loopback, so it is never needed: it exists to be looked for where it must not be.
const sourceSecret = "e2e-source-secret-7f3a9c"

// workerTOML writes a source worker configuration in the reference system's format.
func (s *stack) workerTOML(name string, parallel int) string {
	body := fmt.Sprintf(`selected_task_source = "temporal"

[application]
max_parallel_tasks = %d
work_dir = %q

[connections.source.postgresql]
username = "postgres"
password = %q
database = %q
host = %q
port = %d

[connections.target.snowflake_connection_name]
connection_name = %q
`, parallel, filepath.Join(s.dir, "work-"+name), sourceSecret, s.pgDB, s.pg.Host(), s.pg.Port(), s.emu.ConnectionName())
	p := filepath.Join(s.dir, name+".toml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		s.t.Fatal(err)
	}
	return p
}

// startProcess runs a binary in the background with the stack's environment.
func (s *stack) startProcess(name string, args ...string) *exec.Cmd {
	s.t.Helper()
	cmd, _ := spawn(s.t, s.env, filepath.Join(s.dir, name+".log"), args[0], args[1:]...)
	s.procs = append(s.procs, cmd)
	return cmd
}

// spawn starts one of the built binaries with env, its output in logPath, killed if the
// test process dies; the channel closes when it has exited and been reaped.
func spawn(t testing.TB, env []string, logPath, bin string, args ...string) (*exec.Cmd, <-chan struct{}) {
	t.Helper()
	cmd := exec.Command(filepath.Join(binDir, bin), args...)
	cmd.Env = env
	logf, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		logf.Close()
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); logf.Close(); close(exited) }()
	return cmd, exited
}

func (s *stack) startOrchestrator() *exec.Cmd {
	return s.startProcess("orchestrator", "workers", "orchestrator", "--task-queue-base", s.queue)
}

func (s *stack) startSourceWorker(name string, parallel int) *exec.Cmd {
	return s.startProcess(name, "workers", "source", "--config", s.workerTOML(name, parallel), "--task-queue-base", s.queue)
}

func (s *stack) stopAll() {
	for _, c := range s.procs {
		if c.Process != nil {
			_ = c.Process.Signal(syscall.SIGTERM)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for _, c := range s.procs {
		for c.ProcessState == nil && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		if c.ProcessState == nil && c.Process != nil {
			_ = c.Process.Kill()
		}
	}
	if s.t.Failed() {
		for _, name := range []string{"orchestrator", "source1", "source2", "source3"} {
			if b, err := os.ReadFile(filepath.Join(s.dir, name+".log")); err == nil {
				if len(b) > 6000 {
					b = b[len(b)-6000:]
				}
				s.t.Logf("---- %s log (tail) ----\n%s", name, b)
			}
		}
	}
}

// starter runs bin/starter to completion and returns its output and exit code.
func (s *stack) starter(timeout time.Duration, args ...string) (string, int) {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(binDir, "starter"), args...)
	cmd.Env = s.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ctx.Err() != nil {
		s.t.Fatalf("starter %v did not finish within %s; output:\n%s", args, timeout, out.String())
	}
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		s.t.Fatalf("starter %v: %v", args, err)
	}
	return out.String(), code
}

// writeConfig writes a workflow configuration file.
func (s *stack) writeConfig(name, body string) string {
	p := filepath.Join(s.dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		s.t.Fatal(err)
	}
	return p
}

// pgExec runs SQL statements on the test's source database.
func (s *stack) pgExec(stmts ...string) {
	s.t.Helper()
	ctx := context.Background()
	c, err := pgx.Connect(ctx, s.pgDSN)
	if err != nil {
		s.t.Fatal(err)
	}
	defer c.Close(ctx)
	for _, q := range stmts {
		if _, err := c.Exec(ctx, q); err != nil {
			s.t.Fatalf("source SQL %q: %v", q, err)
		}
	}
}

func (s *stack) pgConn() *pgx.Conn {
	s.t.Helper()
	c, err := pgx.Connect(context.Background(), s.pgDSN)
	if err != nil {
		s.t.Fatal(err)
	}
	s.t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

func (s *stack) sf() *sql.DB { return s.emu.DB(s.t, "", "") }

// sfInt runs a one-value query on the emulator.
func (s *stack) sfInt(q string) int64 {
	s.t.Helper()
	var n int64
	if err := s.sf().QueryRow(q).Scan(&n); err != nil {
		s.t.Fatalf("snowflake %q: %v", q, err)
	}
	return n
}

func (s *stack) pgInt(q string) int64 {
	s.t.Helper()
	var n int64
	if err := s.pgConn().QueryRow(context.Background(), q).Scan(&n); err != nil {
		s.t.Fatalf("postgres %q: %v", q, err)
	}
	return n
}
