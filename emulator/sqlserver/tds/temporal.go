package tds

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Temporal is a date/time value at SQL Server's full precision: days since 0001-01-01,
// 100-ns ticks since midnight and an offset in minutes. It is what the storage keeps as
// fixed-width text (so that text order is time order) and what the wire encodings need.
type Temporal struct {
	Days   int
	Ticks  int64
	Offset int
}

const (
	ticksPerDay   = int64(86400) * 10_000_000
	days1900      = 693595 // days from 0001-01-01 to 1900-01-01
	maxDays       = 3652058
	smallMaxDays  = days1900 + 65535
	datetimeMinDy = 639905 // 1753-01-01
)

var epoch0001 = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)

func civilDays(y, m, d int) (int, bool) {
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || int(t.Month()) != m || t.Day() != d {
		return 0, false
	}
	return int((t.Unix() - epoch0001.Unix()) / 86400), true
}

// civil turns days back into a calendar date (time.Duration overflows beyond 292 years,
// so whole days are added year by year of 400).
func civil(days int) (int, int, int) {
	t := epoch0001.AddDate(0, 0, days)
	return t.Year(), int(t.Month()), t.Day()
}

// FromTime converts a Go time, keeping its zone offset.
func FromTime(t time.Time) Temporal {
	_, off := t.Zone()
	d, _ := civilDays(t.Year(), int(t.Month()), t.Day())
	ticks := int64(t.Hour())*36_000_000_000 + int64(t.Minute())*600_000_000 + int64(t.Second())*10_000_000 + int64(t.Nanosecond()/100)
	return Temporal{Days: d, Ticks: ticks, Offset: off / 60}
}

// Time converts to a Go time (with a fixed zone of the offset).
func (t Temporal) Time() time.Time {
	y, m, d := civil(t.Days)
	loc := time.UTC
	if t.Offset != 0 {
		loc = time.FixedZone("", t.Offset*60)
	}
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, loc).Add(time.Duration(t.Ticks) * 100)
}

// ParseTemporal reads the string forms SQL Server accepts for date/time literals that
// the product and tests use: 'YYYY-MM-DD', 'YYYYMMDD', optional 'T' or ' ' and
// 'hh:mm[:ss[.fffffff]]', optional 'Z' or '+hh:mm'/'-hh:mm'; or a time alone.
func ParseTemporal(s string) (Temporal, error) {
	if t, ok := parseCanonical(s); ok {
		return t, nil
	}
	var t Temporal
	s = strings.TrimSpace(s)
	bad := &ValueError{"Conversion failed when converting date and/or time from character string."}
	if s == "" {
		return Temporal{Days: days1900}, nil
	}
	rest := s
	if len(rest) >= 8 && rest[2] != ':' && rest[1] != ':' {
		var y, m, d int
		var err error
		if len(rest) >= 10 && (rest[4] == '-' || rest[4] == '/' || rest[4] == '.') {
			y, err = strconv.Atoi(rest[0:4])
			if err == nil {
				m, err = strconv.Atoi(rest[5:7])
			}
			if err == nil {
				d, err = strconv.Atoi(rest[8:10])
			}
			rest = rest[10:]
		} else {
			y, err = strconv.Atoi(rest[0:4])
			if err == nil {
				m, err = strconv.Atoi(rest[4:6])
			}
			if err == nil {
				d, err = strconv.Atoi(rest[6:8])
			}
			rest = rest[8:]
		}
		if err != nil {
			return t, bad
		}
		days, ok := civilDays(y, m, d)
		if !ok || y < 1 || y > 9999 {
			return t, bad
		}
		t.Days = days
		rest = strings.TrimLeft(rest, " T")
	} else {
		t.Days = days1900
	}
	if rest == "" {
		return t, nil
	}
	// time part
	end := strings.IndexAny(rest, "+-Z ")
	tp, zone := rest, ""
	if end >= 0 {
		tp, zone = rest[:end], strings.TrimSpace(rest[end:])
	}
	parts := strings.Split(tp, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return t, bad
	}
	h, err1 := strconv.Atoi(parts[0])
	mi, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil || h > 23 || mi > 59 || h < 0 || mi < 0 {
		return t, bad
	}
	var sec int
	var frac int64
	if len(parts) == 3 {
		sp := parts[2]
		fs := ""
		if i := strings.IndexByte(sp, '.'); i >= 0 {
			sp, fs = sp[:i], sp[i+1:]
		}
		var err error
		if sec, err = strconv.Atoi(sp); err != nil || sec > 59 || sec < 0 {
			return t, bad
		}
		if len(fs) > 7 {
			// SQL Server rejects more than 7 digits for datetime2; round the 8th.
			fs = fs[:7]
		}
		for len(fs) < 7 {
			fs += "0"
		}
		if frac, err = strconv.ParseInt(fs, 10, 64); err != nil || frac < 0 {
			return t, bad
		}
	}
	t.Ticks = int64(h)*36_000_000_000 + int64(mi)*600_000_000 + int64(sec)*10_000_000 + frac
	switch {
	case zone == "" || zone == "Z":
	case len(zone) == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':':
		oh, e1 := strconv.Atoi(zone[1:3])
		om, e2 := strconv.Atoi(zone[4:6])
		if e1 != nil || e2 != nil || oh > 14 || om > 59 || oh*60+om > 840 {
			return t, bad
		}
		t.Offset = oh*60 + om
		if zone[0] == '-' {
			t.Offset = -t.Offset
		}
	default:
		return t, bad
	}
	return t, nil
}

// Round applies a type's precision: scale digits for time/datetime2/datetimeoffset,
// 1/300 s for datetime, whole minutes for smalldatetime; a carry moves to the next day.
func (t Temporal) Round(k Kind, scale int) (Temporal, error) {
	switch k {
	case Date:
		t.Ticks, t.Offset = 0, 0
	case Time, DateTime2, DateTimeOffset:
		unit := int64(1)
		for i := scale; i < 7; i++ {
			unit *= 10
		}
		t.Ticks = (t.Ticks + unit/2) / unit * unit
		if k != DateTimeOffset {
			t.Offset = 0
		}
	case DateTime:
		t.Offset = 0
		n := (t.Ticks*300 + 5_000_000) / 10_000_000
		t.Ticks = (n*10_000_000 + 150) / 300
	case SmallDateTime:
		t.Offset = 0
		// through datetime's 1/300 s first: 29.998 s rounds down, 29.999 s up
		t.Ticks = (t.Ticks + 600_000_000 - 299_990_000) / 600_000_000 * 600_000_000
	}
	if t.Ticks >= ticksPerDay {
		t.Ticks -= ticksPerDay
		if k != Time {
			t.Days++
		}
	}
	if k == Time {
		t.Days = 0
	}
	if t.Days > maxDays && k != Time {
		return t, &ValueError{fmt.Sprintf("The conversion of a varchar data type to a %s data type resulted in an out-of-range value.", kindNames[k])}
	}
	if k == DateTimeOffset {
		// the value is stored in UTC, which must be in range too
		utc := int64(t.Days)*ticksPerDay + t.Ticks - int64(t.Offset)*600_000_000
		if utc < 0 || utc >= int64(maxDays+1)*ticksPerDay {
			return t, &ValueError{"The conversion of a varchar data type to a datetimeoffset data type resulted in an out-of-range value."}
		}
	}
	if (k == DateTime && t.Days < datetimeMinDy) || (k == SmallDateTime && (t.Days < days1900 || t.Days > smallMaxDays)) {
		return t, &ValueError{fmt.Sprintf("The conversion of a varchar data type to a %s data type resulted in an out-of-range value.", kindNames[k])}
	}
	return t, nil
}

// Canonical is the fixed-width storage text of a value of kind k (already rounded):
// 'YYYY-MM-DD', 'hh:mm:ss.fffffff', 'YYYY-MM-DD hh:mm:ss.fffffff[ +hh:mm]'.
func (t Temporal) Canonical(k Kind) string {
	y, m, d := civil(t.Days)
	date := fmt.Sprintf("%04d-%02d-%02d", y, m, d)
	tk := t.Ticks
	tm := fmt.Sprintf("%02d:%02d:%02d.%07d", tk/36_000_000_000, tk/600_000_000%60, tk/10_000_000%60, tk%10_000_000)
	switch k {
	case Date:
		return date
	case Time:
		return tm
	case DateTimeOffset:
		off := t.Offset
		sign := '+'
		if off < 0 {
			sign, off = '-', -off
		}
		return fmt.Sprintf("%s %s %c%02d:%02d", date, tm, sign, off/60, off%60)
	}
	return date + " " + tm
}

// daysFromCivil counts days from 0001-01-01 (proleptic Gregorian) without allocating.
func daysFromCivil(y, m, d int) int {
	if m <= 2 {
		y--
	}
	era := y / 400
	yoe := y - era*400
	mp := m + 9
	if m > 2 {
		mp = m - 3
	}
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 306
}

func digits(s string, n int) (int, bool) {
	v := 0
	for i := 0; i < n; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

// parseCanonical reads the storage forms (see Canonical) on the hot read path.
func parseCanonical(s string) (Temporal, bool) {
	var t Temporal
	rest := s
	if len(rest) >= 10 && rest[4] == '-' && rest[7] == '-' {
		y, ok1 := digits(rest, 4)
		m, ok2 := digits(rest[5:], 2)
		d, ok3 := digits(rest[8:], 2)
		if !ok1 || !ok2 || !ok3 || y < 1 || m < 1 || m > 12 || d < 1 || d > 28 && d > monthDays(y, m) {
			return t, false
		}
		t.Days = daysFromCivil(y, m, d)
		rest = rest[10:]
		if rest == "" {
			return t, true
		}
		if rest[0] != ' ' {
			return t, false
		}
		rest = rest[1:]
	} else {
		t.Days = days1900
	}
	if len(rest) < 16 || rest[2] != ':' || rest[5] != ':' || rest[8] != '.' {
		return t, false
	}
	h, ok1 := digits(rest, 2)
	mi, ok2 := digits(rest[3:], 2)
	sec, ok3 := digits(rest[6:], 2)
	fr, ok4 := digits(rest[9:], 7)
	if !ok1 || !ok2 || !ok3 || !ok4 || h > 23 || mi > 59 || sec > 59 {
		return t, false
	}
	t.Ticks = int64(h)*36_000_000_000 + int64(mi)*600_000_000 + int64(sec)*10_000_000 + int64(fr)
	rest = rest[16:]
	if rest == "" {
		return t, true
	}
	if len(rest) != 7 || rest[0] != ' ' || (rest[1] != '+' && rest[1] != '-') || rest[4] != ':' {
		return t, false
	}
	oh, ok1 := digits(rest[2:], 2)
	om, ok2 := digits(rest[5:], 2)
	if !ok1 || !ok2 || oh*60+om > 840 {
		return t, false
	}
	t.Offset = oh*60 + om
	if rest[1] == '-' {
		t.Offset = -t.Offset
	}
	return t, true
}

func monthDays(y, m int) int {
	switch m {
	case 4, 6, 9, 11:
		return 30
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	}
	return 31
}
