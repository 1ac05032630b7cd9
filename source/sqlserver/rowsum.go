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
			us, err := timeTextMicros(v.ByteArray())
			if err != nil {
				return err
			}
			r.Time(us)
		case source.TargetTimestampNTZ, source.TargetTimestampTZ:
			us, err := timestampTextMicros(v.ByteArray())
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
// The extractor's own text is read directly, field by field; anything else goes
// through time.Parse, whose verdict (and message) decides.
func timeTextMicros(b []byte) (int64, error) {
	if len(b) >= 8 && b[2] == ':' && b[5] == ':' {
		h, ok1 := twoDigits(b[0:2])
		m, ok2 := twoDigits(b[3:5])
		s, ok3 := twoDigits(b[6:8])
		if ns, ok4 := fractionNanos(b[8:]); ok1 && ok2 && ok3 && ok4 && h < 24 && m < 60 && s < 60 {
			return (h*3600+m*60+s)*1_000_000 + ns/1000, nil
		}
	}
	t, err := time.Parse("15:04:05.999999999", string(b))
	if err != nil {
		return 0, fmt.Errorf("time text %q: %w", b, err)
	}
	return microsOfDay(t), nil
}

// timestampTextMicros reads "YYYY-MM-DD hh:mm:ss[.fffffff][±hh:mm]" as microseconds
// since 1970-01-01: the wall clock without an offset, the UTC instant with one;
// digits beyond the sixth are dropped (the instant is truncated toward the past). As
// timeTextMicros, the extractor's own text is read directly and anything else goes
// through time.Parse.
func timestampTextMicros(b []byte) (int64, error) {
	if us, ok := fastTimestampMicros(b); ok {
		return us, nil
	}
	s := string(b)
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

// fastTimestampMicros is timestampTextMicros for text of exactly the extractor's
// form with every field in range; ok is false for anything else.
func fastTimestampMicros(b []byte) (int64, bool) {
	if len(b) < 19 || b[4] != '-' || b[7] != '-' || b[10] != ' ' || b[13] != ':' || b[16] != ':' {
		return 0, false
	}
	y1, ok1 := twoDigits(b[0:2])
	y2, ok2 := twoDigits(b[2:4])
	mo, ok3 := twoDigits(b[5:7])
	d, ok4 := twoDigits(b[8:10])
	h, ok5 := twoDigits(b[11:13])
	mi, ok6 := twoDigits(b[14:16])
	s, ok7 := twoDigits(b[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7) || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59 {
		return 0, false
	}
	rest := b[19:]
	var offset int64 // seconds east of UTC
	if n := len(rest); n >= 6 && (rest[n-6] == '+' || rest[n-6] == '-') && rest[n-3] == ':' {
		oh, okh := twoDigits(rest[n-5 : n-3])
		om, okm := twoDigits(rest[n-2:])
		if !okh || !okm || oh > 23 || om > 59 {
			return 0, false
		}
		offset = oh*3600 + om*60
		if rest[n-6] == '-' {
			offset = -offset
		}
		rest = rest[:n-6]
	}
	ns, ok := fractionNanos(rest)
	if !ok {
		return 0, false
	}
	t := time.Date(int(y1*100+y2), time.Month(mo), int(d), int(h), int(mi), int(s), 0, time.UTC)
	if t.Day() != int(d) {
		return 0, false // no such day in that month (time.Parse refuses it)
	}
	return (t.Unix()-offset)*1_000_000 + ns/1000, true
}

// twoDigits reads two ASCII digits.
func twoDigits(b []byte) (int64, bool) {
	if b[0] < '0' || b[0] > '9' || b[1] < '0' || b[1] > '9' {
		return 0, false
	}
	return int64(b[0]-'0')*10 + int64(b[1]-'0'), true
}

// fractionNanos reads "" or "." and one to nine digits as nanoseconds.
func fractionNanos(b []byte) (int64, bool) {
	if len(b) == 0 {
		return 0, true
	}
	if b[0] != '.' || len(b) < 2 || len(b) > 10 {
		return 0, false
	}
	var ns int64
	for _, c := range b[1:] {
		if c < '0' || c > '9' {
			return 0, false
		}
		ns = ns*10 + int64(c-'0')
	}
	for i := len(b) - 1; i < 9; i++ {
		ns *= 10
	}
	return ns, true
}
