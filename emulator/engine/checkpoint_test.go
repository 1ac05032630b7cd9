package engine

import (
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
	dir := t.TempDir()
	e, err := Open(Options{DataDir: dir, IdleCheckpointBytes: 1})
	if err != nil {
		t.Fatal(err)
	}
	s := newSess(t, e)
	var values strings.Builder
	for i := range 5000 {
		if i > 0 {
			values.WriteString(", ")
		}
		fmt.Fprintf(&values, "(%d, 'v%d')", i, i)
	}
	mustExec(t, s, "CREATE DATABASE D")
	mustExec(t, s, "CREATE TABLE D.PUBLIC.T (ID NUMBER(19,0), V VARCHAR)")
	mustExec(t, s, "INSERT INTO D.PUBLIC.T VALUES "+values.String())
	if walSize(t, e) == 0 {
		t.Fatal("no write-ahead log after the writes: the test cannot tell whether a checkpoint ran")
	}
	waitFor(t, "the idle checkpoint to empty the log", func() bool { return walSize(t, e) == 0 })
	if e.checkpointRun.finished.Load() == 0 {
		t.Fatal("the log is empty but no idle checkpoint succeeded")
	}
	const sums, want = "SELECT COUNT(*), SUM(ID), MAX(V) FROM D.PUBLIC.T", "5000,12497500,v999"
	expectRows(t, s, sums, want)
	s.Close()
	e.Close()
	if e, err = Open(Options{DataDir: dir}); err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	expectRows(t, newSess(t, e), sums, want)
}

// A client's open transaction that has written is never aborted or waited for: the
// checkpoint fails at once and is tried again at the next idle moment, after the
// commit.
func TestIdleCheckpointLeavesOpenTransactionsAlone(t *testing.T) {
	e, err := Open(Options{DataDir: t.TempDir(), IdleCheckpointBytes: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	s := newSess(t, e)
	for _, q := range []string{"CREATE DATABASE D", "CREATE TABLE D.PUBLIC.T (ID NUMBER(19,0))", "BEGIN", "INSERT INTO D.PUBLIC.T VALUES (1), (2)"} {
		mustExec(t, s, q)
	}
	tries := e.checkpointRun.tries.Load()
	waitFor(t, "two idle checkpoint attempts while the transaction is open", func() bool { return e.checkpointRun.tries.Load() >= tries+2 })
	mustExec(t, s, "INSERT INTO D.PUBLIC.T VALUES (3)")
	mustExec(t, s, "COMMIT")
	expectRows(t, s, "SELECT COUNT(*), SUM(ID) FROM D.PUBLIC.T", "3,6")
	waitFor(t, "the checkpoint after the commit", func() bool { return walSize(t, e) == 0 })
}
