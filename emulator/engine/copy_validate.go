package engine

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// validate counts, on the scratch database, the rows of a file that cannot be stored
// and finds the first one. Columns whose conversion cannot fail are not checked, so a
// typed Parquet file matching the table needs no extra pass.
func (c *copyRun) validate(ctx context.Context, fp *filePlan) error {
	var checks []string
	for _, cp := range fp.Cols {
		if cp.Check != "" {
			checks = append(checks, cp.Check)
		}
	}
	if len(checks) == 0 && c.stmt.Transform == nil {
		return nil
	}
	bad := "false"
	if len(checks) > 0 {
		bad = strings.Join(checks, " OR ")
	}
	q := fmt.Sprintf("SELECT count(*), count(*) FILTER (WHERE %s) FROM (%s) s", bad, fp.Inner)
	if c.stmt.Transform != nil {
		// Transformations are always evaluated here once: an expression that fails (a
		// cast inside the SELECT list) must fail the file, not the session's transaction.
		q = fmt.Sprintf("SELECT count(*), count(*) FILTER (WHERE %s), max(length(concat_ws(',', %s))) FROM (%s) s",
			bad, strings.Join(rawRefs(len(fp.Cols)), ", "), fp.Inner)
	}
	row := c.scratch.QueryRowContext(ctx, q)
	var extra sql.NullInt64
	dest := []any{&fp.Parsed, &fp.Bad}
	if c.stmt.Transform != nil {
		dest = append(dest, &extra)
	}
	if err := row.Scan(dest...); err != nil {
		return err
	}
	if fp.Bad > 0 {
		return c.firstError(ctx, fp, checks)
	}
	return nil
}

func rawRefs(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "CAST(s." + rawCol(i+1) + " AS VARCHAR)"
	}
	return out
}

// firstError locates the first failing row and column of a file.
func (c *copyRun) firstError(ctx context.Context, fp *filePlan, _ []string) error {
	var sel []string
	var ors []string
	var idx []int
	for i, cp := range fp.Cols {
		if cp.Check == "" {
			continue
		}
		sel = append(sel, cp.Check)
		ors = append(ors, cp.Check)
		idx = append(idx, i)
	}
	for i := range fp.Cols {
		sel = append(sel, "CAST(s."+rawCol(i+1)+" AS VARCHAR)")
	}
	q := fmt.Sprintf("SELECT rn, %s FROM (SELECT row_number() OVER () AS rn, s0.* FROM (%s) s0) s WHERE %s ORDER BY rn LIMIT 1",
		strings.Join(sel, ", "), fp.Inner, strings.Join(ors, " OR "))
	var rn int64
	flags := make([]sql.NullBool, len(idx))
	vals := make([]sql.NullString, len(fp.Cols))
	dest := []any{&rn}
	for i := range flags {
		dest = append(dest, &flags[i])
	}
	for i := range vals {
		dest = append(dest, &vals[i])
	}
	if err := c.scratch.QueryRowContext(ctx, q).Scan(dest...); err != nil {
		return err
	}
	col := 0
	for k, f := range flags {
		if f.Valid && f.Bool {
			col = idx[k]
			break
		}
	}
	cp := fp.Cols[col]
	re := &rowError{Line: rn, Char: 1, Column: c.columnLabel(cp.Target, cp.Pos)}
	if c.format.Type == "CSV" {
		re.Line = rn + int64(c.format.SkipHeader)
		if c.format.ParseHeader {
			re.Line++
		}
		if c.stmt.Transform == nil && c.matchBy == "NONE" {
			for i := 0; i < col; i++ {
				re.Char += int64(len(vals[i].String)) + 1
			}
		}
	}
	v := vals[col]
	re.Number, re.Message = conversionMessage(cp.Target, v)
	fp.First = re
	return nil
}

// conversionMessage is Snowflake's error for a value that does not fit a column.
func conversionMessage(t copyColumn, v sql.NullString) (int, string) {
	if !v.Valid {
		return ErrNotNull, "NULL result in a non-nullable column"
	}
	base := strings.ToUpper(t.SFType)
	if i := strings.IndexByte(base, '('); i >= 0 {
		base = base[:i]
	}
	switch base {
	case "NUMBER", "DECIMAL", "NUMERIC", "INT", "INTEGER", "BIGINT", "FLOAT", "DOUBLE", "REAL":
		return ErrNumericConv, fmt.Sprintf("Numeric value '%s' is not recognized", v.String)
	case "DATE":
		return 100040, fmt.Sprintf("Date '%s' is not recognized", v.String)
	case "TIME":
		return 100108, fmt.Sprintf("Time '%s' is not recognized", v.String)
	case "TIMESTAMP_NTZ", "TIMESTAMP_LTZ", "TIMESTAMP_TZ", "TIMESTAMP", "DATETIME":
		return 100035, fmt.Sprintf("Timestamp '%s' is not recognized", v.String)
	case "BOOLEAN":
		return 100037, fmt.Sprintf("Boolean value '%s' is not recognized", v.String)
	case "BINARY":
		return 100064, fmt.Sprintf("The following string is not a legal hex-encoded value: '%s'", v.String)
	}
	return 100071, fmt.Sprintf("Value '%s' cannot be converted to %s", v.String, t.SFType)
}
