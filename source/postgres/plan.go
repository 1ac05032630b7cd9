package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/snowmigrate/snowmigrate/activities"
	"github.com/snowmigrate/snowmigrate/source"
)

// maxPageKeys bounds the keys one planning page reads (rowsPerPartition ×
// maxPartitions); a page asking for more gets fewer partitions.
const maxPageKeys = 200_000_000

func boundBytes(key []string) int {
	n := 0
	for _, v := range key {
		n += len(v)
	}
	return n
}

// PlanPartitions plans one keyset page: partitions of RowsPerPartition keys each, in
// byte order, starting after req.After. The first page (After == nil) also plans the
// NULL-key partition when rows with a NULL key exist. The last partition of the
// table has no upper bound, so rows added at the end later are still covered.
func (s *Source) PlanPartitions(ctx context.Context, req source.PlanRequest) (source.PlanPage, error) {
	d := s.Dialect
	keys, err := source.KeyColumns(req.Columns, req.PartitionBy)
	if err != nil {
		return source.PlanPage{}, err
	}
	if req.After != nil && len(req.After) != len(keys) {
		return source.PlanPage{}, fmt.Errorf("%w: after has %d values for %d partition columns", source.ErrConfig, len(req.After), len(keys))
	}
	step := source.RowsPerPartition(req.Table.PartitionSize, req.EstimatedRows, req.EstimatedBytes)
	page := source.PlanPage{RowsPerPartition: step}
	maxParts := req.MaxPartitions
	if maxParts <= 0 {
		maxParts = 100
	}
	where := source.Where(req.Table)
	if err := source.CheckWhere(where); err != nil {
		return source.PlanPage{}, err
	}
	num := req.FirstNumber
	err = s.tx(ctx, func(conn *pgx.Conn) error {
		if req.After == nil {
			var nulls bool
			if err := conn.QueryRow(ctx, d.NullKeysSQL(req.Source, keys, where)).Scan(&nulls); err != nil {
				return whereError(fmt.Errorf("look for NULL partition keys: %w", err), where)
			}
			if nulls {
				page.Partitions = append(page.Partitions, activities.Partition{Number: num, NullKeys: true})
				num++
				// Keep the page within MaxPartitions, but always plan at least one range.
				if maxParts > 1 {
					maxParts--
				}
			}
		}
		if int64(maxParts)*step > maxPageKeys {
			maxParts = int(max(1, maxPageKeys/step))
		}
		limit := int64(maxParts)*step + 1
		rows, err := conn.Query(ctx, d.BoundsSQL(req.Source, keys, where, req.After, step, limit))
		if err != nil {
			return whereError(fmt.Errorf("plan partitions: %w", err), where)
		}
		type bound struct {
			rn, cnt int64
			key     []string
		}
		var bounds []bound
		for rows.Next() {
			vals := make([]any, 2+len(keys))
			var b bound
			b.key = make([]string, len(keys))
			vals[0], vals[1] = &b.rn, &b.cnt
			for i := range keys {
				vals[2+i] = &b.key[i]
			}
			if err := rows.Scan(vals...); err != nil {
				rows.Close()
				return fmt.Errorf("plan partitions: %w", err)
			}
			bounds = append(bounds, b)
		}
		if err := rows.Err(); err != nil {
			return whereError(fmt.Errorf("plan partitions: %w", err), where)
		}
		lower := req.After
		if len(bounds) == 0 {
			// No key after `after`: the previous page ended exactly at a full window
			// (or rows vanished). One open partition keeps later inserts covered.
			if req.After != nil {
				page.Partitions = append(page.Partitions, activities.Partition{Number: num, Lower: lower})
			}
			page.Done = true
			return nil
		}
		ranges := 0
		cnt := bounds[0].cnt
		full := cnt == limit
		for _, b := range bounds {
			if b.rn == cnt && !full {
				break // the last key of the table: the final partition is open-ended
			}
			if b.rn%step != 0 {
				continue
			}
			if lower != nil && equalKeys(lower, b.key) {
				continue // one key value spans more than a partition: merge
			}
			if boundBytes(b.key) > source.MaxBoundBytes {
				continue // too long to carry around: the partition grows to the next key
			}
			page.Partitions = append(page.Partitions, activities.Partition{Number: num, Lower: lower, Upper: b.key})
			num++
			ranges++
			lower = b.key
			if full && len(page.Partitions) > 0 && b.rn == int64(maxParts)*step {
				break
			}
		}
		if !full || ranges == 0 {
			// The end of the table, or a full page without a single key short enough
			// to be a bound: the rest of the table is one open partition (correct,
			// only larger than asked).
			page.Partitions = append(page.Partitions, activities.Partition{Number: num, Lower: lower})
			page.Done = true
		}
		return nil
	})
	if err != nil {
		return source.PlanPage{}, err
	}
	return page, nil
}

func equalKeys(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
