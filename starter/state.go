package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
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
	// Tables are the running tables, each with its own progress (partitions, rows).
	Tables []tableView `json:"tables,omitempty"`
	// FailedTables are the failed and cancelled tables the migration lists (the first
	// workflows.MaxFailures), each with its reason; MoreFailed counts the others.
	FailedTables []tableView `json:"failedTables,omitempty"`
	MoreFailed   int         `json:"moreFailedTables,omitempty"`
	// recent are the tables that ended last (the progress query's list), for watch.
	recent []tableView
}

func (s migrationState) running() bool {
	return s.Status == enums.WORKFLOW_EXECUTION_STATUS_RUNNING.String()
}

// maxTableQueries bounds the running tables whose own progress one refresh queries
// (the table window is 8 by default; the rest show their state only).
const maxTableQueries = 50

// fetchOptions say what fetchState reads beyond the migration itself.
type fetchOptions struct {
	// recentOnClose queries a closed migration's progress too (a worker replays it), for
	// the tables that ended after the last look; watch wants them, status does not wait.
	recentOnClose bool
}

// fetchState describes the migration and, while it runs, queries its progress and that
// of each running table; once it has closed, it reads the result (also when the
// workflow failed: the result rides in the failure).
func fetchState(c *cli.Context, cl client.Client, name string, opts fetchOptions) (migrationState, error) {
	ctx, cancel := contextWithTimeout(c)
	defer cancel()
	desc, err := cl.DescribeWorkflowExecution(ctx, name, "")
	if err != nil {
		if isUnreachable(err) {
			return migrationState{}, unreachable(c, err)
		}
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
	now := time.Now()
	if st.running() {
		p, err := queryProgress(c, cl, name, st.RunID, queryTimeout)
		if err != nil {
			st.ProgressError = progressError(err)
			return st, nil
		}
		st.Progress = &p
		st.Tables = runningTables(c, cl, p.Running, now)
		st.setFailed(p.Failures, p.TablesFailed+p.TablesCancelled)
		st.recent = views(p.Recent)
		return st, nil
	}
	var res workflows.MigrationResult
	if err := cl.GetWorkflow(ctx, name, st.RunID).Get(ctx, &res); err != nil {
		// Outcome FAILED (every table failed) fails the workflow; its result, with
		// each table's reason, is in the failure's details.
		if r, ok := workflows.MigrationResultFromError(err); ok {
			st.Result = &r
		}
		st.Error = err.Error()
		if isUnreachable(err) {
			return migrationState{}, unreachable(c, err)
		}
	} else {
		st.Result = &res
	}
	if r := st.Result; r != nil {
		st.setFailed(r.Failures, r.TablesFailed+r.TablesCancelled)
	}
	if opts.recentOnClose {
		if p, err := queryProgress(c, cl, name, st.RunID, closedQueryTimeout); err == nil {
			st.recent = views(p.Recent)
		}
	}
	return st, nil
}

// closedQueryTimeout bounds the query of a closed migration (a worker must replay it;
// without one, watch ends without the last tables' counts rather than hang).
const closedQueryTimeout = 3 * time.Second

func queryProgress(c *cli.Context, cl client.Client, id, runID string, timeout time.Duration) (workflows.MigrationProgress, error) {
	var p workflows.MigrationProgress
	qctx, qcancel := context.WithTimeout(c.Context, timeout)
	defer qcancel()
	v, err := cl.QueryWorkflow(qctx, id, runID, workflows.QueryProgress)
	if err == nil {
		err = v.Get(&p)
	}
	return p, err
}

// runningTables asks each running table for its own progress (the migration's entry
// names it only), a few at a time; a table that does not answer keeps the migration's
// entry.
func runningTables(c *cli.Context, cl client.Client, running []workflows.TableProgress, now time.Time) []tableView {
	out := make([]tableView, len(running))
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for i, rp := range running {
		out[i] = viewOfProgress(rp, rp.PartitionsPlanned > 0 || rp.Rows > 0, now)
		if i >= maxTableQueries || rp.WorkflowID == "" {
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			qctx, cancel := context.WithTimeout(c.Context, queryTimeout)
			defer cancel()
			v, err := cl.QueryWorkflow(qctx, rp.WorkflowID, "", workflows.QueryProgress)
			var tp workflows.TableProgress
			if err == nil && v.Get(&tp) == nil {
				if rp.Status == "CANCELLING" || rp.Status == "PAUSED" {
					tp.Status = rp.Status // the migration knows better
				}
				out[i] = viewOfProgress(tp, true, now)
			}
		}()
	}
	wg.Wait()
	return out
}

func views(rs []workflows.TableResult) []tableView {
	out := make([]tableView, 0, len(rs))
	for _, r := range rs {
		out = append(out, viewOfResult(r))
	}
	return out
}

// setFailed lists the failed and cancelled tables the workflow kept; total is how many
// there are (the workflow keeps the first MaxFailures).
func (s *migrationState) setFailed(fs []workflows.TableResult, total int) {
	s.FailedTables = views(fs)
	s.MoreFailed = max(0, total-len(fs))
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
