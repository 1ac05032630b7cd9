package sqlserver

import (
	"fmt"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/snowmigrate/snowmigrate/checksum"
	"github.com/snowmigrate/snowmigrate/source"
	"github.com/snowmigrate/snowmigrate/source/parquetx"
)

// rowSummer computes the partition checksum (docs/checksums.md) from the batches the
// extractor writes, for tables with temporal columns that travel as text (time(7),
// datetime2(7) kept at 100 ns, datetimeoffset with its offset): parquetx's checksum
// would take that text for the value, but the canonical text of a TIME, TIMESTAMP_NTZ
// or TIMESTAMP_TZ target is its value at microseconds (a TIMESTAMP_TZ as its UTC
// instant), which is what the target's checksum computes. Every other column is
// summed exactly as parquetx sums it.
type rowSummer struct {
	plans []colPlan
	row   checksum.Row
	sum   checksum.Sum
}

// needsRowSummer reports whether parquetx's own checksum is not the canonical one
// for these plans.
func needsRowSummer(plans []colPlan) bool {
	for _, p := range plans {
		if !p.checksummed() {
			return true
		}
	}
	return false
}

// add adds the batch's rows to the sum.
func (s *rowSummer) add(b *parquetx.Batch) error {
	r := &s.row
	for n := 0; n < b.N; n++ {
		r.Reset()
		for i, p := range s.plans {
			if err := appendField(r, p, b.Cols[i][n]); err != nil {
				return fmt.Errorf("checksum of column %q: %w", p.SourceName, err)
			}
		}
		s.sum.AddRow(r)
	}
	return nil
}

// appendField adds one Parquet value's canonical field to the row text.
func appendField(r *checksum.Row, p colPlan, v parquet.Value) error {
	if v.IsNull() {
		r.Null()
		return nil
	}
	switch p.Out {
	case source.OutInt32:
		r.Int(int64(v.Int32()))
	case source.OutInt64:
		r.Int(v.Int64())
	case source.OutDecimal64:
		r.Decimal(v.Int64(), p.Scale)
	case source.OutDecimal128:
		r.Decimal128(v.ByteArray(), p.Scale)
	case source.OutFloat:
		r.Float(float64(v.Float()))
	case source.OutDouble:
		r.Float(v.Double())
	case source.OutBool:
		r.Bool(v.Boolean())
	case source.OutBinary:
		r.Binary(v.ByteArray())
	case source.OutDate:
		r.Date(int64(v.Int32()))
	case source.OutTime:
		r.Time(v.Int64())
	case source.OutTimestampNTZ, source.OutTimestampTZ:
		r.Timestamp(v.Int64())
	case source.OutString:
		switch p.Target {
		case source.TargetSemi:
			r.Semi()
		case source.TargetTime:
			us, err := timeTextMicros(string(v.ByteArray()))
			if err != nil {
				return err
			}
			r.Time(us)
		case source.TargetTimestampNTZ, source.TargetTimestampTZ:
			us, err := timestampTextMicros(string(v.ByteArray()))
			if err != nil {
				return err
			}
			r.Timestamp(us)
		default:
			r.Text(v.ByteArray())
		}
	default:
		return fmt.Errorf("no checksum text for output kind %d", p.Out)
	}
	return nil
}

// timeTextMicros reads "hh:mm:ss[.fffffff]" (convert's text) as microseconds of the
// day, digits beyond the sixth dropped (truncated, as the target's text shows them).
func timeTextMicros(s string) (int64, error) {
	t, err := time.Parse("15:04:05.999999999", s)
	if err != nil {
		return 0, fmt.Errorf("time text %q: %w", s, err)
	}
	return microsOfDay(t), nil
}

// timestampTextMicros reads "YYYY-MM-DD hh:mm:ss[.fffffff][±hh:mm]" as microseconds
// since 1970-01-01: the wall clock without an offset, the UTC instant with one;
// digits beyond the sixth are dropped (the instant is truncated toward the past).
func timestampTextMicros(s string) (int64, error) {
	layout := "2006-01-02 15:04:05.999999999"
	if n := len(s); n >= 6 && (s[n-6] == '+' || s[n-6] == '-') && s[n-3] == ':' {
		layout += "-07:00"
	}
	t, err := time.Parse(layout, s)
	if err != nil {
		return 0, fmt.Errorf("timestamp text %q: %w", s, err)
	}
	return t.Unix()*1_000_000 + int64(t.Nanosecond()/1000), nil
}
