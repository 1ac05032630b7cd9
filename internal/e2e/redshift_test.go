package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/snowmigrate/snowmigrate/internal/testenv"
)

// The local Redshift end to end: bin/redshift-emulator over the test PostgreSQL, MinIO
// behind an external stage of the local Snowflake (started with --s3-endpoint), the
// real workers and starter.

// rsTypesDDL has every Redshift type the regular and UNLOAD paths carry.
const rsTypesDDL = `CREATE TABLE public.%s (
  id integer NOT NULL, s smallint, b bigint, n decimal(12,2), n38 decimal(38,10), r real, d double precision,
  flag boolean, ch char(5), vc varchar(40), dt date, tm time, ttz timetz, ts timestamp, tstz timestamptz, doc super,
  vb varbyte(16), g geometry,
  PRIMARY KEY (id)
) DISTSTYLE KEY DISTKEY (id) SORTKEY (id)`

func rsRows(table string) string {
	rows := []string{
		"(1, 32767, 9223372036854775807, 1234567890.12, 1234567890123456789012345678.1234567890, 1.5, 2.25, true, 'ab', 'hello', '2024-02-29', '23:59:59.999999', '12:00:00+02', '2024-01-02 03:04:05.123456', '2024-01-02 03:04:05.123456+05:30', json_parse('{\"a\":[1,2],\"b\":{\"c\":null}}'), to_varbyte('00ff10', 'hex'), ST_GeomFromText('POINT(1 2)'))",
		"(2, -32768, -9223372036854775808, -0.01, -0.0000000001, -1, 1e308, false, '', '', '1969-12-31', '00:00:00', '00:00:00-08', '1900-01-01 00:00:00', '1960-06-15 12:00:00.000001+00', json_parse('\"str\"'), to_varbyte('', 'hex'), ST_GeomFromText('LINESTRING(0 0, 1 1)'))",
		"(3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
		"(4, 0, 0, 0, 0, 0, 0, NULL, 'x', 'a''b\"c ünï ☃', '0001-01-01', '12:34:56', '23:59:59+14', '9999-12-31 23:59:59.999999', '0001-01-01 00:00:00+00', json_parse('[1,\"x\",null,true]'), to_varbyte('ffffffff', 'hex'), ST_GeomFromText('POLYGON((0 0, 1 0, 1 1, 0 0))'))",
	}
	for i := 5; i <= 40; i++ {
		rows = append(rows, fmt.Sprintf("(%d, %d, %d, %d.%02d, %d.5, %d.5, %d.125, %t, 'c%d', 'v%d', '2000-01-%02d', '12:%02d:00.123456', '01:02:03+01', '2001-02-03 04:05:%02d.5', '2001-02-03 04:05:06.25+0%d:00', json_parse('{\"i\":%d}'), to_varbyte('%02x%02x', 'hex'), ST_GeomFromText('POINT(%d 1)'))",
			i, i, i*1000000, i, i%100, i, i, i, i%2 == 0, i, i, 1+i%28, i%60, i%60, i%9, i, i, 255-i, i))
	}
	return "INSERT INTO public." + table + " VALUES " + strings.Join(rows, ", ")
}

// rsCols compares every column by meaning (source read through the local Redshift).
var rsCols = []col{
	{"id", `"ID"`, "int"}, {"s", `"S"`, "int"}, {"b", `"B"`, "int"},
	{"n::varchar", "TO_VARCHAR(N)", "dec"}, {"n38::varchar", "TO_VARCHAR(N38)", "dec"},
	{"r::float8", "R", "float"}, {"d", "D", "float"}, {"flag", "FLAG", "bool"},
	{"ch::varchar", "RTRIM(CH)", "text"}, {"vc", "VC", "text"}, {"dt", "DT", "date"},
	{"tm::varchar", "TM", "time"}, {"ttz::varchar", "TTZ", "text"}, {"ts", "TS", "ts"},
	{"(extract(epoch from tstz) * 1000000)::bigint", "TSTZ", "tstz"}, {"json_serialize(doc)", "TO_JSON(DOC)", "json"},
	{"vb", "VB", "bytes"}, {"ST_AsText(g)", "G", "text"},
}

type rsEnv struct {
	s     *stack
	minio *testenv.MinIO
	rs    *testenv.Redshift
}

// newRedshiftStack is newStack with the local Redshift as the source and a private
// local Snowflake that reaches MinIO for external stages.
func newRedshiftStack(t *testing.T, database string) *rsEnv {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end test: skipped with -short")
	}
	m := testenv.StartMinIO(t)
	m.CreateBucket(t, "unload")
	rs := testenv.StartRedshift(t, testenv.RedshiftOptions{S3: m, IAM: true, Database: database})
	pe := testenv.StartPrivateEmulator(t, filepath.Join(t.TempDir(), "snowflake"), "--s3-endpoint", strings.TrimPrefix(m.Endpoint, "http://"))
	s := &stack{t: t, pg: testenv.Postgres(t), temporal: testenv.Temporal(t), emu: pe.Emu, dir: t.TempDir()}
	binaries(t)
	s.pgDSN, s.pgDB = rs.DSN(), rs.Database // compareTable reads the source through the local Redshift
	s.queue = "e2e-" + strings.ReplaceAll(strings.ToLower(t.Name()), "/", "-")
	s.env = append(os.Environ(),
		"TEMPORAL_ADDRESS="+s.temporal.Address(),
		"TEMPORAL_NAMESPACE="+s.temporal.Namespace(),
		"SNOWFLAKE_HOME="+s.emu.SnowflakeHome(),
		"SNOWFLAKE_CONNECTION_NAME="+s.emu.ConnectionName(),
	)
	// The source worker's own S3 client (manifests): the AWS default chain, pointed at MinIO.
	s.env = append(s.env, m.WorkerEnv()...)
	t.Cleanup(s.stopAll)
	for _, q := range []string{
		"CREATE DATABASE IF NOT EXISTS E2E",
		"CREATE SCHEMA IF NOT EXISTS E2E.PUBLIC",
		fmt.Sprintf("CREATE STAGE E2E.PUBLIC.UNLOAD_STG URL = 's3://unload/stage/' CREDENTIALS = (AWS_KEY_ID = '%s' AWS_SECRET_KEY = '%s')", m.AccessKey, m.SecretKey),
	} {
		if _, err := s.sf().Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	return &rsEnv{s: s, minio: m, rs: rs}
}

// redshiftTOML writes a source worker configuration for the local Redshift; extra is
// appended to [connections.source.redshift].
func (e *rsEnv) redshiftTOML(name, auth string) string {
	s := e.s
	body := fmt.Sprintf(`selected_task_source = "temporal"

[application]
max_parallel_tasks = 3
work_dir = %q

[connections.source.redshift]
database = %q
host = %q
port = %d
sslmode = "disable"
unload_iam_role = "default"
%s
[connections.target.snowflake_connection_name]
connection_name = %q
`, filepath.Join(s.dir, "work-"+name), e.rs.Database, e.rs.Host, e.rs.Port, auth, s.emu.ConnectionName())
	p := filepath.Join(s.dir, name+".toml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		s.t.Fatal(err)
	}
	return p
}

func (e *rsEnv) migrate(t *testing.T, name, cfg string) {
	t.Helper()
	s := e.s
	out, code := s.starter(2*time.Minute, "create-data-migration-workflow", cfg, "--name", name,
		"--connection-name", s.emu.ConnectionName(), "--source-platform", "redshift", "--task-queue-base", s.queue)
	if code != 0 {
		t.Fatalf("create-data-migration-workflow exit %d:\n%s", code, out)
	}
	out, code = s.starter(10*time.Minute, "watch", name)
	if code != 0 {
		t.Fatalf("watch exit %d (a table did not complete):\n%s", code, out)
	}
}

// TestRedshiftMigration moves two tables with every Redshift type from the local
// Redshift, one through the cursor (regular) and one through UNLOAD into MinIO behind
// an external stage, compares every value, runs again (nothing duplicated), and checks
// that no unloaded object is left in S3.
func TestRedshiftMigration(t *testing.T) {
	e := newRedshiftStack(t, "")
	s := e.s
	e.rs.Exec(t, fmt.Sprintf(rsTypesDDL, "kinds_regular"), rsRows("kinds_regular"),
		fmt.Sprintf(rsTypesDDL, "kinds_unload"), rsRows("kinds_unload"))
	toml := e.redshiftTOML("source1", fmt.Sprintf("username = %q\npassword = %q\n", e.rs.User, e.rs.Password))
	cfg := s.writeConfig("redshift.json", fmt.Sprintf(`{
  "schemaVersion": "1.0",
  "defaultTableConfiguration": {
    "source": { "databaseName": %q, "schemaName": "public" },
    "target": { "databaseName": "E2E", "schemaName": "RS" },
    "partitionSize": { "maxRowsPerPartition": 7 }
  },
  "tables": [
    { "source": { "tableName": "kinds_regular" }, "target": { "tableName": "kinds_regular" }, "columnNamesToPartitionBy": ["id"] },
    { "source": { "tableName": "kinds_unload" }, "target": { "tableName": "kinds_unload" }, "columnNamesToPartitionBy": ["id"],
      "extraction": { "strategy": "unload", "externalStage": "E2E.PUBLIC.UNLOAD_STG" } }
  ]
}`, e.rs.Database))
	s.startOrchestrator()
	s.startProcess("source1", "workers", "source", "--config", toml, "--task-queue-base", s.queue)
	for run := 1; run <= 2; run++ {
		e.migrate(t, "E2eRedshift", cfg)
		for _, tbl := range []string{"kinds_regular", "kinds_unload"} {
			sfTable := "E2E.RS." + strings.ToUpper(tbl)
			if n := s.compareTable(tableSpec{pgFrom: "public." + tbl, sfFrom: sfTable, pgOrder: "id", sfOrder: `"ID"`, cols: rsCols}); n != 40 {
				t.Errorf("run %d: %s compared %d rows, want 40", run, tbl, n)
			}
			if total, distinct := s.sfInt("SELECT COUNT(*) FROM "+sfTable), s.sfInt(`SELECT COUNT(DISTINCT "ID") FROM `+sfTable); total != distinct {
				t.Errorf("run %d: %s has %d rows, %d distinct ids", run, sfTable, total, distinct)
			}
		}
		if keys := e.minio.Keys(t, "unload", "stage/"); len(keys) != 0 {
			t.Errorf("run %d: unloaded objects left in S3: %v", run, keys)
		}
	}
	logs, _ := os.ReadFile(filepath.Join(s.dir, "source1.log"))
	if strings.Contains(string(logs), e.rs.Password) || strings.Contains(string(logs), e.minio.SecretKey) {
		t.Error("the source worker's log shows a secret")
	}
}

// TestRedshiftIAMMigration logs the source worker in with auth_method
// "iam-provisioned-cluster": temporary credentials from the local Redshift's
// GetClusterCredentials endpoint (AWS_ENDPOINT_URL_REDSHIFT).
func TestRedshiftIAMMigration(t *testing.T) {
	e := newRedshiftStack(t, "")
	s := e.s
	if e.rs.IAMEndpoint == "" {
		t.Skip("the local Redshift serves no --iam-endpoint yet")
	}
	s.env = append(s.env, "AWS_ENDPOINT_URL_REDSHIFT="+e.rs.IAMEndpoint)
	e.rs.Exec(t, fmt.Sprintf(rsTypesDDL, "kinds_iam"), rsRows("kinds_iam"), "GRANT SELECT ON public.kinds_iam TO PUBLIC")
	toml := e.redshiftTOML("source1", fmt.Sprintf(`username = "migrator"
auth_method = "iam-provisioned-cluster"
cluster_id = %q
region = "us-east-1"
access_key_id = %q
secret_access_key = %q
auto_create = true
`, e.rs.ClusterID, e.minio.AccessKey, e.minio.SecretKey))
	cfg := s.writeConfig("redshift-iam.json", fmt.Sprintf(`{
  "schemaVersion": "1.0",
  "defaultTableConfiguration": {
    "source": { "databaseName": %q, "schemaName": "public" },
    "target": { "databaseName": "E2E", "schemaName": "RS" }
  },
  "tables": [ { "source": { "tableName": "kinds_iam" }, "target": { "tableName": "kinds_iam" }, "columnNamesToPartitionBy": ["id"] } ]
}`, e.rs.Database))
	s.startOrchestrator()
	s.startProcess("source1", "workers", "source", "--config", toml, "--task-queue-base", s.queue)
	e.migrate(t, "E2eRedshiftIAM", cfg)
	if n := s.compareTable(tableSpec{pgFrom: "public.kinds_iam", sfFrom: "E2E.RS.KINDS_IAM", pgOrder: "id", sfOrder: `"ID"`, cols: rsCols}); n != 40 {
		t.Errorf("compared %d rows, want 40", n)
	}
	logs, _ := os.ReadFile(filepath.Join(s.dir, "source1.log"))
	if strings.Contains(string(logs), e.minio.SecretKey) {
		t.Error("the source worker's log shows the secret access key")
	}
}

// TestRedshiftUnloadWorkersKilled kills the source worker and the orchestrator (SIGKILL)
// while partitions are being unloaded and loaded, starts them again, and checks that the
// table ends exact: every row once, every value equal, no unloaded object left in S3.
func TestRedshiftUnloadWorkersKilled(t *testing.T) {
	e := newRedshiftStack(t, "")
	s := e.s
	e.rs.Exec(t, fmt.Sprintf(rsTypesDDL, "kinds_crash"), rsRows("kinds_crash"))
	for i := 0; i < 5; i++ { // 40 → 1,280 rows, ids unique
		e.rs.Exec(t, fmt.Sprintf(`INSERT INTO public.kinds_crash SELECT id + %d, s, b, n, n38, r, d, flag, ch, vc, dt, tm, ttz, ts, tstz, doc, vb, g FROM public.kinds_crash`, 40<<i))
	}
	toml := e.redshiftTOML("source1", fmt.Sprintf("username = %q\npassword = %q\n", e.rs.User, e.rs.Password))
	cfg := s.writeConfig("redshift-crash.json", fmt.Sprintf(`{
  "schemaVersion": "1.0",
  "defaultTableConfiguration": {
    "source": { "databaseName": %q, "schemaName": "public" },
    "target": { "databaseName": "E2E", "schemaName": "RS" },
    "partitionSize": { "maxRowsPerPartition": 20 }
  },
  "tables": [ { "source": { "tableName": "kinds_crash" }, "target": { "tableName": "kinds_crash" }, "columnNamesToPartitionBy": ["id"],
      "extraction": { "strategy": "unload", "externalStage": "E2E.PUBLIC.UNLOAD_STG" } } ]
}`, e.rs.Database))
	orch := s.startOrchestrator()
	src := s.startProcess("source1", "workers", "source", "--config", toml, "--task-queue-base", s.queue)
	out, code := s.starter(2*time.Minute, "create-data-migration-workflow", cfg, "--name", "E2eRedshiftCrash",
		"--connection-name", s.emu.ConnectionName(), "--source-platform", "redshift", "--task-queue-base", s.queue)
	if code != 0 {
		t.Fatalf("create-data-migration-workflow exit %d:\n%s", code, out)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		var n int64
		err := s.sf().QueryRow("SELECT COUNT(*) FROM E2E.RS.KINDS_CRASH").Scan(&n)
		if err == nil && n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no partition loaded within 2 minutes (last error %v)", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	_ = src.Process.Kill()
	_ = orch.Process.Kill()
	time.Sleep(time.Second)
	s.startProcess("orchestrator2", "workers", "orchestrator", "--task-queue-base", s.queue)
	s.startProcess("source2", "workers", "source", "--config", toml, "--task-queue-base", s.queue)
	out, code = s.starter(10*time.Minute, "watch", "E2eRedshiftCrash")
	if code != 0 {
		t.Fatalf("watch exit %d (the table did not complete after the kill):\n%s", code, out)
	}
	if n := s.compareTable(tableSpec{pgFrom: "public.kinds_crash", sfFrom: "E2E.RS.KINDS_CRASH", pgOrder: "id", sfOrder: `"ID"`, cols: rsCols}); n != 1280 {
		t.Errorf("compared %d rows, want 1280", n)
	}
	if total, distinct := s.sfInt("SELECT COUNT(*) FROM E2E.RS.KINDS_CRASH"), s.sfInt(`SELECT COUNT(DISTINCT "ID") FROM E2E.RS.KINDS_CRASH`); total != 1280 || distinct != 1280 {
		t.Errorf("%d rows, %d distinct ids; want 1280 each", total, distinct)
	}
	if keys := e.minio.Keys(t, "unload", "stage/"); len(keys) != 0 {
		t.Errorf("unloaded objects left in S3 after the kill: %v", keys)
	}
}

// TestRedshiftReferenceUnloadIcebergExample runs the reference system's "Redshift UNLOAD
// with Iceberg Tables" configuration unchanged (config/testdata), with the objects it
// names created in the local services: Redshift's sample tables sales and event in
// database dev, the external stage SAMPLEDB.PUBLIC.REDSHIFT_UNLOAD_STAGE on MinIO, the
// external volume and the Glue catalog integration (the local Snowflake's own schema
// GLUE_CATALOG_INTEGRATION.LAKE stands for the external catalog).
func TestRedshiftReferenceUnloadIcebergExample(t *testing.T) {
	e := newRedshiftStack(t, "dev")
	s := e.s
	e.rs.Exec(t,
		`CREATE TABLE public.sales (salesid integer NOT NULL, listid integer NOT NULL, sellerid integer NOT NULL, buyerid integer NOT NULL,
		  eventid integer NOT NULL, dateid smallint NOT NULL, qtysold smallint NOT NULL, pricepaid decimal(8,2), commission decimal(8,2), saletime timestamp)
		 DISTKEY (listid) SORTKEY (dateid)`,
		`CREATE TABLE public.event (eventid integer NOT NULL, venueid smallint NOT NULL, catid smallint NOT NULL, dateid smallint NOT NULL,
		  eventname varchar(200), starttime timestamp) DISTKEY (eventid) SORTKEY (dateid)`)
	var sales, events []string
	for i := 1; i <= 60; i++ {
		sales = append(sales, fmt.Sprintf("(%d, %d, %d, %d, %d, %d, %d, %d.%02d, %d.%02d, '2008-%02d-%02d %02d:%02d:%02d')",
			i, i*3, i*7, i*11, 1+i%20, 1827+i, 1+i%4, 10+i, i%100, i%30, (i*3)%100, 1+i%12, 1+i%28, i%24, i%60, (i*7)%60))
	}
	for i := 1; i <= 20; i++ {
		events = append(events, fmt.Sprintf("(%d, %d, %d, %d, 'Event %d ''live''', '2008-%02d-%02d 19:30:00')", i, 200+i, 1+i%9, 1827+i, i, 1+i%12, 1+i%28))
	}
	e.rs.Exec(t, "INSERT INTO public.sales VALUES "+strings.Join(sales, ", "), "INSERT INTO public.event VALUES "+strings.Join(events, ", "))
	for _, q := range []string{
		"CREATE DATABASE IF NOT EXISTS SAMPLEDB",
		fmt.Sprintf("CREATE STAGE SAMPLEDB.PUBLIC.REDSHIFT_UNLOAD_STAGE URL = 's3://unload/reference/' CREDENTIALS = (AWS_KEY_ID = '%s' AWS_SECRET_KEY = '%s')", e.minio.AccessKey, e.minio.SecretKey),
		`CREATE EXTERNAL VOLUME IF NOT EXISTS ICEBERG_EXTERNAL_VOLUME STORAGE_LOCATIONS = ((NAME = 'lake' STORAGE_PROVIDER = 'S3' STORAGE_BASE_URL = 's3://lake/iceberg/'))`,
		`CREATE CATALOG INTEGRATION IF NOT EXISTS GLUE_CATALOG_INTEGRATION CATALOG_SOURCE = GLUE CATALOG_NAMESPACE = 'lake' TABLE_FORMAT = ICEBERG ENABLED = TRUE`,
		`CREATE DATABASE IF NOT EXISTS GLUE_CATALOG_INTEGRATION`, `CREATE SCHEMA IF NOT EXISTS GLUE_CATALOG_INTEGRATION.LAKE`,
		`CREATE TABLE GLUE_CATALOG_INTEGRATION.LAKE.EVENT (EVENTID NUMBER(10,0) NOT NULL, VENUEID NUMBER(5,0) NOT NULL, CATID NUMBER(5,0) NOT NULL,
		  DATEID NUMBER(5,0) NOT NULL, EVENTNAME VARCHAR(200), STARTTIME TIMESTAMP_NTZ(6))`,
	} {
		if _, err := s.sf().Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	toml := e.redshiftTOML("source1", fmt.Sprintf("username = %q\npassword = %q\n", e.rs.User, e.rs.Password))
	s.startOrchestrator()
	s.startProcess("source1", "workers", "source", "--config", toml, "--task-queue-base", s.queue)
	e.migrate(t, "E2eRedshiftReference", filepath.Join("..", "..", "config", "testdata", "reference-redshift-unload-iceberg.json"))
	if n := s.compareTable(tableSpec{pgFrom: "public.sales", sfFrom: "SAMPLEDB.PUBLIC.SALES", pgOrder: "salesid", sfOrder: "SALESID", cols: []col{
		{"salesid", "SALESID", "int"}, {"listid", "LISTID", "int"}, {"sellerid", "SELLERID", "int"}, {"buyerid", "BUYERID", "int"},
		{"eventid", "EVENTID", "int"}, {"dateid", "DATEID", "int"}, {"qtysold", "QTYSOLD", "int"},
		{"pricepaid::varchar", "TO_VARCHAR(PRICEPAID)", "dec"}, {"commission::varchar", "TO_VARCHAR(COMMISSION)", "dec"}, {"saletime", "SALETIME", "ts"},
	}}); n != 60 {
		t.Errorf("sales compared %d rows, want 60", n)
	}
	if n := s.compareTable(tableSpec{pgFrom: "public.event", sfFrom: "SAMPLEDB.PUBLIC.EVENT", pgOrder: "eventid", sfOrder: "EVENTID", cols: []col{
		{"eventid", "EVENTID", "int"}, {"venueid", "VENUEID", "int"}, {"catid", "CATID", "int"}, {"dateid", "DATEID", "int"},
		{"eventname", "EVENTNAME", "text"}, {"starttime", "STARTTIME", "ts"},
	}}); n != 20 {
		t.Errorf("event compared %d rows, want 20", n)
	}
	if keys := e.minio.Keys(t, "unload", "reference/"); len(keys) != 0 {
		t.Errorf("unloaded objects left in S3: %v", keys)
	}
}
