package engine

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// colPlan is how one target column is filled from a staged file.
type colPlan struct {
	Target copyColumn
	Pos    int    // 1-based position of the column in the table (for error messages)
	Raw    string // DuckDB expression over the file (alias src), exposed as "rK"
	Conv   string // expression over s."rK" that yields the target type
	Check  string // condition over s."rK" true when the value cannot be stored; "" = never
}

// filePlan is the load of one staged file.
type filePlan struct {
	File    stageFile
	Name    string // as reported in the result (stage/path)
	Local   string // path DuckDB reads
	Temp    bool
	Inner   string // SELECT <raw> AS "r1", ... FROM <reader> src
	Cols    []colPlan
	Empty   bool   // zero-length file: nothing to read
	ReadErr string // the file could not be read / planned
	Missing bool   // a FILES entry that is not on the stage

	Parsed, Bad int64
	First       *rowError
	Loaded      int64
}

// rowError is the first bad value of a file.
type rowError struct {
	Number  int
	Message string
	Line    int64
	Char    int64
	Column  string // "T"["C":2]
}

// describe returns the columns DuckDB sees for a query (run on the scratch database).
func describe(ctx context.Context, db *sql.DB, q string) (fileColumns, error) {
	rows, err := db.QueryContext(ctx, "DESCRIBE "+q)
	if err != nil {
		return fileColumns{}, err
	}
	defer rows.Close()
	var fc fileColumns
	cols, _ := rows.Columns()
	vals := make([]sql.NullString, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return fileColumns{}, err
		}
		fc.Names = append(fc.Names, vals[0].String)
		fc.Types = append(fc.Types, vals[1].String)
	}
	return fc, rows.Err()
}

// rawCol names the K-th raw column of the inner query.
func rawCol(k int) string { return fmt.Sprintf(`"r%d"`, k) }

// buildPlan decides, for one file, which expression feeds each target column.
func (c *copyRun) buildPlan(ctx context.Context, fp *filePlan) error {
	reader := c.format.reader(fp.Local)
	fc, err := describe(ctx, c.scratch, "SELECT * FROM "+reader)
	if err != nil {
		return err
	}
	var raws []string
	var targets []colPlan
	switch {
	case c.stmt.Transform != nil:
		raws, targets, err = c.transformRaws(fc, reader)
	case c.matchBy != "NONE":
		raws, targets, err = c.byNameRaws(fc)
	default:
		raws, targets, err = c.positionalRaws(fc)
	}
	if err != nil {
		return err
	}
	from := reader + " src"
	if c.stmt.Transform != nil {
		from = c.transformFrom(fc, reader)
	}
	sel := make([]string, len(raws))
	for k, r := range raws {
		sel[k] = r + " AS " + rawCol(k+1)
	}
	fp.Inner = "SELECT " + strings.Join(sel, ", ") + " FROM " + from
	types, err := describe(ctx, c.scratch, fp.Inner)
	if err != nil {
		return err
	}
	for k := range targets {
		targets[k].Raw = raws[k]
		isJSON := strings.EqualFold(types.Types[k], "JSON") || c.stmt.Transform != nil && c.transformJSON[k]
		convert(&targets[k], "s."+rawCol(k+1), types.Types[k], isJSON)
		convertExt(&targets[k], "s."+rawCol(k+1), types.Types[k], hostOffsetMinutes(c.h))
	}
	fp.Cols = targets
	return nil
}

// byNameRaws maps file columns to table columns by name (MATCH_BY_COLUMN_NAME).
func (c *copyRun) byNameRaws(fc fileColumns) ([]string, []colPlan, error) {
	var raws []string
	var targets []colPlan
	for i, col := range c.table.Columns {
		idx := -1
		for j, n := range fc.Names {
			if n == col.Name || c.matchBy == "CASE_INSENSITIVE" && strings.EqualFold(n, col.Name) {
				idx = j
				break
			}
		}
		if idx < 0 {
			if col.NotNull {
				return nil, nil, &rowErrorErr{rowError{Number: ErrNotNull, Message: "NULL result in a non-nullable column",
					Column: c.columnLabel(col, i+1)}}
			}
			continue // absent from the file: stays NULL
		}
		raw := "src." + quoteDuck(fc.Names[idx])
		if c.format.Type == "CSV" {
			raw = c.format.csvValue(raw)
		}
		raws = append(raws, raw)
		targets = append(targets, colPlan{Target: col, Pos: i + 1})
	}
	if len(targets) == 0 {
		// No file column matches: every row loads as NULLs, as in Snowflake.
		col := c.table.Columns[0]
		raws = append(raws, "NULL")
		targets = append(targets, colPlan{Target: col, Pos: 1})
	}
	return raws, targets, nil
}

// positionalRaws maps CSV column i to target column i.
func (c *copyRun) positionalRaws(fc fileColumns) ([]string, []colPlan, error) {
	targets := c.targetColumns()
	if c.format.Type == "PARQUET" {
		// prepare checked that this is a single VARIANT column.
		return []string{"to_json(src)"}, targets, nil
	}
	if c.format.ColumnCountCheck && len(fc.Names) != len(targets) {
		return nil, nil, &rowErrorErr{rowError{Number: 100080, Line: 1 + int64(c.format.SkipHeader), Char: 1,
			Message: fmt.Sprintf("Number of columns in file (%d) does not match that of the corresponding table (%d), use file format option error_on_column_count_mismatch=false to ignore this error", len(fc.Names), len(targets))}}
	}
	raws := make([]string, len(targets))
	for i := range targets {
		if i < len(fc.Names) {
			raws[i] = c.format.csvValue("src." + quoteDuck(fc.Names[i]))
		} else {
			raws[i] = "NULL"
		}
	}
	return raws, targets, nil
}

// transformRaws translates the SELECT list of a COPY transformation.
func (c *copyRun) transformRaws(fc fileColumns, reader string) ([]string, []colPlan, error) {
	return c.transformExprs, c.targetColumns(), nil
}

// transformFrom is the inner query exposing the $ references as placeholder columns.
func (c *copyRun) transformFrom(fc fileColumns, reader string) string {
	var cols []string
	for k, ref := range c.transformRefs {
		e, err := refSQL(ref, c.format, fc)
		if err != nil {
			e = "NULL"
		}
		cols = append(cols, e+" AS "+quoteDuck(placeholder(k+1)))
	}
	if len(cols) == 0 {
		cols = append(cols, "1 AS "+quoteDuck(placeholder(0)))
	}
	return "(SELECT " + strings.Join(cols, ", ") + " FROM " + reader + " src) src"
}

// targetColumns is the explicit column list of the statement, or all table columns.
func (c *copyRun) targetColumns() []colPlan {
	var out []colPlan
	if len(c.stmt.Columns) == 0 {
		for i, col := range c.table.Columns {
			out = append(out, colPlan{Target: col, Pos: i + 1})
		}
		return out
	}
	for _, name := range c.stmt.Columns {
		for i, col := range c.table.Columns {
			if col.Name == name {
				out = append(out, colPlan{Target: col, Pos: i + 1})
			}
		}
	}
	return out
}

func isVariantType(sf string) bool {
	b := strings.ToUpper(sf)
	return strings.HasPrefix(b, "VARIANT") || strings.HasPrefix(b, "OBJECT") || strings.HasPrefix(b, "ARRAY")
}

// hostOffsetMinutes is the session's UTC offset (0 for hosts without a session).
func hostOffsetMinutes(h stageHost) int {
	if o, ok := h.(interface{ offsetMinutes() int }); ok {
		return o.offsetMinutes()
	}
	return 0
}

// convertExt replaces convert's plan for a column stored extended (ext.go): typed
// timestamps keep their nanoseconds, text its nine digits and its own offset.
func convertExt(cp *colPlan, r, src string, offMin int) {
	st, err := parseSFTypeString(cp.Target.SFType)
	if err != nil || !st.extended() || extBaseOfDuck(cp.Target.DuckType) == "" {
		return
	}
	cp.Conv = extStore(r, src, st, offMin)
	cp.Check = ""
	u := strings.ToUpper(src)
	if extBaseOfDuck(src) == "" && !timestampTypes[u] && u != "DATE" && u != "TIME" && u != "NULL" && u != `"NULL"` {
		// text: a value the parsers all refuse cannot be stored. DuckDB's cast reads the
		// common forms first (cheap), the full parse decides the rest.
		v := "CAST(" + r + " AS VARCHAR)"
		quick := "TRY_CAST(" + v + " AS TIMESTAMP)"
		if st.Base == "TIME" {
			quick = "TRY_CAST(" + v + " AS TIME)"
		}
		cp.Check = "(" + r + " IS NOT NULL AND " + quick + " IS NULL AND " + extFromText(v, st, offMin, true) + " IS NULL)"
	}
	if cp.Target.NotNull {
		if cp.Check != "" {
			cp.Check = "(" + r + " IS NULL OR " + cp.Check + ")"
		} else {
			cp.Check = "(" + r + " IS NULL)"
		}
	}
}

// convert sets Conv and Check of a column whose raw value r has DuckDB type src;
// isJSON says r is already JSON (a DuckDB JSON value or VARIANT text).
func convert(cp *colPlan, r, src string, isJSON bool) {
	t := cp.Target
	switch {
	case isVariantType(t.SFType):
		// VARIANT is stored as JSON text; a plain value becomes its JSON form (a string
		// stays a string), already-JSON values are kept.
		if isJSON {
			cp.Conv = "CAST(" + r + " AS VARCHAR)"
		} else {
			cp.Conv = "CAST(to_json(" + r + ") AS VARCHAR)"
		}
	case strings.EqualFold(src, t.DuckType):
		cp.Conv = r
	case src == `"NULL"` || strings.EqualFold(src, "NULL") || safeCast(src, t.DuckType):
		cp.Conv = "CAST(" + r + " AS " + t.DuckType + ")"
	default:
		cp.Conv = "CAST(" + r + " AS " + t.DuckType + ")"
		cp.Check = "(" + r + " IS NOT NULL AND TRY_CAST(" + r + " AS " + t.DuckType + ") IS NULL)"
	}
	if t.NotNull {
		nn := "(" + r + " IS NULL)"
		if cp.Check != "" {
			nn = "(TRY_CAST(" + r + " AS " + t.DuckType + ") IS NULL)"
		}
		cp.Check = nn
	}
}

var (
	reDuckDecimal = regexp.MustCompile(`^DECIMAL\((\d+),\s*(\d+)\)$`)
	intDigits     = map[string]int{"TINYINT": 3, "SMALLINT": 5, "INTEGER": 10, "BIGINT": 19, "HUGEINT": 39,
		"UTINYINT": 3, "USMALLINT": 5, "UINTEGER": 10, "UBIGINT": 20}
	timestampTypes = map[string]bool{"TIMESTAMP": true, "TIMESTAMP WITH TIME ZONE": true, "TIMESTAMPTZ": true,
		"TIMESTAMP_NS": true, "TIMESTAMP_MS": true, "TIMESTAMP_S": true, "DATETIME": true}
)

// integerDigits is how many digits left of the point a numeric type can hold (-1 = not exact numeric).
func integerDigits(t string) int {
	if d, ok := intDigits[t]; ok {
		return d
	}
	if m := reDuckDecimal.FindStringSubmatch(t); m != nil {
		p, _ := strconv.Atoi(m[1])
		s, _ := strconv.Atoi(m[2])
		return p - s
	}
	return -1
}

// safeCast reports whether CAST(src AS dst) can never fail, so that the file needs no
// validation pass for that column (the common, fast case of typed Parquet files).
func safeCast(src, dst string) bool {
	src, dst = strings.ToUpper(src), strings.ToUpper(dst)
	switch {
	case src == dst, dst == "VARCHAR":
		return true
	case dst == "DOUBLE" || dst == "FLOAT":
		return integerDigits(src) >= 0 || src == "DOUBLE" || src == "FLOAT"
	case integerDigits(dst) >= 0:
		sd := integerDigits(src)
		if sd < 0 {
			return false
		}
		// An integer target holds any value with fewer digits than its limit.
		if _, isInt := intDigits[dst]; isInt && !strings.HasPrefix(src, "DECIMAL") {
			return sd < integerDigits(dst) || src == dst
		}
		if _, isInt := intDigits[dst]; isInt {
			return sd < integerDigits(dst)
		}
		return sd <= integerDigits(dst)
	case dst == "DATE":
		return src == "DATE" || timestampTypes[src]
	case timestampTypes[dst]:
		return src == "DATE" || timestampTypes[src]
	case dst == "BOOLEAN":
		return src == "BOOLEAN"
	}
	return false
}

// rowErrorErr carries a planned file error through error returns.
type rowErrorErr struct{ re rowError }

func (e *rowErrorErr) Error() string { return e.re.Message }
