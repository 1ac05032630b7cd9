package config

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// okTable is a complete, valid table; cases append or replace fields.
const okTable = `"source": {"databaseName": "shop", "schemaName": "public", "tableName": "orders"},
 "target": {"databaseName": "SHOP", "schemaName": "PUBLIC", "tableName": "ORDERS"},
 "columnNamesToPartitionBy": ["id"]`

func TestNormalizeFillsDefaults(t *testing.T) {
	n, probs := parseNormalize(t, `{"tables": [{`+okTable+`}]}`, PlatformPostgreSQL)
	if len(probs) != 0 {
		t.Fatal(probs)
	}
	if n.SchemaVersion != "1.0.0" {
		t.Errorf("schemaVersion %q", n.SchemaVersion)
	}
	tb := n.Tables[0]
	if *tb.PartitionSize != (PartitionSize{Auto: true}) || tb.Extraction.Strategy != "regular" ||
		tb.Synchronization.Strategy != "none" || tb.Target.TableType != "native" {
		t.Fatalf("defaults not filled: %s", mustJSON(t, tb))
	}
	if TableKey(tb) != "shop.public.orders" {
		t.Errorf("TableKey %q", TableKey(tb))
	}
}

func TestNormalizeMergesDefaultsInFileOrder(t *testing.T) {
	n, probs := parseNormalize(t, `{
  "defaultTableConfiguration": {
    "source": {"databaseName": "shop", "schemaName": "public"},
    "target": {"databaseName": "SHOP", "schemaName": "PUBLIC"},
    "columnNamesToPartitionBy": ["id"],
    "whereClauseCriteria": "is_deleted = 0"
  },
  "tables": [
    {"source": {"tableName": "b"}, "target": {"tableName": "B"}},
    {"source": {"tableName": "a", "schemaName": "\"Archive\""}, "target": {"tableName": "A"}, "whereClauseCriteria": ""}
  ]}`, PlatformPostgreSQL)
	if len(probs) != 0 {
		t.Fatal(probs)
	}
	keys := []string{TableKey(n.Tables[0]), TableKey(n.Tables[1])}
	if !reflect.DeepEqual(keys, []string{"shop.public.b", `shop."Archive".a`}) {
		t.Fatalf("keys %q", keys)
	}
	if *n.Tables[0].WhereClauseCriteria != "is_deleted = 0" || *n.Tables[1].WhereClauseCriteria != "" {
		t.Fatal("where clause merge")
	}
}

// TestNormalizeRules covers every validation rule: the path and a telling part of the message.
func TestNormalizeRules(t *testing.T) {
	table := func(extra string) string { return `{"tables": [{` + okTable + extra + `}]}` }
	cases := []struct {
		name, js, platform, path, msg string
	}{
		{"no tables", `{"tables": []}`, "postgresql", "tables", "no tables"},
		{"tables absent", `{}`, "postgresql", "tables", "no tables"},
		{"source table missing", `{"tables": [{"source": {"databaseName": "d", "schemaName": "s"}, "target": {"databaseName": "D", "schemaName": "S", "tableName": "T"}, "columnNamesToPartitionBy": ["id"]}]}`,
			"postgresql", "tables[0].source.tableName", "table without source tableName: source tableName is missing; set it in this table or in defaultTableConfiguration.source"},
		{"target schema missing names the table", `{"tables": [{"source": {"databaseName": "d", "schemaName": "s", "tableName": "t"}, "target": {"databaseName": "D", "tableName": "T"}, "columnNamesToPartitionBy": ["id"]}]}`,
			"postgresql", "tables[0].target.schemaName", "table d.s.t: target schemaName is missing"},
		{"no target at all", `{"tables": [{"source": {"databaseName": "d", "schemaName": "s", "tableName": "t"}, "columnNamesToPartitionBy": ["id"]}]}`,
			"postgresql", "tables[0].target.databaseName", "target databaseName is missing"},
		{"source database missing", `{"tables": [{"source": {"schemaName": "s", "tableName": "t"}, "target": {"databaseName": "D", "schemaName": "S", "tableName": "T"}, "columnNamesToPartitionBy": ["id"]}]}`,
			"postgresql", "tables[0].source.databaseName", "source databaseName is missing"},
		{"partition columns absent", `{"tables": [{"source": {"databaseName": "d", "schemaName": "s", "tableName": "t"}, "target": {"databaseName": "D", "schemaName": "S", "tableName": "T"}}]}`,
			"postgresql", "tables[0].columnNamesToPartitionBy", "required"},
		{"partition columns empty", `{"tables": [{"source": {"databaseName": "d", "schemaName": "s", "tableName": "t"}, "target": {"databaseName": "D", "schemaName": "S", "tableName": "T"}, "columnNamesToPartitionBy": []}]}`,
			"postgresql", "tables[0].columnNamesToPartitionBy", "empty list"},
		{"partition columns empty in defaults", `{"defaultTableConfiguration": {"columnNamesToPartitionBy": []}, "tables": [{` + okTable + `}]}`,
			"postgresql", "defaultTableConfiguration.columnNamesToPartitionBy", "empty list"},
		{"partition column duplicate", table(`, "primaryKeyColumns": ["id", "ID"]`), "postgresql", "tables[0].primaryKeyColumns[1]", "listed twice"},
		{"partition column bad name", `{"tables": [{"source": {"databaseName": "d", "schemaName": "s", "tableName": "t"}, "target": {"databaseName": "D", "schemaName": "S", "tableName": "T"}, "columnNamesToPartitionBy": ["order id"]}]}`,
			"postgresql", "tables[0].columnNamesToPartitionBy[0]", `needs quotes`},
		{"dotted name", `{"tables": [{"source": {"databaseName": "d", "schemaName": "s", "tableName": "public.orders"}, "target": {"databaseName": "D", "schemaName": "S", "tableName": "T"}, "columnNamesToPartitionBy": ["id"]}]}`,
			"postgresql", "tables[0].source.tableName", "give each part in its own field"},
		{"unbalanced quote", `{"tables": [{"source": {"databaseName": "d", "schemaName": "s", "tableName": "\"Orders"}, "target": {"databaseName": "D", "schemaName": "S", "tableName": "T"}, "columnNamesToPartitionBy": ["id"]}]}`,
			"postgresql", "tables[0].source.tableName", "opens a quote it does not close"},
		{"quote inside", `{"tables": [{"source": {"databaseName": "d", "schemaName": "s", "tableName": "Ord\"ers"}, "target": {"databaseName": "D", "schemaName": "S", "tableName": "T"}, "columnNamesToPartitionBy": ["id"]}]}`,
			"postgresql", "tables[0].source.tableName", "unbalanced quote"},
		{"single quote inside quoted", `{"tables": [{"source": {"databaseName": "d", "schemaName": "s", "tableName": "\"a\"b\""}, "target": {"databaseName": "D", "schemaName": "S", "tableName": "T"}, "columnNamesToPartitionBy": ["id"]}]}`,
			"postgresql", "tables[0].source.tableName", "unbalanced quote inside"},
		{"spaces", `{"tables": [{"source": {"databaseName": "d", "schemaName": "s", "tableName": " t"}, "target": {"databaseName": "D", "schemaName": "S", "tableName": "T"}, "columnNamesToPartitionBy": ["id"]}]}`,
			"postgresql", "tables[0].source.tableName", "leading or trailing spaces"},
		{"postgres name too long", `{"tables": [{"source": {"databaseName": "d", "schemaName": "s", "tableName": "t234567890123456789012345678901234567890123456789012345678901234"}, "target": {"databaseName": "D", "schemaName": "S", "tableName": "T"}, "columnNamesToPartitionBy": ["id"]}]}`,
			"postgresql", "tables[0].source.tableName", "at most 63 bytes"},
		{"partitionSize both", table(`, "partitionSize": {"targetSizeMb": 1, "maxRowsPerPartition": 2}`), "postgresql", "tables[0].partitionSize", "both targetSizeMb and maxRowsPerPartition"},
		{"partitionSize none", table(`, "partitionSize": {}`), "postgresql", "tables[0].partitionSize", "no size given"},
		{"partitionSize zero", table(`, "partitionSize": {"targetSizeMb": 0}`), "postgresql", "tables[0].partitionSize", "no size given"},
		{"partitionSize negative", table(`, "partitionSize": {"maxRowsPerPartition": -5}`), "postgresql", "tables[0].partitionSize.maxRowsPerPartition", "must be a positive number of rows"},
		{"partitionSize negative mb", table(`, "partitionSize": {"targetSizeMb": -5}`), "postgresql", "tables[0].partitionSize.targetSizeMb", "positive number of megabytes"},
		{"unload on sqlserver", table(`, "extraction": {"strategy": "unload", "externalStage": "DB.S.STG"}`), "sqlserver", "tables[0].extraction.strategy", "unload exists for redshift only"},
		{"unload redshift only", table(`, "extraction": {"strategy": "unload", "externalStage": "DB.S.STG"}`), "postgresql", "tables[0].extraction.strategy", "unload exists for redshift only"},
		{"unload needs stage", table(`, "extraction": {"strategy": "unload"}`), "redshift", "tables[0].extraction.externalStage", "unload needs externalStage"},
		{"stage without unload", table(`, "extraction": {"externalStage": "DB.S.STG"}`), "postgresql", "tables[0].extraction.externalStage", "used by the unload strategy only"},
		{"bad stage name", table(`, "extraction": {"strategy": "unload", "externalStage": "x; drop"}`), "redshift", "tables[0].extraction.externalStage", "not a stage name"},
		{"checksum sync with unload", table(`, "extraction": {"strategy": "unload", "externalStage": "DB.S.STG"}, "synchronization": {"strategy": "checksum"}`), "redshift", "tables[0].synchronization.strategy", "checksum synchronization with extraction \"unload\""},
		{"unknown extraction", table(`, "extraction": {"strategy": "fast"}`), "postgresql", "tables[0].extraction.strategy", `unknown extraction strategy "fast"`},
		{"watermark with unload", table(`, "extraction": {"strategy": "unload", "externalStage": "DB.S.STG"}, "synchronization": {"strategy": "watermark", "watermarkColumn": "u"}`), "redshift", "tables[0].synchronization.strategy", "with extraction \"unload\" is not supported yet"},
		{"track modifications needs watermark", table(`, "primaryKeyColumns": ["id"], "synchronization": {"trackModifications": true}`), "postgresql", "tables[0].synchronization.trackModifications", "works with strategy \"watermark\" only"},
		{"watermark needs column", table(`, "synchronization": {"strategy": "watermark"}`), "postgresql", "tables[0].synchronization.watermarkColumn", "needs watermarkColumn"},
		{"watermark column without watermark", table(`, "synchronization": {"watermarkColumn": "updated_at"}`), "postgresql", "tables[0].synchronization.watermarkColumn", "only with strategy \"watermark\""},
		{"unknown sync", table(`, "synchronization": {"strategy": "full"}`), "postgresql", "tables[0].synchronization.strategy", `unknown synchronization strategy "full"`},
		{"track modifications needs pk", table(`, "synchronization": {"strategy": "watermark", "watermarkColumn": "u", "trackModifications": true}`), "postgresql", "tables[0].primaryKeyColumns", "trackModifications needs primaryKeyColumns"},
		{"track modifications needs watermark", table(`, "primaryKeyColumns": ["id"], "synchronization": {"trackModifications": true}`), "postgresql", "tables[0].synchronization.trackModifications", "with strategy \"watermark\" only"},
		{"iceberg needs icebergConfig", `{"tables": [{"source": {"databaseName": "d", "schemaName": "s", "tableName": "t"}, "target": {"databaseName": "D", "schemaName": "S", "tableName": "T", "tableType": "iceberg"}, "columnNamesToPartitionBy": ["id"]}]}`,
			"postgresql", "tables[0].target.icebergConfig", `needs icebergConfig, at least {"externalVolume"`},
		{"unknown table type", `{"tables": [{"source": {"databaseName": "d", "schemaName": "s", "tableName": "t"}, "target": {"databaseName": "D", "schemaName": "S", "tableName": "T", "tableType": "Native"}, "columnNamesToPartitionBy": ["id"]}]}`,
			"postgresql", "tables[0].target.tableType", `lower case: "native"`},
		{"iceberg config without iceberg", `{"tables": [{"source": {"databaseName": "d", "schemaName": "s", "tableName": "t"}, "target": {"databaseName": "D", "schemaName": "S", "tableName": "T", "icebergConfig": {"catalog": "SNOWFLAKE"}}, "columnNamesToPartitionBy": ["id"]}]}`,
			"postgresql", "tables[0].target.icebergConfig", `tableType "iceberg" only`},
		{"table type on source", `{"tables": [{"source": {"databaseName": "d", "schemaName": "s", "tableName": "t", "tableType": "native"}, "target": {"databaseName": "D", "schemaName": "S", "tableName": "T"}, "columnNamesToPartitionBy": ["id"]}]}`,
			"postgresql", "tables[0].source.tableType", "move it to target.tableType"},
		{"type mapping incomplete", table(`, "columnTypeMappings": [{"sourceType": "money"}]`), "postgresql", "tables[0].columnTypeMappings[0].targetType", "missing"},
		{"type mapping no source", table(`, "columnTypeMappings": [{"targetType": "VARIANT"}]`), "postgresql", "tables[0].columnTypeMappings[0].sourceType", "missing"},
		{"type mapping duplicate", table(`, "columnTypeMappings": [{"sourceType": "character varying", "targetType": "TEXT"}, {"sourceType": "Character  Varying", "targetType": "VARCHAR"}]`), "postgresql", "tables[0].columnTypeMappings[1].sourceType", "mapped twice (also at [0])"},
		{"type mapping injection", table(`, "columnTypeMappings": [{"sourceType": "money", "targetType": "NUMBER; DROP TABLE X"}]`), "postgresql", "tables[0].columnTypeMappings[0].targetType", "not a Snowflake type"},
		{"type mapping unclosed", table(`, "columnTypeMappings": [{"sourceType": "money", "targetType": "NUMBER(19,4"}]`), "postgresql", "tables[0].columnTypeMappings[0].targetType", "unclosed"},
		{"name mapping incomplete", table(`, "columnNameMappings": [{"sourceName": "a"}]`), "postgresql", "tables[0].columnNameMappings[0].targetName", "missing"},
		{"name mapping no source", table(`, "columnNameMappings": [{"targetName": "a"}]`), "postgresql", "tables[0].columnNameMappings[0].sourceName", "missing"},
		{"name mapping duplicate source", table(`, "columnNameMappings": [{"sourceName": "a", "targetName": "x"}, {"sourceName": "A", "targetName": "y"}]`), "postgresql", "tables[0].columnNameMappings[1].sourceName", "renamed twice"},
		{"name mapping duplicate target", table(`, "columnNameMappings": [{"sourceName": "a", "targetName": "x"}, {"sourceName": "b", "targetName": "X"}]`), "postgresql", "tables[0].columnNameMappings[1].targetName", "target of two mappings"},
		{"name mapping bad name", table(`, "columnNameMappings": [{"sourceName": "a", "targetName": "full name"}]`), "postgresql", "tables[0].columnNameMappings[0].targetName", "needs quotes"},
		{"schemaVersion format", `{"schemaVersion": "v1", "tables": [{` + okTable + `}]}`, "postgresql", "schemaVersion", "is not a version"},
		{"schemaVersion four parts", `{"schemaVersion": "1.0.0.0", "tables": [{` + okTable + `}]}`, "postgresql", "schemaVersion", "is not a version"},
		{"schemaVersion major", `{"schemaVersion": "2.0", "tables": [{` + okTable + `}]}`, "postgresql", "schemaVersion", "version 2.0 is not supported"},
		{"affinity chars", `{"affinity": "dc east", "tables": [{` + okTable + `}]}`, "postgresql", "affinity", "letters, digits"},
		{"platform unknown", `{"tables": [{` + okTable + `}]}`, "oracle", "--source-platform", `unknown source platform "oracle"`},
		{"platform empty", `{"tables": [{` + okTable + `}]}`, "", "--source-platform", "required"},
		{"where semicolon", table(`, "whereClauseCriteria": "a = 1; DROP TABLE t"`), "postgresql", "tables[0].whereClauseCriteria", "contains ';'"},
		{"where comment", table(`, "whereClauseCriteria": "a = 1 -- x"`), "postgresql", "tables[0].whereClauseCriteria", "comment"},
		{"where paren escape", table(`, "whereClauseCriteria": "a = 1) OR (1 = 1"`), "postgresql", "tables[0].whereClauseCriteria", "unbalanced ')'"},
		{"where unclosed quote", table(`, "whereClauseCriteria": "name = 'x"`), "postgresql", "tables[0].whereClauseCriteria", "unclosed ' quote"},
		{"duplicate source", `{"tables": [{` + okTable + `}, {"source": {"databaseName": "shop", "schemaName": "public", "tableName": "\"orders\""}, "target": {"databaseName": "SHOP", "schemaName": "PUBLIC", "tableName": "ORDERS2"}, "columnNamesToPartitionBy": ["id"]}]}`,
			"postgresql", "tables[1].source", `shop.public."orders" is the same source table as tables[0] (shop.public.orders)`},
		{"duplicate target", `{"tables": [{` + okTable + `}, {"source": {"databaseName": "shop", "schemaName": "public", "tableName": "orders2"}, "target": {"databaseName": "shop", "schemaName": "public", "tableName": "orders"}, "columnNamesToPartitionBy": ["id"]}]}`,
			"postgresql", "tables[1].target", "shop.public.orders is the same target table as tables[0] (SHOP.PUBLIC.ORDERS)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, probs := parseNormalize(t, tc.js, tc.platform)
			if !hasProblem(probs, tc.path, tc.msg) {
				t.Fatalf("want problem %s: …%s…; got %q", tc.path, tc.msg, probs)
			}
		})
	}
}

func TestNormalizeAcceptsValidEdgeCases(t *testing.T) {
	for name, extra := range map[string]string{
		"quoted names":           `, "columnNamesToPartitionBy": ["\"Order Id\"", "\"a\"\"b\""]`,
		"quote inside where":     `, "whereClauseCriteria": "name <> 'a;b -- c' AND \"Weird;Col\" = 1 AND (x > 2)"`,
		"doubled quote in where": `, "whereClauseCriteria": "name = 'O''Brien'"`,
		"empty where":            `, "whereClauseCriteria": ""`,
		"partition rows":         `, "partitionSize": {"maxRowsPerPartition": 1}`,
		"sync none explicit":     `, "synchronization": {"strategy": "none", "trackModifications": false}`,
		"watermark":              `, "synchronization": {"strategy": "watermark", "watermarkColumn": "updated_at"}`,
		"watermark merge":        `, "primaryKeyColumns": ["id"], "synchronization": {"strategy": "watermark", "watermarkColumn": "\"UpdatedAt\"", "trackModifications": true, "trackDeletions": false}`,
		"type mapping":           `, "columnTypeMappings": [{"sourceType": "timestamp with time zone", "targetType": "TIMESTAMP_TZ(9)"}]`,
		"unicode name":           `, "columnNameMappings": [{"sourceName": "\"prénom\"", "targetName": "PRENOM"}]`,
		"big partitions":         `, "partitionSize": {"maxRowsPerPartition": 1000000000000}`,
		"mapped to number":       `, "columnTypeMappings": [{"sourceType": "money", "targetType": "number ( 38 , 37 )"}, {"sourceType": "text", "targetType": "Timestamp With Local Time Zone(3)"}]`,
	} {
		js := `{"schemaVersion": "1", "affinity": "dc-east_2", "tables": [{` + okTable + extra + `}]}`
		// A later duplicate key would be an error: replace okTable's partition list instead.
		if name == "quoted names" {
			js = `{"tables": [{"source": {"databaseName": "shop", "schemaName": "public", "tableName": "orders"}, "target": {"databaseName": "SHOP", "schemaName": "PUBLIC", "tableName": "ORDERS"}` + extra + `}]}`
		}
		if _, probs := parseNormalize(t, js, PlatformRedshift); len(probs) != 0 {
			t.Errorf("%s: %q", name, probs)
		}
	}
}

func TestNormalizeReportsEverythingAtOnce(t *testing.T) {
	_, probs := parseNormalize(t, `{
  "schemaVersion": "3",
  "defaultTableConfiguration": {"partitionSize": {}},
  "tables": [
    {"source": {"databaseName": "d", "schemaName": "s", "tableName": "a"}, "target": {"databaseName": "D", "schemaName": "S"}},
    {"source": {"databaseName": "d", "schemaName": "s", "tableName": "b"}, "target": {"databaseName": "D", "schemaName": "S", "tableName": "B"},
     "columnNamesToPartitionBy": ["id"], "synchronization": {"strategy": "fast"}}
  ]}`, "sqlserver")
	want := []Problem{
		{"schemaVersion", "version 3 is not supported: this release reads schema version 1 (\"1.0.0\")"},
		{"defaultTableConfiguration.partitionSize", `no size given: give exactly one of {"targetSizeMb": N} or {"maxRowsPerPartition": N}, or "auto" with N a positive whole number`},
		{"tables[0].target.tableName", "table d.s.a: target tableName is missing; set it in this table or in defaultTableConfiguration.target"},
		{"tables[0].columnNamesToPartitionBy", `table d.s.a: required; name the column(s) whose value ranges split the table, e.g. ["id"] (without it nothing would be moved)`},
		{"tables[1].synchronization.strategy", `unknown synchronization strategy "fast": use "none" (the default), "checksum" or "watermark"`},
	}
	if !reflect.DeepEqual(probs, want) {
		t.Fatalf("got:\n%s\nwant:\n%s", mustJSON(t, probs), mustJSON(t, want))
	}
	// Deterministic: same input, same problems, same order.
	for i := 0; i < 20; i++ {
		_, again := parseNormalize(t, `{"tables": [{"source": {"databaseName": "d"}}, {"source": {"databaseName": "d"}}], "affinity": "?"}`, "x")
		_, first := parseNormalize(t, `{"tables": [{"source": {"databaseName": "d"}}, {"source": {"databaseName": "d"}}], "affinity": "?"}`, "x")
		if !reflect.DeepEqual(again, first) {
			t.Fatal("Normalize is not deterministic")
		}
	}
}

func TestValidateMigrationName(t *testing.T) {
	for _, ok := range []string{"M", "Sales2024", "abcXYZ09", "a" + fmt.Sprintf("%0199d", 0)} {
		if err := ValidateMigrationName(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for bad, part := range map[string]string{
		"":                             "empty",
		"1abc":                         "starts with a digit",
		"my-migration":                 `'-'`,
		"my migration":                 `' '`,
		"héllo":                        `'é'`,
		"a" + fmt.Sprintf("%0200d", 0): "at most 200",
	} {
		err := ValidateMigrationName(bad)
		if err == nil || !strings.Contains(err.Error(), part) {
			t.Errorf("%q: %v (want …%s…)", bad, err, part)
		}
	}
}
