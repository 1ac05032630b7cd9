package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestAffinityRoutesWorkToThatNetwork: a workflow with affinity "east" runs only on
// workers started with --affinity east. A source worker of another network (here: no
// affinity, connected to a database where the table does not exist) must never pick up
// its work — if it did, introspection would fail and the table with it.
func TestAffinityRoutesWorkToThatNetwork(t *testing.T) {
	s := newStack(t)
	s.pgExec(`CREATE TABLE east_only (id int PRIMARY KEY, v text)`,
		`INSERT INTO east_only SELECT g, 'e' || g FROM generate_series(1, 50) g`)
	cfg := s.writeConfig("east.json", fmt.Sprintf(`{
  "affinity": "east",
  "tables": [ { "source": { "databaseName": %q, "schemaName": "public", "tableName": "east_only" },
                "target": { "databaseName": "E2E", "schemaName": "EAST", "tableName": "east_only" },
                "columnNamesToPartitionBy": ["id"], "partitionSize": { "maxRowsPerPartition": 10 } } ]
}`, s.pgDB))

	// A worker of the default network, pointed at another (empty) database.
	other := s.workerTOML("other", 2)
	b, err := os.ReadFile(other)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(other, []byte(strings.Replace(string(b), fmt.Sprintf("database = %q", s.pgDB), `database = "postgres"`, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	s.startProcess("other", "workers", "source", "--config", other, "--task-queue-base", s.queue)
	s.startProcess("orchestrator", "workers", "orchestrator", "--task-queue-base", s.queue, "--affinity", "east")
	s.startProcess("source1", "workers", "source", "--config", s.workerTOML("source1", 2), "--task-queue-base", s.queue, "--affinity", "east")

	out, code := s.starter(time.Minute, "create-data-migration-workflow", cfg, "--name", "E2eEast",
		"--connection-name", s.emu.ConnectionName(), "--source-platform", "postgresql", "--task-queue-base", s.queue)
	if code != 0 {
		t.Fatalf("create exit %d:\n%s", code, out)
	}
	if !strings.Contains(out, s.queue+"@east") {
		t.Errorf("the starter does not report the affinity's task queue %s@east:\n%s", s.queue, out)
	}
	if out, code := s.starter(5*time.Minute, "watch", "E2eEast"); code != 0 {
		t.Fatalf("watch exit %d:\n%s", code, out)
	}
	if n := s.sfInt("SELECT COUNT(*) FROM E2E.EAST.EAST_ONLY"); n != 50 {
		t.Errorf("east_only: %d rows, want 50", n)
	}
	if b, err := os.ReadFile(filepath.Join(s.dir, "other.log")); err == nil && strings.Contains(string(b), "east_only") {
		t.Errorf("a worker of another network touched the east table:\n%s", b)
	}
}
