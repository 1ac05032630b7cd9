package snowflakeside

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/migration"
)

const metaPrefix = `"SNOWCONVERT_AI"."DATA_MIGRATION".`

func TestEnsureMetadataIsIdempotent(t *testing.T) {
	h := newHarness(t)
	for i := 0; i < 2; i++ {
		var res snowflakeapi.EnsureMetadataResult
		h.mustRun(t, h.a.EnsureMetadata, snowflakeapi.EnsureMetadataInput{ConnectionName: h.conn}, &res)
		if res.StageName != "SNOWCONVERT_AI.DATA_MIGRATION.MIGRATION_STAGE" {
			t.Fatalf("stage name %q", res.StageName)
		}
	}
	for _, obj := range []string{"WORKFLOW", "TABLE_METADATA", "PARTITION_METADATA", "MIGRATION_WARNING",
		"TABLE_PROGRESS", "TABLE_PROGRESS_WITH_EXAMPLE_ERROR", "DATA_MIGRATION_ERROR", "DATA_MIGRATION_WARNING"} {
		if n := h.count(t, "SELECT COUNT(*) FROM "+metaPrefix+obj); n != 0 {
			t.Errorf("%s has %d rows after creation", obj, n)
		}
	}
	if n := h.count(t, `SELECT COUNT(*) FROM SNOWCONVERT_AI.INFORMATION_SCHEMA.SCHEMATA WHERE SCHEMA_NAME IN ('DATA_MIGRATION', 'DATA_VALIDATION')`); n != 2 {
		t.Errorf("want both schemas, found %d", n)
	}
}

func TestRecordPartitionsBatchOf500InOneStatement(t *testing.T) {
	h := newHarness(t)
	h.mustRun(t, h.a.EnsureMetadata, snowflakeapi.EnsureMetadataInput{ConnectionName: h.conn}, nil)
	at := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	in := snowflakeapi.RecordPartitionsInput{ConnectionName: h.conn, Migration: "m500", MigrationRunID: "run-1", TableKey: "db.public.big"}
	for i := 0; i < 500; i++ {
		p := migration.Partition{Number: i + 1, Lower: []string{fmt.Sprint(i * 10)}, Upper: []string{fmt.Sprint(i*10 + 10)}}
		in.Updates = append(in.Updates, snowflakeapi.PartitionUpdate{Number: p.Number, Partition: p, Status: migration.StatusPending, At: at})
	}
	before := len(h.rec.matching("MERGE INTO " + metaPrefix + `"PARTITION_METADATA"`))
	h.mustRun(t, h.a.RecordPartitions, in, nil)
	merges := len(h.rec.matching("MERGE INTO "+metaPrefix+`"PARTITION_METADATA"`)) - before
	if merges != 1 {
		t.Errorf("500 updates took %d MERGE statements, want 1", merges)
	}
	q := "SELECT COUNT(*) FROM " + metaPrefix + "PARTITION_METADATA WHERE WORKFLOW_ID = 'm500'"
	if n := h.count(t, q); n != 500 {
		t.Fatalf("want 500 partition rows, got %d", n)
	}
	if n := h.count(t, q+" AND STATUS = 'PENDING' AND LOWER_BOUND = '[\"4990\"]' AND PARTITION_NUMBER = 500"); n != 1 {
		t.Errorf("partition 500 not stored with its bounds")
	}
	// Re-sending the same batch (a retried activity) changes nothing; a later state
	// replaces the row; an older state is ignored.
	h.mustRun(t, h.a.RecordPartitions, in, nil)
	upd := snowflakeapi.RecordPartitionsInput{ConnectionName: h.conn, Migration: "m500", MigrationRunID: "run-1", TableKey: "db.public.big", Updates: []snowflakeapi.PartitionUpdate{
		{Number: 7, Partition: in.Updates[6].Partition, Status: migration.StatusFailed, Attempts: 3, Error: "first 'boom'", At: at.Add(time.Minute)},
		{Number: 8, Partition: in.Updates[7].Partition, Status: migration.StatusCompleted, Rows: 42, Bytes: 1000, Attempts: 1, At: at.Add(time.Minute)},
	}}
	h.mustRun(t, h.a.RecordPartitions, upd, nil)
	upd.Updates = []snowflakeapi.PartitionUpdate{
		{Number: 7, Partition: in.Updates[6].Partition, Status: migration.StatusFailed, Attempts: 4, Error: "second", At: at.Add(2 * time.Minute)},
		{Number: 8, Partition: in.Updates[7].Partition, Status: migration.StatusExtracting, At: at.Add(30 * time.Second)}, // stale
	}
	h.mustRun(t, h.a.RecordPartitions, upd, nil)
	if n := h.count(t, q); n != 500 {
		t.Fatalf("re-sent batch duplicated rows: %d", n)
	}
	var status, first, last string
	var attempts, rows int64
	err := h.db.QueryRow("SELECT STATUS, FIRST_ERROR, LAST_ERROR, ATTEMPTS FROM "+metaPrefix+"PARTITION_METADATA WHERE WORKFLOW_ID = 'm500' AND PARTITION_NUMBER = 7").Scan(&status, &first, &last, &attempts)
	if err != nil || status != "FAILED" || first != "first 'boom'" || last != "second" || attempts != 4 {
		t.Errorf("partition 7: %v %s %q %q %d", err, status, first, last, attempts)
	}
	err = h.db.QueryRow("SELECT STATUS, ROWS_EXTRACTED FROM "+metaPrefix+"PARTITION_METADATA WHERE WORKFLOW_ID = 'm500' AND PARTITION_NUMBER = 8").Scan(&status, &rows)
	if err != nil || status != "COMPLETED" || rows != 42 {
		t.Errorf("partition 8 moved backwards or lost rows: %v %s %d", err, status, rows)
	}
}

func TestViewsFilterByWorkflowAndShowCurrentRun(t *testing.T) {
	h := newHarness(t)
	h.mustRun(t, h.a.EnsureMetadata, snowflakeapi.EnsureMetadataInput{ConnectionName: h.conn}, nil)
	t0 := time.Date(2025, 5, 6, 7, 0, 0, 0, time.UTC)
	for _, wf := range []string{"alpha", "beta"} {
		h.mustRun(t, h.a.RecordWorkflow, snowflakeapi.RecordWorkflowInput{ConnectionName: h.conn, WorkflowID: wf, RunID: wf + "-run1", Name: wf,
			Status: migration.StatusExecuting, SourcePlatform: "postgresql", ConfigJSON: `{"tables":[]}`, StartedAt: t0, TablesTotal: 2}, nil)
		h.mustRun(t, h.a.RecordTable, snowflakeapi.RecordTableInput{ConnectionName: h.conn, Migration: wf, MigrationRunID: wf + "-run1", TableKey: "db.public.orders",
			Source: migration.TableRef{Database: "db", Schema: "public", Table: "orders"}, Target: migration.TableRef{Database: "DB", Schema: "PUBLIC", Table: "ORDERS"},
			Status: migration.StatusExecuting, PartitionsTotal: 6, StartedAt: t0}, nil)
		h.mustRun(t, h.a.RecordTable, snowflakeapi.RecordTableInput{ConnectionName: h.conn, Migration: wf, MigrationRunID: wf + "-run1", TableKey: "db.public.missing",
			Source: migration.TableRef{Database: "db", Schema: "public", Table: "missing"}, Status: migration.StatusFailed,
			Error: "source table db.public.missing does not exist", StartedAt: t0}, nil)
	}
	p := func(n int) migration.Partition {
		return migration.Partition{Number: n, Lower: []string{fmt.Sprint(n)}}
	}
	up := func(n int, status, errText string, at time.Time) snowflakeapi.PartitionUpdate {
		return snowflakeapi.PartitionUpdate{Number: n, Partition: p(n), Status: status, Error: errText, Attempts: 1, At: at}
	}
	h.mustRun(t, h.a.RecordPartitions, snowflakeapi.RecordPartitionsInput{ConnectionName: h.conn, Migration: "alpha", MigrationRunID: "alpha-run1", TableKey: "db.public.orders",
		Updates: []snowflakeapi.PartitionUpdate{
			up(1, migration.StatusCompleted, "", t0),
			up(2, migration.StatusCompleted, "", t0),
			up(3, migration.StatusExtracting, "", t0),
			up(4, migration.StatusLoading, "", t0),
			up(5, migration.StatusFailed, "COPY rejected row 3", t0.Add(time.Minute)),
		}}, nil)
	h.mustRun(t, h.a.RecordPartitions, snowflakeapi.RecordPartitionsInput{ConnectionName: h.conn, Migration: "alpha", MigrationRunID: "alpha-run1", TableKey: "db.public.orders",
		Updates: []snowflakeapi.PartitionUpdate{up(5, migration.StatusFailed, "later error", t0.Add(2*time.Minute))}}, nil)

	type progress struct{ total, pending, extracting, loading, completed, failed int64 }
	var got progress
	var status string
	err := h.db.QueryRow(`SELECT TABLE_STATUS, PARTITIONS_TOTAL, PARTITIONS_PENDING, PARTITIONS_IN_EXTRACTION, PARTITIONS_LOADING, PARTITIONS_COMPLETED, PARTITIONS_FAILED
		FROM `+metaPrefix+`TABLE_PROGRESS WHERE WORKFLOW_ID = 'alpha' AND TABLE_KEY = 'db.public.orders'`).
		Scan(&status, &got.total, &got.pending, &got.extracting, &got.loading, &got.completed, &got.failed)
	if err != nil {
		t.Fatal(err)
	}
	if want := (progress{6, 1, 1, 1, 2, 1}); got != want {
		t.Errorf("alpha progress %+v, want %+v", got, want)
	}
	// beta has no partitions yet: all six pending, nothing of alpha's leaks in.
	err = h.db.QueryRow(`SELECT PARTITIONS_TOTAL, PARTITIONS_PENDING, PARTITIONS_COMPLETED FROM `+metaPrefix+`TABLE_PROGRESS WHERE WORKFLOW_ID = 'beta' AND TABLE_KEY = 'db.public.orders'`).
		Scan(&got.total, &got.pending, &got.completed)
	if err != nil || got.total != 6 || got.pending != 6 || got.completed != 0 {
		t.Errorf("beta progress %v %+v", err, got)
	}
	var failed int64
	var example, source string
	err = h.db.QueryRow(`SELECT SOURCE_IDENTIFIER, FAILED_PARTITIONS, EXAMPLE_ERROR_MESSAGE FROM `+metaPrefix+`TABLE_PROGRESS_WITH_EXAMPLE_ERROR WHERE WORKFLOW_ID = 'alpha' AND TABLE_KEY = 'db.public.orders'`).
		Scan(&source, &failed, &example)
	if err != nil || source != "db.public.orders" || failed != 1 || example != "later error" {
		t.Errorf("example error: %v %s %d %q", err, source, failed, example)
	}
	err = h.db.QueryRow(`SELECT EXAMPLE_ERROR_MESSAGE FROM ` + metaPrefix + `TABLE_PROGRESS_WITH_EXAMPLE_ERROR WHERE WORKFLOW_ID = 'alpha' AND TABLE_KEY = 'db.public.missing'`).Scan(&example)
	if err != nil || !strings.Contains(example, "does not exist") {
		t.Errorf("table-level error not shown: %v %q", err, example)
	}
	// DATA_MIGRATION_ERROR: the first error of the failed partition and the failed table.
	rows, err := h.db.Query(`SELECT SOURCE_IDENTIFIER, PARTITION_NUMBER, ERROR_MESSAGE, CREATED_AT FROM ` + metaPrefix + `DATA_MIGRATION_ERROR WHERE WORKFLOW_ID = 'alpha' ORDER BY SOURCE_IDENTIFIER`)
	if err != nil {
		t.Fatal(err)
	}
	var errs []string
	for rows.Next() {
		var src, msg string
		var num *int64
		var created time.Time
		if err := rows.Scan(&src, &num, &msg, &created); err != nil {
			t.Fatal(err)
		}
		n := "-"
		if num != nil {
			n = fmt.Sprint(*num)
		}
		errs = append(errs, src+"|"+n+"|"+msg)
		if num != nil && !created.Equal(t0.Add(time.Minute)) {
			t.Errorf("partition error CREATED_AT %v, want the first failure %v", created, t0.Add(time.Minute))
		}
	}
	rows.Close()
	want := "db.public.missing|-|source table db.public.missing does not exist;db.public.orders|5|COPY rejected row 3"
	if strings.Join(errs, ";") != want {
		t.Errorf("DATA_MIGRATION_ERROR for alpha:\n got %s\nwant %s", strings.Join(errs, ";"), want)
	}
	if n := h.count(t, `SELECT COUNT(*) FROM `+metaPrefix+`DATA_MIGRATION_ERROR WHERE WORKFLOW_ID = 'beta'`); n != 1 {
		t.Errorf("beta should show only its failed table, got %d errors", n)
	}
	if n := h.count(t, `SELECT COUNT(*) FROM `+metaPrefix+`DATA_MIGRATION_WARNING WHERE WORKFLOW_ID = 'alpha'`); n != 0 {
		t.Errorf("unexpected warnings: %d", n)
	}
	// A re-run (new run ID) replaces what the views show for alpha.
	h.mustRun(t, h.a.RecordWorkflow, snowflakeapi.RecordWorkflowInput{ConnectionName: h.conn, WorkflowID: "alpha", RunID: "alpha-run2", Name: "alpha",
		Status: migration.StatusExecuting, SourcePlatform: "postgresql", StartedAt: t0.Add(time.Hour), TablesTotal: 2}, nil)
	if n := h.count(t, `SELECT COUNT(*) FROM `+metaPrefix+`TABLE_PROGRESS WHERE WORKFLOW_ID = 'alpha'`); n != 0 {
		t.Errorf("old run still shown: %d rows", n)
	}
	if n := h.count(t, `SELECT COUNT(*) FROM `+metaPrefix+`DATA_MIGRATION_ERROR WHERE WORKFLOW_ID = 'alpha'`); n != 0 {
		t.Errorf("old run's errors still shown: %d", n)
	}
	var cfg string
	if err := h.db.QueryRow(`SELECT CONFIGURATION FROM ` + metaPrefix + `WORKFLOW WHERE ID = 'alpha'`).Scan(&cfg); err != nil || cfg != `{"tables":[]}` {
		t.Errorf("configuration lost on update: %v %q", err, cfg)
	}
}

func TestBadPasswordIsNonRetryableCredentials(t *testing.T) {
	h := newHarness(t)
	err := h.run(t, h.a.EnsureMetadata, snowflakeapi.EnsureMetadataInput{ConnectionName: "badpassword"}, nil)
	appErr(t, err, migration.ErrTypeCredentials, "connections.toml")
	if strings.Contains(err.Error(), "definitely-wrong") {
		t.Errorf("error leaks the password: %v", err)
	}
}
