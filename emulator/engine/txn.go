package engine

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Transactions. Snowflake runs each statement in READ COMMITTED and blocks writers on
// locks; DuckDB uses optimistic MVCC and fails the second writer with a conflict. The
// engine therefore:
//   - serialises writers with Engine.writeLock: a session takes it at its first write
//     and keeps it until COMMIT/ROLLBACK (explicit transaction) or the end of the
//     statement (autocommit), waiting at most the lock timeout (error 625);
//   - starts the DuckDB transaction only after taking the lock, so a writer's
//     snapshot always includes every committed write and conflicts cannot happen;
//   - lets reads run without the lock: before the first write of a transaction they
//     run in autocommit (seeing committed data, like READ COMMITTED), afterwards inside
//     the DuckDB transaction (seeing the session's own changes).
//
// DDL commits an open transaction first, then runs (and commits) on its own.

// beginWrite takes the write lock (if not held) and opens the DuckDB transaction (if
// not open). Every write goes through it.
func (s *Session) beginWrite(ctx context.Context) error {
	if !s.holdsLock {
		timeout := time.Duration(s.e.lockTimeout.Load())
		if v, ok := s.lockTimeoutParam(); ok {
			timeout = v
		}
		t := time.NewTimer(timeout)
		defer t.Stop()
		select {
		case s.e.writeLock <- struct{}{}:
			s.holdsLock = true
		case <-t.C:
			return Errorf(625, "57014", "Statement waited more than %s for a lock held by another transaction on this emulator and was aborted; retry the statement (LOCK_TIMEOUT).", timeout)
		case <-ctx.Done():
			return Errorf(604, "57014", "SQL execution canceled")
		}
	}
	if !s.duckTxn {
		if _, err := s.conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
			s.releaseLock()
			return fmt.Errorf("engine: begin DuckDB transaction: %w", err)
		}
		s.duckTxn = true
	}
	return nil
}

func (s *Session) releaseLock() {
	if s.holdsLock {
		s.holdsLock = false
		<-s.e.writeLock
	}
}

// finishTxn commits (or rolls back) the DuckDB transaction if one is open and
// releases the write lock.
func (s *Session) finishTxn(commit bool) error {
	var err error
	if s.duckTxn {
		q := "ROLLBACK"
		if commit {
			q = "COMMIT"
		}
		// Use a fresh context: a cancelled statement must still end its transaction.
		_, err = s.conn.ExecContext(context.Background(), q)
		if err != nil && commit {
			_, _ = s.conn.ExecContext(context.Background(), "ROLLBACK")
		}
		s.duckTxn = false
	}
	if s.txnDDL {
		s.txnDDL = false
		s.e.invalidateCatalog()
	}
	s.releaseLock()
	if err != nil {
		return mapDuckErr(err)
	}
	return nil
}

// endStatement closes the implicit transaction of an autocommit statement.
func (s *Session) endStatement(stmtErr error) error {
	if s.explicitTxn {
		if s.txnDDL {
			// metadata changed inside the transaction: make later lookups reload
			s.e.invalidateCatalog()
		}
		return nil
	}
	return s.finishTxn(stmtErr == nil)
}

// commitImplicit is what DDL does first: commit an open explicit transaction.
func (s *Session) commitImplicit() error {
	if !s.explicitTxn && !s.duckTxn {
		return nil
	}
	s.explicitTxn = false
	return s.finishTxn(true)
}

// execDuck runs a DuckDB write statement inside the session's transaction (taking
// the write lock and opening the transaction first). In autocommit mode the
// transaction ends with the current Execute call.
func (s *Session) execDuck(ctx context.Context, q string, args ...any) (int64, error) {
	if err := s.beginWrite(ctx); err != nil {
		return 0, err
	}
	res, err := s.conn.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, mapDuckErr(err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// execDDL is execDuck for statements that change metadata.
func (s *Session) execDDL(ctx context.Context, q string, args ...any) error {
	s.txnDDL = true
	_, err := s.execDuck(ctx, q, args...)
	return err
}

// queryDuck runs a DuckDB query: inside the session's DuckDB transaction when one is
// open (so it sees the session's own writes), else in autocommit. It takes no lock.
// Close the rows before the next call on the session.
func (s *Session) queryDuck(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	rows, err := s.conn.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, mapDuckErr(err)
	}
	return rows, nil
}
