package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/snowmigrate/snowmigrate/workflows"
)

func statusCommand() *cli.Command {
	return &cli.Command{
		Name:      "status",
		Usage:     "show a migration: state, per-table progress while it runs, result once closed",
		ArgsUsage: "NAME",
		Flags:     append([]cli.Flag{&cli.BoolFlag{Name: "json", Usage: "print JSON"}}, commonFlags()...),
		Action: func(c *cli.Context) error {
			name, err := needName(c)
			if err != nil {
				return err
			}
			cl, err := dial(c)
			if err != nil {
				return err
			}
			defer cl.Close()
			st, err := fetchState(c, cl, name)
			if err != nil {
				return err
			}
			if c.Bool("json") {
				enc := json.NewEncoder(c.App.Writer)
				enc.SetIndent("", "  ")
				return enc.Encode(st)
			}
			printStatus(c.App.Writer, st, time.Now())
			return nil
		},
	}
}

func printStatus(w io.Writer, st migrationState, now time.Time) {
	fmt.Fprintf(w, "Migration %s\n", st.WorkflowID)
	state := st.Status
	if p := st.Progress; p != nil {
		state += " (" + p.Status + ")"
	} else if r := st.Result; r != nil {
		state += " (" + r.Outcome + ")"
	}
	fmt.Fprintf(w, "  status:   %s\n", state)
	if st.Summary != "" {
		fmt.Fprintf(w, "  summary:  %s\n", st.Summary)
	}
	fmt.Fprintf(w, "  started:  %s\n", st.StartTime.Local().Format(time.DateTime))
	if st.CloseTime != nil {
		fmt.Fprintf(w, "  closed:   %s\n", st.CloseTime.Local().Format(time.DateTime))
	}
	fmt.Fprintf(w, "  elapsed:  %s\n", shortDuration(st.elapsed(now)))
	if p := st.Progress; p != nil {
		fmt.Fprintf(w, "  tables:   %d total, %d completed, %d failed, %d cancelled, %d running\n",
			p.TablesTotal, p.TablesCompleted, p.TablesFailed, p.TablesCancelled, len(p.Running))
		fmt.Fprintf(w, "  rows:     %s\n", thousands(p.Rows))
		if len(p.Running) > 0 {
			printTables(w, p.Running)
		}
		printFailures(w, p.Failures)
	}
	if st.ProgressError != "" {
		fmt.Fprintf(w, "  progress: %s\n", st.ProgressError)
	}
	if r := st.Result; r != nil {
		fmt.Fprintf(w, "  result:   %s: %d/%d tables completed, %d failed, %d cancelled; %s rows, %s\n",
			r.Outcome, r.TablesCompleted, r.TablesTotal, r.TablesFailed, r.TablesCancelled, thousands(r.Rows), humanBytes(r.Bytes))
		printFailures(w, r.Failures)
	}
	if st.Error != "" {
		fmt.Fprintf(w, "  error:    %s\n", st.Error)
	}
	fmt.Fprintf(w, "  Web UI:   %s\n", st.URL)
}

func printTables(w io.Writer, tables []workflows.TableProgress) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "    TABLE\tSTATUS\tPARTITIONS DONE/PLANNED\tEXTRACTING\tLOADING\tFAILED\tROWS")
	for _, t := range tables {
		fmt.Fprintf(tw, "    %s\t%s\t%s\t%d\t%d\t%d\t%s\n", t.TableKey, t.Status, partitionsDone(t),
			t.PartitionsExtracting, t.PartitionsLoading, t.PartitionsFailed, thousands(t.Rows))
	}
	tw.Flush()
}

func partitionsDone(t workflows.TableProgress) string {
	planned := fmt.Sprint(t.PartitionsPlanned)
	if !t.PlanDone {
		planned += "+"
	}
	return fmt.Sprintf("%d/%s", t.PartitionsCompleted, planned)
}

func printFailures(w io.Writer, fs []workflows.TableResult) {
	for _, f := range fs {
		fmt.Fprintf(w, "  %s %s: %s\n", strings.ToLower(f.Status), f.TableKey, oneLine(f.Error))
	}
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
