package tests

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// The statement shapes the migration product sends (snowflake/testdata/*.sql in the
// product module): stage in a metadata schema, a path with dots, PUT with spaces
// around '=', COPY by name with FORCE, COPY with FILES, the transformation form, and
// REMOVE, all in one transaction with the metadata update.
func TestCopyProductStatements(t *testing.T) {
	env := stStart(t)
	for _, q := range []string{
		"CREATE DATABASE IF NOT EXISTS SNOWCONVERT_AI",
		"CREATE SCHEMA IF NOT EXISTS SNOWCONVERT_AI.DATA_MIGRATION",
		"CREATE STAGE IF NOT EXISTS SNOWCONVERT_AI.DATA_MIGRATION.MIGRATION_STAGE\n  COMMENT = 'snowmigrate: Parquet files of partitions being loaded'",
		"CREATE TABLE SNOWCONVERT_AI.DATA_MIGRATION.PARTITION_METADATA (PARTITION_NUMBER NUMBER, LOADED_AT TIMESTAMP_TZ)",
		"INSERT INTO SNOWCONVERT_AI.DATA_MIGRATION.PARTITION_METADATA VALUES (7, NULL)",
		"CREATE DATABASE IF NOT EXISTS ANALYTICS",
		`CREATE SCHEMA IF NOT EXISTS ANALYTICS."Sales"`,
		`CREATE TABLE ANALYTICS."Sales"."order ""lines""" ("ID" NUMBER(10,0), "DOC" VARIANT, "TAGS" ARRAY, "attrs" OBJECT, "TS" TIMESTAMP_TZ(6))`,
	} {
		env.exec(t, q)
	}
	const prefix = "@SNOWCONVERT_AI.DATA_MIGRATION.MIGRATION_STAGE/mig1/db.public.orders/7/"
	for i := 0; i < 2; i++ {
		f := filepath.Join(env.dir, fmt.Sprintf("part-000%d.parquet", i))
		stWriteParquet(t, f, fmt.Sprintf(`SELECT (%d * 10 + i)::INTEGER AS "ID", '{"n": ' || i || '}' AS "DOC",
			'["a","b"]' AS "TAGS", '{"k": "v"}' AS "attrs",
			(TIMESTAMP '2024-05-01 00:00:00' + to_seconds(i))::TIMESTAMPTZ AS "TS" FROM range(3) t(i)`, i))
		env.exec(t, "PUT 'file://"+f+"' "+prefix+" AUTO_COMPRESS = FALSE OVERWRITE = TRUE PARALLEL = 4")
	}
	if got := env.list(t, "LIST "+prefix); len(got) != 2 || got["migration_stage/mig1/db.public.orders/7/part-0000.parquet"][0] == "" {
		t.Fatalf("LIST: %v", got)
	}

	table := `"ANALYTICS"."Sales"."order ""lines"""`
	tx, err := env.db.BeginTx(env.ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	copySQL := "COPY INTO " + table + "\nFROM " + prefix + "\nFILES = ('part-0000.parquet', 'part-0001.parquet')\nFILE_FORMAT = (TYPE = PARQUET)\nMATCH_BY_COLUMN_NAME = CASE_SENSITIVE\nON_ERROR = ABORT_STATEMENT\nFORCE = TRUE"
	_, rows, err := stQueryErr(env.ctx, tx, copySQL)
	if err != nil || len(rows) != 2 || rows[0][1] != "LOADED" || rows[0][3] != "3" || rows[1][3] != "3" {
		t.Fatalf("COPY with FILES: %v %v", rows, err)
	}
	if _, err := tx.ExecContext(env.ctx, "UPDATE SNOWCONVERT_AI.DATA_MIGRATION.PARTITION_METADATA SET LOADED_AT = '2025-03-04T05:06:07.891234+00:00'::TIMESTAMP_TZ WHERE PARTITION_NUMBER = 7 AND LOADED_AT IS NULL"); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if n := env.one(t, "SELECT COUNT(*) FROM "+table); n != "6" {
		t.Fatalf("rows: %s", n)
	}
	// By name, a Parquet string loaded into VARIANT stays a string (hence the product's
	// PARSE_JSON transformation for VARIANT columns).
	if v := env.one(t, `SELECT "DOC" FROM `+table+` WHERE "ID" = 12`); v != `"{\"n\": 2}"` {
		t.Fatalf("VARIANT from a string column: %q", v)
	}

	// The transformation form into a fresh table.
	env.exec(t, `CREATE OR REPLACE TABLE ANALYTICS."Sales"."order ""lines""" ("ID" NUMBER(10,0), "DOC" VARIANT, "TAGS" ARRAY, "attrs" OBJECT, "TS" TIMESTAMP_TZ(6))`)
	transform := "COPY INTO " + table + ` ("ID", "DOC", "TAGS", "attrs", "TS")
FROM (SELECT $1:"ID"::NUMBER(10,0), PARSE_JSON($1:"DOC"::VARCHAR), PARSE_JSON($1:"TAGS"::VARCHAR)::ARRAY, PARSE_JSON($1:"attrs"::VARCHAR)::OBJECT, $1:"TS"::TIMESTAMP_TZ(6) FROM ` + prefix + `)
FILES = ('part-0000.parquet')
FILE_FORMAT = (TYPE = PARQUET)
ON_ERROR = ABORT_STATEMENT
FORCE = TRUE`
	res := env.copyRows(t, transform)
	if len(res) != 1 || res[0]["status"] != "LOADED" || res[0]["rows_loaded"] != "3" {
		t.Fatalf("transform COPY: %v", res)
	}
	_, got := env.query(t, `SELECT "ID", "DOC":n::NUMBER, ARRAY_SIZE("TAGS"), "attrs":k::VARCHAR FROM `+table+` ORDER BY "ID"`)
	if len(got) != 3 || strings.Join(got[2], "|") != "2|2|2|v" {
		t.Fatalf("transform values: %v", got)
	}
	if n := env.one(t, "SELECT COUNT(*) FROM "+table+" WHERE \"TS\" = '2024-05-01 00:00:01+00:00'::TIMESTAMP_TZ"); n != "1" {
		t.Fatalf("TS instant: %s", n)
	}

	env.exec(t, "REMOVE "+prefix)
	if got := env.list(t, "LIST "+prefix); len(got) != 0 {
		t.Fatalf("after REMOVE: %v", got)
	}
}
