package redshift

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/source"
	"github.com/snowmigrate/snowmigrate/source/postgres"
)

func init() { source.Register(config.PlatformRedshift, Open) }

// Open implements source.Opener: Redshift runs on the PostgreSQL-protocol runtime with
// its own dialect. With auth_method = "iam-provisioned-cluster" every new connection
// uses a temporary password from redshift:GetClusterCredentials (iam.go).
func Open(ctx context.Context, conn *config.SourceConnection, o source.OpenOptions) (source.Source, error) {
	var pg *postgres.Source
	switch conn.AuthMethod {
	case "", config.AuthStandard:
		s, err := postgres.OpenWith(NewDialect())(ctx, conn, o)
		if err != nil {
			return nil, err
		}
		pg = s.(*postgres.Source)
	case config.AuthIAMProvisionedCluster:
		pool, err := connectIAM(ctx, conn, o.MaxConns)
		if err != nil {
			return nil, err
		}
		pg = &postgres.Source{Pool: pool, Dialect: NewDialect(), Writer: o.Parquet}
	default:
		return nil, fmt.Errorf("%w: [connections.source.redshift] auth_method %q: use %q or %q",
			source.ErrConfig, conn.AuthMethod, config.AuthStandard, config.AuthIAMProvisionedCluster)
	}
	return newSource(pg, conn), nil
}

// connectIAM opens a pool whose connections log in with temporary credentials.
func connectIAM(ctx context.Context, conn *config.SourceConnection, maxConns int) (*pgxpool.Pool, error) {
	auth, err := newIAMAuth(ctx, conn)
	if err != nil {
		return nil, err
	}
	c := *conn
	c.Password = "" // the URL never carries a password: BeforeConnect supplies it
	if c.Host == "" {
		if c.Host, c.Port, err = auth.endpoint(ctx); err != nil {
			return nil, err
		}
	}
	cfg, err := pgxpool.ParseConfig(c.PostgresURL())
	if err != nil {
		return nil, fmt.Errorf("%w: source connection settings (%s) cannot be parsed; check host, port and sslmode", source.ErrConfig, c)
	}
	if cfg.ConnConfig.RuntimeParams == nil {
		cfg.ConnConfig.RuntimeParams = map[string]string{}
	}
	cfg.ConnConfig.RuntimeParams["application_name"] = "snowmigrate"
	if maxConns > 0 {
		cfg.MaxConns = int32(maxConns)
	}
	cfg.BeforeConnect = func(ctx context.Context, cc *pgx.ConnConfig) error {
		user, password, err := auth.credentials(ctx)
		if err != nil {
			return err
		}
		cc.User, cc.Password = user, password
		return nil
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("source connection (%s): %w", c, err)
	}
	return pool, nil
}
