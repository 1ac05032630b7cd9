package redshift

import (
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

func TestWireExtendedBinaryAndSimple(t *testing.T) {
	s := startServer(t)
	c := connect(t, s)
	ctx := ctxT(t)
	if _, err := c.Exec(ctx, `CREATE TABLE t (id int, name varchar(20), ts timestamptz, amount numeric(12,2), b boolean, raw varbyte(16))`); err != nil {
		t.Fatal(err)
	}
	ts := time.Date(2024, 3, 1, 12, 30, 0, 123000, time.UTC)
	if _, err := c.Exec(ctx, `INSERT INTO t VALUES ($1, $2, $3, $4, $5, $6)`, 1, "it's", ts, "12.34", true, []byte{1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	var id int
	var name string
	var got time.Time
	var amount string
	var b bool
	var raw []byte
	if err := c.QueryRow(ctx, `SELECT id, name, ts, amount::text, b, raw FROM t WHERE id = $1`, 1).Scan(&id, &name, &got, &amount, &b, &raw); err != nil {
		t.Fatal(err)
	}
	if id != 1 || name != "it's" || !got.Equal(ts) || amount != "12.34" || !b || string(raw) != "\x01\x02\x03" {
		t.Fatalf("got %v %q %v %q %v %v", id, name, got, amount, b, raw)
	}
	// simple protocol, several statements, a transaction
	if _, err := c.Exec(ctx, "BEGIN; INSERT INTO t (id) VALUES (2); COMMIT"); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := c.QueryRow(ctx, "SELECT count(*) FROM t", pgx.QueryExecModeSimpleProtocol).Scan(&n); err != nil || n != 2 {
		t.Fatalf("count %d %v", n, err)
	}
	// a backend error passes through with its SQLSTATE, and the session goes on
	_, err := c.Exec(ctx, "SELECT * FROM nosuchtable")
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "42P01" {
		t.Fatalf("want 42P01, got %v", err)
	}
	if err := c.Ping(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestWireAuth(t *testing.T) {
	for _, method := range []string{"md5", "password"} {
		t.Run(method, func(t *testing.T) {
			s := startServer(t, func(c *Config) { c.AuthMethod = method })
			ctx := ctxT(t)
			c, err := pgx.Connect(ctx, s.dsn("awsuser", testPassword, ""))
			if err != nil {
				t.Fatal(err)
			}
			c.Close(ctx)
			_, err = pgx.Connect(ctx, s.dsn("awsuser", "wrong", ""))
			var pe *pgconn.PgError
			if !errors.As(err, &pe) || pe.Code != "28000" || !strings.Contains(pe.Message, `password authentication failed for user "awsuser"`) {
				t.Fatalf("wrong password: %v", err)
			}
			if strings.Contains(err.Error(), "wrong") {
				t.Fatal("error shows the password")
			}
			_, err = pgx.Connect(ctx, s.dsn("nobody", testPassword, ""))
			if !errors.As(err, &pe) || pe.Code != "28000" {
				t.Fatalf("unknown user: %v", err)
			}
		})
	}
}

func TestWireCancel(t *testing.T) {
	s := startServer(t)
	c := connect(t, s)
	ctx := ctxT(t)
	qctx, cancel := contextWithTimeout(ctx, 500*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Exec(qctx, "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 500000000) SELECT count(*) FROM r")
	if err == nil {
		t.Fatal("want the query cancelled")
	}
	// the cancel request reached the backend: the query is no longer running there
	admin, err := pgx.Connect(ctx, s.cfg.PostgresURL)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	for i := 0; ; i++ {
		var n int
		if err := admin.QueryRow(ctx, "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'WITH RECURSIVE r(i)%' AND state = 'active'").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		if i > 50 {
			t.Fatal("the backend still runs the cancelled query")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if time.Since(start) > 20*time.Second {
		t.Fatal("took too long")
	}
}

func TestPsql(t *testing.T) {
	psql, err := exec.LookPath("psql")
	if err != nil {
		psql = pgBin() + "/psql"
	}
	s := startServer(t, func(c *Config) { c.AuthMethod = "password" })
	cmd := exec.Command(psql, "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", "CREATE TABLE p (a int, s super)", "-c", "INSERT INTO p VALUES (7, json_parse('{\"k\": 1}'))", "-c", "SELECT a, json_serialize(s) FROM p")
	cmd.Env = append(cmd.Environ(), "PGPASSWORD="+testPassword, "PGHOST=127.0.0.1", "PGPORT="+portOf(s.Addr()), "PGUSER=awsuser", "PGDATABASE="+s.backend.Database, "PGSSLMODE=prefer")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("psql: %v: %s", err, out)
	}
	if !strings.Contains(string(out), `7|{"k": 1}`) {
		t.Fatalf("psql output: %s", out)
	}
}

func portOf(addr string) string {
	i := strings.LastIndex(addr, ":")
	return addr[i+1:]
}

// CREATE/ALTER/DROP USER make the PostgreSQL role and keep the login list in step.
func TestUserStatements(t *testing.T) {
	s := startServer(t)
	c := connect(t, s)
	ctx := ctxT(t)
	for _, q := range []string{
		`CREATE USER etl_user PASSWORD 'Etl-pass-1' SYSLOG ACCESS RESTRICTED SESSION TIMEOUT 3600`,
		`CREATE TABLE g (a int)`,
		`GRANT SELECT ON g TO etl_user`,
	} {
		if _, err := c.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	u, err := pgx.Connect(ctx, s.dsn("etl_user", "Etl-pass-1", ""))
	if err != nil {
		t.Fatalf("new user login: %v", err)
	}
	u.Close(ctx)
	if _, err := c.Exec(ctx, `ALTER USER etl_user PASSWORD 'md5`+md5Hex("Other-pass-2"+"etl_user")+`'`); err != nil {
		t.Fatal(err)
	}
	if _, err := pgx.Connect(ctx, s.dsn("etl_user", "Etl-pass-1", "")); err == nil {
		t.Fatal("old password still works")
	}
	u, err = pgx.Connect(ctx, s.dsn("etl_user", "Other-pass-2", ""))
	if err != nil {
		t.Fatalf("md5 password: %v", err)
	}
	u.Close(ctx)
	// a failed CREATE USER changes nothing
	if _, err := c.Exec(ctx, `CREATE USER etl_user PASSWORD 'Third-pass-3'`); err == nil {
		t.Fatal("want duplicate role error")
	}
	if _, err := pgx.Connect(ctx, s.dsn("etl_user", "Third-pass-3", "")); err == nil {
		t.Fatal("failed CREATE USER changed the password")
	}
	if _, err := c.Exec(ctx, `REVOKE ALL ON g FROM etl_user; DROP TABLE g`); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(ctx, `DROP USER etl_user`); err != nil {
		t.Fatal(err)
	}
	if _, err := pgx.Connect(ctx, s.dsn("etl_user", "Other-pass-2", "")); err == nil {
		t.Fatal("dropped user still logs in")
	}
}
