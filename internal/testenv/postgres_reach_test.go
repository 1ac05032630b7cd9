package testenv

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

const reachChildEnv = "SNOWMIGRATE_TESTENV_REACH_CHILD"

// TestPostgresWithPrivateTMPDIR runs the cluster start in a fresh copy of this test
// binary whose TMPDIR is a 0700 directory of root's (what `mktemp -d` makes, or a
// directory under a 0700 home): as root the server runs as the postgres user, who
// cannot traverse it, so the cluster must be made where that user can reach it.
// Before the fix, initdb failed with "permission denied".
func TestPostgresWithPrivateTMPDIR(t *testing.T) {
	if os.Getenv(reachChildEnv) != "" {
		t.Skip("running as the child")
	}
	if os.Geteuid() != 0 {
		t.Skip("checks the root path (as another user the cluster runs as that user, in its own TMPDIR)")
	}
	if pgBinDir() == "" {
		missing(t, "PostgreSQL server binaries (initdb, postgres)")
	}
	private := t.TempDir()
	if err := os.Chmod(private, 0o700); err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(private, "tmp")
	if err := os.Mkdir(tmp, 0o700); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestPostgresReachChild$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp, reachChildEnv+"=1")
	out, err := cmd.CombinedOutput()
	var dir string
	for _, l := range strings.Split(string(out), "\n") {
		if d, ok := strings.CutPrefix(strings.TrimSpace(l), "PGDIR="); ok {
			dir = d
		}
	}
	if dir != "" {
		// The child's server died with it (Pdeathsig); its directory stays behind.
		t.Cleanup(func() { _ = os.RemoveAll(dir) })
	}
	if err != nil || !strings.Contains(string(out), "--- PASS: TestPostgresReachChild") {
		t.Fatalf("cluster start with TMPDIR=%s (mode 0700): %v\n%s", tmp, err, out)
	}
	if dir == "" || strings.HasPrefix(dir, private) {
		t.Fatalf("cluster directory %q: want one outside the private TMPDIR\n%s", dir, out)
	}
}

// TestPostgresReachChild is TestPostgresWithPrivateTMPDIR's child: it starts the
// cluster, proves it stores and returns a value, and prints where it lives.
func TestPostgresReachChild(t *testing.T) {
	if os.Getenv(reachChildEnv) == "" {
		t.Skip("run by TestPostgresWithPrivateTMPDIR")
	}
	pg := Postgres(t)
	fmt.Printf("PGDIR=%s\n", pg.dir)
	ctx := context.Background()
	c, err := pgx.Connect(ctx, pg.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	var got string
	if _, err := c.Exec(ctx, "CREATE TABLE t AS SELECT 'reached'::text AS v"); err != nil {
		t.Fatal(err)
	}
	if err := c.QueryRow(ctx, "SELECT v FROM t").Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != "reached" {
		t.Fatalf("read back %q", got)
	}
}
