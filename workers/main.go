package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/urfave/cli/v2"
	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"

	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/workflows"
)

const (
	flagAffinity      = "affinity"
	flagTaskQueueBase = "task-queue-base"
	flagConfig        = "config"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := newApp().RunContext(ctx, os.Args); err != nil {
		fmt.Fprintln(os.Stderr, "workers:", err)
		os.Exit(1)
	}
}

func newApp() *cli.App {
	return &cli.App{
		Name:  "workers",
		Usage: "run the migration's Temporal workers",
		Commands: []*cli.Command{
			orchestratorCommand(),
			sourceCommand(),
			sqlCommand(),
		},
	}
}

// queueFlags are shared by both roles.
func queueFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: flagAffinity, EnvVars: []string{"SNOWMIGRATE_AFFINITY"},
			Usage: "serve only workflows whose affinity (source network) is this; empty = workflows without affinity"},
		&cli.StringFlag{Name: flagTaskQueueBase, EnvVars: []string{"SNOWMIGRATE_TASK_QUEUE_BASE"}, Value: workflows.DefaultTaskQueueBase,
			Usage: "base of the task queue names (must match the starter's)"},
	}
}

// dialTemporal connects with the shared Temporal flags and a structured logger.
func dialTemporal(c *cli.Context, logger *slog.Logger) (client.Client, error) {
	opts, err := config.TemporalClientOptions(c)
	if err != nil {
		return nil, err
	}
	opts.Logger = tlog.NewStructuredLogger(logger)
	tc, err := client.DialContext(c.Context, opts)
	if err != nil {
		return nil, fmt.Errorf("connect to Temporal at %s (namespace %s): %w", opts.HostPort, opts.Namespace, err)
	}
	return tc, nil
}

func newLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

// runUntilSignal runs the workers until the command's context ends (SIGINT/SIGTERM),
// then stops them, letting running activities finish their current heartbeat cycle.
func runUntilSignal(ctx context.Context, logger *slog.Logger, ws ...interface {
	Start() error
	Stop()
}) error {
	started := 0
	var err error
	for _, w := range ws {
		if err = w.Start(); err != nil {
			break
		}
		started++
	}
	if err == nil {
		<-ctx.Done()
		logger.Info("stopping workers")
	}
	for i := started - 1; i >= 0; i-- {
		ws[i].Stop()
	}
	if err != nil {
		return fmt.Errorf("start worker: %w", err)
	}
	return nil
}

var errUsage = errors.New("usage")
