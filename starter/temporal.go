package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/urfave/cli/v2"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/snowmigrate/snowmigrate/config"
)

const (
	flagUIURL      = "ui-url"
	defaultUIURL   = "http://localhost:8233"
	dialTimeout    = 15 * time.Second
	requestTimeout = 30 * time.Second
)

// commonFlags are on every command, so they may be written after the command name.
func commonFlags() []cli.Flag {
	return append(config.TemporalFlags(),
		&cli.StringFlag{Name: flagUIURL, Category: "Temporal", EnvVars: []string{"TEMPORAL_UI_URL"}, Value: defaultUIURL,
			Usage: "Temporal Web UI base URL, for the links the starter prints"})
}

// dial connects to Temporal with the command's flags. The SDK logs only warnings, to
// stderr, so that stdout stays the command's output.
func dial(c *cli.Context) (client.Client, error) {
	opts, err := config.TemporalClientOptions(c)
	if err != nil {
		return nil, cli.Exit(err.Error(), exitUsage)
	}
	opts.Logger = log.NewStructuredLogger(slog.New(slog.NewTextHandler(c.App.ErrWriter, &slog.HandlerOptions{Level: slog.LevelWarn})))
	ctx, cancel := context.WithTimeout(c.Context, dialTimeout)
	defer cancel()
	cl, err := client.DialContext(ctx, opts)
	if err != nil {
		err = fmt.Errorf("cannot reach Temporal at %s (namespace %s): %w; start it (temporal server start-dev) or set --temporal-address / TEMPORAL_ADDRESS",
			opts.HostPort, opts.Namespace, err)
		if isUnreachable(err) || ctx.Err() != nil {
			return nil, unreachableError{err}
		}
		return nil, err
	}
	return cl, nil
}

// unreachableError is Temporal not answering: exit 4, so that a script can tell "the
// service is down" (retry later) from "the migration failed" (exit 1).
type unreachableError struct{ err error }

func (e unreachableError) Error() string { return e.err.Error() }
func (e unreachableError) Unwrap() error { return e.err }
func (e unreachableError) ExitCode() int { return exitUnreachable }

// unreachable wraps a request that Temporal did not answer.
func unreachable(c *cli.Context, err error) error {
	return unreachableError{fmt.Errorf("no answer from Temporal at %s: %w; is it running? (--temporal-address / TEMPORAL_ADDRESS)",
		c.String(config.FlagTemporalAddress), err)}
}

// isUnreachable tells a transport failure (server down, connection refused, request
// deadline) from an answer such as NotFound or a workflow error.
func isUnreachable(err error) bool {
	if err == nil {
		return false
	}
	var ue unreachableError
	var unavailable *serviceerror.Unavailable
	var deadline *serviceerror.DeadlineExceeded
	if errors.As(err, &ue) || errors.As(err, &unavailable) || errors.As(err, &deadline) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	switch status.Code(errors.Unwrap(err)) {
	case codes.Unavailable, codes.DeadlineExceeded:
		return true
	}
	return status.Code(err) == codes.Unavailable
}

// workflowURL links to one workflow in the Web UI.
func workflowURL(c *cli.Context, id string) string {
	base := strings.TrimRight(c.String(flagUIURL), "/")
	return base + "/namespaces/" + url.PathEscape(c.String(config.FlagNamespace)) + "/workflows/" + url.PathEscape(id)
}

// notFound turns Temporal's NotFound into a message that says what to do.
func notFound(err error, name string) error {
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		return fmt.Errorf("no migration named %s in this namespace (list them with: starter list): %w", name, err)
	}
	return err
}
