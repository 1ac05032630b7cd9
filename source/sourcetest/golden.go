package sourcetest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/snowmigrate/snowmigrate/source"
)

// Golden renders every source.GoldenCases case with d and compares it with
// testdata/<case>.sql in the calling package's directory; with update it rewrites the
// files instead. pkg names the package in the hint printed when a file is missing.
func Golden(t *testing.T, d source.Dialect, update bool, pkg string) {
	t.Helper()
	for _, c := range source.GoldenCases() {
		t.Run(c.Name, func(t *testing.T) {
			got, err := c.SQL(d)
			if err != nil {
				t.Fatal(err)
			}
			got += "\n"
			path := filepath.Join("testdata", c.Name+".sql")
			if update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./%s -run TestGoldenSQL -update)", err, pkg)
			}
			if string(want) != got {
				t.Errorf("SQL differs from %s:\n--- got\n%s--- want\n%s", path, got, want)
			}
		})
	}
}
