package config

import (
	"bytes"
	"encoding/json"
	"reflect"
)

// Parse decodes a workflow configuration strictly: JSON syntax errors carry line and
// column; unknown fields (with a suggestion), fields written twice and wrong types are
// problems with their JSON path, all of them at once. It does not validate meaning
// (that is Normalize). The configuration is usable only when no problem is returned.
func Parse(data []byte) (WorkflowConfig, []Problem) {
	var cfg WorkflowConfig
	// Editors on Windows may start the file with a byte order mark; JSON does not allow
	// one, but it carries no meaning, so it is skipped rather than reported.
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(data)) == 0 {
		return cfg, []Problem{{Path: "$", Message: "the file is empty: write a JSON object with a \"tables\" list (see docs/configuration.md)"}}
	}
	root, err := decodeTree(data)
	if err != nil {
		return cfg, []Problem{{Path: "$", Message: err.Error()}}
	}
	if root.kind != kindObject {
		return cfg, []Problem{{Path: "$", Message: "the configuration must be a JSON object with a \"tables\" list, found " + root.kind.describe()}}
	}
	var probs []Problem
	checkSchema(reflect.TypeOf(cfg), root, "", &probs)
	if len(probs) > 0 {
		return cfg, probs
	}
	if err := json.Unmarshal(data, &cfg); err != nil {
		// The schema check accepts only what encoding/json accepts; reaching this is a bug
		// in the check, reported rather than hidden.
		return cfg, []Problem{{Path: "$", Message: "cannot decode: " + err.Error()}}
	}
	return cfg, nil
}
