package tests

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/snowflakedb/gosnowflake"

	"github.com/snowmigrate/snowmigrate/emulator/emulatortest"
)

func TestProtocolAsyncQueryAndExec(t *testing.T) {
	emu := emulatortest.Start(t)
	protoSetup(t, emu)
	db := emu.Open(t, "P", "S")
	actx := gosnowflake.WithAsyncMode(protoCtx(t))

	res, err := db.ExecContext(actx, "INSERT INTO T VALUES (1, 'a'), (2, 'b'), (3, 'c')")
	if err != nil {
		t.Fatal(err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 3 { // blocks until the async statement ends
		t.Fatalf("async RowsAffected = %d, %v; want 3", n, err)
	}
	rows, err := db.QueryContext(actx, "SELECT ID FROM T ORDER BY ID")
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	_ = rows.Close()
	if len(ids) != 3 || ids[0] != 1 || ids[2] != 3 {
		t.Fatalf("async rows = %v, want [1 2 3]", ids)
	}

	// An async statement that fails reports the SQL error when its result is read.
	rows, err = db.QueryContext(actx, "SELECT * FROM NO_SUCH_TABLE_X")
	if err == nil {
		for rows.Next() {
		}
		err = rows.Err()
		_ = rows.Close()
	}
	if se := protoSFError(t, err); se.Number != 2003 {
		t.Fatalf("async failing statement: Number=%d (%v)", se.Number, se)
	}
}

func TestProtocolAsyncRawAndMonitoring(t *testing.T) {
	emu := emulatortest.Start(t)
	raw := protoRawLogin(t, emu)
	r := raw.post("/queries/v1/query-request?requestId=a1b1c3d4-0000-4000-8000-000000000001",
		map[string]any{"sqlText": "SELECT 41 + 1", "asyncExec": true, "sequenceId": 1})
	var p struct {
		QueryID      string `json:"queryId"`
		GetResultURL string `json:"getResultUrl"`
	}
	if err := json.Unmarshal(r.Data, &p); err != nil {
		t.Fatal(err)
	}
	if r.status != 200 || !r.Success || protoCode(r) != "333334" || p.QueryID == "" || p.GetResultURL == "" {
		t.Fatalf("asyncExec reply: HTTP %d code=%s data=%s", r.status, protoCode(r), r.Data)
	}

	// Through the driver: the monitoring endpoint reports the statement's status.
	db := emu.Open(t, "", "")
	conn, err := db.Conn(protoCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var st *gosnowflake.SnowflakeQueryStatus
	deadline := time.Now().Add(20 * time.Second)
	for {
		err = conn.Raw(func(dc any) error {
			var e error
			st, e = dc.(gosnowflake.SnowflakeConnection).GetQueryStatus(protoCtx(t), p.QueryID)
			return e
		})
		var se *gosnowflake.SnowflakeError
		if err == nil || !errors.As(err, &se) || se.Number != gosnowflake.ErrQueryIsRunning || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil || st.SQLText != "SELECT 41 + 1" || st.ProducedRows != 1 || st.EndTime < st.StartTime {
		t.Fatalf("GetQueryStatus = %+v, %v", st, err)
	}

	// The driver fetches the result of a known query id (WithFetchResultByID).
	var v int64
	if err := db.QueryRowContext(gosnowflake.WithFetchResultByID(protoCtx(t), p.QueryID), "").Scan(&v); err != nil || v != 42 {
		t.Fatalf("fetch result by id = %d, %v; want 42", v, err)
	}
}

// protoSlowStatement is an 11-way cross join of a 10-row table (10^11 rows): it runs
// far longer than any test, so it only ends by being aborted.
const protoSlowStatement = "SELECT COUNT(*) FROM D a, D b, D c, D d, D e, D f, D g, D h, D i, D j, D k"

// Cancelling the context of a running statement makes the driver send abort-request,
// which cancels the engine statement; the session stays usable.
func TestProtocolAbortRunningStatement(t *testing.T) {
	emu := emulatortest.Start(t)
	setup := emu.Open(t, "", "")
	for _, stmt := range []string{
		"CREATE DATABASE P", "CREATE SCHEMA P.S", "CREATE TABLE P.S.D (X NUMBER)",
		"INSERT INTO P.S.D VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)",
	} {
		if _, err := setup.ExecContext(protoCtx(t), stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	db := emu.Open(t, "P", "S")
	db.SetMaxOpenConns(1) // the follow-up SELECT must reuse the aborted statement's session

	ctx, cancel := context.WithTimeout(context.Background(), 700*time.Millisecond)
	start := time.Now()
	var n sql.NullInt64
	err := db.QueryRowContext(ctx, protoSlowStatement).Scan(&n)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("slow statement: want context.DeadlineExceeded, got %v (n=%v)", err, n)
	}
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Fatalf("cancellation took %v", elapsed)
	}
	deadline := time.Now().Add(10 * time.Second)
	for emu.Stats().StatementsAborted < 1 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if st := emu.Stats(); st.AbortRequests < 1 || st.StatementsAborted != 1 {
		t.Fatalf("stats %+v: want an abort-request that ended the engine statement", st)
	}
	var one int64
	if err := db.QueryRowContext(protoCtx(t), "SELECT 1").Scan(&one); err != nil || one != 1 {
		t.Fatalf("session after abort: %d, %v", one, err)
	}
	if elapsed := time.Since(start); elapsed > 8*time.Second {
		t.Fatalf("the aborted statement kept the session busy for %v", elapsed)
	}
}
