package workflows

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/activities/sourceapi"
	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/migration"
)

// rowCountWorld adds what the fake world needs for the end-of-table count: rows a
// concurrent writer added (per world and table) and the warnings recorded.
var rowCountWorld = struct {
	sync.Mutex
	written  map[*world]map[string]int64
	warnings map[*world][]snowflakeapi.RecordWarningsInput
}{written: map[*world]map[string]int64{}, warnings: map[*world][]snowflakeapi.RecordWarningsInput{}}

// CountRows is the fake source count: the table's planned rows plus what a writer added.
func (w *world) CountRows(ctx context.Context, in sourceapi.CountRowsInput) (sourceapi.CountRowsResult, error) {
	w.count(sourceapi.CountRowsName)
	key := config.TableKey(in.Table)
	t := w.table(key)
	n := t.NullRows + int64(t.Partitions)*t.RowsPer
	rowCountWorld.Lock()
	defer rowCountWorld.Unlock()
	return sourceapi.CountRowsResult{Rows: n + rowCountWorld.written[w][key]}, nil
}

// RecordWarnings remembers the warnings.
func (w *world) RecordWarnings(ctx context.Context, in snowflakeapi.RecordWarningsInput) error {
	w.count(snowflakeapi.RecordWarningsName)
	rowCountWorld.Lock()
	defer rowCountWorld.Unlock()
	rowCountWorld.warnings[w] = append(rowCountWorld.warnings[w], in)
	return nil
}

func TestTableRowCountDifferenceIsAWarning(t *testing.T) {
	w := newWorld("h")
	w.add("orders", &fakeTable{Partitions: 3, RowsPer: 10, NullRows: 2})
	rowCountWorld.Lock()
	rowCountWorld.written[w] = map[string]int64{tableKeyOf("orders"): 5}
	rowCountWorld.Unlock()
	res, err := runTable(t, w, tableInput(t, "orders", Limits{}))
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != migration.StatusCompleted || res.Rows != 32 {
		t.Fatalf("a concurrent writer must not change the outcome: %+v", res)
	}
	rowCountWorld.Lock()
	got := rowCountWorld.warnings[w]
	rowCountWorld.Unlock()
	if len(got) != 1 || got[0].Category != snowflakeapi.WarningCategoryRowCount || len(got[0].Messages) != 1 ||
		!strings.Contains(got[0].Messages[0], "37 rows") || !strings.Contains(got[0].Messages[0], "32 rows were loaded") {
		t.Fatalf("warnings %+v", got)
	}
}

func TestTableRowCountEqualRecordsNothing(t *testing.T) {
	w := newWorld("h")
	w.add("orders", &fakeTable{Partitions: 3, RowsPer: 10})
	if _, err := runTable(t, w, tableInput(t, "orders", Limits{})); err != nil {
		t.Fatal(err)
	}
	if n := w.callCount(sourceapi.CountRowsName); n != 1 {
		t.Fatalf("count called %d times", n)
	}
	if n := w.callCount(snowflakeapi.RecordWarningsName); n != 0 {
		t.Fatalf("warnings recorded %d times for an exact table", n)
	}
}
