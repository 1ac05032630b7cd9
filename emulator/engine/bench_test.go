package engine

import (
	"context"
	"testing"
)

// BenchmarkTrivialSelect measures a trivial statement end to end in the engine
// (lex, translate, DuckDB, encode); the target is well under 1 ms.
func BenchmarkTrivialSelect(b *testing.B) {
	e, err := Open(Options{DataDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	s, _ := e.NewSession(context.Background(), "", "")
	defer s.Close()
	if _, err := s.Execute(context.Background(), "CREATE DATABASE B", nil, false); err != nil {
		b.Fatal(err)
	}
	if _, err := s.Execute(context.Background(), "CREATE TABLE t (id INT, v VARCHAR)", nil, false); err != nil {
		b.Fatal(err)
	}
	b.Run("select1", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := s.Execute(context.Background(), "SELECT 1", nil, false); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("insert_bind", func(b *testing.B) {
		binds := map[string]Bind{"1": {Type: "FIXED", Value: "1"}, "2": {Type: "TEXT", Value: "x"}}
		for i := 0; i < b.N; i++ {
			if _, err := s.Execute(context.Background(), "INSERT INTO t VALUES (?, ?)", binds, false); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("select_where", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := s.Execute(context.Background(), "SELECT id, v FROM t WHERE id = 2", nil, false); err != nil {
				b.Fatal(err)
			}
		}
	})
}
