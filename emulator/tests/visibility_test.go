package tests

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/marcboeker/go-duckdb" // the DuckDB behaviour the engine works around

	"github.com/snowmigrate/snowmigrate/emulator/emulatortest"
)

// Issue 12: a partition's verify COUNT of its key range read 20 rows where 10 were
// loaded, and 200 ms later the range held 10. The cause is in DuckDB (1.1, the
// emulator's engine): it plans a statement in one autocommit transaction (prepare) and
// runs it in another (execute), and its optimizer drops a range filter that the
// table's min/max statistics at plan time prove always true. Rows another session
// commits between the two are then counted without the filter. The engine runs both
// steps of every statement in one DuckDB transaction (engine/txn.go, queryDuck), whose
// statistics cover every row the statement can see.

// TestDuckDBPlanStatisticsAcrossCommit shows the DuckDB behaviour deterministically on
// two plain DuckDB connections, and that one transaction around prepare and execute
// (what the engine does) reads the range exactly.
func TestDuckDBPlanStatisticsAcrossCommit(t *testing.T) {
	db, err := sql.Open("duckdb", filepath.Join(t.TempDir(), "plan.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	reader, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	writer, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Close()
	exec := func(c *sql.Conn, q string) {
		t.Helper()
		if _, err := c.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	// count prepares the range count (the table holds ids 1..10 only), lets the writer
	// commit ids 11..20, then runs the prepared statement.
	count := func(table string, inTxn bool) int64 {
		t.Helper()
		exec(writer, "CREATE TABLE "+table+" (id INTEGER)")
		exec(writer, "INSERT INTO "+table+" SELECT * FROM range(1, 11)")
		if inTxn {
			exec(reader, "BEGIN TRANSACTION")
		}
		st, err := reader.PrepareContext(ctx, "SELECT count(*) FROM "+table+" WHERE id >= 1 AND id < 11")
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		exec(writer, "INSERT INTO "+table+" SELECT * FROM range(11, 21)")
		var n int64
		if err := st.QueryRowContext(ctx).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if inTxn {
			exec(reader, "COMMIT")
		}
		return n
	}
	// Autocommit: the plan made on ids 1..10 has no filter left, and its run sees 20
	// rows. Logged, not asserted: a DuckDB that fixes this is welcome.
	t.Logf("autocommit prepare, commit elsewhere, execute: %d rows in the range of 10", count("auto", false))
	if n := count("txn", true); n != 10 {
		t.Fatalf("prepare and execute in one transaction: %d rows in the range, want 10", n)
	}
}

// TestRangeReadsDuringConcurrentLoads is the product's load-then-verify pattern through
// the real driver: per round a new table, six ranges of ten keys each loaded by four
// sessions in their own transactions, and range counts on other pooled sessions (each
// loader checks its range right after its commit, as VerifyPartition does, while
// readers count the committed ranges over and over). A committed range must always
// read exactly its own ten rows. Before the fix this failed within a few rounds; the
// round count is bounded so that the test stays short.
func TestRangeReadsDuringConcurrentLoads(t *testing.T) {
	if testing.Short() {
		t.Skip("concurrency test: skipped with -short")
	}
	emu := emulatortest.Start(t)
	admin := emu.Open(t, "", "")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE VIS"); err != nil {
		t.Fatal(err)
	}
	loaders := emu.Open(t, "VIS", "PUBLIC")
	loaders.SetMaxOpenConns(4)
	readers := emu.Open(t, "VIS", "PUBLIC")
	readers.SetMaxOpenConns(4)
	const (
		parts   = 6
		perPart = 10
		rounds  = 80
	)
	budget := time.Now().Add(30 * time.Second)
	var (
		mu       sync.Mutex
		failures []string
		reads    int
	)
	fail := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		failures = append(failures, fmt.Sprintf(format, args...))
	}
	failed := func() bool { mu.Lock(); defer mu.Unlock(); return len(failures) > 0 }
	// check counts range p of table and lists the ids when they are not the range's ten.
	check := func(table string, p int, mustHave bool) {
		lo := (p-1)*perPart + 1
		var n int64
		var ids sql.NullString
		q := fmt.Sprintf("SELECT COUNT(*), LISTAGG(ID::VARCHAR, ',') WITHIN GROUP (ORDER BY ID) FROM %s WHERE ID >= %d AND ID < %d", table, lo, lo+perPart)
		if err := readers.QueryRowContext(ctx, q).Scan(&n, &ids); err != nil {
			fail("%s range %d: %v", table, p, err)
			return
		}
		mu.Lock()
		reads++
		mu.Unlock()
		if n != perPart && (mustHave || n != 0) {
			fail("%s range %d (ids %d..%d, committed: %v): COUNT %d, ids read: %s", table, p, lo, lo+perPart-1, mustHave, n, ids.String)
		}
	}
	for r := 0; r < rounds && !failed() && time.Now().Before(budget); r++ {
		table := fmt.Sprintf("T%d", r)
		if _, err := admin.ExecContext(ctx, "CREATE TABLE VIS.PUBLIC."+table+" (ID NUMBER(10,0), V VARCHAR, U TIMESTAMP_NTZ)"); err != nil {
			t.Fatal(err)
		}
		table = "VIS.PUBLIC." + table
		committed := make([]bool, parts+1)
		var cmu sync.Mutex
		work := make(chan int, parts)
		for p := 1; p <= parts; p++ {
			work <- p
		}
		close(work)
		stop := make(chan struct{})
		var rg sync.WaitGroup
		for k := 0; k < 2; k++ {
			rg.Add(1)
			go func(k int) {
				defer rg.Done()
				for i := k; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					p := 1 + i%parts
					cmu.Lock()
					was := committed[p]
					cmu.Unlock()
					check(table, p, was)
				}
			}(k)
		}
		var wg sync.WaitGroup
		for w := 0; w < 4; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for p := range work {
					lo := (p-1)*perPart + 1
					if err := loadRange(ctx, loaders, table, p, lo, perPart); err != nil {
						fail("%s: load range %d: %v", table, p, err)
						return
					}
					cmu.Lock()
					committed[p] = true
					cmu.Unlock()
					check(table, p, true)
				}
			}()
		}
		wg.Wait()
		close(stop)
		rg.Wait()
	}
	if len(failures) > 0 {
		t.Fatalf("%d wrong range reads of %d:\n%s", len(failures), reads, strings.Join(failures, "\n"))
	}
	t.Logf("%d range reads, all exact", reads)
}

// loadRange is one partition load on one pooled session: an explicit transaction that
// appends the range's rows and commits, as LoadPartition's COPY does.
func loadRange(ctx context.Context, db *sql.DB, table string, p, lo, n int) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	vals := make([]string, n)
	for i := range vals {
		id := lo + i
		vals[i] = fmt.Sprintf("(%d, 'v%d', '2024-01-01 00:00:00'::TIMESTAMP_NTZ + INTERVAL '%d MINUTE')", id, id, id)
	}
	for _, q := range []string{
		fmt.Sprintf("BEGIN TRANSACTION NAME LOAD_%d", p),
		"INSERT INTO " + table + " VALUES " + strings.Join(vals, ", "),
		"COMMIT",
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			_, _ = conn.ExecContext(context.Background(), "ROLLBACK")
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	return nil
}
