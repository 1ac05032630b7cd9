package snowflakeside

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/internal/testenv"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/snowflake"
	"github.com/snowmigrate/snowmigrate/source"
	"github.com/snowmigrate/snowmigrate/source/postgres"
)

// One row per partition (id = partition number), every type the PostgreSQL mapping
// writes, edge values included: NULL next to ”, padding, NaN/±inf/-0/subnormal
// floats, the ends of the date range, instants with offsets, numerics of scale 20 and
// 37 (Snowflake's checksum prints their fraction in chunks: one step overflows).
const crossDDL = `CREATE TABLE public.every_type (
  id integer PRIMARY KEY,
  i2 smallint, i8 bigint, n12 numeric(12,2), n30 numeric(30,5), nfree numeric,
  r real, d double precision,
  t text, vc varchar(10), ch char(5), b bytea, flag boolean,
  dt date, tm time, ts timestamp, tstz timestamptz,
  jb jsonb, u uuid, iv interval, arr integer[],
  n38s20 numeric(38,20), n38s37 numeric(38,37)
);
INSERT INTO public.every_type VALUES
 (1, 32767, 9223372036854775807, 1234567890.12, 1234567890123456789012345.12345, 12345.678901, 1.5, 0.1, 'hello', 'ten chars!', 'ab', '\x00ff10', true, '2024-02-29', '23:59:59.999999', '2024-01-02 03:04:05.123456', '2024-01-02 03:04:05.123456+05:30', '{"a": [1, 2], "b": null}', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', '1 year 2 mons', '{1,NULL,3}', 123456789012345678.12345678901234567891, 0.1234567890123456789012345678901234567),
 (2, -32768, -9223372036854775808, -0.01, -0.00001, -0.5, 'Infinity', '-Infinity', '', '', '', '', false, '1969-12-31', '00:00:00', '1900-01-01 00:00:00', '1960-06-15 12:00:00.000001+00', 'null', '00000000-0000-0000-0000-000000000000', '-1 day', '{}', -0.00000000000000000001, -0.0000000000000000000000000000000000001),
 (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 (4, 0, 0, 0, 0, 0, '-Infinity', 1e308, 'ünïcödé ☃ a|b\c', 'a''b"c', 'x    ', '\x', NULL, '0001-01-01', '12:34:56', '9999-12-31 23:59:59.999999', '0001-01-01 00:00:00+00', '"str"', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '00:00:00', '{{1,2},{3,4}}', 0, 0),
 (5, 1, 2, 99.99, 3.14159, 2.5, 'NaN', 5e-324, 'truncate me', 'short', 'pad', '\xdeadbeef', true, '2000-01-01', '08:00:00.5', '2000-01-01 00:00:00', '2000-01-01 00:00:00-08', '[1, 2.50, "x"]', NULL, NULL, NULL, -999999999999999999.99999999999999999999, 0.5),
 (6, 7, 8, 0.5, 0.5, 0.5, -0.0, -2.2250738585072014e-308, '', 'e', '', '\x01', false, '2024-07-01', '00:00:00.000001', '2024-07-01 12:00:00', '2024-07-01 12:00:00+02', '{}', NULL, NULL, NULL, 999999999999999999.00000000000000000009, -0.9999999999999999999999999999999999999)`

const crossRows = 6

// TestChecksumThreeWaysAndCorruption extracts a table of every type from PostgreSQL
// (checksum 1, from the values written to Parquet), loads it into the local Snowflake
// through PUT and LoadPartition (checksum 2, computed by VerifyPartition over each
// partition's key range), and computes checksum 3 in SQL on PostgreSQL: all three
// agree per partition. Then one value per type is corrupted in the target (a shifted
// timestamp, a rounded decimal, a changed byte, a truncated string, NULL for an empty
// string) and VerifyPartition fails exactly those partitions, and the row hashes of
// source and target differ exactly for those keys.
func TestChecksumThreeWaysAndCorruption(t *testing.T) {
	h := newHarness(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	pool, err := pgxpool.New(ctx, testenv.Postgres(t).NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if _, err := pool.Exec(ctx, crossDDL); err != nil {
		t.Fatal(err)
	}
	src := &postgres.Source{Pool: pool, Dialect: postgres.NewDialect()}
	tc := config.TableConfig{
		Source:                   &config.Identifier{SchemaName: "public", TableName: "every_type"},
		Target:                   &config.Identifier{DatabaseName: "TARGET_DB", SchemaName: "PUBLIC", TableName: "EVERY_TYPE"},
		ColumnNamesToPartitionBy: []string{"id"},
	}
	info, err := src.Introspect(ctx, tc)
	if err != nil {
		t.Fatal(err)
	}

	var meta snowflakeapi.EnsureMetadataResult
	h.mustRun(t, h.a.EnsureMetadata, snowflakeapi.EnsureMetadataInput{ConnectionName: h.conn}, &meta)
	if _, err := h.db.Exec(`CREATE DATABASE IF NOT EXISTS TARGET_DB`); err != nil {
		t.Fatal(err)
	}
	var prep snowflakeapi.PrepareTargetResult
	h.mustRun(t, h.a.PrepareTarget, snowflakeapi.PrepareTargetInput{ConnectionName: h.conn, Migration: "mig", MigrationRunID: "run-1",
		TableKey: "src.public.every_type", Target: *tc.Target, Columns: info.Columns, Sync: config.SyncNone}, &prep)

	// Partition n holds the row id = n; partition 0 is the (empty) NULL-key partition.
	parts := []migration.Partition{{Number: 0, NullKeys: true}}
	for n := 1; n <= crossRows; n++ {
		p := migration.Partition{Number: n, Upper: []string{fmt.Sprint(n)}}
		if n > 1 {
			p.Lower = []string{fmt.Sprint(n - 1)}
		}
		if n == crossRows {
			p.Upper = nil
		}
		parts = append(parts, p)
	}
	verifyIn := map[int]snowflakeapi.VerifyPartitionInput{}
	for _, p := range parts {
		req := source.ExtractRequest{Table: tc, TableShape: info.TableShape, Partition: p}
		dir := filepath.Join(t.TempDir(), "p")
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		st, err := src.Extract(ctx, req, dir, nil)
		if err != nil {
			t.Fatalf("partition %d: extract: %v", p.Number, err)
		}
		// Computation 3 in SQL on PostgreSQL (the streamed form, the default, is
		// computation 1 without Parquet: equal by construction).
		sum3, rows3, err := src.ChecksumPartitionSQL(ctx, req)
		if err != nil {
			t.Fatalf("partition %d: source checksum: %v", p.Number, err)
		}
		if sum3 != st.Checksum || rows3 != st.Rows {
			t.Errorf("partition %d: extractor %s (%d rows), PostgreSQL %s (%d rows)", p.Number, st.Checksum, st.Rows, sum3, rows3)
		}
		stage := migration.StagePath(meta.StageName, "mig", "src.public.every_type", p.Number)
		names := make([]string, len(st.Files))
		for i, f := range st.Files {
			h.put(t, f.Path, stage)
			names[i] = f.Name
		}
		var load snowflakeapi.LoadPartitionResult
		h.mustRun(t, h.a.LoadPartition, snowflakeapi.LoadPartitionInput{ConnectionName: h.conn, Migration: "mig", MigrationRunID: "run-1",
			TableKey: "src.public.every_type", Target: prep.Target, Columns: info.Columns, Partition: p, StagePrefix: stage,
			Files: names, RowsExtracted: st.Rows, Bytes: st.Bytes}, &load)
		vin := snowflakeapi.VerifyPartitionInput{ConnectionName: h.conn, Migration: "mig", MigrationRunID: "run-1",
			TableKey: "src.public.every_type", Target: prep.Target, Columns: info.Columns, PartitionBy: info.PartitionBy,
			Partition: p, RowsExtracted: st.Rows, RowsLoaded: load.RowsLoaded, SourceChecksum: st.Checksum}
		var vr snowflakeapi.VerifyPartitionResult
		if err := h.run(t, h.a.VerifyPartition, vin, &vr); err != nil {
			t.Errorf("partition %d: verify: %v", p.Number, err)
		} else if vr.TargetChecksum != st.Checksum {
			t.Errorf("partition %d: target %s, extractor %s", p.Number, vr.TargetChecksum, st.Checksum)
		}
		verifyIn[p.Number] = vin
	}
	if t.Failed() {
		t.FailNow()
	}

	whole := migration.Partition{Number: 99}
	before := rowHashes(t, h.db, prep.Target, info.Columns, info.PartitionBy, whole)
	tbl := snowflake.TableName(prep.Target)
	for _, q := range []string{
		`UPDATE ` + tbl + ` SET TSTZ = '2024-01-02 04:04:05.123456+05:30'::TIMESTAMP_TZ WHERE ID = 1`, // shifted by an hour
		`UPDATE ` + tbl + ` SET N30 = ROUND(N30, 4) WHERE ID = 5`,                                     // rounded decimal: 3.14159 → 3.1416
		`UPDATE ` + tbl + ` SET B = TO_BINARY('DEADBEEE', 'HEX') WHERE ID = 5`,
		`UPDATE ` + tbl + ` SET T = 'truncate' WHERE ID = 5`, // truncated string
		`UPDATE ` + tbl + ` SET T = NULL WHERE ID = 6`,       // NULL for an empty string
		`UPDATE ` + tbl + ` SET R = 1.5000001 WHERE ID = 1`,  // not exactly the float
		`UPDATE ` + tbl + ` SET CH = 'x' WHERE ID = 4`,       // lost padding
		`UPDATE ` + tbl + ` SET TS = TS WHERE ID = 2`,        // no change: must still verify
	} {
		if _, err := h.db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	var failed []int
	for _, p := range parts {
		vin := verifyIn[p.Number]
		vin.Migration = "mig-corrupt"
		err := h.run(t, h.a.VerifyPartition, vin, nil)
		if err == nil {
			continue
		}
		appErr(t, err, migration.ErrTypeChecksumMismatch, fmt.Sprintf("partition %d of src.public.every_type", p.Number), "value checksum mismatch", vin.SourceChecksum)
		failed = append(failed, p.Number)
	}
	if fmt.Sprint(failed) != "[1 4 5 6]" {
		t.Errorf("partitions failing after the corruption: %v, want [1 4 5 6]", failed)
	}
	var recorded int64
	if err := h.db.QueryRow(`SELECT COUNT(*) FROM ` + metaPrefix + `DATA_MIGRATION_ERROR WHERE WORKFLOW_ID = 'mig-corrupt' AND ERROR_MESSAGE LIKE '%value checksum mismatch%'`).Scan(&recorded); err != nil || recorded != 4 {
		t.Errorf("DATA_MIGRATION_ERROR holds %d checksum mismatches (%v), want 4", recorded, err)
	}
	after := rowHashes(t, h.db, prep.Target, info.Columns, info.PartitionBy, whole)
	var changed []string
	for k, v := range before {
		if after[k] != v {
			changed = append(changed, k)
		}
	}
	sort.Strings(changed)
	if strings.Join(changed, ",") != "1,4,5,6" {
		t.Errorf("row hashes changed for keys %v, want 1,4,5,6", changed)
	}
	// The same rows, located source against target: PostgreSQL's row hashes differ from
	// the target's exactly for the corrupted keys (and agree with the target's before).
	srcHashes, err := src.RowHashes(ctx, source.ExtractRequest{Table: tc, TableShape: info.TableShape, Partition: whole})
	if err != nil {
		t.Fatal(err)
	}
	var differ []string
	for _, r := range srcHashes {
		if before[r.Key] != r.Hash {
			t.Errorf("key %s: source hash %s, target hash before the corruption %s", r.Key, r.Hash, before[r.Key])
		}
		if after[r.Key] != r.Hash {
			differ = append(differ, r.Key)
		}
	}
	if len(srcHashes) != crossRows || strings.Join(differ, ",") != "1,4,5,6" {
		t.Errorf("source and target row hashes differ for keys %v (of %d source rows), want 1,4,5,6", differ, len(srcHashes))
	}
}

// rowHashes lists key → row hash on the target (snowflake.RowHashesSQL).
func rowHashes(t *testing.T, db *sql.DB, target migration.TableRef, cols []migration.Column, by []int, p migration.Partition) map[string]string {
	t.Helper()
	q, err := snowflake.RowHashesSQL(target, cols, by, p)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, hsh string
		if err := rows.Scan(&k, &hsh); err != nil {
			t.Fatal(err)
		}
		out[k] = hsh
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
