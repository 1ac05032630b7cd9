package sourceside

import (
	"context"
	"fmt"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/snowmigrate/snowmigrate/activities/sourceapi"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
)

// checksumUnloader is a source.Unloader that also computes the partition's value
// checksum (docs/checksums.md) over exactly the rows it unloads, in the UNLOAD's own
// transaction (source/redshift). A source without it unloads with a count-only proof.
type checksumUnloader interface {
	UnloadChecksum(ctx context.Context, req source.UnloadRequest) (source.UnloadStats, string, error)
}

// Unload implements sourceapi.UnloadName: the source writes the partition to S3 itself
// (source.Unloader; Redshift's UNLOAD with CLEANPATH, so a retry replaces what an
// earlier attempt wrote) and the manifest names the files; with the partition's value
// checksum when the source computes one (checksumUnloader), which the workflow's verify
// step compares with Snowflake's. Nothing is written to the work directory. The
// activity heartbeats while the server works.
func (a *Activities) Unload(ctx context.Context, in sourceapi.UnloadInput) (sourceapi.UnloadResult, error) {
	if err := a.checkPlatform(in.Platform); err != nil {
		return sourceapi.UnloadResult{}, err
	}
	u, ok := a.src.(source.Unloader)
	if !ok {
		return sourceapi.UnloadResult{}, temporal.NewNonRetryableApplicationError(fmt.Sprintf(
			"extraction strategy \"unload\": this worker's %s source cannot UNLOAD; use \"regular\"", a.src.Platform()), migration.ErrTypeConfig, nil)
	}
	req := source.UnloadRequest{
		ExtractRequest: source.ExtractRequest{Table: in.Table, TableShape: in.TableShape, Partition: in.Partition},
		URL:            in.URL,
	}
	var (
		st  source.UnloadStats
		sum string
		err error
	)
	stop := keepAlive(ctx, func() Progress { return Progress{} })
	if cu, ok := u.(checksumUnloader); ok {
		st, sum, err = cu.UnloadChecksum(ctx, req)
	} else {
		st, err = u.Unload(ctx, req)
	}
	stop()
	if err != nil {
		return sourceapi.UnloadResult{}, boundary(fmt.Sprintf("unload partition %d of %s", in.Partition.Number, in.TableKey), err)
	}
	if len(st.Warnings) > 0 && activity.IsActivity(ctx) {
		activity.GetLogger(ctx).Warn("source table changed since introspection", "table", in.TableKey, "warnings", st.Warnings)
	}
	res := sourceapi.UnloadResult{Rows: st.Rows, Bytes: st.Bytes, Fields: st.Fields, Warnings: st.Warnings, Checksum: sum}
	for _, f := range st.Files {
		res.Files = append(res.Files, f.Name)
	}
	return res, nil
}

// RemoveUnloaded implements sourceapi.RemoveUnloadedName with the worker's own S3 client.
func (a *Activities) RemoveUnloaded(ctx context.Context, in sourceapi.RemoveUnloadedInput) (sourceapi.RemoveUnloadedResult, error) {
	if err := a.checkPlatform(in.Platform); err != nil {
		return sourceapi.RemoveUnloadedResult{}, err
	}
	u, ok := a.src.(source.Unloader)
	if !ok {
		return sourceapi.RemoveUnloadedResult{}, temporal.NewNonRetryableApplicationError(fmt.Sprintf(
			"this worker's %s source cannot UNLOAD", a.src.Platform()), migration.ErrTypeConfig, nil)
	}
	n, err := u.RemoveUnloaded(ctx, in.URL)
	if err != nil {
		return sourceapi.RemoveUnloadedResult{}, boundary("remove "+in.URL, err)
	}
	return sourceapi.RemoveUnloadedResult{Removed: n}, nil
}
