package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/source"
)

func init() { source.Register(config.PlatformPostgreSQL, OpenWith(NewDialect())) }

// OpenWith returns the opener of a PostgreSQL-protocol dialect: PostgreSQL itself,
// and Redshift's package, which supplies its own Dialect.
func OpenWith(d Dialect) source.Opener {
	return func(ctx context.Context, conn *config.SourceConnection, o source.OpenOptions) (source.Source, error) {
		pool, err := Connect(ctx, conn, o.MaxConns)
		if err != nil {
			return nil, err
		}
		return &Source{Pool: pool, Dialect: d, Writer: o.Parquet, ChecksumMethod: conn.ChecksumMethod}, nil
	}
}

// Connect opens a pool from the worker TOML's connection. The URL carries the
// password to the driver only: errors name host and database (conn.String redacts).
func Connect(ctx context.Context, conn *config.SourceConnection, maxConns int) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(conn.PostgresURL())
	if err != nil {
		// pgx's parse errors can quote the URL: never pass them on.
		return nil, fmt.Errorf("%w: source connection settings (%s) cannot be parsed; check host, port and sslmode", source.ErrConfig, conn)
	}
	if cfg.ConnConfig.RuntimeParams == nil {
		cfg.ConnConfig.RuntimeParams = map[string]string{}
	}
	if _, set := cfg.ConnConfig.RuntimeParams["application_name"]; !set {
		cfg.ConnConfig.RuntimeParams["application_name"] = "snowmigrate"
	}
	if maxConns > 0 {
		cfg.MaxConns = int32(maxConns)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("source connection (%s): %w", conn, mapError(err))
	}
	return pool, nil
}

// Platform implements source.Source.
func (s *Source) Platform() string { return s.Dialect.Platform() }

// Close implements source.Source.
func (s *Source) Close() { s.Pool.Close() }

var _ source.Source = (*Source)(nil)

// mapError adds the source package's sentinel to a server error whose class says it is
// permanent, keeping the driver's error in the chain for its message.
func mapError(err error) error {
	var pe *pgconn.PgError
	if err == nil || !errors.As(err, &pe) ||
		errors.Is(err, source.ErrCredentials) || errors.Is(err, source.ErrPermission) || errors.Is(err, source.ErrMissing) {
		return err
	}
	switch {
	case strings.HasPrefix(pe.Code, "28"): // invalid authorization specification
		return fmt.Errorf("%w (check the source credentials in the worker configuration): %w", source.ErrCredentials, err)
	case pe.Code == "42501": // insufficient privilege
		return fmt.Errorf("%w (grant the worker's user SELECT on the table and read access to the catalog): %w", source.ErrPermission, err)
	case pe.Code == "3D000": // invalid catalog name: the database does not exist
		return fmt.Errorf("%w: %w", source.ErrMissing, err)
	}
	return err
}
