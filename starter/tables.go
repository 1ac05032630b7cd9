package main

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/snowmigrate/snowmigrate/workflows"
)

// maxReason bounds a reason shown on one line: an error's first line, cut at this many
// bytes (the full, already bounded text stays in --json's "error").
const maxReason = 300

// tableView is one table as status and watch show it, whether it is running (from its
// own progress query) or ended (from the migration's lists or the table's result).
type tableView struct {
	TableKey             string    `json:"tableKey"`
	State                string    `json:"state"` // EXECUTING, PAUSED, CANCELLING, COMPLETED, FAILED, CANCELLED, ENDED (outcome unknown), or Temporal's status
	PartitionsDone       int       `json:"partitionsDone"`
	PartitionsTotal      int       `json:"partitionsTotal"` // planned so far (see planDone)
	PlanDone             bool      `json:"planDone"`
	PartitionsFailed     int       `json:"partitionsFailed"`
	PartitionsExtracting int       `json:"partitionsExtracting,omitempty"`
	PartitionsLoading    int       `json:"partitionsLoading,omitempty"`
	Rows                 int64     `json:"rows"`
	Bytes                int64     `json:"bytes"`
	RowsPerSecond        int64     `json:"rowsPerSecond,omitempty"`
	StartedAt            time.Time `json:"startedAt,omitzero"`
	EndedAt              time.Time `json:"endedAt,omitzero"`
	// Reason is why a failed or cancelled table ended: its error's first line, bounded.
	Reason string `json:"reason,omitempty"`
	Error  string `json:"error,omitempty"`
	// The first failed partition's error and how many failed partitions share it.
	FirstPartitionError      string `json:"firstPartitionError,omitempty"`
	PartitionsWithFirstError int    `json:"partitionsWithFirstError,omitempty"`
	// counted says the partition counts are known (a running table whose own query did
	// not answer shows only its state).
	counted bool
	// fromResult says the view is the table's final result, not a progress answer.
	fromResult bool
}

func (v tableView) withoutRate() tableView {
	v.RowsPerSecond = 0
	return v
}

func (v tableView) ended() bool {
	switch v.State {
	case "COMPLETED", "FAILED", "CANCELLED", "ENDED", "Completed", "Failed", "Canceled", "Terminated", "TimedOut":
		return true
	}
	return false
}

func (v tableView) failedOrCancelled() bool {
	switch v.State {
	case "FAILED", "CANCELLED", "Failed", "Canceled", "Terminated", "TimedOut":
		return true
	}
	return false
}

// viewOfProgress describes a running table from its progress (the table's own query,
// or the migration's summary entry when that query did not answer).
func viewOfProgress(p workflows.TableProgress, counted bool, now time.Time) tableView {
	v := tableView{
		TableKey: p.TableKey, State: p.Status, PartitionsDone: p.PartitionsCompleted, PartitionsTotal: p.PartitionsPlanned,
		PlanDone: p.PlanDone, PartitionsFailed: p.PartitionsFailed, PartitionsExtracting: p.PartitionsExtracting,
		PartitionsLoading: p.PartitionsLoading, Rows: p.Rows, Bytes: p.Bytes, StartedAt: p.StartedAt, Error: p.Error,
		counted: counted,
	}
	v.RowsPerSecond = rate(v.Rows, v.StartedAt, now)
	switch {
	case p.Error == "":
	case v.failedOrCancelled() || p.FirstErrorCount == 0:
		// Ended (its query answered after the end) or stopped by a table-fatal error.
		v.Reason = tableReason(p.TableKey, p.Error)
	default:
		v.FirstPartitionError, v.PartitionsWithFirstError = reason(p.Error), p.FirstErrorCount
	}
	return v
}

// viewOfResult describes a table that ended.
func viewOfResult(r workflows.TableResult) tableView {
	v := tableView{
		TableKey: r.TableKey, State: r.Status, PartitionsDone: max(0, r.Partitions-r.Failed), PartitionsTotal: r.Partitions,
		PlanDone: true, PartitionsFailed: r.Failed, Rows: r.Rows, Bytes: r.Bytes, StartedAt: r.StartedAt, EndedAt: r.EndedAt,
		Error: r.Error, counted: r.Status != "CANCELLED" || r.Partitions > 0, fromResult: true,
	}
	if !r.EndedAt.IsZero() {
		v.RowsPerSecond = rate(v.Rows, v.StartedAt, r.EndedAt)
	}
	if r.Status != "COMPLETED" {
		v.Reason = tableReason(r.TableKey, r.Error)
		if v.Reason == "" {
			v.Reason = strings.ToLower(r.Status) + " (no reason recorded)"
		}
	}
	if r.FirstError != "" {
		v.FirstPartitionError, v.PartitionsWithFirstError = reason(r.FirstError), r.FirstErrorCount
	}
	return v
}

func rate(rows int64, from, to time.Time) int64 {
	if from.IsZero() || rows <= 0 {
		return 0
	}
	secs := to.Sub(from).Seconds()
	if secs < 0.001 {
		return 0
	}
	return int64(float64(rows) / secs)
}

// reason is an error's first non-empty line, cut to maxReason bytes.
func reason(s string) string {
	for _, line := range strings.Split(s, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			return cut(line, maxReason)
		}
	}
	return ""
}

// tableReason is reason without the leading wrappers that only repeat the table's
// name ("introspect source table db.s.t: introspect db.s.t: …"): the line that shows
// the reason names the table already, and the cause should fit on it.
func tableReason(key, s string) string {
	line := reason(s)
	parts := strings.Split(line, ": ")
	i := 0
	for i < len(parts)-1 && key != "" && strings.HasSuffix(parts[i], key) {
		i++
	}
	return strings.Join(parts[i:], ": ")
}

// cut keeps at most n bytes of s, on a rune boundary, marking the cut with "…".
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// partitionsText is "done/total", with "+" while planning continues.
func (v tableView) partitionsText() string {
	total := fmt.Sprint(v.PartitionsTotal)
	if !v.PlanDone && !v.ended() {
		total += "+"
	}
	return fmt.Sprintf("%d/%s", v.PartitionsDone, total)
}

// line is a table's one-line summary: state, partitions, rows, bytes, rate, and what
// is in flight or why it ended.
func (v tableView) line() string {
	if !v.counted {
		s := v.State
		if v.Reason != "" {
			s += ": " + v.Reason
		}
		return s
	}
	if v.ended() && v.State != "COMPLETED" && v.PartitionsTotal == 0 {
		return v.State + " before any partition: " + v.Reason // e.g. at introspection
	}
	s := fmt.Sprintf("%s partitions %s", v.State, v.partitionsText())
	if v.PartitionsFailed > 0 {
		s += fmt.Sprintf(" (%d failed)", v.PartitionsFailed)
	}
	s += fmt.Sprintf(", rows %s, %s", thousands(v.Rows), humanBytes(v.Bytes))
	if v.RowsPerSecond > 0 {
		s += fmt.Sprintf(", %s rows/s", thousands(v.RowsPerSecond))
	}
	if !v.ended() && v.PartitionsExtracting+v.PartitionsLoading > 0 {
		s += fmt.Sprintf(", extracting %d, loading %d", v.PartitionsExtracting, v.PartitionsLoading)
	}
	switch {
	case v.Reason != "":
		s += ": " + v.Reason
	case v.FirstPartitionError != "": // running, with failed partitions
		s += fmt.Sprintf(": first partition error (%d of %d failed): %s", max(1, v.PartitionsWithFirstError), max(1, v.PartitionsFailed), v.FirstPartitionError)
	}
	return s
}

// failureLines explain a failed or cancelled table: its reason and, when partitions
// failed, the first partition error with how many partitions share it.
func (v tableView) failureLines() []string {
	lines := []string{fmt.Sprintf("%s %s: %s", strings.ToLower(v.State), v.TableKey, v.Reason)}
	if v.FirstPartitionError != "" {
		n := max(v.PartitionsWithFirstError, 1)
		if strings.Contains(v.Reason, v.FirstPartitionError) {
			lines = append(lines, fmt.Sprintf("    %d of %d failed partitions share this first error", n, max(v.PartitionsFailed, n)))
		} else {
			lines = append(lines, fmt.Sprintf("    first partition error (%d of %d failed partitions): %s", n, max(v.PartitionsFailed, n), v.FirstPartitionError))
		}
	}
	return lines
}
