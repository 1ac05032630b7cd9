package snowflakeside

import (
	"fmt"
	"strings"
	"testing"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/migration"
)

// loadSetup creates the metadata and the target table and stages one Parquet file of n
// rows (IDs 1..n) for partition 1. It returns the load input.
func loadSetup(t *testing.T, h *harness, n int) snowflakeapi.LoadPartitionInput {
	t.Helper()
	var meta snowflakeapi.EnsureMetadataResult
	h.mustRun(t, h.a.EnsureMetadata, snowflakeapi.EnsureMetadataInput{ConnectionName: h.conn}, &meta)
	if _, err := h.db.Exec(`CREATE DATABASE IF NOT EXISTS TARGET_DB`); err != nil {
		t.Fatal(err)
	}
	var prep snowflakeapi.PrepareTargetResult
	h.mustRun(t, h.a.PrepareTarget, prepareInput(h, "run-1"), &prep)
	rows := make([]parquetRow, n)
	for i := range rows {
		name := fmt.Sprintf("name-%d", i+1)
		rows[i] = parquetRow{ID: int64(i + 1), Name: &name, Amount: float64(i) + 0.5}
	}
	rows[0].Name = nil // a NULL travels too
	stage := migration.StagePath(meta.StageName, "mig", "src.public.orders", 1)
	h.put(t, writeParquet(t, "part-0000.parquet", rows), stage)
	return snowflakeapi.LoadPartitionInput{
		ConnectionName: h.conn, Migration: "mig", MigrationRunID: "run-1", TableKey: "src.public.orders",
		Target: prep.Target, Columns: testColumns, Partition: migration.Partition{Number: 1, Lower: []string{"0"}, Upper: []string{fmt.Sprint(n)}},
		StagePrefix: stage, Files: []string{"part-0000.parquet"}, RowsExtracted: int64(n), Bytes: 1234,
	}
}

const loadTable = `TARGET_DB."Sales".ORDERS`

func TestLoadPartitionExactlyOnce(t *testing.T) {
	h := newHarness(t)
	in := loadSetup(t, h, 250)
	var res snowflakeapi.LoadPartitionResult
	h.mustRun(t, h.a.LoadPartition, in, &res)
	if res.RowsLoaded != 250 || res.AlreadyLoaded {
		t.Fatalf("first load: %+v", res)
	}
	check := func() {
		t.Helper()
		var n, distinct, nulls int64
		var sum float64
		err := h.db.QueryRow(`SELECT COUNT(*), COUNT(DISTINCT ID), COUNT(*) - COUNT("Name"), SUM(AMOUNT) FROM `+loadTable).Scan(&n, &distinct, &nulls, &sum)
		if err != nil {
			t.Fatal(err)
		}
		if n != 250 || distinct != 250 || nulls != 1 || sum != 250*249/2+125 {
			t.Fatalf("target: rows %d distinct %d nulls %d sum %v", n, distinct, nulls, sum)
		}
		var name string
		if err := h.db.QueryRow(`SELECT "Name" FROM ` + loadTable + ` WHERE ID = 42`).Scan(&name); err != nil || name != "name-42" {
			t.Fatalf("row 42: %v %q", err, name)
		}
	}
	check()
	var status string
	var loaded int64
	err := h.db.QueryRow(`SELECT STATUS, ROWS_LOADED FROM `+metaPrefix+`PARTITION_METADATA WHERE WORKFLOW_ID = 'mig' AND RUN_ID = 'run-1' AND PARTITION_NUMBER = 1 AND LOADED_AT IS NOT NULL`).Scan(&status, &loaded)
	if err != nil || status != StatusLoaded || loaded != 250 {
		t.Fatalf("metadata after load: %v %s %d", err, status, loaded)
	}
	// The stage path was cleared after the commit.
	if n := len(listStage(t, h, in.StagePrefix)); n != 0 {
		t.Errorf("%d staged files left after the load", n)
	}
	// A retry (the activity ran again after a lost result) loads nothing, even with the
	// files staged again.
	h.put(t, writeParquet(t, "part-0000.parquet", []parquetRow{{ID: 999}}), in.StagePrefix)
	res = snowflakeapi.LoadPartitionResult{}
	h.mustRun(t, h.a.LoadPartition, in, &res)
	if !res.AlreadyLoaded || res.RowsLoaded != 250 {
		t.Fatalf("retry: %+v", res)
	}
	check()
	// Verify: counts agree → COMPLETED.
	var vr snowflakeapi.VerifyPartitionResult
	vin := snowflakeapi.VerifyPartitionInput{ConnectionName: h.conn, Migration: "mig", MigrationRunID: "run-1", TableKey: in.TableKey,
		Target: in.Target, Columns: testColumns, PartitionBy: []int{0}, Partition: in.Partition, RowsExtracted: 250, RowsLoaded: 250}
	h.mustRun(t, h.a.VerifyPartition, vin, &vr)
	if vr.TargetRows != 250 {
		t.Fatalf("verify counted %d", vr.TargetRows)
	}
	if n := h.count(t, `SELECT COUNT(*) FROM `+metaPrefix+`PARTITION_METADATA WHERE WORKFLOW_ID = 'mig' AND PARTITION_NUMBER = 1 AND STATUS = 'COMPLETED'`); n != 1 {
		t.Errorf("partition not COMPLETED after verify")
	}
	// A range that the load did not fill: extracted 10 but the target holds 0 rows there.
	vin.Partition = migration.Partition{Number: 2, Lower: []string{"250"}, Upper: []string{"500"}}
	vin.RowsExtracted, vin.RowsLoaded = 10, 10
	err = h.run(t, h.a.VerifyPartition, vin, nil)
	appErr(t, err, migration.ErrTypeChecksumMismatch, "rows extracted 10", "rows loaded 10", "rows in the target range 0")
	var first string
	if err := h.db.QueryRow(`SELECT FIRST_ERROR FROM ` + metaPrefix + `PARTITION_METADATA WHERE WORKFLOW_ID = 'mig' AND PARTITION_NUMBER = 2 AND STATUS = 'FAILED'`).Scan(&first); err != nil || !strings.Contains(first, "rows in the target range 0") {
		t.Errorf("mismatch not recorded: %v %q", err, first)
	}
	// The NULL-key partition of this table is empty and verifies.
	vin.Partition = migration.Partition{Number: 0, NullKeys: true}
	vin.RowsExtracted, vin.RowsLoaded = 0, 0
	h.mustRun(t, h.a.VerifyPartition, vin, &vr)
	if vr.TargetRows != 0 {
		t.Errorf("NULL-key partition counted %d", vr.TargetRows)
	}
}

func TestLoadPartitionFailedCopyLeavesNothing(t *testing.T) {
	h := newHarness(t)
	in := loadSetup(t, h, 10)
	// A second file whose ID column is text that is not a number: the COPY must fail as
	// a whole, including the good file.
	type badRow struct {
		ID   string `parquet:"ID"`
		Name string `parquet:"Name"`
	}
	h.put(t, writeParquet(t, "part-0001.parquet", []badRow{{ID: "not a number", Name: "x"}}), in.StagePrefix)
	in.Files = []string{"part-0000.parquet", "part-0001.parquet"}
	in.RowsExtracted = 11
	err := h.run(t, h.a.LoadPartition, in, nil)
	if err == nil {
		t.Fatal("a COPY of a bad file succeeded")
	}
	appErr(t, err, snowflakeapi.ErrTypeLoadRejected, "partition 1 of src.public.orders")
	if n := h.count(t, "SELECT COUNT(*) FROM "+loadTable); n != 0 {
		t.Errorf("failed COPY left %d rows", n)
	}
	if n := h.count(t, `SELECT COUNT(*) FROM `+metaPrefix+`PARTITION_METADATA WHERE WORKFLOW_ID = 'mig' AND LOADED_AT IS NOT NULL`); n != 0 {
		t.Errorf("failed COPY recorded a load")
	}
	// The files stay for a retry; loading only the good file works and counts 10.
	if n := len(listStage(t, h, in.StagePrefix)); n != 2 {
		t.Errorf("want both files still staged, got %d", n)
	}
	in.Files, in.RowsExtracted = []string{"part-0000.parquet"}, 10
	var res snowflakeapi.LoadPartitionResult
	h.mustRun(t, h.a.LoadPartition, in, &res)
	if res.RowsLoaded != 10 || h.count(t, "SELECT COUNT(*) FROM "+loadTable) != 10 {
		t.Errorf("load after the failure: %+v", res)
	}
}

func TestLoadPartitionMissingFilesAndCountMismatch(t *testing.T) {
	h := newHarness(t)
	in := loadSetup(t, h, 5)
	// Extract said 6 rows, the staged file has 5: rolled back, nothing committed.
	in.RowsExtracted = 6
	err := h.run(t, h.a.LoadPartition, in, nil)
	appErr(t, err, migration.ErrTypeChecksumMismatch, "COPY loaded 5 rows but extract wrote 6")
	if n := h.count(t, "SELECT COUNT(*) FROM "+loadTable); n != 0 {
		t.Errorf("mismatching load left %d rows", n)
	}
	// Files that were never staged.
	in.RowsExtracted = 5
	in.StagePrefix = strings.TrimSuffix(in.StagePrefix, "/1") + "/2"
	in.Partition.Number = 2
	err = h.run(t, h.a.LoadPartition, in, nil)
	if err == nil {
		t.Fatal("load of a missing file succeeded")
	}
	appErr(t, err, snowflakeapi.ErrTypeStagedFiles, "partition 2 of src.public.orders", "extract the partition again")
}

func listStage(t *testing.T, h *harness, prefix string) []string {
	t.Helper()
	rows, err := h.db.Query("LIST " + strings.TrimSuffix(prefix, "/") + "/")
	if err != nil {
		t.Fatalf("LIST %s: %v", prefix, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var names []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		names = append(names, fmt.Sprint(vals[0]))
	}
	return names
}
