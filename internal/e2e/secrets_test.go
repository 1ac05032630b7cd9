package e2e

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/protobuf/encoding/protojson"
)

// assertNoSecretLeak looks for the source password everywhere a migration leaves
// traces: the Temporal histories of the migration and of every workflow it started
// (inputs, results, heartbeats, failures, memos, search attributes), the workers' logs,
// and every row of the metadata tables.
func (s *stack) assertNoSecretLeak(migration string) {
	s.t.Helper()
	tc := s.temporal.Client(s.t)
	ctx := context.Background()
	ids := []string{migration}
	list, err := tc.ListWorkflow(ctx, listRequest(s.temporal.Namespace(), "WorkflowId STARTS_WITH '"+migration+"/'"))
	if err != nil {
		s.t.Fatal(err)
	}
	for _, e := range list.GetExecutions() {
		ids = append(ids, e.GetExecution().GetWorkflowId())
	}
	if len(ids) < 2 {
		s.t.Fatalf("found no child workflow of %s to inspect", migration)
	}
	for _, id := range ids {
		it := tc.GetWorkflowHistory(ctx, id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		for it.HasNext() {
			ev, err := it.Next()
			if err != nil {
				s.t.Fatal(err)
			}
			b, _ := protojson.Marshal(ev)
			if strings.Contains(string(b), sourceSecret) {
				s.t.Errorf("the source password appears in the history of %s: event %d (%s)", id, ev.GetEventId(), ev.GetEventType())
			}
		}
	}
	logs, _ := filepath.Glob(filepath.Join(s.dir, "*.log"))
	for _, l := range logs {
		b, err := os.ReadFile(l)
		if err == nil && strings.Contains(string(b), sourceSecret) {
			s.t.Errorf("the source password appears in %s", filepath.Base(l))
		}
	}
	for _, table := range []string{"WORKFLOW", "TABLE_METADATA", "PARTITION_METADATA", "MIGRATION_WARNING"} {
		s.scanTable("SNOWCONVERT_AI.DATA_MIGRATION." + table)
	}
}

// scanTable reads every cell of a table as text and fails on the secret.
func (s *stack) scanTable(table string) {
	s.t.Helper()
	rows, err := s.sf().Query("SELECT * FROM " + table)
	if err != nil {
		s.t.Fatalf("%s: %v", table, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	vals := make([]sql.NullString, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			s.t.Fatalf("%s: %v", table, err)
		}
		for i, v := range vals {
			if strings.Contains(v.String, sourceSecret) {
				s.t.Errorf("the source password appears in %s.%s", table, cols[i])
			}
		}
	}
}

func listRequest(ns, query string) *workflowservice.ListWorkflowExecutionsRequest {
	return &workflowservice.ListWorkflowExecutionsRequest{Namespace: ns, Query: query, PageSize: 1000}
}
