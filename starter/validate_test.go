package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"go.temporal.io/sdk/converter"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/workflows"
)

// Mistakes on the validate command line exit 2 before Temporal is dialled (the
// address below is unreachable: a dial would exit 4).
func TestValidateUsageExit2(t *testing.T) {
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"validate"}, "exactly one argument"},
		{[]string{"validate", "M", "--level", "4"}, "--level: validation level 4 does not exist"},
		{[]string{"validate", "M", "--level", "0"}, "--level"},
		{[]string{"validate", "M", "--tolerance", "-1"}, "--tolerance: tolerance -1 is negative"},
		{[]string{"validate", "M", "--wait", "--timeout", "0s"}, "--timeout"},
	} {
		args := append(c.args, "--temporal-address", "127.0.0.1:1")
		code, _, stderr := runCLI(t, args...)
		if code != exitUsage || !strings.Contains(stderr, c.msg) {
			t.Errorf("%q: exit %d, stderr %q; want 2 and %q", c.args, code, stderr, c.msg)
		}
	}
}

func TestPrintValidation(t *testing.T) {
	s := func(v string) *string { return &v }
	var b bytes.Buffer
	printValidation(&b, workflows.ValidationResult{ValidationID: "v1", Migration: "M", Status: snowflakeapi.ValidationMismatch,
		ValidationCounts: workflows.ValidationCounts{Total: 3, Matched: 1, Mismatched: 1, Errors: 1},
		Tables: []workflows.TableValidation{{TableKey: "db.public.t", Status: snowflakeapi.ValidationMismatch, DifferencesTotal: 3,
			Levels: []snowflakeapi.ValidationLevelResult{{Level: 1, Status: "MATCH"}, {Level: 3, Status: "MISMATCH", Differences: 3}},
			Differences: []snowflakeapi.ValidationDifference{{Level: 3, Kind: "DIFFERENT", Column: "NOTE", Key: "7",
				SourceValue: s("abc"), TargetValue: nil, SourceSQL: "SELECT 1", TargetSQL: "SELECT 2"}}}}})
	out := b.String()
	for _, want := range []string{"validation v1 of M: MISMATCH (3 tables: 1 matched, 1 mismatched, 1 could not be validated)",
		"L1 MATCH, L3 MISMATCH (3)", `L3 DIFFERENT NOTE key 7: source "abc", target NULL`, "source SQL: SELECT 1",
		"target SQL: SELECT 2", "… 2 more", "(2 more tables"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// On a Temporal dev server: validate refuses a migration that is still running, and
// once it has ended starts ValidationWorkflow as NAME/validation on the migration's
// queue with the migration's own configuration, connection and platform.
func TestValidateStartsFromTheMigrationsInput(t *testing.T) {
	h := newHarness(t)
	h.create("StarterValidate1")
	code, _, stderr := h.cli("validate", "StarterValidate1")
	if code != exitFailure || !strings.Contains(stderr, "migration StarterValidate1 is still running") {
		t.Fatalf("validate of a running migration: exit %d, %q", code, stderr)
	}
	if err := h.cl.TerminateWorkflow(context.Background(), "StarterValidate1", "", "test"); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := h.cli("validate", "StarterValidate1", "--level", "2", "--tolerance", "0.01")
	if code != exitOK || !strings.Contains(out, "workflow ID: StarterValidate1/validation") {
		t.Fatalf("validate: exit %d\n%s%s", code, out, stderr)
	}
	desc, err := h.cl.DescribeWorkflowExecution(context.Background(), workflows.ValidationWorkflowID("StarterValidate1"), "")
	if err != nil {
		t.Fatal(err)
	}
	if q, ty := desc.GetWorkflowExecutionInfo().GetTaskQueue(), desc.GetWorkflowExecutionInfo().GetType().GetName(); q != h.base || ty != workflows.ValidationWorkflowName {
		t.Fatalf("validation workflow on queue %q, type %q", q, ty)
	}
	hist := h.cl.GetWorkflowHistory(context.Background(), workflows.ValidationWorkflowID("StarterValidate1"), "", false, 0)
	ev, err := hist.Next()
	if err != nil {
		t.Fatal(err)
	}
	var in workflows.ValidationInput
	if err := converter.GetDefaultDataConverter().FromPayload(ev.GetWorkflowExecutionStartedEventAttributes().GetInput().GetPayloads()[0], &in); err != nil {
		t.Fatal(err)
	}
	if in.Name != "StarterValidate1" || in.ConnectionName != "local" || in.SourcePlatform != "postgresql" || in.TaskQueueBase != h.base ||
		in.Level != 2 || in.Tolerance == nil || *in.Tolerance != 0.01 || len(in.Config.Tables) != 3 || in.OnlyConfigured {
		t.Fatalf("validation input: %+v", in)
	}
	// A second validation while this one runs (no worker serves it here) is refused.
	if code, _, stderr := h.cli("validate", "StarterValidate1"); code != exitFailure || !strings.Contains(stderr, "already running") {
		t.Fatalf("second validation: exit %d %q", code, stderr)
	}
	if code, _, stderr := h.cli("validate", "NoSuchMigration"); code != exitFailure || !strings.Contains(stderr, "NoSuchMigration") {
		t.Fatalf("unknown migration: exit %d %q", code, stderr)
	}
}
