package engine

import (
	"context"
	"crypto/rand"
	"fmt"
	"sort"
	"strconv"
	"time"
)

// Transaction control across sessions: SHOW TRANSACTIONS, SYSTEM$ABORT_TRANSACTION,
// SYSTEM$ABORT_SESSION, CURRENT_TRANSACTION(). An explicit transaction (BEGIN … COMMIT)
// gets an id and a name (BEGIN TRANSACTION NAME n, else a UUID) and is listed until it
// ends; autocommit statements are not listed, as SYSTEM$ABORT_TRANSACTION does not
// apply to them in Snowflake either.

// abortWait bounds how long an abort waits for the target's running statement to stop
// after cancelling it.
const abortWait = 30 * time.Second

// DetachedTxnTimeout is Snowflake's rule for a transaction left open by a session that
// went quiet: when it blocks another transaction's lock and has run no statement for
// five minutes, it is aborted and rolled back.
const DetachedTxnTimeout = 5 * time.Minute

// idleFor reports how long the session has run no statement (0 while one runs).
func (s *Session) idleFor() time.Duration {
	s.ctl.Lock()
	defer s.ctl.Unlock()
	if s.cancelStmt != nil || s.lastStmt.IsZero() {
		return 0
	}
	return time.Since(s.lastStmt)
}

// abortDetached aborts o's explicit transaction if it has been quiet for longer than
// DetachedTxnTimeout; it reports whether it did.
func (e *Engine) abortDetached(ctx context.Context, by, o *Session) bool {
	if o == by || o.idleFor() < DetachedTxnTimeout {
		return false
	}
	id, _ := o.txnInfo()
	if id == 0 {
		return false
	}
	_, err := e.abortTransaction(ctx, by, id)
	return err == nil
}

// SetUser records the login name shown by SHOW TRANSACTIONS.
func (s *Session) SetUser(user string) {
	s.ctl.Lock()
	s.user = user
	s.ctl.Unlock()
}

func (s *Session) setTxn(id int64, name string) {
	s.ctl.Lock()
	defer s.ctl.Unlock()
	s.txnID, s.txnName = id, name
	if id != 0 {
		s.txnStarted = time.Now()
	}
}

// txnInfo returns the id and name of the session's explicit transaction (0: none).
func (s *Session) txnInfo() (int64, string) {
	s.ctl.Lock()
	defer s.ctl.Unlock()
	return s.txnID, s.txnName
}

// currentTxn is CURRENT_TRANSACTION() ("" = NULL); called by the session itself.
func (s *Session) currentTxn() string {
	id, _ := s.txnInfo()
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// inAbortedTxn answers every statement of a session whose explicit transaction was
// aborted by another session, until the client ends it: its work is gone, and running
// the next statement in autocommit mode would commit half of what the client meant as
// one transaction.
func (s *Session) inAbortedTxn(first Token) (*Result, error) {
	id := s.abortedTxn
	switch {
	case first.Is("ROLLBACK") || first.Is("ABORT"):
		s.abortedTxn = 0
		return statusResult("Statement executed successfully."), nil
	case first.Is("COMMIT"):
		s.abortedTxn = 0
		return nil, Errorf(604, "57014", "Transaction %d was aborted by SYSTEM$ABORT_TRANSACTION and rolled back; nothing was committed.", id)
	}
	return nil, Errorf(604, "57014", "Transaction %d was aborted by SYSTEM$ABORT_TRANSACTION and rolled back; run ROLLBACK before the next statement.", id)
}

// systemAbort runs SELECT SYSTEM$ABORT_TRANSACTION(id) and SELECT
// SYSTEM$ABORT_SESSION(id) (a literal or a bind). ok is false for any other statement.
func (s *Session) systemAbort(ctx context.Context, toks []Token, binds map[string]Bind) (*Result, bool, error) {
	if len(toks) < 6 || toks[1].Kind != TkWord {
		return nil, false, nil
	}
	fn := toks[1].Val
	if fn != "SYSTEM$ABORT_TRANSACTION" && fn != "SYSTEM$ABORT_SESSION" {
		return nil, false, nil
	}
	if !toks[2].IsOp("(") || !toks[4].IsOp(")") || toks[5].Kind != TkEOF {
		return nil, true, Errorf(ErrSyntax, "42601", "SQL compilation error: %s takes one id: SELECT %s(<id>)", fn, fn)
	}
	arg := toks[3].Val
	if toks[3].Kind != TkNumber {
		b, found := binds["1"]
		v, isStr := b.Value.(string)
		if !toks[3].IsOp("?") || !found || !isStr {
			return nil, true, Errorf(ErrSyntax, "42601", "SQL compilation error: %s takes a numeric id literal or bind", fn)
		}
		arg = v
	}
	id, err := strconv.ParseInt(arg, 10, 64)
	if err != nil {
		return nil, true, Errorf(100038, "22018", "Numeric value '%s' is not recognized", arg)
	}
	var msg string
	if fn == "SYSTEM$ABORT_TRANSACTION" {
		msg, err = s.e.abortTransaction(ctx, s, id)
	} else {
		msg, err = s.e.abortSession(ctx, s, id)
	}
	if err != nil {
		return nil, true, err
	}
	name := fn + "(" + arg + ")"
	return &Result{StatementTypeID: StmtSelect, Columns: []Column{shText(name)}, Rows: [][]*string{{&msg}}}, true, nil
}

func (e *Engine) sessionList() []*Session {
	e.sessMu.Lock()
	defer e.sessMu.Unlock()
	out := make([]*Session, 0, len(e.sessions))
	for _, s := range e.sessions {
		out = append(out, s)
	}
	return out
}

// abortTransaction rolls back the explicit transaction id, wherever it runs. A
// transaction that already ended is left alone, as in Snowflake.
func (e *Engine) abortTransaction(ctx context.Context, by *Session, id int64) (string, error) {
	if own, _ := by.txnInfo(); own == id {
		by.explicitTxn = false
		if err := by.finishTxn(false); err != nil {
			return "", err
		}
		return fmt.Sprintf("Aborted transaction id: %d", id), nil
	}
	for _, t := range e.sessionList() {
		if tid, _ := t.txnInfo(); tid != id {
			continue
		}
		ended := func() bool { tid, _ := t.txnInfo(); return tid != id }
		err := t.interrupt(ctx, ended, func() {
			if !t.closed && t.explicitTxn && t.txnID == id {
				t.explicitTxn = false
				_ = t.finishTxn(false)
				t.abortedTxn = id
			}
		})
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("Aborted transaction id: %d", id), nil
	}
	return fmt.Sprintf("Transaction [%d] is not running.", id), nil
}

// abortSession ends session id: its running statement is cancelled, its transaction
// rolled back, and every later request on it fails with 390111.
func (e *Engine) abortSession(ctx context.Context, by *Session, id int64) (string, error) {
	if by.id == id {
		return "", unsupported("SYSTEM$ABORT_SESSION of the current session; close the connection instead")
	}
	e.sessMu.Lock()
	t := e.sessions[id]
	e.sessMu.Unlock()
	if t == nil {
		return "", Errorf(ErrObjectNotExists, "02000", "Session %d does not exist or is already closed.", id)
	}
	err := t.interrupt(ctx, func() bool { return false }, func() { _ = t.closeLocked() })
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("session [%d] terminated.", id), nil
}

// interrupt cancels the session's running statement and runs do while holding the
// session, as soon as the statement has stopped. It gives up when done() reports the
// goal reached without it, or after abortWait.
func (t *Session) interrupt(ctx context.Context, done func() bool, do func()) error {
	deadline := time.Now().Add(abortWait)
	for {
		if done() {
			return nil
		}
		t.ctl.Lock()
		cancel := t.cancelStmt
		t.ctl.Unlock()
		if cancel != nil {
			cancel()
		}
		if t.mu.TryLock() {
			do()
			t.mu.Unlock()
			return nil
		}
		if time.Now().After(deadline) {
			return Errorf(ErrLockTimeout, "57014", "session %d did not stop its running statement within %s", t.id, abortWait)
		}
		select {
		case <-ctx.Done():
			return Errorf(604, "57014", "SQL execution canceled")
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// showTransactions is SHOW TRANSACTIONS [IN ACCOUNT]: the running explicit
// transactions of every session (the emulator has one user).
func (s *Session) showTransactions(toks []Token) (*Result, error) {
	i := 2
	if toks[i].Is("IN") && toks[i+1].Is("ACCOUNT") {
		i += 2
	}
	if toks[i].Kind != TkEOF {
		return nil, errSyntaxAt(toks[i], "")
	}
	type row struct {
		id, sess   int64
		user, name string
		started    time.Time
	}
	var rows []row
	for _, t := range s.e.sessionList() {
		t.ctl.Lock()
		if t.txnID != 0 {
			rows = append(rows, row{t.txnID, t.id, t.user, t.txnName, t.txnStarted})
		}
		t.ctl.Unlock()
	}
	sort.Slice(rows, func(a, b int) bool { return rows[a].id < rows[b].id })
	cols := []Column{shNum("id"), shText("user"), shNum("session"), shText("name"), shTs("started_on"), shText("state"), shNum("scope")}
	out := make([][]any, 0, len(rows))
	for _, r := range rows {
		out = append(out, []any{r.id, r.user, r.sess, r.name, r.started, "running", int64(0)})
	}
	return s.goResult(cols, out)
}
