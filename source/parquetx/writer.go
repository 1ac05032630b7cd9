package parquetx

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"
	"github.com/parquet-go/parquet-go/compress/snappy"
	"github.com/parquet-go/parquet-go/compress/zstd"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
)

// Options bound the writer's memory and file sizes (defined in source, which every
// dialect's Extract receives).
type Options = source.ParquetOptions

func codec(name string) (compress.Codec, error) {
	switch name {
	case "zstd":
		// The fastest zstd level: the writer must keep up with COPY; Parquet's
		// column layout already makes the data compress well.
		return &zstd.Codec{Level: zstd.SpeedFastest}, nil
	case "snappy":
		return &snappy.Codec{}, nil
	}
	return nil, fmt.Errorf("parquet compression %q is not supported (use zstd or snappy)", name)
}

// FileSet writes batches into rotating files part-NNNNN.parquet in one directory.
type FileSet struct {
	dir     string
	opts    Options
	schema  *parquet.Schema
	leaf    []int
	config  []parquet.WriterOption
	files   []migration.FileRef
	f       *os.File
	buf     *bufio.Writer
	cw      *countingWriter
	w       *parquet.GenericWriter[any]
	rows    int64 // rows in the current file
	rgRows  int64
	rgBytes int64
	sum     *summer // the partition checksum of the rows written (nil: none, benchmark only)
	summed  int64   // rows written, over all files (Rows)
	sumOnly bool    // NewChecksumSet: no file, only the checksum and the row count
}

type countingWriter struct {
	w interface{ Write([]byte) (int, error) }
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// NewFileSet prepares a writer into dir (which must exist and be empty).
func NewFileSet(dir string, plans []source.ColumnPlan, opts Options) (*FileSet, error) {
	opts = opts.Defaults()
	schema, leaf, err := Schema(plans)
	if err != nil {
		return nil, err
	}
	c, err := codec(opts.Compression)
	if err != nil {
		return nil, err
	}
	config := []parquet.WriterOption{
		schema,
		parquet.Compression(c),
		parquet.PageBufferSize(opts.PageBytes),
		parquet.CreatedBy("snowmigrate", "", ""),
		// Page-header statistics duplicate the page index; the loader reads neither.
		parquet.DataPageStatistics(false),
	}
	// Min/max bounds of text and binary pages cost a comparison per value and help
	// no reader of these files; numeric and temporal columns keep theirs.
	for _, p := range plans {
		if p.Out == source.OutString || p.Out == source.OutBinary {
			config = append(config, parquet.SkipPageBounds(p.TargetName))
		}
	}
	sum, err := newSummer(plans)
	if err != nil {
		return nil, err
	}
	if benchNoChecksum() {
		sum = nil
	}
	return &FileSet{dir: dir, opts: opts, schema: schema, leaf: leaf, config: config, sum: sum}, nil
}

func (s *FileSet) open() error {
	name := fmt.Sprintf("part-%05d.parquet", len(s.files))
	path := filepath.Join(s.dir, name)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	s.f = f
	s.buf = bufio.NewWriterSize(f, 1<<20)
	s.cw = &countingWriter{w: s.buf}
	if s.w == nil {
		s.w = parquet.NewGenericWriter[any](s.cw, s.config...)
	} else {
		s.w.Reset(s.cw)
	}
	s.files = append(s.files, migration.FileRef{Path: path, Name: name})
	s.rows = 0
	return nil
}

// Write appends a batch. The batch may be reused when Write returns.
func (s *FileSet) Write(b *Batch) error {
	if b.N == 0 {
		return nil
	}
	if s.sumOnly {
		return s.writeSum(b)
	}
	if s.f == nil {
		if err := s.open(); err != nil {
			return err
		}
	}
	// The checksum reads the batch while Parquet encodes it (both only read it); the
	// batch is reused once Write returns, so Write waits for both.
	if s.sum != nil {
		summed := make(chan struct{})
		go func() { s.sum.add(b); close(summed) }()
		defer func() { <-summed }()
	}
	cols := s.w.ColumnWriters()
	for i, vals := range b.Cols {
		if len(vals) < b.N {
			return fmt.Errorf("internal: column %d has %d values for %d rows", i, len(vals), b.N)
		}
		if _, err := cols[s.leaf[i]].WriteRowValues(vals[:b.N]); err != nil {
			return fmt.Errorf("write parquet column %d: %w", i, err)
		}
	}
	s.rows += int64(b.N)
	s.summed += int64(b.N)
	s.rgRows += int64(b.N)
	s.rgBytes += b.Bytes
	if s.rgRows >= s.opts.RowGroupRows || s.rgBytes >= s.opts.RowGroupBytes {
		if err := s.w.Flush(); err != nil {
			return fmt.Errorf("flush row group: %w", err)
		}
		s.rgRows, s.rgBytes = 0, 0
		if s.cw.n >= s.opts.TargetFileBytes {
			return s.closeFile()
		}
	}
	return nil
}

func (s *FileSet) closeFile() error {
	if s.f == nil {
		return nil
	}
	err := s.w.Close()
	if err == nil {
		err = s.buf.Flush()
	}
	// No fsync: the file is read back by Upload on this host; after a host crash
	// the partition is extracted again elsewhere, so durability buys nothing.
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	last := &s.files[len(s.files)-1]
	if err != nil {
		return fmt.Errorf("finish %s: %w", last.Path, err)
	}
	last.Rows, last.Bytes = s.rows, s.cw.n
	s.f, s.rgRows, s.rgBytes = nil, 0, 0
	return nil
}

// Close finishes the last file and lists the files written (none for zero rows).
func (s *FileSet) Close() ([]migration.FileRef, error) {
	if err := s.closeFile(); err != nil {
		return nil, err
	}
	return s.files, nil
}

// Abort closes the open file, ignoring errors; the caller removes the directory.
func (s *FileSet) Abort() {
	if s.f != nil {
		_ = s.f.Close()
		s.f = nil
	}
}

// Leaf maps plan index → Parquet leaf column index.
func (s *FileSet) Leaf() []int { return s.leaf }
