package postgres

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
)

// TestGoldenWindowProbeSQL compares the window probe with testdata/windowprobe_*.sql
// (go test ./source/postgres -run WindowProbe -update rewrites them): the range
// predicates are PartitionPredicate's (typed literals through QuoteLiteral), the
// window WindowPredicate's.
func TestGoldenWindowProbeSQL(t *testing.T) {
	tbl := migration.TableRef{Database: "shop", Schema: "public", Table: "Orders"}
	wm := source.KeyColumn{Name: "updated_at", BaseType: "timestamp with time zone"}
	win := migration.WatermarkWindow{Column: wm.Name, Low: strp("2024-04-01 00:00:00.000000+00:00"), High: strp("2024-05-01 10:00:00.000000+00:00")}
	id := []source.KeyColumn{{Name: "id", BaseType: "bigint"}}
	two := []source.KeyColumn{{Name: "Region", BaseType: "text", Collate: true}, {Name: "day", BaseType: "date"}}
	single := []migration.Partition{
		{Number: 0, NullKeys: true},
		{Number: 1, Upper: []string{"100"}},
		{Number: 2, Lower: []string{"100"}, Upper: []string{"200"}},
		{Number: 3, Lower: []string{"200"}, Upper: []string{"300"}},
	}
	// A bound holding a quote, a backslash and a comment marker stays one literal.
	hostile := []migration.Partition{
		{Number: 7, Lower: []string{"east", "2024-01-01"}, Upper: []string{`o'neil\x' OR 1=1 --`, "2024-01-31"}},
		{Number: 8, Lower: []string{`o'neil\x' OR 1=1 --`, "2024-01-31"}, Upper: []string{"west", "2024-02-01"}},
	}
	pg := NewDialect()
	rs := Builder{RowValues: false, BackslashEscapes: true, TextCast: "varchar(65535)"} // Redshift's flags (source/redshift)
	w := func(b Builder, filter string) string { return where(filter) + " AND " + b.WindowPredicate(wm, win) }
	cases := map[string]string{
		"windowprobe_single":            pg.WindowProbeSQL(tbl, id, single, w(pg.Builder, "")),
		"windowprobe_composite_hostile": pg.WindowProbeSQL(tbl, two, hostile, w(pg.Builder, "is_deleted = false")),
		"windowprobe_expanded_redshift": rs.WindowProbeSQL(tbl, two, hostile, w(rs, "is_deleted = false")),
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

// On a real PostgreSQL the probe counts, per range, exactly the rows Extract reads
// with the window, including ranges bounded by a hostile text key and the NULL-key
// range; a range without window rows counts 0.
func TestProbeWindowCountsLikeExtract(t *testing.T) {
	hostileKey := `o'neil\x' OR 1=1 --`
	s, _ := newTestSource(t,
		`CREATE TABLE public.ev (region text, id int, v bigint, note text)`,
		`CREATE INDEX ON public.ev (v)`,
		// region a: old rows only (v <= 10); hostile key: two new rows; z: one new,
		// one old; NULL region: one new row.
		`INSERT INTO public.ev VALUES ('a', 1, 5, 'x'), ('a', 2, 10, 'x'),
		 (E'o''neil\\x'' OR 1=1 --', 1, 11, 'x'), (E'o''neil\\x'' OR 1=1 --', 2, 20, 'x'),
		 ('z', 1, 15, 'x'), ('z', 2, 3, 'x'), (NULL, 9, 12, 'x'), ('q', 5, 25, 'x')`)
	tc := tableConfig("ev", "region", "id")
	info, err := s.Introspect(ctxT(t), tc)
	if err != nil {
		t.Fatal(err)
	}
	win := migration.WatermarkWindow{Column: "v", Low: strp("10"), High: strp("20")} // q's v=25 is above High
	parts := []migration.Partition{
		{Number: 0, NullKeys: true},
		{Number: 1, Upper: []string{"a", "2"}},
		{Number: 2, Lower: []string{"a", "2"}, Upper: []string{hostileKey, "2"}},
		{Number: 3, Lower: []string{hostileKey, "2"}, Upper: []string{"q", "9"}},
		{Number: 4, Lower: []string{"q", "9"}, Upper: []string{"zz", "0"}},
	}
	got, err := s.ProbeWindow(ctxT(t), source.WindowProbeRequest{Table: tc, TableShape: info.TableShape, Partitions: parts, Window: win})
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]int64{0: 1, 1: 0, 2: 2, 3: 0, 4: 1}
	for n, w := range want {
		if got[n] != w {
			t.Errorf("partition %d: probe counted %d, want %d (all: %v)", n, got[n], w, got)
		}
	}
	if len(got) != len(parts) {
		t.Errorf("probe returned %d counts for %d partitions: %v", len(got), len(parts), got)
	}
	for _, p := range parts {
		dir := filepath.Join(t.TempDir(), "p")
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		req := extractRequest(info, tc, p)
		req.Window = &win
		st, err := s.Extract(ctxT(t), req, dir, nil)
		if err != nil {
			t.Fatalf("partition %d: extract: %v", p.Number, err)
		}
		if st.Rows != got[p.Number] {
			t.Errorf("partition %d: extract read %d rows, probe counted %d", p.Number, st.Rows, got[p.Number])
		}
	}
	// The table's filter applies too.
	f := "note <> 'x'"
	tc.WhereClauseCriteria = &f
	got, err = s.ProbeWindow(ctxT(t), source.WindowProbeRequest{Table: tc, TableShape: info.TableShape, Partitions: parts, Window: win})
	if err != nil {
		t.Fatal(err)
	}
	for n, c := range got {
		if c != 0 {
			t.Errorf("partition %d: %d rows counted through a filter no row passes", n, c)
		}
	}
}
