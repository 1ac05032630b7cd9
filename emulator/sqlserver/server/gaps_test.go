package server

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

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

// AVG of an integer type is that integer type (int for tinyint/smallint/int, bigint for
// bigint), the sum divided by the count and truncated toward zero; AVG of decimal(p, s)
// is decimal(38, max(s, 6)); decimal division has SQL Server's precision and scale and
// truncates.
func TestAvgAndDecimalDivisionTypes(t *testing.T) {
	srv := startServer(t, t.TempDir())
	db := open(t, srv, "disable")
	c := connOf(t, db)
	cexec(t, c, "CREATE TABLE av (g int, ti tinyint, si smallint, i int, bi bigint, d decimal(10,2), d38 decimal(38,10))")
	cexec(t, c, `INSERT INTO av VALUES (1, 1, 1, 1, 1, 1.00, 1.67574), (1, 2, 2, 2, 2, 2.00, 10000),
		(1, 2, 2, 2, 2, 2.00, 3), (2, 7, -7, -7, -7, -7.01, 0), (2, 0, 0, 0, 0, 0, 0)`)
	type col struct {
		typ         string
		prec, scale int64
		want        string
	}
	var args []any
	check := func(q string, want ...col) {
		t.Helper()
		rows, err := c.QueryContext(ctx(t), q, args...)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		defer rows.Close()
		cts, _ := rows.ColumnTypes()
		if len(cts) != len(want) {
			t.Fatalf("%s: %d columns", q, len(cts))
		}
		if !rows.Next() {
			t.Fatalf("%s: no row %v", q, rows.Err())
		}
		vals := make([]sql.NullString, len(cts))
		ptrs := make([]any, len(cts))
		for k := range vals {
			ptrs[k] = &vals[k]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for k, w := range want {
			p, s, _ := cts[k].DecimalSize()
			if cts[k].DatabaseTypeName() != w.typ || p != w.prec || s != w.scale || vals[k].String != w.want {
				t.Errorf("%s column %d: %s(%d,%d) %q, want %s(%d,%d) %q", q, k+1, cts[k].DatabaseTypeName(), p, s, vals[k].String, w.typ, w.prec, w.scale, w.want)
			}
		}
	}
	// group 1: 1, 2, 2 → 5/3 = 1 (truncated); group 2: -7, 0 → -3 (toward zero)
	check("SELECT AVG(ti), AVG(si), AVG(i), AVG(bi), AVG(d) FROM av WHERE g = 1",
		col{"INT", 0, 0, "1"}, col{"INT", 0, 0, "1"}, col{"INT", 0, 0, "1"}, col{"BIGINT", 0, 0, "1"},
		col{"DECIMAL", 38, 6, "1.666666"})
	check("SELECT AVG(si), AVG(i), AVG(bi), AVG(d), AVG(DISTINCT i) FROM av WHERE g = 2",
		col{"INT", 0, 0, "-3"}, col{"INT", 0, 0, "-3"}, col{"BIGINT", 0, 0, "-3"}, col{"DECIMAL", 38, 6, "-3.505000"},
		col{"INT", 0, 0, "-3"})
	check("SELECT AVG(i) OVER (PARTITION BY g) FROM av WHERE g = 1", col{"INT", 0, 0, "1"})
	// decimal(10,2) / decimal(10,2): scale max(6, 2+10+1) = 13, precision 10-2+2+13 = 23
	check("SELECT d / d FROM av WHERE i = 1", col{"DECIMAL", 23, 13, "1.0000000000000"})
	// decimal(38,10) / decimal(38,10): precision 87 → 38, integral part 38 ≥ 32 → scale 6, truncated
	check("SELECT CAST(1.67574 AS decimal(38,10)) / CAST(10000 AS decimal(38,10))", col{"DECIMAL", 38, 6, "0.000167"})
	// constants take the smallest precision: 1.0 is numeric(2,1), 3 numeric(1,0) → (7,6)
	check("SELECT 1.0 / 3, 2.0 / 3, -2.0 / 3", col{"DECIMAL", 7, 6, "0.333333"}, col{"DECIMAL", 7, 6, "0.666666"}, col{"DECIMAL", 7, 6, "-0.666666"})
	// int column / decimal: int is decimal(10,0); scale max(6, 0+4+1) = 6, precision 10+2+6 = 18
	check("SELECT i / 2.50 FROM av WHERE g = 1 AND d = 1", col{"DECIMAL", 18, 6, "0.400000"})
	// parameters: decimal(5,2) / bigint (go-mssqldb sends int64 as bigint: decimal(19,0)):
	// scale max(6, 2+19+1) = 22, precision 5-2+0+22 = 25
	args = []any{int64(3)}
	check("SELECT CAST(1 AS decimal(5,2)) / @p1", col{"DECIMAL", 25, 22, "0.3333333333333333333333"})
	args = nil
	// in a join: columns of either table are typed too (3 rows: a.i 1, 2, 2 with b.i 1)
	check("SELECT AVG(a.i), SUM(a.i) / COUNT(*), MAX(b.i) / 2, MIN(a.d / b.bi) FROM av a JOIN av b ON a.g = b.g WHERE a.g = 1 AND b.ti = 1",
		col{"INT", 0, 0, "1"}, col{"INT", 0, 0, "1"}, col{"INT", 0, 0, "0"}, col{"DECIMAL", 30, 22, "1.0000000000000000000000"})
	// SUM: int for tinyint/smallint/int, bigint for bigint, decimal(38, s) for decimal(p, s)
	check("SELECT SUM(ti), SUM(si), SUM(i), SUM(bi), SUM(d) FROM av WHERE g = 1",
		col{"INT", 0, 0, "5"}, col{"INT", 0, 0, "5"}, col{"INT", 0, 0, "5"}, col{"BIGINT", 0, 0, "5"},
		col{"DECIMAL", 38, 2, "5.00"})
	check("SELECT SUM(i) OVER (PARTITION BY g) FROM av WHERE g = 1 AND ti = 1", col{"INT", 0, 0, "1"})
	// integer division stays integer
	check("SELECT 7 / 2, i / 2 FROM av WHERE g = 1 AND d = 2 AND ti = 2 AND si = 2 AND bi = 2 AND d38 = 3",
		col{"INT", 0, 0, "3"}, col{"INT", 0, 0, "1"})
	// SQL Server sums an int AVG in int: beyond its range it is error 8115
	cexec(t, c, "INSERT INTO av (g, i) VALUES (3, 2147483647), (3, 1)")
	if _, err := c.ExecContext(ctx(t), "SELECT AVG(i) FROM av WHERE g = 3"); errNumber(err) != 8115 {
		t.Fatalf("AVG(int) beyond int: %v", err)
	}
	if _, err := c.ExecContext(ctx(t), "SELECT SUM(i) FROM av WHERE g = 3"); errNumber(err) != 8115 {
		t.Fatalf("SUM(int) beyond int: %v", err)
	}
	// a quotient beyond the result's precision: 10^37 / 0.1 in decimal(38,6) (integral
	// part 39 digits > 32: scale 6, 32 integral digits)
	e := sqlErr(t, func() error {
		_, err := c.ExecContext(ctx(t), "SELECT CAST(10000000000000000000000000000000000000 AS decimal(38,0)) / CAST(0.1 AS decimal(38,37))")
		return err
	}, "overflowing decimal division")
	wantErr(t, e, "overflowing decimal division", 8115, 2, 16, "Arithmetic overflow error converting expression to data type numeric.")
	if _, err := c.ExecContext(ctx(t), "SELECT d / (d - d) FROM av"); errNumber(err) != 8134 {
		t.Fatalf("decimal / 0: %v", err)
	}
}

// datetimeoffset values compare and order by their UTC instant, whatever their offsets.
func TestDatetimeoffsetByInstant(t *testing.T) {
	srv := startServer(t, t.TempDir())
	db := open(t, srv, "disable")
	c := connOf(t, db)
	cexec(t, c, "CREATE TABLE dto (id int, d datetimeoffset(7))")
	cexec(t, c, `INSERT INTO dto VALUES (1, '2020-01-01 10:00:00 +05:00'), (2, '2020-01-01 06:00:00 +00:00'),
		(3, '2020-01-01 01:00:00 -03:00'), (4, '2020-01-01 05:00:00.0000001 +00:00'), (5, NULL),
		(6, '2019-12-31 23:30:00 -14:00'), (7, '2020-01-01 13:59:00 +14:00')`)
	ids := func(q string, args ...any) string {
		t.Helper()
		rows, err := c.QueryContext(ctx(t), q, args...)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		defer rows.Close()
		out := ""
		for rows.Next() {
			var id int
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			out += strconv.Itoa(id) + " "
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	// UTC: 1 05:00, 2 06:00, 3 04:00, 4 05:00:00.0000001, 6 2020-01-01 13:30, 7 2019-12-31 23:59
	for _, tc := range []struct {
		q    string
		args []any
		want string
	}{
		{"SELECT id FROM dto ORDER BY d, id", nil, "5 7 3 1 4 2 6 "},
		{"SELECT id FROM dto ORDER BY d DESC", nil, "6 2 4 1 3 7 5 "},
		{"SELECT id FROM dto t ORDER BY t.d", nil, "5 7 3 1 4 2 6 "},
		{"SELECT id FROM dto WHERE d = '2020-01-01 05:00:00 +00:00'", nil, "1 "},
		{"SELECT id FROM dto WHERE '2020-01-01 07:00:00 +02:00' = d", nil, "1 "},
		{"SELECT id FROM dto WHERE d > '2020-01-01 04:30:00 +00:00' ORDER BY d", nil, "1 4 2 6 "},
		{"SELECT id FROM dto WHERE d BETWEEN '2020-01-01 09:30 +05:00' AND '2020-01-01 05:00:00 +00:00'", nil, "1 "},
		{"SELECT id FROM dto WHERE d = @p1", []any{time.Date(2020, 1, 1, 7, 0, 0, 0, time.FixedZone("", 2*3600))}, "1 "},
		{"SELECT id FROM dto WHERE d < @p1 ORDER BY d", []any{time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)}, "7 "},
	} {
		if got := ids(tc.q, tc.args...); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.q, got, tc.want)
		}
	}
	// GROUP BY and DISTINCT: one instant at two offsets is one value
	cexec(t, c, "INSERT INTO dto VALUES (8, '2020-01-01 05:00:00 +00:00')")
	if got := ids("SELECT COUNT(*) FROM dto WHERE d IS NOT NULL GROUP BY d ORDER BY d"); got != "1 1 2 1 1 1 " {
		t.Errorf("GROUP BY d: %q", got)
	}
	if got := ids("SELECT COUNT(*) FROM dto t GROUP BY t.d HAVING t.d = '2020-01-01 06:00 +01:00'"); got != "2 " {
		t.Errorf("GROUP BY … HAVING: %q", got)
	}
	if got := ids("SELECT id FROM dto WHERE d IN ('2020-01-01 07:00 +02:00', @p1) ORDER BY id", time.Date(2020, 1, 1, 7, 0, 0, 0, time.FixedZone("", 3600))); got != "1 2 8 " {
		t.Errorf("IN by instant: %q", got)
	}
	if got := ids("SELECT COUNT(*) FROM dto WHERE d NOT IN ('2020-01-01 00:00 -05:00')"); got != "5 " { // 7 non-NULL rows, 1 and 8 are 05:00Z
		t.Errorf("NOT IN by instant: %q", got)
	}
	rows, err := c.QueryContext(ctx(t), "SELECT DISTINCT d FROM dto WHERE d IS NOT NULL ORDER BY d")
	if err != nil {
		t.Fatal(err)
	}
	var distinct []time.Time
	for rows.Next() {
		var d time.Time
		if err := rows.Scan(&d); err != nil {
			t.Fatal(err)
		}
		distinct = append(distinct, d)
	}
	rows.Close()
	if len(distinct) != 6 || !distinct[2].Equal(time.Date(2020, 1, 1, 5, 0, 0, 0, time.UTC)) {
		t.Errorf("DISTINCT d: %v", distinct)
	}
	// MIN/MAX give the value at the earliest/latest instant, with its own offset
	var lo, hi time.Time
	if err := c.QueryRowContext(ctx(t), "SELECT MIN(d), MAX(d) FROM dto").Scan(&lo, &hi); err != nil {
		t.Fatal(err)
	}
	if _, off := lo.Zone(); !lo.Equal(time.Date(2019, 12, 31, 23, 59, 0, 0, time.UTC)) || off != 14*3600 {
		t.Errorf("MIN(d) = %v", lo)
	}
	if _, off := hi.Zone(); !hi.Equal(time.Date(2020, 1, 1, 13, 30, 0, 0, time.UTC)) || off != -14*3600 {
		t.Errorf("MAX(d) = %v", hi)
	}
}

// Trailing spaces (and case, under the default _CI_ collation) are ignored in joins,
// GROUP BY and DISTINCT over character columns, as SQL Server's padded comparisons do.
func TestPaddingInJoinsGroupByDistinct(t *testing.T) {
	srv := startServer(t, t.TempDir())
	db := open(t, srv, "disable")
	c := connOf(t, db)
	cexec(t, c, "CREATE TABLE p (k varchar(10), v int)")
	cexec(t, c, "CREATE TABLE q (k nvarchar(10), w int)")
	cexec(t, c, "CREATE TABLE r (k varchar(10) COLLATE Latin1_General_CS_AS, v int)")
	cexec(t, c, "INSERT INTO p VALUES ('a', 1), ('A  ', 2), ('b ', 3)")
	cexec(t, c, "INSERT INTO q VALUES (N'a ', 10), (N'B', 20)")
	cexec(t, c, "INSERT INTO r VALUES ('a', 1), ('A', 2), ('a  ', 3)")
	rowsOf := func(q string) string {
		t.Helper()
		rows, err := c.QueryContext(ctx(t), q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		defer rows.Close()
		cts, _ := rows.ColumnTypes()
		out := ""
		for rows.Next() {
			vals := make([]sql.NullString, len(cts))
			ptrs := make([]any, len(cts))
			for k := range vals {
				ptrs[k] = &vals[k]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for k, v := range vals {
				if k > 0 {
					out += ","
				}
				out += v.String
			}
			out += ";"
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return out
	}
	for _, tc := range []struct{ q, want string }{
		{"SELECT x.v, y.w FROM p x JOIN q y ON x.k = y.k ORDER BY x.v", "1,10;2,10;3,20;"},
		{"SELECT p.v, q.w FROM p INNER JOIN q ON q.k = p.k ORDER BY p.v", "1,10;2,10;3,20;"},
		{"SELECT x.v FROM p x, q y WHERE x.k = y.k AND y.w = 20", "3;"},
		{"SELECT x.v FROM p x LEFT JOIN q y ON x.k = y.k WHERE x.k = 'B   ' AND w IS NOT NULL", "3;"},
		{"SELECT COUNT(*) FROM p GROUP BY k ORDER BY k", "2;1;"},
		{"SELECT UPPER(RTRIM(k)), COUNT(*), SUM(v) FROM p GROUP BY k ORDER BY k", "A,2,3;B,1,3;"},
		{"SELECT COUNT(*) FROM p GROUP BY k HAVING k = 'A'", "2;"},
		{"SELECT SUM(x.v) FROM p x JOIN q y ON x.k = y.k GROUP BY y.k ORDER BY y.k", "3;3;"},
		{"SELECT COUNT(*), MIN(v) FROM r GROUP BY k ORDER BY MIN(v)", "2,1;1,2;"},
		{"SELECT DISTINCT UPPER(RTRIM(k)) FROM p ORDER BY 1", "A;B;"},
		{"SELECT v FROM p WHERE k IN ('A', 'x') ORDER BY v", "1;2;"},
		{"SELECT v FROM p WHERE k NOT IN ('b   ') ORDER BY v", "1;2;"},
		{"SELECT x.v FROM p x JOIN q y ON x.k = y.k WHERE y.k IN (N'B ', N'zz')", "3;"},
		{"SELECT COUNT(*) FROM r WHERE k IN ('a')", "2;"},
		// a derived table's columns are not resolved: the literal compared with one keeps
		// its spaces (then exact text comparison)
		{"SELECT COUNT(*) FROM p x CROSS JOIN (SELECT k AS kk FROM q) y WHERE y.kk = N'a '", "3;"},
	} {
		if got := rowsOf(tc.q); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.q, got, tc.want)
		}
	}
	var v int
	if err := c.QueryRowContext(ctx(t), "SELECT v FROM p WHERE k IN (@p1, @p2)", "B  ", "zz").Scan(&v); err != nil || v != 3 {
		t.Errorf("IN (@p1, @p2) with 'B  ': %d %v", v, err)
	}
	// the value a group or DISTINCT returns is one of its members
	for _, q := range []string{"SELECT k, COUNT(*) FROM p GROUP BY k ORDER BY k", "SELECT DISTINCT k FROM p ORDER BY k"} {
		got := rowsOf(q)
		parts := strings.Split(strings.TrimSuffix(got, ";"), ";")
		if len(parts) != 2 || !(strings.HasPrefix(parts[0], "a,") || strings.HasPrefix(parts[0], "A  ,") || parts[0] == "a" || parts[0] == "A  ") ||
			!strings.HasPrefix(parts[1], "b ") {
			t.Errorf("%s: %q", q, got)
		}
	}
}

// An attention (the driver's context cancel) is acknowledged with DONE_ATTN and the same
// connection (same session: same @@SPID) answers the next query.
func TestCancelKeepsSameConnUsable(t *testing.T) {
	srv := startServer(t, t.TempDir())
	db := open(t, srv, "disable")
	c := connOf(t, db)
	var spid, spidAfter int
	if err := c.QueryRowContext(ctx(t), "SELECT @@SPID").Scan(&spid); err != nil {
		t.Fatal(err)
	}
	for round := 0; round < 3; round++ {
		// context.WithCancel, not a deadline: go-mssqldb (v1.11.2, checkBadConn) takes
		// context.DeadlineExceeded for a net.Error and discards the connection whatever the
		// server answers
		cctx, cancel := context.WithCancel(context.Background())
		timer := time.AfterFunc(200*time.Millisecond, cancel)
		start := time.Now()
		var n int64
		err := c.QueryRowContext(cctx, "SELECT COUNT_BIG(*) FROM (SELECT 1 AS x FROM range(0, 100000000000) r1) q").Scan(&n)
		timer.Stop()
		cancel()
		// when the server does not confirm the attention the driver's error wraps a
		// context error too: require exactly the query context's error
		if err != context.Canceled {
			t.Fatalf("round %d: want the query's cancel error, got %v (n=%d)", round, err, n)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Fatalf("round %d: the cancel took %v", round, d)
		}
		t.Logf("round %d: cancelled after %v", round, time.Since(start))
		var v int
		if err := c.QueryRowContext(ctx(t), "SELECT 42").Scan(&v); err != nil || v != 42 {
			t.Fatalf("round %d: after the cancel on the same *sql.Conn: %d %v", round, v, err)
		}
	}
	// a result set cancelled while it streams, on the same connection
	cctx, cancel := context.WithCancel(context.Background())
	rows, err := c.QueryContext(cctx, "SELECT 1 AS x FROM range(0, 1000000) r")
	if err != nil {
		t.Fatal(err)
	}
	read := 0
	for rows.Next() {
		if read++; read == 5 {
			cancel()
		}
	}
	rows.Close()
	cancel()
	if read >= 1000000 || rows.Err() != context.Canceled {
		t.Fatalf("read %d rows, err %v: want a cancelled, partial read", read, rows.Err())
	}
	if err := c.QueryRowContext(ctx(t), "SELECT @@SPID").Scan(&spidAfter); err != nil || spidAfter != spid {
		t.Fatalf("@@SPID after the cancels: %d (was %d) %v", spidAfter, spid, err)
	}
}

// CHECKSUM, BINARY_CHECKSUM and CHECKSUM_AGG are refused (their algorithms are not
// documented) with error 102 saying why and pointing to HASHBYTES.
func TestChecksumRefusedWithReason(t *testing.T) {
	srv := startServer(t, t.TempDir())
	db := open(t, srv, "disable")
	c := connOf(t, db)
	cexec(t, c, "CREATE TABLE ck (a int, b varchar(10))")
	for _, q := range []string{
		"SELECT CHECKSUM(a, b) FROM ck", "SELECT CHECKSUM(*) FROM ck", "SELECT BINARY_CHECKSUM(*) FROM ck",
		"SELECT CHECKSUM_AGG(CHECKSUM(*)) FROM ck", "SELECT checksum_agg(a) FROM ck",
	} {
		e := sqlErr(t, func() error { _, err := c.ExecContext(ctx(t), q); return err }, q)
		wantErr(t, e, q, 102, 1, 15, "")
		for _, part := range []string{"does not support", "does not document its algorithm", "HASHBYTES('SHA2_256'"} {
			if !strings.Contains(e.Message, part) {
				t.Errorf("%s: message %q lacks %q", q, e.Message, part)
			}
		}
	}
	// the suggested replacement works
	var h []byte
	if err := c.QueryRowContext(ctx(t), "SELECT HASHBYTES('SHA2_256', 'abc')").Scan(&h); err != nil || len(h) != 32 {
		t.Fatalf("HASHBYTES: %x %v", h, err)
	}
}

// nchar(n) holds n UTF-16 code units and char(n) n bytes: a value with a character
// beyond the BMP (two units) is padded to n units, not n characters (found by the SQL
// Server source: the driver failed on a 10-byte nchar(4) value).
func TestFixedLengthPaddingCountsCodeUnits(t *testing.T) {
	srv := startServer(t, t.TempDir())
	db := open(t, srv, "disable")
	c := connOf(t, db)
	cexec(t, c, "CREATE TABLE dbo.pad (id int PRIMARY KEY, nc nchar(4), c char(3))")
	cexec(t, c, "INSERT INTO dbo.pad VALUES (1, N'éü😀', 'a'), (2, N'x', 'ab')")
	rows, err := c.QueryContext(ctx(t), "SELECT nc, c FROM dbo.pad ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	want := [][2]string{{"éü😀", "a  "}, {"x   ", "ab "}}
	i := 0
	for rows.Next() {
		var nc, ch string
		if err := rows.Scan(&nc, &ch); err != nil {
			t.Fatalf("row %d: %v", i+1, err)
		}
		if i >= len(want) || nc != want[i][0] || ch != want[i][1] {
			t.Fatalf("row %d: nc %q c %q, want %q", i+1, nc, ch, want[i])
		}
		i++
	}
	if err := rows.Err(); err != nil || i != 2 {
		t.Fatalf("rows: %d, %v", i, err)
	}
}

// CONVERT of a binary value to a character type with style 1 ('0x' and upper-case
// hex) and 2 (the digits alone), as the SQL Server source uses when a binary column is
// mapped to VARCHAR.
func TestConvertBinaryStyles(t *testing.T) {
	srv := startServer(t, t.TempDir())
	db := open(t, srv, "disable")
	c := connOf(t, db)
	cexec(t, c, "CREATE TABLE dbo.b (id int PRIMARY KEY, v varbinary(8))")
	cexec(t, c, "INSERT INTO dbo.b VALUES (1, 0x0102AB), (2, NULL)")
	var s1, s2, lit string
	if err := c.QueryRowContext(ctx(t), "SELECT CONVERT(varchar(20), v, 1), CONVERT(nvarchar(max), v, 2), CONVERT(nvarchar(max), 0x0102, 2) FROM dbo.b WHERE id = 1").Scan(&s1, &s2, &lit); err != nil {
		t.Fatal(err)
	}
	if s1 != "0x0102AB" || s2 != "0102AB" || lit != "0102" {
		t.Fatalf("styles: %q %q %q, want 0x0102AB 0102AB 0102", s1, s2, lit)
	}
	var null sql.NullString
	if err := c.QueryRowContext(ctx(t), "SELECT CONVERT(varchar(20), v, 2) FROM dbo.b WHERE id = 2").Scan(&null); err != nil || null.Valid {
		t.Fatalf("NULL: %v %v", null, err)
	}
}
