package snowflakeside

import (
	"math"
	"strings"
	"testing"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/checksum"
	"github.com/snowmigrate/snowmigrate/migration"
)

var verifyCols = []migration.Column{
	{SourceName: "id", TargetName: "ID", TargetType: "NUMBER(19,0)"},
	{SourceName: "amount", TargetName: "AMOUNT", TargetType: "NUMBER(12,2)", Nullable: true},
	{SourceName: "ratio", TargetName: "RATIO", TargetType: "FLOAT", Nullable: true},
	{SourceName: "flag", TargetName: "FLAG", TargetType: "BOOLEAN", Nullable: true},
	{SourceName: "name", TargetName: "Name", TargetType: "VARCHAR(20)", Nullable: true},
	{SourceName: "blob", TargetName: "BLOB", TargetType: "BINARY", Nullable: true},
	{SourceName: "day", TargetName: "DAY", TargetType: "DATE", Nullable: true},
	{SourceName: "t", TargetName: "T", TargetType: "TIME(6)", Nullable: true},
	{SourceName: "ts", TargetName: "TS", TargetType: "TIMESTAMP_NTZ(6)", Nullable: true},
	{SourceName: "tstz", TargetName: "TSTZ", TargetType: "TIMESTAMP_TZ(6)", Nullable: true},
	{SourceName: "doc", TargetName: "DOC", TargetType: "VARIANT", Nullable: true},
}

// The value checksum computed on the target equals the one computed in Go from the same
// values, and a single changed value fails the partition with both checksums named.
func TestVerifyPartitionComparesValueChecksums(t *testing.T) {
	h := newHarness(t)
	h.mustRun(t, h.a.EnsureMetadata, snowflakeapi.EnsureMetadataInput{ConnectionName: h.conn}, &snowflakeapi.EnsureMetadataResult{})
	for _, q := range []string{
		`CREATE DATABASE IF NOT EXISTS TARGET_DB`,
		`CREATE OR REPLACE TABLE TARGET_DB.PUBLIC.CK (ID NUMBER(19,0), AMOUNT NUMBER(12,2), RATIO FLOAT, FLAG BOOLEAN, "Name" VARCHAR(20),
		 BLOB BINARY, DAY DATE, T TIME(6), TS TIMESTAMP_NTZ(6), TSTZ TIMESTAMP_TZ(6), DOC VARIANT)`,
		`INSERT INTO TARGET_DB.PUBLIC.CK SELECT 1, -0.05, 0.1, TRUE, 'a|b\\c  ', TO_BINARY('00FF', 'HEX'), '2024-02-29', '23:59:59.999999',
		 '1969-12-31 23:59:59.999999', '2024-01-31 10:00:00+01:00', PARSE_JSON('{"a": 1}')`,
		`INSERT INTO TARGET_DB.PUBLIC.CK (ID, "Name", BLOB) SELECT 2, '', TO_BINARY('', 'HEX')`,
		`INSERT INTO TARGET_DB.PUBLIC.CK SELECT 3, 12345678.9, -1e300, FALSE, 'x', TO_BINARY('DEAD', 'HEX'), '0001-01-01', '00:00:00',
		 '2024-01-31 10:00:00.5', '1970-01-01 00:00:00+00:00', PARSE_JSON('null')`,
		`INSERT INTO TARGET_DB.PUBLIC.CK (ID, RATIO) SELECT 4, 'NaN'`,
		`INSERT INTO TARGET_DB.PUBLIC.CK (ID, RATIO) SELECT 5, 0`,
	} {
		if _, err := h.db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	var want checksum.Sum
	var r checksum.Row
	add := func(build func()) { r.Reset(); build(); want.AddRow(&r) }
	add(func() {
		r.Int(1)
		r.Decimal(-5, 2)
		r.Float(0.1)
		r.Bool(true)
		r.Text([]byte(`a|b\c  `))
		r.Binary([]byte{0, 0xff})
		r.Date(19782)
		r.Time(86399999999)
		r.Timestamp(-1)
		r.Timestamp(1706691600000000)
		r.Semi()
	})
	add(func() {
		r.Int(2)
		r.Null()
		r.Null()
		r.Null()
		r.Text(nil)
		r.Binary(nil)
		for i := 0; i < 5; i++ {
			r.Null()
		}
	})
	add(func() {
		r.Int(3)
		r.Decimal(1234567890, 2)
		r.Float(-1e300)
		r.Bool(false)
		r.Text([]byte("x"))
		r.Binary([]byte{0xde, 0xad})
		r.Date(-719162)
		r.Time(0)
		r.Timestamp(1706695200500000)
		r.Timestamp(0)
		r.Semi()
	})
	for _, f := range []float64{math.NaN(), 0} {
		id := int64(4)
		if f == 0 {
			id = 5
		}
		add(func() {
			r.Int(id)
			r.Null()
			r.Float(f)
			for i := 0; i < 8; i++ {
				r.Null()
			}
		})
	}
	in := snowflakeapi.VerifyPartitionInput{ConnectionName: h.conn, Migration: "mig", MigrationRunID: "run-1", TableKey: "src.public.ck",
		Target: migration.TableRef{Database: "TARGET_DB", Schema: "PUBLIC", Table: "CK"}, Columns: verifyCols, PartitionBy: []int{0},
		Partition: migration.Partition{Number: 1}, RowsExtracted: 5, RowsLoaded: 5, SourceChecksum: want.String()}
	var res snowflakeapi.VerifyPartitionResult
	h.mustRun(t, h.a.VerifyPartition, in, &res)
	if res.TargetChecksum != want.String() || res.TargetRows != 5 {
		t.Fatalf("target %+v, want checksum %s", res, want)
	}

	// One changed value: the counts agree, the checksums do not.
	if _, err := h.db.Exec(`UPDATE TARGET_DB.PUBLIC.CK SET "Name" = 'a|b\\c' WHERE ID = 1`); err != nil {
		t.Fatal(err)
	}
	in.Partition = migration.Partition{Number: 2, Upper: []string{"10"}}
	err := h.run(t, h.a.VerifyPartition, in, nil)
	appErr(t, err, migration.ErrTypeChecksumMismatch, "partition 2 of src.public.ck", "value checksum mismatch", "source "+want.String(), "5 rows on both sides")
	var first string
	if err := h.db.QueryRow(`SELECT ERROR_MESSAGE FROM ` + metaPrefix + `DATA_MIGRATION_ERROR WHERE WORKFLOW_ID = 'mig' AND PARTITION_NUMBER = 2`).Scan(&first); err != nil || first == "" {
		t.Errorf("mismatch not in DATA_MIGRATION_ERROR: %v %q", err, first)
	}

	// A checksum of another version is a configuration error, not a data difference.
	in.SourceChecksum = "v0:5:1:2"
	appErr(t, h.run(t, h.a.VerifyPartition, in, nil), migration.ErrTypeConfig, "not a v1 checksum")
}

// A re-run partition of a watermark re-sync is proven over the range's rows inside the
// window (earlier versions and rows above the window are not counted); a changed value
// of a loaded row fails it. A merge is compared only when every extracted row became a
// key's target row, else proven by count with the reason recorded.
func TestVerifyPartitionWindow(t *testing.T) {
	h := newHarness(t)
	h.mustRun(t, h.a.EnsureMetadata, snowflakeapi.EnsureMetadataInput{ConnectionName: h.conn}, &snowflakeapi.EnsureMetadataResult{})
	exec := func(qs ...string) {
		t.Helper()
		for _, q := range qs {
			if _, err := h.db.Exec(q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
	}
	exec(`CREATE DATABASE IF NOT EXISTS TARGET_DB`,
		`CREATE OR REPLACE TABLE TARGET_DB.PUBLIC.WM (ID NUMBER(19,0), V VARCHAR, W NUMBER(19,0))`,
		// an earlier run's rows (W <= 10), this run's window (10 < W <= 20), and a row of
		// the window in another range
		`INSERT INTO TARGET_DB.PUBLIC.WM VALUES (1, 'a', 5), (2, 'b', 5), (4, 'old', 5), (4, 'd', 15), (5, 'e', 18), (50, 'z', 15)`)
	cols := []migration.Column{
		{SourceName: "id", TargetName: "ID", TargetType: "NUMBER(19,0)"},
		{SourceName: "v", TargetName: "V", TargetType: "VARCHAR", Nullable: true},
		{SourceName: "w", TargetName: "W", TargetType: "NUMBER(19,0)"},
	}
	var want checksum.Sum
	var r checksum.Row
	for _, row := range []struct {
		id int64
		v  string
		w  int64
	}{{4, "d", 15}, {5, "e", 18}} {
		r.Reset()
		r.Int(row.id)
		r.Text([]byte(row.v))
		r.Int(row.w)
		want.AddRow(&r)
	}
	low, high := "10", "20"
	in := snowflakeapi.VerifyPartitionInput{ConnectionName: h.conn, Migration: "mig", MigrationRunID: "run-w", TableKey: "src.public.wm",
		Target: migration.TableRef{Database: "TARGET_DB", Schema: "PUBLIC", Table: "WM"}, Columns: cols, PartitionBy: []int{0},
		Partition: migration.Partition{Number: 1, Upper: []string{"10"}}, RowsExtracted: 2, RowsLoaded: 2, SourceChecksum: want.String(),
		Window: &migration.WatermarkWindow{Column: "w", Low: &low, High: &high}}
	var res snowflakeapi.VerifyPartitionResult
	h.mustRun(t, h.a.VerifyPartition, in, &res)
	if res.TargetRows != 2 || res.TargetChecksum != want.String() || res.ValueNotCompared != "" {
		t.Fatalf("append window: %+v, want 2 rows with checksum %s", res, want)
	}
	// Without the window the range holds the earlier versions too: the count differs.
	noWin := in
	noWin.Window, noWin.Partition.Number = nil, 2
	appErr(t, h.run(t, h.a.VerifyPartition, noWin, nil), migration.ErrTypeChecksumMismatch, "rows in the target range 5")

	// A loaded row corrupted in the target: same count, different checksum.
	exec(`UPDATE TARGET_DB.PUBLIC.WM SET V = 'E' WHERE ID = 5`)
	in.Partition.Number = 3
	appErr(t, h.run(t, h.a.VerifyPartition, in, nil), migration.ErrTypeChecksumMismatch,
		"partition 3 of src.public.wm", "value checksum mismatch", "source "+want.String(), `among its rows with w above the low mark "10" (the run's watermark window "10" < w <= "20")`)
	exec(`UPDATE TARGET_DB.PUBLIC.WM SET V = 'e' WHERE ID = 5`)

	// A row above the window's high end cannot come from any load (the load deleted
	// everything above the low mark, then copied rows up to high): it is counted.
	exec(`INSERT INTO TARGET_DB.PUBLIC.WM VALUES (6, 'f', 25)`)
	in.Partition.Number = 9
	appErr(t, h.run(t, h.a.VerifyPartition, in, nil), migration.ErrTypeChecksumMismatch, "rows of the watermark window in the target range 3")
	exec(`DELETE FROM TARGET_DB.PUBLIC.WM WHERE ID = 6`)

	// Merge, one version per key extracted and merged: compared like an append.
	in.Merge, in.RowsMerged, in.Partition.Number = true, 2, 4
	h.mustRun(t, h.a.VerifyPartition, in, &res)
	if res.TargetChecksum != want.String() || res.ValueNotCompared != "" {
		t.Fatalf("merge, one version per key: %+v", res)
	}
	// Merge of two versions of a key into one: not comparable, proven by count, recorded.
	in.RowsExtracted, in.RowsLoaded, in.RowsMerged, in.Partition.Number = 3, 3, 2, 5
	res = snowflakeapi.VerifyPartitionResult{}
	h.mustRun(t, h.a.VerifyPartition, in, &res)
	if !strings.Contains(res.ValueNotCompared, "3 rows extracted were merged into 2 keys") || res.TargetChecksum != "" {
		t.Fatalf("merge of several versions: %+v", res)
	}
	var warned int
	if err := h.db.QueryRow(`SELECT COUNT(*) FROM ` + metaPrefix + `MIGRATION_WARNING WHERE WORKFLOW_ID = 'mig' AND CATEGORY = 'VALUE_NOT_COMPARED'`).Scan(&warned); err != nil || warned != 1 {
		t.Fatalf("reason recorded %d times (%v), want once", warned, err)
	}
	// Merge with a window row the run did not merge (an earlier failed run's, deleted at
	// the source since): more target rows than merged, proven by count.
	exec(`INSERT INTO TARGET_DB.PUBLIC.WM VALUES (7, 'g', 12)`)
	in.RowsExtracted, in.RowsLoaded, in.RowsMerged, in.Partition.Number = 2, 2, 2, 6
	res = snowflakeapi.VerifyPartitionResult{}
	h.mustRun(t, h.a.VerifyPartition, in, &res)
	if res.TargetRows != 3 || !strings.Contains(res.ValueNotCompared, "holds 3 rows of the watermark window, 2 were merged") {
		t.Fatalf("merge with an extra window row: %+v", res)
	}
	// The same extra row fails an append: its load removed everything above the mark.
	in.Merge, in.Partition.Number = false, 7
	appErr(t, h.run(t, h.a.VerifyPartition, in, nil), migration.ErrTypeChecksumMismatch, "rows of the watermark window in the target range 3")
	// A merge that lost a row fails.
	exec(`DELETE FROM TARGET_DB.PUBLIC.WM WHERE ID IN (5, 7)`)
	in.Merge, in.Partition.Number = true, 8
	appErr(t, h.run(t, h.a.VerifyPartition, in, nil), migration.ErrTypeChecksumMismatch, "rows of the watermark window in the target range 1")
}
