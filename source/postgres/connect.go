package postgres

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strconv"

	"github.com/jackc/pgx/v5/pgxpool"
)

// ConnParams is the worker TOML's [connections.source.postgresql] (or redshift).
type ConnParams struct {
	Host     string
	Port     int
	User     string
	Password string // never logged, never part of an error
	Database string
	SSLMode  string // default "prefer"
	MaxConns int32  // default 4
}

// Connect opens a pool to the source. The password is set on the parsed config, not
// in the connection string, so no error message can carry it.
func Connect(ctx context.Context, p ConnParams) (*pgxpool.Pool, error) {
	if p.Port == 0 {
		p.Port = 5432
	}
	if p.SSLMode == "" {
		p.SSLMode = "prefer"
	}
	u := url.URL{Scheme: "postgres", User: url.User(p.User), Host: net.JoinHostPort(p.Host, strconv.Itoa(p.Port)), Path: "/" + p.Database,
		RawQuery: url.Values{"sslmode": {p.SSLMode}, "application_name": {"snowmigrate"}}.Encode()}
	cfg, err := pgxpool.ParseConfig(u.String())
	if err != nil {
		return nil, fmt.Errorf("source connection settings (host %s, database %s): %w", p.Host, p.Database, err)
	}
	cfg.ConnConfig.Password = p.Password
	if p.MaxConns > 0 {
		cfg.MaxConns = p.MaxConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to source %s:%d/%s: %w", p.Host, p.Port, p.Database, err)
	}
	return pool, nil
}
