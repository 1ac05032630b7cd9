package snowflakeside

import (
	"context"
	"errors"
	"testing"
	"time"

	sf "github.com/snowflakedb/gosnowflake"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/snowflake"
)

// A load attempt whose process died inside the transaction leaves it open on the
// server, holding its locks (the target's load and the metadata row's update). The
// next attempt of the partition finds it by name, aborts it and loads exactly once.
func TestLoadPartitionAbortsPredecessorTransaction(t *testing.T) {
	h := newHarness(t)
	in := loadSetup(t, h, 250)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	// The predecessor: its own session, as the dead process had.
	dead := h.emu.DB(t, "", "")
	dead.SetMaxOpenConns(1)
	conn, err := dead.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	step := func(q string) {
		t.Helper()
		rows, err := conn.QueryContext(ctx, q)
		if err != nil {
			t.Fatalf("predecessor: %s: %v", q, err)
		}
		rows.Close()
	}
	ensure, err := snowflake.MergePartitionsSQL(h.a.meta, in.Migration, in.MigrationRunID, in.TableKey, "", []snowflake.PartitionRow{{
		Number: 1, Lower: in.Partition.Lower, Upper: in.Partition.Upper, Status: "LOADING", At: time.Now()}})
	if err != nil {
		t.Fatal(err)
	}
	step(ensure)
	step(snowflake.BeginNamedSQL(snowflake.LoadTxnName(in.Migration, in.TableKey, 1)))
	var txn string
	if err := conn.QueryRowContext(ctx, snowflake.CurrentTransactionSQL).Scan(&txn); err != nil {
		t.Fatal(err)
	}
	copySQL, err := snowflake.CopySQL(in.Target, in.Columns, in.StagePrefix, in.Files)
	if err != nil {
		t.Fatal(err)
	}
	step(copySQL)
	step(snowflake.MarkLoadedSQL(h.a.meta, in.Migration, in.MigrationRunID, in.TableKey, 1, 250, 250, 1, 1, time.Now(), txn))
	// ... and the process dies here: the transaction stays open, holding its locks.

	var res snowflakeapi.LoadPartitionResult
	h.mustRun(t, h.a.LoadPartition, in, &res)
	if res.RowsLoaded != 250 || res.AlreadyLoaded {
		t.Fatalf("load after the predecessor: %+v, want 250 rows loaded by this attempt", res)
	}
	if n := h.count(t, `SELECT COUNT(*) FROM `+loadTable); n != 250 {
		t.Fatalf("target rows %d, want 250", n)
	}
	if n := h.count(t, `SELECT COUNT(DISTINCT ID) FROM `+loadTable); n != 250 {
		t.Fatalf("distinct ids %d, want 250", n)
	}
	if n := h.count(t, `SELECT COUNT(*) FROM SNOWCONVERT_AI.DATA_MIGRATION.PARTITION_METADATA WHERE PARTITION_NUMBER = 1 AND LOADED_AT IS NOT NULL AND ROWS_LOADED = 250`); n != 1 {
		t.Fatalf("partition rows marked loaded: %d, want 1", n)
	}
	if len(h.rec.matching("SELECT SYSTEM$ABORT_TRANSACTION(")) == 0 {
		t.Fatal("the load did not abort its predecessor")
	}
	// The predecessor's session learns that its transaction is gone; its COMMIT
	// commits nothing.
	_, err = conn.ExecContext(ctx, "COMMIT")
	var se *sf.SnowflakeError
	if !errors.As(err, &se) || se.Number != 604 {
		t.Fatalf("predecessor COMMIT: %v, want error 604 (transaction aborted)", err)
	}
	if n := h.count(t, `SELECT COUNT(*) FROM `+loadTable); n != 250 {
		t.Fatalf("target rows after the predecessor's COMMIT %d, want 250", n)
	}
}

// Migrations started together on a fresh account run the first-time metadata setup at
// the same moment: every one succeeds, and the objects exist once.
func TestEnsureMetadataConcurrentOnFreshAccount(t *testing.T) {
	h := newHarness(t)
	const n = 4
	errs := make(chan error, n)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for i := 0; i < n; i++ {
		go func() {
			_, err := h.a.EnsureMetadata(ctx, snowflakeapi.EnsureMetadataInput{ConnectionName: h.conn})
			errs <- err
		}()
	}
	for i := 0; i < n; i++ {
		if err := <-errs; err != nil {
			t.Errorf("concurrent EnsureMetadata: %v", err)
		}
	}
	if got := h.count(t, "SELECT COUNT(*) FROM SNOWCONVERT_AI.INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'DATA_MIGRATION' AND TABLE_NAME = 'PARTITION_METADATA'"); got != 1 {
		t.Fatalf("PARTITION_METADATA exists %d times", got)
	}
}
