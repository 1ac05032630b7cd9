package sqlserver

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/snowmigrate/snowmigrate/internal/every"
	"github.com/snowmigrate/snowmigrate/source"
	"github.com/snowmigrate/snowmigrate/source/parquetx"
)

// Batch geometry: rows are handed to the Parquet writer every batchRows rows or
// batchBytes bytes of values, so memory is one row group (the writer's bound) plus
// one batch, whatever the partition size.
const (
	batchRows     = 4096
	batchBytes    = 8 << 20
	progressEvery = 5 * time.Second
)

// Extract writes the partition's rows into Parquet files in dir (existing, empty):
// one SELECT streamed through the driver, values converted column by column. The row
// count is exact (every row read is counted and checked against the files).
func (s *Source) Extract(ctx context.Context, req source.ExtractRequest, dir string, progress func(rows, bytes int64)) (source.ExtractStats, error) {
	var stats source.ExtractStats
	plans, err := planColumns(req.Columns)
	if err != nil {
		return stats, err
	}
	keys, err := keyColumns(req.Columns, req.PartitionBy)
	if err != nil {
		return stats, err
	}
	where, err := checkWhere(req.Table)
	if err != nil {
		return stats, err
	}
	pred, args, err := partitionFilter(req, keys)
	if err != nil {
		return stats, fmt.Errorf("%w: %v", source.ErrConfig, err)
	}
	query := extractSQL(req.Source, plans, pred, where)
	cps := make([]source.ColumnPlan, len(plans))
	for i, p := range plans {
		cps[i] = p.ColumnPlan
	}
	fs, err := parquetx.NewFileSet(dir, cps, s.Writer)
	if err != nil {
		return stats, err
	}
	// Without the value checksum (the benchmark's run without it, fs.Checksummed
	// false) no checksum is computed or reported: the partition is proven by its
	// row count, as parquetx's FileSet documents.
	var rs *rowSummer
	if fs.Checksummed() && needsRowSummer(plans) {
		rs = &rowSummer{plans: plans}
	}
	var rowsRead, bytesRead atomic.Int64
	stop := func() {}
	if progress != nil {
		stop = every.Start(ctx, progressEvery, func() { progress(rowsRead.Load(), bytesRead.Load()) })
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		warnings, err := checkColumns(ctx, tx, req.Source, req.Columns)
		stats.Warnings = warnings
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, query, args...)
		if err != nil {
			return fmt.Errorf("extract partition %d of %s.%s: %w", req.Partition.Number, req.Source.Schema, req.Source.Table, mapError(err))
		}
		defer rows.Close()
		w := newWriter(plans, fs, rs)
		defer w.stop()
		dest := w.scanDest()
		// Counted here and published to the progress counters once per batch: an
		// atomic add per row costs more than the progress it would show.
		var read, readBytes int64
		for rows.Next() {
			if err := rows.Scan(dest...); err != nil {
				return fmt.Errorf("extract partition %d: %w", req.Partition.Number, err)
			}
			n, err := w.add()
			if err != nil {
				return fmt.Errorf("%w: %s.%s partition %d, row %d: %v", source.ErrData, req.Source.Schema, req.Source.Table, req.Partition.Number, read+1, err)
			}
			read++
			readBytes += int64(n)
			if w.b.N == batchRows || w.b.Bytes >= batchBytes {
				rowsRead.Store(read)
				bytesRead.Store(readBytes)
				if err := w.flush(); err != nil {
					return err
				}
			}
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("extract partition %d of %s.%s: %w", req.Partition.Number, req.Source.Schema, req.Source.Table, mapError(err))
		}
		rowsRead.Store(read)
		bytesRead.Store(readBytes)
		if err := w.flush(); err != nil {
			return err
		}
		return w.stop()
	})
	stop()
	if err != nil {
		fs.Abort()
		return stats, whereError(err, where)
	}
	files, err := fs.Close()
	if err != nil {
		return stats, err
	}
	stats.Files, stats.Rows = files, rowsRead.Load()
	switch {
	case rs != nil:
		stats.Checksum = rs.sum.String()
	case fs.Checksummed():
		stats.Checksum = fs.Checksum().String()
	}
	var fileRows int64
	for _, f := range files {
		stats.Bytes += f.Bytes
		fileRows += f.Rows
	}
	if fileRows != stats.Rows {
		return stats, fmt.Errorf("internal: %d rows read but %d written to Parquet", stats.Rows, fileRows)
	}
	if progress != nil {
		progress(stats.Rows, bytesRead.Load())
	}
	return stats, nil
}

// writer fills column batches from scanned rows and hands them to an encoder
// goroutine, so that reading from the server and Parquet encoding run in parallel.
// Three batches circulate (filling, queued, encoding): memory is bounded by them and
// by the writer's row group.
//
// It costs the fewest CPU cycles per row it can, because the server usually shares
// the machine's cores: each column's conversion is decided once (colConv), decimals
// are scanned as their text without a copy and parsed without allocating, and the
// bytes of text values go to the batch's arena rather than one allocation each.
type writer struct {
	cols   []colConv
	vals   []any          // Scan destinations of the columns read as driver values
	text   []sql.RawBytes // Scan destinations of the decimal columns (nil: NULL)
	tmp    []byte         // formatting scratch
	b      *parquetx.Batch
	full   chan *parquetx.Batch
	free   chan *parquetx.Batch
	done   chan error
	encErr atomic.Pointer[error]
	closed bool
}

// colConv is what add needs of one column, computed once per partition.
type colConv struct {
	plan   *colPlan
	leaf   int           // Parquet leaf column index
	null   parquet.Value // the column's NULL (definition level 0)
	layout string        // the text forms' time layout (readTimeText, readTSText, readTSTZText)
}

const poolBatches = 3

// Arena geometry: an arena holds the bytes of one batch's text values and decimals;
// it starts at arenaMin and doubles, up to arenaMax, whenever a batch overflows it
// (the values already taken keep the old one alive until the batch is written). A
// value larger than arenaValueMax gets an allocation of its own, so one huge value
// does not make every later batch's arena huge.
const (
	arenaMin      = 64 << 10
	arenaMax      = 4 << 20
	arenaValueMax = 64 << 10
)

func newWriter(plans []colPlan, fs *parquetx.FileSet, rs *rowSummer) *writer {
	w := &writer{cols: make([]colConv, len(plans)), vals: make([]any, len(plans)), text: make([]sql.RawBytes, len(plans)),
		full: make(chan *parquetx.Batch, poolBatches), free: make(chan *parquetx.Batch, poolBatches), done: make(chan error, 1)}
	leaf := fs.Leaf()
	for i := range plans {
		p := &plans[i]
		c := colConv{plan: p, leaf: leaf[i], null: parquet.Value{}.Level(0, 0, leaf[i]), layout: textLayout(p)}
		w.cols[i] = c
	}
	for i := 0; i < poolBatches; i++ {
		w.free <- parquetx.NewBatch(len(plans), batchRows, 0, 0)
	}
	w.b = <-w.free
	go func() {
		var err error
		for b := range w.full {
			if err == nil && rs != nil {
				if err = rs.add(b); err != nil {
					err = fmt.Errorf("%w: %v", source.ErrData, err)
					w.encErr.Store(&err)
				}
			}
			if err == nil {
				if err = fs.Write(b); err != nil {
					w.encErr.Store(&err)
				}
			}
			b.Reset()
			for i := range b.Cols {
				clear(b.Cols[i]) // drop references to the written values' bytes
			}
			w.free <- b
		}
		w.done <- err
	}()
	return w
}

// textLayout is the time layout of a temporal value that travels as text:
// "hh:mm:ss.fffffff", "YYYY-MM-DD hh:mm:ss.fffffff" or that with "+hh:mm", with the
// plan's fractional digits (none: no point), truncated as the target's text is.
func textLayout(p *colPlan) string {
	frac := ""
	if p.Digits > 0 {
		frac = "." + strings.Repeat("0", p.Digits)
	}
	switch p.Read {
	case readTimeText:
		return "15:04:05" + frac
	case readTSText:
		return "2006-01-02 15:04:05" + frac
	case readTSTZText:
		return "2006-01-02 15:04:05" + frac + "-07:00"
	}
	return ""
}

// scanDest is the Scan destination of every column: a decimal's text as
// sql.RawBytes, which database/sql hands over without the copy it makes for an
// *any (the text is parsed before the next Scan); every other value as *any, which
// costs no conversion.
func (w *writer) scanDest() []any {
	dest := make([]any, len(w.cols))
	for i, c := range w.cols {
		if c.plan.Read == readDecimal {
			dest[i] = &w.text[i]
		} else {
			dest[i] = &w.vals[i]
		}
	}
	return dest
}

// flush queues the current batch for encoding and takes a free one.
func (w *writer) flush() error {
	if p := w.encErr.Load(); p != nil {
		return *p
	}
	if w.b.N == 0 {
		return nil
	}
	w.full <- w.b
	w.b = <-w.free
	return nil
}

// stop waits for the encoder to finish what was queued and returns its error; later
// calls return nil.
func (w *writer) stop() error {
	if w.closed {
		return nil
	}
	w.closed = true
	close(w.full)
	return <-w.done
}

// add appends the scanned row and returns the bytes it holds (for progress and
// batch sizing).
func (w *writer) add() (int, error) {
	b := w.b
	n := b.N
	size := 0
	for i := range w.cols {
		c := &w.cols[i]
		var (
			v   parquet.Value
			sz  int
			err error
		)
		if c.plan.Read == readDecimal {
			t := w.text[i]
			if t == nil {
				b.Cols[i][n] = c.null
				continue
			}
			if v, sz, err = w.decimal(c.plan, t); err != nil {
				return 0, fmt.Errorf("column %q (%s → %s): %v", c.plan.SourceName, describe([]byte(t)), c.plan.TargetName, err)
			}
		} else {
			x := w.vals[i]
			if x == nil {
				b.Cols[i][n] = c.null
				continue
			}
			if v, sz, err = w.convert(c, x); err != nil {
				return 0, fmt.Errorf("column %q (%s → %s): %v", c.plan.SourceName, describe(x), c.plan.TargetName, err)
			}
		}
		// In-place setters inline; Value.Level does not.
		v.SetDefinitionLevel(1)
		v.SetColumnIndex(c.leaf)
		b.Cols[i][n] = v
		size += sz
	}
	b.N = n + 1
	b.Bytes += int64(size)
	return size, nil
}

// decimal converts a decimal's text (DECIMAL(p,s) of the target's scale).
func (w *writer) decimal(p *colPlan, t []byte) (parquet.Value, int, error) {
	d, err := parseDecimal(t, p.Precision, p.Scale)
	if err != nil {
		return parquet.Value{}, 0, err
	}
	if p.Out == source.OutDecimal64 {
		return parquet.Int64Value(d.int64()), 16, nil
	}
	out := w.reserve(16)
	d.put(out)
	return parquet.FixedLenByteArrayValue(out), 16, nil
}

// convert turns one non-NULL driver value (of any column but a decimal) into its
// Parquet value and the bytes it counts for.
func (w *writer) convert(c *colConv, v any) (parquet.Value, int, error) {
	p := c.plan
	switch p.Read {
	case readInt:
		x, ok := v.(int64)
		if !ok {
			break
		}
		if p.Out == source.OutInt32 {
			return parquet.Int32Value(int32(x)), 8, nil
		}
		return parquet.Int64Value(x), 8, nil
	case readFloat:
		x, ok := v.(float64)
		if !ok {
			break
		}
		if p.Out == source.OutFloat {
			return parquet.FloatValue(float32(x)), 8, nil
		}
		return parquet.DoubleValue(x), 8, nil
	case readBool:
		x, ok := v.(bool)
		if !ok {
			break
		}
		return parquet.BooleanValue(x), 1, nil
	case readString, readBytes:
		// A []byte is database/sql's own copy of the driver's (Scan into *any
		// clones it): the value can keep it.
		switch x := v.(type) {
		case string:
			return parquet.ByteArrayValue(w.keep(x)), len(x), nil
		case []byte:
			return parquet.ByteArrayValue(x), len(x), nil
		}
	case readDate, readTime, readTimestamp, readTimeText, readTSText, readTSTZText:
		t, ok := v.(time.Time)
		if !ok {
			break
		}
		switch p.Read {
		case readDate:
			return parquet.Int32Value(int32(days(t))), 4, nil
		case readTime:
			return parquet.Int64Value(microsOfDay(t)), 8, nil
		case readTimestamp:
			return parquet.Int64Value(wallMicros(t)), 8, nil
		}
		w.tmp = t.AppendFormat(w.tmp[:0], c.layout)
		out := w.reserve(len(w.tmp))
		copy(out, w.tmp)
		return parquet.ByteArrayValue(out), len(out), nil
	}
	return parquet.Value{}, 0, fmt.Errorf("unexpected value of type %T", v)
}

// keep copies a string's bytes for a Parquet value, which must stay valid until the
// encoder has written the batch.
func (w *writer) keep(s string) []byte {
	if len(s) > arenaValueMax {
		return []byte(s)
	}
	out := w.reserve(len(s))
	copy(out, s)
	return out
}

// reserve takes n bytes (n ≤ arenaValueMax) of the current batch's arena; they stay
// untouched until the batch is written and reset.
func (w *writer) reserve(n int) []byte {
	a := w.b.Arena
	if cap(a)-len(a) < n {
		a = make([]byte, 0, min(max(2*cap(a), arenaMin), arenaMax))
	}
	a = a[:len(a)+n]
	w.b.Arena = a
	return a[len(a)-n : len(a) : len(a)]
}

// wallSeconds is t's wall clock (in its own location) as seconds since 1970-01-01
// 00:00:00 of that clock: what Date and Clock compute, without splitting it into
// fields.
func wallSeconds(t time.Time) int64 {
	_, offset := t.Zone()
	return t.Unix() + int64(offset)
}

// days is the number of days since 1970-01-01 of t's calendar date.
func days(t time.Time) int64 {
	s := wallSeconds(t)
	d := s / 86400
	if s%86400 < 0 {
		d-- // floor: a date before 1970 that is not at midnight
	}
	return d
}

func microsOfDay(t time.Time) int64 {
	s := wallSeconds(t) % 86400
	if s < 0 {
		s += 86400
	}
	return s*1_000_000 + int64(t.Nanosecond()/1000)
}

// wallMicros is t's wall clock (its own location's) as microseconds since the epoch,
// as TIMESTAMP(isAdjustedToUTC=false) wants.
func wallMicros(t time.Time) int64 {
	return wallSeconds(t)*1_000_000 + int64(t.Nanosecond()/1000)
}

// describe names a driver value for messages, clipped.
func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case []byte:
		if len(x) > 64 {
			return fmt.Sprintf("%x… (%d bytes)", x[:64], len(x))
		}
		return fmt.Sprintf("%x", x)
	case string:
		return fmt.Sprintf("%q", clip(x))
	}
	return fmt.Sprintf("%v", v)
}
