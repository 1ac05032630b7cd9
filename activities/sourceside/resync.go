package sourceside

import (
	"context"
	"fmt"

	"go.temporal.io/sdk/temporal"

	"github.com/snowmigrate/snowmigrate/activities/sourceapi"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
)

// ChecksumPartition implements sourceapi.ChecksumPartitionName: the partition's value
// checksum computed by the source (source.Checksummer: in SQL, or streamed through
// this worker for PostgreSQL), over the rows Extract would read. A source whose dialect has no Checksummer fails the table before
// anything moves, naming the platform: checksum re-sync cannot work there.
func (a *Activities) ChecksumPartition(ctx context.Context, in sourceapi.ChecksumPartitionInput) (sourceapi.ChecksumPartitionResult, error) {
	if err := a.checkPlatform(in.Platform); err != nil {
		return sourceapi.ChecksumPartitionResult{}, err
	}
	what := fmt.Sprintf("checksum partition %d of %s on the source", in.Partition.Number, in.TableKey)
	cs, ok := a.src.(source.Checksummer)
	if !ok {
		return sourceapi.ChecksumPartitionResult{}, temporal.NewNonRetryableApplicationError(fmt.Sprintf(
			"%s: synchronization strategy checksum needs partition checksums computed on the source, which source platform %s does not support yet; use \"watermark\" or \"none\" for this table",
			what, a.src.Platform()), migration.ErrTypeConfig, nil)
	}
	// A checksum is one aggregate over the whole range: a scan that can outlast the
	// heartbeat timeout, so heartbeat from a ticker.
	stop := keepAlive(ctx, func() Progress { return Progress{} })
	sum, rows, err := cs.ChecksumPartition(ctx, source.ExtractRequest{Table: in.Table, TableShape: in.TableShape, Partition: in.Partition})
	stop()
	if err != nil {
		return sourceapi.ChecksumPartitionResult{}, boundary(what, err)
	}
	return sourceapi.ChecksumPartitionResult{Checksum: sum, Rows: rows}, nil
}
