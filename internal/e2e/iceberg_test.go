package e2e

import (
	"fmt"
	"testing"
	"time"
)

// TestMigrateIntoIceberg migrates PostgreSQL tables into (a) a Snowflake-managed Iceberg
// table (catalog SNOWFLAKE, external volume, base location prefix) and (b) an Iceberg
// table created from a catalog integration and converted to managed
// (migrationStrategy convert_to_managed), compares every value, and runs the migration a
// second time to check that nothing is duplicated. The local Snowflake writes no
// Iceberg files (emulator/docs/sql.md); its external catalog is its own schema
// GLUE_INT.LAKE.
func TestMigrateIntoIceberg(t *testing.T) {
	s := newStack(t)
	s.pgExec(
		`CREATE TABLE ice_orders (id bigint PRIMARY KEY, note text, amount numeric(12,2), doc jsonb, at timestamptz, day date)`,
		`INSERT INTO ice_orders SELECT g, CASE WHEN g % 5 = 0 THEN NULL ELSE 'note ' || g END, g * 1.25,
		   jsonb_build_object('g', g, 'tags', jsonb_build_array('a', g)), timestamptz '2024-01-01 00:00+00' + g * interval '61 minutes',
		   date '2020-02-28' + g FROM generate_series(1, 45) g`,
		`CREATE TABLE ice_events (id bigint PRIMARY KEY, kind text, qty integer)`,
		`INSERT INTO ice_events SELECT g, (ARRAY['view','click','buy'])[1 + g % 3], g * 7 FROM generate_series(1, 23) g`,
	)
	for _, q := range []string{
		`CREATE EXTERNAL VOLUME IF NOT EXISTS E2E_ICE_VOL STORAGE_LOCATIONS = ((NAME = 'lake' STORAGE_PROVIDER = 'S3' STORAGE_BASE_URL = 's3://e2e-lake/iceberg/'))`,
		`CREATE CATALOG INTEGRATION IF NOT EXISTS GLUE_INT CATALOG_SOURCE = GLUE CATALOG_NAMESPACE = 'lake' TABLE_FORMAT = ICEBERG ENABLED = TRUE`,
		// The external catalog's table, with a row the migration replaces.
		`CREATE DATABASE IF NOT EXISTS GLUE_INT`, `CREATE SCHEMA IF NOT EXISTS GLUE_INT.LAKE`,
		`CREATE TABLE GLUE_INT.LAKE.EVENTS (ID NUMBER(19,0) NOT NULL, KIND VARCHAR, QTY NUMBER(10,0))`,
		`INSERT INTO GLUE_INT.LAKE.EVENTS VALUES (999, 'stale', 0)`,
	} {
		if _, err := s.sf().Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	cfg := s.writeConfig("iceberg.json", fmt.Sprintf(`{
  "defaultTableConfiguration": {
    "source": { "databaseName": %q, "schemaName": "public" },
    "target": { "databaseName": "E2E", "schemaName": "LAKE", "tableType": "iceberg",
                "icebergConfig": { "externalVolume": "E2E_ICE_VOL", "baseLocationPrefix": "migrated" } },
    "partitionSize": { "maxRowsPerPartition": 7 },
    "columnNamesToPartitionBy": ["id"]
  },
  "tables": [
    { "source": { "tableName": "ice_orders" }, "target": { "tableName": "ice_orders",
        "icebergConfig": { "catalog": "SNOWFLAKE" } } },
    { "source": { "tableName": "ice_events" }, "target": { "tableName": "ice_events",
        "icebergConfig": { "catalog": "GLUE_INT", "catalogTableName": "events", "migrationStrategy": "convert_to_managed" } } }
  ]
}`, s.pgDB))
	s.startOrchestrator()
	s.startSourceWorker("source1", 4)

	for run := 1; run <= 2; run++ {
		out, code := s.starter(2*time.Minute, "create-data-migration-workflow", cfg, "--name", "E2eIceberg",
			"--connection-name", s.emu.ConnectionName(), "--source-platform", "postgresql", "--task-queue-base", s.queue)
		if code != 0 {
			t.Fatalf("run %d: create-data-migration-workflow exit %d:\n%s", run, code, out)
		}
		out, code = s.starter(10*time.Minute, "watch", "E2eIceberg")
		if code != 0 {
			t.Fatalf("run %d: watch exit %d (a table did not complete):\n%s", run, code, out)
		}
		s.checkIcebergMigration(t, run)
	}
}

func (s *stack) checkIcebergMigration(t *testing.T, run int) {
	t.Helper()
	if n := s.compareTable(tableSpec{pgFrom: "ice_orders", pgOrder: "id", sfFrom: "E2E.LAKE.ICE_ORDERS", sfOrder: "ID",
		cols: []col{{"id", "ID", "int"}, {"note", "NOTE", "text"}, {"amount::text", "TO_VARCHAR(AMOUNT)", "dec"},
			{"doc::text", "DOC", "json"}, {"(extract(epoch from at) * 1000000)::bigint", "AT", "tstz"}, {"day", "DAY", "date"}}}); n != 45 {
		t.Errorf("run %d: ice_orders compared %d rows, want 45", run, n)
	}
	if n := s.compareTable(tableSpec{pgFrom: "ice_events", pgOrder: "id", sfFrom: "E2E.LAKE.ICE_EVENTS", sfOrder: "ID",
		cols: []col{{"id", "ID", "int"}, {"kind", "KIND", "text"}, {"qty", "QTY", "int"}}}); n != 23 {
		t.Errorf("run %d: ice_events compared %d rows, want 23", run, n)
	}
	for table, want := range map[string]int64{"ICE_ORDERS": 45, "ICE_EVENTS": 23} {
		if n := s.sfInt(`SELECT COUNT(*) - COUNT(DISTINCT ID) FROM E2E.LAKE.` + table); n != 0 {
			t.Errorf("run %d: %s has %d duplicated rows", run, table, n)
		}
		if n := s.sfInt(`SELECT COUNT(*) FROM E2E.LAKE.` + table); n != want {
			t.Errorf("run %d: %s has %d rows, want %d", run, table, n, want)
		}
	}
	// Both are Snowflake-managed Iceberg tables where the configuration put them.
	rows, err := s.sf().Query(`SHOW ICEBERG TABLES IN SCHEMA E2E.LAKE`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	got := map[string]map[string]string{}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		r := map[string]string{}
		for i, c := range cols {
			r[c] = fmt.Sprint(vals[i])
		}
		got[r["name"]] = r
	}
	if r := got["ICE_ORDERS"]; r["iceberg_table_type"] != "MANAGED" || r["catalog_name"] != "SNOWFLAKE" || r["base_location"] != "migrated/E2E/LAKE/ICE_ORDERS" || r["external_volume_name"] != "E2E_ICE_VOL" {
		t.Errorf("run %d: ICE_ORDERS %v", run, r)
	}
	if r := got["ICE_EVENTS"]; r["iceberg_table_type"] != "MANAGED" || r["base_location"] != "migrated/E2E/LAKE/ICE_EVENTS" || r["catalog_table_name"] != "events" {
		t.Errorf("run %d: ICE_EVENTS %v", run, r)
	}
	// The JSON column became VARCHAR (Iceberg has no VARIANT), with a warning.
	var docType string
	if err := s.sf().QueryRow(`SELECT DATA_TYPE FROM E2E.INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = 'LAKE' AND TABLE_NAME = 'ICE_ORDERS' AND COLUMN_NAME = 'DOC'`).Scan(&docType); err != nil || docType != "TEXT" {
		t.Errorf("run %d: DOC is %q (%v), want TEXT", run, docType, err)
	}
	if n := s.sfInt(`SELECT COUNT(*) FROM SNOWCONVERT_AI.DATA_MIGRATION.DATA_MIGRATION_WARNING WHERE WARNING_MESSAGE LIKE '%"DOC" is VARIANT%'`); n == 0 {
		t.Errorf("run %d: no warning recorded for the VARIANT column", run)
	}
}
