package tests

import (
	"encoding/json"
	"testing"

	"github.com/snowflakedb/gosnowflake"

	"github.com/snowmigrate/snowmigrate/emulator/emulatortest"
)

// protoSetup creates database P, schema P.S and table T(ID NUMBER, NAME VARCHAR).
func protoSetup(t *testing.T, emu *emulatortest.Emulator) {
	t.Helper()
	db := emu.Open(t, "", "")
	ctx := protoCtx(t)
	for _, stmt := range []string{
		"CREATE DATABASE P",
		"CREATE SCHEMA P.S",
		"CREATE TABLE P.S.T (ID NUMBER(38,0), NAME VARCHAR)",
	} {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
}

func TestProtocolBindsInsertAndSelect(t *testing.T) {
	emu := emulatortest.Start(t)
	protoSetup(t, emu)
	db := emu.Open(t, "P", "S")
	ctx := protoCtx(t)
	res, err := db.ExecContext(ctx, "INSERT INTO T (ID, NAME) VALUES (?, ?), (?, ?)", 1, "one", 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 2 {
		t.Fatalf("RowsAffected = %d, %v; want 2", n, err)
	}
	rows, err := db.QueryContext(ctx, "SELECT ID, NAME FROM T WHERE ID >= ? ORDER BY ID", 1)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	type row struct {
		id   int64
		name *string
	}
	var got []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.name); err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].id != 1 || got[0].name == nil || *got[0].name != "one" || got[1].id != 2 || got[1].name != nil {
		t.Fatalf("rows = %+v, want (1,'one'), (2,NULL)", got)
	}
}

func TestProtocolDescribeOnly(t *testing.T) {
	emu := emulatortest.Start(t)
	protoSetup(t, emu)
	db := emu.Open(t, "P", "S")
	ctx := gosnowflake.WithDescribeOnly(protoCtx(t))
	rows, err := db.QueryContext(ctx, "SELECT ID, NAME FROM T WHERE ID = ?", 1)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil || len(cols) != 2 || cols[0] != "ID" || cols[1] != "NAME" {
		t.Fatalf("columns = %v, %v", cols, err)
	}
	if rows.Next() {
		t.Fatal("describeOnly returned a row")
	}
	// Describe-only must not execute: an INSERT described is not applied.
	if _, err := db.ExecContext(gosnowflake.WithDescribeOnly(protoCtx(t)), "INSERT INTO T VALUES (9, 'x')"); err != nil {
		t.Fatalf("describe INSERT: %v", err)
	}
	var n int64
	if err := db.QueryRowContext(protoCtx(t), "SELECT COUNT(*) FROM T").Scan(&n); err != nil || n != 0 {
		t.Fatalf("count after describe-only INSERT = %d, %v; want 0", n, err)
	}
}

func TestProtocolSQLErrorIsSnowflakeErrorWithHTTP200(t *testing.T) {
	emu := emulatortest.Start(t)
	db := emu.Open(t, "", "")
	_, err := db.QueryContext(protoCtx(t), "SELECT * FROM NO_SUCH_DB.NO_SUCH_SCHEMA.NO_SUCH_TABLE")
	se := protoSFError(t, err)
	if se.Number != 2003 || se.SQLState != "42S02" || se.QueryID == "" || se.Message == "" {
		t.Fatalf("missing table: Number=%d SQLState=%q QueryID=%q Message=%q", se.Number, se.SQLState, se.QueryID, se.Message)
	}

	raw := protoRawLogin(t, emu)
	r := raw.post("/queries/v1/query-request?requestId=e2b1c3d4-0000-4000-8000-000000000001",
		map[string]any{"sqlText": "SELECT * FROM NO_SUCH_DB.NO_SUCH_SCHEMA.NO_SUCH_TABLE", "sequenceId": 1})
	var d struct {
		SQLState string `json:"sqlState"`
		QueryID  string `json:"queryId"`
	}
	if err := json.Unmarshal(r.Data, &d); err != nil {
		t.Fatal(err)
	}
	if r.status != 200 || r.Success || protoCode(r) != "002003" || d.SQLState != "42S02" || d.QueryID == "" {
		t.Fatalf("raw SQL error: HTTP %d success=%v code=%s data=%s", r.status, r.Success, protoCode(r), r.Data)
	}
	r = raw.post("/queries/v1/query-request?requestId=e2b1c3d4-0000-4000-8000-000000000002",
		map[string]any{"sqlText": "SELEC 1 FROMM", "sequenceId": 2})
	if r.status != 200 || r.Success || protoCode(r) != "001003" {
		t.Fatalf("raw syntax error: HTTP %d success=%v code=%s", r.status, r.Success, protoCode(r))
	}
}

// A statement retried with the same requestId (what the driver does after a timeout or
// 5xx) runs once: the second request gets the stored reply.
func TestProtocolRequestIDIdempotency(t *testing.T) {
	emu := emulatortest.Start(t)
	protoSetup(t, emu)
	db := emu.Open(t, "P", "S")
	reqID := gosnowflake.NewUUID()
	for i := 0; i < 2; i++ {
		ctx := gosnowflake.WithRequestID(protoCtx(t), reqID)
		res, err := db.ExecContext(ctx, "INSERT INTO T VALUES (1, 'once')")
		if err != nil {
			t.Fatalf("attempt %d: %v", i, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			t.Fatalf("attempt %d: RowsAffected = %d, want the stored 1", i, n)
		}
	}
	var n int64
	if err := db.QueryRowContext(protoCtx(t), "SELECT COUNT(*) FROM T").Scan(&n); err != nil || n != 1 {
		t.Fatalf("rows after a replayed requestId = %d, %v; want 1", n, err)
	}
}
