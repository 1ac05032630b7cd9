package e2e

import (
	"fmt"
	"strings"
	"testing"
)

// TestResyncRedshift re-synchronizes two tables of the local Redshift (its real
// catalog and refusals over PostgreSQL, through the Redshift dialect): one by
// watermark (append), one by checksum. Run 1 is a full load; the source then changes
// (inserts beyond the ranges, rows whose watermark ties the recorded mark; for the
// checksum table also an update and a delete in the middle); run 2 moves only that,
// and both targets equal what they must hold value by value.
func TestResyncRedshift(t *testing.T) {
	e := newRedshiftStack(t, "")
	s := e.s
	ddl := `CREATE TABLE public.%s (id integer NOT NULL, v varchar(40), amount decimal(12,2), updated_at timestamp NOT NULL, PRIMARY KEY (id)) DISTSTYLE KEY DISTKEY (id) SORTKEY (id)`
	var rows []string
	for i := 1; i <= 40; i++ {
		// ids 39 and 40 tie at the largest watermark: both must move once in run 1.
		ts := fmt.Sprintf("'2024-01-01 00:%02d:00'", min(i, 39))
		rows = append(rows, fmt.Sprintf("(%d, 'v%d', %d.25, %s)", i, i, i, ts))
	}
	e.rs.Exec(t, fmt.Sprintf(ddl, "ev_wm"), fmt.Sprintf(ddl, "ev_ck"),
		"INSERT INTO public.ev_wm VALUES "+strings.Join(rows, ", "),
		"INSERT INTO public.ev_ck VALUES "+strings.Join(rows, ", "))
	toml := e.redshiftTOML("source1", fmt.Sprintf("username = %q\npassword = %q\n", e.rs.User, e.rs.Password))
	cfg := s.writeConfig("rs-resync.json", fmt.Sprintf(`{
  "defaultTableConfiguration": {
    "source": { "databaseName": %q, "schemaName": "public" },
    "target": { "databaseName": "E2E", "schemaName": "RS" },
    "columnNamesToPartitionBy": ["id"], "partitionSize": { "maxRowsPerPartition": 10 }
  },
  "tables": [
    { "source": { "tableName": "ev_wm" }, "target": { "tableName": "EV_WM" },
      "synchronization": { "strategy": "watermark", "watermarkColumn": "updated_at" } },
    { "source": { "tableName": "ev_ck" }, "target": { "tableName": "EV_CK" },
      "synchronization": { "strategy": "checksum" } }
  ]
}`, e.rs.Database))
	cols := []col{{"id", `"ID"`, "int"}, {"v", "V", "text"}, {"amount::varchar", "TO_VARCHAR(AMOUNT)", "dec"}, {"updated_at", "UPDATED_AT", "ts"}}
	spec := func(tbl string) tableSpec {
		return tableSpec{pgFrom: "public." + tbl, sfFrom: "E2E.RS." + strings.ToUpper(tbl), pgOrder: "id", sfOrder: `"ID"`, cols: cols}
	}
	s.startOrchestrator()
	s.startProcess("source1", "workers", "source", "--config", toml, "--task-queue-base", s.queue)

	e.migrate(t, "E2eResyncRedshift", cfg)
	for _, tbl := range []string{"ev_wm", "ev_ck"} {
		if n := s.compareTable(spec(tbl)); n != 40 {
			t.Fatalf("run 1: %s compared %d rows, want 40", tbl, n)
		}
	}
	if m := s.sfString(`SELECT WATERMARK_HIGH FROM SNOWCONVERT_AI.DATA_MIGRATION.TABLE_SYNCHRONIZATION WHERE WORKFLOW_ID = 'E2eResyncRedshift' AND TABLE_KEY LIKE '%.ev_wm' ORDER BY SYNCHRONIZED_AT DESC LIMIT 1`); !strings.HasPrefix(m, "2024-01-01 00:39:00") {
		t.Fatalf("run 1 mark %q, want the tied largest watermark 2024-01-01 00:39:00", m)
	}

	// Inserts beyond the last range with newer watermarks (one pair tied again).
	ins := "INSERT INTO public.%s VALUES (41, 'n41', 41.5, '2024-02-01 00:00:00'), (42, 'n42', 42.5, '2024-02-01 00:00:00'), (43, 'n43', 43.5, '2024-02-01 00:01:00')"
	e.rs.Exec(t, fmt.Sprintf(ins, "ev_wm"), fmt.Sprintf(ins, "ev_ck"),
		`UPDATE public.ev_ck SET v = 'changed', amount = 0.01 WHERE id = 15`,
		`DELETE FROM public.ev_ck WHERE id = 27`)
	e.migrate(t, "E2eResyncRedshift", cfg)
	if n := s.compareTable(spec("ev_wm")); n != 43 {
		t.Fatalf("run 2: ev_wm compared %d rows, want 43", n)
	}
	if n := s.compareTable(spec("ev_ck")); n != 42 {
		t.Fatalf("run 2: ev_ck compared %d rows, want 42", n)
	}
	moved := s.sfInt(`SELECT ROWS_MOVED FROM SNOWCONVERT_AI.DATA_MIGRATION.TABLE_SYNCHRONIZATION WHERE WORKFLOW_ID = 'E2eResyncRedshift' AND TABLE_KEY LIKE '%.ev_wm' ORDER BY SYNCHRONIZED_AT DESC LIMIT 1`)
	if moved != 3 {
		t.Fatalf("run 2 moved %d rows of ev_wm, want the 3 new ones", moved)
	}
	if n := s.sfInt(`SELECT COUNT(*) FROM SNOWCONVERT_AI.DATA_MIGRATION.PARTITION_METADATA p JOIN SNOWCONVERT_AI.DATA_MIGRATION.WORKFLOW w
  ON w.ID = p.WORKFLOW_ID AND w.RUN_ID = p.RUN_ID WHERE p.WORKFLOW_ID = 'E2eResyncRedshift' AND p.TABLE_KEY LIKE '%.ev_ck' AND p.SYNC_ACTION = 'SKIPPED'`); n < 1 {
		t.Errorf("run 2 skipped no partition of ev_ck: the unchanged ranges should be")
	}
	if n := s.sfInt(`SELECT COUNT(*) FROM SNOWCONVERT_AI.DATA_MIGRATION.PARTITION_METADATA p JOIN SNOWCONVERT_AI.DATA_MIGRATION.WORKFLOW w
  ON w.ID = p.WORKFLOW_ID AND w.RUN_ID = p.RUN_ID WHERE p.WORKFLOW_ID = 'E2eResyncRedshift' AND p.TABLE_KEY LIKE '%.ev_ck' AND p.SYNC_ACTION = 'RELOADED'`); n != 2 {
		t.Errorf("run 2 reloaded %d partitions of ev_ck, want the 2 holding ids 15 and 27", n)
	}
}

// sfString runs a one-value text query on the local Snowflake.
func (s *stack) sfString(q string) string {
	s.t.Helper()
	var v string
	if err := s.sf().QueryRow(q).Scan(&v); err != nil {
		s.t.Fatalf("snowflake %q: %v", q, err)
	}
	return v
}
