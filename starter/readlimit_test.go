package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCreateRefusesAnOversizedConfiguration: the starter stops reading a configuration at
// config.MaxConfigFileBytes (a wrong path such as a dump must not be read whole) and says
// which limit and what to do; nothing is started (the address is never dialled).
func TestCreateRefusesAnOversizedConfiguration(t *testing.T) {
	p := filepath.Join(t.TempDir(), "huge.json")
	big := `{"tables": [], "pad": "` + strings.Repeat("x", 5<<20) + `"}`
	if err := os.WriteFile(p, []byte(big), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "create-data-migration-workflow", p, "--name", "Big", "--connection-name", "local",
		"--source-platform", "postgresql", "--temporal-address", "127.0.0.1:1")
	if code == 0 {
		t.Fatalf("exit 0 for a 5 MiB configuration:\n%s%s", out, errOut)
	}
	for _, want := range []string{"huge.json", "4 MiB", "split the tables"} {
		if !strings.Contains(out+errOut, want) {
			t.Errorf("error lacks %q:\n%s%s", want, out, errOut)
		}
	}
}
