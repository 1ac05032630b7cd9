package main

import (
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"
	"go.temporal.io/api/workflowservice/v1"

	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/workflows"
)

// maxListPages bounds the visibility pagination whatever --limit says.
const maxListPages = 100

func listCommand() *cli.Command {
	return &cli.Command{
		Name:  "list",
		Usage: "list migrations (newest first): name, status, start time",
		Flags: append([]cli.Flag{
			&cli.IntFlag{Name: "limit", Value: 50, Usage: "show at most this many"},
		}, commonFlags()...),
		Action: func(c *cli.Context) error {
			if c.NArg() != 0 {
				return usagef("list takes no argument")
			}
			limit := c.Int("limit")
			if limit <= 0 || limit > 10000 {
				return usagef("--limit %d: use 1 to 10000", limit)
			}
			cl, err := dial(c)
			if err != nil {
				return err
			}
			defer cl.Close()
			tw := tabwriter.NewWriter(c.App.Writer, 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tSTATUS\tSTARTED\tCLOSED")
			var token []byte
			shown := 0
			for page := 0; page < maxListPages && shown < limit; page++ {
				ctx, cancel := contextWithTimeout(c)
				resp, err := cl.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
					Namespace:     c.String(config.FlagNamespace),
					PageSize:      int32(min(limit-shown, 1000)),
					NextPageToken: token,
					Query:         fmt.Sprintf("WorkflowType = '%s'", workflows.DataMigrationWorkflowName),
				})
				cancel()
				if err != nil {
					return fmt.Errorf("list migrations: %w", err)
				}
				for _, e := range resp.GetExecutions() {
					if shown >= limit {
						break
					}
					closed := "-"
					if ct := e.GetCloseTime(); ct != nil && !ct.AsTime().IsZero() {
						closed = ct.AsTime().Local().Format(time.DateTime)
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", e.GetExecution().GetWorkflowId(), e.GetStatus().String(),
						e.GetStartTime().AsTime().Local().Format(time.DateTime), closed)
					shown++
				}
				if token = resp.GetNextPageToken(); len(token) == 0 {
					break
				}
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			if shown == 0 {
				fmt.Fprintln(c.App.ErrWriter, "no migrations in this namespace; start one with: starter create-data-migration-workflow CONFIG --name NAME ...")
			}
			return nil
		},
	}
}
