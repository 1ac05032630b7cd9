package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/snowmigrate/snowmigrate/source"
)

// PlanPartitions plans one keyset page (source.PlanKeyset does the arithmetic) with
// the dialect's NULL-key and bounds queries, in byte order, inside one read-only
// transaction.
func (s *Source) PlanPartitions(ctx context.Context, req source.PlanRequest) (source.PlanPage, error) {
	d := s.Dialect
	keys, err := source.KeyColumns(req.Columns, req.PartitionBy)
	if err != nil {
		return source.PlanPage{}, err
	}
	where := source.Where(req.Table)
	if err := source.CheckWhere(where); err != nil {
		return source.PlanPage{}, err
	}
	sqlWhere, err := s.windowWhere(where, req.Columns, req.Window) // the filter and a watermark window
	if err != nil {
		return source.PlanPage{}, err
	}
	var page source.PlanPage
	err = s.tx(ctx, func(conn *pgx.Conn) error {
		var err error
		page, err = source.PlanKeyset(ctx, req, len(keys), source.KeysetQueries{
			NullKeys: func(ctx context.Context) (bool, error) {
				var nulls bool
				if err := conn.QueryRow(ctx, d.NullKeysSQL(req.Source, keys, sqlWhere)).Scan(&nulls); err != nil {
					return false, whereError(fmt.Errorf("look for NULL partition keys: %w", err), where)
				}
				return nulls, nil
			},
			Bounds: func(ctx context.Context, after []string, step, limit int64) ([]source.Bound, error) {
				rows, err := conn.Query(ctx, d.BoundsSQL(req.Source, keys, sqlWhere, after, step, limit))
				if err != nil {
					return nil, whereError(fmt.Errorf("plan partitions: %w", err), where)
				}
				defer rows.Close()
				var bounds []source.Bound
				for rows.Next() {
					vals := make([]any, 2+len(keys))
					b := source.Bound{Key: make([]string, len(keys))}
					vals[0], vals[1] = &b.RN, &b.Count
					for i := range keys {
						vals[2+i] = &b.Key[i]
					}
					if err := rows.Scan(vals...); err != nil {
						return nil, fmt.Errorf("plan partitions: %w", err)
					}
					bounds = append(bounds, b)
				}
				if err := rows.Err(); err != nil {
					return nil, whereError(fmt.Errorf("plan partitions: %w", err), where)
				}
				return bounds, nil
			},
		})
		return err
	})
	if err != nil {
		return source.PlanPage{}, err
	}
	return page, nil
}
