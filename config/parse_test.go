package config

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestParseUnknownFieldsWithPathAndSuggestion(t *testing.T) {
	_, probs := Parse([]byte(`{
  "tables": [
    {"source": {"databaseName": "d", "schemaName": "s", "tableName": "a"}, "target": {"databaseName": "D", "schemaName": "S", "tableName": "A"}, "columnNamesToPartitionBy": ["id"]},
    {"source": {"databaseName": "d", "schemaName": "s", "tableName": "b", "tabelName": "x"}, "partitonSize": "auto", "tableName": "b", "target": {}, "columnNamesToPartitionBy": ["id"]}
  ],
  "afinity": "x"
}`))
	want := []Problem{
		{"tables[1].source.tabelName", "unknown field; did you mean tableName?"},
		{"tables[1].partitonSize", "unknown field; did you mean partitionSize?"},
		{"tables[1].tableName", "unknown field at this level; did you mean source.tableName or target.tableName?"},
		{"afinity", "unknown field; did you mean affinity?"},
	}
	if !reflect.DeepEqual(probs, want) {
		t.Fatalf("problems:\n got %q\nwant %q", probs, want)
	}
}

func TestParseTypeErrorsWithPath(t *testing.T) {
	_, probs := Parse([]byte(`{
  "schemaVersion": 1,
  "tables": [{"source": "public.orders", "columnNamesToPartitionBy": "id",
              "synchronization": {"trackModifications": "yes"},
              "partitionSize": {"targetSizeMb": 1.5},
              "whereClauseCriteria": ["a"]}],
  "defaultTableConfiguration": []
}`))
	want := []Problem{
		{"schemaVersion", "want a string, found a number"},
		{"tables[0].source", "want an object, found a string"},
		{"tables[0].columnNamesToPartitionBy", `want a list (write ["id"]), found a string`},
		{"tables[0].synchronization.trackModifications", "want true or false, found a string"},
		{"tables[0].partitionSize.targetSizeMb", "want a whole number, found 1.5 (write it without a fraction or exponent)"},
		{"tables[0].whereClauseCriteria", "want a string, found a list"},
		{"defaultTableConfiguration", "want an object, found a list"},
	}
	if !reflect.DeepEqual(probs, want) {
		t.Fatalf("problems:\n got %q\nwant %q", probs, want)
	}
}

func TestParsePartitionSizeForms(t *testing.T) {
	for _, tc := range []struct {
		js   string
		want PartitionSize
		prob string
	}{
		{`"auto"`, PartitionSize{Auto: true}, ""},
		{`{"targetSizeMb": 256}`, PartitionSize{TargetSizeMB: 256}, ""},
		{`{"maxRowsPerPartition": 1000000}`, PartitionSize{MaxRowsPerPartition: 1000000}, ""},
		{`"AUTO"`, PartitionSize{}, `tables[0].partitionSize: "AUTO" is not a partition size`},
		{`{"targetSizeMB": 1}`, PartitionSize{}, `tables[0].partitionSize.targetSizeMB: unknown field; did you mean targetSizeMb?`},
		{`12`, PartitionSize{}, `tables[0].partitionSize: want "auto" or an object, found a number`},
	} {
		cfg, probs := Parse([]byte(`{"tables": [{"partitionSize": ` + tc.js + `}]}`))
		if tc.prob != "" {
			if len(probs) != 1 || !strings.HasPrefix(probs[0].Path+": "+probs[0].Message, tc.prob) {
				t.Errorf("%s: problems %q, want one starting %q", tc.js, probs, tc.prob)
			}
			continue
		}
		if len(probs) != 0 {
			t.Fatalf("%s: %q", tc.js, probs)
		}
		if got := *cfg.Tables[0].PartitionSize; got != tc.want {
			t.Errorf("%s: got %+v want %+v", tc.js, got, tc.want)
		}
		// Round trip through MarshalJSON/UnmarshalJSON.
		b, err := json.Marshal(cfg.Tables[0].PartitionSize)
		if err != nil {
			t.Fatal(err)
		}
		var back PartitionSize
		if err := json.Unmarshal(b, &back); err != nil || back != tc.want {
			t.Errorf("%s: round trip %s → %+v (%v)", tc.js, b, back, err)
		}
	}
}

func TestPartitionSizeUnmarshalStrictOnItsOwn(t *testing.T) {
	var p PartitionSize
	for _, bad := range []string{`"big"`, `{"rows": 5}`, `{"targetSizeMb": "5"}`, `[1]`} {
		if err := json.Unmarshal([]byte(bad), &p); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
	if err := json.Unmarshal([]byte(`{}`), &p); err != nil || p != (PartitionSize{}) {
		t.Errorf("{}: %+v %v", p, err)
	}
}

func TestParseSyntaxErrorHasLineAndColumn(t *testing.T) {
	_, probs := Parse([]byte("{\n  \"tables\": [\n    {\"source\": {,}}\n  ]\n}"))
	if len(probs) != 1 || probs[0].Path != "$" || !strings.Contains(probs[0].Message, "line 3") {
		t.Fatalf("got %q", probs)
	}
	_, probs = Parse([]byte(`{"tables": [`))
	if len(probs) != 1 || !strings.Contains(probs[0].Message, "ends early") {
		t.Fatalf("truncated: %q", probs)
	}
	_, probs = Parse([]byte(`{"tables": []} {}`))
	if len(probs) != 1 || !strings.Contains(probs[0].Message, "after the configuration object") {
		t.Fatalf("trailing: %q", probs)
	}
	_, probs = Parse([]byte(`[]`))
	if len(probs) != 1 || !strings.Contains(probs[0].Message, "must be a JSON object") {
		t.Fatalf("array root: %q", probs)
	}
}

func TestParseDuplicateKey(t *testing.T) {
	_, probs := Parse([]byte(`{"tables": [], "affinity": "a", "affinity": "b"}`))
	want := []Problem{{"affinity", "field written twice; keep one"}}
	if !reflect.DeepEqual(probs, want) {
		t.Fatalf("got %q", probs)
	}
}

func TestParseNullMeansNotSet(t *testing.T) {
	cfg, probs := Parse([]byte(`{"tables": [{"source": null, "columnNamesToPartitionBy": null, "whereClauseCriteria": null}], "affinity": null}`))
	if len(probs) != 0 {
		t.Fatal(probs)
	}
	tb := cfg.Tables[0]
	if tb.Source != nil || tb.ColumnNamesToPartitionBy != nil || tb.WhereClauseCriteria != nil {
		t.Fatalf("null set something: %+v", tb)
	}
}

func TestParseDeepNestingBounded(t *testing.T) {
	deep := strings.Repeat("[", 10000) + strings.Repeat("]", 10000)
	_, probs := Parse([]byte(`{"tables": ` + deep + `}`))
	if len(probs) != 1 || !strings.Contains(probs[0].Message, "nested too deeply") {
		t.Fatalf("got %q", probs)
	}
}

// An explicit empty list must survive a JSON round trip (the starter sends the config to
// the workflow as JSON), because an empty list overrides the defaults while an absent
// one inherits them.
func TestTableConfigRoundTripKeepsEmptyLists(t *testing.T) {
	in := `{"tables":[{"columnTypeMappings":[],"primaryKeyColumns":["id"],"whereClauseCriteria":""}],"defaultTableConfiguration":{"columnTypeMappings":[{"sourceType":"money","targetType":"NUMBER(19,4)"}]}}`
	cfg, probs := Parse([]byte(in))
	if len(probs) != 0 {
		t.Fatal(probs)
	}
	b, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	back, probs := Parse(b)
	if len(probs) != 0 {
		t.Fatalf("re-parse %s: %q", b, probs)
	}
	if !reflect.DeepEqual(cfg, back) {
		t.Fatalf("round trip changed the config:\n%+v\n%+v\n%s", cfg, back, b)
	}
	if back.Tables[0].ColumnTypeMappings == nil || len(back.Tables[0].ColumnTypeMappings) != 0 {
		t.Fatalf("empty list lost: %s", b)
	}
	if m := MergeTable(back.DefaultTableConfiguration, back.Tables[0]); len(m.ColumnTypeMappings) != 0 {
		t.Fatalf("defaults leaked through an explicit empty list: %+v", m.ColumnTypeMappings)
	}
}

func TestParseEmptyAndBOM(t *testing.T) {
	for _, empty := range []string{"", "  \n"} {
		if _, probs := Parse([]byte(empty)); len(probs) != 1 || !strings.Contains(probs[0].Message, "the file is empty") {
			t.Errorf("%q: %q", empty, probs)
		}
	}
	cfg, probs := Parse([]byte("\xef\xbb\xbf{\"affinity\": \"a\"}"))
	if len(probs) != 0 || cfg.Affinity != "a" {
		t.Fatalf("BOM: %q %+v", probs, cfg)
	}
}
