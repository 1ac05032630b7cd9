package server

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestSourceQueries runs the statements a SQL Server source issues: keyset pages with
// parameters, NULL-key partitions, aggregates, OFFSET/FETCH, CTEs, catalog joins.
func TestSourceQueries(t *testing.T) {
	srv := startServer(t, t.TempDir())
	db := open(t, srv, "disable")
	mustExec(t, db, "CREATE SCHEMA sales")
	mustExec(t, db, `CREATE TABLE [sales].[Orders] ([Region] nvarchar(10) NULL, [No] int NOT NULL, [Amount] money NOT NULL,
		[Note] text NULL, [Doc] xml NULL, [V] sql_variant NULL, [H] hierarchyid NULL, [Img] image NULL, [Nt] ntext NULL,
		CONSTRAINT [UQ_orders] UNIQUE ([Region], [No]))`)
	mustExec(t, db, "CREATE UNIQUE INDEX IX_no ON sales.Orders (No DESC)")
	for i := 0; i < 10; i++ {
		region := []any{"north", "South", nil, "east"}[i%4]
		mustExec(t, db, "INSERT INTO sales.Orders ([Region], [No], [Amount], [Note], [Doc], [V], [H], [Img], [Nt]) VALUES (@p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9)",
			region, i, fmt.Sprintf("%d.25", i), "note", "<a/>", "v", "/1/", []byte{1}, "ntext")
	}
	get := func(q string, args ...any) string {
		t.Helper()
		rows, err := db.QueryContext(ctx(t), q, args...)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		var out []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			var parts []string
			for _, v := range vals {
				if b, ok := v.([]byte); ok {
					v = string(b)
				}
				parts = append(parts, fmt.Sprint(v))
			}
			out = append(out, strings.Join(parts, ","))
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return strings.Join(out, ";")
	}
	// keyset page with expanded comparisons (T-SQL has no row values)
	got := get(`SELECT TOP (@p1) [Region], [No] FROM [sales].[Orders] WHERE [Region] > @p2 OR ([Region] = @p2 AND [No] > @p3) ORDER BY [Region], [No]`, 3, "NORTH", 0)
	if got != "north,4;north,8;South,1" {
		t.Errorf("keyset page: %s", got)
	}
	if got := get(`SELECT COUNT_BIG(*) FROM sales.Orders WHERE Region IS NULL`); got != "2" {
		t.Errorf("null partition: %s", got)
	}
	if got := get(`SELECT Region, COUNT(*), MIN(No), MAX(Amount), SUM(Amount) FROM sales.Orders WHERE Region IS NOT NULL GROUP BY Region ORDER BY Region`); got != "east,2,3,7.2500,10.5000;north,3,0,8.2500,12.7500;South,3,1,9.2500,15.7500" {
		t.Errorf("group by: %s", got)
	}
	if got := get(`SELECT No FROM sales.Orders ORDER BY No OFFSET 2 ROWS FETCH NEXT 3 ROWS ONLY`); got != "2;3;4" {
		t.Errorf("offset/fetch: %s", got)
	}
	if got := get(`WITH big AS (SELECT No FROM sales.Orders WHERE Amount >= 5) SELECT COUNT(*) FROM big WHERE No IN (5, 6, 7) OR No BETWEEN 8 AND 9`); got != "5" {
		t.Errorf("cte: %s", got)
	}
	if got := get(`SELECT TOP (1) [No] FROM (SELECT TOP (@p1) [No] FROM [sales].[Orders] WHERE [No] > @p2 ORDER BY [No]) AS page ORDER BY [No] DESC`, 3, 2); got != "5" {
		t.Errorf("TOP in a subquery: %s", got)
	}
	mustExec(t, db, "CREATE TABLE ev (id int, at datetime2(3), d date)")
	mustExec(t, db, "INSERT INTO ev VALUES (1, '2020-01-01', '2020-01-01'), (2, '2020-01-01 10:00', '2020-01-02')")
	if got := get(`SELECT id FROM ev WHERE at = '2020-01-01' OR (at BETWEEN '20200101 09:00' AND @p1 AND d <= @p2) ORDER BY id`, time.Date(2020, 1, 1, 10, 0, 0, 0, time.UTC), "2020-01-02"); got != "1;2" {
		t.Errorf("date/time comparisons: %s", got)
	}
	var lo, hi time.Time
	if err := db.QueryRowContext(ctx(t), "SELECT MIN(at), MAX([at]) FROM ev").Scan(&lo, &hi); err != nil || !hi.After(lo) {
		t.Errorf("MIN/MAX of datetime2: %v %v %v", lo, hi, err)
	}
	mustExec(t, db, "CREATE TABLE lk (s varchar(20))")
	mustExec(t, db, "INSERT INTO lk VALUES ('a_b'), ('axb'), ('50% off'), ('A_B2')")
	if got := get(`SELECT s FROM lk WHERE s LIKE 'a[_]b%' ORDER BY s`); got != "a_b;A_B2" {
		t.Errorf("LIKE with a bracket escape: %s", got)
	}
	if got := get(`SELECT COUNT(*) FROM lk WHERE s LIKE '%[%]%'`); got != "1" {
		t.Errorf("LIKE with [%%]: %s", got)
	}
	if got := get(`SELECT 7 / 2, No / 2, 7.0 / 2 FROM sales.Orders WHERE No = 5`); got != "3,2,3.500000" { // numeric(7,6), as SQL Server
		t.Errorf("integer division: %s", got)
	}
	// the numbers idiom of T-SQL scripts, with the CTE before INSERT
	mustExec(t, db, "CREATE TABLE nums (g int NOT NULL PRIMARY KEY, label varchar(20))")
	mustExec(t, db, `WITH n AS (SELECT TOP (3000) ROW_NUMBER() OVER (ORDER BY (SELECT NULL)) AS g FROM sys.all_objects a CROSS JOIN sys.all_objects b)
		INSERT INTO nums (g, label) SELECT g, 'n' + CAST(g AS varchar(10)) FROM n`)
	if got := get(`SELECT COUNT(*), MAX(g), MIN(label) FROM nums`); got != "3000,3000,n1" {
		t.Errorf("numbers idiom: %s", got)
	}
	// expressions stored into date/time columns take the column's form
	mustExec(t, db, "CREATE TABLE dx (id int, at datetime2, d date)")
	mustExec(t, db, "INSERT INTO dx VALUES (1, DATEADD(minute, 37, '2020-01-01'), DATEADD(day, 1, '2020-01-01'))")
	mustExec(t, db, "INSERT INTO dx (id, at, d) SELECT g, DATEADD(minute, g, '2020-01-01') AS at, '2020-01-05' FROM nums WHERE g <= 2")
	if got := get(`SELECT id FROM dx WHERE at = '2020-01-01 00:37' OR at = @p1 OR d = '2020-01-05' ORDER BY id`, time.Date(2020, 1, 1, 0, 1, 0, 0, time.UTC)); got != "1;1;2" {
		t.Errorf("canonical expressions: %s", got)
	}
	if got := get(`WITH n AS (SELECT 1 AS i UNION ALL SELECT i + 1 FROM n WHERE i < 100) SELECT COUNT(*), SUM(i) FROM n`); got != "100,5050" {
		t.Errorf("recursive cte: %s", got)
	}
	if got := get(`SELECT H.ToString(), o.H.ToString() FROM sales.Orders o WHERE No = 1`); got != "/1/,/1/" {
		t.Errorf("ToString(): %s", got)
	}
	if got := get(`SELECT Note, CAST(Doc AS nvarchar(max)), V, H, Img, Nt FROM sales.Orders WHERE No = 1`); got != "note,<a/>,v,/1/,\x01,ntext" {
		t.Errorf("lob and other types: %q", got)
	}
	if got := get(`SELECT i.name, i.is_unique, i.is_primary_key, i.is_unique_constraint, c.name, ic.key_ordinal, ic.is_descending_key
		FROM sys.indexes i JOIN sys.index_columns ic ON ic.object_id = i.object_id AND ic.index_id = i.index_id
		JOIN sys.columns c ON c.object_id = ic.object_id AND c.column_id = ic.column_id
		JOIN sys.tables t ON t.object_id = i.object_id JOIN sys.schemas s ON s.schema_id = t.schema_id
		WHERE s.name = N'sales' AND t.name = N'Orders' ORDER BY i.index_id, ic.key_ordinal`); got != "UQ_orders,true,false,true,Region,1,false;UQ_orders,true,false,true,No,2,false;IX_no,true,false,false,No,1,true" {
		t.Errorf("index catalog: %s", got)
	}
	if got := get(`SELECT LEN(N'ab  '), UPPER(N'x'), DB_NAME(), SCHEMA_NAME(), CONVERT(varchar(10), CAST('2020-05-06' AS date), 23)`); got != "2,X,master,dbo,2020-05-06" {
		t.Errorf("functions: %s", got)
	}
	mustExec(t, db, "UPDATE sales.Orders SET Amount = Amount + @p1 WHERE No = @p2", 1, 1)
	if r := mustExec(t, db, "DELETE FROM sales.Orders WHERE Region = N'SOUTH'"); func() int64 { n, _ := r.RowsAffected(); return n }() != 3 {
		t.Error("delete count")
	}
	_, err := db.ExecContext(ctx(t), "INSERT INTO sales.Orders (Region, No, Amount) VALUES (N'north', 99, 1), (N'NORTH ', 99, 1)")
	if errNumber(err) != 2627 {
		t.Errorf("unique key under a CI collation: want 2627, got %v", err)
	}
	if _, err := db.ExecContext(ctx(t), "INSERT INTO sales.Orders (Region, No, Amount) VALUES (N'12345678901', 97, 1)"); errNumber(err) != 2628 {
		t.Errorf("too long: want 2628, got %v", err)
	}
}

// TestDMLOnTextColumns: assignments, parameters and comparisons on character columns.
func TestDMLOnTextColumns(t *testing.T) {
	srv := startServer(t, t.TempDir())
	db := open(t, srv, "disable")
	mustExec(t, db, "CREATE TABLE p (k nvarchar(10) NOT NULL PRIMARY KEY, v varchar(20), n int)")
	mustExec(t, db, "INSERT INTO p (k, v, n) VALUES (@p1, @p2, 1), (N'B', 'two', 2), (N'c', NULL, 3)", "a", "one ")
	mustExec(t, db, "UPDATE p SET v = @p1 + 'x', n = n * 10 WHERE k = @p2", "new", "A ")
	mustExec(t, db, "UPDATE p SET v = v + '!' WHERE k IN (N'b') OR k = N'C'")
	mustExec(t, db, "DELETE FROM p WHERE k > @p1", "b  ")
	rows, err := db.QueryContext(ctx(t), "SELECT k, v, n FROM p ORDER BY k")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var k string
		var v *string
		var n int
		rows.Scan(&k, &v, &n)
		vs := "NULL"
		if v != nil {
			vs = *v
		}
		got = append(got, fmt.Sprintf("%s=%s/%d", k, vs, n))
	}
	rows.Close()
	if strings.Join(got, " ") != "a=newx/10 B=two!/2" {
		t.Fatalf("after DML: %v", got)
	}
}
