package workflows

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/migration"
)

// MaxFailures bounds the failed tables a migration keeps in its state and result; the
// counters stay exact, and the metadata tables hold every failure.
const MaxFailures = 20

// migrationRun is one run of DataMigrationWorkflow.
type migrationRun struct {
	in         MigrationInput
	lim        Limits
	st         MigrationState
	tables     []config.TableConfig
	keys       []string
	keyIndex   map[string]int
	affinity   string
	running    map[string]*runningTable
	startedRun int
	status     string
	wfID       string
	recent     []TableResult // tables that ended last, for the progress query (this run only)
}

// runningTable is a child in flight.
type runningTable struct {
	index      int
	wfID       string
	future     workflow.ChildWorkflowFuture
	cancel     workflow.CancelFunc
	cancelling bool
}

// DataMigrationWorkflow migrates every table of a configuration: it validates the
// configuration, ensures the metadata schema, then runs one TableMigrationWorkflow per
// table through a bounded window, continuing as new every few hundred tables.
func DataMigrationWorkflow(ctx workflow.Context, in MigrationInput) (MigrationResult, error) {
	info := workflow.GetInfo(ctx)
	m := &migrationRun{
		in: in, lim: in.Limits.WithDefaults(), running: map[string]*runningTable{},
		status: migration.StatusPending, wfID: info.WorkflowExecution.ID,
	}
	if in.State != nil {
		m.st = *in.State
	} else {
		m.st.RunID = info.FirstRunID
		if m.st.RunID == "" {
			m.st.RunID = info.WorkflowExecution.RunID
		}
		m.st.StartedAt = workflow.Now(ctx)
	}
	if err := m.registerHandlers(ctx); err != nil {
		return MigrationResult{}, err
	}
	return m.run(ctx)
}

func (m *migrationRun) run(ctx workflow.Context) (MigrationResult, error) {
	if err := m.loadConfig(); err != nil {
		return MigrationResult{}, err
	}
	if m.in.State == nil {
		if err := m.setUp(ctx); err != nil {
			if ctx.Err() != nil {
				return m.cancelled(ctx)
			}
			m.status = OutcomeFailed
			res := m.result(ctx, OutcomeFailed)
			return res, temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeMigrationFailed, nil, res)
		}
	}
	m.status = migration.StatusExecuting
	m.upsertSummary(ctx)
	cont, err := m.tablesLoop(ctx)
	if err != nil {
		return m.cancelled(ctx)
	}
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return m.cancelled(ctx)
	}
	if cont {
		m.st.CancelTables = slices.DeleteFunc(m.st.CancelTables, func(k string) bool { return m.keyIndex[k] < m.st.NextTable })
		m.st.Runs++
		m.upsertSummary(ctx)
		next := m.in
		st := m.st
		next.State = &st
		return MigrationResult{}, workflow.NewContinueAsNewError(ctx, DataMigrationWorkflowName, next)
	}
	return m.finish(ctx)
}

// loadConfig normalizes the configuration in every run: Normalize is pure, so this is
// deterministic and keeps the table list out of the carried state.
func (m *migrationRun) loadConfig() error {
	n, problems := config.Normalize(m.in.Config, m.in.SourcePlatform)
	m.tables, m.affinity = n.Tables, n.Affinity
	m.keys = make([]string, len(n.Tables))
	m.keyIndex = make(map[string]int, len(n.Tables))
	for i, t := range n.Tables {
		k := config.TableKey(t)
		if j, dup := m.keyIndex[k]; dup {
			problems = append(problems, config.Problem{
				Path:    fmt.Sprintf("tables[%d].source", i),
				Message: fmt.Sprintf("table %s is listed twice (also tables[%d]): list each source table once", k, j),
			})
			continue
		}
		m.keys[i], m.keyIndex[k] = k, i
	}
	if len(problems) > 0 {
		lines := make([]string, 0, len(problems))
		for _, p := range problems {
			lines = append(lines, p.Path+": "+p.Message)
		}
		return temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("invalid workflow configuration (%d problems):\n%s", len(problems), strings.Join(lines, "\n")),
			migration.ErrTypeConfig, nil, problems)
	}
	if m.in.State == nil {
		m.st.TablesTotal = len(m.tables)
	}
	return nil
}

// setUp ensures the metadata schema and stage and records the workflow as executing.
func (m *migrationRun) setUp(ctx workflow.Context) error {
	var meta snowflakeapi.EnsureMetadataResult
	err := workflow.ExecuteActivity(activityOptions(ctx, m.lim, kindMetadata, ""), snowflakeapi.EnsureMetadataName,
		snowflakeapi.EnsureMetadataInput{ConnectionName: m.in.ConnectionName}).Get(ctx, &meta)
	if err != nil {
		return fmt.Errorf("ensure the metadata schema with connection %q: %s", m.in.ConnectionName, message(err))
	}
	if meta.StageName == "" {
		return fmt.Errorf("ensure the metadata schema with connection %q: no stage name returned", m.in.ConnectionName)
	}
	m.st.StageName = meta.StageName
	cfg, err := json.Marshal(m.in.Config)
	if err != nil {
		return fmt.Errorf("encode the configuration for the metadata: %w", err)
	}
	if err := m.record(ctx, migration.StatusExecuting, string(cfg), ""); err != nil {
		return fmt.Errorf("record the workflow in the metadata: %s", message(err))
	}
	return nil
}

func (m *migrationRun) record(ctx workflow.Context, status, configJSON, msg string) error {
	in := snowflakeapi.RecordWorkflowInput{
		// The migration name, not the workflow ID: a scheduled run's ID carries its
		// scheduled time (starter schedule), and the metadata keys runs by name and run.
		ConnectionName: m.in.ConnectionName, WorkflowID: m.in.Name, RunID: m.st.RunID, Name: m.in.Name,
		Status: status, Affinity: m.affinity, SourcePlatform: m.in.SourcePlatform, ConfigJSON: configJSON,
		StartedAt: m.st.StartedAt, TablesTotal: m.st.TablesTotal, TablesCompleted: m.st.Completed,
		TablesFailed: m.st.Failed, Message: truncate(msg, 4000),
	}
	if status != migration.StatusExecuting {
		now := workflow.Now(ctx)
		in.EndedAt = &now
	}
	return workflow.ExecuteActivity(activityOptions(ctx, m.lim, kindMetadata, ""), snowflakeapi.RecordWorkflowName, in).Get(ctx, nil)
}

// tablesLoop starts tables through the window. It returns cont=true when the run must
// continue as new (the window is drained first), err when the workflow is cancelled.
func (m *migrationRun) tablesLoop(ctx workflow.Context) (cont bool, err error) {
	for m.st.NextTable < len(m.tables) {
		if err := workflow.Await(ctx, func() bool {
			return len(m.running) < m.lim.TableWindow && !m.st.Paused
		}); err != nil {
			return false, err
		}
		if m.shouldContinueAsNew(ctx) {
			cont = true
			break
		}
		i := m.st.NextTable
		m.st.NextTable++
		if k := m.keys[i]; slices.Contains(m.st.CancelTables, k) {
			m.st.CancelTables = slices.DeleteFunc(m.st.CancelTables, func(s string) bool { return s == k })
			m.st.Cancelled++
			m.noteEnded(TableResult{TableKey: k, Status: migration.StatusCancelled, Error: "cancelled by request before it started"})
			continue
		}
		m.startTable(ctx, i)
	}
	// Drain: children belong to this run (the parent-close policy cancels them when it
	// closes), and their results feed the counters that continue-as-new carries.
	if err := workflow.Await(ctx, func() bool { return len(m.running) == 0 }); err != nil {
		return false, err
	}
	return cont, nil
}

func (m *migrationRun) shouldContinueAsNew(ctx workflow.Context) bool {
	info := workflow.GetInfo(ctx)
	return m.startedRun >= m.lim.TablesPerRun ||
		info.GetCurrentHistoryLength() >= m.lim.HistoryBudget ||
		info.GetContinueAsNewSuggested()
}

func (m *migrationRun) startTable(ctx workflow.Context, i int) {
	key, t := m.keys[i], m.tables[i]
	base := baseOf(m.in.TaskQueueBase)
	cctx, cancel := workflow.WithCancel(ctx)
	wfID := TableWorkflowID(m.in.Name, key)
	cctx = workflow.WithChildOptions(cctx, workflow.ChildWorkflowOptions{
		WorkflowID: wfID,
		TaskQueue:  workflow.GetInfo(ctx).TaskQueueName,
		// Request-cancel rather than terminate: a cancelled table still records
		// CANCELLED in the metadata and stops its activities cleanly.
		ParentClosePolicy:   enumspb.PARENT_CLOSE_POLICY_REQUEST_CANCEL,
		WaitForCancellation: true,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			temporal.NewSearchAttributeKeyKeyword(SearchAttrMigration).ValueSet(m.in.Name),
			temporal.NewSearchAttributeKeyKeyword(SearchAttrPlatform).ValueSet(m.in.SourcePlatform),
			temporal.NewSearchAttributeKeyKeyword(SearchAttrTable).ValueSet(key),
		),
		Memo: map[string]any{"summary": fmt.Sprintf("table %s of migration %s", key, m.in.Name)},
	})
	fut := workflow.ExecuteChildWorkflow(cctx, TableMigrationWorkflowName, TableInput{
		Migration: m.in.Name, MigrationRunID: m.st.RunID, ConnectionName: m.in.ConnectionName,
		SourcePlatform: m.in.SourcePlatform, Affinity: m.affinity, TaskQueueBase: base,
		TableKey: key, Table: t, StageName: m.st.StageName,
		Limits: m.in.Limits,
	})
	rt := &runningTable{index: i, wfID: wfID, future: fut, cancel: cancel}
	m.running[key] = rt
	m.startedRun++
	workflow.Go(ctx, func(gctx workflow.Context) {
		var res TableResult
		err := fut.Get(gctx, &res)
		m.settle(gctx, key, res, err)
		delete(m.running, key)
	})
}

// settle folds a finished child into the counters.
func (m *migrationRun) settle(ctx workflow.Context, key string, res TableResult, err error) {
	switch {
	case err == nil:
		m.st.Completed++
		m.st.Rows += res.Rows
		m.st.Bytes += res.Bytes
		m.noteEnded(res)
	case temporal.IsCanceledError(err):
		m.st.Cancelled++
		m.noteEnded(TableResult{TableKey: key, Status: migration.StatusCancelled, Error: cancelReason(m.running[key])})
	default:
		failed, ok := TableResultFromError(err)
		if !ok {
			failed = TableResult{TableKey: key, Status: migration.StatusFailed, Error: "table workflow: " + message(err)}
		}
		failed.Error = truncate(failed.Error, 1000)
		m.st.Failed++
		m.st.Rows += failed.Rows
		m.st.Bytes += failed.Bytes
		m.noteEnded(failed)
	}
	if settled := m.st.Completed + m.st.Failed + m.st.Cancelled; settled%25 == 0 {
		m.upsertSummary(ctx)
	}
}

// finish records the outcome. FAILED (no table completed) fails the workflow, with the
// result in the error's details (MigrationResultFromError).
func (m *migrationRun) finish(ctx workflow.Context) (MigrationResult, error) {
	outcome := OutcomeCompleted
	switch {
	case m.st.Failed > 0 && m.st.Completed == 0:
		outcome = OutcomeFailed
	case m.st.Failed > 0:
		outcome = OutcomeCompletedWithFailures
	}
	m.status = outcome
	res := m.result(ctx, outcome)
	msg := m.summary()
	if v := m.validateAfter(ctx); v != "" { // validate_after.go
		msg += "; " + v
	}
	if err := m.record(ctx, outcome, "", msg); err != nil {
		workflow.GetLogger(ctx).Warn("final workflow record failed", "error", message(err))
	}
	m.upsertSummary(ctx)
	if outcome == OutcomeFailed {
		return res, temporal.NewNonRetryableApplicationError("every table failed: "+msg, ErrTypeMigrationFailed, nil, res)
	}
	return res, nil
}

// cancelled waits for the children to acknowledge the cancellation (they record
// themselves as CANCELLED), then records the workflow as CANCELLED on a context that
// outlives the cancellation.
func (m *migrationRun) cancelled(ctx workflow.Context) (MigrationResult, error) {
	dctx, cancel := workflow.NewDisconnectedContext(ctx)
	defer cancel()
	_ = workflow.Await(dctx, func() bool { return len(m.running) == 0 })
	m.st.Cancelled += max(0, m.st.TablesTotal-m.st.NextTable) // never started
	m.st.NextTable = m.st.TablesTotal
	m.status = OutcomeCancelled
	if m.st.StageName != "" { // the metadata exists
		if err := m.record(dctx, OutcomeCancelled, "", m.summary()); err != nil {
			workflow.GetLogger(ctx).Warn("cancelled workflow record failed", "error", message(err))
		}
	}
	if err := ctx.Err(); err != nil {
		return MigrationResult{}, err
	}
	return MigrationResult{}, temporal.NewCanceledError()
}

func (m *migrationRun) result(ctx workflow.Context, outcome string) MigrationResult {
	return MigrationResult{
		Outcome: outcome, TablesTotal: m.st.TablesTotal, TablesCompleted: m.st.Completed,
		TablesFailed: m.st.Failed, TablesCancelled: m.st.Cancelled, Rows: m.st.Rows, Bytes: m.st.Bytes,
		Failures: m.st.Failures, StartedAt: m.st.StartedAt, EndedAt: workflow.Now(ctx),
	}
}
