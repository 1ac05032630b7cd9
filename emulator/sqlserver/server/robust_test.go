package server

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/binary"
	"math/rand"
	"net"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	mssql "github.com/microsoft/go-mssqldb"
)

// TestGarbageNeverKillsServer sends random and truncated packets, before and after a
// valid PRELOGIN, and checks that the server still serves a real client.
func TestGarbageNeverKillsServer(t *testing.T) {
	srv := startServer(t, t.TempDir())
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 40; i++ {
		c, err := net.DialTimeout("tcp", srv.Addr(), 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(150 * time.Millisecond))
		payload := make([]byte, rng.Intn(300))
		rng.Read(payload)
		typ := []byte{1, 3, 6, 7, 14, 16, 18, byte(rng.Intn(256))}[rng.Intn(8)]
		hdr := []byte{typ, 1, 0, 0, 0, 0, 1, 0}
		binary.BigEndian.PutUint16(hdr[2:], uint16(len(payload)+8))
		if i%3 == 0 {
			binary.BigEndian.PutUint16(hdr[2:], uint16(rng.Intn(70000)))
		}
		c.Write(append(hdr, payload...))
		c.Read(make([]byte, 512))
		c.Close()
	}
	db := open(t, srv, "disable")
	var one int
	if err := db.QueryRowContext(ctx(t), "SELECT 1").Scan(&one); err != nil || one != 1 {
		t.Fatalf("server unusable after garbage: %v", err)
	}
}

// TestCommandLine builds bin/sqlserver-emulator, starts it with the documented flags,
// checks the log says where it listens, and that SIGTERM stops it cleanly.
func TestCommandLine(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "sqlserver-emulator")
	build := exec.Command("go", "build", "-o", bin, "../../cmd/sqlserver-emulator")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "--addr", addr, "--data-dir", t.TempDir(), "--user", "sa", "--password", "Cmd-Secret1")
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	select {
	case l := <-lines:
		if !strings.Contains(l, "listening on "+addr) {
			t.Fatalf("first log line %q does not say where it listens", l)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("no log line within 60 s")
	}
	db, _ := sql.Open("sqlserver", "sqlserver://sa:Cmd-Secret1@"+addr+"?encrypt=disable")
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var one int
	if err := db.QueryRowContext(c, "SELECT 1").Scan(&one); err != nil {
		t.Fatal(err)
	}
	db.Close()
	cmd.Process.Signal(syscall.SIGTERM)
	// read the log to its end (the pipe closes when the process exits), then reap it
	var log []string
	deadline := time.After(30 * time.Second)
	for open := true; open; {
		select {
		case l, ok := <-lines:
			if !ok {
				open = false
				break
			}
			log = append(log, l)
		case <-deadline:
			t.Fatal("did not stop within 30 s of SIGTERM")
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v", err)
	}
	if !strings.Contains(strings.Join(log, "\n"), "stopped") {
		t.Fatalf("no clean stop in log: %v", log)
	}
}

type recordingDialer struct {
	mu    sync.Mutex
	conns []net.Conn
}

func (d *recordingDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
	if err == nil {
		d.mu.Lock()
		d.conns = append(d.conns, c)
		d.mu.Unlock()
	}
	return c, err
}

// TestClientKilledMidStream: a client whose connection dies while rows stream leaves
// the server serving, and its session is released.
func TestClientKilledMidStream(t *testing.T) {
	srv := startServer(t, t.TempDir())
	admin := open(t, srv, "disable")
	mustExec(t, admin, "CREATE TABLE s (i int)")
	if _, err := srv.store.db.Exec("INSERT INTO master.dbo.s SELECT i FROM range(0, 200000) t(i)"); err != nil {
		t.Fatal(err)
	}
	srv.mu.Lock()
	base := len(srv.conns)
	srv.mu.Unlock()
	connector, err := mssql.NewConnector(dsn(srv, "sa", "Secret-1", "disable", ""))
	if err != nil {
		t.Fatal(err)
	}
	dialer := &recordingDialer{}
	connector.Dialer = dialer
	victim := sql.OpenDB(connector)
	defer victim.Close()
	rows, err := victim.QueryContext(ctx(t), "SELECT i FROM s")
	if err != nil {
		t.Fatal(err)
	}
	for k := 0; k < 10 && rows.Next(); k++ {
	}
	dialer.mu.Lock()
	for _, c := range dialer.conns {
		c.Close() // the worker dies: its socket closes under the stream
	}
	dialer.mu.Unlock()
	rows.Close()
	// the server lets go of the session (bounded wait) and keeps answering
	deadline := time.Now().Add(30 * time.Second)
	for {
		srv.mu.Lock()
		n := len(srv.conns)
		srv.mu.Unlock()
		if n <= base { // the admin connections only
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d connections still open 30 s after the client died", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	var count int
	if err := admin.QueryRowContext(ctx(t), "SELECT COUNT(*) FROM s").Scan(&count); err != nil || count != 200000 {
		t.Fatalf("after the client died: %d %v", count, err)
	}
}

// TestRandomTSQLKeepsConnection sends token soup built from T-SQL fragments through one
// connection: every batch may fail, none may drop the connection or kill the server.
func TestRandomTSQLKeepsConnection(t *testing.T) {
	srv := startServer(t, t.TempDir())
	db := open(t, srv, "disable")
	db.SetMaxOpenConns(1)
	mustExec(t, db, "CREATE TABLE f (id int PRIMARY KEY, s nvarchar(10), d datetime2, m money)")
	frags := []string{"SELECT", "INSERT", "INTO", "f", "VALUES", "(", ")", ",", "1", "N'x'", "'2020-01-01'",
		"WHERE", "id", "=", ">", "AND", "OR", "TOP", "(2)", "ORDER", "BY", "s", "d", "m", "*", "FROM", "UPDATE",
		"SET", "DELETE", "[f]", "\"s\"", "0x0A", "@p1", "CAST", "AS", "int", "CONVERT", "COUNT", "GROUP", "NULL",
		"IS", "NOT", "IN", "BETWEEN", "LIKE", "'%'", ";", "BEGIN", "TRAN", "COMMIT", "ROLLBACK", "+", "-", "/",
		"sys.tables", "INFORMATION_SCHEMA.COLUMNS", "OFFSET", "ROWS", "FETCH", "NEXT", "ONLY", "CASE", "WHEN",
		"THEN", "ELSE", "END", "COLLATE", "Latin1_General_BIN2", "HASHBYTES", "'MD5'", "1e400", "99999999999999999999999999999999999999999"}
	rng := rand.New(rand.NewSource(42))
	srv.mu.Lock()
	spid := srv.nextSPID
	srv.mu.Unlock()
	for i := 0; i < 300; i++ {
		n := 1 + rng.Intn(12)
		var parts []string
		for k := 0; k < n; k++ {
			parts = append(parts, frags[rng.Intn(len(frags))])
		}
		q := strings.Join(parts, " ")
		if strings.Contains(q, "@p1") {
			db.ExecContext(ctx(t), q, 1)
		} else {
			db.ExecContext(ctx(t), q)
		}
	}
	db.ExecContext(ctx(t), "IF @@TRANCOUNT > 0 ROLLBACK")
	var one int
	if err := db.QueryRowContext(ctx(t), "SELECT 1").Scan(&one); err != nil || one != 1 {
		t.Fatalf("after random batches: %v", err)
	}
	srv.mu.Lock()
	reconnects := srv.nextSPID - spid
	srv.mu.Unlock()
	if reconnects != 0 {
		t.Fatalf("%d connections were dropped and re-opened by random T-SQL", reconnects)
	}
}
