package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/snowmigrate/snowmigrate/workflows"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// running builds a refresh of a running migration as fetchState returns it.
func running(completed, failed int, tables []workflows.TableProgress, recent, failures []workflows.TableResult) migrationState {
	p := &workflows.MigrationProgress{Name: "M", Status: "EXECUTING", TablesTotal: 3, TablesCompleted: completed, TablesFailed: failed, Rows: 42,
		Running: tables, Recent: recent, Failures: failures}
	st := migrationState{WorkflowID: "M", Status: "Running", StartTime: t0, Progress: p}
	for _, tp := range tables {
		st.Tables = append(st.Tables, viewOfProgress(tp, true, t0.Add(10*time.Second)))
	}
	st.recent = views(recent)
	st.setFailed(failures, failed)
	return st
}

func closed(outcome string, completed, failed int, recent, failures []workflows.TableResult) migrationState {
	r := &workflows.MigrationResult{Outcome: outcome, TablesTotal: 3, TablesCompleted: completed, TablesFailed: failed, Rows: 1234, Bytes: 99999,
		Failures: failures, StartedAt: t0, EndedAt: t0.Add(4 * time.Second)}
	ct := t0.Add(4 * time.Second)
	st := migrationState{WorkflowID: "M", Status: "Completed", StartTime: t0, CloseTime: &ct, Result: r, URL: "http://ui/M"}
	st.recent = views(recent)
	st.setFailed(failures, failed)
	return st
}

var (
	alphaRunning = workflows.TableProgress{TableKey: "db.s.alpha", Status: "EXECUTING", PartitionsPlanned: 4, PlanDone: true,
		PartitionsCompleted: 1, PartitionsExtracting: 2, Rows: 10, Bytes: 2048, StartedAt: t0}
	alphaDone = workflows.TableResult{TableKey: "db.s.alpha", Status: "COMPLETED", Partitions: 4, Rows: 40, Bytes: 8192,
		StartedAt: t0, EndedAt: t0.Add(2 * time.Second)}
	// beta starts and ends between two refreshes: only the recent list shows it.
	betaDone = workflows.TableResult{TableKey: "db.s.beta", Status: "COMPLETED", Partitions: 2, Rows: 7, Bytes: 100,
		StartedAt: t0, EndedAt: t0.Add(time.Second)}
	gammaFailed = workflows.TableResult{TableKey: "db.s.gamma", Status: "FAILED", Partitions: 5, Failed: 3, Rows: 20,
		Error:      "3 of 5 partitions of db.s.gamma failed; first error: partition 1: extract: column \"x\" does not exist\nsecond line",
		FirstError: "partition 1: extract: column \"x\" does not exist", FirstErrorCount: 3}
)

func TestLineRendererShowsEveryTableFromFirstToLastRefresh(t *testing.T) {
	var buf bytes.Buffer
	r := newLineRenderer(&buf)
	b := newTableBook()
	step := func(st migrationState) { b.absorb(st); r.update(st, b, t0) }
	step(running(0, 0, []workflows.TableProgress{alphaRunning}, nil, nil))
	step(running(0, 0, []workflows.TableProgress{alphaRunning}, nil, nil)) // unchanged: nothing printed
	step(running(1, 1, nil, []workflows.TableResult{betaDone, gammaFailed}, []workflows.TableResult{gammaFailed}))
	// alpha left the running list without being in the recent list: watch looks it up.
	if left := b.left(running(1, 1, nil, nil, nil)); len(left) != 1 || left[0] != "db.s.alpha" {
		t.Fatalf("left %v", left)
	}
	b.put(viewOfResult(alphaDone))
	final := closed("COMPLETED_WITH_FAILURES", 2, 1, nil, []workflows.TableResult{gammaFailed})
	b.absorb(final)
	r.finish(final, b, t0)
	want := `03:04:05 M EXECUTING tables 0/3 done (0 failed, 0 cancelled), 1 running, rows 42
03:04:05   db.s.alpha EXECUTING partitions 1/4, rows 10, 2.0 KiB, 1 rows/s, extracting 2, loading 0
03:04:05 M EXECUTING tables 2/3 done (1 failed, 0 cancelled), 0 running, rows 42
03:04:05   db.s.beta COMPLETED partitions 2/2, rows 7, 100 B, 7 rows/s
03:04:05   db.s.gamma FAILED partitions 2/5 (3 failed), rows 20, 0 B: 3 of 5 partitions of db.s.gamma failed; first error: partition 1: extract: column "x" does not exist
03:04:05 M COMPLETED_WITH_FAILURES tables 3/3 done (1 failed, 0 cancelled), 0 running, rows 1,234
03:04:05   db.s.alpha COMPLETED partitions 4/4, rows 40, 8.0 KiB, 20 rows/s
`
	if buf.String() != want {
		t.Fatalf("got:\n%s\nwant:\n%s", buf.String(), want)
	}
}

func TestSummaryListsTablesReasonsAndSharedPartitionErrors(t *testing.T) {
	b := newTableBook()
	final := closed("COMPLETED_WITH_FAILURES", 2, 1, []workflows.TableResult{alphaDone, betaDone, gammaFailed}, []workflows.TableResult{gammaFailed})
	b.absorb(final)
	var buf bytes.Buffer
	printSummary(&buf, final, b, true, t0)
	out := buf.String()
	for _, want := range []string{
		"Migration M COMPLETED_WITH_FAILURES in 4s",
		"db.s.alpha COMPLETED partitions 4/4, rows 40, 8.0 KiB",
		"db.s.beta  COMPLETED partitions 2/2, rows 7",
		"failed db.s.gamma: 3 of 5 partitions of db.s.gamma failed; first error: partition 1: extract: column \"x\" does not exist\n",
		"    3 of 3 failed partitions share this first error",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "second line") {
		t.Errorf("a reason is the error's first line only:\n%s", out)
	}
}

func TestReasonIsFirstLineBounded(t *testing.T) {
	if got := reason("\n  first\nsecond"); got != "first" {
		t.Fatalf("%q", got)
	}
	long := strings.Repeat("é", 400)
	got := reason(long)
	if len(got) > maxReason+len("…") || !utf8.ValidString(got) || !strings.HasSuffix(got, "…") {
		t.Fatalf("bounded reason: %d bytes, valid %v", len(got), utf8.ValidString(got))
	}
}

// screen replays what the terminal renderer wrote as a terminal would (cursor up,
// clear to the end of the screen, carriage return, newline) and returns the lines left.
func screen(t *testing.T, out string) []string {
	t.Helper()
	var lines []string
	row := 0
	for i := 0; i < len(out); {
		switch {
		case strings.HasPrefix(out[i:], "\x1b["):
			j := i + 2
			for j < len(out) && (out[j] >= '0' && out[j] <= '9') {
				j++
			}
			n := 0
			fmt.Sscanf(out[i+2:j], "%d", &n)
			switch out[j] {
			case 'A':
				row = max(0, row-n)
			case 'J':
				lines = lines[:min(row, len(lines))]
			default:
				t.Fatalf("unexpected escape %q", out[i:j+1])
			}
			i = j + 1
		case out[i] == '\r':
			i++
		case out[i] == '\n':
			row++
			i++
		default:
			j := strings.IndexAny(out[i:], "\x1b\r\n")
			if j < 0 {
				j = len(out) - i
			}
			for len(lines) <= row {
				lines = append(lines, "")
			}
			lines[row] += out[i : i+j]
			i += j
		}
	}
	return lines
}

func TestTTYFinalScreenShowsEveryTableWithFullBarsAndCounts(t *testing.T) {
	var buf bytes.Buffer
	r := newTTYRenderer(&buf, fixedSize(120, 30))
	b := newTableBook()
	for _, st := range []migrationState{
		running(0, 0, []workflows.TableProgress{alphaRunning}, nil, nil),
		running(1, 1, nil, []workflows.TableResult{alphaDone, betaDone, gammaFailed}, []workflows.TableResult{gammaFailed}),
	} {
		b.absorb(st)
		r.update(st, b, t0)
	}
	final := closed("COMPLETED_WITH_FAILURES", 2, 1, nil, []workflows.TableResult{gammaFailed})
	b.absorb(final)
	r.finish(final, b, t0)
	lines := screen(t, buf.String())
	text := strings.Join(lines, "\n")
	full := "[" + strings.Repeat("#", 20) + "]"
	for _, want := range []string{
		"db.s.alpha " + full + " COMPLETED partitions 4/4, rows 40, 8.0 KiB",
		"db.s.beta  " + full + " COMPLETED partitions 2/2, rows 7, 100 B",
		"db.s.gamma [########!!!!!!!!!!!!] FAILED partitions 2/5 (3 failed)",
		"failed db.s.gamma: 3 of 5 partitions",
		"3 of 3 failed partitions share this first error",
		"tables [" + strings.Repeat("#", 30) + "] 3/3",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("final screen lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "EXECUTING") || strings.Contains(text, "0/0") {
		t.Errorf("final screen shows a stale state:\n%s", text)
	}
	for _, l := range lines {
		if utf8.RuneCountInString(l) >= 120 {
			t.Errorf("line wider than the terminal: %q", l)
		}
	}
}

// Thousands of tables never make thousands of lines: the frame fits the terminal and
// says how many more there are.
func TestTTYFrameFitsTheTerminalWithManyTables(t *testing.T) {
	var buf bytes.Buffer
	r := newTTYRenderer(&buf, fixedSize(80, 24))
	b := newTableBook()
	var recent []workflows.TableResult
	for i := range 3000 {
		b.put(viewOfResult(workflows.TableResult{TableKey: fmt.Sprintf("db.s.t%04d", i), Status: "COMPLETED", Partitions: 1, Rows: 1}))
	}
	st := running(3000, 0, []workflows.TableProgress{alphaRunning}, recent, nil)
	st.Progress.TablesTotal = 5000
	b.absorb(st)
	r.update(st, b, t0)
	lines := screen(t, buf.String())
	if len(lines) > 23 {
		t.Fatalf("%d lines on a 24-line terminal", len(lines))
	}
	text := strings.Join(lines, "\n")
	if !strings.Contains(text, "db.s.alpha") || !strings.Contains(text, "more tables (0 running, 0 failed or cancelled,") {
		t.Fatalf("frame:\n%s", text)
	}
	var sum bytes.Buffer
	printSummary(&sum, closed("COMPLETED", 3001, 0, nil, nil), b, true, t0)
	if n := strings.Count(sum.String(), "\n"); n > summaryTables+12 {
		t.Fatalf("summary has %d lines", n)
	}
}

func TestProgressBar(t *testing.T) {
	for _, c := range []struct {
		v    tableView
		want string
	}{
		{tableView{State: "EXECUTING", counted: true, PartitionsTotal: 4, PartitionsDone: 1}, "[##--------]"},
		{tableView{State: "EXECUTING", counted: true, PartitionsTotal: 0}, "[----------]"},
		{tableView{State: "COMPLETED", counted: true, PartitionsTotal: 0}, "[##########]"},
		{tableView{State: "FAILED", counted: true, PartitionsTotal: 3, PartitionsDone: 1, PartitionsFailed: 2}, "[###!!!!!!!]"},
	} {
		if got := progressBar(c.v, 10); got != c.want {
			t.Errorf("%+v: %s, want %s", c.v, got, c.want)
		}
	}
}

func TestUnseenCountsTablesThatEndedOutOfSight(t *testing.T) {
	b := newTableBook()
	b.absorb(running(5, 0, nil, []workflows.TableResult{betaDone}, nil))
	if n := b.unseen(); n != 4 {
		t.Fatalf("unseen %d, want 4", n)
	}
	if l := strings.Join(b.listing(10, "M", false), "\n"); !strings.Contains(l, "4 more tables ended between two refreshes") {
		t.Fatalf("listing:\n%s", l)
	}
}

func TestTableReasonDropsWrappersThatRepeatTheTable(t *testing.T) {
	key := "nosuchdb.public.elsewhere"
	got := tableReason(key, `introspect source table nosuchdb.public.elsewhere: introspect nosuchdb.public.elsewhere: source object missing: source.databaseName "nosuchdb": this worker is connected to database "bardb"`+"\nmore")
	if got != `source object missing: source.databaseName "nosuchdb": this worker is connected to database "bardb"` {
		t.Fatalf("%q", got)
	}
	keep := "3 of 5 partitions of db.s.t failed; first error: partition 1: load: denied"
	if got := tableReason("db.s.t", keep); got != keep {
		t.Fatalf("%q", got)
	}
}

func TestWrapKeepsWholeReasonsOnTheTerminal(t *testing.T) {
	long := "failed db.s.t: " + strings.Repeat("word ", 40)
	lines := wrap(long, 60, 4)
	if len(lines) != 4 {
		t.Fatalf("%d lines: %q", len(lines), lines)
	}
	for _, l := range lines {
		if utf8.RuneCountInString(l) > 60 {
			t.Fatalf("line of %d runes: %q", utf8.RuneCountInString(l), l)
		}
	}
	if got := wrap("short", 60, 4); len(got) != 1 || got[0] != "short" {
		t.Fatalf("%q", got)
	}
}

// A running table with failed partitions shows the first one's error and its count; a
// failed table whose reason does not include it gets its own line.
func TestFirstPartitionErrorOfRunningAndFailedTables(t *testing.T) {
	v := viewOfProgress(workflows.TableProgress{TableKey: "db.s.t", Status: "EXECUTING", PartitionsPlanned: 9, PartitionsCompleted: 4,
		PartitionsFailed: 2, Error: "partition 3: load: denied\nmore", FirstErrorCount: 2}, true, t0)
	if got := v.line(); !strings.HasSuffix(got, "first partition error (2 of 2 failed): partition 3: load: denied") {
		t.Fatalf("%q", got)
	}
	f := viewOfResult(workflows.TableResult{TableKey: "db.s.t", Status: "FAILED", Partitions: 9, Failed: 5,
		Error: "table db.s.t stopped: too many failures", FirstError: "partition 3: load: denied", FirstErrorCount: 4})
	lines := f.failureLines()
	if len(lines) != 2 || lines[1] != "    first partition error (4 of 5 failed partitions): partition 3: load: denied" {
		t.Fatalf("%q", lines)
	}
}

func fixedSize(w, h int) func() (int, int, error) {
	return func() (int, int, error) { return w, h, nil }
}

// Many failed tables with long reasons still fit a small terminal.
func TestTTYFrameWithManyFailuresFitsASmallTerminal(t *testing.T) {
	var buf bytes.Buffer
	r := newTTYRenderer(&buf, fixedSize(60, 12))
	b := newTableBook()
	var failures []workflows.TableResult
	for i := range 30 {
		failures = append(failures, workflows.TableResult{TableKey: fmt.Sprintf("db.s.t%02d", i), Status: "FAILED", Error: strings.Repeat("a long reason ", 20)})
	}
	st := running(0, 30, []workflows.TableProgress{alphaRunning}, failures, failures[:20])
	b.absorb(st)
	r.update(st, b, t0)
	r.update(st, b, t0)
	if lines := screen(t, buf.String()); len(lines) > 11 {
		t.Fatalf("%d lines on a 12-line terminal:\n%s", len(lines), strings.Join(lines, "\n"))
	}
}

// A table seen running whose result cannot be read when the migration closes is shown
// as ended, never as still running.
func TestEndRemainingNeverLeavesATableRunning(t *testing.T) {
	b := newTableBook()
	b.absorb(running(0, 0, []workflows.TableProgress{alphaRunning}, nil, nil))
	b.endRemaining()
	if v := b.tables["db.s.alpha"]; !v.ended() || !strings.Contains(v.line(), "ENDED: the migration closed") {
		t.Fatalf("%+v: %s", v, v.line())
	}
}

// A table whose own query already answered COMPLETED is not printed again when the
// migration's recent list brings the same outcome with a refined rate.
func TestLineRendererPrintsAnOutcomeOnce(t *testing.T) {
	var buf bytes.Buffer
	r := newLineRenderer(&buf)
	b := newTableBook()
	done := alphaRunning
	done.Status, done.PartitionsCompleted, done.PartitionsExtracting, done.Rows, done.Bytes = "COMPLETED", 4, 0, 40, 8192
	for _, st := range []migrationState{
		running(0, 0, []workflows.TableProgress{done}, nil, nil),
		running(1, 0, nil, []workflows.TableResult{alphaDone}, nil),
	} {
		b.absorb(st)
		r.update(st, b, t0)
	}
	if n := strings.Count(buf.String(), "db.s.alpha COMPLETED"); n != 1 {
		t.Fatalf("outcome printed %d times:\n%s", n, buf.String())
	}
}
