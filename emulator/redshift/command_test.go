package redshift

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// The command: flags, the listening line, a login, a clean stop on SIGTERM.
func TestCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command")
	}
	pg := testPG(t)
	bin := filepath.Join(t.TempDir(), "redshift-emulator")
	build := exec.Command("go", "build", "-o", bin, "../cmd/redshift-emulator")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v: %s", err, out)
	}
	cmd := exec.Command(bin, "--addr", "127.0.0.1:0", "--postgres", pg, "--s3-endpoint", "http://127.0.0.1:1", "--iam-endpoint", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "REDSHIFT_EMULATOR_PASSWORD=Cmd-pass-1", "AWS_ACCESS_KEY_ID=AKIACMD", "AWS_SECRET_ACCESS_KEY=cmd-secret-value")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var addr string
	var all []string
	deadline := time.After(60 * time.Second)
	for addr == "" {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("exited: %v", all)
			}
			all = append(all, l)
			if i := strings.Index(l, "listening on "); i >= 0 {
				addr = strings.Fields(l[i+len("listening on "):])[0]
			}
		case <-deadline:
			t.Fatalf("no listening line: %v", all)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, "postgres://awsuser:Cmd-pass-1@"+addr+"/"+pg[strings.LastIndex(pg, "/")+1:])
	if err != nil {
		t.Fatalf("connect: %v (%v)", err, all)
	}
	var n int
	if err := c.QueryRow(ctx, "SELECT count(*) FROM svv_tables").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		for l := range lines {
			all = append(all, l)
		}
		done <- cmd.Wait()
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit: %v: %v", err, all)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("did not stop on SIGTERM")
	}
	c.Close(context.Background())
	out := strings.Join(all, "\n")
	if !strings.Contains(out, "stopped") || strings.Contains(out, "Cmd-pass-1") || strings.Contains(out, "cmd-secret-value") {
		t.Fatalf("log: %s", out)
	}
}

func TestCursorAndZeroRowUnload(t *testing.T) {
	e := newUnloadEnv(t)
	e.exec(t, "CREATE TABLE c (a int)")
	e.exec(t, "INSERT INTO c SELECT i FROM (SELECT 1 AS i UNION ALL SELECT 2 UNION ALL SELECT 3) x")
	ctx := ctxT(t)
	tx, err := e.conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "DECLARE cur CURSOR FOR SELECT a FROM c ORDER BY a"); err != nil {
		t.Fatal(err)
	}
	var got []int
	for i := 0; i < 5; i++ {
		rows, err := tx.Query(ctx, "FETCH 2 FROM cur")
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for rows.Next() {
			var a int
			if err := rows.Scan(&a); err != nil {
				t.Fatal(err)
			}
			got = append(got, a)
			n++
		}
		if rows.Err() != nil {
			t.Fatal(rows.Err())
		}
		if n == 0 {
			break
		}
	}
	_ = tx.Commit(ctx)
	if len(got) != 3 || got[2] != 3 {
		t.Fatalf("cursor rows %v", got)
	}
	e.exec(t, `UNLOAD ('select a from c where a > 10') TO 's3://`+e.bucket+`/none/' IAM_ROLE default FORMAT PARQUET MANIFEST VERBOSE`)
	if keys := e.keys(t, "none/"); len(keys) != 1 || keys[0] != "none/manifest" {
		t.Fatalf("zero-row unload objects %v", keys)
	}
	if m := string(e.get(t, "none/manifest")); !strings.Contains(m, `"entries": []`) || !strings.Contains(m, `"record_count": 0`) {
		t.Fatalf("manifest %s", m)
	}
}
