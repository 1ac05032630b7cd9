package main

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// ttyRenderer redraws one frame per refresh: the migration's line and bar, one line per
// table (bar of partitions done of planned, rows, bytes, rate, state), and the reasons of
// failed tables. It moves the cursor up over the previous frame and clears below, so
// the last frame stays on screen when watch ends. Lines are cut to the terminal width
// (a wrapped line would break the cursor arithmetic) and the table lines to its height.
type ttyRenderer struct {
	w      io.Writer
	size   func() (width, height int, err error) // the terminal's, read at every frame (it may be resized)
	width  int
	height int
	drawn  int // lines of the frame on screen
}

func newTTYRenderer(w io.Writer, size func() (int, int, error)) *ttyRenderer {
	return &ttyRenderer{w: w, size: size}
}

// measure reads the terminal's size; an unknown one (e.g. a pseudo-terminal without a
// size) is taken as a wide terminal.
func (r *ttyRenderer) measure() {
	r.width, r.height = 0, 0
	if r.size != nil {
		if w, h, err := r.size(); err == nil {
			r.width, r.height = w, h
		}
	}
	if r.width <= 20 {
		r.width = 120
	}
	if r.height <= 5 {
		r.height = 40
	}
}

func (r *ttyRenderer) update(st migrationState, b *tableBook, now time.Time) {
	r.measure()
	r.draw(r.frame(st, b, now))
}

// finish draws the final frame (every table with its final counts) and leaves it.
func (r *ttyRenderer) finish(st migrationState, b *tableBook, now time.Time) {
	if st.Progress != nil || st.Result != nil {
		r.measure()
		r.draw(r.frame(st, b, now))
	}
	r.drawn = 0
}

func (r *ttyRenderer) frame(st migrationState, b *tableBook, now time.Time) []string {
	lines := []string{fmt.Sprintf("Migration %s  %s  elapsed %s", st.WorkflowID, headLine(st), shortDuration(st.elapsed(now)))}
	if st.Progress == nil && st.Result == nil {
		return append(lines, "  "+st.ProgressError)
	}
	done, total := 0, 0
	if p := st.Progress; p != nil {
		done, total = p.TablesCompleted+p.TablesFailed+p.TablesCancelled, p.TablesTotal
	} else if res := st.Result; res != nil {
		done, total = res.TablesCompleted+res.TablesFailed+res.TablesCancelled, res.TablesTotal
	}
	lines = append(lines, fmt.Sprintf("  tables %s %d/%d", bar(done, total, 30), done, total))
	// Table lines get what the height leaves after the head and a few reasons.
	var reasons []string
	for _, l := range failureSection(st, 3) {
		reasons = append(reasons, wrap(l, r.width-1, 4)...)
	}
	room := max(3, r.height-len(lines)-len(reasons)-2)
	lines = append(lines, b.listing(room, st.WorkflowID, true)...)
	lines = append(lines, reasons...)
	// The cursor cannot move above the screen's top: a frame taller than the terminal
	// would scroll and never be erased.
	if len(lines) > r.height-1 {
		lines = append(lines[:r.height-2], "  … (a taller terminal shows more; starter status "+st.WorkflowID+" --tables lists every table)")
	}
	return lines
}

// draw replaces the previous frame with lines.
func (r *ttyRenderer) draw(lines []string) {
	var sb strings.Builder
	if r.drawn > 0 {
		fmt.Fprintf(&sb, "\x1b[%dA", r.drawn)
	}
	sb.WriteString("\r\x1b[J")
	for _, l := range lines {
		sb.WriteString(fitWidth(l, r.width-1))
		sb.WriteString("\n")
	}
	r.drawn = len(lines)
	_, _ = io.WriteString(r.w, sb.String())
}

// fitWidth cuts a line to n runes, so that the terminal never wraps it.
func fitWidth(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	rs := []rune(s)
	return string(rs[:max(0, n-1)]) + "…"
}

// wrap splits a reason over at most maxLines lines of n runes (continuations indented),
// so that a terminal shows the whole cause instead of its first words.
func wrap(s string, n, maxLines int) []string {
	const indent = "      "
	rs := []rune(s)
	var out []string
	for len(rs) > 0 && len(out) < maxLines {
		prefix := ""
		if len(out) > 0 {
			prefix = indent
		}
		room := max(10, n-len(prefix))
		if len(rs) <= room {
			out = append(out, prefix+string(rs))
			return out
		}
		cutAt := room
		for i := room; i > room/2; i-- { // break at a space when there is one
			if rs[i] == ' ' {
				cutAt = i
				break
			}
		}
		out = append(out, prefix+string(rs[:cutAt]))
		rs = []rune(strings.TrimLeft(string(rs[cutAt:]), " "))
	}
	if len(rs) > 0 && len(out) > 0 {
		out[len(out)-1] = fitWidth(out[len(out)-1]+" …", n)
	}
	return out
}

func bar(done, total, width int) string {
	if total <= 0 {
		return "[" + strings.Repeat("-", width) + "]"
	}
	d := min(width, done*width/total)
	return "[" + strings.Repeat("#", d) + strings.Repeat("-", width-d) + "]"
}

// failureSection lists failed and cancelled tables with their reasons, at most limit
// tables (the summary at the end lists all the workflow kept).
func failureSection(st migrationState, limit int) []string {
	var lines []string
	for i, v := range st.FailedTables {
		if i >= limit {
			lines = append(lines, fmt.Sprintf("  … %d more failed or cancelled tables", len(st.FailedTables)-i+st.MoreFailed))
			return lines
		}
		for _, l := range v.failureLines() {
			lines = append(lines, "  "+l)
		}
	}
	if st.MoreFailed > 0 {
		lines = append(lines, fmt.Sprintf("  … %d more failed or cancelled tables", st.MoreFailed))
	}
	return lines
}
