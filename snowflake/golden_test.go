package snowflake

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/snowmigrate/snowmigrate/migration"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/<name>.sql (rewritten with -update).
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".sql")
	if *update {
		if err := os.WriteFile(path, []byte(got+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("missing golden file (run go test ./snowflake -update): %v", err)
	}
	if strings.TrimSuffix(string(want), "\n") != got {
		t.Errorf("%s differs from the golden file %s\n--- got ---\n%s\n--- want ---\n%s", name, path, got, want)
	}
}

var (
	goldenTime = time.Date(2025, 3, 4, 5, 6, 7, 891234000, time.UTC)
	target     = migration.TableRef{Database: "ANALYTICS", Schema: "Sales", Table: "order \"lines\""}
	allCols    = []migration.Column{
		{SourceName: "id", SourceType: "bigint", TargetName: "ID", TargetType: "NUMBER(19,0)"},
		{SourceName: "MixedCase", SourceType: "text", TargetName: "MixedCase", TargetType: "VARCHAR", Nullable: true},
		{SourceName: "amount", SourceType: "numeric(12,2)", TargetName: "AMOUNT", TargetType: "NUMBER(12,2)", Nullable: true},
		{SourceName: "ratio", SourceType: "double precision", TargetName: "RATIO", TargetType: "FLOAT", Nullable: true},
		{SourceName: "day", SourceType: "date", TargetName: "DAY", TargetType: "DATE", Nullable: true},
		{SourceName: "ts", SourceType: "timestamp", TargetName: "TS", TargetType: "TIMESTAMP_NTZ(6)", Nullable: true},
		{SourceName: "tstz", SourceType: "timestamptz", TargetName: "TSTZ", TargetType: "timestamp_tz(6)", Nullable: true},
		{SourceName: "flag", SourceType: "boolean", TargetName: "FLAG", TargetType: "BOOLEAN", Nullable: true},
		{SourceName: "blob", SourceType: "bytea", TargetName: "BLOB", TargetType: "BINARY", Nullable: true},
		{SourceName: "u", SourceType: "uuid", TargetName: "U", TargetType: "VARCHAR(36)", Nullable: true},
		{SourceName: "t", SourceType: "time", TargetName: "T", TargetType: "TIME(6)", Nullable: true},
	}
	jsonCols = []migration.Column{
		{SourceName: "id", TargetName: "ID", TargetType: "NUMBER(10,0)"},
		{SourceName: "doc", TargetName: "DOC", TargetType: "VARIANT", Nullable: true},
		{SourceName: "tags", TargetName: "TAGS", TargetType: "ARRAY", Nullable: true},
		{SourceName: "attrs", TargetName: "attrs", TargetType: "OBJECT", Nullable: true},
		{SourceName: "ts", TargetName: "TS", TargetType: "TIMESTAMP_TZ(6)", Nullable: true},
		{SourceName: "geo", TargetName: "GEO", TargetType: "GEOGRAPHY", Nullable: true},
	}
	loc = MetadataLocation{}.WithDefaults()
)

// must returns a helper that fails t on a builder error.
func must(t *testing.T) func(string, error) string {
	return func(s string, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
}

func TestGoldenDDL(t *testing.T) {
	m := must(t)
	golden(t, "create_schema", CreateSchemaSQL("ANALYTICS", "Sales"))
	golden(t, "create_table", m(CreateTableSQL(target, allCols)))
	golden(t, "columns_query", ColumnsQuerySQL(target))
	golden(t, "truncate", TruncateSQL(target))
}

func TestGoldenCopy(t *testing.T) {
	m := must(t)
	stage := migration.StagePath(StageName(loc), "mig1", "db.public.orders", 7)
	golden(t, "copy_plain", m(CopySQL(target, allCols, stage, []string{"part-0000.parquet", "part-0001.parquet"})))
	golden(t, "copy_transform", m(CopySQL(target, jsonCols, stage, []string{"part-0000.parquet"})))
	many := make([]string, maxCopyFiles+1)
	for i := range many {
		many[i] = "f.parquet"
	}
	golden(t, "copy_by_path", m(CopySQL(target, allCols[:2], stage, many)))
	golden(t, "put", m(PutSQL("/var/tmp/snowmigrate/mig1/part-0000.parquet", stage)))
	golden(t, "remove", m(RemoveSQL(stage)))
	golden(t, "list", m(ListSQL(stage)))
}

func TestGoldenPredicates(t *testing.T) {
	m := must(t)
	composite := []int{4, 0} // DAY, ID
	golden(t, "count_single", m(CountRangeSQL(target, allCols, []int{0}, migration.Partition{Number: 2, Lower: []string{"100"}, Upper: []string{"200"}})))
	golden(t, "count_composite", m(CountRangeSQL(target, allCols, composite, migration.Partition{Number: 3, Lower: []string{"2024-01-01", "5"}, Upper: []string{"2024-02-01", "17"}})))
	golden(t, "count_composite_first", m(CountRangeSQL(target, allCols, []int{5, 1, 6}, migration.Partition{Number: 1, Upper: []string{"2024-01-01 00:00:00.000000", "O'Brien \\ co", "2024-01-01 00:00:00.000000+00:00"}})))
	golden(t, "count_composite_last", m(CountRangeSQL(target, allCols, composite, migration.Partition{Number: 9, Lower: []string{"2024-02-01", "17"}})))
	golden(t, "count_unbounded", m(CountRangeSQL(target, allCols, composite, migration.Partition{Number: 1})))
	golden(t, "count_null_keys", m(CountRangeSQL(target, allCols, composite, migration.Partition{Number: 0, NullKeys: true})))
}

func TestGoldenMetadata(t *testing.T) {
	m := must(t)
	golden(t, "metadata_ddl", strings.Join(MetadataDDL(MetadataLocation{}), ";\n\n"))
	golden(t, "metadata_ddl_custom", strings.Join(MetadataDDL(MetadataLocation{Database: "Meta DB", MigrationSchema: "MIG", ValidationSchema: "VAL"})[:3], ";\n\n"))
	end := goldenTime.Add(time.Hour)
	golden(t, "merge_workflow", MergeWorkflowSQL(loc, WorkflowRow{
		ID: "mig1", Name: "mig1", RunID: "run-1", Status: "EXECUTING", Affinity: "dc-east", SourcePlatform: "postgresql",
		Configuration: `{"tables":[{"source":{"tableName":"it's"}}]}`, StartedAt: goldenTime, TablesTotal: 3, TablesCompleted: 1, At: goldenTime,
	}))
	golden(t, "merge_workflow_done", MergeWorkflowSQL(loc, WorkflowRow{
		ID: "mig1", Name: "mig1", RunID: "run-1", Status: "COMPLETED", SourcePlatform: "postgresql",
		StartedAt: goldenTime, EndedAt: &end, TablesTotal: 3, TablesCompleted: 2, TablesFailed: 1, Message: "completed with 1 failed table", At: end,
	}))
	golden(t, "merge_table", MergeTableSQL(loc, TableRow{
		WorkflowID: "mig1", RunID: "run-1", TableKey: "db.public.orders", SourceIdentifier: "db.public.orders",
		TargetIdentifier: `ANALYTICS.PUBLIC.ORDERS`, Status: "FAILED", PartitionsTotal: 10, PartitionsCompleted: 8, PartitionsFail: 2,
		Rows: 12345, Bytes: 678, Error: "partition 3: source column \"x\" missing", StartedAt: goldenTime, EndedAt: &end, At: end,
	}))
	rows, bytes := int64(1000), int64(2048)
	golden(t, "merge_partitions", m(MergePartitionsSQL(loc, "mig1", "run-1", "db.public.orders", "db.public.orders", []PartitionRow{
		{Number: 2, Lower: []string{"100"}, Upper: []string{"200"}, Status: "EXTRACTING", Attempts: 1, At: goldenTime},
		{Number: 0, NullKeys: true, Status: "PENDING", At: goldenTime},
		{Number: 2, Lower: []string{"100"}, Upper: []string{"200"}, Status: "LOADING", RowsExtract: &rows, Bytes: &bytes, Attempts: 1, At: goldenTime.Add(time.Second)},
		{Number: 3, Lower: []string{"200"}, Status: "FAILED", Attempts: 3, Error: "COPY failed: it's broken", At: goldenTime},
	})))
	golden(t, "mark_emptied", MarkEmptiedSQL(loc, "mig1", "run-1", "db.public.orders", `ANALYTICS.PUBLIC.ORDERS`, "EXECUTING", goldenTime))
	golden(t, "select_emptied", SelectEmptiedSQL(loc, "mig1", "run-1", "db.public.orders"))
	golden(t, "select_partition_load", SelectPartitionLoadSQL(loc, "mig1", "run-1", "db.public.orders", 7))
	golden(t, "mark_loaded", MarkLoadedSQL(loc, "mig1", "run-1", "db.public.orders", 7, 1000, 1000, 4096, 2, goldenTime, ""))
	golden(t, "mark_loaded_in_txn", MarkLoadedSQL(loc, "mig1", "run-1", "db.public.orders", 7, 1000, 1000, 4096, 2, goldenTime, "1764250000000001"))
	golden(t, "load_txn", BeginNamedSQL(LoadTxnName("mig1", "db.public.orders", 7))+"\n"+AbortTransactionSQL(1764250000000001)+"\n"+
		LoadQueryTag("mig1", "db.public.orders", 7, 2))
	golden(t, "merge_warnings", m(MergeWarningsSQL(loc, "mig1", "run-1", "db.public.orders", "db.public.orders", "TARGET_TYPE",
		[]string{"column \"A\" is TEXT on the target", "column \"A\" is TEXT on the target", "column \"B\" is NOT NULL"}, goldenTime)))
}
