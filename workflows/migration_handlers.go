package workflows

import (
	"errors"
	"fmt"
	"slices"

	"go.temporal.io/sdk/workflow"

	"github.com/snowmigrate/snowmigrate/migration"
)

// registerHandlers installs the progress query and the pause / resume / cancel-table
// updates. Updates (not signals) so that the starter learns whether the request was
// accepted, e.g. an unknown table key is rejected by the validator and never enters
// the history.
func (m *migrationRun) registerHandlers(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, QueryProgress, func() (MigrationProgress, error) {
		return m.progress(), nil
	}); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdatePause, func(ctx workflow.Context) (string, error) {
		m.st.Paused = true
		m.forward(ctx, SignalPause)
		return "paused: no new table starts; running tables stop starting partitions", nil
	}, workflow.UpdateHandlerOptions{Validator: m.validateRunning}); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateResume, func(ctx workflow.Context) (string, error) {
		m.st.Paused = false
		m.forward(ctx, SignalResume)
		return "resumed", nil
	}, workflow.UpdateHandlerOptions{Validator: m.validateRunning}); err != nil {
		return err
	}
	return workflow.SetUpdateHandlerWithOptions(ctx, UpdateCancelTable, m.cancelTable,
		workflow.UpdateHandlerOptions{Validator: m.validateCancelTable})
}

func (m *migrationRun) finished() bool {
	switch m.status {
	case OutcomeCompleted, OutcomeCompletedWithFailures, OutcomeFailed, OutcomeCancelled:
		return true
	}
	return false
}

func (m *migrationRun) validateRunning() error {
	if m.finished() {
		return fmt.Errorf("migration %s already ended (%s)", m.in.Name, m.status)
	}
	return nil
}

func (m *migrationRun) validateCancelTable(key string) error {
	if err := m.validateRunning(); err != nil {
		return err
	}
	if m.keyIndex == nil {
		return errors.New("the configuration is not loaded yet: retry in a moment")
	}
	if _, ok := m.keyIndex[key]; !ok {
		return fmt.Errorf("migration %s has no table %q: give the source table as database.schema.table, as `starter status` lists it", m.in.Name, key)
	}
	return nil
}

// cancelTable cancels a running table (it records itself CANCELLED) or marks a table
// not started yet to be skipped. It does not wait for the child to stop.
func (m *migrationRun) cancelTable(ctx workflow.Context, key string) (string, error) {
	if rt, ok := m.running[key]; ok {
		if !rt.cancelling {
			rt.cancelling = true
			rt.cancel()
		}
		return "cancelling table " + key, nil
	}
	if m.keyIndex[key] < m.st.NextTable {
		return "", fmt.Errorf("table %s already finished: nothing to cancel", key)
	}
	if !slices.Contains(m.st.CancelTables, key) {
		m.st.CancelTables = append(m.st.CancelTables, key)
	}
	return "table " + key + " will be skipped", nil
}

// forward sends a signal to every running child, in a deterministic order. A child that
// finished meanwhile cannot receive it, which is fine.
func (m *migrationRun) forward(ctx workflow.Context, signal string) {
	var futures []workflow.Future
	for _, key := range workflow.DeterministicKeys(m.running) {
		futures = append(futures, m.running[key].future.SignalChildWorkflow(ctx, signal, nil))
	}
	for _, f := range futures {
		if err := f.Get(ctx, nil); err != nil {
			workflow.GetLogger(ctx).Info("signal not delivered to a table", "signal", signal, "error", message(err))
		}
	}
}

func (m *migrationRun) progress() MigrationProgress {
	status := m.status
	if status == migration.StatusExecuting && m.st.Paused {
		status = migration.StatusPaused
	}
	p := MigrationProgress{
		Name: m.in.Name, Status: status, TablesTotal: m.st.TablesTotal,
		TablesCompleted: m.st.Completed, TablesFailed: m.st.Failed, TablesCancelled: m.st.Cancelled,
		Rows: m.st.Rows, Running: []TableProgress{}, Failures: m.st.Failures,
		Recent: m.recent, StartedAt: m.st.StartedAt,
	}
	keys := workflow.DeterministicKeysFunc(m.running, func(a, b string) int {
		return m.running[a].index - m.running[b].index
	})
	for _, key := range keys {
		rt := m.running[key]
		st := migration.StatusExecuting
		switch {
		case rt.cancelling:
			st = "CANCELLING"
		case m.st.Paused:
			st = migration.StatusPaused
		}
		p.Running = append(p.Running, TableProgress{TableKey: key, WorkflowID: rt.wfID, Status: st})
	}
	return p
}

// MaxRecent bounds MigrationProgress.Recent.
const MaxRecent = 32

// noteEnded keeps a table that ended for the views: a failed or cancelled one in the
// carried failures (bounded by MaxFailures, with its reason), every one in this run's
// recent list (bounded by MaxRecent).
func (m *migrationRun) noteEnded(res TableResult) {
	if res.Status != migration.StatusCompleted && len(m.st.Failures) < MaxFailures {
		m.st.Failures = append(m.st.Failures, res)
	}
	m.recent = append(m.recent, res)
	if len(m.recent) > MaxRecent {
		m.recent = slices.Delete(m.recent, 0, len(m.recent)-MaxRecent)
	}
}

// cancelReason says why a running table was cancelled.
func cancelReason(rt *runningTable) string {
	if rt != nil && rt.cancelling {
		return "cancelled by request (starter cancel --table)"
	}
	return "cancelled: the migration was cancelled"
}

func (m *migrationRun) summary() string {
	return fmt.Sprintf("%d/%d tables completed, %d failed, %d cancelled, %d rows",
		m.st.Completed, m.st.TablesTotal, m.st.Failed, m.st.Cancelled, m.st.Rows)
}

// upsertSummary keeps a human summary in the memo, visible in the Web UI and `list`.
func (m *migrationRun) upsertSummary(ctx workflow.Context) {
	if err := workflow.UpsertMemo(ctx, map[string]any{"summary": m.status + ": " + m.summary()}); err != nil {
		workflow.GetLogger(ctx).Warn("memo upsert failed", "error", err)
	}
}
