package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/snowmigrate/snowmigrate/workflows"
)

// In a namespace where no worker has registered the search attributes yet, create
// registers them itself and starts the migration.
func TestCreateRegistersMissingSearchAttributes(t *testing.T) {
	h := newHarness(t)
	ns := "satest" + time.Now().Format("150405")
	ctx := context.Background()
	if _, err := h.cl.WorkflowService().RegisterNamespace(ctx, &workflowservice.RegisterNamespaceRequest{
		Namespace: ns, WorkflowExecutionRetentionPeriod: durationpb.New(24 * time.Hour),
	}); err != nil {
		t.Fatal(err)
	}
	hasSA := func() bool {
		resp, err := h.cl.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: ns})
		if err != nil {
			return false
		}
		_, ok := resp.GetCustomAttributes()[workflows.SearchAttrMigration]
		return ok
	}
	if hasSA() {
		t.Skip("the dev server defines the search attributes for every namespace; nothing to register")
	}
	// A new namespace becomes usable once the server's namespace cache refreshes.
	deadline := time.Now().Add(30 * time.Second)
	for {
		code, out, errOut := h.cli("create-data-migration-workflow", h.conf, "--name", "SaMigration", "--source-platform", "postgresql",
			"--task-queue-base", h.base, "--namespace", ns)
		if code == 0 {
			if !strings.Contains(out, "/namespaces/"+ns+"/workflows/SaMigration") {
				t.Fatalf("UI link: %s", out)
			}
			break
		}
		if !strings.Contains(errOut, "not found") || time.Now().After(deadline) {
			t.Fatalf("create in a fresh namespace: exit %d\n%s%s", code, out, errOut)
		}
		time.Sleep(500 * time.Millisecond)
	}
	if !hasSA() {
		t.Fatal("the search attributes were not registered")
	}
}
