package tests

import (
	"path/filepath"
	"testing"
)

// COPY is part of the surrounding transaction: a ROLLBACK removes the rows and the
// load history entries, a COMMIT keeps COPY and the metadata row together, and a
// failed COPY leaves the transaction usable (as in Snowflake).
func TestCopyInTransaction(t *testing.T) {
	env := stStart(t)
	env.exec(t, "CREATE STAGE st")
	env.exec(t, "CREATE TABLE T (ID NUMBER, S VARCHAR)")
	env.exec(t, "CREATE TABLE META (BATCH VARCHAR, N NUMBER)")
	f := filepath.Join(env.dir, "batch.parquet")
	stWriteParquet(t, f, "SELECT i AS id, 'b' AS s FROM range(6) t(i)")
	env.put(t, f, "@st/ok/", "")
	bad := filepath.Join(env.dir, "bad.csv")
	stWriteFile(t, bad, "x,y\n")
	env.put(t, bad, "@st/bad/", "")
	copyQ := "COPY INTO T FROM @st/ok/ FILE_FORMAT=(TYPE=PARQUET) MATCH_BY_COLUMN_NAME=CASE_INSENSITIVE"

	tx, err := env.db.BeginTx(env.ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, rows, err := stQueryErr(env.ctx, tx, copyQ)
	if err != nil || len(rows) != 1 {
		t.Fatalf("COPY in transaction: %v %v", rows, err)
	}
	if _, rows, _ := stQueryErr(env.ctx, tx, "SELECT COUNT(*) FROM T"); rows[0][0] != "6" {
		t.Fatalf("transaction does not see its own COPY: %v", rows)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if n := env.one(t, "SELECT COUNT(*) FROM T"); n != "0" {
		t.Fatalf("rolled-back COPY left %s rows", n)
	}

	// The history was rolled back too: the file loads again, atomically with META.
	tx, err = env.db.BeginTx(env.ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, rows, err = stQueryErr(env.ctx, tx, copyQ)
	if err != nil || len(rows) != 1 || rows[0][3] != "6" {
		t.Fatalf("COPY after rollback: %v %v", rows, err)
	}
	if _, err := tx.ExecContext(env.ctx, "INSERT INTO META VALUES ('batch', 6)"); err != nil {
		t.Fatal(err)
	}
	// A failing COPY inside the transaction is an error, not the end of the transaction.
	stWantErr(t, func() error {
		_, _, err := stQueryErr(env.ctx, tx, "COPY INTO T FROM @st/bad/ FILE_FORMAT=(TYPE=CSV)")
		return err
	}(), 100038)
	if _, err := tx.ExecContext(env.ctx, "INSERT INTO META VALUES ('after-error', 0)"); err != nil {
		t.Fatalf("transaction unusable after a failed COPY: %v", err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if n := env.one(t, "SELECT COUNT(*) FROM T"); n != "6" {
		t.Fatalf("committed COPY: %s rows", n)
	}
	if n := env.one(t, "SELECT COUNT(*) FROM META"); n != "2" {
		t.Fatalf("META rows: %s", n)
	}
	if rows := env.copyRows(t, copyQ); rows[0]["status"] != "Copy executed with 0 files processed." {
		t.Fatalf("committed load not in history: %v", rows)
	}
}

// Two sessions copying the same file at once load it once: the second sees the
// first one's load history after waiting for its write lock.
func TestCopyConcurrentSessionsLoadOnce(t *testing.T) {
	env := stStart(t)
	env.exec(t, "CREATE STAGE st")
	env.exec(t, "CREATE TABLE T (ID NUMBER)")
	f := filepath.Join(env.dir, "once.parquet")
	stWriteParquet(t, f, "SELECT i AS id FROM range(50000) t(i)")
	env.put(t, f, "@st", "")
	other := env.emu.Open(t, "STG", "PUBLIC")
	q := "COPY INTO T FROM @st FILE_FORMAT=(TYPE=PARQUET) MATCH_BY_COLUMN_NAME=CASE_INSENSITIVE"
	errs := make(chan error, 2)
	for _, db := range []stQuerier{env.db, other} {
		go func(db stQuerier) {
			_, _, err := stQueryErr(env.ctx, db, q)
			errs <- err
		}(db)
	}
	for i := 0; i < 2; i++ {
		if err := <-errs; err != nil {
			t.Fatalf("concurrent COPY: %v", err)
		}
	}
	if n := env.one(t, "SELECT COUNT(*) FROM T"); n != "50000" {
		t.Fatalf("rows after two concurrent COPYs of one file: %s", n)
	}
}
