package scripts

import (
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestDemoPostgresFromPrivateCheckout runs the demo's PostgreSQL start (lib.sh's
// start_postgres, as `make demo` does) from a copy of the scripts under a 0700
// directory, as root: the server runs as the postgres user, who cannot traverse that
// directory, so the cluster must live elsewhere, answer queries, and be stopped by
// down.sh. Before the fix, initdb failed with "Permission denied".
func TestDemoPostgresFromPrivateCheckout(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("checks the root path (as another user PostgreSQL runs as that user and .local/pg is reachable)")
	}
	if _, err := user.Lookup("postgres"); err != nil {
		t.Skip("no postgres user")
	}
	for _, tool := range []string{"psql", "runuser", "bash"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not found", tool)
		}
	}
	if m, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb"); len(m) == 0 {
		t.Skip("PostgreSQL server binaries not found")
	}

	private := t.TempDir() // 0700, owned by root: a private home or a `mktemp -d`
	if err := os.Chmod(private, 0o700); err != nil {
		t.Fatal(err)
	}
	checkout := filepath.Join(private, "home", "snowmigrate")
	if err := os.MkdirAll(filepath.Join(checkout, "scripts"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"lib.sh", "down.sh"} {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(checkout, "scripts", f), data, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	port := freePort(t)
	run := func(script string) (string, error) {
		cmd := exec.Command("bash", "-c", script, "_", checkout)
		cmd.Env = append(os.Environ(), "DEMO_PG_PORT="+strconv.Itoa(port))
		cmd.WaitDelay = 5 * time.Second
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	// Whatever happens, stop the server and remove its directory.
	t.Cleanup(func() {
		_, _ = run(`"$1/scripts/down.sh"`)
		if loc, err := os.ReadFile(filepath.Join(checkout, ".local", "pg-location")); err == nil {
			_ = os.RemoveAll(strings.TrimSpace(string(loc)))
		}
	})

	out, err := run(`cd "$1" && source scripts/lib.sh && start_postgres && psql_demo -d postgres -tAc "SELECT 40 + 2"`)
	if err != nil {
		t.Fatalf("start_postgres from %s: %v\n%s", checkout, err, out)
	}
	if !strings.HasSuffix(strings.TrimSpace(out), "42") {
		t.Fatalf("the demo's PostgreSQL did not answer:\n%s", out)
	}
	if strings.Contains(out, "Permission denied") {
		t.Errorf("start_postgres complains:\n%s", out)
	}
	loc, err := os.ReadFile(filepath.Join(checkout, ".local", "pg-location"))
	if err != nil {
		t.Fatalf("the cluster should live outside the private checkout and .local/pg-location say where: %v", err)
	}
	dir := strings.TrimSpace(string(loc))
	if strings.HasPrefix(dir, private) {
		t.Fatalf("cluster in %s, inside the private directory", dir)
	}
	var st syscall.Stat_t
	if err := syscall.Lstat(dir, &st); err != nil {
		t.Fatal(err)
	}
	pgUser, _ := user.Lookup("postgres")
	if strconv.Itoa(int(st.Uid)) != pgUser.Uid || st.Mode&0o077 != 0 {
		t.Fatalf("%s: owner uid %d, mode %o; want the postgres user's private directory", dir, st.Uid, st.Mode&0o777)
	}

	// A second start is a no-op (the demo is idempotent), and down.sh stops the server.
	if out, err := run(`source "$1/scripts/lib.sh" && start_postgres && pg_running`); err != nil {
		t.Fatalf("second start: %v\n%s", err, out)
	}
	out, err = run(`cd "$1" && scripts/down.sh`) // from inside the checkout, as `make down` runs it
	if err != nil || !strings.Contains(out, "stopped postgres") {
		t.Fatalf("down.sh: %v\n%s", err, out)
	}
	if strings.Contains(out, "Permission denied") {
		t.Errorf("down.sh complains:\n%s", out)
	}
	if out, err := run(`source "$1/scripts/lib.sh" && ! pg_running`); err != nil {
		t.Fatalf("postgres still running after down.sh: %v\n%s", err, out)
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
