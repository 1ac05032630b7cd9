package redshift

import (
	"context"
	"fmt"

	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/source"
	"github.com/snowmigrate/snowmigrate/source/postgres"
)

func init() { source.Register(config.PlatformRedshift, Open) }

// Open implements source.Opener: Redshift runs on the PostgreSQL-protocol runtime with
// its own dialect.
func Open(ctx context.Context, conn *config.SourceConnection, o source.OpenOptions) (source.Source, error) {
	if conn.AuthMethod != "" && conn.AuthMethod != config.AuthStandard {
		return nil, fmt.Errorf("%w: [connections.source.redshift] auth_method %q is not supported yet; use auth_method = %q",
			source.ErrConfig, conn.AuthMethod, config.AuthStandard)
	}
	return postgres.OpenWith(NewDialect())(ctx, conn, o)
}
