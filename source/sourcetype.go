package source

import (
	"strconv"
	"strings"
)

// SourceColumn is a column as the catalog describes it.
type SourceColumn struct {
	Name     string
	Type     string // formatted type, e.g. "numeric(12,2)", "character varying(10)", "integer[]"
	Nullable bool
	// UserDefined marks enums, composites, domains over them and other types outside
	// the built-in catalog: they travel as text.
	UserDefined bool
}

// ParsedType splits a formatted source type into its base name (lower case, single
// spaces, modifiers removed), modifiers and array flag.
type ParsedType struct {
	Base    string
	Mods    []int
	HasMods bool
	Array   bool
}

// aliases maps the short spellings users write in columnTypeMappings to the names
// format_type prints, so that "int4", "integer" and "INT" all name the same type.
var aliases = map[string]string{
	"int": "integer", "int4": "integer", "int2": "smallint", "int8": "bigint",
	"float4": "real", "float8": "double precision", "float": "double precision",
	"bool": "boolean", "decimal": "numeric",
	"varchar": "character varying", "char": "character", "bpchar": "character",
	"timestamp": "timestamp without time zone", "timestamptz": "timestamp with time zone",
	"time": "time without time zone", "timetz": "time with time zone",
	"varbit": "bit varying", "varbyte": "binary varying", "character varying": "character varying",
}

// ParseType parses a formatted type such as "timestamp(3) with time zone" or
// "numeric(10,2)[]".
func ParseType(t string) ParsedType {
	var p ParsedType
	s := strings.ToLower(strings.TrimSpace(t))
	for strings.HasSuffix(s, "[]") {
		p.Array = true
		s = strings.TrimSpace(strings.TrimSuffix(s, "[]"))
	}
	if i := strings.IndexByte(s, '('); i >= 0 {
		if j := strings.IndexByte(s[i:], ')'); j > 0 {
			p.HasMods = true
			for _, m := range strings.Split(s[i+1:i+j], ",") {
				if n, err := strconv.Atoi(strings.TrimSpace(m)); err == nil {
					p.Mods = append(p.Mods, n)
				}
			}
			s = s[:i] + s[i+j+1:]
		}
	}
	s = strings.Join(strings.Fields(s), " ")
	if a, ok := aliases[s]; ok {
		s = a
	}
	p.Base = s
	return p
}

// StripModifiers is the type without its modifiers (for casts of bound literals:
// a cast to varchar(3) would truncate, a cast to varchar never does).
func StripModifiers(t string) string {
	p := ParseType(t)
	if p.Array {
		return p.Base + "[]"
	}
	return p.Base
}

// Normalized is the comparable spelling of a type for columnTypeMappings matching.
func (p ParsedType) Normalized() string {
	s := p.Base
	if p.HasMods {
		parts := make([]string, len(p.Mods))
		for i, m := range p.Mods {
			parts[i] = strconv.Itoa(m)
		}
		s += "(" + strings.Join(parts, ",") + ")"
	}
	if p.Array {
		s += "[]"
	}
	return s
}

// Mod returns modifier i or def when absent.
func (p ParsedType) Mod(i, def int) int {
	if i < len(p.Mods) {
		return p.Mods[i]
	}
	return def
}

// IsTextLike reports base types whose binary wire form is their UTF-8 text.
func IsTextLike(base string) bool {
	switch base {
	case "text", "character varying", "character", "name", "citext":
		return true
	}
	return false
}
