package checksum

import (
	"errors"
	"fmt"
	"strings"
)

// Reading a row text back into its fields (docs/checksums.md, "Row text"): used to
// name the columns that differ between a source row and a target row whose texts
// differ. The encoding is unambiguous read left to right: `\\` is a backslash, `\|` a
// bar, `\N` as a whole field is NULL and a bare `|` separates fields.

// ErrRowText reports a string that no row encoding produces.
var ErrRowText = errors.New("not a checksum row text")

// SplitRaw cuts a row text into its fields as they appear in it, still escaped: `\N`
// for NULL, `\\` and `\|` inside text. Two rows differ in a column exactly when these
// fields differ, and each field is the column's canonical text as the checksum sees
// it, so they are what a difference report shows.
func SplitRaw(row string) ([]string, error) {
	out := make([]string, 0, strings.Count(row, "|")+1)
	start := 0
	for i := 0; i < len(row); i++ {
		switch row[i] {
		case '\\':
			if i+1 >= len(row) {
				return nil, fmt.Errorf("%w: a dangling backslash ends %q", ErrRowText, clipText(row))
			}
			switch row[i+1] {
			case '\\', '|':
			case 'N':
				// \N must be a whole field: at its start and followed by a separator or the end.
				if i != start || (i+2 < len(row) && row[i+2] != '|') {
					return nil, fmt.Errorf("%w: \\N inside a field of %q", ErrRowText, clipText(row))
				}
			default:
				return nil, fmt.Errorf("%w: unknown escape \\%c in %q", ErrRowText, row[i+1], clipText(row))
			}
			i++
		case '|':
			out = append(out, row[start:i])
			start = i + 1
		}
	}
	return append(out, row[start:]), nil
}

// SplitFields reads a row text back into its values: fields[i] is column i's
// canonical text unescaped, and nulls[i] is true for SQL NULL (fields[i] is then "").
// It inverts Row: for every row r built field by field, SplitFields(r) returns the
// values given to it (as their canonical texts).
func SplitFields(row string) (fields []string, nulls []bool, err error) {
	raw, err := SplitRaw(row)
	if err != nil {
		return nil, nil, err
	}
	fields = make([]string, len(raw))
	nulls = make([]bool, len(raw))
	for i, f := range raw {
		switch {
		case f == Null:
			nulls[i] = true
		case strings.IndexByte(f, '\\') < 0:
			fields[i] = f
		default:
			var b strings.Builder
			b.Grow(len(f))
			for j := 0; j < len(f); j++ {
				if f[j] == '\\' {
					j++ // SplitRaw checked that an escaped \ or | follows
				}
				b.WriteByte(f[j])
			}
			fields[i] = b.String()
		}
	}
	return fields, nulls, nil
}

// clipText keeps error messages short.
func clipText(s string) string {
	const max = 200
	if len(s) <= max {
		return s
	}
	return s[:max] + "…"
}
