package config

import (
	"os"
	"strings"
	"testing"
)

// icebergTable is one table whose target is Iceberg with the given icebergConfig body.
func icebergTable(extra, iceberg string) string {
	return `{"tables": [{"source": {"databaseName": "d", "schemaName": "s", "tableName": "t"},
	  "target": {"databaseName": "D", "schemaName": "S", "tableName": "T", "tableType": "iceberg", "icebergConfig": ` + iceberg + `},
	  "columnNamesToPartitionBy": ["id"]` + extra + `}]}`
}

func TestIcebergValid(t *testing.T) {
	for name, body := range map[string]string{
		"snowflake catalog":          `{"externalVolume": "VOL"}`,
		"snowflake catalog explicit": `{"catalog": "SNOWFLAKE", "externalVolume": "vol_1", "baseLocationPrefix": "a/b-c/d.e/"}`,
		"copy_files":                 `{"catalog": "snowflake", "externalVolume": "VOL", "migrationStrategy": "copy_files"}`,
		"convert_to_managed":         `{"catalog": "GLUE_INT", "externalVolume": "VOL", "catalogTableName": "orders", "migrationStrategy": "convert_to_managed"}`,
	} {
		n, probs := parseNormalize(t, icebergTable("", body), PlatformPostgreSQL)
		if len(probs) > 0 {
			t.Errorf("%s: %q", name, probs)
			continue
		}
		if tt := n.Tables[0].Target.TableType; tt != TableTypeIceberg {
			t.Errorf("%s: tableType %q", name, tt)
		}
	}
}

func TestIcebergProblems(t *testing.T) {
	const p = "tables[0].target.icebergConfig"
	for _, c := range []struct{ name, js, path, msg string }{
		{"volume required", icebergTable("", `{"catalog": "SNOWFLAKE"}`), p + ".externalVolume", "required: the external volume"},
		{"bad volume", icebergTable("", `{"externalVolume": "my vol"}`), p + ".externalVolume", "not an external volume name"},
		{"bad catalog", icebergTable("", `{"externalVolume": "V", "catalog": "glue-int"}`), p + ".catalog", "not a catalog"},
		{"absolute prefix", icebergTable("", `{"externalVolume": "V", "baseLocationPrefix": "/abs"}`), p + ".baseLocationPrefix", "starts with '/'"},
		{"dotdot prefix", icebergTable("", `{"externalVolume": "V", "baseLocationPrefix": "a/../b"}`), p + ".baseLocationPrefix", "'..' segment"},
		{"quote in prefix", icebergTable("", `{"externalVolume": "V", "baseLocationPrefix": "a'b"}`), p + ".baseLocationPrefix", "not a relative path"},
		{"unknown strategy", icebergTable("", `{"externalVolume": "V", "migrationStrategy": "Convert_To_Managed"}`), p + ".migrationStrategy", `lower case: "convert_to_managed"`},
		{"convert needs integration", icebergTable("", `{"externalVolume": "V", "migrationStrategy": "convert_to_managed"}`), p + ".migrationStrategy", "set catalog to a catalog integration"},
		{"catalog table on snowflake", icebergTable("", `{"externalVolume": "V", "catalogTableName": "t"}`), p + ".catalogTableName", "needs catalog set to a catalog integration"},
		{"integration needs strategy", icebergTable("", `{"externalVolume": "V", "catalog": "GLUE", "catalogTableName": "t"}`), p + ".migrationStrategy", `set migrationStrategy to "convert_to_managed"`},
		{"catalog_link refused", icebergTable("", `{"externalVolume": "V", "catalog": "GLUE", "catalogTableName": "t", "migrationStrategy": "catalog_link"}`), p + ".migrationStrategy", "catalog_link is not supported"},
		{"integration needs table", icebergTable("", `{"externalVolume": "V", "catalog": "GLUE", "migrationStrategy": "convert_to_managed"}`), p + ".catalogTableName", "required with a catalog integration"},
		{"bad catalog table", icebergTable("", `{"externalVolume": "V", "catalog": "GLUE", "catalogTableName": "a b", "migrationStrategy": "convert_to_managed"}`), p + ".catalogTableName", "not a table name"},
		{"source stage without unload", icebergTable("", `{"externalVolume": "V", "sourceDataStage": "DB.S.STAGE"}`), p + ".sourceDataStage", `extraction strategy "unload"`},
		{"bad source stage", icebergTable("", `{"externalVolume": "V", "sourceDataStage": "a;b"}`), p + ".sourceDataStage", "not a stage name"},
		{"unknown field", icebergTable("", `{"externalVolume": "V", "baseLocation": "x"}`), p + ".baseLocation", "unknown field"},
	} {
		_, probs := parseNormalize(t, c.js, PlatformPostgreSQL)
		if !hasProblem(probs, c.path, c.msg) {
			t.Errorf("%s: want %s: …%s…, got %q", c.name, c.path, c.msg, probs)
		}
	}
}

// Defaults merge field by field into a table's icebergConfig.
func TestIcebergDefaultsMerge(t *testing.T) {
	n, probs := parseNormalize(t, `{
	  "defaultTableConfiguration": {"source": {"databaseName": "d", "schemaName": "s"},
	    "target": {"databaseName": "D", "schemaName": "S", "tableType": "iceberg", "icebergConfig": {"externalVolume": "VOL", "baseLocationPrefix": "p"}}},
	  "tables": [{"source": {"tableName": "t"}, "target": {"tableName": "T", "icebergConfig": {"catalog": "GLUE", "catalogTableName": "t", "migrationStrategy": "convert_to_managed"}},
	    "columnNamesToPartitionBy": ["id"]}]}`, PlatformPostgreSQL)
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	ic := n.Tables[0].Target.IcebergConfig
	if ic.ExternalVolume != "VOL" || ic.BaseLocationPrefix != "p" || ic.Catalog != "GLUE" || ic.MigrationStrategy != IcebergConvertToManaged {
		t.Errorf("merged %+v", *ic)
	}
}

func TestIcebergBaseLocation(t *testing.T) {
	for _, c := range []struct{ prefix, want string }{
		{"", "DB/SCH/Order Lines"},
		{"mig", "mig/DB/SCH/Order Lines"},
		{"a/b/", "a/b/DB/SCH/Order Lines"},
	} {
		if got := IcebergBaseLocation(c.prefix, "DB", "SCH", "Order Lines"); got != c.want {
			t.Errorf("%q: %q, want %q", c.prefix, got, c.want)
		}
	}
}

// The reference system's "Redshift UNLOAD with Iceberg Tables" example parses and
// validates unchanged for redshift; the only problems allowed are the refusals of the
// UNLOAD extraction itself, which another part of issue 10 lifts (not the Iceberg part).
// testdata/reference-redshift-unload-iceberg.json is written from the reference's
// documented fields and shapes (a SNOWFLAKE-catalog table with sourceDataStage, a Glue
// table with convert_to_managed, UNLOAD through an external stage): the page's literal
// text was not available to copy; replace the file with it when it is.
func TestReferenceRedshiftUnloadIcebergExample(t *testing.T) {
	data, err := os.ReadFile("testdata/reference-redshift-unload-iceberg.json")
	if err != nil {
		t.Fatal(err)
	}
	cfg, probs := Parse(data)
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	n, probs := Normalize(cfg, PlatformRedshift)
	for _, p := range probs {
		if !strings.HasSuffix(p.Path, ".extraction.strategy") {
			t.Errorf("problem outside the UNLOAD refusal: %s: %s", p.Path, p.Message)
		}
	}
	if len(probs) > 0 {
		return
	}
	if len(n.Tables) != 2 || n.Tables[1].Target.IcebergConfig.MigrationStrategy != IcebergConvertToManaged {
		t.Errorf("normalized %+v", n.Tables)
	}
}
