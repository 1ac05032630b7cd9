package sourceside

import (
	"context"

	"github.com/snowmigrate/snowmigrate/activities"
	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/source"
)

// CountRowsName counts the source rows that pass the table's filter, at the end of a
// table, to notice writes made while it was migrated.
const CountRowsName = "SourceCountRows"

// CountRowsInput names the table and the introspected columns.
type CountRowsInput struct {
	Migration string              `json:"migration"`
	Platform  string              `json:"platform"`
	Table     config.TableConfig  `json:"table"` // for whereClauseCriteria
	Source    activities.TableRef `json:"source"`
	Columns   []activities.Column `json:"columns"`
}

// CountRowsResult is the count and what changed in the table's columns.
type CountRowsResult struct {
	Rows     int64    `json:"rows"`
	Warnings []string `json:"warnings,omitempty"` // columns added, changed or dropped since introspection
}

// CountRows implements CountRowsName.
func (a *Activities) CountRows(ctx context.Context, in CountRowsInput) (CountRowsResult, error) {
	if err := a.checkPlatform(in.Platform); err != nil {
		return CountRowsResult{}, err
	}
	stop := keepAlive(ctx, func() Progress { return Progress{} }) // count(*) of a big table takes long
	n, warnings, err := a.src.CountRows(ctx, source.CountRequest{Table: in.Table, Source: in.Source, Columns: in.Columns})
	stop()
	if err != nil {
		return CountRowsResult{}, boundary("count the source rows of "+config.TableKey(in.Table), err)
	}
	return CountRowsResult{Rows: n, Warnings: warnings}, nil
}
