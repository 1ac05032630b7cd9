package sqlserver

import (
	"context"
	"database/sql"
	"fmt"
	"math/big"
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
	var rs *rowSummer
	if needsRowSummer(plans) {
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
		raw := make([]any, len(plans))
		ptrs := make([]any, len(plans))
		for i := range raw {
			ptrs[i] = &raw[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				return fmt.Errorf("extract partition %d: %w", req.Partition.Number, err)
			}
			n, err := w.add(raw)
			if err != nil {
				return fmt.Errorf("%w: %s.%s partition %d, row %d: %v", source.ErrData, req.Source.Schema, req.Source.Table, req.Partition.Number, rowsRead.Load()+1, err)
			}
			rowsRead.Add(1)
			bytesRead.Add(int64(n))
			if w.b.N == batchRows || w.b.Bytes >= batchBytes {
				if err := w.flush(); err != nil {
					return err
				}
			}
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("extract partition %d of %s.%s: %w", req.Partition.Number, req.Source.Schema, req.Source.Table, mapError(err))
		}
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
	if rs != nil {
		stats.Checksum = rs.sum.String()
	} else {
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
type writer struct {
	plans  []colPlan
	leaf   []int
	b      *parquetx.Batch
	full   chan *parquetx.Batch
	free   chan *parquetx.Batch
	done   chan error
	encErr atomic.Pointer[error]
	closed bool
}

const poolBatches = 3

func newWriter(plans []colPlan, fs *parquetx.FileSet, rs *rowSummer) *writer {
	w := &writer{plans: plans, leaf: fs.Leaf(), full: make(chan *parquetx.Batch, poolBatches),
		free: make(chan *parquetx.Batch, poolBatches), done: make(chan error, 1)}
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

// add appends one row and returns the bytes it holds (for progress and batch sizing).
func (w *writer) add(raw []any) (int, error) {
	size := 0
	for i, p := range w.plans {
		v, n, err := convert(p, raw[i])
		if err != nil {
			return 0, fmt.Errorf("column %q (%s → %s): %v", p.SourceName, describe(raw[i]), p.TargetName, err)
		}
		if raw[i] == nil {
			v = parquet.Value{}.Level(0, 0, w.leaf[i])
		} else {
			v = v.Level(0, 1, w.leaf[i])
		}
		w.b.Cols[i][w.b.N] = v
		size += n
	}
	w.b.N++
	w.b.Bytes += int64(size)
	return size, nil
}

// convert turns one driver value into its Parquet value (nil: NULL).
func convert(p colPlan, v any) (parquet.Value, int, error) {
	if v == nil {
		return parquet.Value{}, 0, nil
	}
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
	case readDecimal:
		var s string
		switch x := v.(type) {
		case []byte:
			s = string(x)
		case string:
			s = x
		default:
			return parquet.Value{}, 0, fmt.Errorf("unexpected %T", v)
		}
		u, err := scaledDecimal(s, p.Precision, p.Scale)
		if err != nil {
			return parquet.Value{}, 0, err
		}
		if p.Out == source.OutDecimal64 {
			return parquet.Int64Value(u.Int64()), 16, nil
		}
		return parquet.FixedLenByteArrayValue(int128(u)), 16, nil
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
	case readString:
		switch x := v.(type) {
		case string:
			return parquet.ByteArrayValue([]byte(x)), len(x), nil
		case []byte:
			return parquet.ByteArrayValue(x), len(x), nil
		}
	case readBytes:
		switch x := v.(type) {
		case []byte:
			return parquet.ByteArrayValue(x), len(x), nil
		case string:
			return parquet.ByteArrayValue([]byte(x)), len(x), nil
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
		var s string
		switch p.Read {
		case readTimeText:
			s = t.Format("15:04:05")
			if p.Digits > 0 {
				s += "." + fraction(t, p.Digits)
			}
		case readTSText:
			s = formatTimestamp(t, p.Digits)
		default:
			s = formatTimestamp(t, p.Digits) + t.Format("-07:00")
		}
		return parquet.ByteArrayValue([]byte(s)), len(s), nil
	}
	return parquet.Value{}, 0, fmt.Errorf("unexpected value of type %T", v)
}

// days is the number of days since 1970-01-01 of t's calendar date.
func days(t time.Time) int64 {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

func microsOfDay(t time.Time) int64 {
	h, m, s := t.Clock()
	return (int64(h)*3600+int64(m)*60+int64(s))*1_000_000 + int64(t.Nanosecond()/1000)
}

// wallMicros is t's wall clock (its own location's) as microseconds since the epoch,
// as TIMESTAMP(isAdjustedToUTC=false) wants.
func wallMicros(t time.Time) int64 {
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	return time.Date(y, mo, d, h, mi, s, 0, time.UTC).Unix()*1_000_000 + int64(t.Nanosecond()/1000)
}

// scaledDecimal parses decimal text into the integer value × 10^scale; digits beyond
// the scale must be zeros (the SELECT already rounded to the target's scale), and the
// result must fit the precision.
func scaledDecimal(s string, precision, scale int) (*big.Int, error) {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	ip, fp, _ := strings.Cut(s, ".")
	if len(fp) > scale {
		if strings.Trim(fp[scale:], "0") != "" {
			return nil, fmt.Errorf("value %s has more than %d decimals", s, scale)
		}
		fp = fp[:scale]
	}
	fp += strings.Repeat("0", scale-len(fp))
	digits := strings.TrimLeft(ip+fp, "0")
	if len(digits) > precision {
		return nil, fmt.Errorf("value %s needs more than %d digits", s, precision)
	}
	u, ok := new(big.Int).SetString("0"+digits, 10)
	if !ok {
		return nil, fmt.Errorf("%q is not a decimal number", s)
	}
	if neg {
		u.Neg(u)
	}
	return u, nil
}

// int128 is the 16-byte big-endian two's complement form of u (|u| < 10^38).
func int128(u *big.Int) []byte {
	out := make([]byte, 16)
	m := new(big.Int).Set(u)
	if m.Sign() < 0 {
		m.Add(m, new(big.Int).Lsh(big.NewInt(1), 128))
	}
	m.FillBytes(out)
	return out
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
