package sqlserver

import (
	"strings"
	"testing"

	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
)

func TestMapType(t *testing.T) {
	for src, want := range map[string]string{
		"tinyint": "NUMBER(3,0)", "smallint": "NUMBER(5,0)", "int": "NUMBER(10,0)", "bigint": "NUMBER(19,0)", "bit": "BOOLEAN",
		"decimal(38,10)": "NUMBER(38,10)", "numeric(5,0)": "NUMBER(5,0)", "money": "NUMBER(19,4)", "smallmoney": "NUMBER(10,4)",
		"real": "FLOAT", "float": "FLOAT", "date": "DATE", "time(7)": "TIME(7)", "time(0)": "TIME(0)",
		"smalldatetime": "TIMESTAMP_NTZ(0)", "datetime": "TIMESTAMP_NTZ(3)", "datetime2(7)": "TIMESTAMP_NTZ(7)", "datetime2(2)": "TIMESTAMP_NTZ(2)",
		"datetimeoffset(7)": "TIMESTAMP_TZ(7)", "datetimeoffset(0)": "TIMESTAMP_TZ(0)",
		"char(10)": "VARCHAR(10)", "varchar(8000)": "VARCHAR(8000)", "varchar(max)": "VARCHAR", "nchar(1)": "VARCHAR(1)", "nvarchar(4000)": "VARCHAR(4000)",
		"nvarchar(max)": "VARCHAR", "text": "VARCHAR", "ntext": "VARCHAR", "sysname": "VARCHAR",
		"binary(16)": "BINARY(16)", "varbinary(8000)": "BINARY(8000)", "varbinary(max)": "BINARY", "image": "BINARY",
		"uniqueidentifier": "VARCHAR(36)", "xml": "VARCHAR", "rowversion": "BINARY(8)", "sql_variant": "VARCHAR",
		"hierarchyid": "VARCHAR", "geometry": "VARCHAR", "geography": "VARCHAR",
	} {
		m := MapType(src)
		if m.TargetType != want || m.Warning != "" {
			t.Errorf("%s → %+v, want %s", src, m, want)
		}
		// Every default mapping can be planned.
		if _, err := planColumn(migration.Column{SourceName: "c", SourceType: src, TargetName: "C", TargetType: m.TargetType}); err != nil {
			t.Errorf("%s: %v", src, err)
		}
	}
	if m := MapType("cursor"); m.TargetType != "VARCHAR" || m.Warning == "" {
		t.Errorf("unknown type: %+v", m)
	}
}

func TestPlanColumn(t *testing.T) {
	for _, tc := range []struct{ src, target, expr string }{
		{"int", "NUMBER(10,0)", "[c]"},
		{"int", "NUMBER(12,2)", "CAST([c] AS decimal(12,2))"},
		{"money", "NUMBER(19,4)", "[c]"},
		{"money", "NUMBER(19,2)", "CAST([c] AS decimal(19,2))"},
		{"decimal(12,2)", "NUMBER(38,2)", "[c]"},
		{"decimal(12,4)", "NUMBER(12,2)", "CAST([c] AS decimal(12,2))"},
		{"real", "FLOAT", "[c]"},
		{"int", "FLOAT", "CAST([c] AS float)"},
		{"hierarchyid", "VARCHAR", "[c].ToString()"},
		{"geography", "VARCHAR", "[c].STAsText()"},
		{"uniqueidentifier", "VARCHAR(36)", "CONVERT(nvarchar(max), [c])"},
		{"xml", "VARCHAR", "CONVERT(nvarchar(max), [c])"},
		{"sql_variant", "VARCHAR", "CONVERT(nvarchar(max), [c])"},
		{"nvarchar(max)", "VARIANT", "[c]"},
		{"datetime", "TIMESTAMP_NTZ(3)", "[c]"},
		{"datetimeoffset(7)", "TIMESTAMP_TZ(7)", "[c]"},
		{"datetime2(7)", "TIMESTAMP_TZ(7)", "CAST([c] AS datetimeoffset(7))"},
		{"bit", "VARCHAR", "CONVERT(nvarchar(max), [c])"},
	} {
		p, err := planColumn(migration.Column{SourceName: "c", SourceType: tc.src, TargetName: "C", TargetType: tc.target})
		if err != nil || p.Expr != tc.expr {
			t.Errorf("%s → %s: %q, %v (want %q)", tc.src, tc.target, p.Expr, err, tc.expr)
		}
	}
	// Temporal values with 100 ns digits travel as text; up to microseconds natively.
	for src, out := range map[string]source.Out{"datetime2(7)": source.OutString, "datetime2(6)": source.OutTimestampNTZ, "datetime": source.OutTimestampNTZ,
		"time(7)": source.OutString, "time(3)": source.OutTime, "datetimeoffset(3)": source.OutString, "date": source.OutDate} {
		p, err := planColumn(migration.Column{SourceName: "c", SourceType: src, TargetName: "C", TargetType: MapType(src).TargetType})
		if err != nil || p.Out != out {
			t.Errorf("%s: out %v, want %v (%v)", src, p.Out, out, err)
		}
	}
	for _, bad := range [][2]string{{"varchar(10)", "NUMBER(10,0)"}, {"uniqueidentifier", "FLOAT"}, {"date", "NUMBER(38,0)"}} {
		if _, err := planColumn(migration.Column{SourceName: "c", SourceType: bad[0], TargetName: "C", TargetType: bad[1]}); err == nil {
			t.Errorf("%s → %s accepted", bad[0], bad[1])
		}
	}
	// columnTypeMappings match by SQL Server type names (the reference's MONEY, DECIMAL(19,4)).
	m, ok := source.FindTypeMapping("decimal(19,4)", []config.TypeMapping{{SourceType: "MONEY", TargetType: "X"}, {SourceType: "DECIMAL(19,4)", TargetType: "Y"}})
	if !ok || m.TargetType != "Y" {
		t.Errorf("DECIMAL(19,4) mapping: %+v %v", m, ok)
	}
	if m, ok := source.FindTypeMapping("money", []config.TypeMapping{{SourceType: "MONEY", TargetType: "X"}}); !ok || m.TargetType != "X" {
		t.Errorf("MONEY mapping: %+v %v", m, ok)
	}
}

// Golden statements: the shapes every partition query takes.
func TestStatements(t *testing.T) {
	ref := migration.TableRef{Schema: "Sales", Table: "order]s"}
	keys := []keyColumn{{Name: "Region", Type: parseSQLType("nvarchar(20)"), Text: true}, {Name: "day", Type: parseSQLType("datetime")}}
	q, args, err := boundsSQL(ref, keys, "is_deleted = 0", []string{"Nord", "2024-01-02 03:04:05.007"}, 10, 101)
	if err != nil {
		t.Fatal(err)
	}
	want := "SELECT rn, rn + rd - 1 AS cnt, k1, k2 FROM (SELECT rn, ROW_NUMBER() OVER (ORDER BY rn DESC) AS rd, k1, k2 FROM (" +
		"SELECT ROW_NUMBER() OVER (ORDER BY (CAST([Region] AS nvarchar(max)) + NCHAR(0)) COLLATE Latin1_General_100_BIN2, [day]) AS rn, " +
		"LEFT(CAST([Region] AS nvarchar(max)), 1025) AS k1, [day] AS k2 FROM [Sales].[order]]s] WHERE [Region] IS NOT NULL AND [day] IS NOT NULL AND " +
		"((CAST([Region] AS nvarchar(max)) + NCHAR(0)) COLLATE Latin1_General_100_BIN2 > (CAST(@p1 AS nvarchar(max)) + NCHAR(0)) COLLATE Latin1_General_100_BIN2 OR " +
		"((CAST([Region] AS nvarchar(max)) + NCHAR(0)) COLLATE Latin1_General_100_BIN2 = (CAST(@p1 AS nvarchar(max)) + NCHAR(0)) COLLATE Latin1_General_100_BIN2 AND [day] > CAST(@p2 AS datetime))) " +
		"AND (is_deleted = 0)) a WHERE rn <= 101) b WHERE rn % 10 = 0 OR rd = 1 ORDER BY rn"
	if q != want {
		t.Errorf("bounds:\n%s\nwant\n%s", q, want)
	}
	if len(args) != 2 || args[0] != "Nord" || args[1] != "2024-01-02T03:04:05.007" {
		t.Errorf("args %q", args)
	}
	plans := []colPlan{{ColumnPlan: source.ColumnPlan{Expr: "[id]"}}, {ColumnPlan: source.ColumnPlan{Expr: "[h].ToString()"}}}
	pred, args, err := rangePredicate(keys, migration.Partition{Number: 3, Lower: []string{"a", "2024-01-01 00:00:00.000"}, Upper: []string{"b'", "2024-01-01 00:00:00.000"}}, 1)
	q = extractSQL(ref, plans, pred, "")
	if err != nil || strings.Count(q, "@p") != 6 || len(args) != 4 || strings.Contains(q, "b'") {
		t.Errorf("extract: %s %q %v", q, args, err)
	}
	if !strings.HasPrefix(q, "SELECT [id], [h].ToString() FROM [Sales].[order]]s] WHERE [Region] IS NOT NULL AND [day] IS NOT NULL AND (") {
		t.Errorf("extract: %s", q)
	}
	pred, _, _ = rangePredicate(keys, migration.Partition{Number: 1, NullKeys: true}, 1)
	q = extractSQL(ref, plans, pred, "x = N'y'")
	if q != "SELECT [id], [h].ToString() FROM [Sales].[order]]s] WHERE ([Region] IS NULL OR [day] IS NULL) AND (x = N'y')" {
		t.Errorf("null partition: %s", q)
	}
	if got := nullKeysSQL(ref, keys[:1], ""); got != "SELECT TOP (1) 1 FROM [Sales].[order]]s] WHERE ([Region] IS NULL)" {
		t.Errorf("null keys: %s", got)
	}
	if got := countSQL(ref, "a = 1"); got != "SELECT COUNT_BIG(*) FROM [Sales].[order]]s] WHERE (a = 1)" {
		t.Errorf("count: %s", got)
	}
}

func TestURLNeverPastes(t *testing.T) {
	conn := &config.SourceConnection{Username: "u@x", Password: "p;w@d?&=/#'\"", Database: "shop;x=1", Host: "h", Port: 1433, Encrypt: "strict",
		ApplicationIntent: "ReadOnly", Instance: "SQLEXPRESS", TrustServerCertificate: true}
	u := URL(conn)
	if pw, _ := u.User.Password(); pw != conn.Password || u.User.Username() != "u@x" {
		t.Errorf("user info %v", u.User)
	}
	q := u.Query()
	if q.Get("database") != "shop;x=1" || q.Get("encrypt") != "strict" || q.Get("ApplicationIntent") != "ReadOnly" || u.Path != "/SQLEXPRESS" || u.Host != "h" {
		t.Errorf("url %s", u.Redacted())
	}
	if _, err := Connector(conn); err != nil {
		t.Errorf("connector: %v", err)
	}
	conn.AuthMethod = config.AuthAzureADServicePrincipal
	if _, err := Connector(conn); err != nil {
		t.Errorf("azure-ad-service-principal connector: %v", err)
	}
	conn.AuthMethod = "windows"
	if _, err := Connector(conn); err == nil || strings.Contains(err.Error(), conn.Password) {
		t.Errorf("unknown auth: %v", err)
	}
}
