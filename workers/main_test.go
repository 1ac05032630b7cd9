package main

import (
	"context"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

// runWorkers runs the CLI in-process with a bounded context and returns its error.
func runWorkers(t *testing.T, args ...string) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20e9)
	defer cancel()
	return newApp().RunContext(ctx, append([]string{"workers"}, args...))
}

// TestSourceWorkerConfigErrors: a bad worker file fails before anything connects, with
// a message naming the file and the problem, and never the password.
func TestSourceWorkerConfigErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := []struct {
		name, body string
		want       []string
	}{
		{"missing.toml", "", []string{"missing.toml", "no such file"}},
		{"sqlserver.toml", `[connections.source.sqlserver]
username = "u"
password = "hunter2-secret"
database = "d"
host = "127.0.0.1"
encrypt = "maybe"
`, []string{"sqlserver.toml", `encrypt = "maybe"`}},
		{"typo.toml", `[application]
max_paralel_tasks = 2
[connections.source.postgresql]
username = "u"
password = "hunter2-secret"
database = "d"
host = "127.0.0.1"
`, []string{"typo.toml", "max_paralel_tasks"}},
	}
	for _, c := range cases {
		path := filepath.Join(dir, c.name)
		if c.body != "" {
			path = write(c.name, c.body)
		}
		err := runWorkers(t, "source", "--config", path, "--temporal-address", "127.0.0.1:1")
		if err == nil {
			t.Fatalf("%s: accepted", c.name)
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q lacks %q", c.name, err, w)
			}
		}
		if strings.Contains(err.Error(), "hunter2-secret") {
			t.Errorf("%s: error leaks the password: %v", c.name, err)
		}
	}
}

// TestMemoryLimitFollowsParallelism: the soft limit grows with max_parallel_tasks and
// GOMEMLIMIT, when set, wins.
func TestMemoryLimitFollowsParallelism(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	if got := setMemoryLimit(2); got != 192<<20 {
		t.Errorf("limit for 2 tasks = %d MiB, want 192", got>>20)
	}
	if got := setMemoryLimit(4); got != 320<<20 {
		t.Errorf("limit for 4 tasks = %d MiB, want 320", got>>20)
	}
	debug.SetMemoryLimit(123 << 20)
	t.Setenv("GOMEMLIMIT", "123MiB")
	if got := setMemoryLimit(4); got != 123<<20 {
		t.Errorf("with GOMEMLIMIT set the limit must stay the user's: got %d MiB", got>>20)
	}
}

// TestEmptyConnectionNameUsesTheOrchestratorDefault: a workflow without a connection
// name falls back to SNOWFLAKE_CONNECTION_NAME; with neither, the error says what to set.
func TestEmptyConnectionNameUsesTheOrchestratorDefault(t *testing.T) {
	_, err := defaultName{}.DB(context.Background(), "")
	if err == nil || !strings.Contains(err.Error(), "SNOWFLAKE_CONNECTION_NAME") {
		t.Fatalf("error %v does not say to set SNOWFLAKE_CONNECTION_NAME", err)
	}
}
