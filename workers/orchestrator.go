package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"

	"github.com/urfave/cli/v2"
	"go.temporal.io/sdk/worker"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeside"
	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/snowflake"
	"github.com/snowmigrate/snowmigrate/workers/register"
	"github.com/snowmigrate/snowmigrate/workflows"
)

func orchestratorCommand() *cli.Command {
	return &cli.Command{
		Name:  "orchestrator",
		Usage: "host the workflows and the Snowflake-side activities",
		Flags: append(queueFlags(), config.TemporalFlags()...),
		Action: func(c *cli.Context) error {
			logger := newLogger()
			home, err := config.SnowflakeHome(os.LookupEnv)
			if err != nil {
				return err
			}
			// The workflow names its connection; this one serves workflows that do not.
			defaultConn, _ := os.LookupEnv(config.EnvSnowflakeConnectionName)
			meta := config.LoadMetadataLocation(os.LookupEnv)
			pool := snowflake.NewPool(func(name string) (snowflake.Connection, error) {
				conn, err := config.LoadConnection(home, name)
				return snowflake.Connection(conn), err
			})
			defer pool.Close()
			acts := snowflakeside.New(defaultName{pool: pool, name: defaultConn}, snowflake.MetadataLocation(meta))

			tc, err := dialTemporal(c, logger)
			if err != nil {
				return err
			}
			defer tc.Close()
			if err := ensureSearchAttributes(c.Context, tc, c.String(config.FlagNamespace)); err != nil {
				logger.Warn("search attributes not registered; the Web UI cannot filter by migration", "error", err)
			}
			queue := workflows.OrchestratorQueue(c.String(flagTaskQueueBase), c.String(flagAffinity))
			w := worker.New(tc, queue, worker.Options{})
			register.Orchestrator(w, acts)
			logger.Info("orchestrator worker polling", "taskQueue", queue, "snowflakeHome", home,
				"metadata", meta.Database+"."+meta.MigrationSchema)
			return runUntilSignal(c.Context, logger, w)
		},
	}
}

// defaultName resolves an empty connection name to the orchestrator's default
// (SNOWFLAKE_CONNECTION_NAME), as the design says: the workflow's --connection-name
// first, else the orchestrator's own.
type defaultName struct {
	pool *snowflake.Pool
	name string
}

func (d defaultName) DB(ctx context.Context, name string) (*sql.DB, error) {
	if name == "" {
		name = d.name
	}
	if name == "" {
		return nil, fmt.Errorf("%w: the workflow names no Snowflake connection and SNOWFLAKE_CONNECTION_NAME is not set on the orchestrator", snowflake.ErrInvalidConnection)
	}
	return d.pool.DB(ctx, name)
}
