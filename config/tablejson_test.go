package config

import (
	"encoding/json"
	"reflect"
	"testing"
)

// Every TableConfig field must survive the starter → workflow round trip: a field that
// MarshalJSON forgets is silently dropped (validation once was).
func TestTableConfigRoundTripKeepsEveryField(t *testing.T) {
	data := []byte(`{"tables":[{"source":{"schemaName":"public","tableName":"t"},
	  "target":{"tableName":"T"},
	  "columnNamesToPartitionBy":["id"],
	  "extraction":{"strategy":"regular"},
	  "synchronization":{"strategy":"watermark","watermarkColumn":"u"},
	  "columnTypeMappings":[{"sourceType":"MONEY","targetType":"NUMBER(19,4)"}],
	  "columnNameMappings":[{"sourceName":"a","targetName":"B"}],
	  "primaryKeyColumns":["id"],
	  "partitionSize":"auto",
	  "whereClauseCriteria":"id > 0",
	  "validation":{"level":3,"tolerance":0.001}}]}`)
	cfg, probs := Parse(data)
	if len(probs) != 0 {
		t.Fatalf("parse: %v", probs)
	}
	in := cfg.Tables[0]
	v := reflect.ValueOf(in)
	for i := 0; i < v.NumField(); i++ {
		if v.Field(i).IsZero() {
			t.Fatalf("the test's table leaves %s unset: set it so that the round trip is checked", v.Type().Field(i).Name)
		}
	}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var out TableConfig
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, out) {
		t.Fatalf("round trip changed the table:\n in  %+v\n out %+v\n json %s", in, out, b)
	}
	if *out.Validation.Level != 3 || *out.Validation.Tolerance != 0.001 {
		t.Fatalf("validation = %+v", out.Validation)
	}
}
