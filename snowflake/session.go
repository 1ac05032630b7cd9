package snowflake

import (
	"context"
	"database/sql/driver"
	"errors"
	"sync/atomic"
)

// The driver keeps a connection whose Snowflake session has ended (idle timeout,
// SYSTEM$ABORT_SESSION, a server restart) in the pool: every later statement on it fails
// with 390111 until the connection's lifetime is over. sessionConnector wraps the
// driver's connections so that such an error marks the connection bad: database/sql then
// discards it and, for a statement not pinned to one connection, runs it again on a new
// session (safe: the server refused it without running it). The original error stays
// reachable with errors.As for classification.

type sessionConnector struct{ driver.Connector }

func (c sessionConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &sessionConn{Conn: conn}, nil
}

type sessionConn struct {
	driver.Conn
	gone atomic.Bool
}

// sessionGoneError is a session-expiry error that database/sql sees as driver.ErrBadConn.
type sessionGoneError struct{ err error }

func (e sessionGoneError) Error() string        { return e.err.Error() }
func (e sessionGoneError) Unwrap() error        { return e.err }
func (e sessionGoneError) Is(target error) bool { return target == driver.ErrBadConn }

func (c *sessionConn) check(err error) error {
	if err != nil && IsSessionExpired(err) {
		c.gone.Store(true)
		return sessionGoneError{err}
	}
	return err
}

// IsValid implements driver.Validator: a connection whose session ended is not reused.
func (c *sessionConn) IsValid() bool { return !c.gone.Load() }

func (c *sessionConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	ex, ok := c.Conn.(driver.ExecerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	r, err := ex.ExecContext(ctx, q, args)
	return r, c.check(err)
}

func (c *sessionConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	qu, ok := c.Conn.(driver.QueryerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	r, err := qu.QueryContext(ctx, q, args)
	return r, c.check(err)
}

func (c *sessionConn) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	if p, ok := c.Conn.(driver.ConnPrepareContext); ok {
		s, err := p.PrepareContext(ctx, q)
		return s, c.check(err)
	}
	s, err := c.Conn.Prepare(q)
	return s, c.check(err)
}

func (c *sessionConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if b, ok := c.Conn.(driver.ConnBeginTx); ok {
		tx, err := b.BeginTx(ctx, opts)
		return tx, c.check(err)
	}
	return nil, errors.New("snowflake: the driver connection does not support BeginTx")
}

func (c *sessionConn) Ping(ctx context.Context) error {
	if p, ok := c.Conn.(driver.Pinger); ok {
		return c.check(p.Ping(ctx))
	}
	return nil
}

func (c *sessionConn) CheckNamedValue(nv *driver.NamedValue) error {
	if ch, ok := c.Conn.(driver.NamedValueChecker); ok {
		return ch.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}
