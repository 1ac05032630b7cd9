package config

import (
	"reflect"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// The schema check walks the decoded JSON tree alongside the Go model (reflection over
// the json tags), so every unknown field and type mismatch is reported with its JSON path
// in one pass, instead of encoding/json's first-error-only, path-less messages.

var partitionSizeType = reflect.TypeOf(PartitionSize{})

// jsonField is one field of a model struct as JSON sees it.
type jsonField struct {
	name string
	typ  reflect.Type
}

func jsonFields(t reflect.Type) []jsonField {
	var out []jsonField
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, jsonField{name: name, typ: f.Type})
	}
	return out
}

func joinKey(path, key string) string {
	if isPlainKey(key) {
		if path == "" {
			return key
		}
		return path + "." + key
	}
	return path + "[" + strconv.Quote(key) + "]"
}

func isPlainKey(k string) bool {
	if k == "" {
		return false
	}
	for _, r := range k {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' {
			return false
		}
	}
	return true
}

func joinIndex(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

func rootPath(path string) string {
	if path == "" {
		return "$"
	}
	return path
}

// checkSchema appends a problem for every place where n does not fit t.
func checkSchema(t reflect.Type, n *jsonNode, path string, probs *[]Problem) {
	if n.kind == kindNull {
		return // null means "not set", as encoding/json treats it
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == partitionSizeType {
		checkPartitionSizeSchema(n, path, probs)
		return
	}
	want := ""
	switch t.Kind() {
	case reflect.Struct:
		if n.kind != kindObject {
			want = "an object"
			break
		}
		checkObject(t, n, path, probs)
		return
	case reflect.Slice:
		if n.kind != kindArray {
			want = "a list"
			if n.kind == kindString && t.Elem().Kind() == reflect.String {
				want = "a list (write [\"" + n.str + "\"])"
			}
			break
		}
		for i, item := range n.items {
			checkSchema(t.Elem(), item, joinIndex(path, i), probs)
		}
		return
	case reflect.String:
		if n.kind == kindString {
			return
		}
		want = "a string"
	case reflect.Bool:
		if n.kind == kindBool {
			return
		}
		want = "true or false"
	case reflect.Int, reflect.Int64, reflect.Int32:
		if n.kind == kindNumber {
			if _, err := n.num.Int64(); err == nil {
				return
			}
			// Say which rule the number breaks: "found a number" alone reads as nonsense
			// for 1.5 or 99999999999999999999.
			if !strings.ContainsAny(n.num.String(), ".eE") {
				*probs = append(*probs, Problem{Path: rootPath(path), Message: n.num.String() + " is out of range: want a whole number between -9223372036854775808 and 9223372036854775807 (and within this field's own limit)"})
				return
			}
			*probs = append(*probs, Problem{Path: rootPath(path), Message: "want a whole number, found " + n.num.String() + " (write it without a fraction or exponent)"})
			return
		}
		want = "a whole number"
	case reflect.Float64:
		if n.kind == kindNumber {
			if _, err := n.num.Float64(); err == nil {
				return
			}
			*probs = append(*probs, Problem{Path: rootPath(path), Message: n.num.String() + " is out of range for a number"})
			return
		}
		want = "a number"
	default:
		want = t.Kind().String()
	}
	*probs = append(*probs, Problem{Path: rootPath(path), Message: "want " + want + ", found " + n.kind.describe()})
}

func checkObject(t reflect.Type, n *jsonNode, path string, probs *[]Problem) {
	fields := jsonFields(t)
	byName := map[string]reflect.Type{}
	for _, f := range fields {
		byName[f.name] = f.typ
	}
	seen := map[string]bool{}
	for i, key := range n.keys {
		p := joinKey(path, key)
		if seen[key] {
			*probs = append(*probs, Problem{Path: p, Message: "field written twice; keep one"})
			continue
		}
		seen[key] = true
		ft, ok := byName[key]
		if !ok {
			*probs = append(*probs, Problem{Path: p, Message: unknownFieldMessage(key, fields)})
			continue
		}
		checkSchema(ft, n.vals[i], p, probs)
	}
}

func checkPartitionSizeSchema(n *jsonNode, path string, probs *[]Problem) {
	const forms = `use "auto", {"targetSizeMb": N} or {"maxRowsPerPartition": N}`
	switch n.kind {
	case kindString:
		if n.str != PartitionSizeAuto {
			*probs = append(*probs, Problem{Path: path, Message: strconv.Quote(n.str) + " is not a partition size: " + forms})
		}
	case kindObject:
		checkObject(reflect.TypeOf(struct {
			TargetSizeMB        int64 `json:"targetSizeMb"`
			MaxRowsPerPartition int64 `json:"maxRowsPerPartition"`
		}{}), n, path, probs)
	default:
		*probs = append(*probs, Problem{Path: path, Message: "want \"auto\" or an object, found " + n.kind.describe() + ": " + forms})
	}
}

// unknownFieldMessage suggests the field the user probably meant: a near spelling at the
// same level, or the same name one level down (e.g. `tableName` written beside `source`).
func unknownFieldMessage(key string, fields []jsonField) string {
	best, bestD := "", 1<<30
	for _, f := range fields {
		d := editDistance(strings.ToLower(key), strings.ToLower(f.name))
		if d < bestD {
			best, bestD = f.name, d
		}
	}
	if best != "" && (bestD == 0 || bestD <= 2 || bestD*3 <= len(key)) {
		return "unknown field; did you mean " + best + "?"
	}
	var nested []string
	for _, f := range fields {
		t := f.typ
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || t == partitionSizeType {
			continue
		}
		for _, g := range jsonFields(t) {
			if g.name == key {
				nested = append(nested, f.name+"."+key)
			}
		}
	}
	if len(nested) > 0 {
		sort.Strings(nested)
		return "unknown field at this level; did you mean " + strings.Join(nested, " or ") + "?"
	}
	names := make([]string, 0, len(fields))
	for _, f := range fields {
		names = append(names, f.name)
	}
	return "unknown field; the fields here are " + strings.Join(names, ", ")
}

// editDistance is the Levenshtein distance; keys are short, so the quadratic cost is nil.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
