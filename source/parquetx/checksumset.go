package parquetx

import (
	"fmt"

	"github.com/snowmigrate/snowmigrate/source"
)

// NewChecksumSet returns a FileSet that writes no file: Write adds the batch's rows to
// the partition checksum (the same summer, over the same values, as a FileSet that
// writes Parquet) and counts them, and Close lists no file. A source computes its
// source-side checksum through it by running its extraction's read as it is, so the
// checksum is the extractor's by construction; without the Parquet encoding (about a
// third of the extractor's CPU per row, zstd) the read costs the worker the decoding
// and the summing only.
//
// The value checksum is always on here, whatever benchNoChecksumEnv says: the
// checksum is all this set produces.
func NewChecksumSet(plans []source.ColumnPlan) (*FileSet, error) {
	// The schema is derived for its leaf order only: decoders tag every value with its
	// Parquet leaf column, as they do for a FileSet that writes.
	schema, leaf, err := Schema(plans)
	if err != nil {
		return nil, err
	}
	sum, err := newSummer(plans)
	if err != nil {
		return nil, err
	}
	return &FileSet{schema: schema, leaf: leaf, sum: sum, sumOnly: true}, nil
}

// writeSum is Write for a checksum-only set: the summer reads the batch in this
// goroutine (there is no encoder to overlap with; the caller's decoder runs in
// another).
func (s *FileSet) writeSum(b *Batch) error {
	for i, vals := range b.Cols {
		if len(vals) < b.N {
			return fmt.Errorf("internal: column %d has %d values for %d rows", i, len(vals), b.N)
		}
	}
	s.sum.add(b)
	s.summed += int64(b.N)
	return nil
}

// Rows is the number of rows written (or, for a checksum-only set, summed) so far.
func (s *FileSet) Rows() int64 { return s.summed }
