package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
)

// Window probe (docs/sync.md, "Cost"): which of a page of stored key ranges hold rows
// of a watermark re-run's window, in one query. The rows of the window are read once
// (through an index on the watermark column when there is one) and each is given the
// position of the first range whose predicate holds, the same predicate Extract uses
// (PartitionPredicate: typed literals escaped by QuoteLiteral, never raw text).
// Shared by Redshift, whose Dialect embeds Builder and whose Source embeds Source.

var _ source.WindowProber = (*Source)(nil)

// probeBuilder is what ProbeWindow needs of a dialect; every dialect built on Builder
// has it.
type probeBuilder interface {
	WindowProbeSQL(t migration.TableRef, keys []source.KeyColumn, parts []migration.Partition, w string) string
}

// WindowProbeSQL counts the rows passing w (the filter and the window) per range of
// parts: result rows (position in parts, count), only for ranges that hold rows.
func (b Builder) WindowProbeSQL(t migration.TableRef, keys []source.KeyColumn, parts []migration.Partition, w string) string {
	var c strings.Builder
	c.WriteString("CASE")
	for i, p := range parts {
		c.WriteString(" WHEN " + b.PartitionPredicate(keys, p) + " THEN " + strconv.Itoa(i))
	}
	c.WriteString(" END")
	return "SELECT p, count(*) FROM (SELECT " + c.String() + " AS p FROM " + b.Table(t) +
		" WHERE " + where(w) + ") x WHERE p IS NOT NULL GROUP BY p"
}

// ProbeWindow implements source.WindowProber: one read-only snapshot, one query.
func (s *Source) ProbeWindow(ctx context.Context, req source.WindowProbeRequest) (map[int]int64, error) {
	pb, ok := s.Dialect.(probeBuilder)
	if !ok {
		return nil, fmt.Errorf("%w: no window probe SQL for dialect %T", source.ErrConfig, s.Dialect)
	}
	out := make(map[int]int64, len(req.Partitions))
	if len(req.Partitions) == 0 {
		return out, nil
	}
	keys, err := source.KeyColumns(req.Columns, req.PartitionBy)
	if err != nil {
		return nil, err
	}
	filter := source.Where(req.Table)
	if err := source.CheckWhere(filter); err != nil {
		return nil, err
	}
	w, err := s.windowWhere(filter, req.Columns, &req.Window)
	if err != nil {
		return nil, err
	}
	for _, p := range req.Partitions {
		out[p.Number] = 0
	}
	q := pb.WindowProbeSQL(req.Source, keys, req.Partitions, w)
	err = s.tx(ctx, func(conn *pgx.Conn) error {
		rows, err := conn.Query(ctx, q)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				i int
				n int64
			)
			if err := rows.Scan(&i, &n); err != nil {
				return err
			}
			if i < 0 || i >= len(req.Partitions) {
				return fmt.Errorf("internal: window probe returned range %d of %d", i, len(req.Partitions))
			}
			out[req.Partitions[i].Number] = n
		}
		return rows.Err()
	})
	if err != nil {
		return nil, whereError(fmt.Errorf("probe the watermark window of %s.%s: %w", req.Source.Schema, req.Source.Table, err), filter)
	}
	return out, nil
}
