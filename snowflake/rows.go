package snowflake

import (
	"database/sql"
	"strings"
)

// Row is one row of a result whose columns depend on the statement and the server version
// (SHOW, COPY, PUT): values as text by lower-case column name, NULL and missing columns
// alike reading as "" with ok false. Reading by name keeps a new column in a later
// Snowflake release from breaking the scan.
type Row struct {
	idx  map[string]int
	vals []sql.NullString
}

// Get returns the value of column name (any case).
func (r Row) Get(name string) (string, bool) {
	i, ok := r.idx[strings.ToLower(name)]
	if !ok || !r.vals[i].Valid {
		return "", false
	}
	return r.vals[i].String, true
}

// Has reports whether the result has column name (any case).
func (r Row) Has(name string) bool {
	_, ok := r.idx[strings.ToLower(name)]
	return ok
}

// EachRow calls fn for every row of rows, stopping at fn's first error, and closes rows.
func EachRow(rows *sql.Rows, fn func(Row) error) error {
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	r := Row{idx: make(map[string]int, len(cols)), vals: make([]sql.NullString, len(cols))}
	for i, c := range cols {
		r.idx[strings.ToLower(c)] = i
	}
	ptrs := make([]any, len(cols))
	for i := range r.vals {
		ptrs[i] = &r.vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}
