package main

import (
	"fmt"
	"strings"
)

// tableBook is watch's memory of the tables: every table seen, running or ended, from
// the first refresh to the last. A table that starts and ends between two refreshes
// comes from the migration's list of tables that ended last; one that was seen running
// and then vanished is looked up by its own result (resolveLeft). So the final screen
// shows every table with its final counts, not the state of the last refresh.
type tableBook struct {
	order   []string
	tables  map[string]tableView
	settled int // tables ended so far, per the migration's counters
}

func newTableBook() *tableBook { return &tableBook{tables: map[string]tableView{}} }

// absorb folds one refresh into the book.
func (b *tableBook) absorb(st migrationState) {
	for _, v := range st.Tables {
		if old, ok := b.tables[v.TableKey]; ok && old.ended() {
			continue // a late answer must not bring an ended table back
		}
		b.put(v)
	}
	for _, v := range st.recent {
		b.put(v)
	}
	for _, v := range st.FailedTables {
		if old, ok := b.tables[v.TableKey]; ok && old.ended() && old.counted && !v.counted {
			continue
		}
		b.put(v)
	}
	switch {
	case st.Result != nil:
		b.settled = st.Result.TablesCompleted + st.Result.TablesFailed + st.Result.TablesCancelled
	case st.Progress != nil:
		b.settled = st.Progress.TablesCompleted + st.Progress.TablesFailed + st.Progress.TablesCancelled
	}
}

func (b *tableBook) put(v tableView) {
	if _, ok := b.tables[v.TableKey]; !ok {
		b.order = append(b.order, v.TableKey)
	}
	b.tables[v.TableKey] = v
}

// left are the tables the book has as running that the refresh no longer lists as
// running: they ended, and their result says how.
func (b *tableBook) left(st migrationState) []string {
	running := map[string]bool{}
	for _, v := range st.Tables {
		running[v.TableKey] = true
	}
	var out []string
	for _, k := range b.order {
		if !b.tables[k].ended() && !running[k] {
			out = append(out, k)
		}
	}
	return out
}

// endRemaining marks the tables still shown running once the migration has closed and
// their results could not be read: they ended, how is unknown.
func (b *tableBook) endRemaining() {
	for _, k := range b.order {
		if v := b.tables[k]; !v.ended() {
			b.tables[k] = tableView{TableKey: k, State: "ENDED", Reason: "the migration closed; this table's result could not be read"}
		}
	}
}

// unseen counts the tables that ended without the book ever seeing them (more ended
// between two refreshes than the migration's recent list holds).
func (b *tableBook) unseen() int {
	ended := 0
	for _, v := range b.tables {
		if v.ended() {
			ended++
		}
	}
	return max(0, b.settled-ended)
}

// listing is the book as lines, running tables first, then failed or cancelled, then
// completed, at most max table lines: the rest is summarised in one line.
func (b *tableBook) listing(limit int, name string, withBar bool) []string {
	var running, bad, done []tableView
	for _, k := range b.order {
		v := b.tables[k]
		switch {
		case !v.ended():
			running = append(running, v)
		case v.failedOrCancelled():
			bad = append(bad, v)
		default:
			done = append(done, v)
		}
	}
	all := append(append(running, bad...), done...)
	keyW := 10
	for _, v := range all {
		keyW = min(36, max(keyW, len(v.TableKey)))
	}
	var lines []string
	for i, v := range all {
		if i >= limit {
			lines = append(lines, fmt.Sprintf("  … and %d more tables (%d running, %d failed or cancelled, %d completed): starter status %s --tables",
				len(all)-i, countRunning(all[i:]), countBad(all[i:]), len(all[i:])-countRunning(all[i:])-countBad(all[i:]), name))
			break
		}
		key := v.TableKey
		if len(key) > keyW {
			key = "…" + key[len(key)-keyW+1:]
		}
		bar := ""
		if withBar {
			bar = " " + progressBar(v, 20)
		}
		lines = append(lines, fmt.Sprintf("  %-*s%s %s", keyW, key, bar, v.line()))
	}
	if n := b.unseen(); n > 0 {
		lines = append(lines, fmt.Sprintf("  %d more tables ended between two refreshes: starter status %s --tables", n, name))
	}
	return lines
}

func countRunning(vs []tableView) (n int) {
	for _, v := range vs {
		if !v.ended() {
			n++
		}
	}
	return n
}

func countBad(vs []tableView) (n int) {
	for _, v := range vs {
		if v.failedOrCancelled() {
			n++
		}
	}
	return n
}

// progressBar draws partitions done (and failed) of planned: [#####!!----]. A completed
// table's bar is full whatever its counts (an empty table has no partition to count).
func progressBar(v tableView, width int) string {
	done, failed, total := v.PartitionsDone, v.PartitionsFailed, v.PartitionsTotal
	if v.State == "COMPLETED" {
		return "[" + strings.Repeat("#", width) + "]"
	}
	if total <= 0 || !v.counted {
		return "[" + strings.Repeat("-", width) + "]"
	}
	d := min(width, done*width/total)
	f := min(width-d, (failed*width+total-1)/total)
	return "[" + strings.Repeat("#", d) + strings.Repeat("!", f) + strings.Repeat("-", width-d-f) + "]"
}
