package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
	"github.com/snowmigrate/snowmigrate/source/parquetx"
)

// Dialect adds the session statements the runtime needs to source.Dialect.
type Dialect interface {
	source.Dialect
	// SessionSQL fixes the settings canonical text depends on (UTC, ISO dates).
	SessionSQL() string
	// BeginSQL opens the read-only transaction every source statement runs in (a
	// consistent snapshot, and no whereClauseCriteria can write).
	BeginSQL() string
	// CheckSession verifies what SessionSQL set, from the server's reported
	// parameters (no round trip).
	CheckSession(parameter func(name string) string) error
	// LockSQL locks the table against ALTER TABLE for the rest of the transaction
	// ("" when the dialect has no such lock).
	LockSQL(t migration.TableRef) string
}

// Source runs a PostgreSQL-protocol dialect over a pgx pool.
type Source struct {
	Pool    *pgxpool.Pool
	Dialect Dialect
	Writer  parquetx.Options
	// ChecksumMethod is how ChecksumPartition computes a PostgreSQL source's checksum:
	// "" or config.ChecksumMethodStream streams the rows through the worker,
	// config.ChecksumMethodSQL computes it in SQL on the source (the worker TOML's
	// checksum_method).
	ChecksumMethod string
}

// SessionSQL implements Dialect for PostgreSQL.
func (PG) SessionSQL() string {
	return "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'iso_8601'; SET extra_float_digits = 3; SET client_encoding = 'UTF8'; SET standard_conforming_strings = on"
}

// CheckSession implements Dialect. The product's own literals do not depend on
// standard_conforming_strings (QuoteLiteral), but whereClauseCriteria is the user's
// SQL: with the setting fixed, a backslash in '…' means what standard SQL says, for
// every role, and the filter means the same on every worker.
func (b Builder) CheckSession(parameter func(string) string) error {
	if b.BackslashEscapes {
		return nil // Redshift: backslash always escapes; nothing to verify
	}
	if v := parameter("standard_conforming_strings"); v != "on" {
		return fmt.Errorf("source session: standard_conforming_strings is %q after SET standard_conforming_strings = on; check the role's and database's settings", v)
	}
	if v := parameter("client_encoding"); !strings.EqualFold(v, "UTF8") {
		return fmt.Errorf("source session: client_encoding is %q after SET client_encoding = 'UTF8'", v)
	}
	return nil
}

// BeginSQL implements Dialect for PostgreSQL.
func (PG) BeginSQL() string { return "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" }

// tx runs fn on one pooled connection inside the dialect's read-only transaction.
func (s *Source) tx(ctx context.Context, fn func(conn *pgx.Conn) error) error {
	c, err := s.Pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("connect to the source: %w", mapError(err))
	}
	defer c.Release()
	conn := c.Conn()
	if _, err := conn.Exec(ctx, s.Dialect.SessionSQL()); err != nil {
		return fmt.Errorf("prepare source session: %w", err)
	}
	if err := s.Dialect.CheckSession(conn.PgConn().ParameterStatus); err != nil {
		return err
	}
	if _, err := conn.Exec(ctx, s.Dialect.BeginSQL()); err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	err = mapError(fn(conn))
	if conn.IsClosed() {
		return err
	}
	end := "COMMIT"
	if err != nil {
		end = "ROLLBACK"
	}
	// The transaction is read-only: ending it cannot lose work, so a failure here
	// only matters when everything else succeeded.
	ectx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30e9)
	defer cancel()
	if _, e := conn.Exec(ectx, end); e != nil && err == nil {
		err = fmt.Errorf("%s: %w", strings.ToLower(end), e)
	}
	return err
}

// whereError turns a server error caused by whereClauseCriteria into a config error.
func whereError(err error, where string) error {
	var pe *pgconn.PgError
	if where == "" || !errors.As(err, &pe) {
		return err
	}
	// Class 42: syntax error or access rule violation (bad SQL, unknown column or
	// function); 22: data exception (e.g. a bad literal in the filter).
	if strings.HasPrefix(pe.Code, "42") || strings.HasPrefix(pe.Code, "22") {
		return fmt.Errorf("%w: whereClauseCriteria %q is not valid on the source: %s (SQLSTATE %s); fix the filter in the table configuration", source.ErrConfig, where, pe.Message, pe.Code)
	}
	return err
}
