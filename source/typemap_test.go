package source

import (
	"testing"

	"github.com/snowmigrate/snowmigrate/config"
)

func TestMapPostgres(t *testing.T) {
	cases := map[string]string{
		"smallint": "NUMBER(5,0)", "integer": "NUMBER(10,0)", "bigint": "NUMBER(19,0)",
		"numeric(12,2)": "NUMBER(12,2)", "numeric(38,0)": "NUMBER(38,0)", "numeric(39,2)": "VARCHAR", "numeric(7)": "NUMBER(7,0)",
		"real": "FLOAT", "double precision": "FLOAT", "text": "VARCHAR", "character varying(10)": "VARCHAR(10)",
		"character varying": "VARCHAR", "character(3)": "VARCHAR(3)", "bytea": "BINARY", "boolean": "BOOLEAN",
		"date": "DATE", "time without time zone": "TIME(6)", "time(3) without time zone": "TIME(3)",
		"time with time zone": "VARCHAR", "timestamp without time zone": "TIMESTAMP_NTZ(6)",
		"timestamp with time zone": "TIMESTAMP_TZ(6)", "timestamp(0) with time zone": "TIMESTAMP_TZ(0)",
		"interval": "VARCHAR", "json": "VARIANT", "jsonb": "VARIANT", "uuid": "VARCHAR(36)", "money": "NUMBER(19,4)",
		"integer[]": "ARRAY", "text[]": "ARRAY", "inet": "VARCHAR", "cidr": "VARCHAR", "macaddr": "VARCHAR",
		"xml": "VARCHAR", "bit(4)": "VARCHAR", "bit varying(8)": "VARCHAR", "tsvector": "VARCHAR",
	}
	for st, want := range cases {
		m := MapPostgres(SourceColumn{Name: "c", Type: st})
		if m.TargetType != want {
			t.Errorf("%s → %s, want %s", st, m.TargetType, want)
		}
		if (want == "VARCHAR" && st == "numeric(39,2)") != (m.Warning != "") {
			t.Errorf("%s: warning %q", st, m.Warning)
		}
	}
	if m := MapPostgres(SourceColumn{Name: "e", Type: "mood", UserDefined: true}); m.TargetType != "VARCHAR" {
		t.Errorf("enum → %s", m.TargetType)
	}
	if m := MapPostgres(SourceColumn{Name: "n", Type: "numeric"}); !m.ScanScale {
		t.Error("unconstrained numeric must ask for a scale scan")
	}
}

func TestUnconstrainedNumeric(t *testing.T) {
	if m := UnconstrainedNumeric("n", true, 6, 10); m.TargetType != "NUMBER(38,6)" || m.Warning != "" {
		t.Errorf("%+v", m)
	}
	if m := UnconstrainedNumeric("n", true, 10, 30); m.TargetType != "VARCHAR" || m.Warning == "" {
		t.Errorf("%+v", m)
	}
	if m := UnconstrainedNumeric("n", false, 0, 0); m.TargetType != "NUMBER(38,9)" || m.Warning == "" {
		t.Errorf("%+v", m)
	}
}

func TestFindTypeMapping(t *testing.T) {
	ms := []config.TypeMapping{
		{SourceType: "NUMERIC", TargetType: "FLOAT"},
		{SourceType: "numeric(12, 2)", TargetType: "NUMBER(20,2)"},
		{SourceType: "VARCHAR", TargetType: "STRING"},
		{SourceType: "timestamptz", TargetType: "TIMESTAMP_NTZ"},
		{SourceType: "int4", TargetType: "NUMBER(38,0)"},
	}
	for st, want := range map[string]string{
		"numeric(12,2)": "NUMBER(20,2)", "numeric(10,0)": "FLOAT", "numeric": "FLOAT",
		"character varying(30)": "STRING", "timestamp with time zone": "TIMESTAMP_NTZ", "integer": "NUMBER(38,0)",
	} {
		m, ok := FindTypeMapping(st, ms)
		if !ok || m.TargetType != want {
			t.Errorf("%s → %+v %v, want %s", st, m, ok, want)
		}
	}
	if _, ok := FindTypeMapping("integer[]", ms); ok {
		t.Error("integer[] must not match an int4 mapping")
	}
	if _, ok := FindTypeMapping("text", ms); ok {
		t.Error("text must not match")
	}
}

func TestParseTargetType(t *testing.T) {
	for in, want := range map[string]string{"decimal(19,4)": "NUMBER(19,4)", "int": "NUMBER(38,0)", "number": "NUMBER(38,0)",
		"varchar(5)": "VARCHAR(5)", "string": "VARCHAR", "timestamp_ltz": "TIMESTAMP_LTZ(9)", "datetime": "TIMESTAMP_NTZ(9)",
		"variant": "VARIANT", "binary": "BINARY", "time(3)": "TIME(3)", "double precision": "FLOAT"} {
		tt, err := ParseTargetType(in)
		if err != nil || tt.Text != want {
			t.Errorf("%s → %+v %v, want %s", in, tt, err, want)
		}
	}
	for _, bad := range []string{"GEOGRAPHY", "NUMBER(39,0)", "NUMBER(5,6)", "NUMBER(x)"} {
		if _, err := ParseTargetType(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

func TestNamesAndSizing(t *testing.T) {
	if ResolveFolded(`"My""Col"`, func(s string) string { return s }) != `My"Col` {
		t.Error("quoted names keep case and unescape")
	}
	if SnowflakeName("full_name") != "FULL_NAME" || SnowflakeName(`"camel"`) != "camel" {
		t.Error("Snowflake folding")
	}
	if TargetColumnName("order_id") != "ORDER_ID" || TargetColumnName("OrderId") != "OrderId" {
		t.Error("target column names")
	}
	if got := RowsPerPartition(&config.PartitionSize{MaxRowsPerPartition: 77}, 1000, 1000); got != 77 {
		t.Errorf("maxRows → %d", got)
	}
	if got := RowsPerPartition(&config.PartitionSize{TargetSizeMB: 1}, 1000, 1000*100); got != (1<<20)/100 {
		t.Errorf("targetSizeMb → %d", got)
	}
	if got := RowsPerPartition(&config.PartitionSize{Auto: true}, 10_000_000, 10_000_000*200); got != (128<<20)/200 {
		t.Errorf("auto → %d", got)
	}
	if got := RowsPerPartition(nil, 0, 0); got != 1_000_000 {
		t.Errorf("no statistics → %d", got)
	}
}
