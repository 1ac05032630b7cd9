package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"
)

// renderer shows a running migration. The line renderer suits logs and pipes; the
// terminal renderer draws progress bars.
type renderer interface {
	update(st migrationState, now time.Time)
	finish(st migrationState, now time.Time)
}

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
	if f, ok := out.(*os.File); ok && !c.Bool("plain") && term.IsTerminal(int(f.Fd())) {
		r = newTTYRenderer(c.Context, out)
	} else {
		r = newLineRenderer(out)
	}
	deadline := time.Now().Add(timeout)
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	// Bounded by the workflow closing, the deadline, or an interrupt (each tick checks).
	for {
		st, err := fetchState(c, cl, name)
		if err != nil {
			r.finish(migrationState{}, time.Now())
			return err
		}
		now := time.Now()
		if !st.running() {
			r.finish(st, now)
			printSummary(out, st, now)
			if st.succeeded() {
				return nil
			}
			return cli.Exit("", exitFailure)
		}
		r.update(st, now)
		if now.After(deadline) {
			r.finish(migrationState{}, now)
			return cli.Exit(fmt.Sprintf("stopped watching %s after %s; the migration is still running (starter status %s)", name, timeout, name), exitTimedOut)
		}
		select {
		case <-c.Context.Done():
			r.finish(migrationState{}, time.Now())
			return cli.Exit(fmt.Sprintf("stopped watching %s (%v); the migration continues", name, errors.Unwrap(c.Context.Err())), exitFailure)
		case <-ticker.C:
		}
	}
}

// printSummary is watch's last word: outcome, tables, rows, time, failures.
func printSummary(w io.Writer, st migrationState, now time.Time) {
	fmt.Fprintln(w)
	if r := st.Result; r != nil {
		fmt.Fprintf(w, "Migration %s %s in %s\n", st.WorkflowID, r.Outcome, shortDuration(st.elapsed(now)))
		fmt.Fprintf(w, "  tables: %d total, %d completed, %d failed, %d cancelled\n", r.TablesTotal, r.TablesCompleted, r.TablesFailed, r.TablesCancelled)
		fmt.Fprintf(w, "  rows:   %s (%s)\n", thousands(r.Rows), humanBytes(r.Bytes))
		if secs := st.elapsed(now).Seconds(); secs > 0 && r.Rows > 0 {
			fmt.Fprintf(w, "  rate:   %s rows/s\n", thousands(int64(float64(r.Rows)/secs)))
		}
		printFailures(w, r.Failures)
	} else {
		fmt.Fprintf(w, "Migration %s ended %s after %s without a result\n", st.WorkflowID, st.Status, shortDuration(st.elapsed(now)))
		if st.Error != "" {
			fmt.Fprintf(w, "  error: %s\n", oneLine(st.Error))
		}
	}
	fmt.Fprintf(w, "  Web UI: %s\n", st.URL)
}
