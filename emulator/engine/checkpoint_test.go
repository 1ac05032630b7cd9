package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// walSize is the size of the engine's write-ahead log, 0 when there is none.
func walSize(t *testing.T, e *Engine) int64 {
	t.Helper()
	fi, err := os.Stat(filepath.Join(e.dataDir, "snowflake.duckdb.wal"))
	if os.IsNotExist(err) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

// waitFor polls cond every 50 ms for at most 20 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("gave up after 20 s waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// An idle engine checkpoints its log once it reaches IdleCheckpointBytes, and the
// data is the same afterwards and after a reopen.
func TestIdleCheckpointEmptiesTheLog(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	e, err := Open(Options{DataDir: dir, IdleCheckpointBytes: 1})
	if err != nil {
		t.Fatal(err)
	}
	s, err := e.NewSession(ctx, "", "")
	if err != nil {
		t.Fatal(err)
	}
	var values strings.Builder
	for i := range 5000 {
		if i > 0 {
			values.WriteString(", ")
		}
		fmt.Fprintf(&values, "(%d, 'v%d')", i, i)
	}
	for _, q := range []string{"CREATE DATABASE D", "CREATE TABLE D.PUBLIC.T (ID NUMBER(19,0), V VARCHAR)",
		"INSERT INTO D.PUBLIC.T VALUES " + values.String()} {
		if _, err := s.Execute(ctx, q, nil, false); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if walSize(t, e) == 0 {
		t.Fatal("no write-ahead log after the writes: the test cannot tell whether a checkpoint ran")
	}
	waitFor(t, "the idle checkpoint to empty the log", func() bool { return walSize(t, e) == 0 })
	if e.checkpointRun.finished.Load() == 0 {
		t.Fatal("the log is empty but no idle checkpoint succeeded")
	}
	count := func(s *Session) string {
		r, err := s.Execute(ctx, "SELECT COUNT(*), SUM(ID), MAX(V) FROM D.PUBLIC.T", nil, false)
		if err != nil {
			t.Fatal(err)
		}
		return cells(r)
	}
	before := count(s)
	if before != "5000,12497500,v999" {
		t.Fatalf("after the checkpoint: %s", before)
	}
	s.Close()
	e.Close()
	e, err = Open(Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	s, err = e.NewSession(ctx, "", "")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := count(s); got != before {
		t.Fatalf("after a reopen: %s, want %s", got, before)
	}
}

// A client's open transaction that has written is never aborted or waited for: the
// checkpoint fails at once and is tried again at the next idle moment, after the
// commit.
func TestIdleCheckpointLeavesOpenTransactionsAlone(t *testing.T) {
	ctx := context.Background()
	e, err := Open(Options{DataDir: t.TempDir(), IdleCheckpointBytes: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	s, err := e.NewSession(ctx, "", "")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, q := range []string{"CREATE DATABASE D", "CREATE TABLE D.PUBLIC.T (ID NUMBER(19,0))", "BEGIN", "INSERT INTO D.PUBLIC.T VALUES (1), (2)"} {
		if _, err := s.Execute(ctx, q, nil, false); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	tries := e.checkpointRun.tries.Load()
	waitFor(t, "two idle checkpoint attempts while the transaction is open", func() bool { return e.checkpointRun.tries.Load() >= tries+2 })
	for _, q := range []string{"INSERT INTO D.PUBLIC.T VALUES (3)", "COMMIT"} {
		if _, err := s.Execute(ctx, q, nil, false); err != nil {
			t.Fatalf("%s after idle checkpoint attempts: %v", q, err)
		}
	}
	r, err := s.Execute(ctx, "SELECT COUNT(*), SUM(ID) FROM D.PUBLIC.T", nil, false)
	if err != nil {
		t.Fatal(err)
	}
	if got := cells(r); got != "3,6" {
		t.Fatalf("after the commit: %s, want 3,6", got)
	}
	waitFor(t, "the checkpoint after the commit", func() bool { return walSize(t, e) == 0 })
}
