package deploy

import (
	"os"
	"regexp"
	"testing"

	"github.com/snowmigrate/snowmigrate/config"
)

var fence = regexp.MustCompile("(?s)```(json|toml)\n(.*?)```")

// TestReadmeExamplesAreValid: every JSON block of the README is a workflow configuration
// that parses and validates, and every TOML block is a worker configuration that loads,
// so the front door never shows an example the product refuses.
func TestReadmeExamplesAreValid(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := fence.FindAllStringSubmatch(string(b), -1)
	var nJSON, nTOML int
	for i, m := range blocks {
		switch m[1] {
		case "json":
			nJSON++
			c, problems := config.Parse([]byte(m[2]))
			if len(problems) == 0 {
				_, problems = config.Normalize(c, config.PlatformPostgreSQL)
			}
			for _, p := range problems {
				t.Errorf("README json block %d: %s: %s", i, p.Path, p.Message)
			}
		case "toml":
			nTOML++
			if _, err := config.ParseWorker([]byte(m[2]), "README toml block"); err != nil {
				t.Errorf("README toml block %d: %v", i, err)
			}
		}
	}
	if nJSON == 0 || nTOML == 0 {
		t.Fatalf("README shows %d JSON and %d TOML examples; expected at least one of each", nJSON, nTOML)
	}
}

// TestExampleWorkerTOMLLoads guards the worker file the compose stack mounts.
func TestExampleWorkerTOMLLoads(t *testing.T) {
	// ParseWorker, not LoadWorker: a checkout cannot keep the 0600 that LoadWorker
	// demands of a file holding a password.
	data, err := os.ReadFile("../../config/examples/worker.toml")
	if err != nil {
		t.Fatal(err)
	}
	w, err := config.ParseWorker(data, "config/examples/worker.toml")
	if err != nil {
		t.Fatal(err)
	}
	platform, conn := w.Source()
	if platform != config.PlatformPostgreSQL || conn.Database != "sales" || w.TargetConnectionName() != "prod" {
		t.Errorf("example worker: platform %s, database %s, target %s", platform, conn.Database, w.TargetConnectionName())
	}
}
