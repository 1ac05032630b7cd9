package sqlserver

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
)

// TestGoldenWindowProbeSQL renders the window probe into testdata/windowprobe_*.sql
// with its parameters (go test ./source/sqlserver -run WindowProbe -update rewrites
// them); bound checks that every parameter is referenced and that no bound holding a
// quote or a backslash reaches the text.
func TestGoldenWindowProbeSQL(t *testing.T) {
	wmCols := []migration.Column{
		{SourceName: "Region", SourceType: "nvarchar(20)", TargetName: "REGION", TargetType: "VARCHAR(20)"},
		{SourceName: "day", SourceType: "date", TargetName: "DAY", TargetType: "DATE"},
		{SourceName: "id", SourceType: "bigint", TargetName: "ID", TargetType: "NUMBER(19,0)"},
		{SourceName: "updated_at", SourceType: "datetimeoffset(7)", TargetName: "UPDATED_AT", TargetType: "TIMESTAMP_TZ(7)"},
	}
	win := migration.WatermarkWindow{Column: "updated_at", Low: strPtr("2024-04-01 00:00:00.0000000+00:00"), High: strPtr("2024-05-01 10:00:00.0000000+00:00")}
	render := func(partitionBy []int, parts []migration.Partition, where string) func() (string, error) {
		return func() (string, error) {
			keys, err := keyColumns(wmCols, partitionBy)
			if err != nil {
				return "", err
			}
			wp, wargs, err := windowPredicate(wmCols, &win, 1)
			if err != nil {
				return "", err
			}
			q, args, err := windowProbeSQL(gTable, keys, parts, wp, wargs, where)
			if err != nil {
				return "", err
			}
			return bound(q, args)()
		}
	}
	hostile := `O'Neil\x' OR 1=1 --`
	for _, c := range []goldenCase{
		{"windowprobe_single", render([]int{2}, []migration.Partition{
			{Number: 0, NullKeys: true},
			{Number: 1, Upper: []string{"100"}},
			{Number: 2, Lower: []string{"100"}, Upper: []string{"200"}},
		}, "")},
		{"windowprobe_composite_hostile", render([]int{0, 1}, []migration.Partition{
			{Number: 7, Lower: []string{"East", "2024-01-01"}, Upper: []string{hostile, "2024-01-31"}},
			{Number: 8, Lower: []string{hostile, "2024-01-31"}, Upper: []string{"West", "2024-02-01"}},
		}, gWhere)},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := c.render()
			if err != nil {
				t.Fatal(err)
			}
			golden(t, c.name, got)
		})
	}
}

// A page whose ranges need more than probeMaxParams parameters is split.
func TestWindowProbeChunks(t *testing.T) {
	parts := make([]migration.Partition, 2500)
	for i := range parts {
		parts[i] = migration.Partition{Number: i}
	}
	chunks := probeChunks(parts, 2, 2)
	n := 0
	for _, c := range chunks {
		if 2*2*len(c)+2 > probeMaxParams {
			t.Fatalf("a chunk of %d ranges needs more than %d parameters", len(c), probeMaxParams)
		}
		for _, p := range c {
			if p.Number != n {
				t.Fatalf("chunks lose or reorder partitions at %d", n)
			}
			n++
		}
	}
	if n != len(parts) || len(chunks) != 6 {
		t.Fatalf("%d partitions in %d chunks", n, len(chunks))
	}
}

// On the local SQL Server the probe counts, per range, exactly the rows Extract reads
// with the window, with a hostile text bound; a range without window rows counts 0.
func TestProbeWindowCountsLikeExtract(t *testing.T) {
	hostile := `O'Neil\x' OR 1=1 --`
	s, db := newDB(t, `CREATE TABLE dbo.ev (region nvarchar(40) NULL, id int NOT NULL, v bigint NULL, note nvarchar(10) NULL)`,
		`INSERT INTO dbo.ev VALUES (N'Able', 1, 5, N'x'), (N'Able', 2, 10, N'x'),
		 (N'O''Neil\x'' OR 1=1 --', 1, 11, N'x'), (N'O''Neil\x'' OR 1=1 --', 2, 20, N'x'),
		 (N'Zed', 1, 15, N'x'), (N'Zed', 2, 3, N'x'), (NULL, 9, 12, N'x'), (N'Quo', 5, 25, N'x')`)
	tc := tableConfig("ev", "region", "id")
	info, err := s.Introspect(ctxT(t), tc)
	if err != nil {
		t.Fatal(err)
	}
	win := migration.WatermarkWindow{Column: "v", Low: strPtr("10"), High: strPtr("20")} // Quo's 25 is above High
	parts := []migration.Partition{
		{Number: 0, NullKeys: true},
		{Number: 1, Upper: []string{"Able", "2"}},
		{Number: 2, Lower: []string{"Able", "2"}, Upper: []string{hostile, "2"}},
		{Number: 3, Lower: []string{hostile, "2"}, Upper: []string{"Quo", "9"}},
		{Number: 4, Lower: []string{"Quo", "9"}, Upper: []string{"Zzz", "0"}},
	}
	got, err := s.ProbeWindow(ctxT(t), source.WindowProbeRequest{Table: tc, TableShape: info.TableShape, Partitions: parts, Window: win})
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]int64{0: 1, 1: 0, 2: 2, 3: 0, 4: 1}
	if len(got) != len(parts) {
		t.Errorf("probe returned %d counts for %d partitions: %v", len(got), len(parts), got)
	}
	for n, w := range want {
		if got[n] != w {
			t.Errorf("partition %d: probe counted %d, want %d (all: %v)", n, got[n], w, got)
		}
	}
	for _, p := range parts {
		dir := filepath.Join(t.TempDir(), "p")
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		xr := source.ExtractRequest{Table: tc, TableShape: info.TableShape, Partition: p, Windowed: source.Windowed{Window: &win}}
		st, err := s.Extract(ctxT(t), xr, dir, nil)
		if err != nil {
			t.Fatalf("partition %d: extract: %v", p.Number, err)
		}
		if st.Rows != got[p.Number] {
			t.Errorf("partition %d: extract read %d rows, probe counted %d", p.Number, st.Rows, got[p.Number])
		}
	}
	var n int
	if err := db.QueryRowContext(ctxT(t), "SELECT COUNT(*) FROM dbo.ev").Scan(&n); err != nil || n != 8 {
		t.Fatalf("table after a hostile bound: %d rows, %v", n, err)
	}
}
