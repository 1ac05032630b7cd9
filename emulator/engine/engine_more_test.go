package engine

import (
	"context"
	"sync"
	"testing"
)

func TestCaseRules(t *testing.T) {
	_, s := openTest(t)
	mustExec(t, s, `CREATE TABLE "MixedCase" ("a" INT, "A" INT, b INT)`)
	mustExec(t, s, `CREATE TABLE MIXEDCASE (x INT)`)
	mustExec(t, s, `INSERT INTO "MixedCase" VALUES (1, 2, 3)`)
	mustExec(t, s, `INSERT INTO mixedcase VALUES (9)`)
	r := expectRows(t, s, `SELECT "a", "A", a, B, b AS lower_alias, b AS "quoted" FROM "MixedCase"`, `1,2,2,3,3,3`)
	names := []string{"a", "A", "A", "B", "LOWER_ALIAS", "quoted"}
	for k, c := range r.Columns {
		if c.Name != names[k] {
			t.Fatalf("column %d name %q want %q", k, c.Name, names[k])
		}
	}
	expectRows(t, s, `SELECT * FROM MixedCase`, `9`)
	expectErr(t, s, `SELECT * FROM "mixedcase"`, ErrObjectNotExists)
	r = expectRows(t, s, `SELECT count(*), 1+2 FROM "MixedCase"`, `1,3`)
	if r.Columns[0].Name != "COUNT(*)" || r.Columns[1].Name != "1+2" {
		t.Fatalf("expression names %q %q", r.Columns[0].Name, r.Columns[1].Name)
	}
	expectRows(t, s, `SELECT table_name FROM information_schema.tables WHERE table_schema = 'PUBLIC' ORDER BY 1`, `MIXEDCASE;MixedCase`)
	expectRows(t, s, `SELECT column_name, data_type, ordinal_position FROM testdb.information_schema.columns WHERE table_name = 'MixedCase' ORDER BY ordinal_position`, `a,NUMBER,1;A,NUMBER,2;B,NUMBER,3`)
}

func TestDatabasesSchemas(t *testing.T) {
	e, s := openTest(t)
	mustExec(t, s, `CREATE DATABASE db2`)
	expectRows(t, s, `SELECT current_database(), current_schema()`, `DB2,PUBLIC`)
	mustExec(t, s, `CREATE SCHEMA sch`)
	expectRows(t, s, `SELECT current_database(), current_schema()`, `DB2,SCH`)
	mustExec(t, s, `CREATE TABLE t (a INT)`)
	mustExec(t, s, `USE DATABASE testdb`)
	mustExec(t, s, `INSERT INTO db2.sch.t VALUES (5)`)
	expectRows(t, s, `SELECT a FROM db2.sch.t`, `5`)
	mustExec(t, s, `USE SCHEMA db2.sch`)
	expectRows(t, s, `SELECT t.a FROM t`, `5`)
	mustExec(t, s, `USE testdb.public`)
	expectRows(t, s, `SELECT current_database(), current_schema()`, `TESTDB,PUBLIC`)
	expectErr(t, s, `CREATE DATABASE db2`, ErrAlreadyExists)
	mustExec(t, s, `CREATE DATABASE IF NOT EXISTS db2`)
	expectRows(t, s, `SHOW DATABASES LIKE 'db%'`, cells(mustExec(t, s, `SHOW DATABASES LIKE 'DB2'`)))
	r := mustExec(t, s, `SHOW SCHEMAS IN DATABASE db2`)
	if len(r.Rows) != 3 { // PUBLIC, SCH, INFORMATION_SCHEMA
		t.Fatalf("schemas: %s", cells(r))
	}
	mustExec(t, s, `DROP DATABASE db2`)
	expectErr(t, s, `SELECT * FROM db2.sch.t`, ErrObjectNotExists)
	mustExec(t, s, `DROP DATABASE IF EXISTS db2`)
	// a new session with a missing database reads NULL
	s2, err := e.NewSession(context.Background(), "NOPE", "")
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	expectRows(t, s2, `SELECT current_database()`, `NULL`)
}

func TestPersistence(t *testing.T) {
	dir := t.TempDir()
	e, err := Open(Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := e.NewSession(context.Background(), "", "")
	mustExec(t, s, `CREATE DATABASE p`)
	mustExec(t, s, `CREATE SCHEMA p.s1`)
	mustExec(t, s, `CREATE TABLE p.s1."Tab" (v VARCHAR(5), ts TIMESTAMP_TZ)`)
	mustExec(t, s, `INSERT INTO p.s1."Tab" VALUES ('x', '2020-01-01 00:00:00+02:00')`)
	mustExec(t, s, `CREATE VIEW p.s1.vw AS SELECT v FROM p.s1."Tab"`)
	s.Close()
	e.Close()
	e, err = Open(Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	s, _ = e.NewSession(context.Background(), "P", "S1")
	defer s.Close()
	r := expectRows(t, s, `SELECT v, ts FROM "Tab"`, `x,1577829600.000000000 1560`)
	if r.Columns[0].Length != 5 || r.Columns[1].Type != "timestamp_tz" {
		t.Fatalf("types after restart: %+v", r.Columns)
	}
	expectRows(t, s, `SELECT * FROM vw`, `x`)
	expectRows(t, s, `SHOW VIEWS`, cells(mustExec(t, s, `SHOW VIEWS IN SCHEMA p.s1`)))
}

func TestTransactions(t *testing.T) {
	e, s := openTest(t)
	mustExec(t, s, `CREATE TABLE tx (a INT)`)
	mustExec(t, s, `BEGIN`)
	mustExec(t, s, `INSERT INTO tx VALUES (1)`)
	expectRows(t, s, `SELECT count(*) FROM tx`, `1`)
	other := newSess(t, e)
	expectRows(t, other, `SELECT count(*) FROM tx`, `0`) // not committed yet; reads don't block
	mustExec(t, s, `ROLLBACK`)
	expectRows(t, s, `SELECT count(*) FROM tx`, `0`)
	// DDL commits an open transaction
	mustExec(t, s, `BEGIN TRANSACTION`)
	mustExec(t, s, `INSERT INTO tx VALUES (2)`)
	mustExec(t, s, `CREATE TABLE tx2 (b INT)`)
	mustExec(t, s, `ROLLBACK`)
	expectRows(t, other, `SELECT count(*) FROM tx`, `1`)
	// commit
	mustExec(t, s, `START TRANSACTION`)
	mustExec(t, s, `DELETE FROM tx`)
	mustExec(t, s, `INSERT INTO tx VALUES (3)`)
	mustExec(t, s, `COMMIT`)
	expectRows(t, other, `SELECT a FROM tx`, `3`)
	// a failing autocommit statement leaves nothing behind
	expectErr(t, s, `INSERT INTO tx VALUES (4), ('x')`, ErrNumericConv)
	expectRows(t, other, `SELECT a FROM tx`, `3`)
}

func TestConcurrentWriters(t *testing.T) {
	e, s := openTest(t)
	mustExec(t, s, `CREATE TABLE c (w INT, i INT)`)
	const writers, per = 4, 25
	var wg sync.WaitGroup
	errs := make(chan error, writers*per)
	for w := 0; w < writers; w++ {
		ss := newSess(t, e)
		wg.Add(1)
		go func(w int, ss *Session) {
			defer wg.Done()
			for i := 0; i < per; i++ {
				var err error
				if i%5 == 0 {
					_, err = exec(ss, "BEGIN", nil)
					if err == nil {
						_, err = exec(ss, "UPDATE c SET i = i + 0 WHERE w = 0", nil)
					}
					if err == nil {
						_, err = exec(ss, "INSERT INTO c VALUES (?, ?)", map[string]Bind{"1": {Type: "FIXED", Value: itoaT(w)}, "2": {Type: "FIXED", Value: itoaT(i)}})
					}
					if err == nil {
						_, err = exec(ss, "COMMIT", nil)
					}
				} else {
					_, err = exec(ss, "INSERT INTO c VALUES (?, ?)", map[string]Bind{"1": {Type: "FIXED", Value: itoaT(w)}, "2": {Type: "FIXED", Value: itoaT(i)}})
					if err == nil {
						_, err = exec(ss, "UPDATE c SET i = i WHERE w = ?", map[string]Bind{"1": {Type: "FIXED", Value: itoaT(w)}})
					}
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}(w, ss)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	expectRows(t, s, `SELECT count(*), count(DISTINCT w * 1000 + i) FROM c`, "100,100")
}

func itoaT(n int) string { return intToStr(n) }

func TestLockTimeout(t *testing.T) {
	e, s := openTest(t)
	mustExec(t, s, `CREATE TABLE lt (a INT)`)
	mustExec(t, s, `INSERT INTO lt VALUES (0)`)
	mustExec(t, s, `BEGIN`)
	mustExec(t, s, `UPDATE lt SET a = a + 1`)
	other := newSess(t, e)
	mustExec(t, other, `ALTER SESSION SET LOCK_TIMEOUT = 1`)
	// INSERT takes no lock; UPDATE waits for the open transaction's table lock.
	mustExec(t, other, `INSERT INTO lt VALUES (10)`)
	expectErr(t, other, `UPDATE lt SET a = a + 100`, ErrLockTimeout)
	mustExec(t, s, `COMMIT`)
	mustExec(t, other, `UPDATE lt SET a = a + 100`)
	expectRows(t, other, `SELECT a FROM lt ORDER BY a`, "101;110")
}

func intToStr(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}
