package parquetx

import "github.com/parquet-go/parquet-go"

// Batch is a block of rows in column form. Byte-array values point into Arena or
// Scratch, which the batch owns, so a batch can be handed to another goroutine and
// reused once written: no allocation per value or row in steady state.
type Batch struct {
	N       int               // rows in the batch
	Cols    [][]parquet.Value // per plan column; rows [0, N) are valid (len may be larger)
	Arena   []byte            // raw row bytes copied from the source (text values point here)
	Scratch []byte            // bytes made by decoders (uuid text, 16-byte decimals)
	Bytes   int64             // source bytes the rows came from (progress, row group sizing)
}

// NewBatch allocates a batch for ncols columns.
func NewBatch(ncols, rows, arena, scratch int) *Batch {
	b := &Batch{Cols: make([][]parquet.Value, ncols), Arena: make([]byte, 0, arena), Scratch: make([]byte, 0, scratch)}
	for i := range b.Cols {
		b.Cols[i] = make([]parquet.Value, rows)
	}
	return b
}

// Reset empties the batch, keeping its memory.
func (b *Batch) Reset() {
	b.N, b.Bytes = 0, 0
	b.Arena, b.Scratch = b.Arena[:0], b.Scratch[:0]
}

// Cap is the number of rows the batch holds.
func (b *Batch) Cap() int {
	if len(b.Cols) == 0 {
		return 0
	}
	return len(b.Cols[0])
}
