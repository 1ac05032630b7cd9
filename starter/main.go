package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/urfave/cli/v2"
)

// Exit codes (documented in docs/starter.md).
const (
	exitOK          = 0
	exitFailure     = 1
	exitUsage       = 2
	exitTimedOut    = 3
	exitUnreachable = 4 // Temporal did not answer: start or reach it; nothing is known about the migration
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is main without the process: tests call it with their own writers.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	app := newApp(stdout, stderr)
	if len(args) > 1 && !strings.HasPrefix(args[1], "-") && app.Command(args[1]) == nil {
		fmt.Fprintf(stderr, "unknown command %q; see starter --help\n", args[1])
		return exitUsage
	}
	err := app.RunContext(ctx, reorderArgs(app, args))
	if err == nil {
		return exitOK
	}
	var ec cli.ExitCoder
	if errors.As(err, &ec) {
		if msg := err.Error(); msg != "" {
			fmt.Fprintln(stderr, msg)
		}
		return ec.ExitCode()
	}
	fmt.Fprintln(stderr, "error:", err)
	if isUsageError(err) {
		return exitUsage
	}
	return exitFailure
}

func newApp(stdout, stderr io.Writer) *cli.App {
	app := &cli.App{
		Name:  "starter",
		Usage: "start and follow snowmigrate data migrations on Temporal",
		Description: "Validates a workflow configuration (the reference system's JSON) and starts a\n" +
			"DataMigrationWorkflow; lists, shows, watches, pauses, resumes and cancels migrations.\n" +
			"Exit codes: 0 ok, 1 failure, 2 invalid usage or configuration, 3 watch timed out,\n" +
			"4 Temporal unreachable.",
		Writer:         stdout,
		ErrWriter:      stderr,
		HideVersion:    true,
		ExitErrHandler: func(*cli.Context, error) {}, // run maps errors to exit codes
		OnUsageError:   usageError,
		CommandNotFound: func(c *cli.Context, name string) {
			fmt.Fprintf(stderr, "unknown command %q; see starter --help\n", name)
		},
		Commands: []*cli.Command{
			createCommand(),
			listCommand(),
			statusCommand(),
			watchCommand(),
			pauseCommand(),
			resumeCommand(),
			cancelCommand(),
			scheduleCommand(),
			validateCommand(),
		},
	}
	for _, cmd := range app.Commands {
		cmd.OnUsageError = usageError
	}
	return app
}

// errUsage marks command-line mistakes (exit 2).
var errUsage = errors.New("usage")

func usageError(_ *cli.Context, err error, _ bool) error {
	return fmt.Errorf("%w: %v", errUsage, err)
}

func isUsageError(err error) bool { return errors.Is(err, errUsage) }

// usagef reports a command-line mistake.
func usagef(format string, a ...any) error {
	return cli.Exit(fmt.Sprintf(format, a...), exitUsage)
}

// needName returns the one positional argument, the migration name.
func needName(c *cli.Context) (string, error) {
	if c.NArg() != 1 {
		return "", usagef("%s needs exactly one argument, the migration name (got %d); e.g. starter %s MyMigration", c.Command.Name, c.NArg(), c.Command.Name)
	}
	return c.Args().First(), nil
}
