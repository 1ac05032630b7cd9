package sourceside

import (
	"errors"
	"strings"
	"testing"

	"go.temporal.io/sdk/temporal"

	"github.com/snowmigrate/snowmigrate/activities/sourceapi"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source/postgres"
)

// TestCountRowsAndDrift: the end-of-table count honours the filter and reports added
// columns; an extraction after a type change fails non-retryably naming the column.
func TestCountRowsAndDrift(t *testing.T) {
	pool := sourcePool(t, `CREATE TABLE c (id int PRIMARY KEY, v bigint); INSERT INTO c SELECT i, i FROM generate_series(1, 100) i;`)
	a, err := New(Options{Source: &postgres.Source{Pool: pool, Dialect: postgres.NewDialect()}, Stager: &recordingStager{}, WorkDir: t.TempDir(), HostQueue: "q/h"})
	if err != nil {
		t.Fatal(err)
	}
	tc := table("c")
	filter := "id <= 40"
	tc.WhereClauseCriteria = &filter
	intro, err := a.Introspect(ctxT(t), sourceapi.IntrospectInput{Migration: "M", Platform: "postgresql", Table: tc})
	if err != nil {
		t.Fatal(err)
	}
	in := sourceapi.CountRowsInput{Migration: "M", Platform: "postgresql", Table: tc, TableShape: intro.TableShape}
	res, err := a.CountRows(ctxT(t), in)
	if err != nil || res.Rows != 40 || len(res.Warnings) != 0 {
		t.Fatalf("count = %+v, %v", res, err)
	}
	if _, err := pool.Exec(ctxT(t), `ALTER TABLE c ADD COLUMN later text; ALTER TABLE c ALTER COLUMN v TYPE double precision`); err != nil {
		t.Fatal(err)
	}
	res, err = a.CountRows(ctxT(t), in)
	if err != nil || res.Rows != 40 || len(res.Warnings) != 2 || !strings.Contains(strings.Join(res.Warnings, "\n"), `"later"`) {
		t.Fatalf("count after ALTER = %+v, %v", res, err)
	}
	_, err = a.Extract(ctxT(t), sourceapi.ExtractInput{Migration: "M", Platform: "postgresql", TableKey: "db.public.c", Table: tc, TableShape: intro.TableShape, Partition: migration.Partition{Number: 1}})
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || !appErr.NonRetryable() || appErr.Type() != migration.ErrTypeConfig ||
		!strings.Contains(err.Error(), `column "v" changed type from bigint to double precision`) {
		t.Fatalf("extract after a type change: %v", err)
	}
}
