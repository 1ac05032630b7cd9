package engine

import (
	"strings"
	"sync"
	"testing"
)

// Appends (INSERT, COPY) take no table lock: two open transactions insert into one
// table without waiting, and both commit.
func TestTxnAppendsDoNotBlock(t *testing.T) {
	e, s := openTest(t)
	mustExec(t, s, `CREATE TABLE ap (a INT)`)
	other := newSess(t, e)
	mustExec(t, other, `ALTER SESSION SET LOCK_TIMEOUT = 0`)
	mustExec(t, s, `BEGIN`)
	mustExec(t, s, `INSERT INTO ap VALUES (1)`)
	mustExec(t, other, `BEGIN`)
	mustExec(t, other, `INSERT INTO ap VALUES (2)`)
	mustExec(t, other, `INSERT INTO ap VALUES (3)`)
	expectRows(t, s, `SELECT count(*) FROM ap`, "1")
	mustExec(t, other, `COMMIT`)
	mustExec(t, s, `COMMIT`)
	expectRows(t, s, `SELECT a FROM ap ORDER BY a`, "1;2;3")
}

// An UPDATE in a transaction that appended earlier runs on DuckDB's older snapshot. It
// is exact when the rows it selects did not change (proven), and fails with 625 when
// another session committed a row it would select (rather than miss that row).
func TestTxnStaleSnapshotIsProvenOrRefused(t *testing.T) {
	e, s := openTest(t)
	mustExec(t, s, `CREATE TABLE lo (a INT)`)
	mustExec(t, s, `CREATE TABLE meta (k INT, v VARCHAR)`)
	mustExec(t, s, `INSERT INTO meta VALUES (1, 'new')`)
	other := newSess(t, e)
	mustExec(t, s, `BEGIN`)
	mustExec(t, s, `INSERT INTO lo VALUES (1)`) // snapshot taken here
	mustExec(t, other, `INSERT INTO meta VALUES (2, 'new')`)
	mustExec(t, other, `UPDATE meta SET v = 'other' WHERE k = 99`)
	// k = 1 is the same in the snapshot and committed: allowed and exact
	expectRows(t, s, `UPDATE meta SET v = 'mine' WHERE k = 1`, "1,0")
	mustExec(t, s, `COMMIT`)
	expectRows(t, other, `SELECT k, v FROM meta ORDER BY k`, "1,mine;2,new")

	mustExec(t, s, `BEGIN`)
	mustExec(t, s, `INSERT INTO lo VALUES (2)`)
	mustExec(t, other, `INSERT INTO meta VALUES (3, 'new')`)
	// k >= 2 selects row 3 in the committed data but not in the snapshot
	expectErr(t, s, `UPDATE meta SET v = 'mine' WHERE k >= 2`, ErrLockTimeout)
	mustExec(t, s, `ROLLBACK`)
	expectRows(t, other, `SELECT count(*) FROM lo`, "1")
	expectRows(t, other, `SELECT k, v FROM meta ORDER BY k`, "1,mine;2,new;3,new")
	// a row changed by another transaction after the snapshot is never updated from its
	// old version (no lost update): DuckDB's conflict check fails the statement
	mustExec(t, s, `CREATE TABLE cnt (k INT, n INT)`)
	mustExec(t, s, `INSERT INTO cnt VALUES (1, 0)`)
	mustExec(t, s, `BEGIN`)
	mustExec(t, s, `INSERT INTO lo VALUES (9)`)
	mustExec(t, other, `UPDATE cnt SET n = n + 1 WHERE k = 1`)
	expectErr(t, s, `UPDATE cnt SET n = n + 10 WHERE k = 1`, ErrLockTimeout)
	mustExec(t, s, `ROLLBACK`)
	expectRows(t, other, `SELECT n FROM cnt`, "1")
	// MERGE cannot be proven on a stale snapshot: refused
	mustExec(t, s, `BEGIN`)
	mustExec(t, s, `INSERT INTO lo VALUES (3)`)
	mustExec(t, other, `INSERT INTO meta VALUES (4, 'new')`)
	expectErr(t, s, `MERGE INTO meta USING (SELECT 4 AS k) src ON meta.k = src.k WHEN NOT MATCHED THEN INSERT (k, v) VALUES (src.k, 'dup')`, ErrLockTimeout)
	mustExec(t, s, `ROLLBACK`)
	expectRows(t, other, `SELECT count(*) FROM meta WHERE k = 4`, "1")
}

// UPDATE, DELETE and MERGE on one table serialise: the second waits for the first
// transaction's lock (625 after LOCK_TIMEOUT), different tables do not.
func TestTxnMutationsSerialisePerTable(t *testing.T) {
	e, s := openTest(t)
	mustExec(t, s, `CREATE TABLE m1 (a INT)`)
	mustExec(t, s, `CREATE TABLE m2 (a INT)`)
	mustExec(t, s, `INSERT INTO m1 VALUES (1)`)
	mustExec(t, s, `INSERT INTO m2 VALUES (1)`)
	other := newSess(t, e)
	mustExec(t, other, `ALTER SESSION SET LOCK_TIMEOUT = 0`)
	mustExec(t, s, `BEGIN`)
	mustExec(t, s, `MERGE INTO m1 USING (SELECT 1 AS a) src ON m1.a = src.a WHEN MATCHED THEN UPDATE SET a = 5`)
	expectErr(t, other, `UPDATE m1 SET a = 7`, ErrLockTimeout)
	expectErr(t, other, `DELETE FROM m1`, ErrLockTimeout)
	expectErr(t, other, `MERGE INTO m1 USING (SELECT 1 AS a) src ON m1.a = src.a WHEN MATCHED THEN DELETE`, ErrLockTimeout)
	expectErr(t, other, `TRUNCATE TABLE m1`, ErrLockTimeout)
	mustExec(t, other, `UPDATE m2 SET a = 2`) // another table: no wait
	mustExec(t, s, `COMMIT`)
	mustExec(t, other, `UPDATE m1 SET a = a + 1`)
	expectRows(t, s, `SELECT (SELECT a FROM m1), (SELECT a FROM m2)`, "6,2")

	// concurrent read-modify-write from several sessions loses no update
	const writers, each = 4, 10
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := 0; w < writers; w++ {
		ws := newSess(t, e)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				if _, err := exec(ws, `UPDATE m2 SET a = a + 1`, nil); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	expectRows(t, s, `SELECT a FROM m2`, "42")
}

// A transaction left open by a client that went away holds its locks until it is
// aborted: SHOW TRANSACTIONS finds it by name, SYSTEM$ABORT_TRANSACTION rolls it back
// and frees the locks, and its session's next statements fail until ROLLBACK (they
// must not run in autocommit as if the transaction still existed).
func TestTxnAbortTransaction(t *testing.T) {
	e, s := openTest(t)
	mustExec(t, s, `CREATE TABLE ab (a INT)`)
	mustExec(t, s, `INSERT INTO ab VALUES (1)`)
	mustExec(t, s, `BEGIN TRANSACTION NAME load_p7`)
	mustExec(t, s, `INSERT INTO ab VALUES (2)`)
	mustExec(t, s, `UPDATE ab SET a = a * 10`)
	id := cells(mustExec(t, s, `SELECT CURRENT_TRANSACTION()`))
	if id == "NULL" || id == "" {
		t.Fatal("CURRENT_TRANSACTION() is NULL inside BEGIN")
	}
	other := newSess(t, e)
	if got := cells(mustExec(t, other, `SELECT CURRENT_TRANSACTION()`)); got != "NULL" {
		t.Fatalf("CURRENT_TRANSACTION() outside a transaction = %s", got)
	}
	show := cells(mustExec(t, other, `SHOW TRANSACTIONS`))
	if !strings.Contains(show, id+",") || !strings.Contains(show, ",LOAD_P7,") || !strings.Contains(show, "running") {
		t.Fatalf("SHOW TRANSACTIONS = %q, want transaction %s named LOAD_P7", show, id)
	}
	mustExec(t, other, `ALTER SESSION SET LOCK_TIMEOUT = 0`)
	expectErr(t, other, `UPDATE ab SET a = 0`, ErrLockTimeout)
	expectRows(t, other, `SELECT SYSTEM$ABORT_TRANSACTION(`+id+`)`, "Aborted transaction id: "+id)
	expectRows(t, other, `SHOW TRANSACTIONS`, "")
	mustExec(t, other, `UPDATE ab SET a = a + 1`)
	expectRows(t, other, `SELECT a FROM ab`, "2") // the aborted INSERT and UPDATE are gone
	expectErr(t, s, `INSERT INTO ab VALUES (3)`, 604)
	expectErr(t, s, `SELECT 1`, 604)
	mustExec(t, s, `ROLLBACK`)
	mustExec(t, s, `INSERT INTO ab VALUES (3)`)
	expectRows(t, other, `SELECT a FROM ab ORDER BY a`, "2;3")
	// a transaction that is not running is left alone
	expectRows(t, other, `SELECT SYSTEM$ABORT_TRANSACTION(`+id+`)`, "Transaction ["+id+"] is not running.")
}

// SYSTEM$ABORT_SESSION ends the session: its transaction is rolled back, its locks
// freed, and its next statement fails with 390111.
func TestTxnAbortSession(t *testing.T) {
	e, s := openTest(t)
	mustExec(t, s, `CREATE TABLE asn (a INT)`)
	victim := newSess(t, e)
	mustExec(t, victim, `BEGIN`)
	mustExec(t, victim, `DELETE FROM asn`)
	mustExec(t, victim, `INSERT INTO asn VALUES (1)`)
	sid := cells(mustExec(t, victim, `SELECT CURRENT_SESSION()`))
	expectRows(t, s, `SELECT SYSTEM$ABORT_SESSION(`+sid+`)`, "session ["+sid+"] terminated.")
	expectErr(t, victim, `SELECT 1`, 390111)
	mustExec(t, s, `ALTER SESSION SET LOCK_TIMEOUT = 0`)
	mustExec(t, s, `DELETE FROM asn`)
	expectRows(t, s, `SELECT count(*) FROM asn`, "0")
}

// Concurrent CREATE … IF NOT EXISTS of one object all succeed (DDL runs under the
// catalog lock and sees the object a racing session just created).
func TestTxnConcurrentCreateIfNotExists(t *testing.T) {
	e, _ := openTest(t)
	const n = 6
	var wg sync.WaitGroup
	errs := make(chan error, 4*n)
	for i := 0; i < n; i++ {
		ss := newSess(t, e)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, q := range []string{
				`CREATE DATABASE IF NOT EXISTS RACE`,
				`CREATE SCHEMA IF NOT EXISTS RACE.DATA_MIGRATION`,
				`CREATE TABLE IF NOT EXISTS RACE.DATA_MIGRATION.W (a INT)`,
				`CREATE OR REPLACE VIEW RACE.DATA_MIGRATION.V AS SELECT a FROM RACE.DATA_MIGRATION.W`,
			} {
				if _, err := exec(ss, q, nil); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}
