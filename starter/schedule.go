package main

import (
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"
	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"

	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/workflows"
)

// Scheduled re-sync on Temporal Schedules (docs/starter.md, "Schedules"). A schedule
// named NAME starts DataMigrationWorkflow with the configuration validated at
// `schedule create`, as migration NAME: every run is a normal migration run (its own
// RUN_ID in the metadata, its own row in `starter list`), so a configuration with
// synchronization "watermark" moves only what changed since the last run. Temporal
// appends the scheduled time to the workflow ID (NAME-2026-01-02T03:00:00Z), which
// keeps every run's history side by side; the metadata keys runs by the migration
// name and the run. An overlapping run is skipped, never queued (overlap policy SKIP).

// minEvery bounds --every from below: a migration run costs at least a few
// Snowflake statements per table.
const minEvery = time.Minute

func scheduleCommand() *cli.Command {
	cmd := &cli.Command{
		Name:  "schedule",
		Usage: "run a migration on a schedule (Temporal Schedules): create, list, describe, pause, unpause, trigger, delete",
		Subcommands: []*cli.Command{
			scheduleCreateCommand(),
			{Name: "list", Usage: "list schedules", Flags: commonFlags(), Action: scheduleListAction},
			{Name: "describe", Usage: "show a schedule: spec, state, running and recent runs, next times", ArgsUsage: "NAME", Flags: commonFlags(), Action: scheduleDescribeAction},
			{Name: "pause", Usage: "stop starting runs (a running one carries on)", ArgsUsage: "NAME", Flags: noteFlags(), Action: schedulePauseAction(true)},
			{Name: "unpause", Usage: "start runs again", ArgsUsage: "NAME", Flags: noteFlags(), Action: schedulePauseAction(false)},
			{Name: "trigger", Usage: "start a run now (skipped if one is running)", ArgsUsage: "NAME", Flags: commonFlags(), Action: scheduleTriggerAction},
			{Name: "delete", Usage: "delete the schedule (runs already started carry on)", ArgsUsage: "NAME", Flags: commonFlags(), Action: scheduleDeleteAction},
		},
	}
	for _, sub := range cmd.Subcommands {
		sub.OnUsageError = usageError
	}
	return cmd
}

func noteFlags() []cli.Flag {
	return append([]cli.Flag{&cli.StringFlag{Name: "note", Usage: "why (shown by describe)"}}, commonFlags()...)
}

func scheduleCreateCommand() *cli.Command {
	return &cli.Command{
		Name:      "create",
		Usage:     "validate a configuration and schedule its migration every interval or on a cron",
		ArgsUsage: "NAME CONFIG.json",
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "connection-name", EnvVars: []string{config.EnvSnowflakeConnectionName},
				Usage: "Snowflake connection (in the orchestrator's connections.toml) the runs load through"},
			&cli.StringFlag{Name: "source-platform", Usage: "postgresql, redshift or sqlserver"},
			&cli.StringFlag{Name: "affinity", Usage: "only workers started with this affinity run the migration (or the configuration's affinity)"},
			&cli.StringFlag{Name: "task-queue-base", Value: workflows.DefaultTaskQueueBase, Usage: "task queue base name the workers poll"},
			&cli.DurationFlag{Name: "every", Usage: "run every interval, e.g. 1h or 15m (at least 1m)"},
			&cli.StringFlag{Name: "cron", Usage: `run on a cron expression (UTC), e.g. "0 2 * * *"`},
			&cli.BoolFlag{Name: "paused", Usage: "create the schedule paused"},
			&cli.StringFlag{Name: "name", Hidden: true}, // set from NAME for buildInput
		}, commonFlags()...),
		Action: scheduleCreateAction,
	}
}

func scheduleCreateAction(c *cli.Context) error {
	if c.NArg() != 2 {
		return usagef("schedule create needs two arguments, the migration name and the configuration file (got %d); e.g. starter schedule create Nightly config.json --every 24h", c.NArg())
	}
	name, path := c.Args().Get(0), c.Args().Get(1)
	every, cron := c.Duration("every"), strings.TrimSpace(c.String("cron"))
	var spec client.ScheduleSpec
	var specText string
	switch {
	case every != 0 && cron != "":
		return usagef("give one of --every and --cron, not both")
	case every != 0:
		if every < minEvery {
			return usagef("--every %s: use at least %s", every, minEvery)
		}
		spec.Intervals = []client.ScheduleIntervalSpec{{Every: every}}
		specText = "every " + every.String()
	case cron != "":
		if len(strings.Fields(cron)) != 5 {
			return usagef("--cron %q: give five fields (minute hour day-of-month month day-of-week), e.g. \"0 2 * * *\"", cron)
		}
		spec.CronExpressions = []string{cron}
		specText = "cron " + cron
	default:
		return usagef("schedule create needs --every (e.g. 1h) or --cron (e.g. \"0 2 * * *\")")
	}
	if err := c.Set("name", name); err != nil {
		return err
	}
	input, probs, err := buildInput(c, path)
	if err != nil {
		return err
	}
	if len(probs) > 0 {
		for _, p := range probs {
			fmt.Fprintf(c.App.ErrWriter, "%s: %s\n", p.Path, p.Message)
		}
		return cli.Exit(fmt.Sprintf("%d problem(s) in %s; no schedule was created", len(probs), path), exitUsage)
	}
	payload, err := converter.GetDefaultDataConverter().ToPayload(input)
	if err != nil {
		return fmt.Errorf("encode the workflow input: %w", err)
	}
	if size := payload.Size(); size > MaxInputBytes {
		return cli.Exit(fmt.Sprintf("the configuration encodes to %d bytes, over the %d-byte limit; split the tables into several migrations", size, MaxInputBytes), exitUsage)
	}
	cl, err := dial(c)
	if err != nil {
		return err
	}
	defer cl.Close()
	opts := client.ScheduleOptions{
		ID:      name,
		Spec:    spec,
		Overlap: enums.SCHEDULE_OVERLAP_POLICY_SKIP,
		Paused:  c.Bool("paused"),
		Memo:    map[string]any{"spec": specText, "sourcePlatform": input.SourcePlatform, "tables": len(input.Config.Tables)},
		Action: &client.ScheduleWorkflowAction{
			ID:        name, // Temporal appends the scheduled time
			Workflow:  workflows.DataMigrationWorkflowName,
			Args:      []any{input},
			TaskQueue: workflows.OrchestratorQueue(input.TaskQueueBase, input.Config.Affinity),
			TypedSearchAttributes: temporal.NewSearchAttributes(
				temporal.NewSearchAttributeKeyKeyword(workflows.SearchAttrMigration).ValueSet(name),
				temporal.NewSearchAttributeKeyKeyword(workflows.SearchAttrPlatform).ValueSet(input.SourcePlatform),
			),
			Memo: map[string]any{
				"summary":        fmt.Sprintf("scheduled run of %s (%s): %d tables from %s", name, specText, len(input.Config.Tables), input.SourcePlatform),
				"schedule":       name,
				"tables":         len(input.Config.Tables),
				"sourcePlatform": input.SourcePlatform,
				"connectionName": input.ConnectionName,
			},
			StaticSummary: "Scheduled migration " + name + " (" + specText + ")",
		},
	}
	ctx, cancel := contextWithTimeout(c)
	defer cancel()
	_, err = cl.ScheduleClient().Create(ctx, opts)
	if err != nil && missingSearchAttribute(err) {
		if regErr := registerSearchAttributes(c, cl); regErr != nil {
			return fmt.Errorf("search attributes %s and %s are not registered and registering them failed (%v); start a worker first",
				workflows.SearchAttrMigration, workflows.SearchAttrPlatform, regErr)
		}
		_, err = cl.ScheduleClient().Create(ctx, opts)
	}
	if errors.Is(err, temporal.ErrScheduleAlreadyRunning) {
		return cli.Exit(fmt.Sprintf("a schedule named %s already exists; see it with `starter schedule describe %s`, or delete it first", name, name), exitFailure)
	}
	if err != nil {
		return fmt.Errorf("create schedule %s: %w", name, err)
	}
	out := c.App.Writer
	fmt.Fprintf(out, "created schedule %s: migration %s (%d tables from %s), %s, overlapping runs skipped", name, name, len(input.Config.Tables), input.SourcePlatform, specText)
	if opts.Paused {
		fmt.Fprint(out, ", paused")
	}
	fmt.Fprintf(out, "\n  runs:       workflow IDs %s-<scheduled time>, shown by `starter list`\n  describe:   starter schedule describe %s\n", name, name)
	return nil
}

// scheduleHandle checks the one argument and returns the schedule's handle.
func scheduleHandle(c *cli.Context) (client.Client, client.ScheduleHandle, string, error) {
	if c.NArg() != 1 {
		return nil, nil, "", usagef("schedule %s needs exactly one argument, the schedule name (got %d)", c.Command.Name, c.NArg())
	}
	name := c.Args().First()
	cl, err := dial(c)
	if err != nil {
		return nil, nil, "", err
	}
	return cl, cl.ScheduleClient().GetHandle(c.Context, name), name, nil
}

// scheduleError names a missing schedule plainly.
func scheduleError(name, what string, err error) error {
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		return cli.Exit(fmt.Sprintf("no schedule named %s (see `starter schedule list`)", name), exitFailure)
	}
	return fmt.Errorf("%s schedule %s: %w", what, name, err)
}

func memoString(m *commonpb.Memo, key string) string {
	if m == nil || m.GetFields()[key] == nil {
		return ""
	}
	var s string
	if err := converter.GetDefaultDataConverter().FromPayload(m.GetFields()[key], &s); err != nil {
		return ""
	}
	return s
}

// specString renders a schedule's spec: the text given at create, else its parts.
func specString(memo *commonpb.Memo, s *client.ScheduleSpec) string {
	if t := memoString(memo, "spec"); t != "" {
		return t
	}
	if s == nil {
		return "-"
	}
	var parts []string
	for _, i := range s.Intervals {
		parts = append(parts, "every "+i.Every.String())
	}
	for _, e := range s.CronExpressions {
		parts = append(parts, "cron "+e)
	}
	if n := len(s.Calendars); n > 0 {
		parts = append(parts, fmt.Sprintf("%d calendar spec(s)", n))
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ", ")
}

func timeOrDash(ts []time.Time) string {
	if len(ts) == 0 || ts[0].IsZero() {
		return "-"
	}
	return ts[0].Local().Format(time.DateTime)
}

func scheduleListAction(c *cli.Context) error {
	if c.NArg() != 0 {
		return usagef("schedule list takes no argument")
	}
	cl, err := dial(c)
	if err != nil {
		return err
	}
	defer cl.Close()
	ctx, cancel := contextWithTimeout(c)
	defer cancel()
	it, err := cl.ScheduleClient().List(ctx, client.ScheduleListOptions{PageSize: 100})
	if err != nil {
		return fmt.Errorf("list schedules: %w", err)
	}
	tw := tabwriter.NewWriter(c.App.Writer, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tSPEC\tSTATE\tNEXT RUN\tLAST RUN")
	for n := 0; it.HasNext() && n < 10000; n++ {
		e, err := it.Next()
		if err != nil {
			return fmt.Errorf("list schedules: %w", err)
		}
		if e.WorkflowType.Name != workflows.DataMigrationWorkflowName {
			continue
		}
		state := "active"
		if e.Paused {
			state = "paused"
		}
		last := "-"
		if k := len(e.RecentActions); k > 0 {
			last = e.RecentActions[k-1].ActualTime.Local().Format(time.DateTime)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", e.ID, specString(e.Memo, e.Spec), state, timeOrDash(e.NextActionTimes), last)
	}
	return tw.Flush()
}

func scheduleDescribeAction(c *cli.Context) error {
	cl, h, name, err := scheduleHandle(c)
	if err != nil {
		return err
	}
	defer cl.Close()
	ctx, cancel := contextWithTimeout(c)
	defer cancel()
	d, err := h.Describe(ctx)
	if err != nil {
		return scheduleError(name, "describe", err)
	}
	out := c.App.Writer
	state := "active"
	if d.Schedule.State != nil && d.Schedule.State.Paused {
		state = "paused"
	}
	overlap := "skip"
	if d.Schedule.Policy != nil && d.Schedule.Policy.Overlap != enums.SCHEDULE_OVERLAP_POLICY_SKIP {
		overlap = strings.ToLower(strings.TrimPrefix(d.Schedule.Policy.Overlap.String(), "SCHEDULE_OVERLAP_POLICY_"))
	}
	fmt.Fprintf(out, "schedule %s\n  spec:       %s\n  state:      %s", name, specString(d.Memo, d.Schedule.Spec), state)
	if d.Schedule.State != nil && d.Schedule.State.Note != "" {
		fmt.Fprintf(out, " (%s)", d.Schedule.State.Note)
	}
	fmt.Fprintf(out, "\n  overlap:    %s (a run due while one runs is skipped)\n", overlap)
	if a, ok := d.Schedule.Action.(*client.ScheduleWorkflowAction); ok {
		fmt.Fprintf(out, "  migration:  %s on task queue %s\n", name, a.TaskQueue)
	}
	fmt.Fprintf(out, "  runs:       %d started, %d skipped (overlap)\n", d.Info.NumActions, d.Info.NumActionsSkippedOverlap)
	for _, r := range d.Info.RunningWorkflows {
		fmt.Fprintf(out, "  running:    %s (starter watch %s)\n", r.WorkflowID, r.WorkflowID)
	}
	for _, r := range d.Info.RecentActions {
		id := "-"
		if r.StartWorkflowResult != nil {
			id = r.StartWorkflowResult.WorkflowID
		}
		fmt.Fprintf(out, "  recent:     %s  %s\n", r.ActualTime.Local().Format(time.DateTime), id)
	}
	for _, t := range d.Info.NextActionTimes {
		fmt.Fprintf(out, "  next:       %s\n", t.Local().Format(time.DateTime))
	}
	return nil
}

func schedulePauseAction(pause bool) cli.ActionFunc {
	return func(c *cli.Context) error {
		cl, h, name, err := scheduleHandle(c)
		if err != nil {
			return err
		}
		defer cl.Close()
		ctx, cancel := contextWithTimeout(c)
		defer cancel()
		verb := "paused"
		if pause {
			err = h.Pause(ctx, client.SchedulePauseOptions{Note: c.String("note")})
		} else {
			verb = "unpaused"
			err = h.Unpause(ctx, client.ScheduleUnpauseOptions{Note: c.String("note")})
		}
		if err != nil {
			return scheduleError(name, strings.TrimSuffix(verb, "d"), err)
		}
		fmt.Fprintf(c.App.Writer, "schedule %s %s\n", name, verb)
		return nil
	}
}

func scheduleTriggerAction(c *cli.Context) error {
	cl, h, name, err := scheduleHandle(c)
	if err != nil {
		return err
	}
	defer cl.Close()
	ctx, cancel := contextWithTimeout(c)
	defer cancel()
	if err := h.Trigger(ctx, client.ScheduleTriggerOptions{Overlap: enums.SCHEDULE_OVERLAP_POLICY_SKIP}); err != nil {
		return scheduleError(name, "trigger", err)
	}
	fmt.Fprintf(c.App.Writer, "schedule %s triggered (skipped if a run is in progress; see `starter schedule describe %s`)\n", name, name)
	return nil
}

func scheduleDeleteAction(c *cli.Context) error {
	cl, h, name, err := scheduleHandle(c)
	if err != nil {
		return err
	}
	defer cl.Close()
	ctx, cancel := contextWithTimeout(c)
	defer cancel()
	if err := h.Delete(ctx); err != nil {
		return scheduleError(name, "delete", err)
	}
	fmt.Fprintf(c.App.Writer, "schedule %s deleted (runs already started carry on)\n", name)
	return nil
}
