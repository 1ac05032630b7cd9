package server

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/snowmigrate/snowmigrate/emulator/sqlserver/tds"
	"github.com/snowmigrate/snowmigrate/emulator/sqlserver/tsql"
)

// Statement-level rollback.
//
// SQL Server (SET XACT_ABORT OFF) rolls back only the statement that failed and keeps
// the transaction open; DuckDB invalidates the whole transaction on any execution error
// and has no savepoints. So the session keeps a redo log of the engine writes that the
// open transaction's successful statements made; when a statement fails, the engine
// transaction is rolled back, begun again and the log is replayed. Identity values come
// out as before: an INSERT into a table with an identity column records the values it
// got (RETURNING), and its replay puts them back (the sequence is not transactional, so
// the values the failed statement consumed stay consumed, as in SQL Server).

// txEntry is one engine write of a successful statement in the open transaction.
type txEntry struct {
	sql  string
	args []any
	// identity: the table and column whose values ids are (INSERTs only)
	idRef, idCol string
	ids          []int64
	// a bulk load through the appender: its target and BulkLoad message
	bulk    *bulkTarget
	payload []byte
}

// write executes an engine statement that changes data or the catalog and records it in
// the statement's pending redo entries when a transaction is open.
func (s *session) write(ctx context.Context, q string, args ...any) (sql.Result, error) {
	r, err := s.conn.ExecContext(ctx, q, args...)
	if err == nil && s.inTx {
		s.txPending = append(s.txPending, txEntry{sql: q, args: args})
	}
	return r, err
}

// insert executes an INSERT into t; inside a transaction, when t has an identity column,
// the identity values it assigned are recorded with it.
func (s *session) insert(ctx context.Context, t *table, q string, args ...any) (int64, error) {
	col := ""
	if t != nil && s.inTx {
		for _, c := range t.cols {
			if c.Type.Identity {
				col = c.Name
			}
		}
	}
	if col == "" {
		r, err := s.write(ctx, q, args...)
		if err != nil {
			return 0, err
		}
		n, _ := r.RowsAffected()
		return n, nil
	}
	ids, err := s.returning(ctx, q+" RETURNING "+tsql.QuoteIdent(col), args)
	if err != nil {
		return 0, err
	}
	e := txEntry{sql: q, args: args, idRef: t.ref(), idCol: col, ids: ids}
	if len(ids) == 0 {
		e.idCol = ""
	} else if r, ok := withIdentity(q, col, ids); ok {
		// replayed with its identity values given: the sequence is not touched again
		e.sql, e.idCol = r, ""
	}
	s.txPending = append(s.txPending, e)
	return int64(len(ids)), nil
}

// withIdentity rewrites `INSERT INTO t (cols) source` into an INSERT that gives the
// identity column col the values ids, row by row in insertion order. ok is false when q
// does not have that shape.
func withIdentity(q, col string, ids []int64) (string, bool) {
	const pre = "INSERT INTO "
	if len(q) < len(pre) || !strings.EqualFold(q[:len(pre)], pre) {
		return "", false
	}
	i := len(pre)
	// the table name: quoted or plain parts separated by dots
	for {
		if i < len(q) && q[i] == '"' {
			j := quotedEnd(q, i)
			if j < 0 {
				return "", false
			}
			i = j
		} else {
			for i < len(q) && (q[i] == '_' || q[i] == '#' || q[i] == '@' || q[i] == '$' ||
				q[i] >= '0' && q[i] <= '9' || q[i]|0x20 >= 'a' && q[i]|0x20 <= 'z') {
				i++
			}
		}
		if i < len(q) && q[i] == '.' {
			i++
			continue
		}
		break
	}
	for i < len(q) && q[i] == ' ' {
		i++
	}
	if i >= len(q) || q[i] != '(' {
		return "", false
	}
	i++
	var names []string
	for {
		for i < len(q) && (q[i] == ' ' || q[i] == ',') {
			i++
		}
		if i >= len(q) {
			return "", false
		}
		if q[i] == ')' {
			break
		}
		if q[i] != '"' {
			return "", false
		}
		j := quotedEnd(q, i)
		if j < 0 {
			return "", false
		}
		names = append(names, strings.ReplaceAll(q[i+1:j-1], `""`, `"`))
		i = j
	}
	for _, n := range names {
		if strings.EqualFold(n, col) {
			return "", false // values given explicitly: no sequence involved
		}
	}
	source := strings.TrimSpace(q[i+1:])
	first := strings.ToUpper(strings.SplitN(source, " ", 2)[0])
	if len(names) == 0 || !(first == "VALUES" || first == "SELECT" || first == "WITH") {
		return "", false
	}
	var list strings.Builder
	for k, id := range ids {
		if k > 0 {
			list.WriteByte(',')
		}
		fmt.Fprint(&list, id)
	}
	return q[:i] + ", " + tsql.QuoteIdent(col) + ") SELECT * FROM (" + source + ") POSITIONAL JOIN (SELECT unnest([" + list.String() + "]))", true
}

// quotedEnd returns the index after the double-quoted identifier starting at q[i].
func quotedEnd(q string, i int) int {
	for j := i + 1; j < len(q); j++ {
		if q[j] == '"' {
			if j+1 < len(q) && q[j+1] == '"' {
				j++
				continue
			}
			return j + 1
		}
	}
	return -1
}

func (s *session) returning(ctx context.Context, q string, args []any) ([]int64, error) {
	rows, err := s.conn.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var v sql.NullInt64
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		ids = append(ids, v.Int64)
	}
	return ids, rows.Err()
}

// statementDone ends a statement's redo bookkeeping: a successful statement's writes join
// the transaction's log.
func (s *session) statementDone() {
	if s.inTx {
		s.txLog = append(s.txLog, s.txPending...)
	}
	s.txPending = nil
}

// statementLevel lists the run-time errors after which SQL Server goes on with the next
// statement of the batch (the failed statement alone is rolled back; 8134 divide by zero
// as SQL Server ends only the statement with ANSI_WARNINGS ON). Other errors end
// the batch: conversion errors (245, 8114, 8169, 241, 242) abort the batch but, with
// XACT_ABORT OFF, leave the transaction open, as compile errors (102, 207, 208, …) do.
func statementLevel(n int32) bool {
	switch n {
	case 2627, 2601, 515, 547, 8115, 8134, 2628, 8152:
		return true
	}
	return false
}

// compileError reports errors SET XACT_ABORT does not affect: syntax and name
// resolution, found before anything runs.
func compileError(n int32) bool {
	switch n {
	case 102, 105, 109, 110, 137, 156, 195, 207, 208, 209, 2812, 4145, 8120, 3902, 3903, 911, 2714:
		return true
	}
	return false
}

// failed handles a statement that ended with err: it restores the open transaction to
// its state before the statement (or, with XACT_ABORT ON or a severe error, rolls the
// transaction back) and reports whether the rest of the batch is skipped.
func (s *session) failed(err error) (abortBatch bool) {
	te := mapError(err)
	pending := s.txPending
	s.txPending = nil
	abortBatch = !statementLevel(te.Number)
	if !s.inTx {
		return abortBatch || (s.xactAbort && !compileError(te.Number))
	}
	// the statement may have been interrupted (attention): the repair must still run
	ctx := context.Background()
	// XACT_ABORT ON; severity 20 and above; a snapshot update conflict (3960), which
	// SQL Server answers by ending the transaction
	if (s.xactAbort && !compileError(te.Number)) || (te.Class >= 20 && te.Number != 3617) || te.Number == 3960 {
		s.end(ctx, false)
		return true
	}
	if len(pending) == 0 && s.txValid(ctx) {
		return abortBatch
	}
	if rerr := s.replay(ctx); rerr != nil {
		s.srv.logf("session %d: transaction replay failed: %v", s.spid, rerr)
		s.end(ctx, false)
		tds.WriteError(s.w, tds.Msg{Number: 3998, State: 1, Class: 16, Text: "Uncommittable transaction is detected at the end of the batch. The transaction is rolled back.", Server: "localhost", Line: 1})
		return true
	}
	return abortBatch
}

// txValid reports whether the engine transaction can still be used.
func (s *session) txValid(ctx context.Context) bool {
	var one int
	return s.conn.QueryRowContext(ctx, "SELECT 1").Scan(&one) == nil
}

// replay rolls the engine transaction back, begins it again and re-executes the log.
func (s *session) replay(ctx context.Context) error {
	if _, err := s.conn.ExecContext(ctx, "ROLLBACK"); err != nil {
		return err
	}
	s.dropTableCache()
	if _, err := s.conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return err
	}
	// the log's unqualified names were resolved from the database current at its time
	if _, err := s.conn.ExecContext(ctx, "USE "+tsql.QuoteIdent(s.txDB)+".dbo"); err != nil {
		return err
	}
	for _, e := range s.txLog {
		if e.bulk != nil {
			if _, err := s.appendRows(ctx, e.bulk, e.payload); err != nil {
				return err
			}
			continue
		}
		if e.idCol == "" {
			if _, err := s.conn.ExecContext(ctx, e.sql, e.args...); err != nil {
				return err
			}
			continue
		}
		fresh, err := s.returning(ctx, e.sql+" RETURNING "+tsql.QuoteIdent(e.idCol), e.args)
		if err != nil {
			return err
		}
		if len(fresh) != len(e.ids) {
			return fmt.Errorf("replayed INSERT into %s gave %d rows, not %d", e.idRef, len(fresh), len(e.ids))
		}
		if len(fresh) == 0 {
			continue
		}
		// the replay took new values from the sequence: give the rows their original ones
		var from, to strings.Builder
		for i := range fresh {
			if i > 0 {
				from.WriteByte(',')
				to.WriteByte(',')
			}
			fmt.Fprint(&from, fresh[i])
			fmt.Fprint(&to, e.ids[i])
		}
		col := tsql.QuoteIdent(e.idCol)
		q := fmt.Sprintf("UPDATE %s AS __t SET %s = m.o FROM (SELECT unnest([%s]) AS f, unnest([%s]) AS o) m WHERE __t.%s = m.f",
			e.idRef, col, from.String(), to.String(), col)
		if _, err := s.conn.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	if _, err := s.conn.ExecContext(ctx, "USE "+tsql.QuoteIdent(s.db)+".dbo"); err != nil {
		return err
	}
	s.dropTableCache()
	return nil
}

// dropTableCache forgets cached table definitions: DDL of a rolled back statement or
// transaction must not stay cached.
func (s *session) dropTableCache() {
	s.srv.store.mu.Lock()
	s.srv.store.tables = map[string]*table{}
	s.srv.store.mu.Unlock()
}
