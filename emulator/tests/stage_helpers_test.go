package tests

import (
	"context"
	"crypto/md5"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/marcboeker/go-duckdb" // writes the Parquet test files
	"github.com/snowflakedb/gosnowflake"

	"github.com/snowmigrate/snowmigrate/emulator/emulatortest"
)

// Helpers of the stage/COPY tests (prefix st). Every statement goes through the real
// gosnowflake driver against the in-process emulator.

// stEnv is an emulator with database STG (schema PUBLIC) and a one-connection pool,
// so that session state (transactions) is deterministic.
type stEnv struct {
	emu *emulatortest.Emulator
	db  *sql.DB
	ctx context.Context
	dir string // scratch directory for local files to PUT
}

func stStart(t testing.TB, opts ...emulatortest.Option) *stEnv {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	emu := emulatortest.Start(t, opts...)
	admin := emu.Open(t, "", "")
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE STG"); err != nil {
		t.Fatalf("CREATE DATABASE: %v", err)
	}
	env := &stEnv{emu: emu, ctx: ctx, dir: t.TempDir()}
	env.reopen(t)
	return env
}

// reopen connects again (after Restart).
func (e *stEnv) reopen(t testing.TB) {
	t.Helper()
	e.db = e.emu.Open(t, "STG", "PUBLIC")
	e.db.SetMaxOpenConns(1)
}

func (e *stEnv) exec(t testing.TB, q string) {
	t.Helper()
	if _, err := e.db.ExecContext(e.ctx, q); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// query returns all rows as strings ("<NULL>" for NULL) with the column names.
func (e *stEnv) query(t testing.TB, q string) ([]string, [][]string) {
	t.Helper()
	cols, rows, err := stQueryErr(e.ctx, e.db, q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return cols, rows
}

type stQuerier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

func stQueryErr(ctx context.Context, db stQuerier, q string) ([]string, [][]string, error) {
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, nil, err
	}
	var out [][]string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, nil, err
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			row[i] = "<NULL>"
			if v.Valid {
				row[i] = v.String
			}
		}
		out = append(out, row)
	}
	return cols, out, rows.Err()
}

// one returns the single value of a one-row, one-column query.
func (e *stEnv) one(t testing.TB, q string) string {
	t.Helper()
	_, rows := e.query(t, q)
	if len(rows) != 1 || len(rows[0]) != 1 {
		t.Fatalf("%s: want one value, got %v", q, rows)
	}
	return rows[0][0]
}

// copyRows runs a COPY and returns its result rows keyed by column name.
func (e *stEnv) copyRows(t testing.TB, q string) []map[string]string {
	t.Helper()
	cols, rows := e.query(t, q)
	var out []map[string]string
	for _, r := range rows {
		m := map[string]string{}
		for i, c := range cols {
			m[c] = r[i]
		}
		out = append(out, m)
	}
	return out
}

// sfErr asserts err is a Snowflake error with the given number.
func stWantErr(t testing.TB, err error, number int, contains ...string) *gosnowflake.SnowflakeError {
	t.Helper()
	if err == nil {
		t.Fatalf("want error %d, got success", number)
	}
	var se *gosnowflake.SnowflakeError
	if !errors.As(err, &se) {
		t.Fatalf("want a *gosnowflake.SnowflakeError %d, got %T: %v", number, err, err)
	}
	if se.Number != number {
		t.Fatalf("want error number %d, got %d: %s", number, se.Number, se.Message)
	}
	for _, c := range contains {
		if !strings.Contains(se.Message, c) {
			t.Fatalf("error %d message %q does not contain %q", number, se.Message, c)
		}
	}
	return se
}

func (e *stEnv) execErr(q string) error {
	_, err := e.db.ExecContext(e.ctx, q)
	return err
}

func (e *stEnv) queryErr(q string) error {
	_, _, err := stQueryErr(e.ctx, e.db, q)
	return err
}

// duck is a separate in-memory DuckDB used to write Parquet/CSV test files.
var stDuck = func() func(t testing.TB) *sql.DB {
	return func(t testing.TB) *sql.DB {
		t.Helper()
		db, err := sql.Open("duckdb", "")
		if err != nil {
			t.Fatalf("open duckdb: %v", err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
}()

// writeParquet writes the result of a DuckDB SELECT to path as Parquet.
func stWriteParquet(t testing.TB, path, selectSQL string) {
	t.Helper()
	db := stDuck(t)
	q := fmt.Sprintf("COPY (%s) TO '%s' (FORMAT parquet)", selectSQL, strings.ReplaceAll(path, "'", "''"))
	if _, err := db.Exec(q); err != nil {
		t.Fatalf("write parquet %s: %v", path, err)
	}
}

func stWriteFile(t testing.TB, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func stMD5(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := md5.Sum(b)
	return hex.EncodeToString(s[:])
}

func stSize(t testing.TB, path string) string {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(fi.Size())
}

// put uploads a local file (or glob) with the driver.
func (e *stEnv) put(t testing.TB, local, stage string, opts string) {
	t.Helper()
	e.exec(t, fmt.Sprintf("PUT 'file://%s' %s %s", local, stage, opts))
}

// list returns name -> [size, md5] of LIST.
func (e *stEnv) list(t testing.TB, q string) map[string][2]string {
	t.Helper()
	cols, rows := e.query(t, q)
	if strings.Join(cols, ",") != "name,size,md5,last_modified" {
		t.Fatalf("LIST columns: %v", cols)
	}
	out := map[string][2]string{}
	for _, r := range rows {
		if _, err := time.Parse(time.RFC1123, r[3]); err != nil || !strings.HasSuffix(r[3], " GMT") {
			t.Fatalf("last_modified %q is not like 'Tue, 12 Nov 2024 10:00:00 GMT': %v", r[3], err)
		}
		out[r[0]] = [2]string{r[1], r[2]}
	}
	return out
}
