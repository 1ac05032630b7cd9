package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/urfave/cli/v2"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/workflows"
)

// stateFilters maps --state to Temporal's execution status of the table workflows.
var stateFilters = map[string]string{
	"":          "",
	"running":   "Running",
	"completed": "Completed",
	"failed":    "Failed",
	"cancelled": "Canceled",
}

// tableList is `status --tables`: one page of the migration's tables, found through
// Temporal's visibility (each table workflow carries MigrationName), with each listed
// table's counts from its own query or result.
type tableList struct {
	Total  int64       `json:"total"` // tables matching, as visibility counts them
	Shown  int         `json:"shown"`
	Page   int         `json:"page"`  // of Limit tables each (1 when Limit is 0: all)
	Limit  int         `json:"limit"` // 0: all
	State  string      `json:"state,omitempty"`
	Tables []tableView `json:"tables"`
}

// tablesQuery selects this run's table workflows (not the runs they continued as new
// from, not the tables of an earlier run of the same name).
func tablesQuery(name string, since time.Time, status string) string {
	q := fmt.Sprintf("WorkflowType = '%s' AND %s = '%s' AND ExecutionStatus != 'ContinuedAsNew'",
		workflows.TableMigrationWorkflowName, workflows.SearchAttrMigration, name)
	if !since.IsZero() {
		q += fmt.Sprintf(" AND StartTime >= '%s'", since.UTC().Add(-time.Second).Format(time.RFC3339))
	}
	if status != "" {
		q += fmt.Sprintf(" AND ExecutionStatus = '%s'", status)
	}
	return q
}

// maxTablePages bounds the visibility paging whatever --limit says.
const maxTablePages = 1000

func listTables(c *cli.Context, cl client.Client, st migrationState, filter string, limit, page int) (tableList, error) {
	name := st.WorkflowID
	if strings.ContainsAny(name, `'"\`) {
		return tableList{}, fmt.Errorf("migration name %q has a quote or backslash: no migration can be named so", name)
	}
	var since time.Time
	if p := st.Progress; p != nil {
		since = p.StartedAt
	} else if r := st.Result; r != nil {
		since = r.StartedAt
	}
	q := tablesQuery(name, since, stateFilters[filter])
	ns := c.String(config.FlagNamespace)
	ctx, cancel := contextWithTimeout(c)
	defer cancel()
	list := tableList{State: filter, Tables: []tableView{}, Page: max(1, page), Limit: limit}
	offset := 0
	if limit > 0 {
		offset = (list.Page - 1) * limit
	}
	if n, err := cl.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{Namespace: ns, Query: q}); err == nil {
		list.Total = n.GetCount()
	} else if isUnreachable(err) {
		return list, err
	}
	type found struct{ key, wfID, runID, status string }
	var rows []found
	seen := map[string]bool{}
	var token []byte
	consumed := 0 // distinct tables read, skipped ones included
	for p := 0; p < maxTablePages && (limit == 0 || len(rows) < limit); p++ {
		size := 1000
		if limit > 0 {
			size = min(1000, offset+limit-consumed)
		}
		resp, err := cl.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Namespace: ns, PageSize: int32(size), NextPageToken: token, Query: q})
		if err != nil {
			return list, fmt.Errorf("list the tables of %s: %w", name, err)
		}
		for _, e := range resp.GetExecutions() {
			id := e.GetExecution().GetWorkflowId()
			if seen[id] {
				continue
			}
			seen[id] = true
			consumed++
			if consumed <= offset || (limit > 0 && len(rows) >= limit) {
				continue
			}
			rows = append(rows, found{strings.TrimPrefix(id, name+"/"), id, e.GetExecution().GetRunId(), e.GetStatus().String()})
		}
		if token = resp.GetNextPageToken(); len(token) == 0 {
			break
		}
	}
	list.Total = max(list.Total, int64(consumed))
	list.Tables = make([]tableView, len(rows))
	now := time.Now()
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for i, r := range rows {
		list.Tables[i] = tableView{TableKey: r.key, State: r.status}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			list.Tables[i] = describeTable(c.Context, cl, r.key, r.wfID, r.runID, r.status, now)
		}()
	}
	wg.Wait()
	sort.SliceStable(list.Tables, func(i, j int) bool {
		a, b := list.Tables[i], list.Tables[j]
		if ra, rb := rankOf(a), rankOf(b); ra != rb {
			return ra < rb
		}
		return a.TableKey < b.TableKey
	})
	list.Shown = len(list.Tables)
	return list, nil
}

// rankOf orders a listing: running, failed or cancelled, completed.
func rankOf(v tableView) int {
	switch {
	case !v.ended():
		return 0
	case v.failedOrCancelled():
		return 1
	}
	return 2
}

// describeTable reads one table's counts: its progress while it runs, its result once
// it has ended. On any error it keeps Temporal's status only.
func describeTable(ctx context.Context, cl client.Client, key, wfID, runID, status string, now time.Time) tableView {
	v := tableView{TableKey: key, State: status}
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	if status == enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING.String() {
		val, err := cl.QueryWorkflow(ctx, wfID, runID, workflows.QueryProgress)
		var tp workflows.TableProgress
		if err == nil && val.Get(&tp) == nil {
			return viewOfProgress(tp, true, now)
		}
		return v
	}
	var res workflows.TableResult
	err := cl.GetWorkflow(ctx, wfID, "").Get(ctx, &res)
	switch {
	case err == nil:
		return viewOfResult(res)
	case temporal.IsCanceledError(err):
		return viewOfResult(workflows.TableResult{TableKey: key, Status: "CANCELLED", Error: "cancelled"})
	}
	if r, ok := workflows.TableResultFromError(err); ok {
		return viewOfResult(r)
	}
	v.Reason = reason(err.Error())
	return v
}

// printTableList prints one page of tables and says how to see the rest.
func printTableList(w io.Writer, l tableList, name string) {
	what := "tables"
	if l.State != "" {
		what = l.State + " tables"
	}
	pageNote := ""
	if l.Limit > 0 && l.Total > int64(l.Limit) {
		pageNote = fmt.Sprintf(", page %d of %d", l.Page, (l.Total+int64(l.Limit)-1)/int64(l.Limit))
	}
	fmt.Fprintf(w, "  %s: %d shown of %d%s\n", what, l.Shown, l.Total, pageNote)
	keyW := 10
	for _, v := range l.Tables {
		keyW = min(48, max(keyW, len(v.TableKey)))
	}
	for _, v := range l.Tables {
		fmt.Fprintf(w, "    %-*s %s %s\n", keyW, v.TableKey, progressBar(v, 20), v.line())
		if v.failedOrCancelled() && v.FirstPartitionError != "" {
			fmt.Fprintf(w, "      first partition error (%d of %d failed partitions): %s\n",
				max(1, v.PartitionsWithFirstError), max(1, v.PartitionsFailed), v.FirstPartitionError)
		}
	}
	if after := l.Total - int64((l.Page-1)*l.Limit+l.Shown); l.Limit > 0 && after > 0 {
		fmt.Fprintf(w, "  %d more: starter status %s --tables --page %d (or --limit 0 for all, --state running|failed|cancelled|completed for one kind)\n",
			after, name, l.Page+1)
	}
}
