package sqlserver

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/snowmigrate/snowmigrate/source"
)

// PlanPartitions plans one keyset page (source.PlanKeyset does the arithmetic) with
// the T-SQL NULL-key and bounds queries, inside one transaction.
func (s *Source) PlanPartitions(ctx context.Context, req source.PlanRequest) (source.PlanPage, error) {
	keys, err := keyColumns(req.Columns, req.PartitionBy)
	if err != nil {
		return source.PlanPage{}, err
	}
	where, err := checkWhere(req.Table)
	if err != nil {
		return source.PlanPage{}, err
	}
	// a watermark re-sync plans only the window's rows: its predicate joins the filter
	// in the statements (its parameters follow the bounds'); errors keep quoting the
	// filter alone
	window := func(first int) (string, []any, error) {
		wp, args, err := windowPredicate(req.Columns, req.Window, first)
		if err != nil {
			return "", nil, fmt.Errorf("%w: %v", source.ErrConfig, err)
		}
		if wp == "" {
			return where, nil, nil
		}
		return andWhere(wp, where), args, nil
	}
	var page source.PlanPage
	err = s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		page, err = source.PlanKeyset(ctx, req, len(keys), source.KeysetQueries{
			NullKeys: func(ctx context.Context) (bool, error) {
				w, wargs, err := window(1)
				if err != nil {
					return false, err
				}
				var one int
				err = tx.QueryRowContext(ctx, nullKeysSQL(req.Source, keys, w), wargs...).Scan(&one)
				if errors.Is(err, sql.ErrNoRows) {
					return false, nil
				}
				if err != nil {
					return false, whereError(fmt.Errorf("look for NULL partition keys: %w", mapError(err)), where)
				}
				return true, nil
			},
			Bounds: func(ctx context.Context, after []string, step, limit int64) ([]source.Bound, error) {
				first := 1
				if after != nil {
					first += len(keys) // the bounds' parameters come first
				}
				w, wargs, err := window(first)
				if err != nil {
					return nil, err
				}
				q, args, err := boundsSQL(req.Source, keys, w, after, step, limit)
				if err != nil {
					return nil, fmt.Errorf("%w: %v", source.ErrConfig, err)
				}
				args = append(args, wargs...)
				rows, err := tx.QueryContext(ctx, q, args...)
				if err != nil {
					return nil, whereError(fmt.Errorf("plan partitions: %w", mapError(err)), where)
				}
				defer rows.Close()
				var bounds []source.Bound
				vals := make([]any, 2+len(keys))
				raw := make([]any, len(keys))
				for rows.Next() {
					b := source.Bound{Key: make([]string, len(keys))}
					vals[0], vals[1] = &b.RN, &b.Count
					for i := range keys {
						vals[2+i] = &raw[i]
					}
					if err := rows.Scan(vals...); err != nil {
						return nil, fmt.Errorf("plan partitions: %w", err)
					}
					for i, k := range keys {
						if b.Key[i], err = k.boundText(raw[i]); err != nil {
							return nil, err
						}
					}
					bounds = append(bounds, b)
				}
				if err := rows.Err(); err != nil {
					return nil, whereError(fmt.Errorf("plan partitions: %w", mapError(err)), where)
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

// CountRows counts the rows passing the table's filter and compares the columns with
// introspection (a change is only a warning here: the partitions that met it already
// failed the table).
func (s *Source) CountRows(ctx context.Context, req source.CountRequest) (int64, []string, error) {
	where, err := checkWhere(req.Table)
	if err != nil {
		return 0, nil, err
	}
	var n int64
	var warnings []string
	err = s.tx(ctx, func(tx *sql.Tx) error {
		w, err := checkColumns(ctx, tx, req.Source, req.Columns)
		warnings = w
		if err != nil {
			warnings = append(warnings, err.Error())
		}
		if err := tx.QueryRowContext(ctx, countSQL(req.Source, where)).Scan(&n); err != nil {
			return whereError(fmt.Errorf("count the rows of %s.%s: %w", req.Source.Schema, req.Source.Table, mapError(err)), where)
		}
		return nil
	})
	return n, warnings, err
}
