package e2e

import (
	"fmt"
	"testing"
	"time"
)

// A table whose configuration asks for validation is validated when the migration
// ends, through the real starter → workflow path (the configuration's `validation`
// field must survive it), and only that table.
func TestValidateAfterMigration(t *testing.T) {
	s := newStack(t)
	s.pgExec(validateDDL)
	cfg := s.writeConfig("validate-after.json", fmt.Sprintf(`{
  "defaultTableConfiguration": {
    "source": { "databaseName": %q, "schemaName": "public" },
    "target": { "databaseName": "E2E", "schemaName": "PUBLIC" },
    "columnNamesToPartitionBy": ["id"],
    "partitionSize": { "maxRowsPerPartition": 4 }
  },
  "tables": [
    { "source": { "tableName": "v_match" }, "target": { "tableName": "v_match" },
      "validation": { "level": 2, "tolerance": 0.001 } },
    { "source": { "tableName": "v_metrics" }, "target": { "tableName": "v_metrics" } }
  ]
}`, s.pgDB))
	s.startOrchestrator()
	s.startSourceWorker("source1", 4)
	const name = "E2eValidateAfter"
	out, code := s.starter(2*time.Minute, "create-data-migration-workflow", cfg, "--name", name,
		"--connection-name", s.emu.ConnectionName(), "--source-platform", "postgresql", "--task-queue-base", s.queue)
	if code != 0 {
		t.Fatalf("create exit %d:\n%s", code, out)
	}
	if out, code := s.starter(10*time.Minute, "watch", name); code != 0 {
		t.Fatalf("watch exit %d:\n%s", code, out)
	}
	res := s.latestResults(name)
	if len(res) != 2 {
		t.Fatalf("LATEST_VALIDATION_RESULT has %d rows, want v_match at levels 1 and 2 only: %v", len(res), res)
	}
	for k, st := range res {
		if st != "MATCH" {
			t.Errorf("%s: %s, want MATCH", k, st)
		}
	}
	if n := s.sfInt(`SELECT COUNT(*) FROM SNOWCONVERT_AI.DATA_VALIDATION.LATEST_VALIDATION_RESULT WHERE WORKFLOW_ID = '` + name + `' AND TABLE_KEY LIKE '%v_metrics'`); n != 0 {
		t.Errorf("v_metrics asked for no validation but has %d results", n)
	}
}
