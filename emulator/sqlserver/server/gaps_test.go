package server

import (
	"database/sql"
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

// Division by zero (integer, decimal, float, %) is Msg 8134, Level 16, State 1; it ends
// the statement, not the batch or the connection.
func TestDivideByZero(t *testing.T) {
	srv := startServer(t, t.TempDir())
	db := open(t, srv, "disable")
	c := connOf(t, db)
	cexec(t, c, "CREATE TABLE dz (a int, b int, d decimal(10,2), f float)")
	cexec(t, c, "INSERT INTO dz VALUES (7, 2, 1.50, 2), (8, 0, 0.00, 0)")
	for _, q := range []string{
		"SELECT 1/0", "SELECT 1 % 0", "SELECT 1.5/0", "SELECT 1.5/0.0", "SELECT CAST(1 AS float)/0",
		"SELECT CAST(1 AS bigint) / CAST(0 AS tinyint)", "SELECT a / b FROM dz", "SELECT a % b FROM dz",
		"SELECT d / d FROM dz", "SELECT f / f FROM dz", "SELECT a / (b - b) FROM dz WHERE b = 2",
		"SELECT SUM(a) / MIN(b) FROM dz", "SELECT a / -b * 2 FROM dz", "SELECT 10 / CASE WHEN a > 7 THEN 0 ELSE 1 END FROM dz",
		"SELECT a FROM dz WHERE a / b > 1", "UPDATE dz SET a = a / b",
	} {
		var err error
		if q[0] == 'U' {
			_, err = c.ExecContext(ctx(t), q)
		} else {
			rows, qerr := c.QueryContext(ctx(t), q)
			err = qerr
			if qerr == nil {
				for rows.Next() {
				}
				err = rows.Err()
				rows.Close()
			}
		}
		e := sqlErr(t, func() error { return err }, q)
		wantErr(t, e, q, 8134, 1, 16, "Divide by zero error encountered.")
	}
	var q1, q2 int
	if err := c.QueryRowContext(ctx(t), "SELECT a / b, a % b FROM dz WHERE b <> 0").Scan(&q1, &q2); err != nil || q1 != 3 || q2 != 1 {
		t.Fatalf("7/2, 7%%2 = %d %d %v", q1, q2, err)
	}
	var n sql.NullInt64
	if err := c.QueryRowContext(ctx(t), "SELECT 1 / NULLIF(b, 0) FROM dz WHERE b = 0").Scan(&n); err != nil || n.Valid {
		t.Fatalf("1/NULL = %v %v", n, err)
	}
	var p sql.NullFloat64
	if err := c.QueryRowContext(ctx(t), "SELECT @p1 / @p2", 1.0, 0.0).Scan(&p); errNumber(err) != 8134 {
		t.Fatalf("parameters 1.0/0.0: %v %v", p, err)
	}
	// the failed UPDATE changed nothing and the batch goes on after the failed statement
	if _, err := c.ExecContext(ctx(t), "SELECT 1/0; INSERT INTO dz VALUES (9, 9, 9, 9)"); errNumber(err) != 8134 {
		t.Fatalf("batch: %v", err)
	}
	var sum int
	if err := c.QueryRowContext(ctx(t), "SELECT SUM(a) FROM dz").Scan(&sum); err != nil || sum != 7+8+9 {
		t.Fatalf("after 8134: SUM(a) = %d %v, want 24", sum, err)
	}
}
