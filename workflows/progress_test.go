package workflows

import (
	"strings"
	"testing"
	"time"

	"github.com/snowmigrate/snowmigrate/migration"
)

// The progress views (starter status/watch) need, for a table with failed partitions,
// the first error and how many partitions share it.
func TestTableResultCountsPartitionsSharingTheFirstError(t *testing.T) {
	w := newWorld("h")
	w.add("orders", &fakeTable{Partitions: 6, RowsPer: 10, FailVerify: map[int]bool{2: true, 4: true, 5: true}})
	in := tableInput(t, "orders", Limits{PartitionWindow: 1})
	_, err := runTable(t, w, in)
	res, ok := TableResultFromError(err)
	if !ok || res.Failed != 3 {
		t.Fatalf("result %+v, %v", res, err)
	}
	if res.FirstErrorCount != 3 || !strings.Contains(res.FirstError, "rows extracted") || !strings.HasPrefix(res.FirstError, "partition 1: verify") {
		t.Fatalf("first error %q shared by %d partitions, want partition 1's shared by 3", res.FirstError, res.FirstErrorCount)
	}
	if res.StartedAt.IsZero() || res.EndedAt.Before(res.StartedAt) {
		t.Fatalf("times %v .. %v", res.StartedAt, res.EndedAt)
	}
}

func TestErrorShapeMasksNumbersOnly(t *testing.T) {
	a := errorShape("partition 3: verify: 10 rows extracted, 11 in the target range")
	b := errorShape("partition 12: verify: 7 rows extracted, 9 in the target range")
	c := errorShape("partition 12: load: permission denied")
	if a != b || a == c {
		t.Fatalf("shapes %q %q %q", a, b, c)
	}
}

// Cancelled tables are listed with their reason like failed ones, and every table that
// ended shows in the progress query's recent list.
func TestMigrationListsCancelledTablesAndRecentEnds(t *testing.T) {
	w := newWorld("h")
	gate := make(chan struct{})
	defer close(gate)
	w.add("a", &fakeTable{Partitions: 4, RowsPer: 10, GateExtract: gate})
	w.add("b", &fakeTable{Partitions: 2, RowsPer: 10})
	w.add("c", &fakeTable{Partitions: 2, RowsPer: 10})
	env := newEnv(t, w)
	env.RegisterDelayedCallback(func() {
		update(t, env, UpdateCancelTable, "db.public.a")
		update(t, env, UpdateCancelTable, "db.public.c")
	}, 100*time.Millisecond)
	res, err := runMigration(t, env, migrationInput(Limits{TableWindow: 1}, "a", "b", "c"))
	if err != nil {
		t.Fatal(err)
	}
	reasons := map[string]string{}
	for _, f := range res.Failures {
		if f.Status != migration.StatusCancelled {
			t.Fatalf("failure %+v", f)
		}
		reasons[f.TableKey] = f.Error
	}
	if !strings.Contains(reasons["db.public.a"], "cancelled by request") || !strings.Contains(reasons["db.public.c"], "before it started") {
		t.Fatalf("cancel reasons %v", reasons)
	}
	v, err := env.QueryWorkflow(QueryProgress)
	if err != nil {
		t.Fatal(err)
	}
	var p MigrationProgress
	if err := v.Get(&p); err != nil {
		t.Fatal(err)
	}
	var ended []string
	for _, r := range p.Recent {
		ended = append(ended, r.TableKey+"="+r.Status)
	}
	if got := strings.Join(ended, ","); got != "db.public.a=CANCELLED,db.public.b=COMPLETED,db.public.c=CANCELLED" {
		t.Fatalf("recent %s", got)
	}
	if p.StartedAt.IsZero() {
		t.Fatal("progress lacks the start time")
	}
}
