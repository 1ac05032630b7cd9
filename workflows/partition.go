package workflows

import (
	"fmt"
	"slices"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/snowmigrate/snowmigrate/activities/sourceapi"
	"github.com/snowmigrate/snowmigrate/migration"
)

// partitions plans page by page and keeps up to PartitionWindow partitions in flight
// until the plan is done, the table hits a fatal error, or the run should continue as
// new. The window is always drained before returning: a partition's activities belong
// to this run, and carrying them across continue-as-new would abandon them half-done.
// It returns cont=true when the table must continue as new, err when cancelled.
func (t *tableRun) partitions(ctx workflow.Context) (cont bool, err error) {
	for t.fatal == "" {
		if len(t.page) == 0 {
			if t.st.PlanDone {
				break
			}
			if err := t.planPage(ctx); err != nil {
				if ctx.Err() != nil {
					return false, ctx.Err()
				}
				t.fatal = err.Error()
			}
			continue
		}
		err := workflow.Await(ctx, func() bool {
			return t.fatal != "" || t.mirror.due() || (t.inFlight < t.lim.PartitionWindow && !t.st.Paused)
		})
		if err != nil {
			return false, err
		}
		if t.mirror.due() {
			t.mirror.flush(ctx)
			continue
		}
		if t.fatal != "" {
			break
		}
		if t.shouldContinueAsNew(ctx) {
			cont = true
			break
		}
		t.startNext(ctx)
	}
	for t.inFlight > 0 {
		if err := workflow.Await(ctx, func() bool { return t.inFlight == 0 || t.mirror.due() }); err != nil {
			return false, err
		}
		if t.mirror.due() {
			t.mirror.flush(ctx)
		}
	}
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	return cont && t.fatal == "", nil
}

// planPage fetches the next page of the plan after the cursor and checks that it
// continues exactly where the cursor stands: a gap would lose rows, an overlap would
// load them twice.
func (t *tableRun) planPage(ctx workflow.Context) error {
	if s := t.st.Sync; s != nil && !s.StoredDone {
		return t.planStoredPage(ctx) // a re-sync reuses its last completed run's partitions first
	}
	if c := t.st.Checksum; c != nil && !c.StoredDone {
		return t.planChecksumPage(ctx) // with their checksums (partition_checksum_plan.go)
	}
	intro := t.st.Intro
	var res sourceapi.PlanPartitionsResult
	err := workflow.ExecuteActivity(activityOptions(ctx, t.lim, kindCatalog, t.sourceQueue), sourceapi.PlanPartitionsName, sourceapi.PlanPartitionsInput{
		Migration: t.in.Migration, Platform: t.in.SourcePlatform, Table: t.in.Table,
		TableShape: intro.TableShape,
		After:      t.st.PlanAfter, FirstNumber: t.st.NextNumber, MaxPartitions: t.lim.PlanPageSize,
		Window: t.window(),
	}).Get(ctx, &res)
	if err != nil {
		return fmt.Errorf("plan partitions of %s: %s", t.in.TableKey, message(err))
	}
	// The NULL-key partition goes first: a continue-as-new in the middle of a page
	// resumes from the last started range, and a resumed plan never includes it again.
	var page []migration.Partition
	for _, p := range res.Partitions {
		if p.NullKeys && !t.st.NullKeysDone {
			page = append(page, p)
		}
	}
	prev := t.st.PlanAfter
	ranges := 0
	for i, p := range res.Partitions {
		if p.NullKeys {
			continue
		}
		if !slices.Equal(p.Lower, prev) || (ranges > 0 && prev == nil) {
			return fmt.Errorf("plan partitions of %s: partition %d starts at %q but the plan stands at %q (the planner must return contiguous ranges starting after the cursor)",
				t.in.TableKey, p.Number, p.Lower, prev)
		}
		if p.Number < t.st.NextNumber {
			return fmt.Errorf("plan partitions of %s: partition number %d reused (next is %d)", t.in.TableKey, p.Number, t.st.NextNumber)
		}
		prev = p.Upper
		ranges++
		page = append(page, p)
		if p.Upper == nil && i != len(res.Partitions)-1 && !onlyNullAfter(res.Partitions[i+1:]) {
			return fmt.Errorf("plan partitions of %s: partition %d is unbounded above but is not the last", t.in.TableKey, p.Number)
		}
	}
	if len(page) == 0 && !res.Done {
		return fmt.Errorf("plan partitions of %s: the planner returned an empty page before the end of the plan", t.in.TableKey)
	}
	t.page, t.pageDone = page, res.Done
	if len(page) == 0 {
		t.st.PlanDone = true
	}
	return nil
}

func onlyNullAfter(ps []migration.Partition) bool {
	for _, p := range ps {
		if !p.NullKeys {
			return false
		}
	}
	return true
}

// startNext takes the next planned partition, moves the cursor past it and runs it in
// its own workflow coroutine.
func (t *tableRun) startNext(ctx workflow.Context) {
	p := t.page[0]
	t.page = t.page[1:]
	switch {
	case p.NullKeys:
		t.st.NullKeysDone = true
	case p.Upper == nil:
		t.st.PlanAfter = p.Lower
		t.st.PlanDone = true // nothing lies above an unbounded range
	default:
		t.st.PlanAfter = p.Upper
	}
	if len(t.page) == 0 && t.pageDone {
		t.st.PlanDone = true
	}
	t.st.NextNumber = max(t.st.NextNumber, p.Number+1)
	t.st.Started++
	t.startedRun++
	t.inFlight++
	t.extracting++
	if c := t.st.Checksum; c == nil || !c.recorded[p.Number] {
		// (A checksum range its page already recorded SKIPPED, with a time before
		// this one, must not be mirrored back to EXTRACTING.)
		t.mirror.add(ctx, p, migration.StatusExtracting, 0, 0, 1, "")
	}
	workflow.Go(ctx, func(ctx workflow.Context) {
		out := t.pipeline()(ctx, t.newPartitionRun(p))
		t.settle(ctx, p, out)
		t.inFlight--
	})
}

// settle folds a finished partition into the table's counters and the mirror.
func (t *tableRun) settle(ctx workflow.Context, p migration.Partition, out partitionOutcome) {
	switch {
	case out.err == nil:
		t.st.Completed++
		t.st.Rows += out.rows
		t.st.Bytes += out.bytes
		t.mirror.add(ctx, p, migration.StatusCompleted, out.rows, out.bytes, out.rounds, "")
	case temporal.IsCanceledError(out.err) || ctx.Err() != nil:
		t.st.Cancelled++
		t.mirror.add(ctx, p, migration.StatusCancelled, 0, 0, out.rounds, "")
	default:
		text := fmt.Sprintf("partition %d: %s: %s", p.Number, out.step, message(out.err))
		t.st.Failed++
		if t.st.FirstError == "" {
			t.st.FirstError = truncate(text, 2000)
		}
		t.countFirstError(truncate(text, 2000))
		if tableFatalErrorTypes[applicationType(out.err)] && t.fatal == "" {
			t.fatal = fmt.Sprintf("table %s stopped: %s", t.in.TableKey, truncate(text, 2000))
		}
		t.mirror.add(ctx, p, migration.StatusFailed, 0, 0, out.rounds, text)
	}
}
