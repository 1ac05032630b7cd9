package snowflake

import (
	"testing"

	"github.com/snowmigrate/snowmigrate/migration"
)

func TestGoldenSyncSQL(t *testing.T) {
	l := MetadataLocation{}
	low, high := "2025-01-02 03:04:05.000000+00:00", "2025-02-03 04:05:06.123456+00:00"
	golden(t, "sync_create_table", CreateSyncTableSQL(l))
	golden(t, "sync_merge_mark", MergeSyncMarkSQL(l, SyncMark{WorkflowID: "M'1", RunID: "r2", TableKey: "db.s.t", Strategy: "watermark",
		Column: "updated_at", Low: &low, High: &high, Rows: 42, Partitions: 3, At: goldenTime}))
	golden(t, "sync_merge_mark_first", MergeSyncMarkSQL(l, SyncMark{WorkflowID: "M1", RunID: "r1", TableKey: "db.s.t", Strategy: "watermark",
		Column: "updated_at", High: &high, Rows: 7, Partitions: 1, At: goldenTime}))
	golden(t, "sync_select_mark", SelectSyncMarkSQL(l, "M1", "r2", "db.s.t", "updated_at"))
	golden(t, "sync_select_baseline", SelectBaselineRunSQL(l, "M1", "r2", "db.s.t"))
	golden(t, "sync_mark_synced", MarkSyncedSQL(l, "M1", "r2", "db.s.t", 3, 10, 10, 4096, 1, goldenTime, "1764250000000001", &low, &high, SyncActionMerged))
	golden(t, "sync_select_bounds", SelectPartitionBoundsSQL(l, "M1", "r1", "db.s.t", 4, 200))
	cols := []migration.Column{
		{SourceName: "id", SourceType: "bigint", TargetName: "ID", TargetType: "NUMBER(19,0)"},
		{SourceName: "v", SourceType: "text", TargetName: "V", TargetType: "VARCHAR", Nullable: true},
		{SourceName: "updated_at", SourceType: "timestamp with time zone", TargetName: "UPDATED_AT", TargetType: "TIMESTAMP_TZ(6)", Nullable: true},
	}
	q, err := DeleteWindowSQL(target, cols, []int{0}, migration.Partition{Number: 2, Lower: []string{"10"}, Upper: []string{"20"}}, cols[2], low)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "sync_delete_window", q)
	if _, err := DeleteWindowSQL(target, cols, []int{0}, migration.Partition{Number: 2}, cols[0], "1; DROP TABLE x"); err == nil {
		t.Fatal("a non-number low for a NUMBER watermark was accepted")
	}
	stg := StagingTable(target, "M1", "db.s.t", 2, 3)
	golden(t, "sync_create_staging", CreateStagingSQL(stg, target))
	golden(t, "sync_drop_staging", DropStagingSQL(stg))
	m, err := MergeStagedSQL(target, stg, cols, []string{"ID"}, "UPDATED_AT")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "sync_merge_staged", m)
	if _, err := MergeStagedSQL(target, stg, cols, nil, "UPDATED_AT"); err == nil {
		t.Fatal("merge without a key was accepted")
	}
}
