package main

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"
)

// autoTablesMax: a migration with at most this many tables lists them all in the
// default status view; larger ones need --tables (which pages).
const autoTablesMax = 10

func statusCommand() *cli.Command {
	return &cli.Command{
		Name:      "status",
		Usage:     "show a migration: state, per-table progress while it runs, failed tables with their reasons, result once closed",
		ArgsUsage: "NAME",
		Flags: append([]cli.Flag{
			&cli.BoolFlag{Name: "json", Usage: "print JSON"},
			&cli.BoolFlag{Name: "tables", Usage: "list the migration's tables with their partitions, rows and state (paged: see --limit)"},
			&cli.StringFlag{Name: "state", Usage: "with --tables: only running, completed, failed or cancelled tables"},
			&cli.IntFlag{Name: "limit", Value: 50, Usage: "with --tables: list at most this many tables (0: all)"},
			&cli.IntFlag{Name: "page", Value: 1, Usage: "with --tables: which page of --limit tables"},
		}, commonFlags()...),
		Action: statusAction,
	}
}

func statusAction(c *cli.Context) error {
	name, err := needName(c)
	if err != nil {
		return err
	}
	filter, limit, page := c.String("state"), c.Int("limit"), c.Int("page")
	if _, ok := stateFilters[filter]; !ok {
		return usagef("--state %q: use running, completed, failed or cancelled", filter)
	}
	if limit < 0 {
		return usagef("--limit %d: use 0 (all) or a positive number", limit)
	}
	if page < 1 {
		return usagef("--page %d: pages start at 1", page)
	}
	if (filter != "" || c.IsSet("limit") || c.IsSet("page")) && !c.Bool("tables") {
		return usagef("--state, --limit and --page go with --tables")
	}
	cl, err := dial(c)
	if err != nil {
		return err
	}
	defer cl.Close()
	st, err := fetchState(c, cl, name, fetchOptions{})
	if err != nil {
		return err
	}
	var list *tableList
	if c.Bool("tables") || st.tablesTotal() <= autoTablesMax && st.tablesTotal() > 0 {
		l, err := listTables(c, cl, st, filter, limit, page)
		if err != nil {
			if isUnreachable(err) {
				return unreachable(c, err)
			}
			if c.Bool("tables") {
				return err
			}
			// The automatic list is a bonus: the status stands without it.
		} else {
			list = &l
		}
	}
	if c.Bool("json") {
		enc := json.NewEncoder(c.App.Writer)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			migrationState
			TableList *tableList `json:"tableList,omitempty"`
		}{st, list})
	}
	printStatus(c.App.Writer, st, time.Now())
	if list != nil {
		printTableList(c.App.Writer, *list, name)
	}
	return nil
}

func (s migrationState) tablesTotal() int {
	if p := s.Progress; p != nil {
		return p.TablesTotal
	}
	if r := s.Result; r != nil {
		return r.TablesTotal
	}
	return 0
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
		if len(st.Tables) > 0 {
			printTables(w, st.Tables)
		}
	}
	if st.ProgressError != "" {
		fmt.Fprintf(w, "  progress: %s\n", st.ProgressError)
	}
	if r := st.Result; r != nil {
		fmt.Fprintf(w, "  result:   %s: %d/%d tables completed, %d failed, %d cancelled; %s rows, %s\n",
			r.Outcome, r.TablesCompleted, r.TablesTotal, r.TablesFailed, r.TablesCancelled, thousands(r.Rows), humanBytes(r.Bytes))
	}
	if st.Error != "" && (st.Result == nil || len(st.FailedTables) == 0) {
		fmt.Fprintf(w, "  error:    %s\n", reason(st.Error))
	}
	printFailures(w, st)
	fmt.Fprintf(w, "  Web UI:   %s\n", st.URL)
}

// printTables is the running tables' table: partitions, rows, bytes, rate, in flight.
func printTables(w io.Writer, tables []tableView) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "    TABLE\tSTATE\tPARTITIONS DONE/PLANNED\tEXTRACTING\tLOADING\tFAILED\tROWS\tBYTES\tROWS/S")
	for _, t := range tables {
		fmt.Fprintf(tw, "    %s\t%s\t%s\t%d\t%d\t%d\t%s\t%s\t%s\n", t.TableKey, t.State, t.partitionsText(),
			t.PartitionsExtracting, t.PartitionsLoading, t.PartitionsFailed, thousands(t.Rows), humanBytes(t.Bytes), thousands(t.RowsPerSecond))
	}
	tw.Flush()
	for _, t := range tables {
		if t.FirstPartitionError != "" {
			fmt.Fprintf(w, "    %s: first partition error (%d of %d failed partitions): %s\n", t.TableKey,
				max(1, t.PartitionsWithFirstError), max(1, t.PartitionsFailed), t.FirstPartitionError)
		}
	}
}

// printFailures lists every failed or cancelled table the workflow kept, with its
// reason and first partition error, and says how many more there are.
func printFailures(w io.Writer, st migrationState) {
	for _, v := range st.FailedTables {
		for _, l := range v.failureLines() {
			fmt.Fprintln(w, "  "+l)
		}
	}
	if st.MoreFailed > 0 {
		fmt.Fprintf(w, "  … and %d more failed or cancelled tables: starter status %s --tables --state failed (or cancelled)\n", st.MoreFailed, st.WorkflowID)
	}
}
