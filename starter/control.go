package main

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"
	"go.temporal.io/sdk/client"

	"github.com/snowmigrate/snowmigrate/workflows"
)

func pauseCommand() *cli.Command {
	return &cli.Command{
		Name:      "pause",
		Usage:     "stop starting new tables and partitions (running work finishes)",
		ArgsUsage: "NAME",
		Flags:     commonFlags(),
		Action: func(c *cli.Context) error {
			return update(c, workflows.UpdatePause, nil, "paused %s: no new table or partition starts; work in flight finishes. Resume with: starter resume %[1]s")
		},
	}
}

func resumeCommand() *cli.Command {
	return &cli.Command{
		Name:      "resume",
		Usage:     "resume a paused migration",
		ArgsUsage: "NAME",
		Flags:     commonFlags(),
		Action: func(c *cli.Context) error {
			return update(c, workflows.UpdateResume, nil, "resumed %s")
		},
	}
}

func cancelCommand() *cli.Command {
	return &cli.Command{
		Name:      "cancel",
		Usage:     "cancel a migration, or one of its tables with --table",
		ArgsUsage: "NAME",
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "table", Usage: "cancel only this table: its key db.schema.table as in the configuration (see starter status)"},
		}, commonFlags()...),
		Action: func(c *cli.Context) error {
			if key := c.String("table"); key != "" {
				return update(c, workflows.UpdateCancelTable, key, "cancelled table "+strings.ReplaceAll(key, "%", "%%")+" of %s; the other tables continue")
			}
			name, err := needName(c)
			if err != nil {
				return err
			}
			cl, err := dial(c)
			if err != nil {
				return err
			}
			defer cl.Close()
			ctx, cancel := contextWithTimeout(c)
			defer cancel()
			if err := cl.CancelWorkflow(ctx, name, ""); err != nil {
				return fmt.Errorf("cancel %s: %w", name, notFound(err, name))
			}
			fmt.Fprintf(c.App.Writer, "cancellation requested for %s: running tables stop, rows already loaded stay. Follow it with: starter watch %s\n", name, name)
			return nil
		},
	}
}

// update sends one Temporal update and waits for the workflow to accept and finish it,
// so a rejected update (unknown table, closed workflow) is reported, not lost.
func update(c *cli.Context, updateName string, arg any, done string) error {
	name, err := needName(c)
	if err != nil {
		return err
	}
	cl, err := dial(c)
	if err != nil {
		return err
	}
	defer cl.Close()
	ctx, cancel := contextWithTimeout(c)
	defer cancel()
	opts := client.UpdateWorkflowOptions{WorkflowID: name, UpdateName: updateName, WaitForStage: client.WorkflowUpdateStageCompleted}
	if arg != nil {
		opts.Args = []any{arg}
	}
	h, err := cl.UpdateWorkflow(ctx, opts)
	var reply string // the workflow may answer with a sentence; it may also answer nothing
	if err == nil {
		err = h.Get(ctx, &reply)
	}
	if err != nil {
		return fmt.Errorf("%s %s: %w", updateName, name, notFound(err, name))
	}
	fmt.Fprintf(c.App.Writer, done+"\n", name)
	if reply != "" {
		fmt.Fprintf(c.App.Writer, "  the workflow says: %s\n", reply)
	}
	return nil
}
