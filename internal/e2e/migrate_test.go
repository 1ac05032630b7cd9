package e2e

import (
	"fmt"
	"testing"
	"time"
)

const allTypesDDL = `CREATE TABLE all_types (
  id bigint PRIMARY KEY, c_small smallint, c_int integer, c_big bigint,
  c_num numeric(38,10), c_num2 numeric(5,2), c_real real, c_double double precision,
  c_text text, c_varchar varchar(20), c_char char(3), c_bytea bytea, c_bool boolean,
  c_date date, c_time time, c_ts timestamp, c_tstz timestamptz, c_json json, c_jsonb jsonb, c_uuid uuid)`

var allTypesRows = []string{
	`INSERT INTO all_types VALUES (1, 1, 2, 3, 12.5, 1.25, 1.1, 2.2, 'plain', 'v', 'abc', '\x0102', true,
	  '2024-02-29', '13:45:10.123456', '2024-01-02 03:04:05.678901', '2024-01-02 03:04:05.678901+02',
	  '{"a": 1}', '{"b": [1, 2]}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11')`,
	`INSERT INTO all_types (id) VALUES (2)`,
	`INSERT INTO all_types VALUES (3, 0, 0, 0, 0, 0, 0, 0, '', '', '', '\x', false,
	  '1901-03-04', '00:00:00', '1950-06-15 23:59:59.999999', '1969-12-31 23:59:59.5+00',
	  '""', '{}', '00000000-0000-0000-0000-000000000000')`,
	`INSERT INTO all_types VALUES (4, -32768, 2147483647, -9223372036854775808,
	  1234567890123456789012345678.0123456789, -999.99, 'NaN', 'Infinity',
	  E'h\u00e9llo \u2713 "quoted" \\ back\nslash', 'x''y', 'ab', '\x00ff10', false,
	  '9999-12-31', '23:59:59.999999', '1970-01-01 00:00:00', '2038-01-19 03:14:08+00',
	  '{"a": [1, 2, {"b": null}], "c": "d"}', '[]', 'ffffffff-ffff-ffff-ffff-ffffffffffff')`,
	`INSERT INTO all_types VALUES (5, 32767, -2147483648, 9223372036854775807,
	  -0.0000000001, 999.99, '-Infinity', -1.5e300, 'tab	tab', '\N', ' x ', '\xdeadbeef', true,
	  '0001-01-01', '12:00:00.5', '1900-01-01 00:00:00.000001', '1900-01-01 12:00:00-05',
	  'null', '{"nested": {"deep": [true, false]}}', '12345678-1234-5678-1234-567812345678')`,
	`INSERT INTO all_types SELECT g, g % 100, g * 1000, g::bigint * 1000000000, g / 7.0, (g % 999) / 10.0, g / 3.0, g / 7.0,
	  'row ' || g, 'r' || g, 'c' || (g % 10), decode(md5(g::text), 'hex'), g % 2 = 0,
	  date '2000-01-01' + g, time '00:00' + g * interval '1 minute', timestamp '2001-01-01' + g * interval '1 hour',
	  timestamptz '2001-01-01 00:00+00' + g * interval '90 minutes', json_build_object('g', g), jsonb_build_array(g, g * 2),
	  md5(g::text)::uuid FROM generate_series(6, 40) g`,
}

var allTypesSpec = tableSpec{
	pgFrom: "all_types", pgOrder: "id", sfFrom: "E2E.PUBLIC.ALL_TYPES", sfOrder: "ID",
	cols: []col{
		{"id", "ID", "int"}, {"c_small", "C_SMALL", "int"}, {"c_int", "C_INT", "int"}, {"c_big", "C_BIG", "int"},
		{"c_num::text", "TO_VARCHAR(C_NUM)", "dec"}, {"c_num2::text", "TO_VARCHAR(C_NUM2)", "dec"},
		{"c_real::float8", "C_REAL", "float"}, {"c_double", "C_DOUBLE", "float"},
		{"c_text", "C_TEXT", "text"}, {"c_varchar", "C_VARCHAR", "text"}, {"c_char::text", "RTRIM(C_CHAR)", "text"},
		{"c_bytea", "C_BYTEA", "bytes"}, {"c_bool", "C_BOOL", "bool"},
		{"c_date", "C_DATE", "date"}, {"c_time::text", "C_TIME", "time"}, {"c_ts", "C_TS", "ts"},
		{"(extract(epoch from c_tstz) * 1000000)::bigint", "C_TSTZ", "tstz"},
		{"c_json::text", "C_JSON", "json"}, {"c_jsonb::text", "C_JSONB", "json"},
		{"c_uuid::text", "C_UUID", "text"},
	},
}

// TestMigrateEveryTypeAndShape migrates tables covering every supported type, NULLs,
// empty strings, reserved and mixed-case names, renames, a type mapping, a filter, a
// composite partition key with NULL keys and an empty table, then compares every value;
// then runs the same migration again and checks nothing is duplicated.
func TestMigrateEveryTypeAndShape(t *testing.T) {
	s := newStack(t)
	s.pgExec(allTypesDDL)
	s.pgExec(allTypesRows...)
	s.pgExec(
		`CREATE TABLE "MixedCase" (id int PRIMARY KEY, "select" text, "CamelCol" int, "lower" text, "from" date)`,
		`INSERT INTO "MixedCase" SELECT g, 'sel' || g, g * 2, CASE WHEN g % 3 = 0 THEN NULL ELSE 'l' || g END, date '2020-01-01' + g FROM generate_series(1, 11) g`,
		`CREATE TABLE renamed (id bigint PRIMARY KEY, name text, qty integer)`,
		`INSERT INTO renamed SELECT g, 'name ' || g, g * 3 FROM generate_series(1, 9) g`,
		`CREATE TABLE filtered (id int PRIMARY KEY, is_deleted boolean NOT NULL, v text)`,
		`INSERT INTO filtered SELECT g, g % 4 = 0, 'v' || g FROM generate_series(1, 20) g`,
		`CREATE TABLE composite (id int NOT NULL, region text, seq int, amount numeric(10,2))`,
		`INSERT INTO composite SELECT g, (ARRAY['eu','us','Ünï','a b', NULL])[1 + g % 5], CASE WHEN g % 7 = 0 THEN NULL ELSE g % 6 END, g * 1.5 FROM generate_series(1, 30) g`,
		`CREATE TABLE empty_table (id int PRIMARY KEY, v text)`,
	)
	cfg := s.writeConfig("types.json", fmt.Sprintf(`{
  "schemaVersion": "1.0",
  "defaultTableConfiguration": {
    "source": { "databaseName": %q, "schemaName": "public" },
    "target": { "databaseName": "E2E", "schemaName": "PUBLIC" },
    "partitionSize": { "maxRowsPerPartition": 4 }
  },
  "tables": [
    { "source": { "tableName": "all_types" }, "target": { "tableName": "all_types" }, "columnNamesToPartitionBy": ["id"] },
    { "source": { "tableName": "\"MixedCase\"" }, "target": { "tableName": "\"MixedCase\"" }, "columnNamesToPartitionBy": ["id"] },
    { "source": { "tableName": "renamed" }, "target": { "tableName": "renamed_target" }, "columnNamesToPartitionBy": ["id"],
      "columnNameMappings": [ { "sourceName": "name", "targetName": "full_name" } ],
      "columnTypeMappings": [ { "sourceType": "integer", "targetType": "VARCHAR(20)" } ] },
    { "source": { "tableName": "filtered" }, "target": { "tableName": "filtered" }, "columnNamesToPartitionBy": ["id"],
      "whereClauseCriteria": "is_deleted = false" },
    { "source": { "tableName": "composite" }, "target": { "tableName": "composite" }, "columnNamesToPartitionBy": ["region", "seq"] },
    { "source": { "tableName": "empty_table" }, "target": { "tableName": "empty_table" }, "columnNamesToPartitionBy": ["id"] }
  ]
}`, s.pgDB))
	s.startOrchestrator()
	s.startSourceWorker("source1", 4)

	for run := 1; run <= 2; run++ {
		out, code := s.starter(2*time.Minute, "create-data-migration-workflow", cfg, "--name", "E2eTypes",
			"--connection-name", s.emu.ConnectionName(), "--source-platform", "postgresql", "--task-queue-base", s.queue)
		if code != 0 {
			t.Fatalf("run %d: create-data-migration-workflow exit %d:\n%s", run, code, out)
		}
		out, code = s.starter(10*time.Minute, "watch", "E2eTypes")
		if code != 0 {
			t.Fatalf("run %d: watch exit %d (a table did not complete):\n%s", run, code, out)
		}
		s.checkTypesMigration(t, run)
	}
}

func (s *stack) checkTypesMigration(t *testing.T, run int) {
	if n := s.compareTable(allTypesSpec); n != 40 {
		t.Errorf("run %d: all_types compared %d rows, want 40", run, n)
	}
	s.compareTable(tableSpec{pgFrom: `"MixedCase"`, pgOrder: "id", sfFrom: `E2E.PUBLIC."MixedCase"`, sfOrder: `"ID"`,
		cols: []col{{"id", `"ID"`, "int"}, {`"select"`, `"SELECT"`, "text"}, {`"CamelCol"`, `"CamelCol"`, "int"},
			{`"lower"`, `"LOWER"`, "text"}, {`"from"`, `"FROM"`, "date"}}})
	s.compareTable(tableSpec{pgFrom: "renamed", pgOrder: "id", sfFrom: "E2E.PUBLIC.RENAMED_TARGET", sfOrder: "ID",
		cols: []col{{"id", "ID", "int"}, {"name", "FULL_NAME", "text"}, {"qty::text", "QTY", "text"}}})
	var qtyType string
	if err := s.sf().QueryRow(`SELECT DATA_TYPE FROM E2E.INFORMATION_SCHEMA.COLUMNS
		WHERE TABLE_SCHEMA = 'PUBLIC' AND TABLE_NAME = 'RENAMED_TARGET' AND COLUMN_NAME = 'QTY'`).Scan(&qtyType); err != nil {
		t.Fatal(err)
	}
	if qtyType != "TEXT" {
		t.Errorf("columnTypeMappings integer → VARCHAR(20): QTY is %s", qtyType)
	}
	if n := s.compareTable(tableSpec{pgFrom: "filtered", pgWhere: "is_deleted = false", pgOrder: "id",
		sfFrom: "E2E.PUBLIC.FILTERED", sfOrder: "ID",
		cols: []col{{"id", "ID", "int"}, {"is_deleted", "IS_DELETED", "bool"}, {"v", "V", "text"}}}); n != 15 {
		t.Errorf("filtered: %d rows, want 15", n)
	}
	if n := s.compareTable(tableSpec{pgFrom: "composite", pgOrder: "id", sfFrom: "E2E.PUBLIC.COMPOSITE", sfOrder: "ID",
		cols: []col{{"id", "ID", "int"}, {"region", "REGION", "text"}, {"seq", "SEQ", "int"}, {"amount::text", "TO_VARCHAR(AMOUNT)", "dec"}}}); n != 30 {
		t.Errorf("composite: %d rows, want 30 (rows with NULL partition keys must not be lost)", n)
	}
	if n := s.sfInt("SELECT COUNT(*) FROM E2E.PUBLIC.EMPTY_TABLE"); n != 0 {
		t.Errorf("empty_table has %d rows", n)
	}
	for _, tbl := range []string{"E2E.PUBLIC.ALL_TYPES", `E2E.PUBLIC."MixedCase"`, "E2E.PUBLIC.COMPOSITE"} {
		total, distinct := s.sfInt("SELECT COUNT(*) FROM "+tbl), s.sfInt(`SELECT COUNT(DISTINCT "ID") FROM `+tbl)
		if total != distinct {
			t.Errorf("run %d: %s has %d rows but %d distinct ids: duplicates", run, tbl, total, distinct)
		}
	}
	// The metadata mirror agrees with the outcome.
	var status string
	var completed, failed int64
	out, code := s.starter(time.Minute, "status", "E2eTypes", "--json")
	if code != 0 {
		t.Fatalf("status exit %d: %s", code, out)
	}
	rows, err := s.sf().Query(`SELECT STATUS, COUNT(*) FROM SNOWCONVERT_AI.DATA_MIGRATION.TABLE_METADATA WHERE WORKFLOW_ID = 'E2eTypes' AND RUN_ID = (SELECT RUN_ID FROM SNOWCONVERT_AI.DATA_MIGRATION.WORKFLOW WHERE ID = 'E2eTypes') GROUP BY STATUS`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var n int64
		if err := rows.Scan(&status, &n); err != nil {
			t.Fatal(err)
		}
		switch status {
		case "COMPLETED":
			completed = n
		default:
			failed += n
		}
	}
	if completed != 6 || failed != 0 {
		t.Errorf("run %d: TABLE_METADATA says %d completed, %d other; want 6 completed (status output: %s)", run, completed, failed, out)
	}
	if n := s.sfInt(`SELECT COUNT(*) FROM SNOWCONVERT_AI.DATA_MIGRATION.DATA_MIGRATION_ERROR WHERE WORKFLOW_ID = 'E2eTypes'`); n != 0 {
		t.Errorf("DATA_MIGRATION_ERROR has %d rows for a clean migration", n)
	}
}
