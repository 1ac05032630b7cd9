package engine

import (
	"fmt"
	"strconv"
	"strings"
)

// fileFormat is a normalized FILE_FORMAT: Snowflake defaults filled in.
type fileFormat struct {
	Type             string // CSV or PARQUET
	Delimiter        string
	SkipHeader       int
	Enclosed         string // "" = NONE
	Escape           string // "" = NONE
	NullIf           []string
	EmptyFieldAsNull bool
	Compression      string // DuckDB compression: auto, gzip, zstd, none
	ColumnCountCheck bool   // ERROR_ON_COLUMN_COUNT_MISMATCH
	TrimSpace        bool
	ParseHeader      bool // CSV: the first line names the columns (for MATCH_BY_COLUMN_NAME)
}

// ignoredFormatOptions are accepted and have no effect here (documented in stages.md).
var ignoredFormatOptions = map[string]bool{
	"RECORD_DELIMITER": true, "DATE_FORMAT": true, "TIME_FORMAT": true, "TIMESTAMP_FORMAT": true,
	"BINARY_FORMAT": true, "ESCAPE_UNENCLOSED_FIELD": true, "SKIP_BLANK_LINES": true, "ENCODING": true,
	"VALIDATE_UTF8": true, "REPLACE_INVALID_CHARACTERS": true, "SKIP_BYTE_ORDER_MARK": true,
	"BINARY_AS_TEXT": true, "USE_LOGICAL_TYPE": true, "USE_VECTORIZED_SCANNER": true,
	"FILE_EXTENSION": true, "SNAPPY_COMPRESSION": true, "MULTI_LINE": true,
}

// checkFormatOptions validates and normalizes FILE_FORMAT options (without
// FORMAT_NAME, which the caller resolves first).
func checkFormatOptions(o stageOpts) (*fileFormat, error) {
	if _, ok := o["FORMAT_NAME"]; ok && len(o) == 1 {
		return nil, nil // a reference to a named format, resolved by formatFor
	}
	f := &fileFormat{Type: "CSV", Delimiter: ",", NullIf: []string{`\N`}, EmptyFieldAsNull: true,
		Compression: "auto", ColumnCountCheck: true}
	bad := func(key, val, want string) error {
		return Errorf(ErrSyntax, "42000", "SQL compilation error: invalid value [%s] for file format option %s: %s", val, key, want)
	}
	for key, v := range o {
		switch key {
		case "TYPE":
			f.Type = strings.ToUpper(v.Str)
			if f.Type != "CSV" && f.Type != "PARQUET" {
				return nil, bad(key, v.Str, "the emulator loads TYPE=CSV or TYPE=PARQUET")
			}
		case "FIELD_DELIMITER":
			f.Delimiter = v.Str
			if strings.EqualFold(v.Str, "NONE") && !v.Quoted || v.Str == "" {
				return nil, bad(key, v.Str, "give one delimiter character")
			}
		case "SKIP_HEADER":
			n, err := strconv.Atoi(v.Str)
			if err != nil || n < 0 {
				return nil, bad(key, v.Str, "expected a non-negative integer")
			}
			f.SkipHeader = n
		case "FIELD_OPTIONALLY_ENCLOSED_BY":
			if strings.EqualFold(v.Str, "NONE") && !v.Quoted {
				f.Enclosed = ""
			} else if len(v.Str) != 1 {
				return nil, bad(key, v.Str, `use '"', '\'' or NONE`)
			} else {
				f.Enclosed = v.Str
			}
		case "ESCAPE":
			if strings.EqualFold(v.Str, "NONE") && !v.Quoted {
				f.Escape = ""
			} else {
				f.Escape = v.Str
			}
		case "NULL_IF":
			f.NullIf = v.values()
			if v.IsList && len(v.List) == 0 {
				f.NullIf = nil
			}
		case "EMPTY_FIELD_AS_NULL":
			b, err := stageOpts{key: v}.boolOpt(key, true)
			if err != nil {
				return nil, err
			}
			f.EmptyFieldAsNull = b
		case "ERROR_ON_COLUMN_COUNT_MISMATCH":
			b, err := stageOpts{key: v}.boolOpt(key, true)
			if err != nil {
				return nil, err
			}
			f.ColumnCountCheck = b
		case "PARSE_HEADER":
			b, err := stageOpts{key: v}.boolOpt(key, false)
			if err != nil {
				return nil, err
			}
			f.ParseHeader = b
		case "TRIM_SPACE":
			b, err := stageOpts{key: v}.boolOpt(key, false)
			if err != nil {
				return nil, err
			}
			f.TrimSpace = b
		case "COMPRESSION":
			switch strings.ToUpper(v.Str) {
			case "AUTO", "AUTO_DETECT":
				f.Compression = "auto"
			case "GZIP":
				f.Compression = "gzip"
			case "ZSTD":
				f.Compression = "zstd"
			case "NONE":
				f.Compression = "none"
			case "SNAPPY", "LZO", "BROTLI":
				f.Compression = "auto" // Parquet-internal codecs: DuckDB reads them itself
			default:
				return nil, bad(key, v.Str, "the emulator supports AUTO, GZIP, ZSTD or NONE")
			}
		case "FORMAT_NAME":
			return nil, Errorf(ErrSyntax, "42000", "SQL compilation error: FORMAT_NAME cannot be combined with other file format options")
		default:
			if !ignoredFormatOptions[key] {
				return nil, Errorf(ErrSyntax, "42000", "SQL compilation error: invalid file format option '%s'", key)
			}
		}
	}
	if f.ParseHeader && f.SkipHeader > 0 {
		return nil, Errorf(ErrSyntax, "42000", "SQL compilation error: PARSE_HEADER = TRUE cannot be combined with SKIP_HEADER (the header line is read, not skipped)")
	}
	return f, nil
}

// formatFor picks the effective format of a COPY: the statement's FILE_FORMAT, else the
// stage's, else CSV defaults. FORMAT_NAME references are looked up in the catalog.
func formatFor(h stageHost, cat *stageCatalog, stmt stageOpts, st *stageDef) (*fileFormat, error) {
	opts := stmt
	if opts == nil && st != nil {
		opts = st.FileFormat
	}
	if opts == nil {
		opts = stageOpts{}
	}
	if fn, ok := opts["FORMAT_NAME"]; ok {
		if len(opts) != 1 {
			return nil, Errorf(ErrSyntax, "42000", "SQL compilation error: FORMAT_NAME cannot be combined with other file format options")
		}
		// FORMAT_NAME = 'my_fmt' or my_fmt: either way an identifier (MY_FMT).
		n, err := h.resolve(fn.Str)
		if err != nil {
			return nil, err
		}
		def := cat.getFormat(n.DB, n.Schema, n.Name)
		if def == nil {
			return nil, notExists("File format", n)
		}
		opts = def.Options
	}
	return checkFormatOptions(opts)
}

// csvReader renders the read_csv call for one file: every column as VARCHAR, so that
// the conversion to the target types (and its errors) stays under our control.
func (f *fileFormat) csvReader(path string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "read_csv(%s, header=%t, all_varchar=true, skip=%d, delim=%s, quote=%s, escape=%s, compression=%s, allow_quoted_nulls=false",
		quoteLit(path), f.ParseHeader, f.SkipHeader, quoteLit(f.Delimiter), quoteLit(f.Enclosed), quoteLit(f.escapeChar()), quoteLit(f.Compression))
	if f.EmptyFieldAsNull {
		b.WriteString(", nullstr=''")
	} else {
		// A string no file contains: empty fields then stay empty strings.
		b.WriteString(", nullstr='\x01__never_null__\x01'")
	}
	if !f.ColumnCountCheck {
		b.WriteString(", null_padding=true")
	}
	b.WriteString(")")
	return b.String()
}

func (f *fileFormat) escapeChar() string {
	if f.Escape != "" {
		return f.Escape
	}
	return f.Enclosed
}

// csvValue wraps a raw CSV column with NULL_IF and TRIM_SPACE handling.
func (f *fileFormat) csvValue(col string) string {
	e := col
	if f.TrimSpace {
		e = "trim(" + e + ")"
	}
	if len(f.NullIf) > 0 {
		lits := make([]string, len(f.NullIf))
		for i, s := range f.NullIf {
			lits[i] = quoteLit(s)
		}
		e = fmt.Sprintf("CASE WHEN %s IN (%s) THEN NULL ELSE %s END", e, strings.Join(lits, ", "), e)
	}
	return e
}

// reader renders the table function that reads one file.
func (f *fileFormat) reader(path string) string {
	if f.Type == "PARQUET" {
		return "read_parquet(" + quoteLit(path) + ")"
	}
	return f.csvReader(path)
}
