package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/urfave/cli/v2"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"golang.org/x/term"

	"github.com/snowmigrate/snowmigrate/workflows"
)

// renderer shows a running migration from the book of its tables. The line renderer
// suits logs and pipes; the terminal renderer redraws a frame with bars.
type renderer interface {
	update(st migrationState, b *tableBook, now time.Time)
	finish(st migrationState, b *tableBook, now time.Time)
}

// unreachableGrace is how long watch keeps trying while Temporal does not answer
// before it gives up with exit 4: a restart of the service is not the end of a watch.
var unreachableGrace = 30 * time.Second // a variable so that a test can shorten it

func watchCommand() *cli.Command {
	return &cli.Command{
		Name:      "watch",
		Usage:     "follow a migration's per-table progress until it closes (exit 0 only if every table completed)",
		ArgsUsage: "NAME",
		Flags: append([]cli.Flag{
			&cli.DurationFlag{Name: "interval", Value: time.Second, Usage: "time between progress polls"},
			&cli.DurationFlag{Name: "timeout", Value: 7 * 24 * time.Hour, Usage: "stop watching after this long (exit 3; the migration continues)"},
			&cli.BoolFlag{Name: "plain", Usage: "line output even on a terminal"},
		}, commonFlags()...),
		Action: watchAction,
	}
}

func watchAction(c *cli.Context) error {
	name, err := needName(c)
	if err != nil {
		return err
	}
	interval, timeout := c.Duration("interval"), c.Duration("timeout")
	if interval < 100*time.Millisecond || interval > time.Hour {
		return usagef("--interval %s: use 100ms to 1h", interval)
	}
	if timeout <= 0 {
		return usagef("--timeout %s: must be positive", timeout)
	}
	cl, err := dial(c)
	if err != nil {
		return err
	}
	defer cl.Close()

	out := c.App.Writer
	var r renderer
	tty := false
	if f, ok := out.(*os.File); ok && !c.Bool("plain") && term.IsTerminal(int(f.Fd())) {
		r, tty = newTTYRenderer(out, func() (int, int, error) { return term.GetSize(int(f.Fd())) }), true
	} else {
		r = newLineRenderer(out)
	}
	book := newTableBook()
	deadline := time.Now().Add(timeout)
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	// The migration's close wakes the loop at once instead of at the next tick (up to
	// --interval later): Get long-polls the close event and follows continue-as-new.
	// Anything else it returns (an unreachable server, say) only costs that early
	// wake-up; the ticks still drive the loop.
	closed := make(chan struct{}, 1)
	waitCtx, stopWaiting := context.WithCancel(c.Context)
	defer stopWaiting()
	go func() {
		_ = cl.GetWorkflow(waitCtx, name, "").Get(waitCtx, nil)
		if waitCtx.Err() == nil {
			closed <- struct{}{}
		}
	}()
	var downSince time.Time
	// Bounded by the workflow closing, the deadline, an interrupt (each tick checks),
	// or Temporal staying unreachable for unreachableGrace.
	for {
		st, err := fetchState(c, cl, name, fetchOptions{recentOnClose: true})
		now := time.Now()
		switch {
		case err != nil && isUnreachable(err):
			if downSince.IsZero() {
				downSince = now
				fmt.Fprintf(c.App.ErrWriter, "%s Temporal does not answer; retrying for %s\n", now.Format("15:04:05"), unreachableGrace)
			}
			if now.Sub(downSince) >= unreachableGrace || now.After(deadline) {
				return err
			}
		case err != nil:
			return err
		default:
			downSince = time.Time{}
			book.absorb(st)
			if st.Progress != nil || !st.running() { // the running set is known
				resolveLeft(c, cl, name, book, st)
			}
			if !st.running() {
				book.endRemaining()
				r.finish(st, book, now)
				printSummary(out, st, book, !tty, now)
				if st.succeeded() {
					return nil
				}
				return cli.Exit("", exitFailure)
			}
			r.update(st, book, now)
		}
		if now.After(deadline) {
			return cli.Exit(fmt.Sprintf("stopped watching %s after %s; the migration is still running (starter status %s)", name, timeout, name), exitTimedOut)
		}
		select {
		case <-c.Context.Done():
			return cli.Exit(fmt.Sprintf("stopped watching %s (%v); the migration continues", name, errors.Unwrap(c.Context.Err())), exitFailure)
		case <-ticker.C:
		case <-closed:
		}
	}
}

// maxLeftLookups bounds the result lookups of one refresh.
const maxLeftLookups = 20

// resolveLeft reads the result of each table that the book saw running and that is no
// longer running, so that it shows its final counts and reason.
func resolveLeft(c *cli.Context, cl client.Client, name string, b *tableBook, st migrationState) {
	for i, key := range b.left(st) {
		if i >= maxLeftLookups {
			return
		}
		ctx, cancel := context.WithTimeout(c.Context, queryTimeout)
		var res workflows.TableResult
		err := cl.GetWorkflow(ctx, workflows.TableWorkflowID(name, key), "").Get(ctx, &res)
		cancel()
		switch {
		case err == nil:
			b.put(viewOfResult(res))
		case temporal.IsCanceledError(err):
			b.put(viewOfResult(workflows.TableResult{TableKey: key, Status: "CANCELLED", Error: "cancelled"}))
		case isUnreachable(err):
			// No answer in time: try again at the next refresh.
		default:
			if r, ok := workflows.TableResultFromError(err); ok {
				b.put(viewOfResult(r))
				continue
			}
			// It is no longer running, but how it ended is unknown: say so rather than
			// show it running forever. A later recent or failure entry replaces this.
			b.put(tableView{TableKey: key, State: "ENDED", Reason: "its result could not be read: " + reason(err.Error())})
		}
	}
}

// summaryTables bounds the table lines of the summary.
const summaryTables = 50

// printSummary is watch's last word: outcome, tables, rows, time, each table's final
// counts (unless the terminal frame above shows them), the failed and cancelled tables
// with their reasons.
func printSummary(w io.Writer, st migrationState, b *tableBook, withTables bool, now time.Time) {
	fmt.Fprintln(w)
	if r := st.Result; r != nil {
		fmt.Fprintf(w, "Migration %s %s in %s\n", st.WorkflowID, r.Outcome, shortDuration(st.elapsed(now)))
		fmt.Fprintf(w, "  tables: %d total, %d completed, %d failed, %d cancelled\n", r.TablesTotal, r.TablesCompleted, r.TablesFailed, r.TablesCancelled)
		fmt.Fprintf(w, "  rows:   %s (%s)\n", thousands(r.Rows), humanBytes(r.Bytes))
		if secs := st.elapsed(now).Seconds(); secs > 0 && r.Rows > 0 {
			fmt.Fprintf(w, "  rate:   %s rows/s\n", thousands(int64(float64(r.Rows)/secs)))
		}
	} else {
		fmt.Fprintf(w, "Migration %s ended %s after %s without a result\n", st.WorkflowID, st.Status, shortDuration(st.elapsed(now)))
	}
	if st.Error != "" && (st.Result == nil || len(st.FailedTables) == 0) {
		fmt.Fprintf(w, "  error: %s\n", reason(st.Error))
	}
	if withTables && len(b.order) > 0 {
		for _, l := range b.listing(summaryTables, st.WorkflowID, false) {
			fmt.Fprintln(w, l)
		}
	}
	printFailures(w, st)
	fmt.Fprintf(w, "  Web UI: %s\n", st.URL)
}
