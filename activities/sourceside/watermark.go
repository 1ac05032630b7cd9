package sourceside

import (
	"context"
	"fmt"

	"github.com/snowmigrate/snowmigrate/activities/sourceapi"
	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/source"
)

// MaxWatermark implements sourceapi.MaxWatermarkName: the high mark of a watermark
// re-sync, read when the run plans the table. A source whose dialect has no
// watermark support fails the table here, before anything moves.
func (a *Activities) MaxWatermark(ctx context.Context, in sourceapi.MaxWatermarkInput) (sourceapi.MaxWatermarkResult, error) {
	if err := a.checkPlatform(in.Platform); err != nil {
		return sourceapi.MaxWatermarkResult{}, err
	}
	what := "read the largest watermark of " + config.TableKey(in.Table)
	wm, ok := a.src.(source.Watermarker)
	if !ok {
		return sourceapi.MaxWatermarkResult{}, boundary(what, fmt.Errorf("%w: synchronization strategy watermark is not supported for source platform %s yet", source.ErrConfig, a.src.Platform()))
	}
	sync := in.Table.Synchronization
	if sync == nil || sync.WatermarkColumn == "" {
		return sourceapi.MaxWatermarkResult{}, boundary(what, fmt.Errorf("%w: synchronization.watermarkColumn is missing", source.ErrConfig))
	}
	req := source.WatermarkRequest{Table: in.Table, TableShape: in.TableShape, Column: sync.WatermarkColumn}
	if sync.TrackModifications != nil && *sync.TrackModifications {
		req.PrimaryKeys = in.Table.PrimaryKeyColumns
	}
	stop := keepAlive(ctx, func() Progress { return Progress{} }) // an unindexed column means a scan
	res, err := wm.MaxWatermark(ctx, req)
	stop()
	if err != nil {
		return sourceapi.MaxWatermarkResult{}, boundary(what, err)
	}
	return sourceapi.MaxWatermarkResult{Column: res.Column, PrimaryKeys: res.PrimaryKeys, High: res.High}, nil
}
