package tests

import (
	"path/filepath"
	"strings"
	"testing"
)

// Iceberg through the real driver: external volumes, catalog integrations, Snowflake-
// managed and catalog-linked Iceberg tables, CONVERT TO MANAGED, COPY's LOAD_MODE
// rules and the refusals, DESC STAGE.

const icebergVolume = `CREATE EXTERNAL VOLUME ICE_VOL STORAGE_LOCATIONS = ((NAME = 'loc1' STORAGE_PROVIDER = 'S3' STORAGE_BASE_URL = 's3://lake/ice/' STORAGE_AWS_ROLE_ARN = 'arn:aws:iam::1:role/r')) ALLOW_WRITES = TRUE`

func icebergEnv(t *testing.T) *stEnv {
	e := stStart(t)
	e.exec(t, icebergVolume)
	e.exec(t, `CREATE CATALOG INTEGRATION GLUE_INT CATALOG_SOURCE = GLUE CATALOG_NAMESPACE = 'sales' TABLE_FORMAT = ICEBERG
		GLUE_AWS_ROLE_ARN = 'arn:aws:iam::1:role/g' GLUE_CATALOG_ID = '123' ENABLED = TRUE`)
	return e
}

func TestIcebergAccountObjects(t *testing.T) {
	e := icebergEnv(t)
	stWantErr(t, e.execErr(icebergVolume), 2002, "already exists")
	e.exec(t, strings.Replace(icebergVolume, "CREATE EXTERNAL VOLUME", "CREATE EXTERNAL VOLUME IF NOT EXISTS", 1))
	e.exec(t, strings.Replace(icebergVolume, "CREATE EXTERNAL VOLUME", "CREATE OR REPLACE EXTERNAL VOLUME", 1))
	stWantErr(t, e.execErr(`CREATE EXTERNAL VOLUME V2 ALLOW_WRITES = TRUE`), 1003, "STORAGE_LOCATIONS")
	stWantErr(t, e.execErr(`CREATE CATALOG INTEGRATION BAD CATALOG_SOURCE = GLUE TABLE_FORMAT = ICEBERG`), 1003, "ENABLED")

	_, rows := e.query(t, `SHOW EXTERNAL VOLUMES LIKE 'ice%'`)
	if len(rows) != 1 || rows[0][1] != "ICE_VOL" || rows[0][2] != "true" {
		t.Errorf("SHOW EXTERNAL VOLUMES: %q", rows)
	}
	_, rows = e.query(t, `SHOW CATALOG INTEGRATIONS`)
	if len(rows) != 1 || rows[0][0] != "GLUE_INT" || rows[0][3] != "true" {
		t.Errorf("SHOW CATALOG INTEGRATIONS: %q", rows)
	}
	_, rows = e.query(t, `DESC CATALOG INTEGRATION GLUE_INT`)
	props := map[string]string{}
	for _, r := range rows {
		props[r[0]] = r[2]
	}
	if props["CATALOG_SOURCE"] != "GLUE" || props["CATALOG_NAMESPACE"] != "sales" {
		t.Errorf("DESC CATALOG INTEGRATION: %q", rows)
	}
	_, rows = e.query(t, `DESCRIBE EXTERNAL VOLUME ice_vol`)
	found := false
	for _, r := range rows {
		found = found || (r[1] == "STORAGE_BASE_URL" && r[3] == "s3://lake/ice/")
	}
	if !found {
		t.Errorf("DESC EXTERNAL VOLUME: %q", rows)
	}
	stWantErr(t, e.execErr(`DESC EXTERNAL VOLUME NOPE`), 2003, "External volume 'NOPE' does not exist or not authorized.")
	e.exec(t, `DROP CATALOG INTEGRATION GLUE_INT`)
	stWantErr(t, e.execErr(`DROP CATALOG INTEGRATION GLUE_INT`), 2003, "Integration 'GLUE_INT' does not exist")
	e.exec(t, `DROP CATALOG INTEGRATION IF EXISTS GLUE_INT`)
	e.exec(t, `DROP EXTERNAL VOLUME ICE_VOL`)
	if _, rows := e.query(t, `SHOW EXTERNAL VOLUMES`); len(rows) != 0 {
		t.Errorf("after DROP: %q", rows)
	}
}

func TestIcebergSnowflakeManaged(t *testing.T) {
	e := icebergEnv(t)
	stWantErr(t, e.execErr(`CREATE ICEBERG TABLE T1 (A INT) CATALOG = 'SNOWFLAKE' EXTERNAL_VOLUME = 'NO_VOL' BASE_LOCATION = 'x'`),
		2003, "External volume 'NO_VOL' does not exist or not authorized.")
	for _, ty := range []string{"VARIANT", "OBJECT", "ARRAY", "TIMESTAMP_TZ"} {
		stWantErr(t, e.execErr(`CREATE ICEBERG TABLE T1 (A `+ty+`) EXTERNAL_VOLUME = 'ice_vol'`), 1003, "not supported for Iceberg tables")
	}
	stWantErr(t, e.execErr(`CREATE ICEBERG TABLE T1 (A INT) EXTERNAL_VOLUME = 'ICE_VOL' CATALOG = 'GLUE_INT'`), 1003, "column list cannot be given")
	e.exec(t, `CREATE ICEBERG TABLE IF NOT EXISTS T1 (ID NUMBER(10,0) NOT NULL, V VARCHAR, TS TIMESTAMP_LTZ(6)) CATALOG = 'SNOWFLAKE' EXTERNAL_VOLUME = 'ICE_VOL' BASE_LOCATION = 'mig/STG/PUBLIC/T1'`)
	e.exec(t, `CREATE ICEBERG TABLE IF NOT EXISTS T1 (ID NUMBER(10,0) NOT NULL) CATALOG = 'SNOWFLAKE' EXTERNAL_VOLUME = 'ICE_VOL' BASE_LOCATION = 'mig/STG/PUBLIC/T1'`)
	_, rows := e.query(t, `SHOW ICEBERG TABLES LIKE 'T1' IN SCHEMA STG.PUBLIC`)
	if len(rows) != 1 {
		t.Fatalf("SHOW ICEBERG TABLES: %q", rows)
	}
	cols, _ := e.query(t, `SHOW ICEBERG TABLES LIKE 'T1' IN SCHEMA STG.PUBLIC`)
	row := map[string]string{}
	for i, c := range cols {
		row[c] = rows[0][i]
	}
	if row["catalog_name"] != "SNOWFLAKE" || row["external_volume_name"] != "ICE_VOL" || row["base_location"] != "mig/STG/PUBLIC/T1" || row["iceberg_table_type"] != "MANAGED" {
		t.Errorf("SHOW ICEBERG TABLES row: %v", row)
	}
	if got := e.one(t, `SELECT IS_ICEBERG FROM STG.INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = 'T1'`); got != "YES" {
		t.Errorf("IS_ICEBERG %q", got)
	}
	e.exec(t, `CREATE TABLE PLAIN (ID INT)`)
	if _, rows := e.query(t, `SHOW ICEBERG TABLES IN SCHEMA STG.PUBLIC`); len(rows) != 1 {
		t.Errorf("a regular table is listed: %q", rows)
	}
	stWantErr(t, e.execErr(`ALTER ICEBERG TABLE T1 CONVERT TO MANAGED BASE_LOCATION = 'x'`), 1003, "already uses Snowflake")

	// COPY: FULL_INGEST by default; ADD_FILES_COPY's requirements; LOAD_MODE on a regular table.
	local := filepath.Join(e.dir, "p.parquet")
	stWriteParquet(t, local, `SELECT i::INTEGER AS "ID", 'v' || i AS "V", TIMESTAMPTZ '2024-01-02 03:04:05+00' AS "TS" FROM range(1, 4) t(i)`)
	e.exec(t, `CREATE STAGE S1`)
	e.put(t, local, "@S1/a/", "AUTO_COMPRESS = FALSE")
	base := `COPY INTO T1 FROM @S1/a/ FILE_FORMAT = (TYPE = PARQUET%s) MATCH_BY_COLUMN_NAME = %s%s FORCE = TRUE`
	stWantErr(t, e.execErr(`COPY INTO T1 FROM @S1/a/ FILE_FORMAT = (TYPE = PARQUET) MATCH_BY_COLUMN_NAME = CASE_SENSITIVE LOAD_MODE = SOMETIMES`), 1003, "invalid value [SOMETIMES] for LOAD_MODE")
	stWantErr(t, e.execErr(fmt3(base, "", "CASE_SENSITIVE", " LOAD_MODE = ADD_FILES_COPY")), 1003, "USE_VECTORIZED_SCANNER = TRUE")
	stWantErr(t, e.execErr(fmt3(base, " USE_VECTORIZED_SCANNER = TRUE", "CASE_INSENSITIVE", " LOAD_MODE = ADD_FILES_COPY")), 1003, "CASE_SENSITIVE")
	stWantErr(t, e.execErr(fmt3(base, " USE_VECTORIZED_SCANNER = TRUE", "CASE_SENSITIVE", " LOAD_MODE = ADD_FILES_COPY ON_ERROR = CONTINUE")), 1003, "ON_ERROR = CONTINUE")
	stWantErr(t, e.execErr(`COPY INTO PLAIN FROM @S1/a/ FILE_FORMAT = (TYPE = PARQUET) MATCH_BY_COLUMN_NAME = CASE_SENSITIVE LOAD_MODE = FULL_INGEST`), 1003, "Iceberg tables only")
	e.exec(t, fmt3(base, "", "CASE_SENSITIVE", " LOAD_MODE = FULL_INGEST ON_ERROR = ABORT_STATEMENT"))
	e.exec(t, fmt3(base, " USE_VECTORIZED_SCANNER = TRUE", "CASE_SENSITIVE", " LOAD_MODE = ADD_FILES_COPY ON_ERROR = ABORT_STATEMENT"))
	if got := e.one(t, `SELECT COUNT(*) || '/' || COUNT(DISTINCT ID) FROM T1`); got != "6/3" {
		t.Errorf("rows after two loads: %s", got)
	}
}

// fmt3 fills the three %s of f.
func fmt3(f, a, b, c string) string {
	parts := strings.SplitN(f, "%s", 4)
	return parts[0] + a + parts[1] + b + parts[2] + c + parts[3]
}

func TestIcebergFromCatalogAndConvert(t *testing.T) {
	e := icebergEnv(t)
	// The emulator's external catalog: namespace 'sales' of GLUE_INT is schema
	// GLUE_INT.SALES; its table "orders" is ORDERS there.
	e.exec(t, `CREATE DATABASE GLUE_INT`)
	e.exec(t, `CREATE SCHEMA GLUE_INT.SALES`)
	e.exec(t, `CREATE TABLE GLUE_INT.SALES.ORDERS (ID NUMBER(10,0), NOTE VARCHAR)`)
	e.exec(t, `INSERT INTO GLUE_INT.SALES.ORDERS VALUES (1, 'old')`)
	e.exec(t, `USE DATABASE STG`)

	stWantErr(t, e.execErr(`CREATE ICEBERG TABLE O1 EXTERNAL_VOLUME = 'ICE_VOL' CATALOG = 'NO_INT' CATALOG_TABLE_NAME = 'orders'`),
		2003, "Integration 'NO_INT' does not exist or not authorized.")
	stWantErr(t, e.execErr(`CREATE ICEBERG TABLE O1 EXTERNAL_VOLUME = 'NO_VOL' CATALOG = 'GLUE_INT' CATALOG_TABLE_NAME = 'orders'`),
		2003, "External volume 'NO_VOL' does not exist")
	stWantErr(t, e.execErr(`CREATE ICEBERG TABLE O1 EXTERNAL_VOLUME = 'ICE_VOL' CATALOG = 'GLUE_INT'`), 1003, "CATALOG_TABLE_NAME")
	stWantErr(t, e.execErr(`CREATE ICEBERG TABLE O1 EXTERNAL_VOLUME = 'ICE_VOL' CATALOG = 'GLUE_INT' CATALOG_TABLE_NAME = 'nope'`), 2003, "was not found in namespace 'sales'")
	stWantErr(t, e.execErr(`CREATE ICEBERG TABLE O1 EXTERNAL_VOLUME = 'ICE_VOL' CATALOG = 'GLUE_INT' CATALOG_TABLE_NAME = 'orders' BASE_LOCATION = 'x'`), 1003, "invalid property 'BASE_LOCATION'")
	stWantErr(t, e.execErr(`CREATE ICEBERG TABLE O1 EXTERNAL_VOLUME = 'ICE_VOL'`), 1003, "needs a column list")

	e.exec(t, `CREATE ICEBERG TABLE IF NOT EXISTS STG.PUBLIC.O1 EXTERNAL_VOLUME = 'ICE_VOL' CATALOG = 'GLUE_INT' CATALOG_TABLE_NAME = 'orders'`)
	e.exec(t, `CREATE ICEBERG TABLE IF NOT EXISTS STG.PUBLIC.O1 EXTERNAL_VOLUME = 'ICE_VOL' CATALOG = 'GLUE_INT' CATALOG_TABLE_NAME = 'orders'`)
	if got := e.one(t, `SELECT NOTE FROM STG.PUBLIC.O1`); got != "old" {
		t.Errorf("snapshot row %q", got)
	}
	cols, rows := e.query(t, `SHOW ICEBERG TABLES LIKE 'O1' IN SCHEMA STG.PUBLIC`)
	row := map[string]string{}
	for i, c := range cols {
		row[c] = rows[0][i]
	}
	if row["catalog_name"] != "GLUE_INT" || row["iceberg_table_type"] != "UNMANAGED" || row["catalog_table_name"] != "orders" || row["catalog_namespace"] != "sales" {
		t.Errorf("linked table row: %v", row)
	}
	// Read-only while linked.
	for _, q := range []string{`INSERT INTO STG.PUBLIC.O1 VALUES (2, 'x')`, `DELETE FROM STG.PUBLIC.O1`, `TRUNCATE TABLE STG.PUBLIC.O1`,
		`UPDATE STG.PUBLIC.O1 SET NOTE = 'y'`} {
		stWantErr(t, e.execErr(q), 1003, "is read-only")
	}
	local := filepath.Join(e.dir, "o.parquet")
	stWriteParquet(t, local, `SELECT 5::INTEGER AS "ID", 'new' AS "NOTE"`)
	e.exec(t, `CREATE STAGE S2`)
	e.put(t, local, "@S2/o/", "AUTO_COMPRESS = FALSE")
	copyQ := `COPY INTO STG.PUBLIC.O1 FROM @S2/o/ FILE_FORMAT = (TYPE = PARQUET) MATCH_BY_COLUMN_NAME = CASE_SENSITIVE LOAD_MODE = FULL_INGEST`
	stWantErr(t, e.execErr(copyQ), 1003, "is read-only")

	stWantErr(t, e.execErr(`ALTER ICEBERG TABLE STG.PUBLIC.O1 CONVERT TO MANAGED`), 1003, "BASE_LOCATION must be specified")
	stWantErr(t, e.execErr(`ALTER ICEBERG TABLE STG.PUBLIC.PLAIN_NOPE CONVERT TO MANAGED BASE_LOCATION = 'b'`), 2003, "does not exist")
	e.exec(t, `ALTER ICEBERG TABLE IF EXISTS STG.PUBLIC.PLAIN_NOPE CONVERT TO MANAGED BASE_LOCATION = 'b'`)
	e.exec(t, `ALTER ICEBERG TABLE STG.PUBLIC.O1 CONVERT TO MANAGED BASE_LOCATION = 'mig/STG/PUBLIC/O1'`)
	_, rows = e.query(t, `SHOW ICEBERG TABLES LIKE 'O1'`)
	if len(rows) != 1 || rows[0][11] != "MANAGED" || rows[0][9] != "mig/STG/PUBLIC/O1" {
		t.Errorf("converted: %q", rows)
	}
	e.exec(t, `TRUNCATE TABLE STG.PUBLIC.O1`)
	e.exec(t, copyQ)
	if got := e.one(t, `SELECT ID || ':' || NOTE FROM STG.PUBLIC.O1`); got != "5:new" {
		t.Errorf("after load %q", got)
	}
}

func TestDescStage(t *testing.T) {
	e := stStart(t)
	e.exec(t, `CREATE STAGE INT_STAGE FILE_FORMAT = (TYPE = PARQUET)`)
	_, rows := e.query(t, `DESC STAGE INT_STAGE`)
	got := map[string]string{}
	for _, r := range rows {
		got[r[0]+"."+r[1]] = r[3]
	}
	if got["STAGE_LOCATION.URL"] != "" || got["STAGE_FILE_FORMAT.TYPE"] != "PARQUET" {
		t.Errorf("internal stage: %q", rows)
	}
	if err := e.execErr(`CREATE STAGE EXT_STAGE URL = 's3://bucket/unload/' CREDENTIALS = (AWS_KEY_ID = 'k' AWS_SECRET_KEY = 's')`); err != nil {
		t.Skipf("external stage not creatable here: %v", err)
	}
	_, rows = e.query(t, `DESCRIBE STAGE STG.PUBLIC.EXT_STAGE`)
	for _, r := range rows {
		if r[0] == "STAGE_LOCATION" && r[1] == "URL" && r[3] != `["s3://bucket/unload/"]` {
			t.Errorf("URL %q", r[3])
		}
		if strings.Contains(strings.Join(r, " "), "AWS_SECRET_KEY") || strings.Contains(strings.Join(r, " "), "'s'") {
			t.Errorf("secret shown: %q", r)
		}
	}
	stWantErr(t, e.execErr(`DESC STAGE NOPE`), 2003, "Stage 'STG.PUBLIC.NOPE' does not exist or not authorized.")
}
