package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/snowmigrate/snowmigrate/internal/testenv"
	"github.com/snowmigrate/snowmigrate/workflows"
)

type harness struct {
	t    *testing.T
	cl   client.Client
	addr string
	base string
	conf string
}

func newHarness(t *testing.T) *harness {
	srv := testenv.Temporal(t)
	cl := srv.Client(t)
	base := "startertest" + time.Now().Format("150405.000000")
	w := worker.New(cl, workflows.OrchestratorQueue(base, ""), worker.Options{})
	w.RegisterWorkflowWithOptions(standInWorkflow, workflow.RegisterOptions{Name: workflows.DataMigrationWorkflowName})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	data, err := os.ReadFile("../config/examples/demo.json")
	if err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(t.TempDir(), "demo.json")
	if err := os.WriteFile(conf, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return &harness{t: t, cl: cl, addr: srv.Address(), base: base, conf: conf}
}

// cli runs a starter command against the test server.
func (h *harness) cli(args ...string) (int, string, string) {
	h.t.Helper()
	return runCLI(h.t, append(args, "--temporal-address", h.addr, "--ui-url", "http://ui.test:8233")...)
}

func (h *harness) create(name string, extra ...string) {
	h.t.Helper()
	code, out, errOut := h.cli(append([]string{"create-data-migration-workflow", h.conf, "--name", name, "--connection-name", "local",
		"--source-platform", "postgresql", "--task-queue-base", h.base}, extra...)...)
	if code != 0 {
		h.t.Fatalf("create %s: exit %d\n%s%s", name, code, out, errOut)
	}
	for _, want := range []string{"workflow ID: " + name, "run ID:", "http://ui.test:8233/namespaces/default/workflows/" + name} {
		if !strings.Contains(out, want) {
			h.t.Errorf("create output lacks %q:\n%s", want, out)
		}
	}
}

func (h *harness) advance(name string, a advance) {
	h.t.Helper()
	if err := h.cl.SignalWorkflow(context.Background(), name, "", signalAdvance, a); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) status(name string) migrationState {
	h.t.Helper()
	code, out, errOut := h.cli("status", name, "--json")
	if code != 0 {
		h.t.Fatalf("status %s: exit %d %s", name, code, errOut)
	}
	var st migrationState
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		h.t.Fatalf("status --json: %v\n%s", err, out)
	}
	return st
}

// watch runs `starter watch` in the background; wait returns its exit code and output.
func (h *harness) watch(name string, extra ...string) func() (int, string) {
	var wg sync.WaitGroup
	var code int
	var out string
	wg.Add(1)
	go func() {
		defer wg.Done()
		var o, e bytes.Buffer
		args := append([]string{"starter", "watch", name, "--interval", "100ms", "--timeout", "2m",
			"--temporal-address", h.addr, "--ui-url", "http://ui.test:8233"}, extra...)
		code = run(context.Background(), args, &o, &e)
		out = o.String() + e.String()
	}()
	return func() (int, string) { wg.Wait(); return code, out }
}

func TestCreateStartsWorkflowWithSearchAttributesAndMemo(t *testing.T) {
	h := newHarness(t)
	h.create("StarterCreate1")
	desc, err := h.cl.DescribeWorkflowExecution(context.Background(), "StarterCreate1", "")
	if err != nil {
		t.Fatal(err)
	}
	info := desc.GetWorkflowExecutionInfo()
	if info.GetTaskQueue() != h.base || info.GetType().GetName() != workflows.DataMigrationWorkflowName {
		t.Fatalf("queue %q type %q", info.GetTaskQueue(), info.GetType().GetName())
	}
	sa := info.GetSearchAttributes().GetIndexedFields()
	var migration, platform string
	if err := converter.GetDefaultDataConverter().FromPayload(sa[workflows.SearchAttrMigration], &migration); err != nil || migration != "StarterCreate1" {
		t.Fatalf("search attribute %s = %q (%v)", workflows.SearchAttrMigration, migration, err)
	}
	if err := converter.GetDefaultDataConverter().FromPayload(sa[workflows.SearchAttrPlatform], &platform); err != nil || platform != "postgresql" {
		t.Fatalf("search attribute %s = %q (%v)", workflows.SearchAttrPlatform, platform, err)
	}
	var summary string
	if err := decodePayload(info.GetMemo().GetFields()["summary"], &summary); err != nil || summary != "3 tables from postgresql, Snowflake connection local" {
		t.Fatalf("memo summary %q (%v)", summary, err)
	}
	// The input the workflow received is the configuration, names only.
	var in workflows.MigrationInput
	hist := h.cl.GetWorkflowHistory(context.Background(), "StarterCreate1", "", false, 0)
	ev, err := hist.Next()
	if err != nil {
		t.Fatal(err)
	}
	if err := converter.GetDefaultDataConverter().FromPayloads(ev.GetWorkflowExecutionStartedEventAttributes().GetInput(), &in); err != nil {
		t.Fatal(err)
	}
	if in.Name != "StarterCreate1" || in.ConnectionName != "local" || in.SourcePlatform != "postgresql" || in.TaskQueueBase != h.base || len(in.Config.Tables) != 3 {
		t.Fatalf("input %+v", in)
	}

	// A second start under a running name is refused.
	code, _, errOut := h.cli("create-data-migration-workflow", h.conf, "--name", "StarterCreate1", "--source-platform", "postgresql", "--task-queue-base", h.base)
	if code != exitFailure || !strings.Contains(errOut, "a migration named StarterCreate1 is already running") || !strings.Contains(errOut, "starter watch StarterCreate1") {
		t.Fatalf("second start: exit %d %s", code, errOut)
	}
	if err := h.cl.TerminateWorkflow(context.Background(), "StarterCreate1", "", "test done"); err != nil {
		t.Fatal(err)
	}

	// --affinity routes to the affinity's queue and is recorded in the input.
	h.create("StarterAffinity1", "--affinity", "east")
	desc, err = h.cl.DescribeWorkflowExecution(context.Background(), "StarterAffinity1", "")
	if err != nil {
		t.Fatal(err)
	}
	if q := desc.GetWorkflowExecutionInfo().GetTaskQueue(); q != h.base+"@east" {
		t.Fatalf("affinity queue %q", q)
	}
	_ = h.cl.TerminateWorkflow(context.Background(), "StarterAffinity1", "", "test done")
}

func TestStatusPauseResumeCancelTableAndWatch(t *testing.T) {
	h := newHarness(t)
	const name = "StarterFlow1"
	h.create(name)
	st := h.status(name)
	if st.Status != "Running" || st.Progress == nil || st.Progress.TablesTotal != 3 || len(st.Progress.Running) != 3 {
		t.Fatalf("status %+v", st)
	}
	code, out, _ := h.cli("status", name)
	if code != 0 || !strings.Contains(out, "demo.public.line_items") || !strings.Contains(out, "1/4") || !strings.Contains(out, "3 total, 0 completed") {
		t.Fatalf("status text: %d\n%s", code, out)
	}

	if code, out, errOut := h.cli("pause", name); code != 0 || !strings.Contains(out, "paused "+name) || !strings.Contains(out, "the workflow says: paused by request") {
		t.Fatalf("pause: %d %s %s", code, out, errOut)
	}
	if st := h.status(name); st.Progress.Status != "PAUSED" {
		t.Fatalf("after pause: %s", st.Progress.Status)
	}
	if code, _, errOut := h.cli("resume", name); code != 0 {
		t.Fatalf("resume: %d %s", code, errOut)
	}
	if st := h.status(name); st.Progress.Status != "EXECUTING" {
		t.Fatalf("after resume: %s", st.Progress.Status)
	}

	// Cancelling an unknown table is rejected by the workflow and reported.
	code, _, errOut := h.cli("cancel", name, "--table", "demo.public.nope")
	if code != exitFailure || !strings.Contains(errOut, `no running table "demo.public.nope"`) {
		t.Fatalf("cancel unknown table: %d %s", code, errOut)
	}
	if code, out, errOut := h.cli("cancel", name, "--table", "demo.public.orders"); code != 0 || !strings.Contains(out, "cancelled table demo.public.orders") {
		t.Fatalf("cancel table: %d %s %s", code, out, errOut)
	}
	if st := h.status(name); st.Progress.TablesCancelled != 1 || len(st.Progress.Running) != 2 {
		t.Fatalf("after cancel-table: %+v", st.Progress)
	}

	wait := h.watch(name)
	time.Sleep(300 * time.Millisecond)
	h.advance(name, advance{TableKey: "demo.public.customers", Rows: 2000})
	time.Sleep(300 * time.Millisecond)
	h.advance(name, advance{TableKey: "demo.public.line_items", Rows: 120000})
	code, out = wait()
	if code != exitFailure {
		t.Fatalf("watch with a cancelled table: exit %d\n%s", code, out)
	}
	for _, want := range []string{
		"demo.public.customers COMPLETED partitions 4/4, rows 2,000, 195.3 KiB",
		"demo.public.line_items COMPLETED partitions 4/4, rows 120,000",
		"Migration " + name + " COMPLETED_WITH_FAILURES",
		"tables: 3 total, 2 completed, 0 failed, 1 cancelled",
		"rows:   122,000",
		"cancelled demo.public.orders: cancelled by the user",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("watch output lacks %q:\n%s", want, out)
		}
	}
	st = h.status(name)
	if st.Status != "Completed" || st.Result == nil || st.Result.Rows != 122000 || st.Result.TablesCancelled != 1 || st.CloseTime == nil {
		t.Fatalf("closed status %+v", st)
	}
}

func TestWatchExitCodes(t *testing.T) {
	h := newHarness(t)

	h.create("StarterAllOk")
	wait := h.watch("StarterAllOk")
	for _, k := range []string{"demo.public.customers", "demo.public.orders", "demo.public.line_items"} {
		h.advance("StarterAllOk", advance{TableKey: k, Rows: 1000})
	}
	if code, out := wait(); code != 0 || !strings.Contains(out, "COMPLETED in") || !strings.Contains(out, "3 total, 3 completed, 0 failed, 0 cancelled") || !strings.Contains(out, "3,000") {
		t.Fatalf("all completed: exit %d\n%s", code, out)
	}

	h.create("StarterOneFails")
	wait = h.watch("StarterOneFails")
	h.advance("StarterOneFails", advance{TableKey: "demo.public.customers", Rows: 5})
	h.advance("StarterOneFails", advance{TableKey: "demo.public.orders", Fail: true})
	h.advance("StarterOneFails", advance{TableKey: "demo.public.line_items", Rows: 5})
	if code, out := wait(); code != exitFailure || !strings.Contains(out, "failed demo.public.orders: source table is missing") {
		t.Fatalf("one failed: exit %d\n%s", code, out)
	}

	h.create("StarterCancelled")
	wait = h.watch("StarterCancelled")
	time.Sleep(300 * time.Millisecond)
	if code, out, errOut := h.cli("cancel", "StarterCancelled"); code != 0 || !strings.Contains(out, "cancellation requested") {
		t.Fatalf("cancel: %d %s %s", code, out, errOut)
	}
	if code, out := wait(); code != exitFailure || !strings.Contains(out, "ended Canceled") {
		t.Fatalf("cancelled: exit %d\n%s", code, out)
	}
	var canceled *temporal.CanceledError
	if err := h.cl.GetWorkflow(context.Background(), "StarterCancelled", "").Get(context.Background(), nil); err == nil || !errorsAs(err, &canceled) {
		t.Fatalf("workflow result after cancel: %v", err)
	}

	// list shows them (visibility is eventually consistent: poll briefly).
	deadline := time.Now().Add(15 * time.Second)
	for {
		code, out, errOut := h.cli("list")
		if code != 0 {
			t.Fatalf("list: %d %s", code, errOut)
		}
		if strings.Contains(out, "StarterAllOk") && strings.Contains(out, "StarterOneFails") && strings.Contains(out, "StarterCancelled") {
			if !strings.Contains(out, "Canceled") || !strings.Contains(out, "Completed") {
				t.Fatalf("list statuses:\n%s", out)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("list never showed the migrations:\n%s", out)
		}
		time.Sleep(300 * time.Millisecond)
	}

	// Unknown names are a clear failure.
	if code, _, errOut := h.cli("status", "NoSuchMigration"); code != exitFailure || !strings.Contains(errOut, "no migration named NoSuchMigration") {
		t.Fatalf("status unknown: %d %s", code, errOut)
	}
	if code, _, errOut := h.cli("pause", "NoSuchMigration"); code != exitFailure || !strings.Contains(errOut, "NoSuchMigration") {
		t.Fatalf("pause unknown: %d %s", code, errOut)
	}
}

// watch wakes when the migration closes, not at its next poll: with an hour between
// polls it still prints the summary and exits as soon as the last table completes.
func TestWatchWakesWhenTheMigrationCloses(t *testing.T) {
	h := newHarness(t)
	const name = "StarterWakes"
	h.create(name)
	wait := h.watch(name, "--interval", "1h")
	time.Sleep(300 * time.Millisecond) // the first poll has seen it running
	for _, k := range []string{"demo.public.customers", "demo.public.orders", "demo.public.line_items"} {
		h.advance(name, advance{TableKey: k, Rows: 10})
	}
	done := make(chan struct{})
	var code int
	var out string
	go func() { code, out = wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(90 * time.Second):
		t.Fatal("watch --interval 1h did not exit within 90 s of the migration closing")
	}
	if code != 0 || !strings.Contains(out, "3 total, 3 completed") || !strings.Contains(out, "rows:   30") {
		t.Fatalf("exit %d\n%s", code, out)
	}
}
