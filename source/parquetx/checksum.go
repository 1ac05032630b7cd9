package parquetx

import (
	"fmt"
	"os"

	"github.com/snowmigrate/snowmigrate/checksum"
	"github.com/snowmigrate/snowmigrate/source"
)

// summer adds every row the FileSet writes to the partition checksum
// (docs/checksums.md), from the exact Parquet values written: whatever the dialect,
// the checksum is of what Snowflake will load. It runs in the goroutine that encodes
// Parquet, beside the decoder.
type summer struct {
	ops   []sumOp
	scale []int
	row   checksum.Row
	sum   checksum.Sum
}

type sumOp uint8

const (
	sumInt32 sumOp = iota + 1
	sumInt64
	sumDecimal64
	sumDecimal128
	sumFloat
	sumDouble
	sumBool
	sumText
	sumSemi
	sumBinary
	sumDate
	sumTime
	sumTimestamp
)

func newSummer(plans []source.ColumnPlan) (*summer, error) {
	s := &summer{ops: make([]sumOp, len(plans)), scale: make([]int, len(plans))}
	for i, p := range plans {
		var op sumOp
		switch p.Out {
		case source.OutInt32:
			op = sumInt32
		case source.OutInt64:
			op = sumInt64
		case source.OutDecimal64:
			op = sumDecimal64
		case source.OutDecimal128:
			op = sumDecimal128
		case source.OutFloat:
			op = sumFloat
		case source.OutDouble:
			op = sumDouble
		case source.OutBool:
			op = sumBool
		case source.OutString:
			op = sumText
			if p.Target == source.TargetSemi {
				op = sumSemi
			}
		case source.OutBinary:
			op = sumBinary
		case source.OutDate:
			op = sumDate
		case source.OutTime:
			op = sumTime
		case source.OutTimestampNTZ, source.OutTimestampTZ:
			op = sumTimestamp
		default:
			return nil, fmt.Errorf("column %q: no checksum text for output kind %d", p.TargetName, p.Out)
		}
		s.ops[i], s.scale[i] = op, p.Scale
	}
	return s, nil
}

// add adds the batch's rows. The values are read in place (a parquet.Value is 24
// bytes) and the switch is in the loop: this runs for every value the extractor writes.
func (s *summer) add(b *Batch) {
	r := &s.row
	cols := b.Cols[:len(s.ops)]
	for n := 0; n < b.N; n++ {
		r.Reset()
		for i, op := range s.ops {
			v := &cols[i][n]
			if v.IsNull() {
				r.Null()
				continue
			}
			switch op {
			case sumInt32:
				r.Int(int64(v.Int32()))
			case sumInt64:
				r.Int(v.Int64())
			case sumDecimal64:
				r.Decimal(v.Int64(), s.scale[i])
			case sumDecimal128:
				r.Decimal128(v.ByteArray(), s.scale[i])
			case sumFloat:
				r.Float(float64(v.Float()))
			case sumDouble:
				r.Float(v.Double())
			case sumBool:
				r.Bool(v.Boolean())
			case sumText:
				r.Text(v.ByteArray())
			case sumSemi:
				r.Semi()
			case sumBinary:
				r.Binary(v.ByteArray())
			case sumDate:
				r.Date(int64(v.Int32()))
			case sumTime:
				r.Time(v.Int64())
			case sumTimestamp:
				r.Timestamp(v.Int64())
			}
		}
		s.sum.AddRow(r)
	}
}

// Checksum is the checksum of every row written so far (docs/checksums.md); the zero
// Sum when Checksummed is false.
func (s *FileSet) Checksum() checksum.Sum {
	if s.sum == nil {
		return checksum.Sum{}
	}
	return s.sum.sum
}

// Checksummed says whether the FileSet computes the checksum: always, except in the
// product benchmark's run without it (benchNoChecksumEnv). An extractor reports no
// checksum when it is false, and the partition is then proven by its row count only.
func (s *FileSet) Checksummed() bool { return s.sum != nil }

// benchNoChecksumEnv, set to 1 in a source worker's environment, turns the value
// checksum off in that process. It exists for one purpose: `make bench` measures the
// migration with and without the checksum in the same run to print the checksum's
// share of end-to-end time (internal/e2e/bench_test.go). It is not a product setting,
// is not documented for users, and must never be set outside the benchmark: without the
// checksum a partition is proven by its row count only.
const benchNoChecksumEnv = "SNOWMIGRATE_INTERNAL_BENCH_NO_CHECKSUM"

func benchNoChecksum() bool { return os.Getenv(benchNoChecksumEnv) == "1" }
