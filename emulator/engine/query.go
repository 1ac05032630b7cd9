package engine

import (
	"context"
	"database/sql"
	"strings"
)

// maxResultRows bounds a result held in memory (the wire layer sends it inline).
const maxResultRows = 5_000_000

// runQuery translates and runs a SELECT (or WITH …) statement.
func (s *Session) runQuery(ctx context.Context, toks []Token, binds map[string]Bind, describeOnly bool) (*Result, error) {
	t, err := s.newTranslator(ctx, toks, binds)
	if err != nil {
		return nil, err
	}
	t.lenientBinds = describeOnly
	q, _, err := t.exprRange(0, stmtEnd(toks))
	if err != nil {
		return nil, err
	}
	if describeOnly {
		q = "SELECT * FROM (" + q + ") AS sf_describe LIMIT 0"
	}
	return s.queryResult(ctx, q, t)
}

// queryResult runs DuckDB SQL and encodes the result; t (optional) supplies column
// names and type hints from the translation.
func (s *Session) queryResult(ctx context.Context, q string, t *translator) (*Result, error) {
	rows, err := s.queryDuck(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return s.encodeRows(rows, t)
}

func (s *Session) encodeRows(rows *sql.Rows, t *translator) (*Result, error) {
	names, err := rows.Columns()
	if err != nil {
		return nil, mapDuckErr(err)
	}
	types, err := rows.ColumnTypes()
	if err != nil {
		return nil, mapDuckErr(err)
	}
	res := &Result{StatementTypeID: StmtSelect, Columns: make([]Column, len(names))}
	positional := t != nil && len(t.cols) == len(names)
	if positional {
		for _, c := range t.cols {
			if c.star {
				positional = false
			}
		}
	}
	for k, n := range names {
		name := dec(n)
		dt := types[k].DatabaseTypeName()
		var hint *sfType
		if positional {
			hint = t.cols[k].hint
		} else if t != nil {
			hint = t.columnHint("", name)
		}
		if hint != nil && hintMatches(*hint, dt) {
			res.Columns[k] = hint.Column(name, true)
		} else {
			res.Columns[k] = duckTypeColumn(name, dt)
		}
	}
	vals := make([]any, len(names))
	ptrs := make([]any, len(names))
	for k := range vals {
		ptrs[k] = &vals[k]
	}
	for rows.Next() {
		if len(res.Rows) >= maxResultRows {
			return nil, Errorf(ErrSyntax, "54000", "result has more than %d rows; the emulator keeps results in memory: add a LIMIT", maxResultRows)
		}
		for k := range vals {
			vals[k] = nil
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, mapDuckErr(err)
		}
		row := make([]*string, len(vals))
		for k, v := range vals {
			cell, err := s.encodeCell(&res.Columns[k], v)
			if err != nil {
				return nil, err
			}
			row[k] = cell
		}
		res.Rows = append(res.Rows, row)
	}
	if err := rows.Err(); err != nil {
		return nil, mapDuckErr(err)
	}
	return res, nil
}

// hintMatches reports whether a Snowflake type hint is consistent with the DuckDB
// result type (a hint never changes how a value is decoded, only how it is labelled).
func hintMatches(h sfType, duckType string) bool {
	dt := strings.ToUpper(duckType)
	want := strings.ToUpper(h.Duck())
	if dt == want {
		return true
	}
	if dt == "TIMESTAMP WITH TIME ZONE" && want == "TIMESTAMPTZ" {
		return true
	}
	if b := extBaseOfDuck(dt); b != "" {
		return h.extended() && b == h.Base
	}
	if h.extended() { // an expression's microsecond value of an extended kind
		l := legacyDuck(h.Base)
		return dt == l || dt == "TIMESTAMP WITH TIME ZONE" && l == "TIMESTAMPTZ"
	}
	if h.Base == "NUMBER" && h.Scale == 0 {
		switch dt {
		case "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT":
			return true
		}
		return strings.HasPrefix(dt, "DECIMAL(") && strings.HasSuffix(dt, ",0)")
	}
	return false
}
