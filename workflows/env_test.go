package workflows

import (
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"testing"

	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"
)

func newEnv(t *testing.T, w *world) *testsuite.TestWorkflowEnvironment {
	t.Helper()
	var s testsuite.WorkflowTestSuite
	s.SetLogger(quietLogger())
	env := s.NewTestWorkflowEnvironment()
	env.RegisterWorkflowWithOptions(TableMigrationWorkflow, workflow.RegisterOptions{Name: TableMigrationWorkflowName})
	env.RegisterWorkflowWithOptions(DataMigrationWorkflow, workflow.RegisterOptions{Name: DataMigrationWorkflowName})
	w.registerSource(env)
	w.registerHost(env)
	w.registerSnowflake(env)
	return env
}

// runTable runs one TableMigrationWorkflow run in a fresh environment.
func runTable(t *testing.T, w *world, in TableInput) (TableResult, error) {
	t.Helper()
	env := newEnv(t, w)
	env.ExecuteWorkflow(TableMigrationWorkflowName, in)
	if !env.IsWorkflowCompleted() {
		t.Fatal("table workflow did not complete")
	}
	var res TableResult
	err := env.GetWorkflowError()
	if err == nil {
		if gerr := env.GetWorkflowResult(&res); gerr != nil {
			t.Fatal(gerr)
		}
	}
	return res, err
}

// continuedInput decodes the input a ContinueAsNewError carries.
func continuedInput(t *testing.T, err error, out any) int {
	t.Helper()
	var can *workflow.ContinueAsNewError
	if !errors.As(err, &can) {
		t.Fatalf("want continue-as-new, got %v", err)
	}
	p := can.Input.GetPayloads()
	if len(p) != 1 {
		t.Fatalf("continue-as-new carries %d payloads", len(p))
	}
	if err := json.Unmarshal(p[0].GetData(), out); err != nil {
		t.Fatal(err)
	}
	return len(p[0].GetData())
}

// quietLogger keeps the SDK's debug chatter out of test output; warnings stay.
func quietLogger() log.Logger {
	return log.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
}

func appType(err error) string {
	var a *temporal.ApplicationError
	if errors.As(err, &a) {
		return a.Type()
	}
	return ""
}
