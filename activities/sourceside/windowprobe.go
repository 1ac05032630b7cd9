package sourceside

import (
	"context"
	"fmt"

	"github.com/snowmigrate/snowmigrate/activities/sourceapi"
	"github.com/snowmigrate/snowmigrate/source"
)

// ProbeWindow implements sourceapi.ProbeWindowName: per partition of the page, the
// rows of the watermark window it holds, counted by the source in one query
// (source.WindowProber). A source without a probe answers Supported false rather
// than an error: the workflow extracts every partition then, as it did before the
// probe existed.
func (a *Activities) ProbeWindow(ctx context.Context, in sourceapi.ProbeWindowInput) (sourceapi.ProbeWindowResult, error) {
	if err := a.checkPlatform(in.Platform); err != nil {
		return sourceapi.ProbeWindowResult{}, err
	}
	wp, ok := a.src.(source.WindowProber)
	if !ok {
		return sourceapi.ProbeWindowResult{}, nil
	}
	what := fmt.Sprintf("probe the watermark window of %d partitions of %s", len(in.Partitions), in.TableKey)
	// Without an index on the watermark column the probe scans the table: heartbeat.
	stop := keepAlive(ctx, func() Progress { return Progress{} })
	counts, err := wp.ProbeWindow(ctx, source.WindowProbeRequest{Table: in.Table, TableShape: in.TableShape, Partitions: in.Partitions, Window: in.Window})
	stop()
	if err != nil {
		return sourceapi.ProbeWindowResult{}, boundary(what, err)
	}
	res := sourceapi.ProbeWindowResult{Supported: true, Counts: make([]sourceapi.PartitionCount, 0, len(in.Partitions))}
	for _, p := range in.Partitions {
		n, ok := counts[p.Number]
		if !ok {
			return sourceapi.ProbeWindowResult{}, fmt.Errorf("%s: internal: the source returned no count for partition %d", what, p.Number)
		}
		res.Counts = append(res.Counts, sourceapi.PartitionCount{Number: p.Number, Rows: n})
	}
	return res, nil
}
