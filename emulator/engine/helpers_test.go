package engine

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func openTest(t *testing.T) (*Engine, *Session) {
	t.Helper()
	e, err := Open(Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	s := newSess(t, e)
	mustExec(t, s, "CREATE DATABASE TESTDB")
	return e, s
}

func newSess(t *testing.T, e *Engine) *Session {
	t.Helper()
	s, err := e.NewSession(context.Background(), "TESTDB", "PUBLIC")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func exec(s *Session, q string, binds map[string]Bind) (*Result, error) {
	return s.Execute(context.Background(), q, binds, false)
}

func mustExec(t *testing.T, s *Session, q string) *Result {
	t.Helper()
	r, err := exec(s, q, nil)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return r
}

// cells renders a result as strings ("NULL" for nil), rows joined by ';' and cells by ','.
func cells(r *Result) string {
	var rows []string
	for _, row := range r.Rows {
		var cs []string
		for _, c := range row {
			if c == nil {
				cs = append(cs, "NULL")
			} else {
				cs = append(cs, *c)
			}
		}
		rows = append(rows, strings.Join(cs, ","))
	}
	return strings.Join(rows, ";")
}

func expectRows(t *testing.T, s *Session, q, want string) *Result {
	t.Helper()
	r := mustExec(t, s, q)
	if got := cells(r); got != want {
		t.Fatalf("%s:\n got %q\nwant %q", q, got, want)
	}
	return r
}

func expectErr(t *testing.T, s *Session, q string, number int) *Error {
	t.Helper()
	_, err := exec(s, q, nil)
	if err == nil {
		t.Fatalf("%s: expected error %d, got success", q, number)
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("%s: error is %T, not *Error: %v", q, err, err)
	}
	if e.Number != number {
		t.Fatalf("%s: error number %d (%s), want %d", q, e.Number, e.Message, number)
	}
	return e
}

func ctxBG() context.Context { return context.Background() }
