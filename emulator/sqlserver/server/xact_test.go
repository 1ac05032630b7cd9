package server

import (
	"database/sql"
	"fmt"
	"testing"

	mssql "github.com/microsoft/go-mssqldb"
)

// session-scoped helpers: one *sql.Conn is one server session
func connOf(t *testing.T, db *sql.DB) *sql.Conn {
	t.Helper()
	c, err := db.Conn(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func cexec(t *testing.T, c *sql.Conn, q string, args ...any) {
	t.Helper()
	if _, err := c.ExecContext(ctx(t), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func cerr(t *testing.T, c *sql.Conn, q string, want int32) {
	t.Helper()
	_, err := c.ExecContext(ctx(t), q)
	if errNumber(err) != want {
		t.Fatalf("%s: want error %d, got %v", q, want, err)
	}
}

func tranCount(t *testing.T, c *sql.Conn) int {
	t.Helper()
	var n int
	if err := c.QueryRowContext(ctx(t), "SELECT @@TRANCOUNT").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func keys(t *testing.T, db *sql.DB, q string) string {
	t.Helper()
	rows, err := db.QueryContext(ctx(t), q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := ""
	for rows.Next() {
		var a, b sql.NullInt64
		if err := rows.Scan(&a, &b); err != nil {
			t.Fatal(err)
		}
		out += fmt.Sprintf("(%d,%d)", a.Int64, b.Int64)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestStatementLevelRollback(t *testing.T) {
	srv := startServer(t, t.TempDir())
	db := open(t, srv, "disable")
	mustExec(t, db, "CREATE TABLE t (id int NOT NULL PRIMARY KEY, v int NULL)")
	mustExec(t, db, "INSERT INTO t VALUES (100, 0)")

	t.Run("statements", func(t *testing.T) {
		c := connOf(t, db)
		cexec(t, c, "BEGIN TRAN")
		cexec(t, c, "INSERT INTO t VALUES (1, 1)")
		cexec(t, c, "UPDATE t SET v = 7 WHERE id = 100")
		cerr(t, c, "INSERT INTO t VALUES (1, 2)", 2627)
		if n := tranCount(t, c); n != 1 {
			t.Fatalf("@@TRANCOUNT after 2627 = %d, want 1", n)
		}
		cerr(t, c, "INSERT INTO t (id, v) VALUES (NULL, 1)", 515)
		cexec(t, c, "INSERT INTO t VALUES (2, 2)")
		cexec(t, c, "COMMIT")
		if n := tranCount(t, c); n != 0 {
			t.Fatalf("@@TRANCOUNT after COMMIT = %d", n)
		}
		if got := keys(t, db, "SELECT id, v FROM t WHERE id IN (1, 2, 100) ORDER BY id"); got != "(1,1)(2,2)(100,7)" {
			t.Fatalf("rows %s", got)
		}
	})

	t.Run("one batch", func(t *testing.T) {
		c := connOf(t, db)
		_, err := c.ExecContext(ctx(t), "BEGIN TRAN; INSERT INTO t VALUES (10, 1); INSERT INTO t VALUES (10, 2); INSERT INTO t VALUES (11, 1); COMMIT")
		if errNumber(err) != 2627 {
			t.Fatalf("want 2627, got %v", err)
		}
		if n := tranCount(t, c); n != 0 {
			t.Fatalf("@@TRANCOUNT = %d: the batch should have gone on to COMMIT", n)
		}
		if got := keys(t, db, "SELECT id, v FROM t WHERE id IN (10, 11) ORDER BY id"); got != "(10,1)(11,1)" {
			t.Fatalf("rows %s", got)
		}
	})

	t.Run("driver transaction", func(t *testing.T) {
		tx, err := db.BeginTx(ctx(t), nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx(t), "INSERT INTO t VALUES (20, 1)"); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx(t), "INSERT INTO t VALUES (20, 2)"); errNumber(err) != 2627 {
			t.Fatalf("want 2627, got %v", err)
		}
		if _, err := tx.ExecContext(ctx(t), "INSERT INTO t VALUES (21, 1)"); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		if got := keys(t, db, "SELECT id, v FROM t WHERE id IN (20, 21) ORDER BY id"); got != "(20,1)(21,1)" {
			t.Fatalf("rows %s", got)
		}
	})

	t.Run("rollback after error", func(t *testing.T) {
		c := connOf(t, db)
		cexec(t, c, "BEGIN TRANSACTION")
		cexec(t, c, "INSERT INTO t VALUES (30, 1)")
		cerr(t, c, "INSERT INTO t VALUES (30, 2)", 2627)
		cexec(t, c, "INSERT INTO t VALUES (31, 1)")
		cexec(t, c, "DELETE FROM t WHERE id = 100")
		cexec(t, c, "ROLLBACK")
		if n := tranCount(t, c); n != 0 {
			t.Fatalf("@@TRANCOUNT = %d", n)
		}
		if got := keys(t, db, "SELECT id, v FROM t WHERE id IN (30, 31, 100) ORDER BY id"); got != "(100,7)" {
			t.Fatalf("rows %s", got)
		}
	})

	t.Run("conversion error aborts the batch, not the transaction", func(t *testing.T) {
		c := connOf(t, db)
		cexec(t, c, "BEGIN TRAN")
		cexec(t, c, "INSERT INTO t VALUES (40, 1)")
		_, err := c.ExecContext(ctx(t), "INSERT INTO t VALUES (41, 1); SELECT CAST('abc' AS int); INSERT INTO t VALUES (42, 1)")
		if errNumber(err) != 245 {
			t.Fatalf("want 245, got %v", err)
		}
		if n := tranCount(t, c); n != 1 {
			t.Fatalf("@@TRANCOUNT after 245 = %d, want 1", n)
		}
		cexec(t, c, "INSERT INTO t VALUES (43, 1)")
		cexec(t, c, "COMMIT")
		if got := keys(t, db, "SELECT id, v FROM t WHERE id BETWEEN 40 AND 49 ORDER BY id"); got != "(40,1)(41,1)(43,1)" {
			t.Fatalf("rows %s (42 must not run: 245 ends the batch)", got)
		}
	})

	t.Run("compile error keeps the transaction", func(t *testing.T) {
		c := connOf(t, db)
		cexec(t, c, "BEGIN TRAN")
		cexec(t, c, "INSERT INTO t VALUES (50, 1)")
		cerr(t, c, "SELECT * FROM nosuch", 208)
		cerr(t, c, "SELECT nosuch FROM t", 207)
		cexec(t, c, "INSERT INTO t VALUES (51, 1)")
		cexec(t, c, "COMMIT")
		if got := keys(t, db, "SELECT id, v FROM t WHERE id IN (50, 51) ORDER BY id"); got != "(50,1)(51,1)" {
			t.Fatalf("rows %s", got)
		}
	})

	t.Run("DDL in the transaction", func(t *testing.T) {
		c := connOf(t, db)
		cexec(t, c, "BEGIN TRAN")
		cexec(t, c, "CREATE TABLE t2 (id int PRIMARY KEY)")
		cexec(t, c, "INSERT INTO t2 VALUES (1)")
		cerr(t, c, "INSERT INTO t2 VALUES (1)", 2627)
		cerr(t, c, "CREATE TABLE t2 (id int)", 2714)
		cexec(t, c, "INSERT INTO t2 VALUES (2)")
		cexec(t, c, "COMMIT")
		if got := keys(t, db, "SELECT id, 0 FROM t2 ORDER BY id"); got != "(1,0)(2,0)" {
			t.Fatalf("rows %s", got)
		}
	})
}

func TestXactAbortOn(t *testing.T) {
	srv := startServer(t, t.TempDir())
	db := open(t, srv, "disable")
	mustExec(t, db, "CREATE TABLE t (id int NOT NULL PRIMARY KEY, v int NULL)")
	c := connOf(t, db)
	cexec(t, c, "SET XACT_ABORT ON")
	cexec(t, c, "BEGIN TRAN")
	cexec(t, c, "INSERT INTO t VALUES (1, 1)")
	cerr(t, c, "INSERT INTO t VALUES (1, 2)", 2627)
	if n := tranCount(t, c); n != 0 {
		t.Fatalf("@@TRANCOUNT after 2627 with XACT_ABORT ON = %d, want 0", n)
	}
	cerr(t, c, "COMMIT", 3902)
	// the whole batch ends too
	_, err := c.ExecContext(ctx(t), "BEGIN TRAN; INSERT INTO t VALUES (2, 1); INSERT INTO t VALUES (2, 2); INSERT INTO t VALUES (3, 1); COMMIT")
	if errNumber(err) != 2627 {
		t.Fatalf("want 2627, got %v", err)
	}
	if n := tranCount(t, c); n != 0 {
		t.Fatalf("@@TRANCOUNT = %d", n)
	}
	// compile errors are not affected by XACT_ABORT
	cexec(t, c, "BEGIN TRAN")
	cexec(t, c, "INSERT INTO t VALUES (4, 1)")
	cerr(t, c, "SELECT * FROM nosuch", 208)
	if n := tranCount(t, c); n != 1 {
		t.Fatalf("@@TRANCOUNT after 208 = %d, want 1", n)
	}
	cexec(t, c, "COMMIT")
	if got := keys(t, db, "SELECT id, v FROM t ORDER BY id"); got != "(4,1)" {
		t.Fatalf("rows %s", got)
	}
	cexec(t, c, "SET XACT_ABORT OFF")
	cexec(t, c, "BEGIN TRAN")
	cexec(t, c, "INSERT INTO t VALUES (5, 1)")
	cerr(t, c, "INSERT INTO t VALUES (5, 2)", 2627)
	cexec(t, c, "COMMIT")
	if got := keys(t, db, "SELECT id, v FROM t ORDER BY id"); got != "(4,1)(5,1)" {
		t.Fatalf("rows %s", got)
	}
	cerr(t, c, "SET XACT_ABORT MAYBE", 102)

	// through the driver's transaction: the driver learns of the rollback (ENVCHANGE)
	// and refuses to commit
	tx, err := db.BeginTx(ctx(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx(t), "SET XACT_ABORT ON; INSERT INTO t VALUES (6, 1)"); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx(t), "INSERT INTO t VALUES (6, 2)"); errNumber(err) != 2627 {
		t.Fatalf("want 2627, got %v", err)
	}
	if err := tx.Commit(); err == nil {
		t.Fatal("commit of a transaction XACT_ABORT rolled back succeeded")
	}
	if got := keys(t, db, "SELECT id, v FROM t ORDER BY id"); got != "(4,1)(5,1)" {
		t.Fatalf("rows %s", got)
	}
}

func TestIdentityNotReusedAfterFailedInsert(t *testing.T) {
	srv := startServer(t, t.TempDir())
	db := open(t, srv, "disable")
	mustExec(t, db, "CREATE TABLE ti (id int IDENTITY(1,1) PRIMARY KEY, k int NOT NULL UNIQUE)")
	c := connOf(t, db)
	cexec(t, c, "BEGIN TRAN")
	cexec(t, c, "INSERT INTO ti (k) VALUES (10), (11)")                    // 1, 2
	cerr(t, c, "INSERT INTO ti (k) VALUES (12), (10)", 2627)               // consumes 3, 4
	cexec(t, c, "INSERT INTO ti (k) VALUES (13)")                          // 5
	cerr(t, c, "INSERT INTO ti (k) VALUES (NULL)", 515)                    // consumes 6
	cexec(t, c, "INSERT INTO ti (k) VALUES (14)")                          // 7
	if got := keys(t, db, "SELECT id, k FROM ti ORDER BY id"); got != "" { // not committed yet
		t.Fatalf("rows visible outside the transaction: %s", got)
	}
	cexec(t, c, "COMMIT")
	if got := keys(t, db, "SELECT id, k FROM ti ORDER BY id"); got != "(1,10)(2,11)(5,13)(7,14)" {
		t.Fatalf("rows %s, want (1,10)(2,11)(5,13)(7,14)", got)
	}
	// outside a transaction: the same
	if _, err := db.ExecContext(ctx(t), "INSERT INTO ti (k) VALUES (10)"); errNumber(err) != 2627 {
		t.Fatalf("want 2627, got %v", err)
	}
	mustExec(t, db, "INSERT INTO ti (k) VALUES (15)")
	if got := keys(t, db, "SELECT id, k FROM ti WHERE k = 15"); got != "(9,15)" {
		t.Fatalf("rows %s, want (9,15)", got)
	}
}

func TestReplayOfEveryKindOfWrite(t *testing.T) {
	srv := startServer(t, t.TempDir())
	db := open(t, srv, "disable")
	mustExec(t, db, "CREATE DATABASE other")
	mustExec(t, db, "CREATE TABLE ti (id bigint IDENTITY(10,5) PRIMARY KEY, k int NOT NULL UNIQUE)")
	c := connOf(t, db)
	cexec(t, c, "BEGIN TRAN")
	cexec(t, c, "INSERT INTO ti (k) VALUES (1), (2)")                                // 10, 15
	cexec(t, c, "INSERT INTO ti (k) SELECT k + 100 FROM ti WHERE k < 10 ORDER BY k") // 20, 25
	cexec(t, c, "WITH x AS (SELECT 7 AS k) INSERT INTO ti (k) SELECT k FROM x")      // 30
	cexec(t, c, "UPDATE ti SET k = k + 1000 WHERE k = 7")
	// USE inside the transaction (DuckDB lets one transaction write to one database only)
	cexec(t, c, "USE other")
	cexec(t, c, "USE master")
	cexec(t, c, "USE other")
	cerr(t, c, "INSERT INTO master.dbo.ti (k) VALUES (1)", 2627) // consumes 35
	cexec(t, c, "USE master")
	cexec(t, c, "INSERT INTO ti (k) VALUES (3)") // 40
	var dbName string
	if err := c.QueryRowContext(ctx(t), "SELECT DB_NAME()").Scan(&dbName); err != nil || dbName != "master" {
		t.Fatalf("DB_NAME() = %q, %v", dbName, err)
	}
	cexec(t, c, "COMMIT")
	want := "(10,1)(15,2)(20,101)(25,102)(30,1007)(40,3)"
	if got := keys(t, db, "SELECT id, k FROM ti ORDER BY id"); got != want {
		t.Fatalf("rows %s, want %s", got, want)
	}
}

func TestReplayOfBulkLoad(t *testing.T) {
	srv := startServer(t, t.TempDir())
	db := open(t, srv, "disable")
	db.SetMaxOpenConns(1)
	mustExec(t, db, "CREATE TABLE bk (id int NOT NULL PRIMARY KEY, v int NULL)")
	txn, err := db.BeginTx(ctx(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	stmt, err := txn.PrepareContext(ctx(t), mssql.CopyIn("bk", mssql.BulkOptions{}, "id", "v"))
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 300; i++ {
		if _, err := stmt.ExecContext(ctx(t), i, i); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := stmt.ExecContext(ctx(t)); err != nil {
		t.Fatal(err)
	}
	stmt.Close()
	if _, err := txn.ExecContext(ctx(t), "INSERT INTO bk VALUES (5, 0)"); errNumber(err) != 2627 {
		t.Fatalf("want 2627, got %v", err)
	}
	if _, err := txn.ExecContext(ctx(t), "INSERT INTO bk VALUES (1000, 0)"); err != nil {
		t.Fatal(err)
	}
	if err := txn.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := keys(t, db, "SELECT COUNT(*), SUM(v) FROM bk"); got != "(301,45150)" {
		t.Fatalf("count, sum = %s", got)
	}
}

func TestUpdateConflictEndsTransaction(t *testing.T) {
	srv := startServer(t, t.TempDir())
	db := open(t, srv, "disable")
	mustExec(t, db, "CREATE TABLE t (id int NOT NULL PRIMARY KEY, v int NULL)")
	mustExec(t, db, "INSERT INTO t VALUES (1, 0), (2, 0)")
	a, b := connOf(t, db), connOf(t, db)
	cexec(t, a, "BEGIN TRAN")
	cexec(t, a, "UPDATE t SET v = 1 WHERE id = 1")
	cexec(t, b, "BEGIN TRAN")
	cexec(t, b, "UPDATE t SET v = 2 WHERE id = 2")
	cerr(t, b, "UPDATE t SET v = 2 WHERE id = 1", 3960)
	if n := tranCount(t, b); n != 0 {
		t.Fatalf("@@TRANCOUNT after 3960 = %d, want 0 (SQL Server ends the transaction)", n)
	}
	cexec(t, a, "COMMIT")
	if got := keys(t, db, "SELECT id, v FROM t ORDER BY id"); got != "(1,1)(2,0)" {
		t.Fatalf("rows %s", got)
	}
}
