package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/snowmigrate/snowmigrate/source"
)

// CountRows counts the rows passing the table's filter and compares the columns with
// introspection, in one snapshot. A changed or dropped column is reported as a
// warning here: the partitions that met it already failed the table.
func (s *Source) CountRows(ctx context.Context, req source.CountRequest) (int64, []string, error) {
	where := source.Where(req.Table)
	if err := source.CheckWhere(where); err != nil {
		return 0, nil, err
	}
	var n int64
	var warnings []string
	err := s.tx(ctx, func(conn *pgx.Conn) error {
		w, err := s.checkColumns(ctx, conn, req.Source, req.Columns)
		warnings = w
		if err != nil {
			warnings = append(warnings, err.Error())
		}
		if err := conn.QueryRow(ctx, s.Dialect.CountSQL(req.Source, where)).Scan(&n); err != nil {
			return whereError(fmt.Errorf("count rows of %s.%s: %w", req.Source.Schema, req.Source.Table, err), where)
		}
		return nil
	})
	return n, warnings, err
}
