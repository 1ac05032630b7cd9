package postgres

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"github.com/snowmigrate/snowmigrate/source"
	"github.com/snowmigrate/snowmigrate/source/parquetx"
)

// Batch geometry: 4096 rows or 1 MiB of source bytes, whichever comes first. Three
// batches circulate (filling, queued, encoding), so decode and Parquet encoding run
// in parallel on two cores with a few MiB of memory.
const (
	batchRows   = 4096
	arenaBytes  = 1 << 20
	poolBatches = 3
)

// sink turns rows (binary fields) into Parquet batches and hands them to the
// encoder goroutine. It is driven from one goroutine (the COPY reader or the cursor
// loop); the counters are read by the progress ticker.
type sink struct {
	ctx     context.Context
	decs    []colDecoder
	plans   []source.ColumnPlan
	keys    []int // plan indexes of the partition key columns
	scratch int   // scratch bytes reserved per row
	hex     bool
	cur     *parquetx.Batch
	full    chan *parquetx.Batch
	free    chan *parquetx.Batch
	done    chan error
	encErr  atomic.Pointer[error]
	fields  [][]byte
	rows    atomic.Int64
	bytes   atomic.Int64
	closed  bool
}

func newSink(ctx context.Context, plans []source.ColumnPlan, keys []int, fs *parquetx.FileSet) (*sink, error) {
	decs, scratch, hex, err := newDecoders(plans, fs.Leaf())
	if err != nil {
		return nil, err
	}
	s := &sink{ctx: ctx, decs: decs, plans: plans, keys: keys, scratch: scratch, hex: hex,
		full: make(chan *parquetx.Batch, poolBatches), free: make(chan *parquetx.Batch, poolBatches),
		done: make(chan error, 1), fields: make([][]byte, len(plans))}
	for i := 0; i < poolBatches; i++ {
		s.free <- parquetx.NewBatch(len(plans), batchRows, arenaBytes, scratch*batchRows+64)
	}
	s.cur = <-s.free
	go func() {
		var err error
		for b := range s.full {
			if err == nil {
				if err = fs.Write(b); err != nil {
					s.encErr.Store(&err)
				}
			}
			b.Reset()
			s.free <- b
		}
		s.done <- err
	}()
	return s, nil
}

// rotate hands the current batch to the encoder and starts a fresh one carrying
// tail (bytes of an unfinished row that must stay in the arena).
func (s *sink) rotate(tail []byte) error {
	if p := s.encErr.Load(); p != nil {
		return *p
	}
	old := s.cur
	var next *parquetx.Batch
	select {
	case next = <-s.free:
	case <-s.ctx.Done():
		return s.ctx.Err()
	}
	next.Arena = append(next.Arena[:0], tail...)
	s.cur = next
	if old.N > 0 {
		s.full <- old
	} else {
		old.Reset()
		s.free <- old
	}
	return nil
}

// ensureArena makes room for n more arena bytes. The unparsed tail from keepFrom
// moves along when the batch rotates; it then starts at offset 0 (rotated = true).
func (s *sink) ensureArena(n, keepFrom int) (rotated bool, err error) {
	b := s.cur
	if len(b.Arena)+n <= cap(b.Arena) {
		return false, nil
	}
	if b.N > 0 {
		if err := s.rotate(b.Arena[keepFrom:]); err != nil {
			return false, err
		}
		b, rotated = s.cur, true
	}
	if len(b.Arena)+n > cap(b.Arena) {
		// One huge row: grow this (value-free) batch's arena.
		a := make([]byte, len(b.Arena), len(b.Arena)+n+arenaBytes)
		copy(a, b.Arena)
		b.Arena = a
	}
	return rotated, nil
}

// roomForRow rotates when the batch is full or its scratch cannot take one more row.
// It reports whether it rotated (the caller re-slices its fields then).
func (s *sink) roomForRow(rowBytes int, tailFrom int) (bool, error) {
	b := s.cur
	need := s.scratch
	if s.hex {
		need += rowBytes
	}
	if b.N < b.Cap() && cap(b.Scratch)-len(b.Scratch) >= need {
		return false, nil
	}
	if err := s.rotate(b.Arena[tailFrom:]); err != nil {
		return false, err
	}
	b = s.cur
	if cap(b.Scratch) < need {
		b.Scratch = make([]byte, 0, need+s.scratch*batchRows)
	}
	return true, nil
}

// addRow decodes one row whose fields point into the current batch's arena.
func (s *sink) addRow(fields [][]byte, rowBytes int) error {
	b := s.cur
	n := b.N
	cols := b.Cols
	for i := range s.decs {
		d := &s.decs[i]
		raw := fields[i]
		if raw == nil {
			cols[i][n] = d.null
			continue
		}
		v, err := d.decode(raw, &b.Scratch)
		if err != nil {
			return s.valueError(i, fields, err)
		}
		// In-place setters inline; Value.Level does not.
		v.SetDefinitionLevel(1)
		v.SetColumnIndex(d.leaf)
		cols[i][n] = v
	}
	b.N = n + 1
	b.Bytes += int64(rowBytes)
	s.rows.Add(1)
	s.bytes.Add(int64(rowBytes))
	return nil
}

func (s *sink) valueError(col int, fields [][]byte, err error) error {
	p := s.plans[col]
	keys := make([]string, len(s.keys))
	for i, k := range s.keys {
		keys[i] = s.plans[k].SourceName + "=" + clipDescribed(describe(s.plans[k].Wire, fields[k]))
	}
	return fmt.Errorf("%w: column %q, row with key (%s), value %s: %v; map the column to VARCHAR with columnTypeMappings or exclude the row with whereClauseCriteria",
		source.ErrData, p.SourceName, strings.Join(keys, ", "), clipDescribed(describe(p.Wire, fields[col])), err)
}

// finish flushes the last batch and waits for the encoder.
func (s *sink) finish() error {
	if s.closed {
		return nil
	}
	s.closed = true
	if s.cur.N > 0 {
		s.full <- s.cur
	}
	close(s.full)
	return <-s.done
}

// abort stops the encoder without writing what is left.
func (s *sink) abort() {
	if s.closed {
		return
	}
	s.closed = true
	close(s.full)
	<-s.done
}

// copyReader parses the COPY binary stream (signature, flags, header extension,
// tuples, trailer) from the arena as CopyData messages arrive. Messages usually carry
// one tuple, but the parser does not rely on it.
type copyReader struct {
	s      *sink
	pos    int // parse position in s.cur.Arena
	header bool
	ended  bool
}

var copySignature = []byte("PGCOPY\n\xff\r\n\x00")

var errCopyFormat = errors.New("malformed COPY binary stream")

// Write implements io.Writer for pgconn.CopyTo.
func (c *copyReader) Write(p []byte) (int, error) {
	rotated, err := c.s.ensureArena(len(p), c.pos)
	if err != nil {
		return 0, err
	}
	if rotated {
		c.pos = 0
	}
	c.s.cur.Arena = append(c.s.cur.Arena, p...)
	return len(p), c.parse()
}

func (c *copyReader) parse() error {
	ncols := len(c.s.decs)
	for !c.ended {
		data := c.s.cur.Arena[c.pos:]
		if !c.header {
			if len(data) < 19 {
				return nil
			}
			if string(data[:11]) != string(copySignature) {
				return errCopyFormat
			}
			ext := int(binary.BigEndian.Uint32(data[15:19]))
			if len(data) < 19+ext {
				return nil
			}
			c.pos += 19 + ext
			c.header = true
			continue
		}
		if len(data) < 2 {
			return nil
		}
		nf := int(int16(binary.BigEndian.Uint16(data)))
		if nf == -1 {
			c.ended = true
			c.pos += 2
			return nil
		}
		if nf != ncols {
			return fmt.Errorf("%w: tuple has %d fields, expected %d", errCopyFormat, nf, ncols)
		}
		off := 2
		for i := 0; i < ncols; i++ {
			if len(data) < off+4 {
				return nil
			}
			l := int(int32(binary.BigEndian.Uint32(data[off:])))
			off += 4
			if l < 0 {
				c.s.fields[i] = nil
				continue
			}
			if len(data) < off+l {
				return nil
			}
			c.s.fields[i] = data[off : off+l : off+l]
			off += l
		}
		rotated, err := c.s.roomForRow(off, c.pos)
		if err != nil {
			return err
		}
		if rotated {
			c.pos = 0
			continue // re-slice the fields from the new arena
		}
		if err := c.s.addRow(c.s.fields, off); err != nil {
			return err
		}
		c.pos += off
	}
	return nil
}

// maxDescribed bounds a value shown in an error: errors travel in activity results,
// histories and metadata, and a key can be megabytes long.
const maxDescribed = 200

// clipDescribed cuts a described value at a character boundary, saying how long it was.
func clipDescribed(d string) string {
	if len(d) <= maxDescribed {
		return d
	}
	cut := maxDescribed
	for cut > 0 && !utf8.RuneStart(d[cut]) {
		cut--
	}
	return fmt.Sprintf("%s… (%d bytes)", d[:cut], len(d))
}
