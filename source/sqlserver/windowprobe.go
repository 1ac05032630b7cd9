package sqlserver

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
)

// Window probe (docs/sync.md, "Cost"): which of a page of stored key ranges hold rows
// of a watermark re-run's window. The window's rows are read once (an index on the
// watermark column serves the WHERE) and each is given the position of the first
// range whose predicate holds: rangePredicate, the predicate Extract uses, with every
// bound a parameter (row-value comparisons expanded, T-SQL has none).

var _ source.WindowProber = (*Source)(nil)

// probeMaxParams bounds the parameters of one probe statement: SQL Server accepts at
// most 2,100 per request. A page whose ranges need more is probed in several
// statements (in the same transaction).
const probeMaxParams = 2000

// windowProbeSQL counts the rows of the window (wp, parameters wargs) passing the
// filter per range of parts: result rows (position in parts, count), only for ranges
// that hold rows. Range parameters are numbered after the window's.
func windowProbeSQL(t migration.TableRef, keys []keyColumn, parts []migration.Partition, wp string, wargs []any, where string) (string, []any, error) {
	args := append([]any(nil), wargs...)
	var c strings.Builder
	c.WriteString("CASE")
	for i, p := range parts {
		pred, pargs, err := rangePredicate(keys, p, 1+len(args))
		if err != nil {
			return "", nil, err
		}
		args = append(args, pargs...)
		c.WriteString(" WHEN " + pred + " THEN " + strconv.Itoa(i))
	}
	c.WriteString(" END")
	return "SELECT p, COUNT_BIG(*) FROM (SELECT " + c.String() + " AS p FROM " + tableName(t) +
		" WHERE " + andWhere(wp, where) + ") x WHERE p IS NOT NULL GROUP BY p", args, nil
}

// probeChunks splits parts so that no statement has more than probeMaxParams
// parameters (a range has at most two bounds of one parameter per key column).
func probeChunks(parts []migration.Partition, keys, windowParams int) [][]migration.Partition {
	per := max(1, (probeMaxParams-windowParams)/(2*max(1, keys)))
	var out [][]migration.Partition
	for len(parts) > per {
		out = append(out, parts[:per])
		parts = parts[per:]
	}
	if len(parts) > 0 {
		out = append(out, parts)
	}
	return out
}

// ProbeWindow implements source.WindowProber.
func (s *Source) ProbeWindow(ctx context.Context, req source.WindowProbeRequest) (map[int]int64, error) {
	out := make(map[int]int64, len(req.Partitions))
	if len(req.Partitions) == 0 {
		return out, nil
	}
	keys, err := keyColumns(req.Columns, req.PartitionBy)
	if err != nil {
		return nil, err
	}
	where, err := checkWhere(req.Table)
	if err != nil {
		return nil, err
	}
	wp, wargs, err := windowPredicate(req.Columns, &req.Window, 1)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", source.ErrConfig, err)
	}
	type stmt struct {
		q     string
		args  []any
		parts []migration.Partition
	}
	var stmts []stmt
	for _, parts := range probeChunks(req.Partitions, len(keys), len(wargs)) {
		q, args, err := windowProbeSQL(req.Source, keys, parts, wp, wargs, where)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", source.ErrConfig, err)
		}
		stmts = append(stmts, stmt{q, args, parts})
	}
	for _, p := range req.Partitions {
		out[p.Number] = 0
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		for _, st := range stmts {
			if err := probeOne(ctx, tx, st.q, st.args, st.parts, out); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, whereError(fmt.Errorf("probe the watermark window of %s.%s: %w", req.Source.Schema, req.Source.Table, mapError(err)), where)
	}
	return out, nil
}

func probeOne(ctx context.Context, tx *sql.Tx, q string, args []any, parts []migration.Partition, out map[int]int64) error {
	rows, err := tx.QueryContext(ctx, q, args...)
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
		if i < 0 || i >= len(parts) {
			return fmt.Errorf("internal: window probe returned range %d of %d", i, len(parts))
		}
		out[parts[i].Number] = n
	}
	return rows.Err()
}
