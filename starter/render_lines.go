package main

import (
	"fmt"
	"io"
	"time"
)

// lineRenderer prints a line when something changed: the migration's counters, and each
// table's state, partitions, rows, bytes and rate, from the first refresh to the last
// (ended tables included, with their final counts and reasons). Unchanged polls print
// nothing, so a log of a long migration stays readable.
type lineRenderer struct {
	w       io.Writer
	last    string
	printed map[string]string
	shape   map[string]string // the printed line without its rate
	final   map[string]bool   // tables printed from their result: nothing follows
	progErr string
}

func newLineRenderer(w io.Writer) *lineRenderer {
	return &lineRenderer{w: w, printed: map[string]string{}, shape: map[string]string{}, final: map[string]bool{}}
}

func (r *lineRenderer) update(st migrationState, b *tableBook, now time.Time) {
	stamp := now.Format("15:04:05")
	if st.Progress == nil && st.Result == nil {
		if st.ProgressError != r.progErr {
			r.progErr = st.ProgressError
			fmt.Fprintf(r.w, "%s %s: %s\n", stamp, st.WorkflowID, st.ProgressError)
		}
		return
	}
	r.progErr = ""
	if head := headLine(st); head != r.last {
		r.last = head
		fmt.Fprintf(r.w, "%s %s %s\n", stamp, st.WorkflowID, head)
	}
	for _, key := range b.order {
		v := b.tables[key]
		line := v.line()
		if r.printed[key] == line || r.final[key] {
			continue
		}
		// A table's own query may tell its outcome before its result does; the result
		// is printed only if it says more than a refined rate.
		shape := v.withoutRate().line()
		if v.ended() && r.shape[key] == shape {
			continue
		}
		r.printed[key], r.shape[key], r.final[key] = line, shape, v.fromResult
		fmt.Fprintf(r.w, "%s   %s %s\n", stamp, key, line)
	}
}

// finish prints what changed in the last refresh; the summary follows.
func (r *lineRenderer) finish(st migrationState, b *tableBook, now time.Time) {
	if st.Progress != nil || st.Result != nil {
		r.update(st, b, now)
	}
}

// headLine is the migration's counters.
func headLine(st migrationState) string {
	if p := st.Progress; p != nil {
		return fmt.Sprintf("%s tables %d/%d done (%d failed, %d cancelled), %d running, rows %s",
			p.Status, p.TablesCompleted+p.TablesFailed+p.TablesCancelled, p.TablesTotal, p.TablesFailed, p.TablesCancelled, len(p.Running), thousands(p.Rows))
	}
	if r := st.Result; r != nil {
		return fmt.Sprintf("%s tables %d/%d done (%d failed, %d cancelled), 0 running, rows %s",
			r.Outcome, r.TablesCompleted+r.TablesFailed+r.TablesCancelled, r.TablesTotal, r.TablesFailed, r.TablesCancelled, thousands(r.Rows))
	}
	return st.Status
}
