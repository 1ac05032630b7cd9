package server

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log"
	"net/url"
	"testing"
	"time"

	mssql "github.com/microsoft/go-mssqldb"
)

// startServer runs a server on a free loopback port with its own data directory.
func startServer(t *testing.T, dir string) *Server {
	t.Helper()
	srv, err := Start(Config{Addr: "127.0.0.1:0", DataDir: dir, User: "sa", Password: "Secret-1", Logger: log.New(io.Discard, "", 0)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

func dsn(srv *Server, user, pass, encrypt, db string) string {
	u := &url.URL{Scheme: "sqlserver", User: url.UserPassword(user, pass), Host: srv.Addr()}
	q := url.Values{}
	q.Set("encrypt", encrypt)
	q.Set("TrustServerCertificate", "true")
	q.Set("dial timeout", "10")
	if db != "" {
		q.Set("database", db)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

func open(t *testing.T, srv *Server, encrypt string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlserver", dsn(srv, "sa", "Secret-1", encrypt, ""))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return c
}

func mustExec(t *testing.T, db *sql.DB, q string, args ...any) sql.Result {
	t.Helper()
	r, err := db.ExecContext(ctx(t), q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return r
}

func errNumber(err error) int32 {
	var e mssql.Error
	if errors.As(err, &e) {
		return e.Number
	}
	return -1
}

func TestLoginAndEncryptModes(t *testing.T) {
	srv := startServer(t, t.TempDir())
	for _, enc := range []string{"disable", "false", "true"} {
		t.Run(enc, func(t *testing.T) {
			db := open(t, srv, enc)
			var one int
			var v string
			if err := db.QueryRowContext(ctx(t), "SELECT 1, @@VERSION").Scan(&one, &v); err != nil {
				t.Fatal(err)
			}
			if one != 1 || v == "" {
				t.Fatalf("got %d %q", one, v)
			}
		})
	}
}

func TestWrongPassword(t *testing.T) {
	srv := startServer(t, t.TempDir())
	for _, c := range [][2]string{{"sa", "wrong"}, {"nobody", "Secret-1"}} {
		db, _ := sql.Open("sqlserver", dsn(srv, c[0], c[1], "disable", ""))
		err := db.PingContext(ctx(t))
		db.Close()
		if errNumber(err) != 18456 {
			t.Fatalf("user %s: want error 18456, got %v", c[0], err)
		}
		var e mssql.Error
		errors.As(err, &e)
		if e.Class != 14 || e.State != 1 {
			t.Fatalf("class/state = %d/%d, want 14/1", e.Class, e.State)
		}
	}
}

func TestUnknownLoginDatabase(t *testing.T) {
	srv := startServer(t, t.TempDir())
	db, _ := sql.Open("sqlserver", dsn(srv, "sa", "Secret-1", "disable", "nosuch"))
	err := db.PingContext(ctx(t))
	db.Close()
	var e mssql.Error
	if !errors.As(err, &e) || len(e.All) != 2 || e.All[0].Number != 4060 || e.All[1].Number != 18456 {
		t.Fatalf("want errors 4060 then 18456, got %v", err)
	}
}

func TestBatchErrorsAndRowCounts(t *testing.T) {
	srv := startServer(t, t.TempDir())
	db := open(t, srv, "disable")
	db.SetMaxOpenConns(1)
	mustExec(t, db, "CREATE TABLE [dbo].[t] ([id] int NOT NULL PRIMARY KEY, [name] nvarchar(20) NULL)")
	r := mustExec(t, db, "INSERT INTO t (id, name) VALUES (1, N'a'), (2, N'b'), (3, NULL)")
	if n, _ := r.RowsAffected(); n != 3 {
		t.Fatalf("rows affected %d", n)
	}
	cases := []struct {
		q   string
		num int32
	}{
		{"SELECT * FROM nosuch", 208},
		{"SELECT nosuch FROM t", 207},
		{"SELECT FROM WHERE", 156},
		{"SELEC 1", 2812},
		{"INSERT INTO t VALUES (1, N'dup')", 2627},
		{"SELECT CAST('abc' AS int)", 245},
		{"SELECT CAST(300 AS tinyint)", 8115},
		{"SELECT * FROM t WHERE (id, name) > (1, 'a')", 4145},
		{"SELECT id, COUNT(*) FROM t", 8120},
		{"SELECT id FROM t a JOIN t b ON a.id = b.id", 209},
	}
	for _, c := range cases {
		_, err := db.ExecContext(ctx(t), c.q)
		if errNumber(err) != c.num {
			t.Errorf("%s: want %d, got %v", c.q, c.num, err)
		}
	}
	// the connection survives every error
	var n int
	if err := db.QueryRowContext(ctx(t), "SELECT COUNT(*) FROM t").Scan(&n); err != nil || n != 3 {
		t.Fatalf("count after errors: %d %v", n, err)
	}
	// multiple result sets
	rows, err := db.QueryContext(ctx(t), "SELECT id FROM t ORDER BY id; SELECT TOP 1 name FROM [t] WHERE id = 2")
	if err != nil {
		t.Fatal(err)
	}
	var ids []int
	for rows.Next() {
		var id int
		rows.Scan(&id)
		ids = append(ids, id)
	}
	if !rows.NextResultSet() || !rows.Next() {
		t.Fatal("no second result set")
	}
	var name string
	rows.Scan(&name)
	rows.Close()
	if fmt.Sprint(ids) != "[1 2 3]" || name != "b" {
		t.Fatalf("ids %v name %q", ids, name)
	}
	// parameters through sp_executesql
	if err := db.QueryRowContext(ctx(t), "SELECT name FROM t WHERE id = @p1 AND name = @p2", 1, "A").Scan(&name); err != nil || name != "a" {
		t.Fatalf("param query: %q %v (case-insensitive comparison expected)", name, err)
	}
}
