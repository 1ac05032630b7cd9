package server

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/binary"
	"fmt"
	"io"
	"math/big"
	"strings"
	"sync"

	"github.com/marcboeker/go-duckdb"

	"github.com/snowmigrate/snowmigrate/emulator/sqlserver/tds"
	"github.com/snowmigrate/snowmigrate/emulator/sqlserver/tsql"
)

// session is one client connection's state.
type session struct {
	srv      *Server
	conn     *sql.Conn
	ctx      context.Context
	w        *tds.Writer
	db       string
	loginDB  string
	spid     int
	inTx     bool
	txID     uint64
	rowCount int64
	noCount  bool // SET NOCOUNT ON: DONE tokens carry no row count
	fmtOnly  bool // SET FMTONLY ON: result sets carry metadata only
	bulk     *bulkTarget
	// xactAbort is SET XACT_ABORT ON: a run-time error rolls the transaction back
	xactAbort bool
	// the open transaction's redo log and the running statement's writes (txlog.go)
	txLog, txPending []txEntry
	txDB             string // the database current at BEGIN TRAN

	mu        sync.Mutex
	cancel    context.CancelFunc
	attnRecv  int
	attnAcked int
}

// result of one statement.
type stmtResult struct {
	cmd      uint16
	rows     int64
	hasCount bool
}

// attention reports whether an attention arrived that is not yet acknowledged.
func (s *session) attention() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.attnRecv > s.attnAcked
}

// runBatch executes a batch's statements; rpc selects DONEINPROC/DONEPROC framing.
func (s *session) runBatch(ctx context.Context, text string, params map[string]tsql.BoundParam, rpc bool) {
	s.w.Begin(tds.PacketReply)
	finalStatus := uint16(0)
	toks, err := tsql.Lex(text)
	var stmts [][]tsql.Token
	if err == nil {
		stmts = tsql.Split(toks)
	}
	if err != nil {
		s.writeErr(err)
		finalStatus |= tds.DoneError
	}
	for _, st := range stmts {
		if s.attention() {
			break
		}
		s.txPending = nil
		res, err := s.exec(ctx, st, params)
		if err == nil {
			s.statementDone()
		}
		// every statement's DONE says "more": finish writes the final one
		status := uint16(tds.DoneMore)
		if err != nil {
			attn := s.attention()
			if !attn {
				s.writeErr(err)
			}
			// runtime errors end the statement, other errors the batch; the transaction
			// is restored to its state before the statement (or rolled back: XACT_ABORT)
			abort := s.failed(err)
			if attn {
				break
			}
			if s.inTx {
				status |= tds.DoneInxact
			}
			status |= tds.DoneError
			finalStatus |= tds.DoneError
			s.writeDone(rpc, status, res.cmd, 0)
			if abort {
				break
			}
			continue
		}
		if s.inTx {
			status |= tds.DoneInxact
		}
		if res.hasCount {
			s.rowCount = res.rows
			if !s.noCount || res.cmd == tds.CmdSelect {
				status |= tds.DoneCount
			}
		}
		s.writeDone(rpc, status, res.cmd, uint64(res.rows))
	}
	s.finish(rpc, finalStatus)
}

func (s *session) writeDone(rpc bool, status, cmd uint16, rows uint64) {
	if rpc {
		tds.WriteDoneInProc(s.w, status, cmd, rows)
	} else {
		tds.WriteDone(s.w, status, cmd, rows)
	}
}

// finish closes the response: the final DONE (acknowledging an attention if one came).
func (s *session) finish(rpc bool, status uint16) {
	s.mu.Lock()
	attn := s.attnRecv > s.attnAcked
	if attn {
		s.attnAcked = s.attnRecv
	}
	s.mu.Unlock()
	switch {
	case attn:
		tds.WriteDone(s.w, tds.DoneAttn, 0, 0)
	case rpc:
		tds.WriteReturnStatus(s.w, boolInt32(status&tds.DoneError != 0))
		tds.WriteDoneProc(s.w, status, 0, 0)
	default:
		tds.WriteDone(s.w, status, 0, 0)
	}
	s.w.End()
}

func boolInt32(b bool) int32 {
	if b {
		return -6
	}
	return 0
}

func (s *session) writeErr(err error) {
	te := mapError(err)
	if te.Number == 50000 {
		s.srv.logf("session %d: engine error: %v", s.spid, err)
	}
	tds.WriteError(s.w, tds.Msg{Number: te.Number, State: te.State, Class: te.Class, Text: te.Msg, Server: "localhost", Line: 1})
}

// exec runs one statement.
func (s *session) exec(ctx context.Context, st []tsql.Token, params map[string]tsql.BoundParam) (stmtResult, error) {
	first := strings.ToUpper(st[0].Val)
	if st[0].Kind != tsql.Ident {
		return stmtResult{}, tsql.SyntaxNear(st[0].Text)
	}
	if first == "WITH" {
		if h := tsql.HoistCTE(st); !h[0].Is("WITH") {
			st, first = h, "INSERT"
		}
	}
	switch first {
	case "SELECT", "WITH":
		return s.query(ctx, st, params)
	case "INSERT", "UPDATE", "DELETE":
		if first == "INSERT" && len(st) > 1 && st[1].Is("BULK") {
			return stmtResult{}, s.insertBulk(st)
		}
		q, err := tsql.Translate(s, st, params)
		if err != nil {
			return stmtResult{}, err
		}
		var target *table
		if first == "INSERT" && s.inTx {
			i := 1
			if i < len(st) && st[i].Is("INTO") {
				i++
			}
			if parts, _ := tsql.ReadName(st, i); len(parts) > 0 {
				target, _ = s.resolve(tsql.SplitName(parts))
			}
		}
		n, err := s.insert(ctx, target, q.SQL, q.Args...)
		if err != nil {
			return stmtResult{}, err
		}
		cmd := map[string]uint16{"INSERT": tds.CmdInsert, "UPDATE": tds.CmdUpdate, "DELETE": tds.CmdDelete}[first]
		return stmtResult{cmd: cmd, rows: n, hasCount: true}, nil
	case "TRUNCATE":
		if len(st) < 3 || !st[1].Is("TABLE") {
			return stmtResult{}, tsql.SyntaxNear("TRUNCATE")
		}
		parts, next := tsql.ReadName(st, 2)
		if len(parts) == 0 || next != len(st) {
			return stmtResult{}, tsql.SyntaxNear("TABLE")
		}
		db, schema, name := tsql.SplitName(parts)
		t, err := s.resolve(db, schema, name)
		if err != nil {
			return stmtResult{}, err
		}
		_, err = s.write(ctx, "DELETE FROM "+t.ref())
		return stmtResult{}, err
	case "USE":
		if len(st) != 2 || !st[1].IsName() {
			return stmtResult{}, tsql.SyntaxNear("USE")
		}
		return stmtResult{}, s.use(ctx, st[1].Val)
	case "CREATE":
		return stmtResult{}, s.create(ctx, st)
	case "DROP":
		return stmtResult{}, s.drop(ctx, st)
	case "SET":
		return stmtResult{}, s.set(st)
	case "BEGIN":
		if len(st) >= 2 && (st[1].Is("TRAN") || st[1].Is("TRANSACTION")) && len(st) <= 3 {
			return stmtResult{}, s.begin(ctx)
		}
		return stmtResult{}, tsql.Unsupported("BEGIN ... END blocks")
	case "COMMIT", "ROLLBACK":
		if len(st) > 3 || (len(st) >= 2 && !st[1].Is("TRAN") && !st[1].Is("TRANSACTION") && !st[1].Is("WORK")) {
			return stmtResult{}, tsql.SyntaxNear(st[len(st)-1].Text)
		}
		if !s.inTx {
			if first == "COMMIT" {
				return stmtResult{}, tsql.Errf(3902, 1, 16, "The COMMIT TRANSACTION request has no corresponding BEGIN TRANSACTION.")
			}
			return stmtResult{}, tsql.Errf(3903, 1, 16, "The ROLLBACK TRANSACTION request has no corresponding BEGIN TRANSACTION.")
		}
		return stmtResult{}, s.end(ctx, first == "COMMIT")
	case "ALTER":
		// ALTER DATABASE d SET ALLOW_SNAPSHOT_ISOLATION | READ_COMMITTED_SNAPSHOT ON|OFF: every
		// engine transaction is a snapshot already, so these are accepted as they are
		if len(st) >= 5 && st[1].Is("DATABASE") && st[3].Is("SET") &&
			(st[4].Is("ALLOW_SNAPSHOT_ISOLATION") || st[4].Is("READ_COMMITTED_SNAPSHOT")) {
			if _, ok := s.srv.store.dbName(st[2].Val); !ok && !st[2].Is("CURRENT") {
				return stmtResult{}, tsql.Errf(5011, 9, 14, "User does not have permission to alter database '%s', the database does not exist, or the database is not in a state that allows access checks.", st[2].Val)
			}
			return stmtResult{}, nil
		}
		return stmtResult{}, tsql.Unsupported("ALTER")
	case "PRINT":
		if len(st) == 2 && st[1].Kind == tsql.String {
			tds.WriteInfo(s.w, tds.Msg{Number: 0, State: 1, Class: 0, Text: st[1].Val, Server: "localhost", Line: 1})
			return stmtResult{}, nil
		}
		return stmtResult{}, tsql.Unsupported("PRINT of an expression")
	}
	if isReserved(first) || first == "ALTER" || first == "DECLARE" || first == "EXEC" || first == "EXECUTE" || first == "IF" || first == "WHILE" || first == "MERGE" {
		return stmtResult{}, tsql.Unsupported(first)
	}
	return stmtResult{}, tsql.Errf(2812, 62, 16, "Could not find stored procedure '%s'.", st[0].Val)
}

func (t *table) ref() string {
	return tsql.QuoteIdent(t.db) + "." + tsql.QuoteIdent(t.schema) + "." + tsql.QuoteIdent(t.name)
}

func (s *session) resolve(db, schema, name string) (*table, error) {
	if db == "" {
		db = s.db
	}
	t, ok := s.srv.store.lookup(s.conn, db, schema, name)
	if !ok {
		full := name
		if schema != "" {
			full = schema + "." + name
		}
		return nil, tsql.Errf(208, 1, 16, "Invalid object name '%s'.", full)
	}
	return t, nil
}

func (s *session) use(ctx context.Context, name string) error {
	n, ok := s.srv.store.dbName(name)
	if !ok {
		return tsql.Errf(911, 1, 16, "Database '%s' does not exist. Make sure that the name is entered correctly.", name)
	}
	if _, err := s.write(ctx, "USE "+tsql.QuoteIdent(n)+".dbo"); err != nil {
		return err
	}
	old := s.db
	s.db = n
	tds.WriteEnvString(s.w, tds.EnvDatabase, n, old)
	tds.WriteInfo(s.w, tds.Msg{Number: 5701, State: 2, Class: 0, Text: fmt.Sprintf("Changed database context to '%s'.", n), Server: "localhost", Line: 1})
	return nil
}

var setOptions = map[string]bool{"NOCOUNT": true, "ANSI_NULLS": true, "ANSI_WARNINGS": true, "ANSI_PADDING": true,
	"QUOTED_IDENTIFIER": true, "ARITHABORT": true, "CONCAT_NULL_YIELDS_NULL": true, "TEXTSIZE": true,
	"LOCK_TIMEOUT": true, "XACT_ABORT": true, "DEADLOCK_PRIORITY": true, "LANGUAGE": true, "DATEFORMAT": true,
	"DATEFIRST": true, "ANSI_NULL_DFLT_ON": true, "FMTONLY": true, "ANSI_DEFAULTS": false, "IMPLICIT_TRANSACTIONS": true,
	"NUMERIC_ROUNDABORT": true, "CURSOR_CLOSE_ON_COMMIT": true, "ROWCOUNT": true, "STATISTICS": true}

func (s *session) set(st []tsql.Token) error {
	if len(st) < 2 {
		return tsql.SyntaxNear("SET")
	}
	opt := strings.ToUpper(st[1].Val)
	if opt == "TRANSACTION" {
		// SET TRANSACTION ISOLATION LEVEL …: DuckDB runs every transaction as a snapshot,
		// which is what READ COMMITTED SNAPSHOT and SNAPSHOT give on SQL Server.
		if len(st) < 5 || !st[2].Is("ISOLATION") || !st[3].Is("LEVEL") {
			return tsql.SyntaxNear("TRANSACTION")
		}
		lvl := ""
		for _, t := range st[4:] {
			lvl += strings.ToUpper(t.Val) + " "
		}
		switch strings.TrimSpace(lvl) {
		case "READ COMMITTED", "READ UNCOMMITTED", "REPEATABLE READ", "SERIALIZABLE", "SNAPSHOT":
			return nil
		}
		return tsql.SyntaxNear(st[len(st)-1].Val)
	}
	if setOptions[opt] {
		if opt == "NOCOUNT" && len(st) == 3 {
			s.noCount = st[2].Is("ON")
		}
		if opt == "XACT_ABORT" {
			if len(st) != 3 || !(st[2].Is("ON") || st[2].Is("OFF")) {
				return tsql.SyntaxNear(st[len(st)-1].Text)
			}
			s.xactAbort = st[2].Is("ON")
		}
		if opt == "FMTONLY" && len(st) == 3 {
			s.fmtOnly = st[2].Is("ON")
		}
		if opt == "IMPLICIT_TRANSACTIONS" && len(st) > 2 && st[2].Is("ON") {
			return tsql.Unsupported("SET IMPLICIT_TRANSACTIONS ON")
		}
		if opt == "ROWCOUNT" && !(len(st) == 3 && st[2].Val == "0") {
			return tsql.Unsupported("SET ROWCOUNT")
		}
		return nil
	}
	if st[1].Kind == tsql.Var {
		return tsql.Unsupported("variables")
	}
	return tsql.Errf(195, 10, 15, "'%s' is not a recognized SET option.", st[1].Val)
}

func (s *session) begin(ctx context.Context) error {
	if s.inTx {
		return tsql.Unsupported("nested transactions")
	}
	if _, err := s.conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return err
	}
	s.inTx = true
	s.txLog, s.txPending, s.txDB = nil, nil, s.db
	s.srv.mu.Lock()
	s.srv.nextTx++
	s.txID = s.srv.nextTx
	s.srv.mu.Unlock()
	tds.WriteEnvBytes(s.w, tds.EnvBeginTran, binary.LittleEndian.AppendUint64(nil, s.txID), nil)
	return nil
}

func (s *session) end(ctx context.Context, commit bool) error {
	q, typ := "ROLLBACK", byte(tds.EnvRollback)
	if commit {
		q, typ = "COMMIT", tds.EnvCommitTran
	}
	_, err := s.conn.ExecContext(ctx, q)
	if err != nil && commit {
		s.conn.ExecContext(ctx, "ROLLBACK")
		typ = tds.EnvRollback
	}
	s.inTx = false
	s.txLog, s.txPending = nil, nil
	tds.WriteEnvBytes(s.w, typ, nil, binary.LittleEndian.AppendUint64(nil, s.txID))
	s.txID = 0
	// the DDL of a rolled back transaction must not stay cached
	s.dropTableCache()
	return err
}

// query runs a SELECT and streams its rows.
func (s *session) query(ctx context.Context, st []tsql.Token, params map[string]tsql.BoundParam) (stmtResult, error) {
	q, err := tsql.Translate(s, st, params)
	if err != nil {
		return stmtResult{cmd: tds.CmdSelect}, err
	}
	// the driver's rows directly: database/sql's Scan would copy every value once more
	var res stmtResult
	err = s.conn.Raw(func(dc any) error {
		var err error
		res, err = s.stream(ctx, dc.(driver.QueryerContext), q)
		return err
	})
	return res, err
}

func (s *session) stream(ctx context.Context, qc driver.QueryerContext, q *tsql.Query) (stmtResult, error) {
	rows, err := qc.QueryContext(ctx, q.SQL, nil)
	if err != nil {
		return stmtResult{cmd: tds.CmdSelect}, err
	}
	defer rows.Close()
	names := rows.Columns()
	typed, _ := rows.(driver.RowsColumnTypeDatabaseTypeName)
	cols := make([]tds.Column, len(names))
	useDeclared := len(q.Types) == len(names)
	for i, name := range names {
		dt := "VARCHAR"
		if typed != nil {
			dt = typed.ColumnTypeDatabaseTypeName(i)
		}
		cols[i] = tds.Column{Name: name, Type: duckToType(dt)}
		if useDeclared && q.Types[i] != nil {
			cols[i].Type = *q.Types[i]
		}
		if strings.HasPrefix(cols[i].Name, "__") {
			cols[i].Name = ""
		}
	}
	tds.WriteColMetadata(s.w, cols)
	if s.fmtOnly {
		return stmtResult{cmd: tds.CmdSelect}, nil
	}
	vals := make([]driver.Value, len(names))
	var checked []int // money columns: their range is checked before a row is sent
	for i := range cols {
		if k := cols[i].Type.Kind; k == tds.Money || k == tds.SmallMoney {
			checked = append(checked, i)
		}
	}
	var n int64
	for {
		if n%512 == 0 && s.attention() {
			return stmtResult{cmd: tds.CmdSelect, rows: n, hasCount: true}, nil
		}
		err := rows.Next(vals)
		if err == io.EOF {
			break
		}
		if err != nil {
			return stmtResult{cmd: tds.CmdSelect}, err
		}
		for _, i := range checked {
			if err := tds.CheckValue(cols[i].Type, engineValue(vals[i])); err != nil {
				return stmtResult{cmd: tds.CmdSelect}, tsql.Errf(8115, 2, 16, "%v", err)
			}
		}
		tds.BeginRow(s.w)
		for i, v := range vals {
			if err := tds.WriteValue(s.w, cols[i].Type, engineValue(v)); err != nil {
				return stmtResult{cmd: tds.CmdSelect}, tsql.Errf(8115, 2, 16, "%v", err)
			}
		}
		n++
		if s.w.Err() != nil {
			return stmtResult{cmd: tds.CmdSelect}, s.w.Err()
		}
	}
	return stmtResult{cmd: tds.CmdSelect, rows: n, hasCount: true}, nil
}

// engineValue converts DuckDB scan results to what tds.WriteValue takes.
func engineValue(v any) any {
	switch x := v.(type) {
	case duckdb.Decimal:
		return tds.Dec{Unscaled: x.Value, Scale: int(x.Scale)}
	case *big.Int:
		return tds.Dec{Unscaled: x, Scale: 0}
	case duckdb.UUID:
		return [16]byte(x)
	case duckdb.Interval:
		return fmt.Sprintf("%d months %d days %d us", x.Months, x.Days, x.Micros)
	}
	return v
}
