package engine

import (
	"context"
	"testing"
)

func TestSmoke(t *testing.T) {
	e, err := Open(Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	s, err := e.NewSession(context.Background(), "", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"SELECT 1", "select 1 a, 'x' as \"b\", current_timestamp, 1.5::number(10,2), parse_json('{\"a\":1}'):a", "CREATE DATABASE d1", "select current_database(), current_schema()"} {
		r, err := s.Execute(context.Background(), q, nil, false)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		for _, c := range r.Columns {
			t.Logf("col %+v", c)
		}
		for _, row := range r.Rows {
			for _, c := range row {
				if c == nil {
					t.Logf("  NULL")
				} else {
					t.Logf("  %q", *c)
				}
			}
		}
	}
}
