package config

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// PartitionSizeAuto is the string form of an automatic partition size.
const PartitionSizeAuto = "auto"

// MarshalJSON writes "auto" or an object with the sizes that are set. A zero value that
// is not auto (an empty object in the file) writes {} so that it round-trips and
// validation still sees it.
func (p PartitionSize) MarshalJSON() ([]byte, error) {
	if p.Auto {
		return json.Marshal(PartitionSizeAuto)
	}
	type sizes struct {
		TargetSizeMB        int64 `json:"targetSizeMb,omitempty"`
		MaxRowsPerPartition int64 `json:"maxRowsPerPartition,omitempty"`
	}
	return json.Marshal(sizes{p.TargetSizeMB, p.MaxRowsPerPartition})
}

// UnmarshalJSON accepts exactly the two forms: the string "auto" or an object whose only
// keys are targetSizeMb and maxRowsPerPartition with integer values. Parse reports the
// same mistakes with paths before this runs; this keeps direct json.Unmarshal strict too.
func (p *PartitionSize) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if bytes.Equal(data, []byte("null")) {
		return nil
	}
	if len(data) > 0 && data[0] == '"' {
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return err
		}
		if s != PartitionSizeAuto {
			return fmt.Errorf("partitionSize %q: use \"auto\", {\"targetSizeMb\": N} or {\"maxRowsPerPartition\": N}", s)
		}
		*p = PartitionSize{Auto: true}
		return nil
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return fmt.Errorf("partitionSize: use \"auto\", {\"targetSizeMb\": N} or {\"maxRowsPerPartition\": N}: %w", err)
	}
	out := PartitionSize{}
	for k, v := range raw {
		var n int64
		if err := json.Unmarshal(v, &n); err != nil {
			return fmt.Errorf("partitionSize.%s: want a whole number: %w", k, err)
		}
		switch k {
		case "targetSizeMb":
			out.TargetSizeMB = n
		case "maxRowsPerPartition":
			out.MaxRowsPerPartition = n
		default:
			return fmt.Errorf("partitionSize.%s: unknown field; use targetSizeMb or maxRowsPerPartition", k)
		}
	}
	*p = out
	return nil
}
