package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every shipped example parses and normalizes without a problem for its platform; demo.json is what
// `make demo` runs against the sample database, so its names are pinned here too.
func TestExamplesAreValid(t *testing.T) {
	files, err := filepath.Glob("examples/*.json")
	if err != nil || len(files) < 3 {
		t.Fatalf("examples: %v %v", files, err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		cfg, probs := Parse(data)
		if len(probs) > 0 {
			t.Errorf("%s: %q", f, probs)
			continue
		}
		// An example named for a platform is written for it (demo-redshift.json uses
		// UNLOAD, which only Redshift has); the others are PostgreSQL's.
		platform := PlatformPostgreSQL
		for _, p := range []string{PlatformRedshift, PlatformSQLServer} {
			if strings.Contains(filepath.Base(f), p) {
				platform = p
			}
		}
		n, probs := Normalize(cfg, platform)
		if len(probs) > 0 {
			t.Errorf("%s: %q", f, probs)
		}
		if len(n.Tables) == 0 {
			t.Errorf("%s: no tables", f)
		}
	}
}

func TestDemoExampleMatchesSampleDatabase(t *testing.T) {
	data, err := os.ReadFile("examples/demo.json")
	if err != nil {
		t.Fatal(err)
	}
	cfg, probs := Parse(data)
	n, more := Normalize(cfg, PlatformPostgreSQL)
	if len(probs)+len(more) > 0 {
		t.Fatal(probs, more)
	}
	want := map[string]string{
		"demo.public.customers":  "id",
		"demo.public.orders":     "order_id",
		"demo.public.line_items": "order_id",
	}
	if len(n.Tables) != len(want) {
		t.Fatalf("%d tables", len(n.Tables))
	}
	for _, tb := range n.Tables {
		col, ok := want[TableKey(tb)]
		if !ok || len(tb.ColumnNamesToPartitionBy) != 1 || tb.ColumnNamesToPartitionBy[0] != col {
			t.Errorf("%s partitioned by %v", TableKey(tb), tb.ColumnNamesToPartitionBy)
		}
		if tb.Target.DatabaseName != "DEMO" || tb.Target.SchemaName != "PUBLIC" {
			t.Errorf("%s → %s.%s", TableKey(tb), tb.Target.DatabaseName, tb.Target.SchemaName)
		}
	}
}
