package server

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestCatalogTransactionsPersistence(t *testing.T) {
	dir := t.TempDir()
	srv := startServer(t, dir)
	db := open(t, srv, "disable")
	db.SetMaxOpenConns(1)
	mustExec(t, db, "CREATE DATABASE shop")
	db.Close()
	// the pool resets connections to their login database (sp_reset_connection), as
	// SQL Server does: log in to shop
	db, _ = sql.Open("sqlserver", dsn(srv, "sa", "Secret-1", "disable", "shop"))
	db.SetMaxOpenConns(1)
	defer db.Close()
	mustExec(t, db, `CREATE TABLE dbo.[Order Items] ([Id] bigint IDENTITY(1,1) NOT NULL, "Key" varchar(10) NOT NULL,
		amount decimal(12,2) NULL, CONSTRAINT PK_items PRIMARY KEY CLUSTERED ([Key], Id))`)
	mustExec(t, db, "INSERT INTO shop.dbo.[Order Items] ([Key], amount) VALUES ('b', 1.5), ('A', 2), ('a ', NULL)")
	var cols []string
	rows, err := db.QueryContext(ctx(t), `SELECT c.name, t.name, c.max_length, c.precision, c.scale, c.is_nullable, c.is_identity
		FROM sys.columns c JOIN sys.types t ON t.user_type_id = c.user_type_id
		WHERE c.object_id = OBJECT_ID('dbo.[Order Items]') ORDER BY c.column_id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n, tn string
		var ml, p, s int
		var nullable, ident bool
		if err := rows.Scan(&n, &tn, &ml, &p, &s, &nullable, &ident); err != nil {
			t.Fatal(err)
		}
		cols = append(cols, strings.Join([]string{n, tn, itoa(ml), itoa(p), itoa(s), btoa(nullable), btoa(ident)}, ":"))
	}
	rows.Close()
	if strings.Join(cols, " ") != "Id:bigint:8:19:0:false:true Key:varchar:10:0:0:false:false amount:decimal:9:12:2:true:false" {
		t.Errorf("sys.columns: %v", cols)
	}
	var keyCols string
	if err := db.QueryRowContext(ctx(t), `SELECT COLUMN_NAME FROM INFORMATION_SCHEMA.KEY_COLUMN_USAGE WHERE TABLE_NAME = 'Order Items' AND ORDINAL_POSITION = 1`).Scan(&keyCols); err != nil || keyCols != "Key" {
		t.Errorf("key columns %q %v", keyCols, err)
	}
	var rowsN int64
	if err := db.QueryRowContext(ctx(t), `SELECT SUM(row_count) FROM sys.dm_db_partition_stats WHERE object_id = OBJECT_ID('[Order Items]')`).Scan(&rowsN); err != nil || rowsN != 3 {
		t.Errorf("partition stats %d %v", rowsN, err)
	}
	var dataType string
	var charLen int
	if err := db.QueryRowContext(ctx(t), `SELECT DATA_TYPE, CHARACTER_MAXIMUM_LENGTH FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = N'dbo' AND TABLE_NAME = N'Order Items' AND COLUMN_NAME = 'Key'`).Scan(&dataType, &charLen); err != nil || dataType != "varchar" || charLen != 10 {
		t.Errorf("information_schema.columns %q %d %v", dataType, charLen, err)
	}
	// case-insensitive ordering and comparison of text keys
	var keys []string
	rows, err = db.QueryContext(ctx(t), "SELECT [Key] FROM [Order Items] WHERE [Key] >= 'A' ORDER BY [Key], Id")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k string
		rows.Scan(&k)
		keys = append(keys, k)
	}
	rows.Close()
	if strings.Join(keys, "|") != "A|a |b" {
		t.Errorf("ordering %q", keys)
	}
	// transactions: driver BeginTx and T-SQL BEGIN TRAN
	tx, err := db.BeginTx(ctx(t), &sql.TxOptions{Isolation: sql.LevelReadCommitted})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx(t), "DELETE FROM [Order Items]"); err != nil {
		t.Fatal(err)
	}
	tx.Rollback()
	mustExec(t, db, "SET TRANSACTION ISOLATION LEVEL SNAPSHOT; BEGIN TRAN; INSERT INTO [Order Items] ([Key]) VALUES ('z'); COMMIT")
	var n int
	if err := db.QueryRowContext(ctx(t), "SELECT COUNT_BIG(*) FROM [Order Items]").Scan(&n); err != nil || n != 4 {
		t.Fatalf("count after rollback+commit: %d %v", n, err)
	}
	srv.Close()
	db.Close()
	// restart on the same directory: the database, its rows and its catalog persist
	srv2 := startServer(t, dir)
	db2, _ := sql.Open("sqlserver", dsn(srv2, "sa", "Secret-1", "disable", "shop"))
	defer db2.Close()
	if err := db2.QueryRowContext(ctx(t), "SELECT COUNT(*) FROM [Order Items] WHERE amount IS NULL").Scan(&n); err != nil || n != 2 {
		t.Fatalf("after restart: %d %v", n, err)
	}
	var idMax int64
	mustExec(t, db2, "INSERT INTO [Order Items] ([Key]) VALUES ('y')")
	if err := db2.QueryRowContext(ctx(t), "SELECT MAX(Id) FROM [Order Items]").Scan(&idMax); err != nil || idMax != 5 {
		t.Fatalf("identity after restart: %d %v", idMax, err)
	}
}

func TestCancel(t *testing.T) {
	srv := startServer(t, t.TempDir())
	db := open(t, srv, "disable")
	db.SetMaxOpenConns(1)
	// a long query cancelled by its context: the driver sends an attention, the server
	// interrupts DuckDB and acknowledges with DONE_ATTN
	c2, cancel2 := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel2()
	var n int64
	err := db.QueryRowContext(c2, "SELECT COUNT_BIG(*) FROM (SELECT 1 AS x FROM range(0, 100000000000) r1) q").Scan(&n)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want the deadline error, got %v (n=%d)", err, n)
	}
	// a result set cancelled while it streams
	mustExec(t, db, "CREATE TABLE big (i int)")
	if _, err := srv.store.db.Exec("INSERT INTO master.dbo.big SELECT i FROM range(0, 300000) t(i)"); err != nil {
		t.Fatal(err)
	}
	c3, cancel3 := context.WithCancel(context.Background())
	defer cancel3()
	rows, err := db.QueryContext(c3, "SELECT i FROM big")
	if err != nil {
		t.Fatal(err)
	}
	read := 0
	for rows.Next() {
		read++
		if read == 10 {
			cancel3()
		}
	}
	rows.Close()
	if read >= 300000 || !errors.Is(rows.Err(), context.Canceled) {
		t.Fatalf("read %d rows, err %v: want a cancelled, partial read", read, rows.Err())
	}
	// the connection stays usable and answers correctly after both attentions
	if err := db.QueryRowContext(ctx(t), "SELECT COUNT(*) FROM big").Scan(&n); err != nil || n != 300000 {
		t.Fatalf("after cancel: %d %v", n, err)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func btoa(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// TestConcurrentSessions: sessions insert and read at the same time; every row arrives once.
func TestConcurrentSessions(t *testing.T) {
	srv := startServer(t, t.TempDir())
	db := open(t, srv, "disable")
	db.SetMaxOpenConns(4)
	mustExec(t, db, "CREATE TABLE cc (w int NOT NULL, i int NOT NULL, PRIMARY KEY (w, i))")
	errs := make(chan error, 4)
	for w := 0; w < 4; w++ {
		go func(w int) {
			for i := 0; i < 50; i++ {
				if _, err := db.ExecContext(ctx(t), "INSERT INTO cc (w, i) VALUES (@p1, @p2)", w, i); err != nil {
					errs <- err
					return
				}
				var n int
				if err := db.QueryRowContext(ctx(t), "SELECT COUNT(*) FROM cc WHERE w = @p1", w).Scan(&n); err != nil || n != i+1 {
					errs <- fmt.Errorf("worker %d sees %d rows after %d inserts: %v", w, n, i+1, err)
					return
				}
			}
			errs <- nil
		}(w)
	}
	for w := 0; w < 4; w++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	var n, d int
	if err := db.QueryRowContext(ctx(t), "SELECT COUNT(*), COUNT(DISTINCT w * 1000 + i) FROM cc").Scan(&n, &d); err != nil || n != 200 || d != 200 {
		t.Fatalf("rows %d distinct %d %v", n, d, err)
	}
}

// TestCloseInterruptsRunningStatement: stopping the server does not wait for a query
// that would run for hours.
func TestCloseInterruptsRunningStatement(t *testing.T) {
	srv := startServer(t, t.TempDir())
	db := open(t, srv, "disable")
	var one int
	if err := db.QueryRowContext(ctx(t), "SELECT 1").Scan(&one); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		var n int64
		done <- db.QueryRowContext(ctx(t), "SELECT COUNT_BIG(*) FROM range(0, 100000000000) r").Scan(&n)
	}()
	time.Sleep(200 * time.Millisecond) // let the statement start; the result does not depend on it
	closed := make(chan error, 1)
	go func() { closed <- srv.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("Close did not return within 60 s")
	}
	if err := <-done; err == nil {
		t.Fatal("the interrupted query reported success")
	}
}
