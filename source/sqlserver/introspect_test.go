package sqlserver

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/source"
)

const allTypesDDL = `CREATE TABLE dbo.all_types (
 id int NOT NULL PRIMARY KEY, ti tinyint, si smallint, bi bigint, b bit,
 d38 decimal(38,10), n52 numeric(5,2), m money, sm smallmoney, r real, f float,
 dt date, tm time(7), t3 time(3), sdt smalldatetime, dtm datetime, dt2 datetime2(7), dt23 datetime2(3), dto datetimeoffset(7), dto0 datetimeoffset(0),
 c char(5), vc varchar(20) COLLATE Latin1_General_CS_AS, vcm varchar(max), nc nchar(4), nvc nvarchar(30), nvm nvarchar(max), tx text, ntx ntext,
 bn binary(4), vb varbinary(10), vbm varbinary(max), img image, g uniqueidentifier, x xml, rv rowversion, sv sql_variant,
 h hierarchyid, geo geometry, gg geography, ident bigint IDENTITY(1,1), comp AS (id * 2))`

func TestIntrospectAllTypes(t *testing.T) {
	s, _ := newDB(t, allTypesDDL)
	tc := tableConfig("ALL_TYPES", "ID") // case-insensitive names, as SQL Server resolves them
	info, err := s.Introspect(ctxT(t), tc)
	if err != nil {
		t.Fatal(err)
	}
	if info.Source.Schema != "dbo" || info.Source.Table != "all_types" || info.Source.Database == "" {
		t.Errorf("source %+v", info.Source)
	}
	if !reflect.DeepEqual(info.PrimaryKey, []string{"id"}) || !reflect.DeepEqual(info.PartitionBy, []int{0}) {
		t.Errorf("pk %v, partitionBy %v", info.PrimaryKey, info.PartitionBy)
	}
	want := map[string][2]string{
		"id": {"int", "NUMBER(10,0)"}, "ti": {"tinyint", "NUMBER(3,0)"}, "si": {"smallint", "NUMBER(5,0)"}, "bi": {"bigint", "NUMBER(19,0)"},
		"b": {"bit", "BOOLEAN"}, "d38": {"decimal(38,10)", "NUMBER(38,10)"}, "n52": {"numeric(5,2)", "NUMBER(5,2)"},
		"m": {"money", "NUMBER(19,4)"}, "sm": {"smallmoney", "NUMBER(10,4)"}, "r": {"real", "FLOAT"}, "f": {"float", "FLOAT"},
		"dt": {"date", "DATE"}, "tm": {"time(7)", "TIME(7)"}, "t3": {"time(3)", "TIME(3)"}, "sdt": {"smalldatetime", "TIMESTAMP_NTZ(0)"},
		"dtm": {"datetime", "TIMESTAMP_NTZ(3)"}, "dt2": {"datetime2(7)", "TIMESTAMP_NTZ(7)"}, "dt23": {"datetime2(3)", "TIMESTAMP_NTZ(3)"},
		"dto": {"datetimeoffset(7)", "TIMESTAMP_TZ(7)"}, "dto0": {"datetimeoffset(0)", "TIMESTAMP_TZ(0)"},
		"c": {"char(5)", "VARCHAR(5)"}, "vc": {"varchar(20)", "VARCHAR(20)"}, "vcm": {"varchar(max)", "VARCHAR"}, "nc": {"nchar(4)", "VARCHAR(4)"},
		"nvc": {"nvarchar(30)", "VARCHAR(30)"}, "nvm": {"nvarchar(max)", "VARCHAR"}, "tx": {"text", "VARCHAR"}, "ntx": {"ntext", "VARCHAR"},
		"bn": {"binary(4)", "BINARY(4)"}, "vb": {"varbinary(10)", "BINARY(10)"}, "vbm": {"varbinary(max)", "BINARY"}, "img": {"image", "BINARY"},
		"g": {"uniqueidentifier", "VARCHAR(36)"}, "x": {"xml", "VARCHAR"}, "rv": {"rowversion", "BINARY(8)"}, "sv": {"sql_variant", "VARCHAR"},
		"h": {"hierarchyid", "VARCHAR"}, "geo": {"geometry", "VARCHAR"}, "gg": {"geography", "VARCHAR"}, "ident": {"bigint", "NUMBER(19,0)"}, "comp": {"int", "NUMBER(10,0)"},
	}
	if len(info.Columns) != len(want) {
		t.Fatalf("%d columns, want %d: %+v", len(info.Columns), len(want), info.Columns)
	}
	for _, c := range info.Columns {
		w, ok := want[c.SourceName]
		if !ok || c.SourceType != w[0] || c.TargetType != w[1] || c.TargetName != strings.ToUpper(c.SourceName) {
			t.Errorf("column %+v, want %v", c, w)
		}
	}
	if info.Columns[0].Nullable || !info.Columns[1].Nullable {
		t.Errorf("nullability: %+v", info.Columns[:2])
	}
	if info.HasRows {
		t.Error("empty table has rows")
	}
}

func TestIntrospectMappingsAndNames(t *testing.T) {
	s, _ := newDB(t, "CREATE SCHEMA Sales", "CREATE TABLE [Sales].[Order Lines] ([Line Id] int NOT NULL, Amount money, [We]]ird] nvarchar(10))",
		"INSERT INTO [Sales].[Order Lines] VALUES (1, 2.5, N'x')")
	tc := tableConfig("[Order Lines]", `"Line Id"`)
	tc.Source.SchemaName = "Sales"
	tc.ColumnTypeMappings = []config.TypeMapping{{SourceType: "MONEY", TargetType: "DECIMAL(19,2)"}}
	tc.ColumnNameMappings = []config.NameMapping{{SourceName: "[We]]ird]", TargetName: "WEIRD"}}
	info, err := s.Introspect(ctxT(t), tc)
	if err != nil {
		t.Fatal(err)
	}
	got := [][2]string{}
	for _, c := range info.Columns {
		got = append(got, [2]string{c.TargetName, c.TargetType})
	}
	want := [][2]string{{"Line Id", "NUMBER(10,0)"}, {"Amount", "NUMBER(19,2)"}, {"WEIRD", "VARCHAR(10)"}}
	if info.EstimatedRows != 1 || info.EstimatedBytes <= 0 {
		t.Errorf("estimates: %d rows, %d bytes", info.EstimatedRows, info.EstimatedBytes)
	}
	if !reflect.DeepEqual(got, want) || !info.HasRows {
		t.Errorf("got %v (has rows %v), want %v", got, info.HasRows, want)
	}
}

func TestIntrospectErrors(t *testing.T) {
	s, _ := newDB(t, "CREATE TABLE dbo.t (id int, name nvarchar(10), g uniqueidentifier, d datetimeoffset)")
	ctx := ctxT(t)
	for name, tc := range map[string]struct {
		cfg      config.TableConfig
		sentinel error
		msg      string
	}{
		"missing table":         {tableConfig("nope", "id"), source.ErrMissing, "table dbo.nope does not exist"},
		"missing column":        {tableConfig("t", "idx"), source.ErrMissing, `no column "idx"`},
		"bad key type":          {tableConfig("t", "d"), source.ErrConfig, "cannot partition a table"},
		"bad where":             {withWhere(tableConfig("t", "id"), "nosuch = 1"), source.ErrConfig, "whereClauseCriteria"},
		"where syntax":          {withWhere(tableConfig("t", "id"), "id = = 1"), source.ErrConfig, "whereClauseCriteria"},
		"where comment":         {withWhere(tableConfig("t", "id"), "id = 1 --"), source.ErrConfig, "comment"},
		"key mapped to text":    {withMapping(tableConfig("t", "id"), "int", "VARCHAR"), source.ErrConfig, "orders or compares"},
		"wrong database":        {withDB(tableConfig("t", "id"), "otherdb"), source.ErrMissing, "connected to database"},
		"mapping not snowflake": {withMapping(tableConfig("t", "id"), "nvarchar", "NVARCHAR2(x)"), source.ErrConfig, "columnTypeMappings"},
	} {
		_, err := s.Introspect(ctx, tc.cfg)
		if !errors.Is(err, tc.sentinel) || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: %v (want %v …%s…)", name, err, tc.sentinel, tc.msg)
		}
	}
}

func withWhere(tc config.TableConfig, w string) config.TableConfig {
	tc.WhereClauseCriteria = &w
	return tc
}

func withMapping(tc config.TableConfig, from, to string) config.TableConfig {
	tc.ColumnTypeMappings = append(tc.ColumnTypeMappings, config.TypeMapping{SourceType: from, TargetType: to})
	return tc
}

func withDB(tc config.TableConfig, db string) config.TableConfig {
	tc.Source.DatabaseName = db
	return tc
}

// A table without a primary key is keyed by its narrowest unique index over NOT NULL
// columns (unique constraints included; nullable, filtered-out and PK-less tables
// without one say so in a warning).
func TestIntrospectUniqueIndexes(t *testing.T) {
	s, _ := newDB(t,
		`CREATE TABLE dbo.u (a int NOT NULL, b nvarchar(10) NOT NULL, c int NULL, d int NOT NULL, CONSTRAINT uq_ab UNIQUE (a, b))`,
		`CREATE UNIQUE INDEX ux_c ON dbo.u (c)`,
		`CREATE UNIQUE INDEX ux_d ON dbo.u (d)`,
		`CREATE TABLE dbo.n (a int NULL, b int NULL)`,
		`CREATE UNIQUE INDEX ux_a ON dbo.n (a)`,
		`CREATE TABLE dbo.p (id int NOT NULL PRIMARY KEY, d int NOT NULL UNIQUE)`)
	for _, tc := range []struct {
		table, pk, warning string
	}{
		{"u", "d", "unique index ux_d (d)"},
		{"n", "", "no unique index over NOT NULL migrated columns (unique indexes: ux_a (a))"},
		{"p", "id", ""},
	} {
		info, err := s.Introspect(ctxT(t), tableConfig(tc.table, "a"))
		if tc.table == "p" {
			info, err = s.Introspect(ctxT(t), tableConfig(tc.table, "id"))
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.table, err)
		}
		if got := strings.Join(info.PrimaryKey, ","); got != tc.pk {
			t.Errorf("%s: key %q, want %q", tc.table, got, tc.pk)
		}
		joined := strings.Join(info.Warnings, "\n")
		if (tc.warning == "") != (joined == "") || !strings.Contains(joined, tc.warning) {
			t.Errorf("%s: warnings %q, want one containing %q", tc.table, joined, tc.warning)
		}
	}
}

// The "similar:" list of a missing table matches names by case-insensitive
// containment, not as a LIKE pattern: '%', '_' and '[' in the asked-for name are
// characters.
func TestMissingTableSuggestionsAreNotPatterns(t *testing.T) {
	s, _ := newDB(t, "CREATE TABLE dbo.items (id int)", "CREATE TABLE dbo.[a_b] (id int)", "CREATE TABLE dbo.[pct%x] (id int)", "CREATE TABLE dbo.[br[x] (id int)")
	ctx := ctxT(t)
	for _, c := range []struct{ ask, want string }{
		{"[%]", "(similar: dbo.pct%x)"},
		{"[_]", "(similar: dbo.a_b)"},
		{"[[]", "(similar: dbo.br[x)"},
		{"ITEM", "(similar: dbo.items)"},
	} {
		_, err := s.Introspect(ctx, tableConfig(c.ask, "id"))
		if !errors.Is(err, source.ErrMissing) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("table %s: %v; want ErrMissing with %q", c.ask, err, c.want)
		}
	}
}
