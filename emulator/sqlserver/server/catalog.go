package server

import (
	"fmt"
	"strings"

	"github.com/snowmigrate/snowmigrate/emulator/sqlserver/tds"
	"github.com/snowmigrate/snowmigrate/emulator/sqlserver/tsql"
)

// systemTypes is sys.types: name, system_type_id, max_length, precision, scale.
var systemTypes = []struct {
	name             string
	id               int
	maxLen, prec, sc int
}{
	{"image", 34, 16, 0, 0}, {"text", 35, 16, 0, 0}, {"uniqueidentifier", 36, 16, 0, 0},
	{"date", 40, 3, 10, 0}, {"time", 41, 5, 16, 7}, {"datetime2", 42, 8, 27, 7},
	{"datetimeoffset", 43, 10, 34, 7}, {"tinyint", 48, 1, 3, 0}, {"smallint", 52, 2, 5, 0},
	{"int", 56, 4, 10, 0}, {"smalldatetime", 58, 4, 16, 0}, {"real", 59, 4, 24, 0},
	{"money", 60, 8, 19, 4}, {"datetime", 61, 8, 23, 3}, {"float", 62, 8, 53, 0},
	{"sql_variant", 98, 8016, 0, 0}, {"ntext", 99, 16, 0, 0}, {"bit", 104, 1, 1, 0},
	{"decimal", 106, 17, 38, 38}, {"numeric", 108, 17, 38, 38}, {"smallmoney", 122, 4, 10, 4},
	{"bigint", 127, 8, 19, 0}, {"hierarchyid", 240, -1, 0, 0}, {"geometry", 240, -1, 0, 0},
	{"geography", 240, -1, 0, 0}, {"varbinary", 165, 8000, 0, 0}, {"varchar", 167, 8000, 0, 0},
	{"binary", 173, 8000, 0, 0}, {"char", 175, 8000, 0, 0}, {"timestamp", 189, 8, 0, 0},
	{"nvarchar", 231, 8000, 0, 0}, {"nchar", 239, 8000, 0, 0}, {"xml", 241, -1, 0, 0},
	{"sysname", 231, 256, 0, 0},
}

func typesValues() string {
	var rows []string
	for _, t := range systemTypes {
		user := t.id
		switch t.name {
		case "hierarchyid":
			user = 128
		case "geometry":
			user = 129
		case "geography":
			user = 130
		case "sysname":
			user = 256
		}
		coll := "NULL"
		if t.name == "char" || t.name == "varchar" || t.name == "nchar" || t.name == "nvarchar" || t.name == "text" || t.name == "ntext" || t.name == "sysname" {
			coll = "'SQL_Latin1_General_CP1_CI_AS'"
		}
		rows = append(rows, fmt.Sprintf("('%s', %d, %d, %d, %d, %d, %s)", t.name, t.id, user, t.maxLen, t.prec, t.sc, coll))
	}
	return "(SELECT name, CAST(system_type_id AS UTINYINT) AS system_type_id, CAST(user_type_id AS INTEGER) AS user_type_id, 4 AS schema_id, CAST(max_length AS SMALLINT) AS max_length, CAST(precision AS UTINYINT) AS precision, CAST(scale AS UTINYINT) AS scale, collation_name, true AS is_nullable, false AS is_user_defined, false AS is_assembly_type FROM (VALUES " +
		strings.Join(rows, ", ") + ") v(name, system_type_id, user_type_id, max_length, precision, scale, collation_name))"
}

// CatalogView implements tsql.Env: sys.* and INFORMATION_SCHEMA.* as DuckDB subqueries
// over the metadata schema of database db.
func (s *session) CatalogView(db, schema, name string) (string, bool) {
	dbn, ok := s.srv.store.dbName(db)
	if !ok {
		return "", false
	}
	m := tsql.QuoteIdent(dbn) + "." + metaSchema
	lit := tsql.QuoteString(dbn)
	switch schema + "." + name {
	case "sys.types":
		return typesValues(), true
	case "sys.objects_by_name":
		return fmt.Sprintf("(SELECT object_id, schema_name, name FROM %s.objects)", m), true
	case "sys.schemas":
		return fmt.Sprintf("(SELECT name, schema_id, 1 AS principal_id FROM %s.schemas)", m), true
	case "sys.databases":
		var rows []string
		for i, d := range s.srv.store.databases() {
			rows = append(rows, fmt.Sprintf("(%s, %d)", tsql.QuoteString(d), i+1))
		}
		return "(SELECT name, database_id, 'SQL_Latin1_General_CP1_CI_AS' AS collation_name, 0 AS state, 'ONLINE' AS state_desc, 160 AS compatibility_level, 1 AS snapshot_isolation_state, true AS is_read_committed_snapshot_on FROM (VALUES " + strings.Join(rows, ", ") + ") v(name, database_id))", true
	case "sys.all_objects":
		// user tables and, as on SQL Server, a couple of thousand system objects (scripts
		// use it as a numbers source)
		return fmt.Sprintf("(SELECT o.name, o.object_id, s.schema_id, 'U' AS type, 'USER_TABLE' AS type_desc, o.create_date, o.create_date AS modify_date, false AS is_ms_shipped FROM %[1]s.objects o JOIN %[1]s.schemas s ON lower(s.name) = lower(o.schema_name) UNION ALL SELECT 'sysobject' || i, -CAST(i AS INTEGER), 4, 'S', 'SYSTEM_TABLE', TIMESTAMP '2022-10-08 06:59:00', TIMESTAMP '2022-10-08 06:59:00', true FROM range(1, 2500) t(i))", m), true
	case "sys.all_columns":
		return fmt.Sprintf("(SELECT c.object_id, c.name, c.column_id FROM %s.columns c UNION ALL SELECT -CAST(i / 10 + 1 AS INTEGER), 'syscolumn' || i, CAST(i %% 10 + 1 AS INTEGER) FROM range(0, 10000) t(i))", m), true
	case "sys.tables", "sys.objects":
		return fmt.Sprintf("(SELECT o.name, o.object_id, CAST(NULL AS INTEGER) AS principal_id, s.schema_id, 0 AS parent_object_id, 'U' AS type, 'USER_TABLE' AS type_desc, o.create_date, o.create_date AS modify_date, false AS is_ms_shipped, false AS is_published, false AS is_schema_published, 0 AS temporal_type, false AS is_memory_optimized FROM %[1]s.objects o JOIN %[1]s.schemas s ON lower(s.name) = lower(o.schema_name))", m), true
	case "sys.columns":
		return fmt.Sprintf(`(SELECT c.object_id, c.name, c.column_id, t.system_type_id, t.user_type_id, CAST(c.max_length AS SMALLINT) AS max_length, CAST(c.prec AS UTINYINT) AS precision, CAST(c.scale AS UTINYINT) AS scale, c.collation_name, c.is_nullable, false AS is_ansi_padded, false AS is_rowguidcol, c.is_identity, c.is_computed, false AS is_filestream, false AS is_replicated, false AS is_sparse, false AS is_column_set, 0 AS default_object_id FROM %s.columns c JOIN %s t ON t.name = c.type_name)`, m, typesValues()), true
	case "sys.computed_columns":
		return fmt.Sprintf(`(SELECT c.object_id, c.name, c.column_id, c.definition, false AS is_persisted FROM %s.columns c WHERE c.is_computed)`, m), true
	case "sys.identity_columns":
		return fmt.Sprintf(`(SELECT c.object_id, c.name, c.column_id FROM %s.columns c WHERE c.is_identity)`, m), true
	case "sys.indexes":
		return fmt.Sprintf(`(SELECT object_id, name, index_id, type, CASE type WHEN 0 THEN 'HEAP' WHEN 1 THEN 'CLUSTERED' ELSE 'NONCLUSTERED' END AS type_desc, is_unique, is_primary_key, is_unique_constraint, false AS is_disabled, false AS has_filter, false AS is_hypothetical, 1 AS data_space_id FROM %s.indexes)`, m), true
	case "sys.index_columns":
		return fmt.Sprintf(`(SELECT object_id, index_id, index_column_id, column_id, key_ordinal, 0 AS partition_ordinal, is_descending_key, false AS is_included_column FROM %s.index_columns)`, m), true
	case "sys.key_constraints":
		return fmt.Sprintf(`(SELECT i.name, i.object_id AS parent_object_id, CASE WHEN i.is_primary_key THEN 'PK' ELSE 'UQ' END AS type, CASE WHEN i.is_primary_key THEN 'PRIMARY_KEY_CONSTRAINT' ELSE 'UNIQUE_CONSTRAINT' END AS type_desc, i.index_id AS unique_index_id, (SELECT s.schema_id FROM %[1]s.objects o JOIN %[1]s.schemas s ON lower(s.name) = lower(o.schema_name) WHERE o.object_id = i.object_id) AS schema_id, i.object_id * 100 + i.index_id AS object_id FROM %[1]s.indexes i WHERE i.is_primary_key OR i.is_unique_constraint)`, m), true
	case "sys.partitions", "sys.dm_db_partition_stats":
		var parts []string
		for _, t := range s.tablesIn(dbn) {
			parts = append(parts, fmt.Sprintf("SELECT %d AS object_id, (SELECT min(index_id) FROM %s.indexes WHERE object_id = %d) AS index_id, (SELECT count(*) FROM %s.%s.%s) AS n",
				t.id, m, t.id, tsql.QuoteIdent(dbn), tsql.QuoteIdent(t.schema), tsql.QuoteIdent(t.name)))
		}
		if len(parts) == 0 {
			parts = []string{"SELECT 0 AS object_id, 0 AS index_id, 0 AS n WHERE false"}
		}
		body := strings.Join(parts, " UNION ALL ")
		if name == "partitions" {
			return "(SELECT object_id * 1000 + index_id AS partition_id, object_id, index_id, 1 AS partition_number, object_id * 1000 + index_id AS hobt_id, CAST(n AS BIGINT) AS rows, 0 AS data_compression, 'NONE' AS data_compression_desc FROM (" + body + "))", true
		}
		return "(SELECT object_id * 1000 + index_id AS partition_id, object_id, index_id, 1 AS partition_number, CAST(n AS BIGINT) AS row_count, CAST((n * 64 + 8191) / 8192 AS BIGINT) AS used_page_count, CAST((n * 64 + 8191) / 8192 AS BIGINT) AS reserved_page_count, CAST((n * 64 + 8191) / 8192 AS BIGINT) AS in_row_data_page_count FROM (" + body + "))", true
	case "information_schema.tables":
		return fmt.Sprintf("(SELECT %s AS TABLE_CATALOG, schema_name AS TABLE_SCHEMA, name AS TABLE_NAME, 'BASE TABLE' AS TABLE_TYPE FROM %s.objects)", lit, m), true
	case "information_schema.schemata":
		return fmt.Sprintf("(SELECT %s AS CATALOG_NAME, name AS SCHEMA_NAME, 'dbo' AS SCHEMA_OWNER FROM %s.schemas)", lit, m), true
	case "information_schema.columns":
		return fmt.Sprintf(`(SELECT %[1]s AS TABLE_CATALOG, o.schema_name AS TABLE_SCHEMA, o.name AS TABLE_NAME, c.name AS COLUMN_NAME, c.column_id AS ORDINAL_POSITION, CAST(NULL AS VARCHAR) AS COLUMN_DEFAULT, CASE WHEN c.is_nullable THEN 'YES' ELSE 'NO' END AS IS_NULLABLE, c.type_name AS DATA_TYPE,
 CASE WHEN c.type_name IN ('char','varchar','nchar','nvarchar','binary','varbinary') THEN c.len WHEN c.type_name IN ('text','image') THEN 2147483647 WHEN c.type_name = 'ntext' THEN 1073741823 WHEN c.type_name = 'xml' THEN -1 END AS CHARACTER_MAXIMUM_LENGTH,
 CASE WHEN c.type_name IN ('char','varchar','binary','varbinary') THEN c.len WHEN c.type_name IN ('nchar','nvarchar') THEN CASE WHEN c.len = -1 THEN -1 ELSE 2 * c.len END END AS CHARACTER_OCTET_LENGTH,
 CASE WHEN c.type_name IN ('tinyint','smallint','int','bigint','decimal','numeric','money','smallmoney','real','float') THEN CAST(c.prec AS UTINYINT) END AS NUMERIC_PRECISION,
 CASE WHEN c.type_name IN ('tinyint','smallint','int','bigint','decimal','numeric','money','smallmoney') THEN CAST(10 AS SMALLINT) WHEN c.type_name IN ('real','float') THEN CAST(2 AS SMALLINT) END AS NUMERIC_PRECISION_RADIX,
 CASE WHEN c.type_name IN ('tinyint','smallint','int','bigint','decimal','numeric','money','smallmoney') THEN c.scale END AS NUMERIC_SCALE,
 CASE WHEN c.type_name IN ('date') THEN 0 WHEN c.type_name IN ('time','datetime2','datetimeoffset') THEN c.scale WHEN c.type_name = 'datetime' THEN 3 WHEN c.type_name = 'smalldatetime' THEN 0 END AS DATETIME_PRECISION,
 CASE WHEN c.type_name IN ('char','varchar','text') THEN 'iso_1' WHEN c.type_name IN ('nchar','nvarchar','ntext') THEN 'UNICODE' END AS CHARACTER_SET_NAME,
 c.collation_name AS COLLATION_NAME
 FROM %[2]s.columns c JOIN %[2]s.objects o ON o.object_id = c.object_id)`, lit, m), true
	case "information_schema.table_constraints":
		return fmt.Sprintf(`(SELECT %[1]s AS CONSTRAINT_CATALOG, o.schema_name AS CONSTRAINT_SCHEMA, i.name AS CONSTRAINT_NAME, %[1]s AS TABLE_CATALOG, o.schema_name AS TABLE_SCHEMA, o.name AS TABLE_NAME, CASE WHEN i.is_primary_key THEN 'PRIMARY KEY' ELSE 'UNIQUE' END AS CONSTRAINT_TYPE, 'NO' AS IS_DEFERRABLE, 'NO' AS INITIALLY_DEFERRED FROM %[2]s.indexes i JOIN %[2]s.objects o ON o.object_id = i.object_id WHERE i.is_primary_key OR i.is_unique_constraint)`, lit, m), true
	case "information_schema.key_column_usage":
		return fmt.Sprintf(`(SELECT %[1]s AS CONSTRAINT_CATALOG, o.schema_name AS CONSTRAINT_SCHEMA, i.name AS CONSTRAINT_NAME, %[1]s AS TABLE_CATALOG, o.schema_name AS TABLE_SCHEMA, o.name AS TABLE_NAME, c.name AS COLUMN_NAME, ic.key_ordinal AS ORDINAL_POSITION FROM %[2]s.indexes i JOIN %[2]s.objects o ON o.object_id = i.object_id JOIN %[2]s.index_columns ic ON ic.object_id = i.object_id AND ic.index_id = i.index_id JOIN %[2]s.columns c ON c.object_id = i.object_id AND c.column_id = ic.column_id WHERE i.is_primary_key OR i.is_unique_constraint)`, lit, m), true
	}
	return "", false
}

func (s *session) tablesIn(db string) []*table {
	rows, err := s.conn.QueryContext(s.ctx, fmt.Sprintf("SELECT schema_name, name FROM %s.%s.objects ORDER BY object_id", tsql.QuoteIdent(db), metaSchema))
	if err != nil {
		return nil
	}
	var names [][2]string
	for rows.Next() {
		var a, b string
		rows.Scan(&a, &b)
		names = append(names, [2]string{a, b})
	}
	rows.Close()
	var out []*table
	for _, n := range names {
		if t, ok := s.srv.store.lookup(s.conn, db, n[0], n[1]); ok {
			out = append(out, t)
		}
	}
	return out
}

// Global implements tsql.Env for @@ variables and SERVERPROPERTY.
func (s *session) Global(name string) (string, bool) {
	q := tsql.QuoteString
	switch name {
	case "@@VERSION":
		return q(version), true
	case "@@SPID":
		return fmt.Sprint(s.spid), true
	case "@@TRANCOUNT":
		if s.inTx {
			return "1", true
		}
		return "0", true
	case "@@ROWCOUNT":
		return fmt.Sprint(s.rowCount), true
	case "@@SERVERNAME":
		return q("localhost"), true
	case "@@LANGUAGE":
		return q("us_english"), true
	case "@@MAX_PRECISION":
		return "CAST(38 AS UTINYINT)", true
	case "@@ERROR":
		return "0", true
	case "SERVERPROPERTY:PRODUCTVERSION":
		return q("16.0.4000.1"), true
	case "SERVERPROPERTY:PRODUCTMAJORVERSION":
		return q("16"), true
	case "SERVERPROPERTY:EDITION":
		return q("Developer Edition (64-bit)"), true
	case "SERVERPROPERTY:ENGINEEDITION":
		return "3", true
	case "SERVERPROPERTY:PRODUCTLEVEL":
		return q("RTM"), true
	case "SERVERPROPERTY:COLLATION":
		return q("SQL_Latin1_General_CP1_CI_AS"), true
	case "SERVERPROPERTY:SERVERNAME", "SERVERPROPERTY:MACHINENAME":
		return q("localhost"), true
	case "SERVERPROPERTY:ISHADRENABLED":
		return "0", true
	}
	return "", false
}

const version = "Microsoft SQL Server 2022 (RTM) - 16.0.4000.1 (X64) compatible local emulator (snowmigrate sqlserver-emulator on DuckDB)"

// Columns implements tsql.Env.
func (s *session) Columns(db, schema, name string) ([]tsql.ColumnMeta, bool) {
	if db == "" {
		db = s.db
	}
	t, ok := s.srv.store.lookup(s.conn, db, schema, name)
	if !ok {
		return nil, false
	}
	return t.cols, true
}

// ObjectID implements tsql.Env.
func (s *session) ObjectID(db, schema, name string) (int64, bool) {
	if db == "" {
		db = s.db
	}
	t, ok := s.srv.store.lookup(s.conn, db, schema, name)
	if !ok {
		return 0, false
	}
	return t.id, true
}

// CurrentDB implements tsql.Env.
func (s *session) CurrentDB() string { return s.db }

var _ tsql.Env = (*session)(nil)

// duckToType maps an engine result type to the wire type used when the select list does
// not name a declared column.
func duckToType(name string) tds.Type {
	n := strings.ToUpper(name)
	switch {
	case n == "BOOLEAN":
		return tds.Type{Kind: tds.Bit}
	case n == "UTINYINT":
		return tds.Type{Kind: tds.TinyInt}
	case n == "TINYINT" || n == "SMALLINT":
		return tds.Type{Kind: tds.SmallInt}
	case n == "INTEGER" || n == "USMALLINT":
		return tds.Type{Kind: tds.Int}
	case n == "BIGINT" || n == "UINTEGER" || n == "HUGEINT":
		return tds.Type{Kind: tds.BigInt}
	case n == "UBIGINT" || n == "UHUGEINT":
		return tds.Type{Kind: tds.Decimal, Prec: 38}
	case n == "FLOAT":
		return tds.Type{Kind: tds.Real}
	case n == "DOUBLE":
		return tds.Type{Kind: tds.Float}
	case strings.HasPrefix(n, "DECIMAL"):
		var p, sc int
		fmt.Sscanf(n, "DECIMAL(%d,%d)", &p, &sc)
		if p == 0 {
			p = 18
		}
		return tds.Type{Kind: tds.Decimal, Prec: p, Scale: sc}
	case n == "BLOB":
		return tds.Type{Kind: tds.VarBinary, Len: tds.MaxLen}
	case n == "UUID":
		return tds.Type{Kind: tds.UniqueIdentifier}
	case n == "DATE":
		return tds.Type{Kind: tds.Date}
	case strings.HasPrefix(n, "TIMESTAMP"):
		return tds.Type{Kind: tds.DateTime2, Scale: 7}
	case n == "TIME":
		return tds.Type{Kind: tds.Time, Scale: 7}
	}
	return tds.Type{Kind: tds.NVarChar, Len: tds.MaxLen, Collation: "SQL_Latin1_General_CP1_CI_AS"}
}
