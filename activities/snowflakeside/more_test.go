package snowflakeside

import (
	"context"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/migration"
)

// A VARIANT column makes the load use the transform form of COPY (PARSE_JSON).
func TestLoadPartitionTransformForVariant(t *testing.T) {
	h := newHarness(t)
	var meta snowflakeapi.EnsureMetadataResult
	h.mustRun(t, h.a.EnsureMetadata, snowflakeapi.EnsureMetadataInput{ConnectionName: h.conn}, &meta)
	if _, err := h.db.Exec(`CREATE DATABASE IF NOT EXISTS TARGET_DB`); err != nil {
		t.Fatal(err)
	}
	cols := []migration.Column{
		{SourceName: "id", SourceType: "integer", TargetName: "ID", TargetType: "NUMBER(10,0)"},
		{SourceName: "doc", SourceType: "jsonb", TargetName: "DOC", TargetType: "VARIANT", Nullable: true},
	}
	var prep snowflakeapi.PrepareTargetResult
	h.mustRun(t, h.a.PrepareTarget, snowflakeapi.PrepareTargetInput{ConnectionName: h.conn, Migration: "mj", MigrationRunID: "r1", TableKey: "src.public.docs",
		Target: config.Identifier{DatabaseName: "TARGET_DB", SchemaName: "PUBLIC", TableName: "DOCS"}, Columns: cols, Sync: config.SyncNone}, &prep)
	type docRow struct {
		ID  int64   `parquet:"ID"`
		DOC *string `parquet:"DOC,optional"`
	}
	j1, j2 := `{"a":1,"b":"x"}`, `[1,2,3]`
	stage := migration.StagePath(meta.StageName, "mj", "src.public.docs", 1)
	h.put(t, writeParquet(t, "part-0000.parquet", []docRow{{ID: 1, DOC: &j1}, {ID: 2, DOC: &j2}, {ID: 3}}), stage)
	var res snowflakeapi.LoadPartitionResult
	h.mustRun(t, h.a.LoadPartition, snowflakeapi.LoadPartitionInput{ConnectionName: h.conn, Migration: "mj", MigrationRunID: "r1", TableKey: "src.public.docs",
		Target: prep.Target, Columns: cols, Partition: migration.Partition{Number: 1}, StagePrefix: stage,
		Files: []string{"part-0000.parquet"}, RowsExtracted: 3}, &res)
	if res.RowsLoaded != 3 {
		t.Fatalf("loaded %d", res.RowsLoaded)
	}
	if n := h.count(t, `SELECT COUNT(*) FROM TARGET_DB.PUBLIC.DOCS WHERE DOC IS NULL`); n != 1 {
		t.Errorf("NULL document: %d rows", n)
	}
	var b string
	if err := h.db.QueryRow(`SELECT DOC:b::VARCHAR FROM TARGET_DB.PUBLIC.DOCS WHERE ID = 1`).Scan(&b); err != nil || b != "x" {
		t.Errorf("DOC:b = %q, %v (the JSON was not parsed into a VARIANT)", b, err)
	}
}

// Two attempts of the same load running at once (a timed-out attempt still running
// while the retry starts) must not both commit.
func TestLoadPartitionConcurrentAttemptsLoadOnce(t *testing.T) {
	h := newHarness(t)
	in := loadSetup(t, h, 100)
	var wg sync.WaitGroup
	results := make([]snowflakeapi.LoadPartitionResult, 2)
	errs := make([]error, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = h.a.LoadPartition(context.Background(), in)
		}()
	}
	wg.Wait()
	ok := 0
	for i := range 2 {
		if errs[i] == nil {
			ok++
			if results[i].RowsLoaded != 100 {
				t.Errorf("attempt %d reports %d rows", i, results[i].RowsLoaded)
			}
		} else {
			t.Logf("attempt %d failed (a retry would find the load recorded): %v", i, errs[i])
		}
	}
	if ok == 0 {
		t.Fatalf("both attempts failed: %v / %v", errs[0], errs[1])
	}
	if n := h.count(t, `SELECT COUNT(*) FROM `+loadTable); n != 100 {
		t.Fatalf("concurrent attempts loaded %d rows, want 100", n)
	}
	// Whatever happened, a further retry reports the load and adds nothing.
	res, err := h.a.LoadPartition(context.Background(), in)
	if err != nil || !res.AlreadyLoaded || res.RowsLoaded != 100 || h.count(t, `SELECT COUNT(*) FROM `+loadTable) != 100 {
		t.Fatalf("retry after the race: %+v %v", res, err)
	}
}

// Every SQL example in docs/metadata.md runs on a populated mirror.
func TestDocsDashboardQueriesRun(t *testing.T) {
	doc, err := os.ReadFile("../../docs/metadata.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```sql\n(.*?)```").FindAllStringSubmatch(string(doc), -1)
	if len(blocks) < 5 {
		t.Fatalf("found %d SQL examples in docs/metadata.md", len(blocks))
	}
	h := newHarness(t)
	h.mustRun(t, h.a.EnsureMetadata, snowflakeapi.EnsureMetadataInput{ConnectionName: h.conn}, nil)
	t0 := time.Now().UTC().Add(-time.Hour)
	h.mustRun(t, h.a.RecordWorkflow, snowflakeapi.RecordWorkflowInput{ConnectionName: h.conn, WorkflowID: "MyMigration", RunID: "r1", Name: "MyMigration",
		Status: migration.StatusExecuting, SourcePlatform: "postgresql", StartedAt: t0, TablesTotal: 1}, nil)
	h.mustRun(t, h.a.RecordTable, snowflakeapi.RecordTableInput{ConnectionName: h.conn, Migration: "MyMigration", MigrationRunID: "r1", TableKey: "db.public.t",
		Source: migration.TableRef{Database: "db", Schema: "public", Table: "t"}, Status: migration.StatusExecuting, PartitionsTotal: 2, StartedAt: t0}, nil)
	h.mustRun(t, h.a.RecordPartitions, snowflakeapi.RecordPartitionsInput{ConnectionName: h.conn, Migration: "MyMigration", MigrationRunID: "r1", TableKey: "db.public.t",
		Updates: []snowflakeapi.PartitionUpdate{{Number: 1, Status: migration.StatusFailed, Attempts: 3, Error: "boom", At: t0}}}, nil)
	for _, b := range blocks {
		q := strings.TrimSuffix(strings.TrimSpace(b[1]), ";")
		rows, err := h.db.Query(q)
		if err != nil {
			if gap := knownEmulatorGap(err); gap != "" {
				// Valid Snowflake the emulator cannot run yet; reported to its authors.
				t.Logf("KNOWN EMULATOR GAP (%s), not run: %s", gap, q)
				continue
			}
			t.Errorf("documented query fails: %q\n%s", err.Error(), q)
			continue
		}
		n := 0
		for rows.Next() {
			n++
		}
		if err := rows.Err(); err != nil {
			t.Errorf("documented query fails while reading: %v\n%s", err, q)
		}
		rows.Close()
	}
}

// knownEmulatorGap names an emulator limitation that makes valid Snowflake SQL fail, or
// "" for any other error. Remove an entry once the emulator handles it.
func knownEmulatorGap(err error) string {
	msg := err.Error()
	for _, gap := range []string{} {
		if strings.Contains(msg, gap) && strings.Contains(msg, "TIMESTAMP WITH TIME ZONE") {
			return strings.TrimSuffix(gap, "(") + " on TIMESTAMP_TZ"
		}
	}
	return ""
}
