package tests

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/snowflakedb/gosnowflake"

	"github.com/snowmigrate/snowmigrate/emulator/emulatortest"
)

// sqlSetup starts an emulator, creates database SQLDB and returns a connection
// whose session uses SQLDB.PUBLIC.
func sqlSetup(t *testing.T) (*emulatortest.Emulator, *sql.DB) {
	t.Helper()
	emu := emulatortest.Start(t)
	boot := emu.Open(t, "", "")
	sqlExec(t, boot, "CREATE DATABASE IF NOT EXISTS SQLDB")
	db := emu.Open(t, "SQLDB", "PUBLIC")
	return emu, db
}

func sqlCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func sqlExec(t testing.TB, db *sql.DB, q string, args ...any) sql.Result {
	t.Helper()
	r, err := db.ExecContext(sqlCtx(t), q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return r
}

// sqlErrNumber runs q and returns the Snowflake error number it fails with.
func sqlErrNumber(t testing.TB, db *sql.DB, q string, args ...any) int {
	t.Helper()
	rows, err := db.QueryContext(sqlCtx(t), q, args...)
	if err == nil {
		rows.Close()
		t.Fatalf("%s: expected an error", q)
	}
	var se *gosnowflake.SnowflakeError
	if !errors.As(err, &se) {
		t.Fatalf("%s: want *gosnowflake.SnowflakeError, got %T: %v", q, err, err)
	}
	return se.Number
}

func sqlAffected(t testing.TB, db *sql.DB, q string, args ...any) int64 {
	t.Helper()
	n, err := sqlExec(t, db, q, args...).RowsAffected()
	if err != nil {
		t.Fatalf("%s: RowsAffected: %v", q, err)
	}
	return n
}
