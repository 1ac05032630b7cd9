package engine

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Transactions. Snowflake runs each statement in READ COMMITTED and makes writers wait
// on locks that belong to transactions and tables: INSERT and COPY write new
// micro-partitions and do not block each other; UPDATE, DELETE, MERGE and TRUNCATE on
// one table serialise; a lock is held until the transaction ends; a wait longer than
// LOCK_TIMEOUT fails the statement with error 625. DuckDB instead gives each
// transaction one snapshot (taken at its start) and reports a conflict when two
// transactions change the same row. The engine maps one onto the other:
//
//   - Every table has an exclusive lock (locks.go) taken by UPDATE, DELETE, MERGE,
//     TRUNCATE and INSERT OVERWRITE and held until COMMIT/ROLLBACK (or the end of an
//     autocommit statement). INSERT takes no lock. COPY takes a load lock per (table,
//     staged file) for the files it loads, so that two transactions never load the
//     same file twice (load history is exact only if COPYs of one file into one table
//     are ordered), while COPYs of different files into one table run side by side,
//     as in Snowflake. DuckDB commits two transactions that appended to one table.
//   - The DuckDB transaction starts at the first write, after that write's lock is
//     taken, so a transaction whose first write is an UPDATE sees everything committed
//     before it, as in Snowflake.
//   - A transaction that wrote before (an INSERT or COPY) and then locks a table that
//     others changed since its snapshot would, in DuckDB, not see those changes. The
//     engine detects this with per-table commit sequence numbers and proves that the
//     statement's rows are the same in the snapshot and in the committed data (a
//     count of the rows the WHERE clause selects, on both sides; DuckDB itself fails
//     the statement if one of those rows was changed meanwhile). A table this
//     transaction changed itself is proven the same way only when its own changes
//     were UPDATEs of columns the WHERE clause does not mention (they move no row in
//     or out of it, so the two counts still compare the snapshot with the committed
//     data). When it cannot prove it (MERGE, UPDATE … FROM, DELETE … USING, or other
//     own changes of the table), the statement fails with error 625 and the client
//     retries the transaction. docs/sql.md lists what differs from Snowflake.
//
// DDL commits an open transaction first, then runs (and commits) on its own under one
// engine-wide DDL lock, so that concurrent CREATE … IF NOT EXISTS see each other.

// lockKey names what a lock protects: a table's rows, one staged file's entry in a
// table's load history, or the catalog (DDL).
func rowsKey(duckRef string) string       { return "rows:" + duckRef }
func loadKey(duckRef, file string) string { return "load:" + duckRef + loadKeySep + file }

// loadKeySep separates table and file in a load key (a NUL is in neither).
const loadKeySep = "\x00"

const ddlKey = "ddl"

// lockTimeout is the session's LOCK_TIMEOUT, else the engine default.
func (s *Session) lockTimeout() time.Duration {
	if v, ok := s.lockTimeoutParam(); ok {
		return v
	}
	return time.Duration(s.e.lockTimeout.Load())
}

// beginWrite opens the DuckDB transaction (if not open). Every write goes through it;
// the statement's locks are taken before.
func (s *Session) beginWrite(ctx context.Context) error {
	if s.duckTxn {
		return nil
	}
	s.endRead() // a read earlier in this statement had its own transaction
	// Read the sequence before BEGIN: a commit that lands in between makes the check in
	// freshFor report a change that the snapshot may already include (safe direction).
	s.snapSeq = s.e.locks.seq()
	// A fresh context: a BEGIN that ran but reported a cancellation would leave DuckDB
	// in a transaction the session does not know about.
	if _, err := s.conn.ExecContext(context.WithoutCancel(ctx), "BEGIN TRANSACTION"); err != nil {
		return fmt.Errorf("engine: begin DuckDB transaction: %w", err)
	}
	s.duckTxn = true
	if s.written == nil {
		s.written = map[string]bool{}
	}
	return nil
}

// lockDDL takes the engine-wide DDL lock for the current statement.
func (s *Session) lockDDL(ctx context.Context) error {
	return s.e.locks.acquire(ctx, s, ddlKey, s.lockTimeout())
}

// appendTo records that the statement appends rows to a table (INSERT): no lock.
func (s *Session) appendTo(ctx context.Context, duckRef string) error {
	if err := s.beginWrite(ctx); err != nil {
		return err
	}
	s.written[rowsKey(duckRef)] = true
	delete(s.ownCols, rowsKey(duckRef))
	return nil
}

// loadInto takes, for COPY, the load locks of the staged files (history keys) it is
// about to load into a table, and opens the transaction; the caller reads the load
// history afterwards, which is then exact for those files. The locks are taken in
// sorted order, so two COPYs naming overlapping sets of files cannot deadlock.
func (s *Session) loadInto(ctx context.Context, duckRef string, files []string) error {
	keys := make([]string, 0, len(files))
	for _, f := range files {
		keys = append(keys, loadKey(duckRef, f))
	}
	slices.Sort(keys)
	keys = slices.Compact(keys)
	for _, k := range keys {
		if err := s.e.locks.acquire(ctx, s, k, s.lockTimeout()); err != nil {
			return err
		}
	}
	// A file another transaction loaded after this one's snapshot is not in the
	// history this transaction reads: refuse rather than load it twice.
	for _, k := range keys {
		if err := s.freshFor(ctx, k, nil); err != nil {
			return err
		}
	}
	if err := s.beginWrite(ctx); err != nil {
		return err
	}
	for _, k := range keys {
		s.written[k] = true
	}
	s.written[rowsKey(duckRef)] = true
	delete(s.ownCols, rowsKey(duckRef))
	return nil
}

// freshCheck is how a statement proves that a stale snapshot selects the same rows as
// the committed data: from is DuckDB text "<table> [AS a] [WHERE pred]".
type freshCheck struct {
	from string
	// refs are the names (upper-cased) the statement's WHERE clause mentions, nil when
	// they are not known (a *, IDENTIFIER(…), or a statement that did not list them).
	refs map[string]bool
	// sets are the columns an UPDATE assigns; nil for every other statement.
	sets []string
}

// unaffectedBy reports whether own UPDATEs of the columns own (upper-cased; nil: the
// transaction changed the table otherwise) leave the rows the check selects as they
// are in the snapshot: none of those columns is mentioned by the WHERE clause.
func (c *freshCheck) unaffectedBy(own map[string]bool) bool {
	if own == nil || c.refs == nil {
		return false
	}
	for col := range own {
		if c.refs[col] {
			return false
		}
	}
	return true
}

// mutate takes a table's exclusive lock for UPDATE/DELETE/MERGE/TRUNCATE, makes sure
// the transaction's snapshot is good enough for the statement, and opens the
// transaction. check may be nil (the statement cannot be proven on a stale snapshot).
func (s *Session) mutate(ctx context.Context, duckRef string, check *freshCheck) error {
	k := rowsKey(duckRef)
	if err := s.e.locks.acquire(ctx, s, k, s.lockTimeout()); err != nil {
		return err
	}
	if err := s.freshFor(ctx, k, check); err != nil {
		return err
	}
	if err := s.beginWrite(ctx); err != nil {
		return err
	}
	// Remember whether the transaction's changes of the table are UPDATEs only, and of
	// which columns (freshFor's proof for a later statement on it).
	if check != nil && check.sets != nil && (!s.written[k] || s.ownCols[k] != nil) {
		if s.ownCols == nil {
			s.ownCols = map[string]map[string]bool{}
		}
		if s.ownCols[k] == nil {
			s.ownCols[k] = map[string]bool{}
		}
		for _, c := range check.sets {
			s.ownCols[k][strings.ToUpper(c)] = true
		}
	} else {
		delete(s.ownCols, k)
	}
	s.written[k] = true
	return nil
}

// freshFor checks, for a key this session just locked, that no transaction committed a
// change to it after the session's DuckDB snapshot; or, when one did, that check proves
// the statement unaffected.
func (s *Session) freshFor(ctx context.Context, key string, check *freshCheck) error {
	if !s.duckTxn || s.e.locks.lastCommit(key) <= s.snapSeq {
		return nil // the DuckDB transaction starts after the lock: it sees every commit
	}
	stale := func(why string) error {
		return Errorf(ErrLockTimeout, "57014", "Statement aborted: another transaction committed changes to this table after this transaction's first write, and the emulator (DuckDB snapshots) cannot run %s on an older snapshot; roll back and retry the transaction.", why)
	}
	if check == nil {
		return stale("this statement")
	}
	if s.written[key] && !check.unaffectedBy(s.ownCols[key]) {
		return stale("a statement on a table this transaction already changed (other than by UPDATEs of columns the statement's WHERE clause does not mention)")
	}
	q := "SELECT count(*) FROM " + check.from
	mine, err := countRows(ctx, s.conn.QueryContext, q)
	if err != nil {
		return mapDuckErr(err)
	}
	committed, err := s.e.countCommitted(ctx, q)
	if err != nil {
		return mapDuckErr(err)
	}
	if mine != committed {
		return stale(fmt.Sprintf("it (it selects %d rows in the snapshot, %d committed)", mine, committed))
	}
	return nil
}

// countCommitted runs a count over the committed data, on a connection of its own, in
// a transaction of its own (see queryDuck for why not in autocommit).
func (e *Engine) countCommitted(ctx context.Context, q string) (int64, error) {
	conn, err := e.db.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(context.WithoutCancel(ctx), "BEGIN TRANSACTION"); err != nil {
		return 0, err
	}
	n, err := countRows(ctx, conn.QueryContext, q)
	if _, cerr := conn.ExecContext(context.Background(), "COMMIT"); cerr != nil {
		_, _ = conn.ExecContext(context.Background(), "ROLLBACK")
		if err == nil {
			err = cerr
		}
	}
	return n, err
}

func countRows(ctx context.Context, query func(context.Context, string, ...any) (*sql.Rows, error), q string) (int64, error) {
	rows, err := query(ctx, q)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var n int64
	if rows.Next() {
		if err := rows.Scan(&n); err != nil {
			return 0, err
		}
	}
	return n, rows.Err()
}

// finishTxn commits (or rolls back) the DuckDB transaction if one is open and
// releases the transaction's locks.
func (s *Session) finishTxn(commit bool) error {
	s.endRead()
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
		if commit && err == nil && len(s.written) > 0 {
			s.e.locks.committed(s.written)
		}
		clear(s.written)
		clear(s.ownCols)
	}
	if s.txnDDL {
		s.txnDDL = false
		s.e.invalidateCatalog()
	}
	s.e.locks.releaseAll(s)
	if !s.explicitTxn {
		s.setTxn(0, "")
	}
	if err != nil {
		return mapDuckErr(err)
	}
	return nil
}

// endStatement closes the implicit transaction of an autocommit statement.
func (s *Session) endStatement(stmtErr error) error {
	s.endRead()
	if s.explicitTxn {
		if s.txnDDL {
			// metadata changed inside the transaction: make later lookups reload
			s.e.invalidateCatalog()
		}
		// The DDL lock is a statement lock; a transaction's table locks stay.
		s.e.locks.release(s, ddlKey)
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

// execDuck runs a DuckDB write statement inside the session's transaction (opening it
// first). The caller has taken the statement's locks (mutate, appendTo, loadInto,
// lockDDL). In autocommit mode the transaction ends with the current Execute call.
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
// open (so it sees the session's own writes), else inside a read transaction of its
// own that ends with the statement (endRead): the statement sees what was committed
// when it started, as in Snowflake. It takes no lock. Close the rows before the next
// call on the session.
//
// Not in autocommit: DuckDB (1.1) plans a statement (prepare) in one autocommit
// transaction and runs it (execute) in the next, and its optimizer drops a filter that
// the table's min/max statistics at plan time prove always true (and a scan they prove
// empty). Rows another session committed in between were then read unfiltered: a
// partition's range COUNT returned 20 rows, its own 10 and another range's 10 loaded
// meanwhile (issue 12; tests/visibility_test.go). Planned inside the transaction that
// runs it, the plan's statistics cover every row the statement can see.
func (s *Session) queryDuck(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if !s.duckTxn && !s.readTxn {
		if err := s.readStmt(&s.readBegin, "BEGIN TRANSACTION"); err != nil {
			return nil, mapDuckErr(err)
		}
		s.readTxn = true
	}
	rows, err := s.conn.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, mapDuckErr(err)
	}
	return rows, nil
}

// endRead ends the read transaction queryDuck opened, if any. It only read, so its
// COMMIT cannot conflict; a failed one is rolled back so that the connection is clean.
func (s *Session) endRead() {
	if !s.readTxn {
		return
	}
	s.readTxn = false
	if err := s.readStmt(&s.readCommit, "COMMIT"); err != nil {
		_, _ = s.conn.ExecContext(context.Background(), "ROLLBACK")
	}
}

// readStmt runs BEGIN or COMMIT of a read transaction, prepared once per session: a
// read statement pays for two more DuckDB statements, and preparing them every time
// cost about as much as a small query. A fresh context: a BEGIN that ran but reported
// a cancellation would leave DuckDB in a transaction the session does not know about.
func (s *Session) readStmt(st **sql.Stmt, q string) error {
	if *st == nil {
		p, err := s.conn.PrepareContext(context.Background(), q)
		if err != nil {
			return err
		}
		*st = p
	}
	_, err := (*st).ExecContext(context.Background())
	return err
}
