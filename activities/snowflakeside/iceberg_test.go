package snowflakeside

import (
	"fmt"
	"strings"
	"testing"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/migration"
)

const iceVolumeSQL = `CREATE EXTERNAL VOLUME IF NOT EXISTS ICE_VOL STORAGE_LOCATIONS = ((NAME = 'l' STORAGE_PROVIDER = 'S3' STORAGE_BASE_URL = 's3://lake/'))`

func iceSetup(t *testing.T, h *harness) snowflakeapi.EnsureMetadataResult {
	t.Helper()
	var meta snowflakeapi.EnsureMetadataResult
	h.mustRun(t, h.a.EnsureMetadata, snowflakeapi.EnsureMetadataInput{ConnectionName: h.conn}, &meta)
	for _, q := range []string{`CREATE DATABASE IF NOT EXISTS ICE_DB`, iceVolumeSQL,
		`CREATE CATALOG INTEGRATION IF NOT EXISTS GLUE_INT CATALOG_SOURCE = GLUE CATALOG_NAMESPACE = 'lake' TABLE_FORMAT = ICEBERG ENABLED = TRUE`} {
		if _, err := h.db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	return meta
}

func icePrepareInput(h *harness, table string, ic *config.IcebergConfig, cols []migration.Column) snowflakeapi.PrepareTargetInput {
	return snowflakeapi.PrepareTargetInput{
		ConnectionName: h.conn, Migration: "mig", MigrationRunID: "run-1", TableKey: "src.public." + strings.ToLower(table),
		Target:  config.Identifier{DatabaseName: "ice_db", SchemaName: "sales", TableName: table, TableType: config.TableTypeIceberg, IcebergConfig: ic},
		Columns: cols, Sync: config.SyncNone,
	}
}

// showIceberg returns the SHOW ICEBERG TABLES row of ICE_DB.SALES.<table> by column name.
func showIceberg(t *testing.T, h *harness, table string) map[string]string {
	t.Helper()
	rows, err := h.db.Query(`SHOW ICEBERG TABLES LIKE '` + table + `' IN SCHEMA ICE_DB.SALES`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	if !rows.Next() {
		return nil
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for i, c := range cols {
		out[c] = fmt.Sprint(vals[i])
	}
	return out
}

func columnTypes(t *testing.T, h *harness, table string) string {
	t.Helper()
	rows, err := h.db.Query(`SELECT COLUMN_NAME, DATA_TYPE FROM ICE_DB.INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = 'SALES' AND TABLE_NAME = '` + table + `' ORDER BY ORDINAL_POSITION`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n, ty string
		if err := rows.Scan(&n, &ty); err != nil {
			t.Fatal(err)
		}
		out = append(out, n+" "+ty)
	}
	return strings.Join(out, ", ")
}

// loadIceberg stages rows 1..n for partition 1 and loads them into the prepared target.
func loadIceberg(t *testing.T, h *harness, meta snowflakeapi.EnsureMetadataResult, target migration.TableRef, key string, n int) snowflakeapi.LoadPartitionResult {
	t.Helper()
	rows := make([]parquetRow, n)
	for i := range rows {
		name := fmt.Sprintf("name-%d", i+1)
		rows[i] = parquetRow{ID: int64(i + 1), Name: &name, Amount: float64(i) + 0.5}
	}
	stage := migration.StagePath(meta.StageName, "mig", key, 1)
	h.put(t, writeParquet(t, "part-0000.parquet", rows), stage)
	var res snowflakeapi.LoadPartitionResult
	h.mustRun(t, h.a.LoadPartition, snowflakeapi.LoadPartitionInput{
		ConnectionName: h.conn, Migration: "mig", MigrationRunID: "run-1", TableKey: key,
		Target: target, Columns: testColumns, Partition: migration.Partition{Number: 1, Lower: []string{"0"}, Upper: []string{fmt.Sprint(n)}},
		StagePrefix: stage, Files: []string{"part-0000.parquet"}, RowsExtracted: int64(n), Bytes: 1,
	}, &res)
	return res
}

func TestPrepareIcebergSnowflakeCatalog(t *testing.T) {
	h := newHarness(t)
	meta := iceSetup(t, h)
	cols := append(append([]migration.Column{}, testColumns...),
		migration.Column{SourceName: "doc", SourceType: "jsonb", TargetName: "DOC", TargetType: "VARIANT", Nullable: true},
		migration.Column{SourceName: "at", SourceType: "timestamptz", TargetName: "AT", TargetType: "TIMESTAMP_TZ(6)", Nullable: true})
	ic := &config.IcebergConfig{Catalog: "SNOWFLAKE", ExternalVolume: "ICE_VOL", BaseLocationPrefix: "mig/"}
	in := icePrepareInput(h, "orders", ic, cols)
	var res snowflakeapi.PrepareTargetResult
	h.mustRun(t, h.a.PrepareTarget, in, &res)
	if !res.Created || res.Truncated || res.Target != (migration.TableRef{Database: "ICE_DB", Schema: "SALES", Table: "ORDERS"}) {
		t.Fatalf("prepare: %+v", res)
	}
	if len(res.Warnings) != 2 || !strings.Contains(res.Warnings[0], `"DOC" is VARIANT`) || !strings.Contains(res.Warnings[1], "TIMESTAMP_LTZ(6)") {
		t.Errorf("warnings %q", res.Warnings)
	}
	row := showIceberg(t, h, "ORDERS")
	if row["catalog_name"] != "SNOWFLAKE" || row["external_volume_name"] != "ICE_VOL" || row["base_location"] != "mig/ICE_DB/SALES/ORDERS" || row["iceberg_table_type"] != "MANAGED" {
		t.Errorf("SHOW ICEBERG TABLES: %v", row)
	}
	if got := columnTypes(t, h, "ORDERS"); got != "ID NUMBER, Name TEXT, AMOUNT FLOAT, DOC TEXT, AT TIMESTAMP_LTZ" {
		t.Errorf("columns: %s", got)
	}
	if n := h.count(t, `SELECT COUNT(*) FROM `+metaPrefix+`DATA_MIGRATION_WARNING WHERE WORKFLOW_ID = 'mig' AND TABLE_KEY = 'src.public.orders'`); n != 2 {
		t.Errorf("%d warnings recorded", n)
	}
	// A retried PrepareTarget checks the existing Iceberg table instead of failing.
	res = snowflakeapi.PrepareTargetResult{}
	h.mustRun(t, h.a.PrepareTarget, in, &res)
	if res.Created || res.Truncated {
		t.Errorf("retry: %+v", res)
	}
	// The load uses the Iceberg COPY and lands every row once.
	in.Columns = testColumns
	lr := loadIceberg(t, h, meta, res.Target, in.TableKey, 40)
	if lr.RowsLoaded != 40 {
		t.Fatalf("load: %+v", lr)
	}
	if n := h.count(t, `SELECT COUNT(DISTINCT ID) FROM ICE_DB.SALES.ORDERS`); n != 40 {
		t.Errorf("%d distinct rows", n)
	}
	if copies := h.rec.matching("COPY INTO"); len(copies) == 0 || !strings.Contains(copies[len(copies)-1], "LOAD_MODE = FULL_INGEST") {
		t.Errorf("COPY statements: %q", copies)
	}
}

func TestPrepareIcebergConvertToManaged(t *testing.T) {
	h := newHarness(t)
	meta := iceSetup(t, h)
	// The external catalog's table (the emulator: namespace 'lake' of GLUE_INT is schema
	// GLUE_INT.LAKE), holding a row the migration replaces.
	for _, q := range []string{`CREATE DATABASE IF NOT EXISTS GLUE_INT`, `CREATE SCHEMA IF NOT EXISTS GLUE_INT.LAKE`,
		`CREATE TABLE GLUE_INT.LAKE.EVENTS (ID NUMBER(19,0) NOT NULL, "Name" VARCHAR, AMOUNT FLOAT)`,
		`INSERT INTO GLUE_INT.LAKE.EVENTS VALUES (1000, 'stale', 0)`} {
		if _, err := h.db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	ic := &config.IcebergConfig{Catalog: "GLUE_INT", ExternalVolume: "ICE_VOL", CatalogTableName: "events", MigrationStrategy: config.IcebergConvertToManaged}
	in := icePrepareInput(h, "events", ic, testColumns)
	// An earlier attempt created the table from the catalog and stopped before converting it.
	if _, err := h.db.Exec(`CREATE SCHEMA IF NOT EXISTS ICE_DB.SALES`); err != nil {
		t.Fatal(err)
	}
	if _, err := h.db.Exec(`CREATE ICEBERG TABLE ICE_DB.SALES.EVENTS EXTERNAL_VOLUME = 'ICE_VOL' CATALOG = 'GLUE_INT' CATALOG_TABLE_NAME = 'events'`); err != nil {
		t.Fatal(err)
	}
	var res snowflakeapi.PrepareTargetResult
	h.mustRun(t, h.a.PrepareTarget, in, &res)
	if res.Created || !res.Truncated {
		t.Fatalf("prepare: %+v", res)
	}
	row := showIceberg(t, h, "EVENTS")
	if row["iceberg_table_type"] != "MANAGED" || row["base_location"] != "ICE_DB/SALES/EVENTS" {
		t.Errorf("after convert: %v", row)
	}
	if n := h.count(t, `SELECT COUNT(*) FROM ICE_DB.SALES.EVENTS`); n != 0 {
		t.Errorf("%d rows left from the catalog's snapshot", n)
	}
	lr := loadIceberg(t, h, meta, res.Target, in.TableKey, 25)
	if lr.RowsLoaded != 25 || h.count(t, `SELECT COUNT(DISTINCT ID) FROM ICE_DB.SALES.EVENTS`) != 25 {
		t.Fatalf("load: %+v", lr)
	}

	// From scratch: create from the catalog, convert, load (another table).
	if _, err := h.db.Exec(`CREATE TABLE GLUE_INT.LAKE.CLICKS (ID NUMBER(19,0) NOT NULL, "Name" VARCHAR, AMOUNT FLOAT)`); err != nil {
		t.Fatal(err)
	}
	ic2 := *ic
	ic2.CatalogTableName, ic2.BaseLocationPrefix = "clicks", "conv"
	in2 := icePrepareInput(h, "clicks", &ic2, testColumns)
	res = snowflakeapi.PrepareTargetResult{}
	h.mustRun(t, h.a.PrepareTarget, in2, &res)
	if row := showIceberg(t, h, "CLICKS"); row["iceberg_table_type"] != "MANAGED" || row["base_location"] != "conv/ICE_DB/SALES/CLICKS" || row["catalog_table_name"] != "clicks" {
		t.Errorf("created and converted: %v", row)
	}
	h.mustRun(t, h.a.PrepareTarget, in2, &res) // idempotent
	if lr := loadIceberg(t, h, meta, res.Target, in2.TableKey, 3); lr.RowsLoaded != 3 {
		t.Fatalf("load: %+v", lr)
	}
}

func TestPrepareIcebergRefusals(t *testing.T) {
	h := newHarness(t)
	iceSetup(t, h)
	if _, err := h.db.Exec(`CREATE SCHEMA IF NOT EXISTS ICE_DB.SALES`); err != nil {
		t.Fatal(err)
	}
	if _, err := h.db.Exec(`CREATE TABLE ICE_DB.SALES.PLAIN (ID NUMBER(19,0))`); err != nil {
		t.Fatal(err)
	}
	ic := &config.IcebergConfig{ExternalVolume: "ICE_VOL"}
	err := h.run(t, h.a.PrepareTarget, icePrepareInput(h, "plain", ic, testColumns), nil)
	appErr(t, err, migration.ErrTypeTargetMismatch, "exists as a regular (not Iceberg) table", `set target.tableType to "native"`)

	err = h.run(t, h.a.PrepareTarget, icePrepareInput(h, "novol", &config.IcebergConfig{ExternalVolume: "NO_SUCH_VOL"}, testColumns), nil)
	if err == nil || !strings.Contains(err.Error(), "External volume 'NO_SUCH_VOL' does not exist") {
		t.Errorf("missing volume: %v", err)
	}
	// A table linked to a catalog where the configuration says Snowflake-managed.
	if _, err := h.db.Exec(`CREATE DATABASE IF NOT EXISTS GLUE_INT`); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`CREATE SCHEMA IF NOT EXISTS GLUE_INT.LAKE`, `CREATE TABLE GLUE_INT.LAKE.T (ID NUMBER(19,0))`,
		`CREATE ICEBERG TABLE ICE_DB.SALES.LINKED EXTERNAL_VOLUME = 'ICE_VOL' CATALOG = 'GLUE_INT' CATALOG_TABLE_NAME = 't'`} {
		if _, err := h.db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	err = h.run(t, h.a.PrepareTarget, icePrepareInput(h, "linked", ic, testColumns), nil)
	appErr(t, err, migration.ErrTypeTargetMismatch, "linked to catalog GLUE_INT", "convert_to_managed")
}
