package workflows

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/migration"
)

// validationRun is one run of ValidationWorkflow.
type validationRun struct {
	in       ValidationInput
	lim      Limits
	st       ValidationState
	tables   []TableValidationInput // the tables to validate, in configuration order
	level    int                    // the highest level asked of any table
	tol      float64                // the tolerance recorded on VALIDATION_RUN (the override, else the first table's)
	running  int
	started  int
	wfID     string
	affinity string
}

// ValidationWorkflow validates a migration's tables (docs/validation.md): it
// normalizes the configuration as the migration does, ensures the metadata schema,
// then runs one TableValidationWorkflow per table through the migration's table
// window, continuing as new every TablesPerRun tables, and records the run in
// DATA_VALIDATION.VALIDATION_RUN. Its result's Status is MATCH only when every table
// matched; a mismatch is a result, not a failure.
func ValidationWorkflow(ctx workflow.Context, in ValidationInput) (ValidationResult, error) {
	info := workflow.GetInfo(ctx)
	v := &validationRun{in: in, lim: in.Limits.WithDefaults(), wfID: info.WorkflowExecution.ID}
	if in.State != nil {
		v.st = *in.State
	} else {
		v.st.ValidationID = info.FirstRunID
		if v.st.ValidationID == "" {
			v.st.ValidationID = info.WorkflowExecution.RunID
		}
		v.st.StartedAt = workflow.Now(ctx)
	}
	if err := v.plan(); err != nil {
		return ValidationResult{}, err
	}
	if in.State == nil {
		v.st.Counts.Total = len(v.tables)
		if err := workflow.ExecuteActivity(activityOptions(ctx, v.lim, kindMetadata, ""), snowflakeapi.EnsureMetadataName,
			snowflakeapi.EnsureMetadataInput{ConnectionName: in.ConnectionName}).Get(ctx, nil); err != nil {
			return ValidationResult{}, temporal.NewNonRetryableApplicationError(
				fmt.Sprintf("ensure the metadata schema with connection %q: %s", in.ConnectionName, message(err)), ErrTypeMigrationFailed, nil)
		}
		v.recordRun(ctx, snowflakeapi.ValidationRunning, nil)
	}
	cont, err := v.loop(ctx)
	if err != nil {
		return ValidationResult{}, err
	}
	if cont {
		next := v.in
		st := v.st
		next.State = &st
		return ValidationResult{}, workflow.NewContinueAsNewError(ctx, ValidationWorkflowName, next)
	}
	res := v.result(ctx)
	v.recordRun(ctx, res.Status, &res.EndedAt)
	return res, nil
}

// plan normalizes the configuration (pure, so deterministic in every run) and
// decides each table's level and tolerance.
func (v *validationRun) plan() error {
	if v.in.Level != 0 {
		if msg := config.CheckValidationLevel(v.in.Level); msg != "" {
			return temporal.NewNonRetryableApplicationError(msg, migration.ErrTypeConfig, nil)
		}
	}
	if v.in.Tolerance != nil {
		if msg := config.CheckValidationTolerance(*v.in.Tolerance); msg != "" {
			return temporal.NewNonRetryableApplicationError(msg, migration.ErrTypeConfig, nil)
		}
	}
	n, problems := config.Normalize(v.in.Config, v.in.SourcePlatform)
	if len(problems) > 0 {
		lines := make([]string, 0, len(problems))
		for _, p := range problems {
			lines = append(lines, p.Path+": "+p.Message)
		}
		return temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("invalid workflow configuration (%d problems):\n%s", len(problems), strings.Join(lines, "\n")),
			migration.ErrTypeConfig, nil, problems)
	}
	v.affinity = n.Affinity
	seen := map[string]bool{}
	for _, t := range n.Tables {
		key := config.TableKey(t)
		if seen[key] || v.in.OnlyConfigured && t.Validation == nil {
			continue
		}
		seen[key] = true
		level := v.in.Level
		if level == 0 {
			level = t.Validation.EffectiveLevel()
			if level == 0 {
				level = config.DefaultValidationLevel
			}
		}
		tol := t.Validation.EffectiveTolerance()
		if v.in.Tolerance != nil {
			tol = *v.in.Tolerance
		}
		if len(v.tables) == 0 {
			v.tol = tol
		}
		v.level = max(v.level, level)
		v.tables = append(v.tables, TableValidationInput{
			ValidationID: v.st.ValidationID, Migration: v.in.Name, ConnectionName: v.in.ConnectionName,
			SourcePlatform: v.in.SourcePlatform, Affinity: v.affinity, TaskQueueBase: baseOf(v.in.TaskQueueBase),
			TableKey: key, Table: t, Level: level, Tolerance: tol, Limits: v.in.Limits,
		})
	}
	return nil
}

// loop starts the tables through the window; cont=true when the run must continue
// as new (after draining the window).
func (v *validationRun) loop(ctx workflow.Context) (cont bool, err error) {
	for v.st.NextTable < len(v.tables) {
		if err := workflow.Await(ctx, func() bool { return v.running < v.lim.TableWindow }); err != nil {
			return false, err
		}
		info := workflow.GetInfo(ctx)
		if v.started >= v.lim.TablesPerRun || info.GetCurrentHistoryLength() >= v.lim.HistoryBudget || info.GetContinueAsNewSuggested() {
			cont = true
			break
		}
		t := v.tables[v.st.NextTable]
		v.st.NextTable++
		v.started++
		v.running++
		cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
			WorkflowID:          TableValidationWorkflowID(v.wfID, t.TableKey),
			TaskQueue:           workflow.GetInfo(ctx).TaskQueueName,
			ParentClosePolicy:   enumspb.PARENT_CLOSE_POLICY_REQUEST_CANCEL,
			WaitForCancellation: true,
			Memo:                map[string]any{"summary": fmt.Sprintf("validation of table %s of migration %s", t.TableKey, v.in.Name)},
		})
		fut := workflow.ExecuteChildWorkflow(cctx, TableValidationWorkflowName, t)
		key := t.TableKey
		workflow.Go(ctx, func(gctx workflow.Context) {
			var res TableValidation
			if err := fut.Get(gctx, &res); err != nil {
				res = TableValidation{TableKey: key, Status: snowflakeapi.ValidationError,
					Levels: []snowflakeapi.ValidationLevelResult{errorLevel(1, "table validation workflow: "+message(err))}}
			}
			v.settle(res)
			v.running--
		})
	}
	if err := workflow.Await(ctx, func() bool { return v.running == 0 }); err != nil {
		return false, err
	}
	return cont, nil
}

// settle folds a finished table into the counters and the bounded report, keeping
// mismatched and failed tables in preference to matched ones.
func (v *validationRun) settle(res TableValidation) {
	switch res.Status {
	case snowflakeapi.ValidationMatch:
		v.st.Counts.Matched++
	case snowflakeapi.ValidationMismatch:
		v.st.Counts.Mismatched++
	default:
		v.st.Counts.Errors++
	}
	v.st.Tables = append(v.st.Tables, res)
	if len(v.st.Tables) > MaxReportedTables {
		// Drop the first matched table, else the newest one.
		i := slices.IndexFunc(v.st.Tables, func(t TableValidation) bool { return t.Status == snowflakeapi.ValidationMatch })
		if i < 0 {
			i = len(v.st.Tables) - 1
		}
		v.st.Tables = slices.Delete(v.st.Tables, i, i+1)
	}
}

func (v *validationRun) status() string {
	switch {
	case v.st.Counts.Mismatched > 0:
		return snowflakeapi.ValidationMismatch
	case v.st.Counts.Errors > 0:
		return snowflakeapi.ValidationError
	}
	return snowflakeapi.ValidationMatch
}

func (v *validationRun) result(ctx workflow.Context) ValidationResult {
	tables := slices.Clone(v.st.Tables)
	sort.SliceStable(tables, func(i, j int) bool { return tables[i].TableKey < tables[j].TableKey })
	return ValidationResult{
		ValidationID: v.st.ValidationID, Migration: v.in.Name, Status: v.status(), ValidationCounts: v.st.Counts,
		Tables: tables, StartedAt: v.st.StartedAt, EndedAt: workflow.Now(ctx),
	}
}

func (v *validationRun) summary() string {
	c := v.st.Counts
	return fmt.Sprintf("%d tables: %d matched, %d mismatched, %d could not be validated", c.Total, c.Matched, c.Mismatched, c.Errors)
}

// recordRun upserts VALIDATION_RUN; a failure is logged (the tables' rows are
// recorded by their own workflows, and the result carries the outcome).
func (v *validationRun) recordRun(ctx workflow.Context, status string, ended *time.Time) {
	in := snowflakeapi.RecordValidationRunInput{
		ConnectionName: v.in.ConnectionName, ValidationID: v.st.ValidationID, Migration: v.in.Name, ValidationWorkflowID: v.wfID,
		Level: v.level, Tolerance: v.tol, Status: status, TablesTotal: v.st.Counts.Total, TablesMatched: v.st.Counts.Matched,
		TablesMismatched: v.st.Counts.Mismatched, TablesError: v.st.Counts.Errors, Message: v.summary(), StartedAt: v.st.StartedAt, EndedAt: ended,
	}
	if err := workflow.ExecuteActivity(activityOptions(ctx, v.lim, kindMetadata, ""), snowflakeapi.RecordValidationRunName, in).Get(ctx, nil); err != nil {
		workflow.GetLogger(ctx).Warn("recording the validation run failed", "error", message(err))
	}
}
