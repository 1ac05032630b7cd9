package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/snowmigrate/snowmigrate/workflows"
)

// A run of the migration that is open under another workflow ID (as a scheduled run,
// NAME-<time>, is) makes create refuse with a message naming it; once it has ended,
// create starts the migration.
func TestCreateRefusesWhileAScheduledRunIsRunning(t *testing.T) {
	h := newHarness(t)
	const name = "StarterGuard1"
	scheduledID := name + "-2026-01-02T03:00:00Z"
	ctx := context.Background()
	// The stand-in for a scheduled run: the migration workflow type with the migration
	// search attribute, on a queue no worker polls, so it stays open.
	_, err := h.cl.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: scheduledID, TaskQueue: h.base + "-nobody",
		TypedSearchAttributes: temporal.NewSearchAttributes(temporal.NewSearchAttributeKeyKeyword(workflows.SearchAttrMigration).ValueSet(name)),
	}, workflows.DataMigrationWorkflowName, workflows.MigrationInput{Name: name})
	if err != nil {
		t.Fatal(err)
	}
	// Visibility is eventually consistent: wait until the run is listed.
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := h.cl.CountWorkflow(ctx, countRequest(runningMigrationQuery(name)))
		if err == nil && resp.GetCount() == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the stand-in scheduled run never became visible (%v)", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	code, out, errOut := h.cli("create-data-migration-workflow", h.conf, "--name", name, "--connection-name", "local",
		"--source-platform", "postgresql", "--task-queue-base", h.base)
	if code == 0 {
		t.Fatalf("create started %s while %s runs:\n%s", name, scheduledID, out)
	}
	for _, want := range []string{"already running as workflow " + scheduledID, "starter watch " + scheduledID} {
		if !strings.Contains(errOut+out, want) {
			t.Errorf("refusal lacks %q:\n%s%s", want, out, errOut)
		}
	}
	if _, err := h.cl.DescribeWorkflowExecution(ctx, name, ""); err == nil {
		t.Fatalf("a workflow %s was started despite the refusal", name)
	}
	// Once the scheduled run has ended, a run by hand starts.
	if err := h.cl.TerminateWorkflow(ctx, scheduledID, "", "test"); err != nil {
		t.Fatal(err)
	}
	deadline = time.Now().Add(20 * time.Second)
	for {
		resp, err := h.cl.CountWorkflow(ctx, countRequest(runningMigrationQuery(name)))
		if err == nil && resp.GetCount() == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the terminated run is still listed as running (%v)", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	h.create(name)
	desc, err := h.cl.DescribeWorkflowExecution(ctx, name, "")
	if err != nil || desc.GetWorkflowExecutionInfo().GetStatus() != enums.WORKFLOW_EXECUTION_STATUS_RUNNING {
		t.Fatalf("after the scheduled run ended, create did not start %s: %v", name, err)
	}
}

// The visibility query quotes the name (names are validated, but the query must not
// depend on it).
func TestRunningMigrationQueryQuotes(t *testing.T) {
	q := runningMigrationQuery(`a'b\c`)
	if !strings.Contains(q, `= 'a\'b\\c'`) || !strings.HasPrefix(q, "WorkflowType = '"+workflows.DataMigrationWorkflowName+"'") {
		t.Fatalf("query %s", q)
	}
}

func countRequest(q string) *workflowservice.CountWorkflowExecutionsRequest {
	return &workflowservice.CountWorkflowExecutionsRequest{Namespace: "default", Query: q}
}
