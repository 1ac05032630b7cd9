package snowflakeside

import (
	"testing"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
)

func strp(s string) *string { return &s }

// syncLoadSetup loads IDs 1..10 (AMOUNT i-0.5, the watermark) as run-1, then stages
// rows for run-2's partition 1 and returns its LoadSyncPartition input.
func syncLoadSetup(t *testing.T, h *harness, merge bool, staged []parquetRow) snowflakeapi.LoadSyncPartitionInput {
	t.Helper()
	first := loadSetup(t, h, 10)
	h.mustRun(t, h.a.LoadPartition, first, nil)
	in := first
	in.MigrationRunID = "run-2"
	h.put(t, writeParquet(t, "part-0000.parquet", staged), in.StagePrefix)
	in.RowsExtracted = int64(len(staged))
	return snowflakeapi.LoadSyncPartitionInput{
		LoadPartitionInput: in, Merge: merge, PartitionBy: []int{0}, Watermark: testColumns[2],
		Low: strp("9.5"), High: strp("60"), PrimaryKeys: []string{"ID"},
	}
}

func TestLoadSyncPartitionMergeLatestVersionWinsOnce(t *testing.T) {
	h := newHarness(t)
	name := func(s string) *string { return &s }
	in := syncLoadSetup(t, h, true, []parquetRow{
		{ID: 3, Name: name("older-3"), Amount: 15},
		{ID: 3, Name: name("new-3"), Amount: 20},
		{ID: 11, Name: name("new-11"), Amount: 30},
		{ID: 4, Name: name("stale-4"), Amount: 1}, // older than the target's version: kept out
	})
	var res snowflakeapi.LoadSyncPartitionResult
	h.mustRun(t, h.a.LoadSyncPartition, in, &res)
	// Four rows copied; the MERGE wrote two keys (3 updated to its newest version, 11
	// inserted; 4 is older than the target's): VerifyPartition cannot compare them.
	if res.RowsLoaded != 4 || res.AlreadyLoaded || res.RowsMerged != 2 {
		t.Fatalf("merge: %+v", res)
	}
	check := func() {
		t.Helper()
		if n := h.count(t, `SELECT COUNT(*) FROM `+loadTable); n != 11 {
			t.Fatalf("%d rows after the merge, want 11", n)
		}
		if n := h.count(t, `SELECT COUNT(DISTINCT ID) FROM `+loadTable); n != 11 {
			t.Fatalf("%d distinct keys, want 11", n)
		}
		for id, want := range map[int]string{3: "new-3", 11: "new-11", 4: "name-4"} {
			var got string
			if err := h.db.QueryRow(`SELECT "Name" FROM `+loadTable+` WHERE ID = ?`, id).Scan(&got); err != nil || got != want {
				t.Fatalf("ID %d: %q (%v), want %q", id, got, err, want)
			}
		}
	}
	check()
	if n := h.count(t, `SELECT COUNT(*) FROM `+metaPrefix+`PARTITION_METADATA WHERE RUN_ID = 'run-2' AND PARTITION_NUMBER = 1 AND WATERMARK_LOW = '9.5' AND WATERMARK_HIGH = '60' AND LOADED_AT IS NOT NULL`); n != 1 {
		t.Fatalf("run-2's partition row does not record its window (%d rows)", n)
	}
	if n := h.count(t, `SELECT COUNT(*) FROM TARGET_DB.INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME LIKE 'SNOWMIGRATE_STG_%'`); n != 0 {
		t.Fatalf("%d staging tables left", n)
	}
	// A retry after a lost result merges nothing again.
	h.put(t, writeParquet(t, "part-0000.parquet", []parquetRow{{ID: 99, Amount: 99}}), in.StagePrefix)
	res = snowflakeapi.LoadSyncPartitionResult{}
	h.mustRun(t, h.a.LoadSyncPartition, in, &res)
	if !res.AlreadyLoaded || res.RowsLoaded != 4 {
		t.Fatalf("retry: %+v", res)
	}
	check()
}

func TestLoadSyncPartitionAppendReplacesWhatAFailedRunLeft(t *testing.T) {
	h := newHarness(t)
	name := func(s string) *string { return &s }
	in := syncLoadSetup(t, h, false, []parquetRow{
		{ID: 5, Name: name("changed-5"), Amount: 50},
		{ID: 7, Name: name("changed-7"), Amount: 60},
	})
	// What a failed run appended to this range above the mark, and a row of another range.
	if _, err := h.db.Exec(`INSERT INTO ` + loadTable + ` (ID, "Name", AMOUNT) VALUES (5, 'changed-5', 50), (12, 'other-range', 70)`); err != nil {
		t.Fatal(err)
	}
	var res snowflakeapi.LoadSyncPartitionResult
	h.mustRun(t, h.a.LoadSyncPartition, in, &res)
	if res.RowsLoaded != 2 || res.RowsDeleted != 1 {
		t.Fatalf("append: %+v", res)
	}
	if n := h.count(t, `SELECT COUNT(*) FROM `+loadTable); n != 13 {
		t.Fatalf("%d rows, want 10 + 2 versions + the other range's row", n)
	}
	if n := h.count(t, `SELECT COUNT(*) FROM `+loadTable+` WHERE ID = 5`); n != 2 {
		t.Fatalf("ID 5 has %d versions, want 2 (the first run's and this run's)", n)
	}
	if n := h.count(t, `SELECT COUNT(*) FROM `+loadTable+` WHERE ID = 12`); n != 1 {
		t.Fatal("a row outside the partition's range was touched")
	}
}
