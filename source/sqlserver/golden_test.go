package sqlserver

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/snowmigrate/snowmigrate/checksum"
	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
)

// TestGoldenSQL renders every statement the SQL Server dialect emits into
// testdata/<case>.sql (go test ./source/sqlserver -run Golden -update rewrites them;
// no server is needed). The cases of source.GoldenCases() that PostgreSQL and
// Redshift render (source/sourcetest) are rendered here under the same names, with
// the same table (shop.Sales.order), keys, bounds, filter and partitions in SQL
// Server's types, so that testdata/<case>.sql of source/postgres and of this package
// can be diffed case by case; the watermark, validation and checksum cases also
// carry PostgreSQL's names. The rest are this dialect's own statements.
//
// A statement executed with parameters (go-mssqldb sends it through sp_executesql)
// is followed by its parameter list: the declaration go-mssqldb v1.11.2 makes for
// the Go value and the value as a T-SQL literal. The test also checks that every
// parameter is referenced, that no other is, and that no bound value containing a
// quote or a backslash appears in the statement's text.
//
// Shared cases without a SQL Server meaning:
//   - numeric_scan: PostgreSQL measures unconstrained numeric columns (numeric
//     without precision) to choose their target type; every SQL Server
//     decimal/numeric has a declared precision and scale in sys.columns, so the
//     dialect never scans a table for it and has no such statement.
//
// Shared cases adapted:
//   - bounds_three_keys_after: the third key "at" is datetime2(7), not
//     datetimeoffset: keyColumns refuses datetimeoffset partition columns (SQL Server
//     orders them by instant, Snowflake's TIMESTAMP_TZ otherwise); the test asserts
//     that refusal. The bound is datetime2(7)'s canonical text.
//   - watermark_window_quote: the hostile bound x' OR 1=1 --\ of a datetimeoffset
//     watermark is refused before any SQL is built (keyColumn.param); the golden file
//     holds the error.
//   - the hostile identifier we"ird becomes we"i]rd: brackets quote identifiers here.
//
// The locate statements keep their own golden files (locate_test.go:
// locate_bucket_checksums, locate_bucket_rows, locate_key_set), as does the checksum
// of every type (checksum_test.go: checksum_all_types).
func TestGoldenSQL(t *testing.T) {
	if p := config.WhereProblemTSQL(gWhere); p != "" {
		t.Fatalf("the shared filter is not a T-SQL filter the dialect accepts: %s", p)
	}
	if _, err := keyColumns([]migration.Column{{SourceName: "at", SourceType: "datetimeoffset(7)", TargetType: "TIMESTAMP_TZ(7)"}}, []int{0}); !errors.Is(err, source.ErrConfig) {
		t.Errorf("a datetimeoffset partition column was accepted (bounds_three_keys_after assumes it is refused): %v", err)
	}
	for _, c := range goldenCases(t) {
		t.Run(c.name, func(t *testing.T) {
			got, err := c.render()
			if err != nil {
				t.Fatal(err)
			}
			golden(t, c.name, got)
		})
	}
}

// The shared scenario: table, filter, columns.
var (
	gTable = migration.TableRef{Database: "shop", Schema: "Sales", Table: "order"}
	gWhere = "is_deleted = 0 OR note = 'a\\b'"
)

// gColumns are source.GoldenCases' extraction columns in SQL Server types.
var gColumns = []migration.Column{
	{SourceName: "id", SourceType: "bigint", TargetName: "ID", TargetType: "NUMBER(19,0)"},
	{SourceName: "Region", SourceType: "nvarchar(20)", TargetName: "Region", TargetType: "VARCHAR(20)"},
	{SourceName: "day", SourceType: "date", TargetName: "DAY", TargetType: "DATE"},
	{SourceName: "amount", SourceType: "decimal(12,2)", TargetName: "AMOUNT", TargetType: "NUMBER(12,2)"},
	{SourceName: "price", SourceType: "real", TargetName: "PRICE", TargetType: "FLOAT"},
	{SourceName: "at", SourceType: "datetimeoffset(7)", TargetName: "AT", TargetType: "TIMESTAMP_TZ(7)"},
	{SourceName: "local", SourceType: "datetime2(7)", TargetName: "LOCAL", TargetType: "TIMESTAMP_NTZ(7)"},
	{SourceName: "flag", SourceType: "bit", TargetName: "FLAG", TargetType: "VARCHAR"},
	{SourceName: `we"i]rd`, SourceType: "smallint", TargetName: `we"i]rd`, TargetType: "NUMBER(5,0)"},
}

// kindColumns cover every column plan kind of planColumn.
var kindColumns = []migration.Column{
	{SourceName: "id", SourceType: "bigint", TargetName: "ID", TargetType: "NUMBER(19,0)"},
	{SourceName: "tiny", SourceType: "tinyint", TargetName: "TINY", TargetType: "NUMBER(3,0)"},
	{SourceName: "dec", SourceType: "decimal(38,10)", TargetName: "DEC", TargetType: "NUMBER(38,10)"},
	{SourceName: "dec_rescaled", SourceType: "decimal(12,4)", TargetName: "DEC_RESCALED", TargetType: "NUMBER(10,2)"},
	{SourceName: "money", SourceType: "money", TargetName: "MONEY", TargetType: "NUMBER(19,4)"},
	{SourceName: "money_rescaled", SourceType: "money", TargetName: "MONEY_RESCALED", TargetType: "NUMBER(20,1)"},
	{SourceName: "smallmoney", SourceType: "smallmoney", TargetName: "SMALLMONEY", TargetType: "NUMBER(10,4)"},
	{SourceName: "real", SourceType: "real", TargetName: "REAL", TargetType: "FLOAT"},
	{SourceName: "float", SourceType: "float", TargetName: "FLOAT", TargetType: "FLOAT"},
	{SourceName: "int_float", SourceType: "int", TargetName: "INT_FLOAT", TargetType: "FLOAT"},
	{SourceName: "bit", SourceType: "bit", TargetName: "BIT", TargetType: "BOOLEAN"},
	{SourceName: "int_bool", SourceType: "int", TargetName: "INT_BOOL", TargetType: "BOOLEAN"},
	{SourceName: "nvc", SourceType: "nvarchar(max)", TargetName: "NVC", TargetType: "VARCHAR"},
	{SourceName: "code", SourceType: "char(4)", TargetName: "CODE", TargetType: "VARCHAR(4)"},
	{SourceName: "guid", SourceType: "uniqueidentifier", TargetName: "GUID", TargetType: "VARCHAR(36)"},
	{SourceName: "node", SourceType: "hierarchyid", TargetName: "NODE", TargetType: "VARCHAR"},
	{SourceName: "place", SourceType: "geography", TargetName: "PLACE", TargetType: "VARCHAR"},
	{SourceName: "shape", SourceType: "geometry", TargetName: "SHAPE", TargetType: "VARCHAR"},
	{SourceName: "variant", SourceType: "sql_variant", TargetName: "VARIANT", TargetType: "VARCHAR"},
	{SourceName: "doc", SourceType: "xml", TargetName: "DOC", TargetType: "VARIANT"},
	{SourceName: "doc_text", SourceType: "xml", TargetName: "DOC_TEXT", TargetType: "VARCHAR"},
	{SourceName: "bin", SourceType: "binary(16)", TargetName: "BIN", TargetType: "BINARY(16)"},
	{SourceName: "varbin_hex", SourceType: "varbinary(max)", TargetName: "VARBIN_HEX", TargetType: "VARCHAR"},
	{SourceName: "text_bin", SourceType: "nvarchar(10)", TargetName: "TEXT_BIN", TargetType: "BINARY"},
	{SourceName: "rv", SourceType: "rowversion", TargetName: "RV", TargetType: "BINARY(8)"},
	{SourceName: "day", SourceType: "date", TargetName: "DAY", TargetType: "DATE"},
	{SourceName: "day_text", SourceType: "date", TargetName: "DAY_TEXT", TargetType: "VARCHAR"},
	{SourceName: "dt_date", SourceType: "datetime", TargetName: "DT_DATE", TargetType: "DATE"},
	{SourceName: "t6", SourceType: "time(6)", TargetName: "T6", TargetType: "TIME(6)"},
	{SourceName: "t7", SourceType: "time(7)", TargetName: "T7", TargetType: "TIME(7)"},
	{SourceName: "t7_text", SourceType: "time(7)", TargetName: "T7_TEXT", TargetType: "VARCHAR"},
	{SourceName: "dt2_time", SourceType: "datetime2(7)", TargetName: "DT2_TIME", TargetType: "TIME(7)"},
	{SourceName: "dtm", SourceType: "datetime", TargetName: "DTM", TargetType: "TIMESTAMP_NTZ(3)"},
	{SourceName: "sdt", SourceType: "smalldatetime", TargetName: "SDT", TargetType: "TIMESTAMP_NTZ(0)"},
	{SourceName: "dt2_6", SourceType: "datetime2(6)", TargetName: "DT2_6", TargetType: "TIMESTAMP_NTZ(6)"},
	{SourceName: "dt2_7", SourceType: "datetime2(7)", TargetName: "DT2_7", TargetType: "TIMESTAMP_NTZ(7)"},
	{SourceName: "dt2_text", SourceType: "datetime2(7)", TargetName: "DT2_TEXT", TargetType: "VARCHAR"},
	{SourceName: "date_ntz", SourceType: "date", TargetName: "DATE_NTZ", TargetType: "TIMESTAMP_NTZ(6)"},
	{SourceName: "dto", SourceType: "datetimeoffset(7)", TargetName: "DTO", TargetType: "TIMESTAMP_TZ(7)"},
	{SourceName: "dto3", SourceType: "datetimeoffset(3)", TargetName: "DTO3", TargetType: "TIMESTAMP_TZ(3)"},
	{SourceName: "dto_text", SourceType: "datetimeoffset(7)", TargetName: "DTO_TEXT", TargetType: "VARCHAR"},
	{SourceName: "dt2_tz", SourceType: "datetime2(7)", TargetName: "DT2_TZ", TargetType: "TIMESTAMP_TZ(9)"},
}

// readNames name the plan's read kinds in the column comments of extract_column_kinds.
var readNames = map[read]string{readInt: "int", readDecimal: "decimal", readFloat: "float", readBool: "bool", readString: "string",
	readBytes: "bytes", readDate: "date", readTime: "time", readTimestamp: "timestamp", readTimeText: "time text",
	readTSText: "timestamp text", readTSTZText: "timestamp+offset text"}

type goldenCase struct {
	name   string
	render func() (string, error)
}

func goldenCases(t *testing.T) []goldenCase {
	one := gKeys(t, "id", "bigint")
	two := gKeys(t, "Region", "nvarchar(20)", "day", "date")
	three := gKeys(t, "Region", "nvarchar(20)", "day", "date", "at", "datetime2(7)")
	char4 := gKeys(t, "code", "char(4)")
	plain := func(q string) func() (string, error) { return bound(q, nil) }
	catalog := func(q string) func() (string, error) { return bound(q, []any{tableName(gTable)}) }
	bounds := func(keys []keyColumn, where string, after []string, step, limit int64) func() (string, error) {
		return func() (string, error) {
			q, args, err := boundsSQL(gTable, keys, where, after, step, limit)
			if err != nil {
				return "", err
			}
			return bound(q, args)()
		}
	}
	predicate := func(keys []keyColumn, p migration.Partition) func() (string, error) {
		return func() (string, error) {
			q, args, err := rangePredicate(keys, p, 1)
			if err != nil {
				return "", err
			}
			return bound(q, args)()
		}
	}
	middle := migration.Partition{Number: 2, Lower: []string{"east", "2024-01-01"}, Upper: []string{"west", "2024-02-01"}}

	// watermark columns (PostgreSQL's: updated_at timestamptz, Version bigint, in dbo.Orders)
	wmTable := migration.TableRef{Database: "shop", Schema: "dbo", Table: "Orders"}
	wmCols := []migration.Column{
		{SourceName: "updated_at", SourceType: "datetimeoffset(7)", TargetName: "UPDATED_AT", TargetType: "TIMESTAMP_TZ(7)"},
		{SourceName: "Version", SourceType: "bigint", TargetName: "VERSION", TargetType: "NUMBER(19,0)"},
		{SourceName: "changed", SourceType: "datetime", TargetName: "CHANGED", TargetType: "TIMESTAMP_NTZ(3)"},
	}
	maxWM := func(name, where string) func() (string, error) {
		return func() (string, error) {
			k, err := watermarkColumn(wmCols, name)
			if err != nil {
				return "", err
			}
			return maxWatermarkSQL(wmTable, k, where), nil
		}
	}
	window := func(w migration.WatermarkWindow) func() (string, error) {
		return func() (string, error) {
			q, args, err := windowPredicate(wmCols, &w, 1)
			if err != nil {
				return "-- refused before any SQL is built: " + err.Error(), nil
			}
			return bound(q, args)()
		}
	}
	high := "2024-05-01 10:00:00.0000000+00:00"

	return []goldenCase{
		// source.GoldenCases(), in its order
		{"catalog_table", catalog(tableSQL)},
		{"catalog_columns", catalog(columnsSQL)},
		{"primary_key", catalog(primaryKeySQL)},
		{"has_rows", plain(hasRowsSQL(gTable, gWhere))},
		{"count_rows", plain(countSQL(gTable, gWhere))},
		{"has_rows_no_filter", plain(hasRowsSQL(gTable, ""))},
		// numeric_scan: no SQL Server meaning (see above)
		{"bounds_first_page", bounds(one, "", nil, 1000, 100001)},
		{"bounds_composite_after", bounds(two, gWhere, []string{"O'Neil\\x", "2024-01-31"}, 500, 50001)},
		{"bounds_char_key", bounds(char4, "", []string{"AB  "}, 10, 101)},
		{"bounds_three_keys_after", bounds(three, "", []string{"east", "2024-01-31", "2024-01-31 10:00:00.0000000"}, 10, 101)},
		{"null_keys", plain(nullKeysSQL(gTable, two, gWhere))},
		{"predicate_null_partition", predicate(two, migration.Partition{NullKeys: true})},
		{"predicate_first", predicate(one, migration.Partition{Upper: []string{"100"}})},
		{"predicate_middle_composite", predicate(two, middle)},
		{"predicate_char_key", predicate(char4, migration.Partition{Lower: []string{"AB12"}, Upper: []string{"ZZ99"}})},
		{"predicate_last", predicate(one, migration.Partition{Lower: []string{"100"}})},
		{"extract_composite", extractCase(gColumns, []int{1, 2}, middle, nil, false)},
		{"extract_null_partition", extractCase(gColumns, []int{0}, migration.Partition{NullKeys: true}, nil, false)},

		// the catalog statements PostgreSQL has no counterpart of
		{"catalog_size", catalog(sizeSQL)},
		{"catalog_unique_indexes", catalog(uniqueIndexesSQL)},

		// extraction: every column plan kind; a watermark window after the bounds
		{"extract_column_kinds", extractCase(kindColumns, []int{0}, migration.Partition{Number: 1, Upper: []string{"100"}}, nil, true)},
		{"extract_window", extractCase(wmCols, []int{1}, migration.Partition{Number: 2, Lower: []string{"100"}, Upper: []string{"200"}},
			&migration.WatermarkWindow{Column: "updated_at", Low: strPtr("2024-04-01 00:00:00.0000000+00:00"), High: strPtr(high)}, false)},

		// watermark (PostgreSQL's watermark_* cases)
		{"watermark_max_tstz", maxWM("updated_at", "is_deleted = 0")},
		{"watermark_max_int", maxWM("Version", "")},
		{"watermark_max_datetime", maxWM("changed", gWhere)},
		{"watermark_window_first", window(migration.WatermarkWindow{Column: "updated_at", High: strPtr(high), IncludeNull: true})},
		{"watermark_window_next", window(migration.WatermarkWindow{Column: "Version", Low: strPtr("41"), High: strPtr("97")})},
		{"watermark_window_quote", window(migration.WatermarkWindow{Column: "updated_at", Low: strPtr(`x' OR 1=1 --\`), High: strPtr(high)})},
		{"watermark_window_none", window(migration.WatermarkWindow{Column: "updated_at", IncludeNull: true})},
		{"watermark_window_datetime", window(migration.WatermarkWindow{Column: "changed", Low: strPtr("2024-04-01 00:00:00.000"), High: strPtr("2024-05-01 10:00:00.123")})},

		// validation
		{"validate_profile", profileCase},
		{"validate_partition_sql", func() (string, error) {
			return (&Source{}).PartitionSQL(gRequest(gColumns, []int{1, 2}, migration.Partition{Number: 2, Lower: []string{"O'Neil\\x", "2024-01-31"}, Upper: []string{"west", "2024-02-01"}}, nil))
		}},
		{"validate_row_sql", rowSQLCase(false)},
		{"validate_row_sql_null", rowSQLCase(true)},

		// checksum of the NULL-key partition (checksum_all_types covers the types)
		{"checksum_null_keys", func() (string, error) {
			req := gRequest(gColumns[:2], []int{1, 0}, migration.Partition{NullKeys: true}, nil)
			sel, err := (&Source{}).rowSelection(req)
			if err != nil {
				return "", err
			}
			q, err := checksumSQL(gTable, sel.plans, req.Columns, sel.pred, "")
			if err != nil {
				return "", err
			}
			return bound(q, sel.args)()
		}},

		// whole methods through a recording driver: the transaction (its isolation level)
		// and every statement in it, as go-mssqldb would receive them
		{"tx_snapshot_introspect_missing_table", recorded(sql.LevelSnapshot, func(s *Source) error {
			where := gWhere
			_, err := s.Introspect(context.Background(), config.TableConfig{
				Source:              &config.Identifier{DatabaseName: "shop", SchemaName: "[Sales]", TableName: `"order"`},
				WhereClauseCriteria: &where, ColumnNamesToPartitionBy: []string{"id"},
			})
			return wantErr(err, source.ErrMissing)
		})},
		{"tx_read_committed_max_watermark", recorded(sql.LevelReadCommitted, func(s *Source) error {
			where := gWhere
			_, err := s.MaxWatermark(context.Background(), source.WatermarkRequest{
				Table: config.TableConfig{WhereClauseCriteria: &where}, TableShape: migration.TableShape{Source: wmTable, Columns: wmCols}, Column: "updated_at"})
			return err
		})},
		{"tx_snapshot_plan_window_after", recorded(sql.LevelSnapshot, func(s *Source) error {
			req := source.PlanRequest{Table: gRequest(gColumns, []int{1, 2}, migration.Partition{}, nil).Table,
				TableShape: migration.TableShape{Source: gTable, Columns: append(append([]migration.Column{}, gColumns...), wmCols[0]), PartitionBy: []int{1, 2}},
				After:      []string{"O'Neil\\x", "2024-01-31"}, FirstNumber: 5, MaxPartitions: 10}
			req.Window = &migration.WatermarkWindow{Column: "updated_at", Low: strPtr("2024-04-01 00:00:00.0000000+00:00"), High: strPtr(high), IncludeNull: true}
			_, err := s.PlanPartitions(context.Background(), req)
			return err
		})},
		{"tx_snapshot_plan_first_page", recorded(sql.LevelSnapshot, func(s *Source) error {
			req := source.PlanRequest{Table: gRequest(gColumns, []int{0}, migration.Partition{}, nil).Table,
				TableShape: migration.TableShape{Source: gTable, Columns: gColumns, PartitionBy: []int{0}}, FirstNumber: 1, MaxPartitions: 10}
			_, err := s.PlanPartitions(context.Background(), req)
			return err
		})},
		{"tx_read_committed_count_rows", recorded(sql.LevelReadCommitted, func(s *Source) error {
			_, _, err := s.CountRows(context.Background(), source.CountRequest{Table: gRequest(gColumns, []int{0}, migration.Partition{}, nil).Table,
				TableShape: migration.TableShape{Source: gTable, Columns: gColumns}})
			return wantErr(err, nil) // no rows from the recording driver: the count fails with sql.ErrNoRows
		})},
	}
}

// gKeys builds key columns from (name, SQL Server type) pairs, mapped by MapType.
func gKeys(t *testing.T, pairs ...string) []keyColumn {
	t.Helper()
	var cols []migration.Column
	var idx []int
	for i := 0; i < len(pairs); i += 2 {
		idx = append(idx, len(cols))
		cols = append(cols, migration.Column{SourceName: pairs[i], SourceType: pairs[i+1], TargetName: pairs[i], TargetType: MapType(pairs[i+1]).TargetType})
	}
	keys, err := keyColumns(cols, idx)
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

func strPtr(s string) *string { return &s }

// gRequest is an extraction request over gTable with the shared filter.
func gRequest(cols []migration.Column, partitionBy []int, p migration.Partition, w *migration.WatermarkWindow) source.ExtractRequest {
	where := gWhere
	tc := config.TableConfig{
		Source:              &config.Identifier{DatabaseName: gTable.Database, SchemaName: gTable.Schema, TableName: gTable.Table},
		WhereClauseCriteria: &where,
	}
	req := source.ExtractRequest{Table: tc, TableShape: migration.TableShape{Source: gTable, Columns: cols, PartitionBy: partitionBy}, Partition: p}
	req.Window = w
	return req
}

// extractCase renders Extract's SELECT as Extract builds it (planColumns,
// keyColumns, partitionFilter, extractSQL), optionally with a comment per column
// naming its plan.
func extractCase(cols []migration.Column, partitionBy []int, p migration.Partition, w *migration.WatermarkWindow, describe bool) func() (string, error) {
	return func() (string, error) {
		req := gRequest(cols, partitionBy, p, w)
		plans, err := planColumns(cols)
		if err != nil {
			return "", err
		}
		keys, err := keyColumns(cols, partitionBy)
		if err != nil {
			return "", err
		}
		pred, args, err := partitionFilter(req, keys)
		if err != nil {
			return "", err
		}
		var head strings.Builder
		if describe {
			for i, pl := range plans {
				fmt.Fprintf(&head, "-- %s %s → %s: read %s", quoteIdent(cols[i].SourceName), cols[i].SourceType, cols[i].TargetType, readNames[pl.Read])
				if pl.Digits > 0 {
					fmt.Fprintf(&head, " (%d digits)", pl.Digits)
				}
				head.WriteString("\n")
			}
		}
		q, err := bound(extractSQL(gTable, plans, pred, gWhere), args)()
		return head.String() + q, err
	}
}

func profileCase() (string, error) {
	cols := []migration.Column{
		{SourceName: "id", SourceType: "int", TargetName: "ID", TargetType: "NUMBER(10,0)"},
		{SourceName: "amount", SourceType: "decimal(12,2)", TargetName: "AMOUNT", TargetType: "NUMBER(12,2)", Nullable: true},
		{SourceName: "code", SourceType: "char(4)", TargetName: "CODE", TargetType: "VARCHAR(4)", Nullable: true},
		{SourceName: "b", SourceType: "varbinary(max)", TargetName: "B", TargetType: "BINARY", Nullable: true},
		{SourceName: "flag", SourceType: "bit", TargetName: "FLAG", TargetType: "BOOLEAN", Nullable: true},
		{SourceName: "ts", SourceType: "datetimeoffset(7)", TargetName: "TS", TargetType: "TIMESTAMP_TZ(7)", Nullable: true},
		{SourceName: "f", SourceType: "float", TargetName: "F", TargetType: "FLOAT", Nullable: true},
		{SourceName: "j", SourceType: "xml", TargetName: "J", TargetType: "VARIANT", Nullable: true},
		{SourceName: "dt", SourceType: "datetime2(7)", TargetName: "DT", TargetType: "TIMESTAMP_NTZ(7)", Nullable: true},
		{SourceName: "tm", SourceType: "time(7)", TargetName: "TM", TargetType: "VARCHAR", Nullable: true},
		{SourceName: "m", SourceType: "money", TargetName: "M", TargetType: "NUMBER(19,4)", Nullable: true},
	}
	plans, err := planColumns(cols)
	if err != nil {
		return "", err
	}
	return profileSQL(migration.TableRef{Schema: "dbo", Table: "prof"}, plans, cols, "amount > 0")
}

// rowSQLCase renders RowSQL for the key (Region, day) = ('O'Neil\x', 2024-01-31 or NULL).
func rowSQLCase(nullDay bool) func() (string, error) {
	return func() (string, error) {
		var key checksum.Row
		key.Text([]byte("O'Neil\\x|y"))
		if nullDay {
			key.Null()
		} else {
			key.Date(time.Date(2024, 1, 31, 0, 0, 0, 0, time.UTC).Unix() / 86400)
		}
		req := gRequest(gColumns, []int{0}, migration.Partition{}, nil)
		q, err := (&Source{}).RowSQL(req, []int{1, 2}, string(key.Bytes()))
		return fmt.Sprintf("-- key %s\n%s", key.Bytes(), q), err
	}
}

// bound renders a statement and its sp_executesql parameters, after checking that
// the text references exactly @p1…@pN and pastes no hostile value.
func bound(q string, args []any) func() (string, error) {
	return func() (string, error) {
		if err := checkParams(q, args); err != nil {
			return "", err
		}
		if len(args) == 0 {
			return q, nil
		}
		var b strings.Builder
		b.WriteString(q)
		b.WriteString("\n-- sp_executesql parameters (bound, not in the text):")
		for i, a := range args {
			decl, lit, err := paramDecl(a)
			if err != nil {
				return "", fmt.Errorf("@p%d: %w", i+1, err)
			}
			fmt.Fprintf(&b, "\n-- @p%d %s = %s", i+1, decl, lit)
		}
		return b.String(), nil
	}
}

var paramRef = regexp.MustCompile(`@p(\d+)`)

func checkParams(q string, args []any) error {
	seen := map[int]bool{}
	for _, m := range paramRef.FindAllStringSubmatch(q, -1) {
		n, _ := strconv.Atoi(m[1])
		if n < 1 || n > len(args) {
			return fmt.Errorf("the statement references @p%d but has %d parameters:\n%s", n, len(args), q)
		}
		seen[n] = true
	}
	if len(seen) != len(args) {
		return fmt.Errorf("the statement references %d of its %d parameters:\n%s", len(seen), len(args), q)
	}
	for i, a := range args {
		if s, ok := a.(string); ok && strings.ContainsAny(s, `'\`) && strings.Contains(q, s) {
			return fmt.Errorf("the value of @p%d (%q) is pasted into the statement:\n%s", i+1, s, q)
		}
	}
	return nil
}

// paramDecl is the declaration go-mssqldb v1.11.2 sends for a Go value (a string is
// nvarchar of its UTF-16 length, nvarchar(max) when empty or over 4,000 code
// units: makeStrParam, makeDecl) and the value as a T-SQL literal.
func paramDecl(a any) (string, string, error) {
	switch v := a.(type) {
	case string:
		n := len(utf16.Encode([]rune(v)))
		decl := "nvarchar(max)"
		if n > 0 && 2*n <= 8000 {
			decl = fmt.Sprintf("nvarchar(%d)", n)
		}
		return decl, "N'" + strings.ReplaceAll(v, "'", "''") + "'", nil
	case int64:
		return "bigint", strconv.FormatInt(v, 10), nil
	}
	return "", "", fmt.Errorf("no golden form for a %T parameter", a)
}

func wantErr(err, sentinel error) error {
	if err == nil {
		return errors.New("the recorded call succeeded; the case expects it to stop on the recording driver's empty results")
	}
	if sentinel != nil && !errors.Is(err, sentinel) {
		return fmt.Errorf("want %v, got %w", sentinel, err)
	}
	return nil
}

// recorded runs fn on a Source whose connections record what go-mssqldb would be
// asked to do (begin with an isolation level, run statements with parameters, roll
// back) and answer every query with no rows.
func recorded(iso sql.IsolationLevel, fn func(s *Source) error) func() (string, error) {
	return func() (string, error) {
		rc := &recConnector{}
		db := sql.OpenDB(rc)
		defer db.Close()
		db.SetMaxOpenConns(1)
		if err := fn(&Source{DB: db, Isolation: iso}); err != nil {
			return "", err
		}
		if rc.err != nil {
			return "", rc.err
		}
		return strings.TrimSuffix(rc.log.String(), "\n"), nil
	}
}

type recConnector struct {
	log strings.Builder
	err error
}

func (c *recConnector) Connect(context.Context) (driver.Conn, error) { return &recConn{c: c}, nil }
func (c *recConnector) Driver() driver.Driver                        { return recDriver{} }

type recDriver struct{}

func (recDriver) Open(string) (driver.Conn, error) {
	return nil, errors.New("recording driver: use the connector")
}

type recConn struct{ c *recConnector }

func (c *recConn) Prepare(string) (driver.Stmt, error) {
	return nil, errors.New("recording driver: no prepared statements")
}
func (c *recConn) Close() error { return nil }
func (c *recConn) Begin() (driver.Tx, error) {
	return nil, errors.New("recording driver: BeginTx only")
}

func (c *recConn) BeginTx(_ context.Context, o driver.TxOptions) (driver.Tx, error) {
	fmt.Fprintf(&c.c.log, "-- begin transaction, isolation level %s (a TDS transaction-manager request, no SQL text), read-only %v\n",
		sql.IsolationLevel(o.Isolation), o.ReadOnly)
	return recTx{c.c}, nil
}

func (c *recConn) QueryContext(_ context.Context, q string, named []driver.NamedValue) (driver.Rows, error) {
	args := make([]any, len(named))
	for i, n := range named {
		if n.Name != "" || n.Ordinal != i+1 {
			c.c.err = fmt.Errorf("parameter %d is named %q (ordinal %d): the dialect binds @p1… by position", i+1, n.Name, n.Ordinal)
		}
		args[i] = n.Value
	}
	s, err := bound(q, args)()
	if err != nil && c.c.err == nil {
		c.c.err = err
	}
	c.c.log.WriteString(s + "\n")
	return noRows{}, nil
}

type recTx struct{ c *recConnector }

func (t recTx) Commit() error   { t.c.log.WriteString("-- commit\n"); return nil }
func (t recTx) Rollback() error { t.c.log.WriteString("-- rollback\n"); return nil }

type noRows struct{}

func (noRows) Columns() []string           { return []string{"c"} }
func (noRows) Close() error                { return nil }
func (noRows) Next(_ []driver.Value) error { return io.EOF }
