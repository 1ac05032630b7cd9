package sourceside

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/snowmigrate/snowmigrate/activities/sourceapi"
	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/internal/every"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
)

// Options configure Activities. Every field is required.
type Options struct {
	Source    source.Source // the worker's one source connection (any registered dialect)
	Stager    Stager        // PUT/REMOVE on the Snowflake stage
	WorkDir   string        // where extract writes <migration>/<table>/<partition>/part-*.parquet
	HostQueue string        // this worker's own task queue (workflows.HostQueue)
}

// Activities are the source-side activities; register each method under its Name
// constant.
type Activities struct {
	src       source.Source
	stager    Stager
	workDir   string
	hostQueue string
}

// New checks the options and builds the activities.
func New(o Options) (*Activities, error) {
	if o.Source == nil || o.Stager == nil || o.WorkDir == "" || o.HostQueue == "" {
		return nil, errors.New("sourceside.New: Source, Stager, WorkDir and HostQueue are required")
	}
	wd, err := filepath.Abs(o.WorkDir)
	if err != nil {
		return nil, fmt.Errorf("work directory %q: %w", o.WorkDir, err)
	}
	if err := os.MkdirAll(wd, 0o700); err != nil {
		return nil, fmt.Errorf("work directory %q: %w", wd, err)
	}
	return &Activities{src: o.Source, stager: o.Stager, workDir: wd, hostQueue: o.HostQueue}, nil
}

// checkPlatform refuses work meant for another kind of source: a worker connected
// to PostgreSQL must not run a Redshift workflow's queries.
func (a *Activities) checkPlatform(p string) error {
	if mine := a.src.Platform(); p != "" && p != mine {
		return temporal.NewNonRetryableApplicationError(fmt.Sprintf(
			"this source worker is connected to %s but the workflow's --source-platform is %s; start a %s source worker with the workflow's affinity",
			mine, p, p), migration.ErrTypeWrongPlatform, nil)
	}
	return nil
}

// boundary maps permanent failures (the source package's sentinel errors, which every
// dialect maps its driver's errors onto) to non-retryable application errors.
func boundary(what string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	msg := what + ": " + err.Error()
	switch {
	case errors.Is(err, source.ErrMissing):
		return temporal.NewNonRetryableApplicationError(msg, migration.ErrTypeSourceMissing, err)
	case errors.Is(err, source.ErrConfig), errors.Is(err, source.ErrData):
		return temporal.NewNonRetryableApplicationError(msg, migration.ErrTypeConfig, err)
	case errors.Is(err, source.ErrCredentials):
		return temporal.NewNonRetryableApplicationError(msg, migration.ErrTypeCredentials, err)
	case errors.Is(err, source.ErrPermission):
		return temporal.NewNonRetryableApplicationError(msg, migration.ErrTypeSourcePermission, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// Introspect implements sourceapi.IntrospectName.
func (a *Activities) Introspect(ctx context.Context, in sourceapi.IntrospectInput) (sourceapi.IntrospectResult, error) {
	if err := a.checkPlatform(in.Platform); err != nil {
		return sourceapi.IntrospectResult{}, err
	}
	// Catalog queries (and the scan for unconstrained numerics' scale) can take long;
	// the keep-alive lets the workflow notice a dead worker within its heartbeat timeout.
	stop := keepAlive(ctx, func() Progress { return Progress{} })
	info, err := a.src.Introspect(ctx, in.Table)
	stop()
	if err != nil {
		return sourceapi.IntrospectResult{}, boundary("introspect "+config.TableKey(in.Table), err)
	}
	return sourceapi.IntrospectResult{TableShape: info.TableShape, Warnings: info.Warnings}, nil
}

// PlanPartitions implements sourceapi.PlanPartitionsName.
func (a *Activities) PlanPartitions(ctx context.Context, in sourceapi.PlanPartitionsInput) (sourceapi.PlanPartitionsResult, error) {
	if err := a.checkPlatform(in.Platform); err != nil {
		return sourceapi.PlanPartitionsResult{}, err
	}
	stop := keepAlive(ctx, func() Progress { return Progress{} }) // boundary analysis of a big table takes long
	page, err := a.src.PlanPartitions(ctx, source.PlanRequest{Table: in.Table, TableShape: in.TableShape,
		After: in.After, FirstNumber: in.FirstNumber, MaxPartitions: in.MaxPartitions, Windowed: source.Windowed{Window: in.Window}})
	stop()
	if err != nil {
		return sourceapi.PlanPartitionsResult{}, boundary("plan partitions of "+config.TableKey(in.Table), err)
	}
	return sourceapi.PlanPartitionsResult{Partitions: page.Partitions, Done: page.Done, RowsPerPartition: page.RowsPerPartition}, nil
}

// Progress is the heartbeat detail of Extract and Upload.
type Progress struct {
	Rows  int64 `json:"rows"`
	Bytes int64 `json:"bytes"`
	Files int   `json:"files,omitempty"`
}

func heartbeat(ctx context.Context, p Progress) {
	if activity.IsActivity(ctx) {
		activity.RecordHeartbeat(ctx, p)
	}
}

// heartbeatEvery is the keep-alive period; activities' heartbeat timeouts must be
// several times longer.
const heartbeatEvery = 5 * time.Second

// keepAlive heartbeats progress() every few seconds until stop is called.
func keepAlive(ctx context.Context, progress func() Progress) (stop func()) {
	if !activity.IsActivity(ctx) {
		return func() {}
	}
	return every.Start(ctx, heartbeatEvery, func() { activity.RecordHeartbeat(ctx, progress()) })
}

// partitionDir is WorkDir/<migration>/<table>/<partition>, with the same path-safe
// names as the stage path.
func (a *Activities) partitionDir(migrationName, tableKey string, partition int) string {
	return filepath.Join(a.workDir, filepath.FromSlash(migration.PartitionPath(migrationName, tableKey, partition)))
}

// Extract implements sourceapi.ExtractName: it clears the partition's directory (a re-extract
// replaces a previous attempt) and writes the partition's Parquet files there.
func (a *Activities) Extract(ctx context.Context, in sourceapi.ExtractInput) (sourceapi.ExtractResult, error) {
	if err := a.checkPlatform(in.Platform); err != nil {
		return sourceapi.ExtractResult{}, err
	}
	dir := a.partitionDir(in.Migration, in.TableKey, in.Partition.Number)
	if err := os.RemoveAll(dir); err != nil {
		return sourceapi.ExtractResult{}, fmt.Errorf("clear %s: %w", dir, err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return sourceapi.ExtractResult{}, fmt.Errorf("create %s: %w", dir, err)
	}
	heartbeat(ctx, Progress{})
	st, err := a.src.Extract(ctx, source.ExtractRequest{Table: in.Table, TableShape: in.TableShape, Partition: in.Partition, Windowed: source.Windowed{Window: in.Window}, Fingerprint: in.Fingerprint}, dir, func(rows, bytes int64) {
		heartbeat(ctx, Progress{Rows: rows, Bytes: bytes})
	})
	if err != nil {
		_ = os.RemoveAll(dir)
		return sourceapi.ExtractResult{}, boundary(fmt.Sprintf("extract partition %d of %s", in.Partition.Number, in.TableKey), err)
	}
	if len(st.Warnings) > 0 && activity.IsActivity(ctx) {
		activity.GetLogger(ctx).Warn("source table changed since introspection", "table", in.TableKey, "warnings", st.Warnings)
	}
	return sourceapi.ExtractResult{Files: st.Files, Rows: st.Rows, Bytes: st.Bytes, HostQueue: a.hostQueue, Warnings: st.Warnings, Checksum: st.Checksum, Fingerprint: st.Fingerprint}, nil
}

// Upload implements sourceapi.UploadName: REMOVE the stage path (clearing a previous
// attempt), PUT every file, then delete the local files.
func (a *Activities) Upload(ctx context.Context, in sourceapi.UploadInput) (sourceapi.UploadResult, error) {
	what := fmt.Sprintf("upload partition %d of %s", in.Partition, in.TableKey)
	for _, f := range in.Files {
		if !strings.HasPrefix(f.Path, a.workDir+string(filepath.Separator)) {
			return sourceapi.UploadResult{}, temporal.NewNonRetryableApplicationError(fmt.Sprintf("%s: file %s is outside this worker's work directory %s", what, f.Path, a.workDir), migration.ErrTypeConfig, nil)
		}
		if _, err := os.Stat(f.Path); err != nil {
			// The file is gone (the worker restarted with a clean disk, or a previous
			// upload finished and deleted it): extract must run again.
			return sourceapi.UploadResult{}, fmt.Errorf("%s: %w", what, err)
		}
	}
	// One PUT of a large file can outlast the heartbeat timeout: heartbeat from a
	// ticker (it is also how a cancellation reaches this activity).
	var done atomic.Int64
	var files atomic.Int32
	stop := keepAlive(ctx, func() Progress { return Progress{Bytes: done.Load(), Files: int(files.Load())} })
	defer stop()
	if err := a.stager.Remove(ctx, in.StagePrefix); err != nil {
		return sourceapi.UploadResult{}, fmt.Errorf("%s: clear %s: %w", what, in.StagePrefix, err)
	}
	var res sourceapi.UploadResult
	for _, f := range in.Files {
		if err := a.stager.Put(ctx, f.Path, in.StagePrefix); err != nil {
			return sourceapi.UploadResult{}, fmt.Errorf("%s: PUT %s: %w", what, f.Name, err)
		}
		res.Files = append(res.Files, f.Name)
		res.Bytes += f.Bytes
		done.Store(res.Bytes)
		files.Add(1)
	}
	for _, f := range in.Files {
		_ = os.Remove(f.Path)
	}
	if len(in.Files) > 0 {
		_ = os.Remove(filepath.Dir(in.Files[0].Path))
	}
	return res, nil
}
