package redshift

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/snowmigrate/snowmigrate/source"
)

var update = flag.Bool("update", false, "rewrite testdata/*.sql from the builders")

// TestGoldenSQL compares every builder's SQL with testdata/<case>.sql.
func TestGoldenSQL(t *testing.T) {
	d := NewDialect()
	for _, c := range source.GoldenCases() {
		t.Run(c.Name, func(t *testing.T) {
			got, err := c.SQL(d)
			if err != nil {
				t.Fatal(err)
			}
			got += "\n"
			path := filepath.Join("testdata", c.Name+".sql")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./source/redshift -update)", err)
			}
			if string(want) != got {
				t.Errorf("SQL differs from %s:\n--- got\n%s--- want\n%s", path, got, want)
			}
		})
	}
}
