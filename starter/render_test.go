package main

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/snowmigrate/snowmigrate/workflows"
)

func progressState(running []workflows.TableProgress, completed int, failures []workflows.TableResult) migrationState {
	return migrationState{WorkflowID: "M", Status: "Running", Progress: &workflows.MigrationProgress{
		Name: "M", Status: "EXECUTING", TablesTotal: 3, TablesCompleted: completed, TablesFailed: len(failures), Rows: 42, Running: running, Failures: failures,
	}}
}

func TestLineRendererPrintsChangesOnly(t *testing.T) {
	var buf bytes.Buffer
	r := newLineRenderer(&buf)
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	a := workflows.TableProgress{TableKey: "db.s.a", Status: "EXECUTING", PartitionsPlanned: 4, PlanDone: true, PartitionsCompleted: 1, Rows: 10}
	b := workflows.TableProgress{TableKey: "db.s.b", Status: "PLANNING", PartitionsPlanned: 2, Rows: 0}
	r.update(progressState([]workflows.TableProgress{a, b}, 0, nil), now)
	r.update(progressState([]workflows.TableProgress{a, b}, 0, nil), now) // unchanged: nothing printed
	r.update(progressState(nil, 1, []workflows.TableResult{{TableKey: "db.s.b", Status: "FAILED", Error: "missing\ncolumn x"}}), now)
	r.update(migrationState{WorkflowID: "M", ProgressError: "no answer"}, now)
	want := `03:04:05 M EXECUTING tables 0/3 done (0 failed, 0 cancelled), 2 running, rows 42
03:04:05   db.s.a EXECUTING partitions 1/4 (extracting 0, loading 0, failed 0), rows 10
03:04:05   db.s.b PLANNING partitions 0/2+ (extracting 0, loading 0, failed 0), rows 0
03:04:05 M EXECUTING tables 2/3 done (1 failed, 0 cancelled), 0 running, rows 42
03:04:05   db.s.a finished
03:04:05   db.s.b FAILED: missing column x
03:04:05 M: no answer
`
	if buf.String() != want {
		t.Fatalf("got:\n%s\nwant:\n%s", buf.String(), want)
	}
}

// The terminal view must draw the tables and return from finish: mpb's goroutines call
// the decorators while the renderer updates bars, which must not deadlock.
func TestTTYRendererDrawsAndFinishes(t *testing.T) {
	var buf syncBuffer
	r := newTTYRenderer(context.Background(), &buf)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 30; i++ {
			a := workflows.TableProgress{TableKey: "db.s.alpha", Status: "EXECUTING", PartitionsPlanned: 30, PlanDone: true, PartitionsCompleted: i, Rows: int64(i * 100)}
			running := []workflows.TableProgress{a}
			if i < 20 {
				running = append(running, workflows.TableProgress{TableKey: "db.s.beta", Status: "EXECUTING", PartitionsPlanned: 20, PartitionsCompleted: i})
			}
			r.update(progressState(running, 0, nil), time.Now())
			time.Sleep(10 * time.Millisecond)
		}
		r.finish(migrationState{Result: &workflows.MigrationResult{Outcome: "COMPLETED", TablesTotal: 3, TablesCompleted: 3, Rows: 3000}}, time.Now())
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("the terminal renderer did not finish (deadlock?)")
	}
	out := buf.String()
	for _, want := range []string{"db.s.alpha", "db.s.beta", "tables", "COMPLETED"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}
func (b *syncBuffer) String() string { b.mu.Lock(); defer b.mu.Unlock(); return b.buf.String() }
