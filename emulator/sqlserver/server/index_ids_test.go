package server

import (
	"strings"
	"testing"
)

// A clustered primary key is index 1 and every UNIQUE constraint a nonclustered index
// from 2, each with its own name (a UNIQUE column constraint next to a PRIMARY KEY
// used to get index 1 as well, so the primary key's columns included it).
func TestConstraintIndexIDs(t *testing.T) {
	srv := startServer(t, t.TempDir())
	db := open(t, srv, "disable")
	db.SetMaxOpenConns(1)
	mustExec(t, db, "CREATE DATABASE ix")
	mustExec(t, db, "USE ix")
	mustExec(t, db, "CREATE TABLE dbo.p (id int NOT NULL PRIMARY KEY, d int NOT NULL UNIQUE, e int NOT NULL, f int NOT NULL, CONSTRAINT uq_ef UNIQUE (e, f))")
	rows, err := db.QueryContext(ctx(t), "SELECT i.index_id, i.name, i.is_primary_key FROM sys.indexes i WHERE i.object_id = OBJECT_ID('dbo.p') ORDER BY i.index_id")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	names := map[string]bool{}
	for rows.Next() {
		var id int
		var name string
		var pk bool
		if err := rows.Scan(&id, &name, &pk); err != nil {
			t.Fatal(err)
		}
		got = append(got, strings.Join([]string{string(rune('0' + id)), map[bool]string{true: "pk", false: "uq"}[pk]}, ":"))
		names[name] = true
	}
	rows.Close()
	if strings.Join(got, " ") != "1:pk 2:uq 3:uq" || len(names) != 3 {
		t.Fatalf("indexes %v, names %v", got, names)
	}
	var cols string
	if err := db.QueryRowContext(ctx(t), `SELECT STRING_AGG(c.name, ',') FROM sys.key_constraints k
JOIN sys.index_columns ic ON ic.object_id = k.parent_object_id AND ic.index_id = k.unique_index_id
JOIN sys.columns c ON c.object_id = ic.object_id AND c.column_id = ic.column_id
WHERE k.parent_object_id = OBJECT_ID('dbo.p') AND k.type = 'PK'`).Scan(&cols); err != nil || cols != "id" {
		t.Fatalf("primary key columns %q, %v", cols, err)
	}
}
