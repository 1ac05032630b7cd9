package postgres

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
)

func strp(s string) *string { return &s }

// TestGoldenWatermarkSQL compares the watermark builders with testdata/watermark_*.sql
// (go test ./source/postgres -run Watermark -update rewrites them).
func TestGoldenWatermarkSQL(t *testing.T) {
	d := NewDialect()
	tbl := migration.TableRef{Database: "shop", Schema: "public", Table: "Orders"}
	ts := source.KeyColumn{Name: "updated_at", BaseType: "timestamp with time zone"}
	num := source.KeyColumn{Name: "Version", BaseType: "bigint"}
	cases := map[string]string{
		"watermark_max_tstz":     d.MaxWatermarkSQL(tbl, ts, "is_deleted = false"),
		"watermark_max_int":      d.MaxWatermarkSQL(tbl, num, ""),
		"watermark_window_first": d.WindowPredicate(ts, migration.WatermarkWindow{Column: ts.Name, High: strp("2024-05-01 10:00:00.000000+00:00"), IncludeNull: true}),
		"watermark_window_next":  d.WindowPredicate(num, migration.WatermarkWindow{Column: num.Name, Low: strp("41"), High: strp("97")}),
		"watermark_window_quote": d.WindowPredicate(ts, migration.WatermarkWindow{Column: ts.Name, Low: strp(`x' OR 1=1 --\`), High: strp("2024-05-01 10:00:00.000000+00:00")}),
		"watermark_window_none":  d.WindowPredicate(ts, migration.WatermarkWindow{Column: ts.Name, IncludeNull: true}),
	}
	for name, got := range cases {
		path := filepath.Join("testdata", name+".sql")
		if *update {
			if err := os.WriteFile(path, []byte(got+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%s: %v (run with -update to create it)", name, err)
		}
		if strings.TrimSuffix(string(want), "\n") != got {
			t.Errorf("%s:\n got: %s\nwant: %s", name, got, want)
		}
	}
}

func TestWatermarkKeyRefusesOtherTypes(t *testing.T) {
	cols := []migration.Column{{SourceName: "id", SourceType: "integer"}, {SourceName: "note", SourceType: "text"}}
	if _, err := watermarkKey(NewDialect(), cols, "note"); err == nil || !strings.Contains(err.Error(), "synchronization.watermarkColumn") {
		t.Fatalf("text watermark: %v", err)
	}
	if _, err := watermarkKey(NewDialect(), cols, "nope"); err == nil || !strings.Contains(err.Error(), `"nope" is not a migrated column`) {
		t.Fatalf("missing watermark: %v", err)
	}
	if k, err := watermarkKey(NewDialect(), cols, "ID"); err != nil || k.Name != "id" {
		t.Fatalf("folded name: %v %v", k, err)
	}
}
