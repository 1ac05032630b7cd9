package main

import (
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/snowmigrate/snowmigrate/workflows"
)

// lineRenderer prints a line when something changed: the migration's counters, and each
// running table's partitions and rows. Unchanged polls print nothing, so a log of a
// long migration stays readable.
type lineRenderer struct {
	w        io.Writer
	last     string
	tables   map[string]string
	progErr  string
	finished bool
}

func newLineRenderer(w io.Writer) *lineRenderer {
	return &lineRenderer{w: w, tables: map[string]string{}}
}

func (r *lineRenderer) update(st migrationState, now time.Time) {
	stamp := now.Format("15:04:05")
	if st.Progress == nil {
		if st.ProgressError != r.progErr {
			r.progErr = st.ProgressError
			fmt.Fprintf(r.w, "%s %s: %s\n", stamp, st.WorkflowID, st.ProgressError)
		}
		return
	}
	r.progErr = ""
	p := st.Progress
	head := fmt.Sprintf("%s tables %d/%d done (%d failed, %d cancelled), %d running, rows %s",
		p.Status, p.TablesCompleted+p.TablesFailed+p.TablesCancelled, p.TablesTotal, p.TablesFailed, p.TablesCancelled, len(p.Running), thousands(p.Rows))
	if head != r.last {
		r.last = head
		fmt.Fprintf(r.w, "%s %s %s\n", stamp, st.WorkflowID, head)
	}
	seen := map[string]bool{}
	for _, t := range p.Running {
		seen[t.TableKey] = true
		line := tableLine(t)
		if r.tables[t.TableKey] != line {
			r.tables[t.TableKey] = line
			fmt.Fprintf(r.w, "%s   %s %s\n", stamp, t.TableKey, line)
		}
	}
	var left []string
	for key := range r.tables {
		if !seen[key] {
			left = append(left, key)
		}
	}
	sort.Strings(left) // map order is random; the log should not be
	for _, key := range left {
		delete(r.tables, key)
		fmt.Fprintf(r.w, "%s   %s %s\n", stamp, key, leftState(key, p.Failures))
	}
}

func tableLine(t workflows.TableProgress) string {
	s := fmt.Sprintf("%s partitions %s (extracting %d, loading %d, failed %d), rows %s",
		t.Status, partitionsDone(t), t.PartitionsExtracting, t.PartitionsLoading, t.PartitionsFailed, thousands(t.Rows))
	if t.Error != "" {
		s += ": " + oneLine(t.Error)
	}
	return s
}

// leftState says how a table that left the running list ended, as far as the progress
// shows it (failures are listed; anything else finished).
func leftState(key string, failures []workflows.TableResult) string {
	for _, f := range failures {
		if f.TableKey == key {
			return f.Status + ": " + oneLine(f.Error)
		}
	}
	return "finished"
}

func (r *lineRenderer) finish(migrationState, time.Time) { r.finished = true }
