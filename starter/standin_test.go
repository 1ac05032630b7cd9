package main

import (
	"fmt"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/workflows"
)

// The starter's commands are tested against a real Temporal dev server with this
// stand-in registered as DataMigrationWorkflow: it answers the progress query and the
// pause/resume/cancel-table updates like the real workflow (same names and types), and
// finishes tables when the test signals it, so every outcome can be produced on demand.

const signalAdvance = "test-advance"

// advance finishes one table: completed with Rows, or failed.
type advance struct {
	TableKey string
	Fail     bool
	Rows     int64
}

func standInWorkflow(ctx workflow.Context, in workflows.MigrationInput) (workflows.MigrationResult, error) {
	n, probs := config.Normalize(in.Config, in.SourcePlatform)
	if len(probs) > 0 {
		return workflows.MigrationResult{}, temporal.NewNonRetryableApplicationError(fmt.Sprint(probs), "InvalidConfig", nil)
	}
	started := workflow.Now(ctx)
	prog := workflows.MigrationProgress{Name: in.Name, Status: "EXECUTING", TablesTotal: len(n.Tables)}
	for _, t := range n.Tables {
		key := config.TableKey(t)
		prog.Running = append(prog.Running, workflows.TableProgress{
			TableKey: key, WorkflowID: workflows.TableWorkflowID(in.Name, key), Status: "EXECUTING",
			PartitionsPlanned: 4, PlanDone: true, PartitionsCompleted: 1, PartitionsLoading: 1, Rows: 10,
		})
	}
	paused := false
	var failures, recent []workflows.TableResult
	remove := func(key string) bool {
		for i, t := range prog.Running {
			if t.TableKey == key {
				prog.Running = append(prog.Running[:i], prog.Running[i+1:]...)
				return true
			}
		}
		return false
	}
	if err := workflow.SetQueryHandler(ctx, workflows.QueryProgress, func() (workflows.MigrationProgress, error) {
		p := prog
		if paused {
			p.Status = "PAUSED"
		}
		p.Failures, p.Recent = failures, recent
		return p, nil
	}); err != nil {
		return workflows.MigrationResult{}, err
	}
	if err := workflow.SetUpdateHandler(ctx, workflows.UpdatePause, func(workflow.Context) (string, error) { paused = true; return "paused by request", nil }); err != nil {
		return workflows.MigrationResult{}, err
	}
	if err := workflow.SetUpdateHandler(ctx, workflows.UpdateResume, func(workflow.Context) error { paused = false; return nil }); err != nil {
		return workflows.MigrationResult{}, err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, workflows.UpdateCancelTable,
		func(_ workflow.Context, key string) error {
			remove(key)
			prog.TablesCancelled++
			failures = append(failures, workflows.TableResult{TableKey: key, Status: "CANCELLED", Error: "cancelled by the user"})
			recent = append(recent, failures[len(failures)-1])
			return nil
		},
		workflow.UpdateHandlerOptions{Validator: func(key string) error {
			for _, t := range prog.Running {
				if t.TableKey == key {
					return nil
				}
			}
			return fmt.Errorf("no running table %q in migration %s", key, in.Name)
		}},
	); err != nil {
		return workflows.MigrationResult{}, err
	}
	ch := workflow.GetSignalChannel(ctx, signalAdvance)
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			var a advance
			if !ch.Receive(ctx, &a) {
				return
			}
			if !remove(a.TableKey) {
				continue
			}
			if a.Fail {
				prog.TablesFailed++
				failures = append(failures, workflows.TableResult{TableKey: a.TableKey, Status: "FAILED", Error: "source table is missing"})
				recent = append(recent, failures[len(failures)-1])
			} else {
				prog.TablesCompleted++
				prog.Rows += a.Rows
				recent = append(recent, workflows.TableResult{TableKey: a.TableKey, Status: "COMPLETED", Partitions: 4, Rows: a.Rows, Bytes: a.Rows * 100})
			}
		}
	})
	if err := workflow.Await(ctx, func() bool { return len(prog.Running) == 0 }); err != nil {
		return workflows.MigrationResult{}, err // cancelled
	}
	outcome := workflows.OutcomeCompleted
	if prog.TablesFailed+prog.TablesCancelled > 0 {
		outcome = workflows.OutcomeCompletedWithFailures
	}
	return workflows.MigrationResult{
		Outcome: outcome, TablesTotal: prog.TablesTotal, TablesCompleted: prog.TablesCompleted,
		TablesFailed: prog.TablesFailed, TablesCancelled: prog.TablesCancelled, Rows: prog.Rows, Bytes: prog.Rows * 100,
		Failures: failures, StartedAt: started, EndedAt: workflow.Now(ctx),
	}, nil
}
