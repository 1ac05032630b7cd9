package deploy

import (
	"os"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

type composeFile struct {
	Name     string                    `yaml:"name"`
	Services map[string]composeService `yaml:"services"`
	Volumes  map[string]any            `yaml:"volumes"`
}

type composeService struct {
	Image       string            `yaml:"image"`
	Build       any               `yaml:"build"`
	Command     []string          `yaml:"command"`
	Entrypoint  []string          `yaml:"entrypoint"`
	Environment map[string]string `yaml:"environment"`
	Ports       []string          `yaml:"ports"`
	Volumes     []string          `yaml:"volumes"`
	DependsOn   any               `yaml:"depends_on"`
}

// TestComposeFileDescribesTheStack loads docker-compose.yml (YAML anchors and merge keys
// resolved by the parser, as docker compose does) and checks the production-like stack.
func TestComposeFileDescribesTheStack(t *testing.T) {
	b, err := os.ReadFile("../../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var c composeFile
	if err := yaml.Unmarshal(b, &c); err != nil {
		t.Fatalf("docker-compose.yml does not parse: %v", err)
	}
	for _, name := range []string{"temporal-db", "temporal", "temporal-ui", "orchestrator", "source-worker", "starter"} {
		if _, ok := c.Services[name]; !ok {
			t.Errorf("service %q missing", name)
		}
	}
	for name, s := range c.Services {
		if s.Image == "" && s.Build == nil {
			t.Errorf("service %q has neither image nor build", name)
		}
	}
	orch := c.Services["orchestrator"]
	if strings.Join(orch.Command, " ") != "workers orchestrator" {
		t.Errorf("orchestrator command = %q", orch.Command)
	}
	src := c.Services["source-worker"]
	if len(src.Command) < 4 || src.Command[0] != "workers" || src.Command[1] != "source" || src.Command[2] != "--config" {
		t.Errorf("source-worker command = %q, want workers source --config FILE", src.Command)
	}
	for _, name := range []string{"orchestrator", "source-worker", "starter"} {
		env := c.Services[name].Environment
		if env["TEMPORAL_ADDRESS"] != "temporal:7233" {
			t.Errorf("%s: TEMPORAL_ADDRESS = %q (the x-temporal-env merge must apply)", name, env["TEMPORAL_ADDRESS"])
		}
		for k, v := range env {
			if strings.Contains(strings.ToLower(k), "password") && name != "temporal-db" {
				t.Errorf("%s: secret %s=%s in compose environment; secrets belong in mounted files", name, k, v)
			}
		}
	}
	if got := c.Services["temporal-ui"].Ports; len(got) != 1 || !strings.HasSuffix(got[0], ":8080") {
		t.Errorf("temporal-ui ports = %v", got)
	}
	for _, v := range src.Volumes {
		if strings.HasPrefix(v, "./") {
			p := "../../" + strings.SplitN(v, ":", 2)[0][2:]
			if _, err := os.Stat(p); err != nil {
				t.Errorf("source-worker mounts %s which does not exist in the repository", p)
			}
		}
	}
}

// TestDockerfileBuildsBothBinaries guards the image the compose file builds.
func TestDockerfileBuildsBothBinaries(t *testing.T) {
	b, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"./starter", "./workers"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("Dockerfile does not build %s", want)
		}
	}
}
