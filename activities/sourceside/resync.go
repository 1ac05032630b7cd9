package sourceside

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"go.temporal.io/sdk/temporal"

	"github.com/snowmigrate/snowmigrate/activities/sourceapi"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
)

// ChecksumPartition implements sourceapi.ChecksumPartitionName: whether the
// partition's rows changed since the baseline run, told by the source over the rows
// Extract would read. A source that computes fingerprints (source.Fingerprinter), given
// a baseline fingerprint of its version, computes only the fingerprint; otherwise the
// partition's value checksum (source.Checksummer: in SQL, or streamed through this
// worker for PostgreSQL), with the fingerprint of the same snapshot when the source
// has one, so that the next run can use it. A source whose dialect has no Checksummer
// fails the table before anything moves, naming the platform: checksum re-sync cannot
// work there.
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
	req := source.ExtractRequest{Table: in.Table, TableShape: in.TableShape, Partition: in.Partition}
	// A checksum is one aggregate over the whole range: a scan that can outlast the
	// heartbeat timeout, so heartbeat from a ticker.
	stop := keepAlive(ctx, func() Progress { return Progress{} })
	defer stop()
	fper, _ := a.src.(source.Fingerprinter)
	version := ""
	if fper != nil {
		version = fper.FingerprintVersion()
	}
	if version != "" && strings.HasPrefix(in.BaselineFingerprint, version+":") {
		fp, rows, err := fper.FingerprintPartition(ctx, req)
		if err == nil {
			return sourceapi.ChecksumPartitionResult{Fingerprint: fp, Rows: rows}, nil
		}
		if !errors.Is(err, source.ErrNoFingerprint) {
			return sourceapi.ChecksumPartitionResult{}, boundary(what, err)
		}
		version = "" // e.g. the source was moved to a server without the function
	}
	if version != "" {
		sum, fp, rows, err := fper.ChecksumWithFingerprint(ctx, req)
		if err == nil {
			return sourceapi.ChecksumPartitionResult{Checksum: sum, Fingerprint: fp, Rows: rows}, nil
		}
		if !errors.Is(err, source.ErrNoFingerprint) {
			return sourceapi.ChecksumPartitionResult{}, boundary(what, err)
		}
	}
	sum, rows, err := cs.ChecksumPartition(ctx, req)
	if err != nil {
		return sourceapi.ChecksumPartitionResult{}, boundary(what, err)
	}
	return sourceapi.ChecksumPartitionResult{Checksum: sum, Rows: rows}, nil
}

// FingerprintPartitions implements sourceapi.FingerprintPartitionsName. A source
// without fingerprints of the requested version answers Supported false, and the
// workflow falls back to one ChecksumPartition per partition.
func (a *Activities) FingerprintPartitions(ctx context.Context, in sourceapi.FingerprintPartitionsInput) (sourceapi.FingerprintPartitionsResult, error) {
	if err := a.checkPlatform(in.Platform); err != nil {
		return sourceapi.FingerprintPartitionsResult{}, err
	}
	fper, ok := a.src.(source.Fingerprinter)
	if !ok || in.Version == "" || fper.FingerprintVersion() != in.Version {
		return sourceapi.FingerprintPartitionsResult{}, nil
	}
	stop := keepAlive(ctx, func() Progress { return Progress{} })
	defer stop()
	fps, err := fper.FingerprintPartitions(ctx, source.ExtractRequest{Table: in.Table, TableShape: in.TableShape}, in.Partitions)
	if errors.Is(err, source.ErrNoFingerprint) {
		return sourceapi.FingerprintPartitionsResult{}, nil
	}
	if err != nil {
		return sourceapi.FingerprintPartitionsResult{}, boundary(fmt.Sprintf("fingerprint %d partitions of %s on the source", len(in.Partitions), in.TableKey), err)
	}
	res := sourceapi.FingerprintPartitionsResult{Supported: true}
	for _, p := range in.Partitions {
		fp, ok := fps[p.Number]
		if !ok {
			return sourceapi.FingerprintPartitionsResult{}, fmt.Errorf("internal: no fingerprint for partition %d of %s", p.Number, in.TableKey)
		}
		res.Fingerprints = append(res.Fingerprints, sourceapi.PartitionFingerprint{Number: p.Number, Fingerprint: fp.Value, Rows: fp.Rows})
	}
	return res, nil
}
