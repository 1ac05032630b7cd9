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
	// The Temporal server's dynamic configuration: the file it names is the one mounted,
	// and it raises the transfer queue's read rate (docs/performance.md).
	tmp := c.Services["temporal"]
	dyn := tmp.Environment["DYNAMIC_CONFIG_FILE_PATH"]
	mounted := ""
	for _, v := range tmp.Volumes {
		if parts := strings.Split(v, ":"); len(parts) >= 2 && parts[1] == "/etc/temporal/"+dyn {
			mounted = parts[0]
		}
	}
	if dyn == "" || mounted == "" {
		t.Errorf("temporal: DYNAMIC_CONFIG_FILE_PATH %q is not a mounted file (volumes %v)", dyn, tmp.Volumes)
	} else {
		var dc map[string][]struct {
			Value any `yaml:"value"`
		}
		b, err := os.ReadFile("../../" + strings.TrimPrefix(mounted, "./"))
		if err != nil {
			t.Fatal(err)
		}
		if err := yaml.Unmarshal(b, &dc); err != nil {
			t.Fatalf("%s does not parse: %v", mounted, err)
		}
		if v := dc["history.transferProcessorMaxPollRPS"]; len(v) != 1 || v[0].Value != 1000 {
			t.Errorf("%s: history.transferProcessorMaxPollRPS = %v, want one value 1000", mounted, v)
		}
	}
	if got := c.Services["temporal-ui"].Ports; len(got) != 1 || !strings.HasSuffix(got[0], ":8080") {
		t.Errorf("temporal-ui ports = %v", got)
	}
	// The worker TOML holds the source password, so it must be the user's own 0600 file:
	// a file of the repository (mode 0644 in a checkout) would be refused by the worker.
	var toml, scratch string
	for _, v := range src.Volumes {
		switch {
		case strings.Contains(v, ":/config/worker.toml"):
			toml = v
		case strings.Contains(v, ":/var/lib/snowmigrate"):
			scratch = v
		}
	}
	if toml == "" || strings.Contains(toml, "config/examples") {
		t.Errorf("source-worker worker.toml mount = %q: mount the user's private copy, not a repository example", toml)
	}
	if scratch == "" {
		t.Errorf("source-worker has no volume at /var/lib/snowmigrate for its work directory")
	}
	df, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"chown 65532:65532 /var/lib/snowmigrate", "chmod 700 /var/lib/snowmigrate", "XDG_CACHE_HOME=/var/lib/snowmigrate/", "USER 65532:65532"} {
		if !strings.Contains(string(df), want) {
			t.Errorf("Dockerfile lacks %q: the worker's default work_dir must be private to the image's user", want)
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
