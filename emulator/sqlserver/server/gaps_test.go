package server

import (
	"errors"
	"testing"

	mssql "github.com/microsoft/go-mssqldb"
)

// sqlErr runs q on one session and returns the SQL Server error it must fail with.
func sqlErr(t *testing.T, run func() error, q string) mssql.Error {
	t.Helper()
	err := run()
	var e mssql.Error
	if !errors.As(err, &e) {
		t.Fatalf("%s: want an SQL Server error, got %v", q, err)
	}
	return e
}

func wantErr(t *testing.T, e mssql.Error, q string, number int32, state, class uint8, msg string) {
	t.Helper()
	if e.Number != number || e.State != state || e.Class != class || (msg != "" && e.Message != msg) {
		t.Fatalf("%s: got %d state %d class %d %q, want %d state %d class %d %q",
			q, e.Number, e.State, e.Class, e.Message, number, state, class, msg)
	}
}

// COMMIT/ROLLBACK without BEGIN TRANSACTION: Msg 3902/3903, Level 16, State 1; the
// session stays usable and outside any transaction.
func TestCommitRollbackWithoutBegin(t *testing.T) {
	srv := startServer(t, t.TempDir())
	db := open(t, srv, "disable")
	c := connOf(t, db)
	for _, tc := range []struct {
		q      string
		number int32
		msg    string
	}{
		{"COMMIT", 3902, "The COMMIT TRANSACTION request has no corresponding BEGIN TRANSACTION."},
		{"COMMIT TRANSACTION", 3902, "The COMMIT TRANSACTION request has no corresponding BEGIN TRANSACTION."},
		{"ROLLBACK", 3903, "The ROLLBACK TRANSACTION request has no corresponding BEGIN TRANSACTION."},
		{"ROLLBACK TRAN", 3903, "The ROLLBACK TRANSACTION request has no corresponding BEGIN TRANSACTION."},
	} {
		e := sqlErr(t, func() error { _, err := c.ExecContext(ctx(t), tc.q); return err }, tc.q)
		wantErr(t, e, tc.q, tc.number, 1, 16, tc.msg)
		if n := tranCount(t, c); n != 0 {
			t.Fatalf("%s: @@TRANCOUNT = %d", tc.q, n)
		}
	}
	// after a committed transaction a second COMMIT has nothing to commit either
	cexec(t, c, "BEGIN TRAN")
	cexec(t, c, "COMMIT")
	e := sqlErr(t, func() error { _, err := c.ExecContext(ctx(t), "COMMIT"); return err }, "COMMIT")
	wantErr(t, e, "second COMMIT", 3902, 1, 16, "")
	var one int
	if err := c.QueryRowContext(ctx(t), "SELECT 1").Scan(&one); err != nil || one != 1 {
		t.Fatalf("session after 3902: %d %v", one, err)
	}
}
