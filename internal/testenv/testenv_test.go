package testenv

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
)

// TestPostgresStartsAndIsolates checks the cluster answers and that two databases are
// distinct: a table made in one is absent from the other.
func TestPostgresStartsAndIsolates(t *testing.T) {
	pg := Postgres(t)
	ctx := context.Background()
	a, err := pgx.Connect(ctx, pg.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close(ctx)
	b, err := pgx.Connect(ctx, pg.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close(ctx)
	if _, err := a.Exec(ctx, "CREATE TABLE only_in_a(x int)"); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := b.QueryRow(ctx, "SELECT count(*) FROM pg_tables WHERE tablename = 'only_in_a'").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("databases are not isolated: found only_in_a in b")
	}
}

func TestTemporalHealthy(t *testing.T) {
	tp := Temporal(t)
	c := tp.Client(t)
	if _, err := c.CheckHealth(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
}
