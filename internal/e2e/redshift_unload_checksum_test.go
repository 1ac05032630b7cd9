package e2e

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/converter"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/activities/sourceapi"
	"github.com/snowmigrate/snowmigrate/checksum"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/workflows"
)

// UNLOAD partitions proven by value (docs/checksums.md, "UNLOAD"): the Redshift source
// checksums the rows it unloads in the UNLOAD's transaction, and the verify step compares
// that with Snowflake's checksum of the loaded range.

// unloadProofs reads a table workflow's history: the checksum of every completed
// SourceUnload and the result of every completed SnowflakeVerifyPartition.
func unloadProofs(t *testing.T, s *stack, workflowID string) (unloads []sourceapi.UnloadResult, verifies []snowflakeapi.VerifyPartitionResult) {
	t.Helper()
	tc := s.temporal.Client(t)
	kind := map[int64]string{}
	dc := converter.GetDefaultDataConverter()
	it := tc.GetWorkflowHistory(context.Background(), workflowID, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		if a := ev.GetActivityTaskScheduledEventAttributes(); a != nil {
			kind[ev.GetEventId()] = a.GetActivityType().GetName()
			continue
		}
		c := ev.GetActivityTaskCompletedEventAttributes()
		if c == nil {
			continue
		}
		switch kind[c.GetScheduledEventId()] {
		case sourceapi.UnloadName:
			var r sourceapi.UnloadResult
			if err := dc.FromPayloads(c.GetResult(), &r); err != nil {
				t.Fatal(err)
			}
			unloads = append(unloads, r)
		case snowflakeapi.VerifyPartitionName:
			var r snowflakeapi.VerifyPartitionResult
			if err := dc.FromPayloads(c.GetResult(), &r); err != nil {
				t.Fatal(err)
			}
			verifies = append(verifies, r)
		}
	}
	return unloads, verifies
}

// verifyFailures counts the SnowflakeVerifyPartition failures of the given error type
// in a table workflow's history.
func verifyFailures(t *testing.T, s *stack, workflowID, errType string) int {
	t.Helper()
	tc := s.temporal.Client(t)
	kind := map[int64]string{}
	n := 0
	it := tc.GetWorkflowHistory(context.Background(), workflowID, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		if a := ev.GetActivityTaskScheduledEventAttributes(); a != nil {
			kind[ev.GetEventId()] = a.GetActivityType().GetName()
			continue
		}
		if f := ev.GetActivityTaskFailedEventAttributes(); f != nil && kind[f.GetScheduledEventId()] == snowflakeapi.VerifyPartitionName &&
			f.GetFailure().GetApplicationFailureInfo().GetType() == errType {
			n++
		}
	}
	return n
}

// TestRedshiftUnloadProvesEveryPartitionByValue migrates every Redshift type through
// UNLOAD and reads the table workflow's history: every partition's UNLOAD returned a
// value checksum, every partition's verify compared it (Snowflake's checksum of the
// loaded range, equal to the source's), and the checksums cover the 40 rows.
func TestRedshiftUnloadProvesEveryPartitionByValue(t *testing.T) {
	e := newRedshiftStack(t, "")
	s := e.s
	e.rs.Exec(t, fmt.Sprintf(rsTypesDDL, "kinds_proof"), rsRows("kinds_proof"))
	toml := e.redshiftTOML("source1", fmt.Sprintf("username = %q\npassword = %q\n", e.rs.User, e.rs.Password))
	cfg := s.writeConfig("redshift-proof.json", fmt.Sprintf(`{
  "schemaVersion": "1.0",
  "defaultTableConfiguration": {
    "source": { "databaseName": %q, "schemaName": "public" },
    "target": { "databaseName": "E2E", "schemaName": "RS" },
    "partitionSize": { "maxRowsPerPartition": 7 }
  },
  "tables": [ { "source": { "tableName": "kinds_proof" }, "target": { "tableName": "kinds_proof" }, "columnNamesToPartitionBy": ["id"],
      "extraction": { "strategy": "unload", "externalStage": "E2E.PUBLIC.UNLOAD_STG" } } ]
}`, e.rs.Database))
	s.startOrchestrator()
	s.startProcess("source1", "workers", "source", "--config", toml, "--task-queue-base", s.queue)
	e.migrate(t, "E2eRedshiftProof", cfg)
	if n := s.compareTable(tableSpec{pgFrom: "public.kinds_proof", sfFrom: "E2E.RS.KINDS_PROOF", pgOrder: "id", sfOrder: `"ID"`, cols: rsCols}); n != 40 {
		t.Errorf("compared %d rows, want 40", n)
	}
	completed := s.sfInt(`SELECT COUNT(*) FROM SNOWCONVERT_AI.DATA_MIGRATION.PARTITION_METADATA WHERE WORKFLOW_ID = 'E2eRedshiftProof' AND STATUS = 'COMPLETED'`)
	unloads, verifies := unloadProofs(t, s, workflows.TableWorkflowID("E2eRedshiftProof", e.rs.Database+".public.kinds_proof"))
	if completed < 6 || int64(len(unloads)) != completed || int64(len(verifies)) != completed {
		t.Fatalf("%d completed partitions, %d UNLOADs and %d verifies in the history; want one each per partition (at least 6)", completed, len(unloads), len(verifies))
	}
	var fromSource, fromTarget []string
	var rows int64
	for _, u := range unloads {
		sum, err := checksum.Parse(u.Checksum)
		if err != nil {
			t.Fatalf("UNLOAD result without a value checksum (%q: %v): %+v", u.Checksum, err, u)
		}
		if sum.Rows != u.Rows {
			t.Errorf("UNLOAD wrote %d rows, its checksum covers %d", u.Rows, sum.Rows)
		}
		rows += sum.Rows
		fromSource = append(fromSource, u.Checksum)
	}
	for _, v := range verifies {
		if v.TargetChecksum == "" {
			t.Errorf("a partition was verified by count only: %+v", v)
		}
		fromTarget = append(fromTarget, v.TargetChecksum)
	}
	sort.Strings(fromSource)
	sort.Strings(fromTarget)
	if strings.Join(fromSource, ",") != strings.Join(fromTarget, ",") {
		t.Errorf("source checksums of the UNLOADs\n%s\ndiffer from Snowflake's of the loaded ranges\n%s", strings.Join(fromSource, "\n"), strings.Join(fromTarget, "\n"))
	}
	if rows != 40 {
		t.Errorf("the checksums cover %d rows, want 40", rows)
	}
}

// TestRedshiftUnloadMismatchIsLocated: a second writer changes the target between the
// load of an UNLOAD partition and its verify (one rounded decimal, one changed string,
// each in its own partition), on the real stack. Those two partitions fail with a
// checksum mismatch (a count-only verify would have passed them: no row is added or
// lost) and DATA_MIGRATION_ERROR names the keys, columns and both values; the other
// partitions complete.
func TestRedshiftUnloadMismatchIsLocated(t *testing.T) {
	e := newRedshiftStack(t, "")
	s := e.s
	vals := make([]string, 0, 30)
	for i := 1; i <= 30; i++ {
		vals = append(vals, fmt.Sprintf("(%d, %d.%02d, 'note %d')", i, i, (i*37)%100, i))
	}
	e.rs.Exec(t, `CREATE TABLE public.located (id integer NOT NULL PRIMARY KEY, amount decimal(12,2), note varchar(40)) DISTKEY (id) SORTKEY (id)`,
		"INSERT INTO public.located VALUES "+strings.Join(vals, ", "))
	const tbl = "E2E.RS.LOCATED"
	w := &secondWriter{t: t, s: s, applied: map[int64]int{}, pending: []corruption{
		{8, `UPDATE ` + tbl + ` SET AMOUNT = ROUND(AMOUNT, 0) WHERE ID = 8`},
		{23, `UPDATE ` + tbl + ` SET NOTE = 'note 23''' WHERE ID = 23`},
	}}
	startInProcessOrchestrator(t, s, w)
	toml := e.redshiftTOML("source1", fmt.Sprintf("username = %q\npassword = %q\n", e.rs.User, e.rs.Password))
	s.startProcess("source1", "workers", "source", "--config", toml, "--task-queue-base", s.queue)
	cfg := s.writeConfig("redshift-locate.json", fmt.Sprintf(`{
  "schemaVersion": "1.0",
  "defaultTableConfiguration": {
    "source": { "databaseName": %q, "schemaName": "public" },
    "target": { "databaseName": "E2E", "schemaName": "RS" },
    "partitionSize": { "maxRowsPerPartition": 5 }
  },
  "tables": [ { "source": { "tableName": "located" }, "target": { "tableName": "located" }, "columnNamesToPartitionBy": ["id"],
      "extraction": { "strategy": "unload", "externalStage": "E2E.PUBLIC.UNLOAD_STG" } } ]
}`, e.rs.Database))
	out, code := s.starter(2*time.Minute, "create-data-migration-workflow", cfg, "--name", "E2eRedshiftLocate",
		"--connection-name", s.emu.ConnectionName(), "--source-platform", "redshift", "--task-queue-base", s.queue)
	if code != 0 {
		t.Fatalf("create exit %d:\n%s", code, out)
	}
	out, code = s.starter(10*time.Minute, "watch", "E2eRedshiftLocate")
	if code == 0 {
		t.Fatalf("watch exited 0 although two UNLOAD partitions differ in the target:\n%s", out)
	}
	parts := map[int]bool{}
	for _, c := range w.pending {
		p, ok := w.applied[c.id]
		if !ok {
			t.Fatalf("corruption of key %d never applied", c.id)
		}
		parts[p] = true
	}
	if len(parts) != 2 {
		t.Fatalf("corruptions landed in %d partitions, want 2: %v", len(parts), w.applied)
	}
	if n := verifyFailures(t, s, workflows.TableWorkflowID("E2eRedshiftLocate", e.rs.Database+".public.located"), migration.ErrTypeChecksumMismatch); n != 2 {
		t.Errorf("%d verifies failed with %s, want 2", n, migration.ErrTypeChecksumMismatch)
	}
	rows, err := s.sf().Query(`SELECT PARTITION_NUMBER, STATUS FROM SNOWCONVERT_AI.DATA_MIGRATION.PARTITION_METADATA WHERE WORKFLOW_ID = 'E2eRedshiftLocate'`)
	if err != nil {
		t.Fatal(err)
	}
	failed, completed := map[int]bool{}, 0
	for rows.Next() {
		var n int
		var st string
		if err := rows.Scan(&n, &st); err != nil {
			t.Fatal(err)
		}
		switch st {
		case "FAILED":
			failed[n] = true
		case "COMPLETED":
			completed++
		default:
			t.Errorf("partition %d ended %s", n, st)
		}
	}
	rows.Close()
	if fmt.Sprint(failed) != fmt.Sprint(parts) || completed < 4 {
		t.Errorf("failed partitions %v, want %v (%d completed)", failed, parts, completed)
	}
	if n := s.sfInt(`SELECT COUNT(*) FROM SNOWCONVERT_AI.DATA_MIGRATION.DATA_MIGRATION_ERROR WHERE WORKFLOW_ID = 'E2eRedshiftLocate' AND DIFFERENCE_KIND IS NULL AND ERROR_MESSAGE LIKE '%value checksum mismatch%'`); n != 2 {
		t.Errorf("%d partition errors are value checksum mismatches, want 2", n)
	}
	rows, err = s.sf().Query(`SELECT PARTITION_NUMBER, DIFFERENCE_KIND, ROW_KEY, COALESCE(COLUMN_NAME, '-'), COALESCE(SOURCE_VALUE, '-'), COALESCE(TARGET_VALUE, '-')
		FROM SNOWCONVERT_AI.DATA_MIGRATION.DATA_MIGRATION_ERROR WHERE WORKFLOW_ID = 'E2eRedshiftLocate' AND DIFFERENCE_KIND IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var (
			p                      int
			kind, key, col, sv, tv string
		)
		if err := rows.Scan(&p, &kind, &key, &col, &sv, &tv); err != nil {
			t.Fatal(err)
		}
		id, _ := strconv.ParseInt(key, 10, 64)
		if w.applied[id] != p {
			t.Errorf("key %s reported under partition %d, corrupted after the load of partition %d", key, p, w.applied[id])
		}
		got = append(got, strings.Join([]string{kind, key, col, sv, tv}, " | "))
	}
	rows.Close()
	sort.Strings(got)
	want := []string{
		"DIFFERENT | 23 | NOTE | note 23 | note 23'",
		"DIFFERENT | 8 | AMOUNT | 8.96 | 9.00",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("located differences:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
