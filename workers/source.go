package main

import (
	"context"
	"fmt"
	"os"
	"runtime/debug"

	"github.com/urfave/cli/v2"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/worker"

	"github.com/snowmigrate/snowmigrate/activities/sourceapi"
	"github.com/snowmigrate/snowmigrate/activities/sourceside"
	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/snowflake"
	"github.com/snowmigrate/snowmigrate/source"
	_ "github.com/snowmigrate/snowmigrate/source/all" // every dialect, registered by name
	"github.com/snowmigrate/snowmigrate/workers/register"
	"github.com/snowmigrate/snowmigrate/workers/workdir"
	"github.com/snowmigrate/snowmigrate/workflows"
)

func sourceCommand() *cli.Command {
	return &cli.Command{
		Name:  "source",
		Usage: "host the source-side activities (introspect, plan, extract, upload) for one source connection",
		Flags: append(append(queueFlags(),
			&cli.StringFlag{Name: flagConfig, Required: true, TakesFile: true, Usage: "worker TOML (the reference system's format)"},
		), config.TemporalFlags()...),
		Action: runSource,
	}
}

func runSource(c *cli.Context) error {
	logger := newLogger()
	wc, err := config.LoadWorker(c.String(flagConfig))
	if err != nil {
		return err
	}
	platform, conn := wc.Source()
	parallel := wc.Application.MaxParallelTasks
	memLimit := setMemoryLimit(parallel)
	// The dialect comes from the registry (source/all links every one in). One
	// connection per running extraction plus introspection/planning headroom.
	src, err := source.Open(c.Context, platform, conn, source.OpenOptions{MaxConns: parallel + 2})
	if err != nil {
		return fmt.Errorf("worker config %s: %w", c.String(flagConfig), err)
	}
	defer src.Close()

	home, err := config.SnowflakeHome(os.LookupEnv)
	if err != nil {
		return err
	}
	// The TOML's [connections.target.snowflake_connection_name], else the usual
	// SNOWFLAKE_CONNECTION_NAME / default_connection_name / "default" order.
	sfName, err := config.ResolveConnectionName(wc.TargetConnectionName(), os.LookupEnv, home)
	if err != nil {
		return err
	}
	sfConn, err := config.LoadConnection(home, sfName)
	if err != nil {
		return fmt.Errorf("worker config %s: [connections.target.snowflake_connection_name]: %w", c.String(flagConfig), err)
	}
	sfDB, err := snowflake.Open(sfName, snowflake.Connection(sfConn))
	if err != nil {
		return err
	}
	defer sfDB.Close()

	// The work directory is private and shared safely by the workers of this host; this
	// process extracts into its own subdirectory, which it removes when it stops.
	wd, err := workdir.Open(wc.Application.WorkDir, workdir.Options{Logger: logger})
	if err != nil {
		return fmt.Errorf("worker config %s: [application] work_dir: %w", c.String(flagConfig), err)
	}
	defer func() {
		if err := wd.Close(); err != nil {
			logger.Warn("work directory not removed", "err", err)
		}
	}()
	go wd.Run(c.Context)

	base, affinity := c.String(flagTaskQueueBase), c.String(flagAffinity)
	queue := workflows.SourceQueue(base, affinity)
	hostQueue := workflows.HostQueue(queue, hostID())
	acts, err := sourceside.New(sourceside.Options{
		Source: src, Stager: sourceside.SQLStager{DB: sfDB},
		WorkDir: wd.Path(), HostQueue: hostQueue,
	})
	if err != nil {
		return err
	}

	tc, err := dialTemporal(c, logger)
	if err != nil {
		return err
	}
	defer tc.Close()
	// The shared queue: work any worker of this network can do. Its concurrency is the
	// TOML's max_parallel_tasks.
	shared := worker.New(tc, queue, worker.Options{MaxConcurrentActivityExecutionSize: parallel})
	shared.RegisterActivityWithOptions(acts.Introspect, activity.RegisterOptions{Name: sourceapi.IntrospectName})
	shared.RegisterActivityWithOptions(acts.PlanPartitions, activity.RegisterOptions{Name: sourceapi.PlanPartitionsName})
	shared.RegisterActivityWithOptions(acts.CountRows, activity.RegisterOptions{Name: sourceapi.CountRowsName})
	shared.RegisterActivityWithOptions(acts.MaxWatermark, activity.RegisterOptions{Name: sourceapi.MaxWatermarkName})
	shared.RegisterActivityWithOptions(trackExtract(wd, acts.Extract), activity.RegisterOptions{Name: sourceapi.ExtractName})
	shared.RegisterActivityWithOptions(acts.Unload, activity.RegisterOptions{Name: sourceapi.UnloadName})
	shared.RegisterActivityWithOptions(acts.RemoveUnloaded, activity.RegisterOptions{Name: sourceapi.RemoveUnloadedName})
	register.LocateSource(shared, acts)     // register/locate.go
	register.ValidationSource(shared, acts) // register/validation.go
	register.ResyncSource(shared, acts)     // register/resync.go
	// This host's queue: uploads of the files this process extracted.
	own := worker.New(tc, hostQueue, worker.Options{MaxConcurrentActivityExecutionSize: parallel})
	own.RegisterActivityWithOptions(trackUpload(wd, acts.Upload), activity.RegisterOptions{Name: sourceapi.UploadName})

	logger.Info("source worker polling", "taskQueue", queue, "hostQueue", hostQueue, "platform", platform,
		"source", conn.String(), "maxParallelTasks", parallel, "workDir", wd.Path(), "memoryLimitMiB", memLimit>>20)
	return runUntilSignal(c.Context, logger, shared, own)
}

// setMemoryLimit gives the Go runtime a soft memory limit sized from the work this
// worker takes on, unless the user set GOMEMLIMIT: an extraction's memory is bounded
// by its row group, so 64 MiB plus 64 MiB per parallel task keeps the garbage
// collector from letting the heap drift far above what is live. Measured in make
// bench (2 tasks, lineitem, GODEBUG=gctrace=1 and /proc/PID/smaps_rollup): 93–131 MiB
// live after each collection; the process's resident set is the Go memory (which the
// limit bounds) plus about 65 MiB of the binary's mapped pages. With 96 MiB per task
// the peak RSS was 275–307 MiB (target ≤ 300). A soft limit: live memory above it
// costs GC CPU (capped by the runtime at half the CPU), never a failure.
// It returns the limit in force.
func setMemoryLimit(parallel int) int64 {
	if _, set := os.LookupEnv("GOMEMLIMIT"); set {
		return debug.SetMemoryLimit(-1)
	}
	limit := int64(64+64*parallel) << 20
	debug.SetMemoryLimit(limit)
	return limit
}

// trackExtract tells the work directory which files an extract is writing and wrote,
// so that its sweeps keep them until their upload.
func trackExtract(wd *workdir.Dir, extract func(context.Context, sourceapi.ExtractInput) (sourceapi.ExtractResult, error)) func(context.Context, sourceapi.ExtractInput) (sourceapi.ExtractResult, error) {
	return func(ctx context.Context, in sourceapi.ExtractInput) (sourceapi.ExtractResult, error) {
		done := wd.Extracting()
		res, err := extract(ctx, in)
		var files []string
		if err == nil {
			files = filePaths(res.Files)
		}
		done(files)
		return res, err
	}
}

// trackUpload keeps an upload's files from the sweeps while it reads them (and for a
// while after, in case it is retried).
func trackUpload(wd *workdir.Dir, upload func(context.Context, sourceapi.UploadInput) (sourceapi.UploadResult, error)) func(context.Context, sourceapi.UploadInput) (sourceapi.UploadResult, error) {
	return func(ctx context.Context, in sourceapi.UploadInput) (sourceapi.UploadResult, error) {
		defer wd.Uploading(filePaths(in.Files))()
		return upload(ctx, in)
	}
}

func filePaths(refs []migration.FileRef) []string {
	out := make([]string, len(refs))
	for i, f := range refs {
		out[i] = f.Path
	}
	return out
}
