package tests

import (
	"database/sql"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/snowmigrate/snowmigrate/emulator/emulatortest"
)

// session opens one more single-session connection to the emulator.
func (e *stEnv) session(t *testing.T) *sql.DB {
	t.Helper()
	db := e.emu.Open(t, "STG", "PUBLIC")
	db.SetMaxOpenConns(1)
	return db
}

func txExec(t *testing.T, e *stEnv, db *sql.DB, q string) {
	t.Helper()
	if _, err := db.ExecContext(e.ctx, q); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func txErr(e *stEnv, db *sql.DB, q string) error {
	_, err := db.ExecContext(e.ctx, q)
	return err
}

func txRows(t *testing.T, e *stEnv, db *sql.DB, q string) [][]string {
	t.Helper()
	_, rows, err := stQueryErr(e.ctx, db, q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return rows
}

func txOne(t *testing.T, e *stEnv, db *sql.DB, q string) string {
	t.Helper()
	rows := txRows(t, e, db, q)
	if len(rows) != 1 || len(rows[0]) < 1 {
		t.Fatalf("%s: %d rows, want 1", q, len(rows))
	}
	return rows[0][0]
}

// txnByName returns the id of the running transaction named name ("" if none).
func txnByName(t *testing.T, e *stEnv, db *sql.DB, name string) string {
	t.Helper()
	cols, rows, err := stQueryErr(e.ctx, db, "SHOW TRANSACTIONS")
	if err != nil {
		t.Fatalf("SHOW TRANSACTIONS: %v", err)
	}
	idCol, nameCol := -1, -1
	for i, c := range cols {
		switch c {
		case "id":
			idCol = i
		case "name":
			nameCol = i
		}
	}
	if idCol < 0 || nameCol < 0 {
		t.Fatalf("SHOW TRANSACTIONS columns %v lack id or name", cols)
	}
	for _, r := range rows {
		if r[nameCol] == name {
			return r[idCol]
		}
	}
	return ""
}

// A client that opened a transaction, took a table lock and went away: another session
// with a short LOCK_TIMEOUT gets 625 instead of waiting, finds the transaction by its
// name in SHOW TRANSACTIONS and aborts it; the lock is free and the work rolled back.
func TestTxnAbandonedLockIsFoundAndAborted(t *testing.T) {
	env := stStart(t)
	env.exec(t, "CREATE TABLE P (K NUMBER, LOADED BOOLEAN)")
	env.exec(t, "INSERT INTO P VALUES (1, FALSE), (2, FALSE)")
	gone := env.session(t)
	txExec(t, env, gone, "BEGIN TRANSACTION NAME SNOWMIGRATE_LOAD_ABC")
	txExec(t, env, gone, "INSERT INTO P VALUES (3, TRUE)")
	txExec(t, env, gone, "UPDATE P SET LOADED = TRUE WHERE K = 1")
	// the client stops here, holding the lock on P

	live := env.session(t)
	txExec(t, env, live, "ALTER SESSION SET LOCK_TIMEOUT = 1")
	stWantErr(t, txErr(env, live, "UPDATE P SET LOADED = TRUE WHERE K = 2"), 625, "LOCK_TIMEOUT")
	id := txnByName(t, env, live, "SNOWMIGRATE_LOAD_ABC")
	if id == "" {
		t.Fatal("SHOW TRANSACTIONS does not list SNOWMIGRATE_LOAD_ABC")
	}
	if got := txOne(t, env, live, "SELECT SYSTEM$ABORT_TRANSACTION("+id+")"); got != "Aborted transaction id: "+id {
		t.Fatalf("SYSTEM$ABORT_TRANSACTION: %q", got)
	}
	if txnByName(t, env, live, "SNOWMIGRATE_LOAD_ABC") != "" {
		t.Fatal("the aborted transaction is still listed")
	}
	txExec(t, env, live, "UPDATE P SET LOADED = TRUE WHERE K = 2")
	if got := txOne(t, env, live, "SELECT LISTAGG(K || ':' || LOADED, ',') WITHIN GROUP (ORDER BY K) FROM P"); got != "1:false,2:true" {
		t.Fatalf("after the abort P = %s, want the aborted INSERT and UPDATE gone", got)
	}
	// the aborted session's client learns it at its next statement; COMMIT commits nothing
	stWantErr(t, txErr(env, gone, "COMMIT"), 604, "aborted")
	txExec(t, env, gone, "UPDATE P SET LOADED = FALSE WHERE K = 2")
}

// A session idle for longer than the idle timeout is closed and its transaction rolled
// back, freeing its locks (a dead client cannot hold them for ever).
func TestTxnIdleSessionExpiresAndRollsBack(t *testing.T) {
	env := stStart(t, emulatortest.WithSessionIdleTimeout(time.Second))
	env.exec(t, "CREATE TABLE I (K NUMBER)")
	gone := env.session(t)
	txExec(t, env, gone, "BEGIN")
	txExec(t, env, gone, "INSERT INTO I VALUES (1)")
	txExec(t, env, gone, "DELETE FROM I WHERE K > 100")

	live := env.session(t)
	txExec(t, env, live, "ALTER SESSION SET LOCK_TIMEOUT = 1")
	// Each try waits at most 1 s for the lock; the idle session is closed after ~1 s of
	// silence (checked every 250 ms). Bounded: 30 tries.
	var err error
	for i := 0; i < 30; i++ {
		if err = txErr(env, live, "DELETE FROM I WHERE K > 100"); err == nil {
			break
		}
		stWantErr(t, err, 625)
	}
	if err != nil {
		t.Fatalf("the idle session's lock was never freed: %v", err)
	}
	if got := txOne(t, env, live, "SELECT COUNT(*) FROM I"); got != "0" {
		t.Fatalf("rows after the idle session expired: %s, want its INSERT rolled back", got)
	}
	// its client finds the session gone (the driver reports 390111)
	stWantErr(t, txErr(env, gone, "SELECT 1"), 390111)
}

// COPY and INSERT into one table from two open transactions do not wait for each other;
// UPDATE and MERGE on one table serialise.
func TestTxnAppendsConcurrentMutationsSerialise(t *testing.T) {
	env := stStart(t)
	env.exec(t, "CREATE STAGE st")
	env.exec(t, "CREATE TABLE T (ID NUMBER)")
	f := filepath.Join(env.dir, "rows.parquet")
	stWriteParquet(t, f, "SELECT i AS id FROM range(1000) t(i)")
	env.put(t, f, "@st", "")
	a, b := env.db, env.session(t)
	txExec(t, env, b, "ALTER SESSION SET LOCK_TIMEOUT = 0")
	txExec(t, env, a, "ALTER SESSION SET LOCK_TIMEOUT = 0")
	txExec(t, env, a, "BEGIN")
	txRows(t, env, a, "COPY INTO T FROM @st FILE_FORMAT=(TYPE=PARQUET) MATCH_BY_COLUMN_NAME=CASE_INSENSITIVE")
	txExec(t, env, b, "BEGIN")
	txExec(t, env, b, "INSERT INTO T VALUES (-1), (-2)")
	txExec(t, env, a, "INSERT INTO T VALUES (-3)")
	txExec(t, env, b, "COMMIT")
	txExec(t, env, a, "COMMIT")
	if got := txOne(t, env, b, "SELECT COUNT(*) || '/' || COUNT(DISTINCT ID) FROM T"); got != "1003/1003" {
		t.Fatalf("rows after concurrent COPY and INSERTs: %s, want 1003/1003", got)
	}

	txExec(t, env, a, "BEGIN")
	txExec(t, env, a, "MERGE INTO T USING (SELECT -1 AS ID) S ON T.ID = S.ID WHEN MATCHED THEN UPDATE SET ID = -10")
	stWantErr(t, txErr(env, b, "UPDATE T SET ID = -20 WHERE ID = -2"), 625)
	stWantErr(t, txErr(env, b, "MERGE INTO T USING (SELECT -2 AS ID) S ON T.ID = S.ID WHEN MATCHED THEN DELETE"), 625)
	txExec(t, env, b, "INSERT INTO T VALUES (-4)") // appends still pass
	txExec(t, env, a, "COMMIT")
	txExec(t, env, b, "UPDATE T SET ID = -20 WHERE ID = -2")
	if got := txOne(t, env, b, "SELECT LISTAGG(ID, ',') WITHIN GROUP (ORDER BY ID) FROM T WHERE ID < 0"); got != "-20,-10,-4,-3" {
		t.Fatalf("negative ids: %s", got)
	}
}

// Several sessions creating the same database, schema, table and view at once all
// succeed (the first-run metadata setup of migrations started together).
func TestTxnConcurrentCreateIfNotExists(t *testing.T) {
	env := stStart(t)
	const n = 5
	dbs := make([]*sql.DB, n)
	for i := range dbs {
		dbs[i] = env.session(t)
	}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for _, db := range dbs {
		wg.Add(1)
		go func(db *sql.DB) {
			defer wg.Done()
			for _, q := range []string{
				"CREATE DATABASE IF NOT EXISTS SNOWCONVERT_AI",
				"CREATE SCHEMA IF NOT EXISTS SNOWCONVERT_AI.DATA_MIGRATION",
				"CREATE TABLE IF NOT EXISTS SNOWCONVERT_AI.DATA_MIGRATION.WORKFLOW (ID VARCHAR)",
				"CREATE OR REPLACE VIEW SNOWCONVERT_AI.DATA_MIGRATION.V AS SELECT ID FROM SNOWCONVERT_AI.DATA_MIGRATION.WORKFLOW",
				"CREATE STAGE IF NOT EXISTS SNOWCONVERT_AI.DATA_MIGRATION.S",
			} {
				if _, err := db.ExecContext(env.ctx, q); err != nil {
					errs <- err
					return
				}
			}
		}(db)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent CREATE … IF NOT EXISTS: %v", err)
	}
}
