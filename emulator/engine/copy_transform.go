package engine

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// COPY transformations select from the staged file with $N (CSV column N, or the
// Parquet row object for $1) and $1:field paths. Those references are replaced by
// placeholder columns ("__SFCOPY_k") of an inner query over the file; the rest of the
// expression is translated by the engine's Snowflake expression translator.

// fileRef is one $N[:path] reference.
type fileRef struct {
	Col  int
	Path []string
}

var dollarCol = regexp.MustCompile(`^\$([0-9]+)$`)

func placeholder(k int) string { return fmt.Sprintf("__SFCOPY_%d", k) }

// rewriteFileRefs replaces $N / alias.$N / $N:a.b in expr with quoted placeholders,
// appending the references to *refs.
func rewriteFileRefs(expr, alias string, refs *[]fileRef) (string, error) {
	toks, err := scanStage(expr)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	last := 0
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		start := t.Pos
		if alias != "" && (t.Kind == stWord || t.Kind == stQIdent) && strings.EqualFold(t.Value, alias) &&
			toks[i+1].punct(".") && toks[i+2].Kind == stWord && dollarCol.MatchString(toks[i+2].Value) {
			i += 2
			t = toks[i]
		}
		if t.Kind != stWord {
			continue
		}
		m := dollarCol.FindStringSubmatch(t.Value)
		if m == nil {
			continue
		}
		col, _ := strconv.Atoi(m[1])
		ref := fileRef{Col: col}
		end := t.End
		// ':' followed by a name (not '::', the cast operator) starts a path.
		if toks[i+1].punct(":") && toks[i+1].Pos == end && !toks[i+2].punct(":") {
			i += 2
			for {
				pt := toks[i]
				switch pt.Kind {
				case stWord, stQIdent:
					ref.Path = append(ref.Path, pt.Value)
				default:
					return "", Errorf(ErrSyntax, "42000", "SQL compilation error: bad path after $%d in '%s'", col, expr)
				}
				end = pt.End
				if toks[i+1].punct(".") && (toks[i+2].Kind == stWord || toks[i+2].Kind == stQIdent) {
					i += 2
					continue
				}
				if toks[i+1].punct("[") {
					return "", Errorf(ErrSyntax, "0A000", "SQL compilation error: array subscripts in COPY paths are not supported by the emulator ('%s')", expr)
				}
				break
			}
		}
		b.WriteString(expr[last:start])
		*refs = append(*refs, ref)
		b.WriteString(`"` + placeholder(len(*refs)) + `"`)
		last = end
	}
	b.WriteString(expr[last:])
	return b.String(), nil
}

// fileColumns is the schema of one staged file as DuckDB reads it.
type fileColumns struct {
	Names []string
	Types []string
}

// refSQL renders one reference as a DuckDB expression over the file alias src.
func refSQL(ref fileRef, f *fileFormat, fc fileColumns) (string, error) {
	if f.Type == "PARQUET" {
		if ref.Col != 1 {
			return "", Errorf(ErrSyntax, "42000", "SQL compilation error: a Parquet file has a single column $1 (the row); use $1:field instead of $%d", ref.Col)
		}
		if len(ref.Path) == 0 {
			return "to_json(src)", nil
		}
		idx := -1
		for i, n := range fc.Names {
			if n == ref.Path[0] {
				idx = i
				break
			}
		}
		if idx < 0 {
			return "NULL", nil // a missing field reads as NULL, as in Snowflake
		}
		e := "src." + quoteDuck(fc.Names[idx])
		for _, p := range ref.Path[1:] {
			e = "(" + e + ")." + quoteDuck(p)
		}
		return e, nil
	}
	if len(ref.Path) > 0 {
		return "", Errorf(ErrSyntax, "42000", "SQL compilation error: CSV columns have no fields: $%d:%s", ref.Col, strings.Join(ref.Path, "."))
	}
	if ref.Col < 1 || ref.Col > len(fc.Names) {
		return "NULL", nil
	}
	return f.csvValue("src." + quoteDuck(fc.Names[ref.Col-1])), nil
}
