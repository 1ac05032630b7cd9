package config

import (
	"fmt"
	"math"
	"testing"
)

func TestValidationRules(t *testing.T) {
	const base = `{"defaultTableConfiguration": {"columnNamesToPartitionBy": ["id"], "target": {"databaseName": "D", "schemaName": "S"}, "validation": %s},
 "tables": [{"source": {"databaseName": "d", "schemaName": "s", "tableName": "t"}, "target": {"tableName": "T"}%s}]}`
	cases := []struct {
		name, defaults, table string
		path, msg             string
	}{
		{"level 0", `{"level": 0}`, ``, "defaultTableConfiguration.validation.level", "level 0 does not exist"},
		{"level 4 in a table", `{}`, `, "validation": {"level": 4}`, "tables[0].validation.level", "use 1 (schema)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, probs := parseNormalize(t, fmt.Sprintf(base, c.defaults, c.table), PlatformPostgreSQL)
			if !hasProblem(probs, c.path, c.msg) {
				t.Fatalf("want a problem at %s containing %q, got %+v", c.path, c.msg, probs)
			}
		})
	}
	// Tolerances are checked on the model: Parse's schema check has no float64 rule yet
	// (config/schema.go says "want float64, found a number"; reported to its owner).
	n, probs := parseNormalize(t, fmt.Sprintf(base, `{"level": 2}`, `, "validation": {"level": 1}`), PlatformPostgreSQL)
	if len(probs) > 0 {
		t.Fatalf("valid validation refused: %+v", probs)
	}
	tol := 0.01
	cfg := WorkflowConfig{
		DefaultTableConfiguration: &TableConfig{ColumnNamesToPartitionBy: []string{"id"}, Target: n.Tables[0].Target, Validation: &Validation{Tolerance: &tol}},
		Tables:                    []TableConfig{{Source: n.Tables[0].Source, Validation: &Validation{Level: n.Tables[0].Validation.Level}}},
	}
	n, probs = Normalize(cfg, PlatformPostgreSQL)
	if len(probs) > 0 {
		t.Fatalf("valid validation refused: %+v", probs)
	}
	v := n.Tables[0].Validation
	if v.EffectiveLevel() != 1 || v.EffectiveTolerance() != 0.01 {
		t.Fatalf("merged validation: level %d tolerance %g, want 1 and 0.01 (the table's level, the default's tolerance)", v.EffectiveLevel(), v.EffectiveTolerance())
	}
}

func TestValidationToleranceRules(t *testing.T) {
	for _, c := range []struct {
		tol float64
		msg string
	}{{-0.1, "negative"}, {2, "above 1"}, {math.NaN(), "finite"}} {
		tol := c.tol
		cfg := WorkflowConfig{Tables: []TableConfig{{
			Source:                   &Identifier{DatabaseName: "d", SchemaName: "s", TableName: "t"},
			Target:                   &Identifier{DatabaseName: "D", SchemaName: "S", TableName: "T"},
			ColumnNamesToPartitionBy: []string{"id"},
			Validation:               &Validation{Tolerance: &tol},
		}}}
		_, probs := Normalize(cfg, PlatformPostgreSQL)
		if !hasProblem(probs, "tables[0].validation.tolerance", c.msg) {
			t.Errorf("tolerance %g: want a problem containing %q, got %+v", c.tol, c.msg, probs)
		}
	}
}

func TestValidationEffectiveDefaults(t *testing.T) {
	var none *Validation
	if none.EffectiveLevel() != 0 || none.EffectiveTolerance() != 0 {
		t.Fatal("no validation object must mean no validation")
	}
	if (&Validation{}).EffectiveLevel() != DefaultValidationLevel {
		t.Fatal("an empty validation object must take the default level")
	}
}

func TestMergeValidationSharesNoMemory(t *testing.T) {
	lvl, tol := 2, 0.5
	def := &TableConfig{Validation: &Validation{Level: &lvl, Tolerance: &tol}}
	got := MergeTable(def, TableConfig{})
	*got.Validation.Level = 3
	if lvl != 2 {
		t.Fatal("MergeTable's validation shares memory with the defaults")
	}
}
