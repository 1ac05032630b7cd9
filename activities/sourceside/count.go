package sourceside

import (
	"context"

	"github.com/snowmigrate/snowmigrate/activities/sourceapi"
	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/source"
)

// CountRows implements sourceapi.CountRowsName.
func (a *Activities) CountRows(ctx context.Context, in sourceapi.CountRowsInput) (sourceapi.CountRowsResult, error) {
	if err := a.checkPlatform(in.Platform); err != nil {
		return sourceapi.CountRowsResult{}, err
	}
	stop := keepAlive(ctx, func() Progress { return Progress{} }) // count(*) of a big table takes long
	n, warnings, err := a.src.CountRows(ctx, source.CountRequest{Table: in.Table, TableShape: in.TableShape})
	stop()
	if err != nil {
		return sourceapi.CountRowsResult{}, boundary("count the source rows of "+config.TableKey(in.Table), err)
	}
	return sourceapi.CountRowsResult{Rows: n, Warnings: warnings}, nil
}
