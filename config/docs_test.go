package config

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// docBlock is one fenced block of a Markdown page and the HTML comment just before it.
type docBlock struct {
	lang, marker, body string
	line               int
}

var markerRE = regexp.MustCompile(`^<!--\s*(.*?)\s*-->$`)

func docBlocks(t *testing.T, path string) []docBlock {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	var out []docBlock
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if !strings.HasPrefix(l, "```") || len(l) == 3 {
			continue
		}
		b := docBlock{lang: strings.TrimPrefix(l, "```"), line: i + 1}
		if i > 0 {
			if m := markerRE.FindStringSubmatch(strings.TrimSpace(lines[i-1])); m != nil {
				b.marker = m[1]
			}
		}
		var body []string
		for i++; i < len(lines) && lines[i] != "```"; i++ {
			body = append(body, lines[i])
		}
		b.body = strings.Join(body, "\n")
		out = append(out, b)
	}
	return out
}

// Every ```json block of docs/configuration.md is a configuration that validates for
// PostgreSQL, except the blocks marked `<!-- invalid: PATH -->`, which must fail with a
// problem at PATH; when a ```text block follows one, it must list exactly the problems
// the starter prints. Blocks marked worker.toml / connections.toml must load.
func TestConfigurationDocExamples(t *testing.T) {
	blocks := docBlocks(t, "../docs/configuration.md")
	var jsonBlocks, tomlBlocks int
	for i, b := range blocks {
		switch b.lang {
		case "json":
			jsonBlocks++
			cfg, probs := Parse([]byte(b.body))
			if len(probs) == 0 {
				_, probs = Normalize(cfg, PlatformPostgreSQL)
			}
			if !strings.HasPrefix(b.marker, "invalid:") {
				if len(probs) > 0 {
					t.Errorf("line %d: example does not validate: %q", b.line, probs)
				}
				continue
			}
			path := strings.TrimSpace(strings.TrimPrefix(b.marker, "invalid:"))
			found := false
			var printed []string
			for _, p := range probs {
				found = found || p.Path == path
				printed = append(printed, p.Path+": "+p.Message)
			}
			if !found {
				t.Errorf("line %d: invalid example should fail at %s; problems: %q", b.line, path, probs)
			}
			if i+1 < len(blocks) && blocks[i+1].lang == "text" {
				var shown []string
				for _, l := range strings.Split(blocks[i+1].body, "\n") {
					if !strings.Contains(l, "problem(s) in") {
						shown = append(shown, l)
					}
				}
				if strings.Join(shown, "\n") != strings.Join(printed, "\n") {
					t.Errorf("line %d: the page shows\n%s\nbut the problems are\n%s", blocks[i+1].line, strings.Join(shown, "\n"), strings.Join(printed, "\n"))
				}
			}
		case "toml":
			tomlBlocks++
			switch b.marker {
			case "worker.toml":
				if _, err := ParseWorker([]byte(b.body), "doc"); err != nil {
					t.Errorf("line %d: %v", b.line, err)
				}
			case "connections.toml":
				home := t.TempDir()
				if err := os.WriteFile(filepath.Join(home, ConnectionsFile), []byte(b.body), 0o600); err != nil {
					t.Fatal(err)
				}
				for _, l := range strings.Split(b.body, "\n") {
					if strings.HasPrefix(l, "[") {
						name := strings.Trim(l, "[]")
						if _, err := LoadConnection(home, name); err != nil {
							t.Errorf("line %d: connection %s: %v", b.line, name, err)
						}
					}
				}
			default:
				t.Errorf("line %d: toml block without a <!-- worker.toml --> or <!-- connections.toml --> marker", b.line)
			}
		}
	}
	if jsonBlocks < 5 || tomlBlocks < 3 {
		t.Fatalf("found %d json and %d toml blocks; the page lost its examples?", jsonBlocks, tomlBlocks)
	}
}
