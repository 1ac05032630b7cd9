package workflows

import (
	"fmt"
	"strings"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/activities/sourceapi"
	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/migration"
)

// tableRun is one run of TableMigrationWorkflow: the carried state plus what lives only
// in this run (the in-flight window, the current plan page, the mirror batch).
type tableRun struct {
	in          TableInput
	lim         Limits
	st          TableState
	sourceQueue string
	wfID        string

	page       []migration.Partition // planned, not started yet (this run only)
	pageDone   bool                  // the planner said nothing follows page
	inFlight   int
	extracting int
	loading    int
	startedRun int    // partitions started in this run
	fatal      string // a table-fatal error: stop starting, end FAILED
	status     string
	mirror     *mirror
}

// TableMigrationWorkflow moves one table: introspect, prepare the target, then plan
// partitions page by page and run each through extract → upload → load → verify in a
// bounded window, continuing as new every few hundred partitions.
func TableMigrationWorkflow(ctx workflow.Context, in TableInput) (TableResult, error) {
	t := &tableRun{
		in:          in,
		lim:         in.Limits.WithDefaults(),
		sourceQueue: SourceQueue(baseOf(in.TaskQueueBase), in.Affinity),
		wfID:        workflow.GetInfo(ctx).WorkflowExecution.ID,
		status:      migration.StatusExecuting,
	}
	if in.State != nil {
		t.st = *in.State
	} else {
		t.st.StartedAt = workflow.Now(ctx)
		t.st.Paused = in.Paused
	}
	t.mirror = newMirror(snowflakeapi.RecordPartitionsInput{
		ConnectionName: in.ConnectionName, Migration: in.Migration,
		MigrationRunID: in.MigrationRunID, TableKey: in.TableKey,
	}, t.lim)
	if err := workflow.SetQueryHandler(ctx, QueryProgress, func() (TableProgress, error) {
		return t.progress(), nil
	}); err != nil {
		return TableResult{}, err
	}
	t.listenSignals(ctx)
	return t.run(ctx)
}

func baseOf(base string) string {
	if base == "" {
		return DefaultTaskQueueBase
	}
	return base
}

// listenSignals applies pause/resume from the parent (or an operator) as they come.
func (t *tableRun) listenSignals(ctx workflow.Context) {
	pause := workflow.GetSignalChannel(ctx, SignalPause)
	resume := workflow.GetSignalChannel(ctx, SignalResume)
	workflow.Go(ctx, func(ctx workflow.Context) {
		for ctx.Err() == nil {
			s := workflow.NewSelector(ctx)
			s.AddReceive(pause, func(c workflow.ReceiveChannel, _ bool) { c.Receive(ctx, nil); t.st.Paused = true })
			s.AddReceive(resume, func(c workflow.ReceiveChannel, _ bool) { c.Receive(ctx, nil); t.st.Paused = false })
			s.Select(ctx)
		}
	})
}

// drainSignals applies signals that arrived but were not yet received, so that none is
// lost when the run continues as new.
func (t *tableRun) drainSignals(ctx workflow.Context) {
	pause := workflow.GetSignalChannel(ctx, SignalPause)
	resume := workflow.GetSignalChannel(ctx, SignalResume)
	for {
		switch {
		case pause.ReceiveAsync(nil):
			t.st.Paused = true
		case resume.ReceiveAsync(nil):
			t.st.Paused = false
		default:
			return
		}
	}
}

func (t *tableRun) run(ctx workflow.Context) (TableResult, error) {
	if t.in.State == nil {
		if err := t.prepare(ctx); err != nil {
			if ctx.Err() != nil {
				return t.cancelled(ctx)
			}
			t.fatal = err.Error()
			return t.finish(ctx)
		}
	}
	cont, err := t.partitions(ctx)
	if err != nil || ctx.Err() != nil {
		return t.cancelled(ctx)
	}
	if cont {
		return t.continueAsNew(ctx)
	}
	return t.finish(ctx)
}

// prepare introspects the source, prepares the target and records the table as
// executing. Any error here ends the table: nothing can be moved without them.
func (t *tableRun) prepare(ctx workflow.Context) error {
	err := workflow.ExecuteActivity(activityOptions(ctx, t.lim, kindCatalog, t.sourceQueue), sourceapi.IntrospectName,
		sourceapi.IntrospectInput{Migration: t.in.Migration, Platform: t.in.SourcePlatform, Table: t.in.Table},
	).Get(ctx, &t.st.Intro)
	if err != nil {
		return fmt.Errorf("introspect source table %s: %s", t.in.TableKey, message(err))
	}
	if len(t.st.Intro.Columns) == 0 {
		return fmt.Errorf("introspect source table %s: no columns to migrate", t.in.TableKey)
	}
	var prep snowflakeapi.PrepareTargetResult
	var target = t.in.Table.Target
	if target == nil {
		return fmt.Errorf("table %s: no target in the normalized configuration", t.in.TableKey)
	}
	sync := ""
	if t.in.Table.Synchronization != nil {
		sync = t.in.Table.Synchronization.Strategy
	}
	if sync == config.SyncWatermark {
		if err := t.prepareWatermark(ctx); err != nil {
			return err
		}
		sync = t.targetSync()
	}
	if sync == config.SyncChecksum { // partition_checksum_plan.go
		if err := t.prepareChecksum(ctx); err != nil {
			return err
		}
		sync = t.checksumTargetSync()
	}
	err = workflow.ExecuteActivity(activityOptions(ctx, t.lim, kindPrepare, ""), snowflakeapi.PrepareTargetName, snowflakeapi.PrepareTargetInput{
		ConnectionName: t.in.ConnectionName, Migration: t.in.Migration, MigrationRunID: t.in.MigrationRunID,
		TableKey: t.in.TableKey, Target: *target, Columns: t.st.Intro.Columns, Sync: sync,
	}).Get(ctx, &prep)
	if err != nil {
		return fmt.Errorf("prepare target for %s: %s", t.in.TableKey, message(err))
	}
	t.st.Target = prep.Target
	if err := t.recordTable(ctx, migration.StatusExecuting, ""); err != nil {
		return fmt.Errorf("record table %s in the metadata: %s", t.in.TableKey, message(err))
	}
	return nil
}

func (t *tableRun) recordTable(ctx workflow.Context, status, errText string) error {
	in := snowflakeapi.RecordTableInput{
		ConnectionName: t.in.ConnectionName, Migration: t.in.Migration, MigrationRunID: t.in.MigrationRunID,
		TableKey: t.in.TableKey, Source: t.st.Intro.Source, Target: t.st.Target, Status: status,
		PartitionsTotal: t.st.Started, PartitionsDone: t.st.Completed, PartitionsFailed: t.st.Failed,
		Rows: t.st.Rows, Bytes: t.st.Bytes, Error: truncate(errText, 4000), StartedAt: t.st.StartedAt,
	}
	if status != migration.StatusExecuting {
		now := workflow.Now(ctx)
		in.EndedAt = &now
	}
	return workflow.ExecuteActivity(activityOptions(ctx, t.lim, kindMetadata, ""), snowflakeapi.RecordTableName, in).Get(ctx, nil)
}

// shouldContinueAsNew is checked before each partition start.
func (t *tableRun) shouldContinueAsNew(ctx workflow.Context) bool {
	info := workflow.GetInfo(ctx)
	return t.startedRun >= t.lim.PartitionsPerRun ||
		info.GetCurrentHistoryLength() >= t.lim.HistoryBudget ||
		info.GetContinueAsNewSuggested()
}

func (t *tableRun) continueAsNew(ctx workflow.Context) (TableResult, error) {
	t.mirror.flush(ctx)
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return t.cancelled(ctx)
	}
	t.drainSignals(ctx)
	t.st.Runs++
	next := t.in
	st := t.st
	next.State = &st
	return TableResult{}, workflow.NewContinueAsNewError(ctx, TableMigrationWorkflowName, next)
}

// finish records the table's final state and returns its result; a failed table fails
// the workflow with the result in the error's details.
func (t *tableRun) finish(ctx workflow.Context) (TableResult, error) {
	if t.fatal == "" && t.st.Failed == 0 {
		t.checkRowCount(ctx)
		if t.st.Sync != nil && t.result().Status == migration.StatusCompleted {
			t.recordMark(ctx) // only a table that succeeded moves its mark
		}
	}
	t.mirror.flush(ctx)
	res := t.result()
	res.EndedAt = workflow.Now(ctx)
	t.status = res.Status
	if err := t.recordTable(ctx, res.Status, res.Error); err != nil {
		workflow.GetLogger(ctx).Warn("final table record failed", "table", t.in.TableKey, "error", message(err))
	}
	if res.Status == migration.StatusFailed {
		return res, temporal.NewNonRetryableApplicationError(res.Error, ErrTypeTableFailed, nil, res)
	}
	return res, nil
}

// result decides the table's outcome from the counters. A table whose source has rows
// but which loaded none is a failure, never a silent success.
func (t *tableRun) result() TableResult {
	res := TableResult{
		TableKey: t.in.TableKey, Status: migration.StatusCompleted, Rows: t.st.Rows, Bytes: t.st.Bytes,
		Partitions: t.st.Started, Failed: t.st.Failed, StartedAt: t.st.StartedAt,
	}
	if t.st.Failed > 0 {
		res.FirstError, res.FirstErrorCount = truncate(t.st.FirstError, 1000), t.st.FirstErrorCount
	}
	switch {
	case t.fatal != "":
		res.Status, res.Error = migration.StatusFailed, t.fatal
	case t.st.Failed > 0:
		res.Status = migration.StatusFailed
		res.Error = fmt.Sprintf("%d of %d partitions of %s failed; first error: %s",
			t.st.Failed, t.st.Started, t.in.TableKey, t.st.FirstError)
	case t.st.Intro.HasRows && t.st.Rows == 0 && !t.st.Sync.incremental() && !t.st.Checksum.rerun(): // a re-sync may find nothing new
		res.Status = migration.StatusFailed
		res.Error = fmt.Sprintf("source table %s has rows but none were loaded (%d partitions): check whereClauseCriteria / partition columns",
			t.in.TableKey, t.st.Started)
	}
	res.Error = truncate(res.Error, 4000)
	return res
}

// cancelled records the table as CANCELLED on a context that outlives the
// cancellation, then reports the cancellation to the caller.
func (t *tableRun) cancelled(ctx workflow.Context) (TableResult, error) {
	dctx, cancel := workflow.NewDisconnectedContext(ctx)
	defer cancel()
	// In-flight partitions were cancelled with ctx; wait until their goroutines have
	// noted it so that the counters are final.
	_ = workflow.Await(dctx, func() bool { return t.inFlight == 0 })
	t.status = migration.StatusCancelled
	t.mirror.flush(dctx)
	if err := t.recordTable(dctx, migration.StatusCancelled, "cancelled by request"); err != nil {
		workflow.GetLogger(ctx).Warn("cancelled table record failed", "table", t.in.TableKey, "error", message(err))
	}
	if err := ctx.Err(); err != nil {
		return TableResult{}, err
	}
	return TableResult{}, temporal.NewCanceledError()
}

func (t *tableRun) progress() TableProgress {
	p := TableProgress{
		TableKey: t.in.TableKey, WorkflowID: t.wfID, Status: t.status,
		PartitionsPlanned: t.st.Started + len(t.page), PlanDone: t.st.PlanDone,
		PartitionsExtracting: t.extracting, PartitionsLoading: t.loading,
		PartitionsCompleted: t.st.Completed, PartitionsFailed: t.st.Failed,
		Rows: t.st.Rows, Bytes: t.st.Bytes, Error: t.fatal,
		FirstErrorCount: t.st.FirstErrorCount, StartedAt: t.st.StartedAt,
	}
	if p.Status == migration.StatusExecuting && t.st.Paused {
		p.Status = migration.StatusPaused
	}
	if p.Error == "" && t.st.FirstError != "" {
		p.Error = t.st.FirstError
	}
	return p
}

// countFirstError counts failed partitions that share the first error, so that a
// progress view can say "first error (N partitions)". Errors are compared by shape:
// numbers (partition numbers, counts, offsets) masked, so that the same failure in
// different partitions counts as one.
func (t *tableRun) countFirstError(text string) {
	if errorShape(text) == errorShape(t.st.FirstError) {
		t.st.FirstErrorCount++
	}
}

func errorShape(s string) string {
	var b strings.Builder
	digits := false
	for _, r := range s {
		if r >= '0' && r <= '9' {
			if !digits {
				b.WriteByte('#')
			}
			digits = true
			continue
		}
		digits = false
		b.WriteRune(r)
	}
	return b.String()
}
