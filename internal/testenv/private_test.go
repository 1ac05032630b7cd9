package testenv

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"go.temporal.io/sdk/client"
)

// TestPrivatePostgresSurvivesRestarts: a committed row is still there after an immediate
// (crash-like) shutdown and after a fast one, on the same port.
func TestPrivatePostgresSurvivesRestarts(t *testing.T) {
	pp := StartPrivatePostgres(t)
	dsn := pp.NewDatabase(t)
	ctx := context.Background()
	exec := func(q string) {
		t.Helper()
		c, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec("CREATE TABLE kept (x int)")
	exec("INSERT INTO kept VALUES (1)")
	for i, mode := range []StopMode{Crash, Graceful} {
		if err := pp.Restart(mode, 100*time.Millisecond); err != nil {
			t.Fatalf("restart (%s): %v", mode, err)
		}
		exec("INSERT INTO kept VALUES (2)")
		c, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		var n int
		err = c.QueryRow(ctx, "SELECT count(*) FROM kept").Scan(&n)
		c.Close(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n != i+2 {
			t.Fatalf("after restart %d (%s): %d rows, want %d", i+1, mode, n, i+2)
		}
	}
}

// TestPrivateEmulatorSurvivesRestarts: committed rows survive SIGKILL and SIGINT of the
// emulator, which comes back on the same port (the connections.toml stays valid).
func TestPrivateEmulatorSurvivesRestarts(t *testing.T) {
	pe := StartPrivateEmulator(t, t.TempDir())
	run := func(q string) {
		t.Helper()
		db := pe.DB(t, "", "")
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		db.Close()
	}
	count := func() int {
		t.Helper()
		db := pe.DB(t, "", "")
		defer db.Close()
		var n int
		if err := db.QueryRow("SELECT COUNT(*) FROM D.S.KEPT").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	run("CREATE DATABASE D")
	run("CREATE SCHEMA D.S")
	run("CREATE TABLE D.S.KEPT (X INT)")
	run("INSERT INTO D.S.KEPT VALUES (1)")
	for i, mode := range []StopMode{Crash, Graceful} {
		if err := pe.Restart(mode, 100*time.Millisecond); err != nil {
			t.Fatalf("restart (%s): %v", mode, err)
		}
		if n := count(); n != i+1 {
			t.Fatalf("after restart %d (%s): %d rows, want %d", i+1, mode, n, i+1)
		}
		run("INSERT INTO D.S.KEPT VALUES (2)")
	}
}

// TestPrivateTemporalKeepsWorkflows: a started workflow is still running after a SIGKILL
// and restart of the dev server (persistent database), on the same address.
func TestPrivateTemporalKeepsWorkflows(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a dev server twice: skipped with -short")
	}
	pt := StartPrivateTemporal(t, filepath.Join(t.TempDir(), "temporal.db"))
	c := pt.Client(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "kept", TaskQueue: "nobody-polls"}, "NoSuchWorkflow")
	if err != nil {
		t.Fatal(err)
	}
	if err := pt.Restart(Crash, 100*time.Millisecond); err != nil {
		t.Fatalf("restart: %v", err)
	}
	c2 := pt.Client(t)
	desc, err := c2.DescribeWorkflowExecution(ctx, "kept", "")
	if err != nil {
		t.Fatalf("the workflow is gone after a restart: %v", err)
	}
	if got := desc.GetWorkflowExecutionInfo().GetExecution().GetRunId(); got != run.GetRunID() {
		t.Fatalf("run ID %s after restart, want %s", got, run.GetRunID())
	}
}
