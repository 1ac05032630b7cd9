package server

import (
	"context"
	"testing"

	mssql "github.com/microsoft/go-mssqldb"
	"github.com/golang-sql/sqlexp"
)

func TestMiscStatements(t *testing.T) {
	srv := startServer(t, t.TempDir())
	db := open(t, srv, "disable")
	mustExec(t, db, "SET NOCOUNT ON; CREATE TABLE c (a int NOT NULL, b int, s AS (a * 2) PERSISTED, CONSTRAINT pk_c PRIMARY KEY (a))")
	mustExec(t, db, "INSERT INTO c (a, b) VALUES (1, 10), (2, 20)")
	mustExec(t, db, "INSERT INTO c (a, b) SELECT a + 10, b FROM c")
	var n, s, rn int
	if err := db.QueryRowContext(ctx(t), "SELECT COUNT(*), SUM(s), MAX(ROW_NUMBER() OVER (ORDER BY a)) FROM c").Scan(&n, &s, &rn); err != nil {
		// window in aggregate is invalid in SQL Server too; use a subquery
		if err := db.QueryRowContext(ctx(t), "SELECT COUNT(*), SUM(s), MAX(r) FROM (SELECT s, ROW_NUMBER() OVER (ORDER BY a) AS r FROM c) x").Scan(&n, &s, &rn); err != nil {
			t.Fatal(err)
		}
	}
	if n != 4 || s != 2*(1+2+11+12) || rn != 4 {
		t.Fatalf("computed/insert-select/window: %d %d %d", n, s, rn)
	}
	var computed int
	if err := db.QueryRowContext(ctx(t), "SELECT COUNT(*) FROM sys.computed_columns WHERE object_id = OBJECT_ID('c') AND name = 's'").Scan(&computed); err != nil || computed != 1 {
		t.Fatalf("sys.computed_columns: %d %v", computed, err)
	}
	var pk string
	if err := db.QueryRowContext(ctx(t), "SELECT name FROM sys.key_constraints WHERE type = 'PK' AND parent_object_id = OBJECT_ID('dbo.c')").Scan(&pk); err != nil || pk != "pk_c" {
		t.Fatalf("sys.key_constraints: %q %v", pk, err)
	}
	// PRINT arrives as an INFO message
	retmsg := &sqlexp.ReturnMessage{}
	rows, err := db.QueryContext(context.Background(), "PRINT 'hello'", retmsg)
	if err != nil {
		t.Fatal(err)
	}
	got := ""
	for active := true; active; {
		switch m := retmsg.Message(ctx(t)).(type) {
		case sqlexp.MsgNotice:
			got = m.Message.String()
		case sqlexp.MsgNextResultSet:
			active = rows.NextResultSet()
		case sqlexp.MsgNext:
			for rows.Next() {
			}
		}
	}
	rows.Close()
	if got != "hello" {
		t.Fatalf("PRINT: %q", got)
	}
	// return status of sp_executesql
	var rs mssql.ReturnStatus
	if _, err := db.ExecContext(ctx(t), "SELECT a FROM c WHERE a = @p1", 1, &rs); err != nil || rs != 0 {
		t.Fatalf("return status %d %v", rs, err)
	}
}
