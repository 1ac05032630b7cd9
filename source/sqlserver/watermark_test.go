package sqlserver

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
)

// MaxWatermark reads the largest watermark as canonical text for every supported
// type; the window restricts planning, extraction and the checksum to low < w <= high
// (plus NULL watermarks on a first run), compared in the column's own type.
func TestWatermarkAndWindow(t *testing.T) {
	s, db := newDB(t, `CREATE TABLE dbo.w (id int NOT NULL PRIMARY KEY, n bigint, d date, dt datetime, dt2 datetime2(7), dto datetimeoffset(3), amount decimal(9,2), note nvarchar(10))`,
		`INSERT INTO dbo.w VALUES (1, 10, '2024-01-01', '2024-01-01 10:00:00.003', '2024-01-01 10:00:00.1234567', '2024-01-01 10:00:00.125 +02:00', 1.50, N'a'),
 (2, 20, '2024-01-02', '2024-01-02 10:00:00', '2024-01-02 10:00:00.0000001', '2024-01-01 09:00:00.500 +00:00', 2.25, N'b'),
 (3, NULL, NULL, NULL, NULL, NULL, NULL, N'c'),
 (4, 30, '2023-12-31', '2023-12-31 23:59:59.997', '2023-12-31 23:59:59.9999999', '2024-01-01 23:00:00 +14:00', -3.00, N'd')`)
	tc := tableConfig("w", "id")
	info, err := s.Introspect(ctxT(t), tc)
	if err != nil {
		t.Fatal(err)
	}
	for col, want := range map[string]string{
		"n": "30", "d": "2024-01-02", "dt": "2024-01-02 10:00:00.000", "DT2": "2024-01-02 10:00:00.0000001",
		"dto": "2024-01-01 09:00:00.500+00:00", "amount": "2.25",
	} {
		res, err := s.MaxWatermark(ctxT(t), source.WatermarkRequest{Table: tc, TableShape: info.TableShape, Column: col, PrimaryKeys: []string{"ID"}})
		if err != nil {
			t.Fatalf("%s: %v", col, err)
		}
		if res.High == nil || *res.High != want || res.PrimaryKeys[0] != "id" {
			t.Errorf("%s: high %v pk %v, want %s", col, res.High, res.PrimaryKeys, want)
		}
	}
	if _, err := s.MaxWatermark(ctxT(t), source.WatermarkRequest{Table: tc, TableShape: info.TableShape, Column: "note"}); !errors.Is(err, source.ErrConfig) {
		t.Errorf("an nvarchar watermark: %v", err)
	}
	if _, err := s.MaxWatermark(ctxT(t), source.WatermarkRequest{Table: tc, TableShape: info.TableShape, Column: "nope"}); !errors.Is(err, source.ErrMissing) {
		t.Errorf("a missing column: %v", err)
	}
	str := func(s string) *string { return &s }
	ids := func(win *migration.WatermarkWindow) []int {
		t.Helper()
		req := source.PlanRequest{Table: tc, TableShape: info.TableShape, MaxPartitions: 2, Windowed: source.Windowed{Window: win}}
		page, err := s.PlanPartitions(ctxT(t), req)
		if err != nil {
			t.Fatalf("plan %+v: %v", win, err)
		}
		var got []int
		for _, p := range page.Partitions {
			xr := source.ExtractRequest{Table: tc, TableShape: info.TableShape, Partition: p, Windowed: source.Windowed{Window: win}}
			dir := filepath.Join(t.TempDir(), "p")
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			st, err := s.Extract(ctxT(t), xr, dir, nil)
			if err != nil {
				t.Fatalf("extract %+v: %v", win, err)
			}
			sum, n, err := s.ChecksumPartition(ctxT(t), xr)
			if err != nil || sum != st.Checksum || n != st.Rows {
				t.Fatalf("window %+v partition %d: checksum %s (%d) vs extractor %s (%d): %v", win, p.Number, sum, n, st.Checksum, st.Rows, err)
			}
			for _, r := range readParquet(t, st.Files) {
				got = append(got, int(r["ID"].Int32()))
			}
		}
		sort.Ints(got)
		return got
	}
	for _, tcase := range []struct {
		win  *migration.WatermarkWindow
		want []int
	}{
		{&migration.WatermarkWindow{Column: "dt2", High: str("2024-01-02 10:00:00.0000001"), IncludeNull: true}, []int{1, 2, 3, 4}},
		{&migration.WatermarkWindow{Column: "dt2", Low: str("2024-01-01 10:00:00.1234567"), High: str("2024-01-02 10:00:00.0000001")}, []int{2}},
		{&migration.WatermarkWindow{Column: "dto", Low: str("2024-01-01 08:00:00.125+00:00"), High: str("2024-01-01 09:00:00.500+00:00")}, []int{2, 4}}, // 23:00 +14:00 is 09:00 UTC
		{&migration.WatermarkWindow{Column: "dto", High: str("2024-01-01 09:00:00.499+00:00")}, []int{1, 4}},
		{&migration.WatermarkWindow{Column: "n", Low: str("10"), High: str("30")}, []int{2, 4}},
		{&migration.WatermarkWindow{Column: "d", Low: str("2024-01-01"), High: str("2024-01-01")}, nil},
		{&migration.WatermarkWindow{Column: "amount"}, nil},
	} {
		if got := ids(tcase.win); len(got) != len(tcase.want) || (len(got) > 0 && !equalInts(got, tcase.want)) {
			t.Errorf("window %+v: rows %v, want %v", *tcase.win, got, tcase.want)
		}
	}
	// hostile window bounds are parameters, never SQL
	_, err = s.PlanPartitions(ctxT(t), source.PlanRequest{Table: tc, TableShape: info.TableShape, MaxPartitions: 2,
		Windowed: source.Windowed{Window: &migration.WatermarkWindow{Column: "n", High: str("1; DROP TABLE dbo.w --")}}})
	if err == nil {
		t.Fatal("a non-numeric bound was accepted")
	}
	var n int
	if err := db.QueryRowContext(ctxT(t), "SELECT COUNT(*) FROM dbo.w").Scan(&n); err != nil || n != 4 {
		t.Fatalf("table after a hostile bound: %d rows, %v", n, err)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
