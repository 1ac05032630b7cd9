package e2e

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"strings"
	"time"
)

// col says how to read one column on each side and how to compare the values, so that
// the comparison is of meaning (the same instant, the same decimal, the same JSON), not
// of formatting.
type col struct {
	pg, sf string // expressions on each side
	kind   string // int dec float text bytes bool date time ts tstz json
}

// tableSpec describes one migrated table for comparison.
type tableSpec struct {
	pgFrom, sfFrom string // FROM clause on each side
	pgOrder        string // ORDER BY on each side (same key)
	sfOrder        string
	pgWhere        string
	cols           []col
}

func scanDest(kind string) any {
	switch kind {
	case "int", "tstz":
		return new(sql.NullInt64)
	case "float":
		return new(sql.NullFloat64)
	case "bool":
		return new(sql.NullBool)
	case "bytes":
		return new([]byte)
	case "date", "ts", "timesf", "tstzsf":
		return new(sql.NullTime)
	default:
		return new(sql.NullString)
	}
}

// value turns a scanned destination into a comparable canonical value (nil for NULL).
func value(kind string, d any, side string) (any, error) {
	switch v := d.(type) {
	case *sql.NullInt64:
		if !v.Valid {
			return nil, nil
		}
		return v.Int64, nil
	case *sql.NullFloat64:
		if !v.Valid {
			return nil, nil
		}
		if math.IsNaN(v.Float64) {
			return "NaN", nil
		}
		return v.Float64, nil
	case *sql.NullBool:
		if !v.Valid {
			return nil, nil
		}
		return v.Bool, nil
	case *[]byte:
		if *v == nil {
			return nil, nil
		}
		return string(*v), nil
	case *sql.NullTime:
		if !v.Valid {
			return nil, nil
		}
		switch kind {
		case "date":
			return v.Time.Format("2006-01-02"), nil
		case "ts":
			return v.Time.Format("2006-01-02 15:04:05.000000"), nil
		case "time":
			return v.Time.Format("15:04:05.000000"), nil
		case "tstz":
			return v.Time.UnixMicro(), nil
		}
	case *sql.NullString:
		if !v.Valid {
			return nil, nil
		}
		s := v.String
		switch kind {
		case "dec":
			r, ok := new(big.Rat).SetString(strings.TrimSpace(s))
			if !ok {
				return nil, fmt.Errorf("%s: %q is not a decimal", side, s)
			}
			return r.RatString(), nil
		case "json":
			var j any
			if err := json.Unmarshal([]byte(s), &j); err != nil {
				return nil, fmt.Errorf("%s: %q is not JSON: %w", side, s, err)
			}
			return j, nil
		case "time":
			tm, err := time.Parse("15:04:05.999999", s)
			if err != nil {
				return nil, fmt.Errorf("%s: %q is not a time: %w", side, s, err)
			}
			return tm.Format("15:04:05.000000"), nil
		case "ts":
			tm, err := time.Parse("2006-01-02 15:04:05.999999", s)
			if err != nil {
				return nil, fmt.Errorf("%s: %q is not a timestamp: %w", side, s, err)
			}
			return tm.Format("2006-01-02 15:04:05.000000"), nil
		}
		return s, nil
	}
	return nil, fmt.Errorf("unexpected destination %T", d)
}

// sfKind maps a comparison kind to the destination used on the Snowflake side.
func sfKind(kind string) string {
	switch kind {
	case "time":
		return "timesf"
	case "tstz":
		return "tstzsf"
	}
	return kind
}

// compareTable reads both sides in key order and compares every value of every row.
func (s *stack) compareTable(spec tableSpec) (rows int) {
	s.t.Helper()
	pgExprs, sfExprs := make([]string, len(spec.cols)), make([]string, len(spec.cols))
	for i, c := range spec.cols {
		pgExprs[i], sfExprs[i] = c.pg, c.sf
	}
	pgQ := "SELECT " + strings.Join(pgExprs, ", ") + " FROM " + spec.pgFrom
	if spec.pgWhere != "" {
		pgQ += " WHERE " + spec.pgWhere
	}
	pgQ += " ORDER BY " + spec.pgOrder
	sfQ := "SELECT " + strings.Join(sfExprs, ", ") + " FROM " + spec.sfFrom + " ORDER BY " + spec.sfOrder

	pgRows := s.readPG(pgQ, spec.cols)
	sfRows := s.readSF(sfQ, spec.cols)
	if len(pgRows) != len(sfRows) {
		s.t.Fatalf("%s: %d source rows, %d target rows", spec.sfFrom, len(pgRows), len(sfRows))
	}
	for i := range pgRows {
		for j := range spec.cols {
			if !reflect.DeepEqual(pgRows[i][j], sfRows[i][j]) {
				s.t.Errorf("%s row %d column %s: source %#v, target %#v", spec.sfFrom, i, spec.cols[j].sf, pgRows[i][j], sfRows[i][j])
			}
		}
	}
	return len(pgRows)
}

// rowSource is what pgx.Rows and *sql.Rows have in common.
type rowSource interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

func (s *stack) readPG(q string, cols []col) [][]any {
	s.t.Helper()
	rows, err := s.pgConn().Query(context.Background(), q)
	if err != nil {
		s.t.Fatalf("postgres %q: %v", q, err)
	}
	defer rows.Close()
	return s.readRows(rows, cols, "source", func(kind string) string { return kind })
}

func (s *stack) readSF(q string, cols []col) [][]any {
	s.t.Helper()
	rows, err := s.sf().Query(q)
	if err != nil {
		s.t.Fatalf("snowflake %q: %v", q, err)
	}
	defer rows.Close()
	return s.readRows(rows, cols, "target", sfKind)
}

// readRows scans every row into the destinations destKind chooses for each column's
// kind and turns them into canonical values.
func (s *stack) readRows(rows rowSource, cols []col, side string, destKind func(string) string) [][]any {
	s.t.Helper()
	var out [][]any
	for rows.Next() {
		dests := make([]any, len(cols))
		for i, c := range cols {
			dests[i] = scanDest(destKind(c.kind))
		}
		if err := rows.Scan(dests...); err != nil {
			s.t.Fatalf("%s scan: %v", side, err)
		}
		vals := make([]any, len(cols))
		for i, c := range cols {
			v, err := value(c.kind, dests[i], side)
			if err != nil {
				s.t.Fatal(err)
			}
			vals[i] = v
		}
		out = append(out, vals)
	}
	if err := rows.Err(); err != nil {
		s.t.Fatal(err)
	}
	return out
}
