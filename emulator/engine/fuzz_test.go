package engine

import (
	"context"
	"errors"
	"testing"
	"time"
)

// FuzzExecute feeds arbitrary text through Execute: it must never panic (the
// recover in Execute would turn a panic into ErrInternal, which the fuzzer treats
// as a failure) and every error must be an *Error.
func FuzzExecute(f *testing.F) {
	seeds := []string{
		`SELECT 1`, `select a, b::number(10,2) x from t where c = ? and d = :2`, `SELECT v:a.b[0]::string FROM t`,
		`CREATE OR REPLACE TABLE "x"."y"."Z" (a INT NOT NULL DEFAULT 1, b VARCHAR(10)) CLUSTER BY (a) COMMENT = 'c'`,
		`MERGE INTO t USING (SELECT 1 id) s ON t.id = s.id WHEN MATCHED THEN DELETE WHEN NOT MATCHED THEN INSERT VALUES (s.id)`,
		`INSERT INTO t (a) VALUES (1), (2)`, `UPDATE t SET a = a / 0`, `DELETE FROM t USING u WHERE t.a = u.a`,
		`WITH c AS (SELECT 1) SELECT * FROM c`, `SELECT $$x$$, 'a''b', "q""q"`, `SHOW TABLES LIKE '%' IN ACCOUNT`,
		`DESCRIBE TABLE t`, `ALTER TABLE t SWAP WITH u`, `SELECT * FROM information_schema.columns`, `BEGIN`, `COMMIT`,
		`SELECT LISTAGG(a, ',') WITHIN GROUP (ORDER BY a) FROM t`, `SELECT CAST(`, `SELECT ((((`, `SELECT '`, `"`,
		`SELECT 1 FROM t QUALIFY ROW_NUMBER() OVER (PARTITION BY a ORDER BY b) = 1`, `USE SCHEMA a.b`, `/* c */ -- x`,
		`SELECT IFF(a, b, c), NVL(a, b), HASH_AGG(*) FROM t`, `SELECT :`, `SELECT a:`, `SELECT t.*, * EXCLUDE (a) FROM t`,
		`CREATE ICEBERG TABLE i (a INT) EXTERNAL_VOLUME = 'v'`, `SELECT DATEADD(day, 1, current_date)`, `SELECT 1::`,
	}
	for _, s := range seeds {
		f.Add(s)
	}
	e, err := Open(Options{DataDir: f.TempDir()})
	if err != nil {
		f.Fatal(err)
	}
	defer e.Close()
	boot, err := e.NewSession(context.Background(), "", "")
	if err != nil {
		f.Fatal(err)
	}
	if _, err := boot.Execute(context.Background(), `CREATE DATABASE FZ`, nil, false); err != nil {
		f.Fatal(err)
	}
	if _, err := boot.Execute(context.Background(), `CREATE TABLE FZ.PUBLIC.T (a INT, b VARCHAR, c BOOLEAN, d INT, id INT, v VARIANT)`, nil, false); err != nil {
		f.Fatal(err)
	}
	boot.Close()
	f.Fuzz(func(t *testing.T, q string) {
		s, err := e.NewSession(context.Background(), "FZ", "PUBLIC")
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		binds := map[string]Bind{"1": {Type: "FIXED", Value: "1"}, "2": {Type: "TEXT", Value: "x"}}
		_, err = s.Execute(ctx, q, binds, false)
		if err == nil {
			return
		}
		var se *Error
		if !errors.As(err, &se) {
			t.Fatalf("%q: error is %T, not *Error: %v", q, err, err)
		}
		if se.Number == ErrInternal && containsPanic(se.Message) {
			t.Fatalf("%q: panic: %s", q, se.Message)
		}
	})
}

func containsPanic(msg string) bool {
	return len(msg) > 0 && (contains(msg, "runtime error") || contains(msg, "goroutine") || contains(msg, "panic"))
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
