package tests

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// COPY takes a load lock per (table, staged file) for the files it loads (engine/txn.go
// loadInto): COPYs of different files into one table run side by side, as in
// Snowflake; COPYs naming one file are ordered, so that the load history stays exact.

// copyConcEnv stages files a.parquet (ids 0..999) and b.parquet (ids 1000..2499) and
// opens two single-session connections.
func copyConcEnv(t *testing.T) (env *stEnv, a, b *sql.DB) {
	env = stStart(t)
	env.exec(t, "CREATE STAGE st")
	env.exec(t, "CREATE TABLE T (ID NUMBER, S VARCHAR)")
	fa := filepath.Join(env.dir, "a.parquet")
	stWriteParquet(t, fa, "SELECT i AS ID, 'a' AS S FROM range(0, 1000) t(i)")
	fb := filepath.Join(env.dir, "b.parquet")
	stWriteParquet(t, fb, "SELECT i AS ID, 'b' AS S FROM range(1000, 2500) t(i)")
	env.put(t, fa, "@st/p/", "")
	env.put(t, fb, "@st/p/", "")
	return env, env.session(t), env.session(t)
}

func copyConcQ(file string) string {
	return "COPY INTO T FROM @st/p/ FILES = ('" + file + "') FILE_FORMAT = (TYPE = PARQUET) MATCH_BY_COLUMN_NAME = CASE_SENSITIVE"
}

// copyAsync runs a COPY on db in the background; the channel yields its rows or error.
type copyOutcome struct {
	rows [][]string
	err  error
}

func copyAsync(env *stEnv, db *sql.DB, q string) <-chan copyOutcome {
	ch := make(chan copyOutcome, 1)
	go func() {
		_, rows, err := stQueryErr(env.ctx, db, q)
		ch <- copyOutcome{rows, err}
	}()
	return ch
}

// Two open transactions COPY different files into one table: the second COPY does not
// wait for the first transaction; both commit (DuckDB commits two transactions that
// appended to one table) and every row is there once; the history has both files.
func TestCopyDisjointFilesRunInParallel(t *testing.T) {
	env, a, b := copyConcEnv(t)
	txExec(t, env, b, "ALTER SESSION SET LOCK_TIMEOUT = 0") // a wait would fail at once
	txExec(t, env, a, "BEGIN")
	if rows := txRows(t, env, a, copyConcQ("a.parquet")); len(rows) != 1 || rows[0][3] != "1000" {
		t.Fatalf("first COPY: %v", rows)
	}
	txExec(t, env, b, "BEGIN")
	select {
	case out := <-copyAsync(env, b, copyConcQ("b.parquet")):
		if out.err != nil || len(out.rows) != 1 || out.rows[0][1] != "LOADED" || out.rows[0][3] != "1500" {
			t.Fatalf("second COPY while the first transaction is open: %v %v", out.rows, out.err)
		}
	case <-time.After(time.Minute):
		t.Fatal("second COPY of another file did not complete while the first transaction was open")
	}
	// each transaction sees its own rows only
	if got := txOne(t, env, a, "SELECT COUNT(*) FROM T"); got != "1000" {
		t.Fatalf("session a sees %s rows", got)
	}
	if got := txOne(t, env, b, "SELECT COUNT(*) FROM T"); got != "1500" {
		t.Fatalf("session b sees %s rows", got)
	}
	txExec(t, env, b, "COMMIT")
	txExec(t, env, a, "COMMIT")
	got := env.one(t, "SELECT COUNT(*) || '/' || COUNT(DISTINCT ID) || '/' || MIN(ID) || '/' || MAX(ID) || '/' || SUM(IFF(S = 'a', 1, 0)) FROM T")
	if got != "2500/2500/0/2499/1000" {
		t.Fatalf("rows after both commits (count/distinct/min/max/a-rows): %s, want 2500/2500/0/2499/1000", got)
	}
	// both loads are in the history: nothing is loaded again
	if rows := env.copyRows(t, "COPY INTO T FROM @st/p/ FILE_FORMAT = (TYPE = PARQUET) MATCH_BY_COLUMN_NAME = CASE_SENSITIVE"); len(rows) != 1 || rows[0]["status"] != "Copy executed with 0 files processed." {
		t.Fatalf("COPY of both files after both commits: %v", rows)
	}
}

// Two open transactions COPY the same file: the second waits for the first; after the
// first commits it loads nothing (the file is in the history), after a rollback it
// loads the file. A short LOCK_TIMEOUT makes the wait error 000625 naming the file.
func TestCopySameFileWaitsForTheFirst(t *testing.T) {
	for _, commit := range []bool{true, false} {
		t.Run(fmt.Sprintf("first_commits=%v", commit), func(t *testing.T) {
			env, a, b := copyConcEnv(t)
			txExec(t, env, a, "BEGIN")
			txRows(t, env, a, copyConcQ("a.parquet"))
			txExec(t, env, b, "BEGIN")
			waiting := copyAsync(env, b, copyConcQ("a.parquet"))
			select {
			case out := <-waiting:
				t.Fatalf("COPY of a file another open transaction loads did not wait: %v %v", out.rows, out.err)
			case <-time.After(1500 * time.Millisecond):
			}
			end, wantA, wantB := "COMMIT", 1000, 0
			if !commit {
				end, wantA, wantB = "ROLLBACK", 0, 1000
			}
			txExec(t, env, a, end)
			var out copyOutcome
			select {
			case out = <-waiting:
			case <-time.After(time.Minute):
				t.Fatal("the waiting COPY did not complete after the first transaction ended")
			}
			if out.err != nil {
				t.Fatalf("waiting COPY: %v", out.err)
			}
			if commit {
				if len(out.rows) != 1 || out.rows[0][0] != "Copy executed with 0 files processed." {
					t.Fatalf("COPY after the first committed: %v, want 0 files processed", out.rows)
				}
			} else if len(out.rows) != 1 || out.rows[0][1] != "LOADED" || out.rows[0][3] != "1000" {
				t.Fatalf("COPY after the first rolled back: %v, want the file loaded", out.rows)
			}
			txExec(t, env, b, "COMMIT")
			got := env.one(t, "SELECT COUNT(*) || '/' || COUNT(DISTINCT ID) FROM T")
			if want := fmt.Sprintf("%d/%d", wantA+wantB, wantA+wantB); got != want {
				t.Fatalf("rows: %s, want %s", got, want)
			}

			// LOCK_TIMEOUT bounds the wait: 000625 names the file's load history.
			txExec(t, env, a, "BEGIN")
			txRows(t, env, a, copyConcQ("b.parquet"))
			txExec(t, env, b, "ALTER SESSION SET LOCK_TIMEOUT = 1")
			stWantErr(t, func() error {
				_, _, err := stQueryErr(context.Background(), b, copyConcQ("b.parquet"))
				return err
			}(), 625, "LOCK_TIMEOUT", "load history of file @STG.PUBLIC.ST/p/b.parquet")
			txExec(t, env, a, "COMMIT")
			if got := env.one(t, "SELECT COUNT(*) FROM T WHERE S = 'b'"); got != "1500" {
				t.Fatalf("b rows: %s", got)
			}
		})
	}
}

// A transaction that wrote before (its DuckDB snapshot is older than other sessions'
// commits) updates one metadata row twice, as the product's re-sync replace does
// (MarkLoaded, then MarkResync): the second UPDATE is proven like the first, because
// the transaction changed the table only by UPDATEs of columns the WHERE clause does
// not mention. Own changes the WHERE clause reads, or own inserts, are still refused.
func TestTxnSecondUpdateOfOwnRowOnStaleSnapshot(t *testing.T) {
	env := stStart(t)
	env.exec(t, "CREATE TABLE DATA (ID NUMBER)")
	env.exec(t, "CREATE TABLE PM (K NUMBER, LOADED_AT NUMBER, CHK VARCHAR)")
	env.exec(t, "INSERT INTO PM VALUES (1, NULL, NULL), (2, NULL, NULL)")
	a, other := env.session(t), env.session(t)

	txExec(t, env, a, "BEGIN")
	txExec(t, env, a, "INSERT INTO DATA VALUES (1)") // the snapshot
	txExec(t, env, other, "UPDATE PM SET LOADED_AT = 20 WHERE K = 2")
	txExec(t, env, other, "INSERT INTO PM VALUES (3, NULL, NULL)")
	if n := sqlAffected(t, a, "UPDATE PM SET LOADED_AT = 10 WHERE K = 1 AND LOADED_AT IS NULL"); n != 1 {
		t.Fatalf("first UPDATE: %d rows", n)
	}
	if n := sqlAffected(t, a, "UPDATE PM SET CHK = 'abc' WHERE K = 1"); n != 1 {
		t.Fatalf("second UPDATE: %d rows", n)
	}
	// a WHERE clause that reads a column this transaction set: not provable
	stWantErr(t, txErr(env, a, "UPDATE PM SET CHK = 'x' WHERE LOADED_AT = 10"), 625, "already changed")
	txExec(t, env, a, "ROLLBACK")

	txExec(t, env, a, "BEGIN")
	txExec(t, env, a, "INSERT INTO DATA VALUES (2)")
	txExec(t, env, other, "UPDATE PM SET CHK = 'other' WHERE K = 2")
	txExec(t, env, a, "UPDATE PM SET LOADED_AT = 10 WHERE K = 1")
	txExec(t, env, a, "UPDATE PM SET CHK = 'abc' WHERE K = 1")
	txExec(t, env, a, "COMMIT")
	got := env.one(t, "SELECT LISTAGG(K || ':' || COALESCE(LOADED_AT::VARCHAR, '-') || ':' || COALESCE(CHK, '-'), ',') WITHIN GROUP (ORDER BY K) FROM PM")
	if got != "1:10:abc,2:20:other,3:-:-" {
		t.Fatalf("PM after the commit: %s", got)
	}

	// own inserts into the table: refused
	txExec(t, env, a, "BEGIN")
	txExec(t, env, a, "INSERT INTO DATA VALUES (3)")
	txExec(t, env, other, "INSERT INTO PM VALUES (4, NULL, NULL)")
	txExec(t, env, a, "INSERT INTO PM VALUES (5, NULL, NULL)")
	stWantErr(t, txErr(env, a, "UPDATE PM SET CHK = 'x' WHERE K = 1"), 625, "already changed")
	txExec(t, env, a, "ROLLBACK")
	// a DELETE after an own UPDATE, of a row nobody changed: proven the same way
	txExec(t, env, a, "BEGIN")
	txExec(t, env, a, "INSERT INTO DATA VALUES (4)")
	txExec(t, env, other, "UPDATE PM SET CHK = 'o' WHERE K = 4")
	txExec(t, env, a, "UPDATE PM SET LOADED_AT = 1 WHERE K = 1")
	if n := sqlAffected(t, a, "DELETE FROM PM WHERE K = 3"); n != 1 {
		t.Fatalf("DELETE: %d rows, want 1", n)
	}
	txExec(t, env, a, "COMMIT")
	got = env.one(t, "SELECT LISTAGG(K || ':' || COALESCE(LOADED_AT::VARCHAR, '-') || ':' || COALESCE(CHK, '-'), ',') WITHIN GROUP (ORDER BY K) FROM PM")
	if got != "1:1:abc,2:20:other,4:-:o" {
		t.Fatalf("PM after the second commit: %s", got)
	}
	if got := env.one(t, "SELECT COUNT(*) FROM DATA"); got != "2" {
		t.Fatalf("DATA rows: %s", got)
	}
}

// What per-file load locks rely on, in DuckDB itself (the emulator's engine): two open
// transactions append to one table (one of them more than a row group, which DuckDB
// writes to the database file before COMMIT) and record their load in one history
// table (DELETE of its own entry, then INSERT); both commit, every row is there once.
func TestDuckDBTwoTransactionsAppendOneTable(t *testing.T) {
	db, err := sql.Open("duckdb", filepath.Join(t.TempDir(), "append.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	conns := make([]*sql.Conn, 2)
	for i := range conns {
		if conns[i], err = db.Conn(ctx); err != nil {
			t.Fatal(err)
		}
		defer conns[i].Close()
	}
	exec := func(c *sql.Conn, q string) {
		t.Helper()
		if _, err := c.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(conns[0], "CREATE TABLE t (id BIGINT, s VARCHAR)")
	exec(conns[0], "CREATE TABLE hist (file VARCHAR, n BIGINT)")
	exec(conns[0], "INSERT INTO hist VALUES ('a', 0), ('b', 0)")
	exec(conns[0], "BEGIN TRANSACTION")
	exec(conns[1], "BEGIN TRANSACTION")
	exec(conns[0], "INSERT INTO t SELECT i, 'a' FROM range(0, 200000) r(i)")
	exec(conns[1], "INSERT INTO t SELECT i, 'b' FROM range(200000, 210000) r(i)")
	exec(conns[0], "DELETE FROM hist WHERE file = 'a'")
	exec(conns[1], "DELETE FROM hist WHERE file = 'b'")
	exec(conns[0], "INSERT INTO hist VALUES ('a', 200000)")
	exec(conns[1], "INSERT INTO hist VALUES ('b', 10000)")
	exec(conns[1], "COMMIT")
	exec(conns[0], "COMMIT")
	var got string
	if err := db.QueryRowContext(ctx, "SELECT count(*) || '/' || count(DISTINCT id) || '/' || (SELECT string_agg(file || n, ',' ORDER BY file) FROM hist) FROM t").Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != "210000/210000/a200000,b10000" {
		t.Fatalf("after both commits: %s, want 210000/210000/a200000,b10000", got)
	}
}
