package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/workflows"
)

// `starter validate NAME` (docs/validation.md): validates what migration NAME moved
// (NAME is the migration's workflow ID: for a scheduled run, NAME-<scheduled time>).
// The configuration, Snowflake connection name, platform and task queues are the
// migration's own, read from its workflow's first event, so that the validation
// compares exactly what was migrated.

func validateCommand() *cli.Command {
	return &cli.Command{
		Name:      "validate",
		Usage:     "validate a migration's tables: 1 schema, 2 column metrics, 3 rows (exit 0 all matched, 1 a difference)",
		ArgsUsage: "NAME",
		Flags: append([]cli.Flag{
			&cli.IntFlag{Name: "level", Usage: "1, 2 or 3 for every table (levels are cumulative); default: each table's configured validation.level, else 3"},
			&cli.Float64Flag{Name: "tolerance", Value: math.NaN(), DefaultText: "each table's validation.tolerance, else 0",
				Usage: "relative tolerance of level-2 metrics, e.g. 0.001 for 0.1 %"},
			&cli.BoolFlag{Name: "wait", Usage: "wait for the result, print it and exit 0 (all matched) or 1 (a difference or a table that could not be validated)"},
			&cli.DurationFlag{Name: "timeout", Value: 24 * time.Hour, Usage: "with --wait: stop waiting after this long (exit 3)"},
		}, commonFlags()...),
		Action: validateAction,
	}
}

func validateAction(c *cli.Context) error {
	name, err := needName(c)
	if err != nil {
		return err
	}
	in := workflows.ValidationInput{Name: name}
	if c.IsSet("level") {
		in.Level = c.Int("level")
		if msg := config.CheckValidationLevel(in.Level); msg != "" {
			return usagef("--level: %s", msg)
		}
	}
	if tol := c.Float64("tolerance"); c.IsSet("tolerance") {
		if msg := config.CheckValidationTolerance(tol); msg != "" {
			return usagef("--tolerance: %s", msg)
		}
		in.Tolerance = &tol
	}
	if c.Duration("timeout") <= 0 {
		return usagef("--timeout %s: must be positive", c.Duration("timeout"))
	}
	cl, err := dial(c)
	if err != nil {
		return err
	}
	defer cl.Close()
	mig, err := migrationInput(c, cl, name)
	if err != nil {
		return err
	}
	if err := refuseWhileMigrating(c, cl, name); err != nil {
		return err
	}
	// A scheduled run's workflow ID is NAME-<time>; the metadata knows it as NAME.
	if mig.Name != "" {
		in.Name, name = mig.Name, mig.Name
	}
	in.ConnectionName, in.SourcePlatform, in.Config = mig.ConnectionName, mig.SourcePlatform, mig.Config
	in.TaskQueueBase, in.Limits = baseOrDefault(mig.TaskQueueBase), mig.Limits
	opts := client.StartWorkflowOptions{
		ID:                                       workflows.ValidationWorkflowID(name),
		TaskQueue:                                workflows.OrchestratorQueue(in.TaskQueueBase, in.Config.Affinity),
		WorkflowExecutionErrorWhenAlreadyStarted: true,
		WorkflowIDConflictPolicy:                 enums.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		WorkflowIDReusePolicy:                    enums.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		StaticSummary:                            "Validation of migration " + name,
	}
	ctx, cancel := contextWithTimeout(c)
	run, err := cl.ExecuteWorkflow(ctx, opts, workflows.ValidationWorkflowName, in)
	cancel()
	var already *serviceerror.WorkflowExecutionAlreadyStarted
	switch {
	case errors.As(err, &already):
		return cli.Exit(fmt.Sprintf("a validation of %s is already running (workflow %s, run %s); wait for it or cancel it in the Web UI (%s)",
			name, opts.ID, already.RunId, workflowURL(c, opts.ID)), exitFailure)
	case isUnreachable(err):
		return unreachable(c, err)
	case err != nil:
		return fmt.Errorf("start the validation of %s: %w", name, err)
	}
	out := c.App.Writer
	fmt.Fprintf(out, "started validation of %s\n  workflow ID: %s\n  run ID:      %s\n  Web UI:      %s\n",
		name, run.GetID(), run.GetRunID(), workflowURL(c, run.GetID()))
	if !c.Bool("wait") {
		fmt.Fprintf(out, "  results:     SNOWCONVERT_AI.DATA_VALIDATION.LATEST_VALIDATION_RESULT (or run again with --wait)\n")
		return nil
	}
	wctx, wcancel := context.WithTimeout(c.Context, c.Duration("timeout"))
	defer wcancel()
	var res workflows.ValidationResult
	if err := run.Get(wctx, &res); err != nil {
		if wctx.Err() != nil && c.Context.Err() == nil {
			return cli.Exit(fmt.Sprintf("stopped waiting for the validation of %s after %s; it goes on (workflow %s)", name, c.Duration("timeout"), run.GetID()), exitTimedOut)
		}
		if isUnreachable(err) {
			return unreachable(c, err)
		}
		return fmt.Errorf("validation of %s failed: %w", name, err)
	}
	printValidation(out, res)
	if res.Status != snowflakeapi.ValidationMatch {
		return cli.Exit("", exitFailure)
	}
	return nil
}

// migrationInput reads the migration's start input from its latest run's first event
// (every run, continued-as-new or not, carries the whole configuration).
func migrationInput(c *cli.Context, cl client.Client, name string) (workflows.MigrationInput, error) {
	var in workflows.MigrationInput
	ctx, cancel := contextWithTimeout(c)
	defer cancel()
	it := cl.GetWorkflowHistory(ctx, name, "", false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	if !it.HasNext() {
		return in, cli.Exit(fmt.Sprintf("no migration named %s (list them with: starter list)", name), exitFailure)
	}
	ev, err := it.Next()
	if err != nil {
		if isUnreachable(err) {
			return in, unreachable(c, err)
		}
		return in, cli.Exit(notFound(err, name).Error(), exitFailure)
	}
	attrs := ev.GetWorkflowExecutionStartedEventAttributes()
	if attrs == nil || attrs.GetWorkflowType().GetName() != workflows.DataMigrationWorkflowName || len(attrs.GetInput().GetPayloads()) == 0 {
		return in, cli.Exit(fmt.Sprintf("workflow %s is not a data migration (its first event starts %q)", name, attrs.GetWorkflowType().GetName()), exitFailure)
	}
	if err := converter.GetDefaultDataConverter().FromPayload(attrs.GetInput().GetPayloads()[0], &in); err != nil {
		return in, fmt.Errorf("read the configuration of migration %s: %w", name, err)
	}
	return in, nil
}

// refuseWhileMigrating refuses to validate a migration that is still moving rows: its
// tables would differ for a reason the validation cannot tell from corruption.
func refuseWhileMigrating(c *cli.Context, cl client.Client, name string) error {
	ctx, cancel := contextWithTimeout(c)
	defer cancel()
	d, err := cl.DescribeWorkflowExecution(ctx, name, "")
	if err != nil {
		if isUnreachable(err) {
			return unreachable(c, err)
		}
		return cli.Exit(notFound(err, name).Error(), exitFailure)
	}
	if d.GetWorkflowExecutionInfo().GetStatus() == enums.WORKFLOW_EXECUTION_STATUS_RUNNING {
		return cli.Exit(fmt.Sprintf("migration %s is still running; validate it once it has ended (follow it with: starter watch %s)", name, name), exitFailure)
	}
	return nil
}

func baseOrDefault(b string) string {
	if b == "" {
		return workflows.DefaultTaskQueueBase
	}
	return b
}

// printValidation prints the per-table summary and the differences of the tables
// that did not match.
func printValidation(w io.Writer, res workflows.ValidationResult) {
	fmt.Fprintf(w, "validation %s of %s: %s (%d tables: %d matched, %d mismatched, %d could not be validated)\n",
		res.ValidationID, res.Migration, res.Status, res.Total, res.Matched, res.Mismatched, res.Errors)
	for _, t := range res.Tables {
		levels := make([]string, len(t.Levels))
		for i, l := range t.Levels {
			levels[i] = fmt.Sprintf("L%d %s", l.Level, l.Status)
			if l.Differences > 0 {
				levels[i] += fmt.Sprintf(" (%d)", l.Differences)
			}
		}
		fmt.Fprintf(w, "  %-40s %-9s %s\n", t.TableKey, t.Status, strings.Join(levels, ", "))
		for _, l := range t.Levels {
			if l.Status == snowflakeapi.ValidationError {
				fmt.Fprintf(w, "      level %d: %s\n", l.Level, l.Message)
			}
		}
		for _, d := range t.Differences {
			fmt.Fprintf(w, "      L%d %s", d.Level, d.Kind)
			if d.Column != "" {
				fmt.Fprintf(w, " %s", d.Column)
			}
			if d.Metric != "" {
				fmt.Fprintf(w, " %s", d.Metric)
			}
			if d.Key != "" {
				fmt.Fprintf(w, " key %s", d.Key)
			}
			fmt.Fprintf(w, ": source %s, target %s\n", orNull(d.SourceValue), orNull(d.TargetValue))
			if d.SourceSQL != "" {
				fmt.Fprintf(w, "          source SQL: %s\n", d.SourceSQL)
			}
			if d.TargetSQL != "" {
				fmt.Fprintf(w, "          target SQL: %s\n", d.TargetSQL)
			}
		}
		if n := t.DifferencesTotal - int64(len(t.Differences)); n > 0 {
			fmt.Fprintf(w, "      … %d more in SNOWCONVERT_AI.DATA_VALIDATION.LATEST_VALIDATION_DIFFERENCE\n", n)
		}
	}
	if hidden := res.Total - len(res.Tables); hidden > 0 {
		fmt.Fprintf(w, "  (%d more tables in SNOWCONVERT_AI.DATA_VALIDATION.LATEST_VALIDATION_RESULT)\n", hidden)
	}
}

func orNull(p *string) string {
	if p == nil {
		return "NULL"
	}
	// Canonical texts as the checksum writes them (\N is NULL, \\ a backslash):
	// quoted, not Go-escaped, so that they read as stored in DATA_VALIDATION. Control
	// characters alone are escaped, to keep one difference on one line.
	if strings.IndexFunc(*p, func(r rune) bool { return r < ' ' || r == 0x7f }) >= 0 {
		return strconv.Quote(*p)
	}
	return `"` + *p + `"`
}
