package engine

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"database/sql"
)

// Session is one Snowflake session: current database/schema, parameters, and at most
// one open transaction on its own DuckDB connection. Statements of one session run
// one at a time.
type Session struct {
	e    *Engine
	conn *sql.Conn
	id   int64
	mu   sync.Mutex

	db, schema string // current database/schema (exact names), "" = none

	explicitTxn bool      // BEGIN was issued
	duckTxn     bool      // a DuckDB transaction is open on conn
	readTxn     bool      // a DuckDB transaction of one statement's reads is open (queryDuck)
	readBegin   *sql.Stmt // BEGIN and COMMIT of those transactions, prepared once (readStmt)
	readCommit  *sql.Stmt
	txnDDL      bool            // metadata changed in the open DuckDB transaction
	snapSeq     int64           // lock manager's commit sequence when the DuckDB transaction began
	written     map[string]bool // lock keys written by the open DuckDB transaction
	// ownCols: for a rows key the open DuckDB transaction changed by UPDATEs only, the
	// columns they assigned (upper-cased); no entry when it changed the table otherwise.
	ownCols    map[string]map[string]bool
	abortedTxn int64 // id of the explicit transaction SYSTEM$ABORT_TRANSACTION ended; statements fail until ROLLBACK

	// ctl guards what other sessions read or do to this one (SHOW TRANSACTIONS,
	// SYSTEM$ABORT_*) without waiting for its running statement.
	ctl        sync.Mutex
	txnID      int64
	txnName    string
	txnStarted time.Time
	user       string
	cancelStmt context.CancelFunc // cancels the running statement (nil: none)
	lastStmt   time.Time          // when the last statement ended

	params   map[string]string // ALTER SESSION parameters (upper-case names)
	tz       *time.Location
	stmtTime time.Time // CURRENT_TIMESTAMP of the running statement
	closed   bool
}

func defaultTZ() *time.Location {
	// Snowflake's account default is America/Los_Angeles; the emulator defaults to UTC
	// so that results do not depend on daylight-saving rules (see docs/sql.md).
	return time.UTC
}

// ID is a process-unique session number.
func (s *Session) ID() int64 { return s.id }

// CurrentDatabase and CurrentSchema return the exact current names ("" = none).
func (s *Session) CurrentDatabase() string { return s.db }

// CurrentSchema returns the exact current schema name ("" = none).
func (s *Session) CurrentSchema() string { return s.schema }

// Parameters returns the session parameters set with ALTER SESSION, plus TIMEZONE
// (always present), for the server to report to the driver.
func (s *Session) Parameters() map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]string{"TIMEZONE": s.tz.String()}
	for k, v := range s.params {
		out[k] = v
	}
	return out
}

// SetParameter sets a session parameter as ALTER SESSION SET does (the server applies
// the login's session parameters with it).
func (s *Session) SetParameter(name, value string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.setParam(strings.ToUpper(name), value)
}

func (s *Session) lockTimeoutParam() (time.Duration, bool) {
	v, ok := s.params["LOCK_TIMEOUT"]
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, false
	}
	return time.Duration(n) * time.Second, true
}

// Close rolls back an open transaction and releases the session's connection.
func (s *Session) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closeLocked()
}

func (s *Session) closeLocked() error {
	if s.closed {
		return nil
	}
	s.closed = true
	s.explicitTxn = false
	s.abortedTxn = 0
	_ = s.finishTxn(false)
	s.e.sessMu.Lock()
	delete(s.e.sessions, s.id)
	s.e.sessMu.Unlock()
	for _, st := range []*sql.Stmt{s.readBegin, s.readCommit} {
		if st != nil {
			_ = st.Close()
		}
	}
	return s.conn.Close()
}

// Execute runs one Snowflake SQL statement. binds are the driver's bind values
// ("1".."n"); describeOnly returns the result columns without running the statement.
// Errors are always *Error.
func (s *Session) Execute(ctx context.Context, sqlText string, binds map[string]Bind, describeOnly bool) (res *Result, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, Errorf(390111, "08001", "Session no longer exists. New login required to access the service.")
	}
	// The statement's context can be cancelled by SYSTEM$ABORT_TRANSACTION/SESSION from
	// another session.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s.e.activeStmts.Add(1) // for idle checkpoints (checkpoint.go)
	s.ctl.Lock()
	s.cancelStmt = cancel
	s.ctl.Unlock()
	defer func() {
		now := time.Now()
		s.ctl.Lock()
		s.cancelStmt = nil
		s.lastStmt = now
		s.ctl.Unlock()
		s.e.lastStmtEnd.Store(now.UnixNano())
		s.e.activeStmts.Add(-1)
	}()
	defer func() {
		if r := recover(); r != nil {
			res = nil
			err = Errorf(ErrInternal, "XX000", "internal error in the Snowflake emulator: %v\n%s", r, firstLines(string(debug.Stack()), 12))
			// a panic may have left a statement half-done: undo it
			s.endRead()
			if !s.explicitTxn {
				_ = s.finishTxn(false)
			}
		}
	}()
	s.stmtTime = time.Now()
	res, err = s.dispatch(ctx, sqlText, binds, describeOnly)
	if endErr := s.endStatement(err); err == nil && endErr != nil {
		res, err = nil, endErr
	}
	if err != nil {
		return nil, asSFError(err)
	}
	return res, nil
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}

// asSFError makes sure every error leaving the engine is an *Error.
func asSFError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return Errorf(604, "57014", "SQL execution canceled")
	}
	if m := mapDuckErr(err); m != nil {
		if errors.As(m, &e) {
			return e
		}
	}
	return Errorf(ErrInternal, "XX000", "internal error in the Snowflake emulator: %s", fmt.Sprint(err))
}
