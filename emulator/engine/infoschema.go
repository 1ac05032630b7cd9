package engine

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// INFORMATION_SCHEMA views are generated per query from the catalog as a VALUES
// subquery with Snowflake's column names and types.

type vcol struct {
	name string
	typ  sfType
}

var (
	vText  = sfType{Base: "VARCHAR", Length: 16777216}
	vNum   = sfType{Base: "NUMBER", Precision: 38}
	vTime  = sfType{Base: "TIMESTAMP_LTZ", Precision: 9, Legacy: true}
	vBoolY = sfType{Base: "VARCHAR", Length: 3}
)

// vtable renders rows as a DuckDB subquery with the given columns.
func vtable(cols []vcol, rows [][]any) string {
	var sel []string
	for k, c := range cols {
		sel = append(sel, "CAST(c"+strconv.Itoa(k)+" AS "+c.typ.Duck()+") AS "+qcol(c.name))
	}
	if len(rows) == 0 {
		var nulls []string
		for k := range cols {
			nulls = append(nulls, "NULL AS c"+strconv.Itoa(k))
		}
		return "(SELECT " + strings.Join(sel, ", ") + " FROM (SELECT " + strings.Join(nulls, ", ") + ") WHERE FALSE)"
	}
	var tuples []string
	for _, r := range rows {
		var vals []string
		for _, v := range r {
			vals = append(vals, sqlLiteral(v))
		}
		tuples = append(tuples, "("+strings.Join(vals, ", ")+")")
	}
	var names []string
	for k := range cols {
		names = append(names, "c"+strconv.Itoa(k))
	}
	return "(SELECT " + strings.Join(sel, ", ") + " FROM (VALUES " + strings.Join(tuples, ", ") + ") AS v(" + strings.Join(names, ", ") + "))"
}

func sqlLiteral(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case string:
		return qstr(x)
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case bool:
		if x {
			return "TRUE"
		}
		return "FALSE"
	case time.Time:
		if x.IsZero() {
			return "NULL"
		}
		return "TIMESTAMPTZ " + qstr(fmtTS(x.UTC())+"+00")
	}
	return qstr(fmt.Sprint(v))
}

func ynStr(b bool) string {
	if b {
		return "YES"
	}
	return "NO"
}

func numOrNil(ok bool, v int) any {
	if ok {
		return int64(v)
	}
	return nil
}

// rowCounts counts the rows of every base table in a database (exact, as ROW_COUNT).
func (s *Session) rowCount(ctx context.Context, te *tableEntry) (int64, error) {
	if te.view {
		return 0, nil
	}
	rows, err := s.queryDuck(ctx, "SELECT count(*) FROM "+te.info.DuckRef)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var n int64
	if rows.Next() {
		if err := rows.Scan(&n); err != nil {
			return 0, mapDuckErr(err)
		}
	}
	return n, rows.Err()
}

func tableTypeOf(te *tableEntry) string {
	switch {
	case te.view:
		return "VIEW"
	case te.meta.Kind == "TEMPORARY":
		return "LOCAL TEMPORARY"
	}
	return "BASE TABLE"
}

func (t *translator) infoSchemaRef(n ObjectName) (string, *tableEntry, error) {
	d := t.cat.dbs[n.Database]
	if d == nil {
		return "", nil, Errorf(ErrObjectNotExists, "02000", "SQL compilation error:\nDatabase '%s' does not exist or not authorized.", sfIdent(n.Database))
	}
	var cols []vcol
	var rows [][]any
	s := t.s
	switch n.Name {
	case "TABLES":
		cols = []vcol{{"TABLE_CATALOG", vText}, {"TABLE_SCHEMA", vText}, {"TABLE_NAME", vText}, {"TABLE_OWNER", vText},
			{"TABLE_TYPE", vText}, {"IS_TRANSIENT", vBoolY}, {"CLUSTERING_KEY", vText}, {"ROW_COUNT", vNum}, {"BYTES", vNum},
			{"RETENTION_TIME", vNum}, {"CREATED", vTime}, {"LAST_ALTERED", vTime}, {"COMMENT", vText}, {"IS_ICEBERG", vBoolY}}
		for _, sn := range sortedKeys(d.schemas) {
			se := d.schemas[sn]
			for _, tn := range sortedKeys(se.tables) {
				te := se.tables[tn]
				var cnt, bytes any
				if !te.view {
					c, err := s.rowCount(t.ctx, te)
					if err != nil {
						return "", nil, err
					}
					cnt, bytes = c, c*int64(8*len(te.info.Columns))
				}
				var comment any
				if te.meta.Comment != "" {
					comment = te.meta.Comment
				}
				rows = append(rows, []any{d.name, sn, tn, "ACCOUNTADMIN", tableTypeOf(te), ynStr(te.meta.Kind == "TRANSIENT" || d.transient),
					nil, cnt, bytes, int64(1), te.meta.Created, te.meta.Created, comment, ynStr(te.meta.Kind == "ICEBERG")})
			}
		}
	case "COLUMNS":
		cols = []vcol{{"TABLE_CATALOG", vText}, {"TABLE_SCHEMA", vText}, {"TABLE_NAME", vText}, {"COLUMN_NAME", vText},
			{"ORDINAL_POSITION", vNum}, {"COLUMN_DEFAULT", vText}, {"IS_NULLABLE", vBoolY}, {"DATA_TYPE", vText},
			{"CHARACTER_MAXIMUM_LENGTH", vNum}, {"CHARACTER_OCTET_LENGTH", vNum}, {"NUMERIC_PRECISION", vNum},
			{"NUMERIC_PRECISION_RADIX", vNum}, {"NUMERIC_SCALE", vNum}, {"DATETIME_PRECISION", vNum}, {"COMMENT", vText}}
		for _, sn := range sortedKeys(d.schemas) {
			se := d.schemas[sn]
			for _, tn := range sortedKeys(se.tables) {
				te := se.tables[tn]
				for k, c := range te.info.Columns {
					st := te.sfTypes[k]
					isChar := st.Base == "VARCHAR" || st.Base == "BINARY"
					octet := st.Length
					if st.Base == "VARCHAR" {
						octet = st.Length * 4
						if octet > 16777216 {
							octet = 16777216
						}
					}
					isNum := st.Base == "NUMBER"
					isDT := st.Base == "TIME" || strings.HasPrefix(st.Base, "TIMESTAMP")
					rows = append(rows, []any{d.name, sn, tn, c.Name, int64(k + 1), nil, ynStr(c.Nullable), st.infoDataType(),
						numOrNil(isChar, st.Length), numOrNil(isChar, octet), numOrNil(isNum, st.Precision),
						numOrNil(isNum, 10), numOrNil(isNum, st.Scale), numOrNil(isDT, st.Precision), nil})
				}
			}
		}
	case "SCHEMATA":
		cols = []vcol{{"CATALOG_NAME", vText}, {"SCHEMA_NAME", vText}, {"SCHEMA_OWNER", vText}, {"IS_TRANSIENT", vBoolY},
			{"IS_MANAGED_ACCESS", vBoolY}, {"RETENTION_TIME", vNum}, {"CREATED", vTime}, {"LAST_ALTERED", vTime}, {"COMMENT", vText}}
		names := append(sortedKeys(d.schemas), "INFORMATION_SCHEMA")
		for _, sn := range names {
			rows = append(rows, []any{d.name, sn, "ACCOUNTADMIN", ynStr(d.transient), "NO", int64(1), d.created, d.created, nil})
		}
	case "DATABASES":
		cols = []vcol{{"DATABASE_NAME", vText}, {"DATABASE_OWNER", vText}, {"IS_TRANSIENT", vBoolY}, {"COMMENT", vText},
			{"CREATED", vTime}, {"LAST_ALTERED", vTime}, {"RETENTION_TIME", vNum}, {"TYPE", vText}}
		for _, dn := range sortedKeys(t.cat.dbs) {
			db := t.cat.dbs[dn]
			var comment any
			if db.comment != "" {
				comment = db.comment
			}
			rows = append(rows, []any{dn, "ACCOUNTADMIN", ynStr(db.transient), comment, db.created, db.created, int64(1), "STANDARD"})
		}
	case "VIEWS":
		cols = []vcol{{"TABLE_CATALOG", vText}, {"TABLE_SCHEMA", vText}, {"TABLE_NAME", vText}, {"TABLE_OWNER", vText},
			{"VIEW_DEFINITION", vText}, {"CHECK_OPTION", vText}, {"IS_UPDATABLE", vBoolY}, {"INSERTABLE_INTO", vBoolY},
			{"IS_SECURE", vBoolY}, {"CREATED", vTime}, {"LAST_ALTERED", vTime}, {"COMMENT", vText}}
		for _, sn := range sortedKeys(d.schemas) {
			se := d.schemas[sn]
			for _, tn := range sortedKeys(se.tables) {
				te := se.tables[tn]
				if !te.view {
					continue
				}
				rows = append(rows, []any{d.name, sn, tn, "ACCOUNTADMIN", te.meta.Text, "NONE", "NO", "NO", "NO", te.meta.Created, te.meta.Created, nil})
			}
		}
	default:
		return "", nil, unsupported("INFORMATION_SCHEMA.%s (supported: TABLES, COLUMNS, SCHEMATA, DATABASES, VIEWS)", n.Name)
	}
	entry := &tableEntry{}
	entry.info.Name = n
	for _, c := range cols {
		entry.info.Columns = append(entry.info.Columns, ColumnInfo{Name: c.name, SFType: c.typ.String(), DuckType: c.typ.Duck(), Nullable: true})
		entry.sfTypes = append(entry.sfTypes, c.typ)
	}
	return vtable(cols, rows), entry, nil
}
