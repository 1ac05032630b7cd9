package main

import (
	"context"
	"strings"
	"testing"
)

// TestCreateWarnsWhenNoWorkerServesTheAffinity: the reference system silently processes
// nothing when an affinity matches no worker; the starter says so at once, naming the
// queue and the command that would serve it, while the served queue gets no warning.
func TestCreateWarnsWhenNoWorkerServesTheAffinity(t *testing.T) {
	h := newHarness(t)
	code, out, errOut := h.cli("create-data-migration-workflow", h.conf, "--name", "StarterNoWorker1", "--connection-name", "local",
		"--source-platform", "postgresql", "--task-queue-base", h.base, "--affinity", "nowhere")
	if code != 0 {
		t.Fatalf("create: exit %d\n%s%s", code, out, errOut)
	}
	defer func() { _ = h.cl.TerminateWorkflow(context.Background(), "StarterNoWorker1", "", "test done") }()
	for _, want := range []string{
		`no worker is polling task queue "` + h.base + `@nowhere"`,
		"workers orchestrator --affinity nowhere --task-queue-base " + h.base,
		`no worker is polling task queue "` + h.base + `-source@nowhere"`,
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("create's warnings lack %q:\n%s", want, errOut)
		}
	}

	// The harness's stand-in worker polls the queue without affinity: no warning for it.
	code, _, errOut = h.cli("create-data-migration-workflow", h.conf, "--name", "StarterServed1", "--connection-name", "local",
		"--source-platform", "postgresql", "--task-queue-base", h.base)
	if code != 0 {
		t.Fatalf("create: exit %d", code)
	}
	defer func() { _ = h.cl.TerminateWorkflow(context.Background(), "StarterServed1", "", "test done") }()
	if strings.Contains(errOut, `task queue "`+h.base+`"`) {
		t.Errorf("warned about a queue a worker polls:\n%s", errOut)
	}
}
