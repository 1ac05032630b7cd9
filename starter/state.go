package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/urfave/cli/v2"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/snowmigrate/snowmigrate/workflows"
)

// queryTimeout bounds the progress query: a query needs a worker, and when none polls the
// orchestrator queue the call would otherwise wait for the whole request deadline.
const queryTimeout = 5 * time.Second

// migrationState is what status and watch show: Temporal's view of the workflow, the
// progress query's answer while it runs, and the result once it has closed.
type migrationState struct {
	WorkflowID    string                       `json:"workflowId"`
	RunID         string                       `json:"runId"`
	Status        string                       `json:"status"` // Temporal's: Running, Completed, Failed, Canceled, Terminated, TimedOut
	TaskQueue     string                       `json:"taskQueue"`
	StartTime     time.Time                    `json:"startTime"`
	CloseTime     *time.Time                   `json:"closeTime,omitempty"`
	Summary       string                       `json:"summary,omitempty"`
	Progress      *workflows.MigrationProgress `json:"progress,omitempty"`
	ProgressError string                       `json:"progressError,omitempty"`
	Result        *workflows.MigrationResult   `json:"result,omitempty"`
	Error         string                       `json:"error,omitempty"` // why the workflow did not return a result
	URL           string                       `json:"url"`
}

func (s migrationState) running() bool {
	return s.Status == enums.WORKFLOW_EXECUTION_STATUS_RUNNING.String()
}

// fetchState describes the migration and, while it runs, queries its progress; once it
// has closed, it reads the result.
func fetchState(c *cli.Context, cl client.Client, name string) (migrationState, error) {
	ctx, cancel := contextWithTimeout(c)
	defer cancel()
	desc, err := cl.DescribeWorkflowExecution(ctx, name, "")
	if err != nil {
		return migrationState{}, notFound(err, name)
	}
	info := desc.GetWorkflowExecutionInfo()
	if info.GetType().GetName() != workflows.DataMigrationWorkflowName {
		return migrationState{}, fmt.Errorf("workflow %s is a %s, not a migration", name, info.GetType().GetName())
	}
	st := migrationState{
		WorkflowID: info.GetExecution().GetWorkflowId(),
		RunID:      info.GetExecution().GetRunId(),
		Status:     info.GetStatus().String(),
		TaskQueue:  info.GetTaskQueue(),
		StartTime:  info.GetStartTime().AsTime(),
		URL:        workflowURL(c, name),
	}
	if ct := info.GetCloseTime(); ct != nil && !ct.AsTime().IsZero() && !st.running() {
		t := ct.AsTime()
		st.CloseTime = &t
	}
	if f := info.GetMemo().GetFields()["summary"]; f != nil {
		_ = decodePayload(f, &st.Summary) // the memo is informative; a bad one is not an error
	}
	if st.running() {
		qctx, qcancel := context.WithTimeout(c.Context, queryTimeout)
		defer qcancel()
		v, err := cl.QueryWorkflow(qctx, name, st.RunID, workflows.QueryProgress)
		if err == nil {
			var p workflows.MigrationProgress
			if err = v.Get(&p); err == nil {
				st.Progress = &p
			}
		}
		if err != nil {
			st.ProgressError = progressError(err)
		}
		return st, nil
	}
	var res workflows.MigrationResult
	if err := cl.GetWorkflow(ctx, name, st.RunID).Get(ctx, &res); err != nil {
		st.Error = err.Error()
	} else {
		st.Result = &res
	}
	return st, nil
}

func progressError(err error) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Sprintf("no answer to the progress query within %s: is an orchestrator worker running on the migration's task queue?", queryTimeout)
	}
	return "progress query failed: " + err.Error()
}

// succeeded is watch's exit rule: every table completed.
func (s migrationState) succeeded() bool {
	r := s.Result
	return r != nil && r.Outcome == workflows.OutcomeCompleted && r.TablesFailed == 0 && r.TablesCancelled == 0 &&
		r.TablesCompleted == r.TablesTotal
}

// elapsed is the migration's duration so far (or in total once closed).
func (s migrationState) elapsed(now time.Time) time.Duration {
	if r := s.Result; r != nil && !r.StartedAt.IsZero() && !r.EndedAt.IsZero() {
		return r.EndedAt.Sub(r.StartedAt)
	}
	if s.CloseTime != nil {
		return s.CloseTime.Sub(s.StartTime)
	}
	return now.Sub(s.StartTime)
}
