package sourceside

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/snowmigrate/snowmigrate/activities/sourceapi"
	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/source"
)

// ProfileColumns implements sourceapi.ProfileColumnsName (validation level 2). A
// source without source.Profiler gets Unsupported, which the validation records as
// the level's ERROR result instead of retrying.
func (a *Activities) ProfileColumns(ctx context.Context, in sourceapi.ProfileColumnsInput) (sourceapi.ProfileColumnsResult, error) {
	if err := a.checkPlatform(in.Platform); err != nil {
		return sourceapi.ProfileColumnsResult{}, err
	}
	p, ok := a.src.(source.Profiler)
	if !ok {
		return sourceapi.ProfileColumnsResult{Unsupported: "column metrics (validation level 2) are not supported for " + a.src.Platform() + " yet"}, nil
	}
	stop := keepAlive(ctx, func() Progress { return Progress{} }) // one scan of the whole table
	ms, err := p.ProfileColumns(ctx, source.ProfileRequest{Table: in.Table, TableShape: in.TableShape})
	stop()
	if err != nil {
		return sourceapi.ProfileColumnsResult{}, boundary("column metrics of "+config.TableKey(in.Table), err)
	}
	out := make([]sourceapi.ColumnMetrics, len(ms))
	for i, m := range ms {
		out[i] = sourceapi.ColumnMetrics(m)
	}
	return sourceapi.ProfileColumnsResult{Metrics: out}, nil
}

// ChecksumPartitions implements sourceapi.ChecksumPartitionsName (validation level
// 3): the partition checksum of docs/checksums.md in SQL on the source (also for
// PostgreSQL, whose re-sync checksum streams: source.SQLChecksummer), one partition
// after the other (the page is the unit of parallelism: the workflow runs several
// pages at once), with the statement that shows each partition's rows.
func (a *Activities) ChecksumPartitions(ctx context.Context, in sourceapi.ChecksumPartitionsInput) (sourceapi.ChecksumPartitionsResult, error) {
	if err := a.checkPlatform(in.Platform); err != nil {
		return sourceapi.ChecksumPartitionsResult{}, err
	}
	cs, ok := a.src.(source.Checksummer)
	if !ok {
		return sourceapi.ChecksumPartitionsResult{Unsupported: "row checksums (validation level 3) are not supported for " + a.src.Platform() + " yet"}, nil
	}
	checksum := cs.ChecksumPartition
	if sc, ok := a.src.(source.SQLChecksummer); ok {
		checksum = sc.ChecksumPartitionSQL // independent of the extractor (source.SQLChecksummer)
	}
	prof, _ := a.src.(source.Profiler)
	var done atomic.Int64
	stop := keepAlive(ctx, func() Progress { return Progress{Rows: done.Load()} })
	defer stop()
	var res sourceapi.ChecksumPartitionsResult
	for _, p := range in.Partitions {
		req := source.ExtractRequest{Table: in.Table, TableShape: in.TableShape, Partition: p}
		sum, rows, err := checksum(ctx, req)
		if err != nil {
			if u := unsupported(err); u != "" {
				return sourceapi.ChecksumPartitionsResult{Unsupported: u}, nil
			}
			return sourceapi.ChecksumPartitionsResult{}, boundary(fmt.Sprintf("checksum partition %d of %s", p.Number, config.TableKey(in.Table)), err)
		}
		pc := sourceapi.PartitionChecksum{Number: p.Number, Checksum: sum, Rows: rows}
		if prof != nil {
			if q, err := prof.PartitionSQL(req); err == nil {
				pc.SQL = q
			}
		}
		res.Checksums = append(res.Checksums, pc)
		done.Add(rows)
	}
	return res, nil
}

// unsupported recognises a dialect's "not implemented for <platform>" refusal (an
// ErrConfig from a Checksummer that exists for one platform of a shared runtime, as
// the PostgreSQL runtime serving Redshift): that is a result, not a failure.
func unsupported(err error) string {
	if err == nil {
		return ""
	}
	msg := err.Error()
	for _, s := range []string{"not implemented for", "not supported for"} {
		if errors.Is(err, source.ErrConfig) && strings.Contains(msg, s) {
			return "row checksums (validation level 3): " + msg
		}
	}
	return ""
}

// RowSQL implements sourceapi.RowSQLName: statements only, no query runs.
func (a *Activities) RowSQL(_ context.Context, in sourceapi.RowSQLInput) (sourceapi.RowSQLResult, error) {
	if err := a.checkPlatform(in.Platform); err != nil {
		return sourceapi.RowSQLResult{}, err
	}
	res := sourceapi.RowSQLResult{SQL: make([]string, len(in.Keys))}
	prof, ok := a.src.(source.Profiler)
	if !ok {
		return res, nil
	}
	req := source.ExtractRequest{Table: in.Table, TableShape: in.TableShape}
	for i, k := range in.Keys {
		if q, err := prof.RowSQL(req, in.KeyColumns, k); err == nil {
			res.SQL[i] = q
		}
	}
	return res, nil
}
