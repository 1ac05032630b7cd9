package workflows

import (
	"fmt"
	"slices"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/workflow"

	"github.com/snowmigrate/snowmigrate/config"
)

// versionValidateAfter guards the after-migration validation: histories recorded
// before it never start the child.
const versionValidateAfter = "validate-after-migration"

// validateAfter runs, once every table has ended, the validation that tables'
// `validation` configuration asks for (docs/validation.md), as a child
// ValidationWorkflow of the tables that have one, and waits for it. It returns a
// summary for the migration's message ("" when nothing was validated). A validation
// that cannot start (one of the same migration is already running) or fails is
// logged: the migration's own outcome is the data's, not the validation's; the
// results are in DATA_VALIDATION either way.
func (m *migrationRun) validateAfter(ctx workflow.Context) string {
	if m.st.Completed == 0 || !slices.ContainsFunc(m.tables, func(t config.TableConfig) bool { return t.Validation != nil }) {
		return ""
	}
	if workflow.GetVersion(ctx, versionValidateAfter, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return ""
	}
	cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID:        ValidationWorkflowID(m.in.Name),
		TaskQueue:         workflow.GetInfo(ctx).TaskQueueName,
		ParentClosePolicy: enumspb.PARENT_CLOSE_POLICY_REQUEST_CANCEL,
		Memo:              map[string]any{"summary": "validation after migration " + m.in.Name},
	})
	var res ValidationResult
	err := workflow.ExecuteChildWorkflow(cctx, ValidationWorkflowName, ValidationInput{
		Name: m.in.Name, ConnectionName: m.in.ConnectionName, SourcePlatform: m.in.SourcePlatform, Config: m.in.Config,
		TaskQueueBase: m.in.TaskQueueBase, Limits: m.in.Limits, OnlyConfigured: true,
	}).Get(ctx, &res)
	if err != nil {
		workflow.GetLogger(ctx).Warn("validation after the migration did not complete", "error", message(err))
		return "validation did not complete: " + truncate(message(err), 300)
	}
	return fmt.Sprintf("validation %s: %d tables matched, %d mismatched, %d could not be validated",
		res.Status, res.Matched, res.Mismatched, res.Errors)
}
