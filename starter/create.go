package main

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/urfave/cli/v2"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"

	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/workflows"
)

// MaxInputBytes caps the encoded workflow input. Temporal refuses payloads over 2 MB;
// the workflow carries this input across continue-as-new together with its own state,
// so the configuration keeps a wide margin.
const MaxInputBytes = 1_500_000

var taskQueueBaseRE = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,100}$`)

func createCommand() *cli.Command {
	return &cli.Command{
		Name:      "create-data-migration-workflow",
		Usage:     "validate a workflow configuration and start the migration",
		ArgsUsage: "CONFIG.json",
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "name", Usage: "migration name, the workflow ID (letters and digits, not starting with a digit)"},
			&cli.StringFlag{Name: "connection-name", EnvVars: []string{config.EnvSnowflakeConnectionName},
				Usage: "Snowflake connection (in the orchestrator's connections.toml) the migration loads through"},
			&cli.StringFlag{Name: "source-platform", Usage: "postgresql, redshift or sqlserver"},
			&cli.StringFlag{Name: "affinity", Usage: "only workers started with this affinity run the migration (or the configuration's affinity)"},
			&cli.StringFlag{Name: "task-queue-base", Value: workflows.DefaultTaskQueueBase, Usage: "task queue base name the workers poll"},
		}, commonFlags()...),
		Action: createAction,
	}
}

func createAction(c *cli.Context) error {
	if c.NArg() != 1 {
		return usagef("create-data-migration-workflow needs exactly one argument, the configuration file (got %d)", c.NArg())
	}
	input, probs, err := buildInput(c, c.Args().First())
	if err != nil {
		return err
	}
	if len(probs) > 0 {
		w := c.App.ErrWriter
		for _, p := range probs {
			fmt.Fprintf(w, "%s: %s\n", p.Path, p.Message)
		}
		return cli.Exit(fmt.Sprintf("%d problem(s) in %s; nothing was started", len(probs), c.Args().First()), exitUsage)
	}
	payload, err := converter.GetDefaultDataConverter().ToPayload(input)
	if err != nil {
		return fmt.Errorf("encode the workflow input: %w", err)
	}
	if size := payload.Size(); size > MaxInputBytes {
		return cli.Exit(fmt.Sprintf("the configuration encodes to %d bytes, over the %d-byte limit (Temporal refuses payloads over 2 MB); split the tables into several migrations",
			size, MaxInputBytes), exitUsage)
	}

	cl, err := dial(c)
	if err != nil {
		return err
	}
	defer cl.Close()
	run, err := startMigration(c, cl, input)
	if err != nil {
		return err
	}
	out := c.App.Writer
	fmt.Fprintf(out, "started migration %s (%d tables from %s)\n", input.Name, len(input.Config.Tables), input.SourcePlatform)
	fmt.Fprintf(out, "  workflow ID: %s\n  run ID:      %s\n  task queue:  %s\n  Web UI:      %s\n  follow it:   starter watch %s\n",
		run.GetID(), run.GetRunID(), workflows.OrchestratorQueue(input.TaskQueueBase, input.Config.Affinity), workflowURL(c, run.GetID()), input.Name)
	warnIdleQueues(c.Context, cl, c.App.ErrWriter, input.TaskQueueBase, input.Config.Affinity)
	return nil
}

// buildInput validates everything the command was given and returns the workflow input,
// or every problem found (paths are JSON paths or flag names).
func buildInput(c *cli.Context, path string) (workflows.MigrationInput, []config.Problem, error) {
	data, err := config.ReadConfigFile(path)
	if err != nil {
		return workflows.MigrationInput{}, nil, cli.Exit(fmt.Sprintf("cannot read the configuration: %v", err), exitUsage)
	}
	var probs []config.Problem
	name := c.String("name")
	if err := config.ValidateMigrationName(name); err != nil {
		probs = append(probs, config.Problem{Path: "--name", Message: strings.TrimPrefix(err.Error(), config.ErrInvalidName.Error()+": ")})
	}
	base := c.String("task-queue-base")
	if !taskQueueBaseRE.MatchString(base) {
		probs = append(probs, config.Problem{Path: "--task-queue-base", Message: fmt.Sprintf("%q: use letters, digits, '_', '.' and '-'", base)})
	}
	cfg, parseProbs := config.Parse(data)
	if len(parseProbs) > 0 {
		return workflows.MigrationInput{}, append(probs, parseProbs...), nil
	}
	if aff := c.String("affinity"); aff != "" {
		if cfg.Affinity != "" && cfg.Affinity != aff {
			probs = append(probs, config.Problem{Path: "--affinity", Message: fmt.Sprintf("%q conflicts with the configuration's affinity %q; give one of them", aff, cfg.Affinity)})
		}
		cfg.Affinity = aff // validated with the configuration below
	}
	platform := c.String("source-platform")
	_, normProbs := config.Normalize(cfg, platform)
	probs = append(probs, normProbs...)
	return workflows.MigrationInput{
		Name:           name,
		ConnectionName: c.String("connection-name"),
		SourcePlatform: platform,
		Config:         cfg,
		TaskQueueBase:  base,
	}, probs, nil
}

func startMigration(c *cli.Context, cl client.Client, in workflows.MigrationInput) (client.WorkflowRun, error) {
	conn := in.ConnectionName
	if conn == "" {
		conn = "the orchestrator's default"
	}
	summary := fmt.Sprintf("%d tables from %s, Snowflake connection %s", len(in.Config.Tables), in.SourcePlatform, conn)
	opts := client.StartWorkflowOptions{
		ID:        in.Name,
		TaskQueue: workflows.OrchestratorQueue(in.TaskQueueBase, in.Config.Affinity),
		// A second start while one runs must fail, not attach to the running one. A closed
		// migration may be started again under the same name (a re-run).
		WorkflowExecutionErrorWhenAlreadyStarted: true,
		WorkflowIDConflictPolicy:                 enums.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		WorkflowIDReusePolicy:                    enums.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			temporal.NewSearchAttributeKeyKeyword(workflows.SearchAttrMigration).ValueSet(in.Name),
			temporal.NewSearchAttributeKeyKeyword(workflows.SearchAttrPlatform).ValueSet(in.SourcePlatform),
		),
		Memo: map[string]any{
			"summary":        summary,
			"tables":         len(in.Config.Tables),
			"sourcePlatform": in.SourcePlatform,
			"connectionName": in.ConnectionName,
		},
		StaticSummary: "Migration " + in.Name + ": " + summary,
	}
	ctx, cancel := contextWithTimeout(c)
	defer cancel()
	if err := refuseIfRunning(ctx, cl, c.String(config.FlagNamespace), in.Name); err != nil {
		return nil, err
	}
	run, err := cl.ExecuteWorkflow(ctx, opts, workflows.DataMigrationWorkflowName, in)
	if err != nil && missingSearchAttribute(err) {
		// The workers register the search attributes when they start; a starter run
		// before any worker registers them itself (or says how).
		if regErr := registerSearchAttributes(c, cl); regErr != nil {
			return nil, fmt.Errorf("search attributes %s and %s are not registered and registering them failed (%v); start a worker first, or run: temporal operator search-attribute create --name %s --type Keyword --name %s --type Keyword",
				workflows.SearchAttrMigration, workflows.SearchAttrPlatform, regErr, workflows.SearchAttrMigration, workflows.SearchAttrPlatform)
		}
		run, err = cl.ExecuteWorkflow(ctx, opts, workflows.DataMigrationWorkflowName, in)
	}
	var already *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &already) {
		return nil, cli.Exit(fmt.Sprintf("a migration named %s is already running (run %s); follow it with `starter watch %s` or `starter status %s`, or stop it with `starter cancel %s` before starting it again",
			in.Name, already.RunId, in.Name, in.Name, in.Name), exitFailure)
	}
	if err != nil {
		return nil, fmt.Errorf("start migration %s: %w", in.Name, err)
	}
	return run, nil
}

// refuseIfRunning refuses to start migration name while a run of it is open under
// another workflow ID: a scheduled run is NAME-<scheduled time>, so the workflow ID
// conflict that stops a second manual start does not see it, and both runs would
// start the same table workflows (NAME/<table>) and write the same target tables.
// Runs are found in visibility by the migration-name search attribute; when that
// attribute is not registered yet, no run can carry it.
func refuseIfRunning(ctx context.Context, cl client.Client, namespace, name string) error {
	resp, err := cl.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
		Namespace: namespace, PageSize: 5, Query: runningMigrationQuery(name),
	})
	if err != nil {
		if missingSearchAttribute(err) {
			return nil
		}
		return fmt.Errorf("look for a running migration named %s before starting it: %w", name, err)
	}
	for _, e := range resp.GetExecutions() {
		id := e.GetExecution().GetWorkflowId()
		if id == name {
			continue // a run by hand: the workflow ID conflict reports it (startMigration)
		}
		return cli.Exit(fmt.Sprintf("a run of migration %s is already running as workflow %s (a scheduled run, or one started by hand); "+
			"starting another would run the same tables twice at once: wait until it ends (`starter watch %s`) and start %s again; "+
			"to keep a schedule from starting more runs meanwhile, `starter schedule pause %s`",
			name, id, id, name, name), exitFailure)
	}
	return nil
}

// runningMigrationQuery selects the open DataMigrationWorkflow runs of a migration
// name (validated: letters and digits; quotes are escaped anyway).
func runningMigrationQuery(name string) string {
	q := strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(name)
	return fmt.Sprintf("WorkflowType = '%s' AND %s = '%s' AND ExecutionStatus = 'Running'",
		workflows.DataMigrationWorkflowName, workflows.SearchAttrMigration, q)
}

func missingSearchAttribute(err error) bool {
	var inv *serviceerror.InvalidArgument
	return errors.As(err, &inv) && strings.Contains(strings.ToLower(inv.Error()), "search attribute")
}

func registerSearchAttributes(c *cli.Context, cl client.Client) error {
	ctx, cancel := contextWithTimeout(c)
	defer cancel()
	_, err := cl.OperatorService().AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{
		Namespace: c.String(config.FlagNamespace),
		SearchAttributes: map[string]enums.IndexedValueType{
			workflows.SearchAttrMigration: enums.INDEXED_VALUE_TYPE_KEYWORD,
			workflows.SearchAttrPlatform:  enums.INDEXED_VALUE_TYPE_KEYWORD,
			workflows.SearchAttrTable:     enums.INDEXED_VALUE_TYPE_KEYWORD,
		},
	})
	var exists *serviceerror.AlreadyExists
	if errors.As(err, &exists) {
		return nil
	}
	return err
}
