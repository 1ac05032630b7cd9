package config

import (
	"encoding/json"
	"strings"
	"testing"
)

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// parseNormalize runs both steps and returns all problems.
func parseNormalize(t *testing.T, js, platform string) (Normalized, []Problem) {
	t.Helper()
	cfg, probs := Parse([]byte(js))
	if len(probs) > 0 {
		return Normalized{}, probs
	}
	return Normalize(cfg, platform)
}

func hasProblem(probs []Problem, path, msgPart string) bool {
	for _, p := range probs {
		if p.Path == path && strings.Contains(p.Message, msgPart) {
			return true
		}
	}
	return false
}
