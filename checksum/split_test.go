package checksum

import (
	"errors"
	"reflect"
	"testing"
)

func TestSplitFields(t *testing.T) {
	for _, c := range []struct {
		row    string
		fields []string
		nulls  []bool
		raw    []string
	}{
		{"1|abc", []string{"1", "abc"}, []bool{false, false}, []string{"1", "abc"}},
		{"", []string{""}, []bool{false}, []string{""}},
		{`\N`, []string{""}, []bool{true}, []string{`\N`}},
		{`1|\N|`, []string{"1", "", ""}, []bool{false, true, false}, []string{"1", `\N`, ""}},
		{`a\|b|c\\d|\\N`, []string{"a|b", `c\d`, `\N`}, []bool{false, false, false}, []string{`a\|b`, `c\\d`, `\\N`}},
		{`\\|\|`, []string{`\`, "|"}, []bool{false, false}, []string{`\\`, `\|`}},
		{"||", []string{"", "", ""}, []bool{false, false, false}, []string{"", "", ""}},
	} {
		f, n, err := SplitFields(c.row)
		if err != nil {
			t.Errorf("%q: %v", c.row, err)
			continue
		}
		if !reflect.DeepEqual(f, c.fields) || !reflect.DeepEqual(n, c.nulls) {
			t.Errorf("%q: fields %q nulls %v, want %q %v", c.row, f, n, c.fields, c.nulls)
		}
		raw, _ := SplitRaw(c.row)
		if !reflect.DeepEqual(raw, c.raw) {
			t.Errorf("%q: raw %q, want %q", c.row, raw, c.raw)
		}
	}
}

func TestSplitFieldsRefusesWhatNoRowEncodes(t *testing.T) {
	for _, row := range []string{`a\`, `a\x`, `a\N`, `\Na`, `1|x\N|2`, `\N\N`} {
		if _, _, err := SplitFields(row); !errors.Is(err, ErrRowText) {
			t.Errorf("%q: err %v, want ErrRowText", row, err)
		}
	}
}

// A row built with Row (every field kind) reads back into the canonical texts it was
// built from; for text, the unescaped value.
func TestSplitFieldsInvertsRow(t *testing.T) {
	var r Row
	r.Int(-42)
	r.Null()
	r.Text([]byte(`x|y\z`))
	r.Decimal(1230, 2)
	r.Float(0.1)
	r.Bool(true)
	r.Binary([]byte{0, 255})
	r.Date(19752)
	r.Time(1)
	r.Timestamp(0)
	r.Semi()
	r.Text(nil)
	r.Text([]byte(`\N`))
	f, n, err := SplitFields(string(r.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"-42", "", `x|y\z`, "12.30", "7205759403792794p-56", "true", "00FF", "2024-01-30", "00:00:00.000001", "1970-01-01 00:00:00.000000", "J", "", `\N`}
	if !reflect.DeepEqual(f, want) {
		t.Errorf("fields %q\nwant   %q", f, want)
	}
	for i, isNull := range n {
		if isNull != (i == 1) {
			t.Errorf("field %d: null %v", i, isNull)
		}
	}
}

// FuzzSplitFields: any list of text values (some NULL) encoded by Row reads back as
// the same list, and re-encoding what SplitRaw cut gives the same row text.
func FuzzSplitFields(f *testing.F) {
	f.Add("a", "b|c", `\`, uint8(0))
	f.Add(`\N`, "", "||", uint8(5))
	f.Add(`\\|`, `N`, `\|\N`, uint8(2))
	f.Fuzz(func(t *testing.T, a, b, c string, nullMask uint8) {
		vals := []string{a, b, c}
		var r Row
		for i, v := range vals {
			if nullMask&(1<<i) != 0 {
				r.Null()
			} else {
				r.Text([]byte(v))
			}
		}
		row := string(r.Bytes())
		fields, nulls, err := SplitFields(row)
		if err != nil {
			t.Fatalf("%q: %v", row, err)
		}
		if len(fields) != 3 {
			t.Fatalf("%q: %d fields", row, len(fields))
		}
		for i, v := range vals {
			isNull := nullMask&(1<<i) != 0
			if nulls[i] != isNull || (!isNull && fields[i] != v) {
				t.Fatalf("%q field %d: %q null=%v, want %q null=%v", row, i, fields[i], nulls[i], v, isNull)
			}
		}
		raw, _ := SplitRaw(row)
		joined := raw[0] + "|" + raw[1] + "|" + raw[2]
		if joined != row {
			t.Fatalf("raw fields %q do not rejoin to %q", raw, row)
		}
	})
}
