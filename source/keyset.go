package source

import (
	"context"
	"fmt"

	"github.com/snowmigrate/snowmigrate/migration"
)

// maxPageKeys bounds the keys one planning page reads (rowsPerPartition ×
// maxPartitions); a page asking for more gets fewer partitions.
const maxPageKeys = 200_000_000

// Bound is one row of a dialect's keyset page query: its row number in key order
// (from 1), the number of rows the query numbered (at most the limit), and the key as
// canonical text.
type Bound struct {
	RN, Count int64
	Key       []string
}

// KeysetQueries are the two queries a dialect runs for the planner, inside whatever
// snapshot or transaction it keeps for the page.
type KeysetQueries struct {
	// NullKeys says whether a row passing the filter has a NULL in a partition column.
	NullKeys func(ctx context.Context) (bool, error)
	// Bounds returns, in key order, the rows of the keys strictly after `after` (nil:
	// from the start), at most limit of them, whose number is a multiple of step, and
	// the last one (see Dialect.BoundsSQL).
	Bounds func(ctx context.Context, after []string, step, limit int64) ([]Bound, error)
}

// PlanKeyset is the partition planner every dialect shares: the page arithmetic
// (partitions of RowsPerPartition keys, page limits, a key spanning several
// partitions merged, over-long keys never chosen as bounds, the NULL-key partition on
// the first page, the last partition open-ended so that rows added at the end are
// still covered). The dialect supplies the two queries.
func PlanKeyset(ctx context.Context, req PlanRequest, nKeys int, q KeysetQueries) (PlanPage, error) {
	if req.After != nil && len(req.After) != nKeys {
		return PlanPage{}, fmt.Errorf("%w: after has %d values for %d partition columns", ErrConfig, len(req.After), nKeys)
	}
	step := RowsPerPartition(req.Table.PartitionSize, req.EstimatedRows, req.EstimatedBytes)
	page := PlanPage{RowsPerPartition: step}
	maxParts := req.MaxPartitions
	if maxParts <= 0 {
		maxParts = 100
	}
	num := req.FirstNumber
	if req.After == nil {
		nulls, err := q.NullKeys(ctx)
		if err != nil {
			return PlanPage{}, err
		}
		if nulls {
			page.Partitions = append(page.Partitions, migration.Partition{Number: num, NullKeys: true})
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
	bounds, err := q.Bounds(ctx, req.After, step, limit)
	if err != nil {
		return PlanPage{}, err
	}
	lower := req.After
	if len(bounds) == 0 {
		// No key after `after`: the previous page ended exactly at a full window (or
		// rows vanished). One open partition keeps later inserts covered.
		if req.After != nil {
			page.Partitions = append(page.Partitions, migration.Partition{Number: num, Lower: lower})
		}
		page.Done = true
		return page, nil
	}
	ranges := 0
	cnt := bounds[0].Count
	full := cnt == limit
	for _, b := range bounds {
		if b.RN == cnt && !full {
			break // the last key of the table: the final partition is open-ended
		}
		if b.RN%step != 0 {
			continue
		}
		if lower != nil && equalKeys(lower, b.Key) {
			continue // one key value spans more than a partition: merge
		}
		if boundBytes(b.Key) > MaxBoundBytes {
			continue // too long to carry around: the partition grows to the next key
		}
		page.Partitions = append(page.Partitions, migration.Partition{Number: num, Lower: lower, Upper: b.Key})
		num++
		ranges++
		lower = b.Key
		if full && len(page.Partitions) > 0 && b.RN == int64(maxParts)*step {
			break
		}
	}
	if !full || ranges == 0 {
		// The end of the table, or a full page without a single key short enough to be
		// a bound: the rest of the table is one open partition (correct, only larger
		// than asked).
		page.Partitions = append(page.Partitions, migration.Partition{Number: num, Lower: lower})
		page.Done = true
	}
	return page, nil
}

func boundBytes(key []string) int {
	n := 0
	for _, v := range key {
		n += len(v)
	}
	return n
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
