package engine

import (
	"fmt"
	"strings"
	"time"
)

// callArgs gives lazy access to a call's arguments.
type callArgs struct {
	t      *translator
	ranges [][2]int
	cache  map[int]*piece
}

func (a *callArgs) n() int { return len(a.ranges) }

func (a *callArgs) piece(k int) (*piece, error) {
	if p, ok := a.cache[k]; ok {
		return p, nil
	}
	ps, err := a.t.seq(a.ranges[k][0], a.ranges[k][1])
	if err != nil {
		return nil, err
	}
	p := &piece{text: joinPieces(ps)}
	if len(ps) == 1 {
		q := ps[0]
		q.text = p.text
		q.divisor = false
		p = &q
	}
	a.cache[k] = p
	return p, nil
}

// pieces gives already translated arguments (a.all() was called) by index.
func (a *callArgs) pieces(ks ...int) []piece {
	out := make([]piece, 0, len(ks))
	for _, k := range ks {
		if p, ok := a.cache[k]; ok {
			out = append(out, *p)
		} else {
			out = append(out, piece{text: "NULL"})
		}
	}
	return out
}

func (a *callArgs) s(k int) (string, error) {
	p, err := a.piece(k)
	if err != nil {
		return "", err
	}
	return p.text, nil
}

func (a *callArgs) all() ([]string, error) {
	out := make([]string, a.n())
	for k := range out {
		s, err := a.s(k)
		if err != nil {
			return nil, err
		}
		out[k] = s
	}
	return out, nil
}

// raw returns an argument that is a bare word or string (date parts, formats).
func (a *callArgs) raw(k int) string {
	r := a.ranges[k]
	if r[1]-r[0] != 1 {
		return ""
	}
	tk := a.t.toks[r[0]]
	if tk.Kind == TkWord || tk.Kind == TkString || tk.Kind == TkNumber {
		return strings.ToUpper(tk.Val)
	}
	return ""
}

// funcCall translates name(args) [WITHIN GROUP (ORDER BY …)].
func (t *translator) funcCall(i, end int) (piece, int, error) {
	name := t.toks[i].Val
	open := i + 1
	cl := matching(t.toks, open)
	if cl < 0 || cl >= end+1 {
		return piece{}, i, errSyntaxAt(t.toks[i], "; missing ')'")
	}
	args := &callArgs{t: t, ranges: splitTop(t.toks, open+1, cl), cache: map[int]*piece{}}
	j := cl + 1
	within := ""
	if j+2 < end && t.toks[j].Is("WITHIN") && t.toks[j+1].Is("GROUP") && t.toks[j+2].IsOp("(") {
		wcl := matching(t.toks, j+2)
		ps, err := t.seq(j+3, wcl)
		if err != nil {
			return piece{}, i, err
		}
		within = " " + joinPieces(ps)
		j = wcl + 1
	}
	p, err := t.mapFunc(name, args, within)
	if err != nil {
		return piece{}, i, err
	}
	if p.fn == "" {
		p.fn = name
	}
	return p, j, nil
}

func simple(name string, args []string) string { return name + "(" + strings.Join(args, ", ") + ")" }

func (t *translator) mapFunc(name string, a *callArgs, within string) (piece, error) {
	need := func(min, max int) error {
		if a.n() < min || (max >= 0 && a.n() > max) {
			return Errorf(ErrSyntax, "42601", "SQL compilation error:\ninvalid number of arguments (%d) for function %s", a.n(), name)
		}
		return nil
	}
	switch name {
	case "IFF":
		if err := need(3, 3); err != nil {
			return piece{}, err
		}
		as, err := a.all()
		if err != nil {
			return piece{}, err
		}
		res := piece{text: "(CASE WHEN " + as[0] + " THEN " + as[1] + " ELSE " + as[2] + " END)"}
		return t.extCall(res, a.pieces(1, 2), func(x []string) string {
			return "(CASE WHEN " + as[0] + " THEN " + x[0] + " ELSE " + x[1] + " END)"
		}), nil
	case "NVL", "IFNULL":
		if err := need(2, 2); err != nil {
			return piece{}, err
		}
		as, err := a.all()
		if err != nil {
			return piece{}, err
		}
		p0, _ := a.piece(0)
		res := piece{text: simple("COALESCE", as), hint: p0.hint}
		return t.extCall(res, a.pieces(0, 1), func(x []string) string { return simple("COALESCE", x) }), nil
	case "NVL2":
		if err := need(3, 3); err != nil {
			return piece{}, err
		}
		as, err := a.all()
		if err != nil {
			return piece{}, err
		}
		res := piece{text: "(CASE WHEN " + as[0] + " IS NOT NULL THEN " + as[1] + " ELSE " + as[2] + " END)"}
		return t.extCall(res, a.pieces(1, 2), func(x []string) string {
			return "(CASE WHEN " + as[0] + " IS NOT NULL THEN " + x[0] + " ELSE " + x[1] + " END)"
		}), nil
	case "ZEROIFNULL":
		if err := need(1, 1); err != nil {
			return piece{}, err
		}
		s, err := a.s(0)
		return piece{text: "COALESCE(" + s + ", 0)"}, err
	case "NULLIFZERO":
		s, err := a.s(0)
		return piece{text: "NULLIF(" + s + ", 0)"}, err
	case "DIV0":
		if err := need(2, 2); err != nil {
			return piece{}, err
		}
		as, err := a.all()
		if err != nil {
			return piece{}, err
		}
		return piece{text: "(CASE WHEN (" + as[1] + ") = 0 THEN 0 ELSE (" + as[0] + ") / (" + as[1] + ") END)"}, nil
	case "EQUAL_NULL":
		as, err := a.all()
		if err != nil || len(as) != 2 {
			return piece{}, firstErr(err, need(2, 2))
		}
		return piece{text: "(" + as[0] + " IS NOT DISTINCT FROM " + as[1] + ")", hint: hintBool}, nil
	case "DECODE":
		as, err := a.all()
		if err != nil || len(as) < 3 {
			return piece{}, firstErr(err, need(3, -1))
		}
		var b strings.Builder
		b.WriteString("(CASE")
		k := 1
		for ; k+1 < len(as); k += 2 {
			b.WriteString(" WHEN " + as[0] + " IS NOT DISTINCT FROM " + as[k] + " THEN " + as[k+1])
		}
		if k < len(as) {
			b.WriteString(" ELSE " + as[k])
		}
		b.WriteString(" END)")
		return piece{text: b.String()}, nil
	case "COUNT_IF":
		as, err := a.all()
		return piece{text: simple("count_if", as), hint: hintCount}, err
	case "COUNT":
		as, err := a.all()
		return piece{text: simple("count", as), hint: hintCount}, err
	case "HASH":
		h, err := t.hashExpr(a)
		if err != nil {
			return piece{}, err
		}
		return piece{text: signed64(h), hint: hintHash}, nil
	case "HASH_AGG":
		h, err := t.hashExpr(a)
		if err != nil {
			return piece{}, err
		}
		// sum of unsigned row hashes modulo 2^64: order-independent, and duplicates
		// do not cancel out (unlike XOR).
		return piece{text: signed64("CAST(COALESCE(sum(" + h + "), 0) % 18446744073709551616 AS HUGEINT)"), hint: hintHash}, nil
	case "MD5_NUMBER_UPPER64", "MD5_NUMBER_LOWER64":
		return t.md5Number(name, a)
	case "CONVERT_TIMEZONE":
		return t.convertTimezone(a)
	case "MD5", "MD5_HEX":
		as, err := a.all()
		return piece{text: simple("md5", as), hint: &sfType{Base: "VARCHAR", Length: 32}}, err
	case "SHA2", "SHA2_HEX":
		if err := need(1, 2); err != nil {
			return piece{}, err
		}
		if a.n() == 2 {
			if bits := a.raw(1); bits != "256" && bits != "" {
				return piece{}, unsupported("SHA2 with %s bits (only 256)", bits)
			}
		}
		s, err := a.s(0)
		return piece{text: "sha256(" + s + ")", hint: &sfType{Base: "VARCHAR", Length: 64}}, err
	case "TO_VARCHAR", "TO_CHAR", "TO_CHARACTER":
		return t.toVarchar(a)
	case "TO_NUMBER", "TO_DECIMAL", "TO_NUMERIC", "TRY_TO_NUMBER", "TRY_TO_DECIMAL", "TRY_TO_NUMERIC":
		if err := need(1, 4); err != nil {
			return piece{}, err
		}
		st := sfType{Base: "NUMBER", Precision: 38}
		k := 1
		if a.n() > 1 && a.t.toks[a.ranges[1][0]].Kind == TkString {
			return piece{}, unsupported("%s with a format argument", name)
		}
		if a.n() > k {
			fmt.Sscan(a.raw(k), &st.Precision)
			if a.n() > k+1 {
				fmt.Sscan(a.raw(k+1), &st.Scale)
			}
		}
		p, err := a.piece(0)
		if err != nil {
			return piece{}, err
		}
		return t.castPiece(*p, st, strings.HasPrefix(name, "TRY_")), nil
	case "TO_DOUBLE", "TRY_TO_DOUBLE":
		p, err := a.piece(0)
		if err != nil {
			return piece{}, err
		}
		return t.castPiece(*p, sfType{Base: "FLOAT"}, strings.HasPrefix(name, "TRY_")), nil
	case "TO_BOOLEAN", "TRY_TO_BOOLEAN":
		p, err := a.piece(0)
		if err != nil {
			return piece{}, err
		}
		return t.castPiece(*p, sfType{Base: "BOOLEAN"}, strings.HasPrefix(name, "TRY_")), nil
	case "TO_DATE", "DATE", "TRY_TO_DATE":
		return t.toTemporal(name, a, sfType{Base: "DATE"})
	case "TO_TIME", "TIME", "TRY_TO_TIME":
		return t.toTemporal(name, a, sfType{Base: "TIME", Precision: 9})
	case "TO_TIMESTAMP", "TO_TIMESTAMP_NTZ", "TRY_TO_TIMESTAMP", "TRY_TO_TIMESTAMP_NTZ":
		return t.toTemporal(name, a, *hintNTZ)
	case "TO_TIMESTAMP_LTZ", "TRY_TO_TIMESTAMP_LTZ":
		return t.toTemporal(name, a, *hintLTZ)
	case "TO_TIMESTAMP_TZ", "TRY_TO_TIMESTAMP_TZ":
		return t.toTemporal(name, a, *hintTZ)
	case "PARSE_JSON":
		s, err := a.s(0)
		return piece{text: "CAST(json(" + s + ") AS VARCHAR)", hint: hintVariant}, err
	case "TRY_PARSE_JSON":
		s, err := a.s(0)
		return piece{text: "(CASE WHEN json_valid(" + s + ") THEN CAST(json(" + s + ") AS VARCHAR) END)", hint: hintVariant}, err
	case "TO_VARIANT", "TO_OBJECT", "TO_ARRAY":
		p, err := a.piece(0)
		if err != nil {
			return piece{}, err
		}
		base := strings.TrimPrefix(name, "TO_")
		return t.castPiece(*p, sfType{Base: base}, false), nil
	case "TO_JSON":
		s, err := a.s(0)
		return piece{text: s, hint: hintVarchar}, err
	case "OBJECT_CONSTRUCT", "OBJECT_CONSTRUCT_KEEP_NULL":
		if a.n() == 1 && a.raw(0) == "" && a.t.toks[a.ranges[0][0]].IsOp("*") {
			return piece{}, unsupported("OBJECT_CONSTRUCT(*)")
		}
		as, err := a.all()
		if err != nil {
			return piece{}, err
		}
		if len(as)%2 != 0 {
			return piece{}, Errorf(ErrSyntax, "42601", "SQL compilation error:\nOBJECT_CONSTRUCT needs key/value pairs")
		}
		return piece{text: "CAST(json_object(" + strings.Join(as, ", ") + ") AS VARCHAR)", hint: hintObject}, nil
	case "ARRAY_CONSTRUCT":
		as, err := a.all()
		return piece{text: "CAST(json_array(" + strings.Join(as, ", ") + ") AS VARCHAR)", hint: hintArray}, err
	case "ARRAY_SIZE":
		s, err := a.s(0)
		return piece{text: "json_array_length(" + s + ")", hint: &sfType{Base: "NUMBER", Precision: 38}}, err
	case "ARRAY_AGG", "ARRAYAGG":
		as, err := a.all()
		return piece{text: "CAST(to_json(list(" + strings.Join(as, ", ") + within + ")) AS VARCHAR)", hint: hintArray}, err
	case "GET_PATH", "GET":
		p, err := a.piece(0)
		if err != nil {
			return piece{}, err
		}
		r := a.ranges[1]
		tk := t.toks[r[0]]
		if r[1]-r[0] != 1 || (tk.Kind != TkString && tk.Kind != TkNumber) {
			return piece{}, unsupported("%s with a computed path", name)
		}
		path := "$." + tk.Val
		if tk.Kind == TkNumber {
			path = "$[" + tk.Text + "]"
		} else if name == "GET" {
			path = `$."` + tk.Val + `"`
		}
		return piece{text: "json_extract(" + p.text + ", " + qstr(path) + ")::VARCHAR", hint: hintVariant, path: &pathExpr{base: p.text, path: path}}, nil
	case "LISTAGG", "STRING_AGG":
		if err := need(1, 2); err != nil {
			return piece{}, err
		}
		as, err := a.all()
		if err != nil {
			return piece{}, err
		}
		sep := "''"
		if len(as) == 2 {
			sep = as[1]
		}
		return piece{text: "string_agg(" + as[0] + ", " + sep + within + ")", hint: hintVarchar}, nil
	case "LEN", "LENGTH", "CHAR_LENGTH", "CHARACTER_LENGTH":
		as, err := a.all()
		return piece{text: simple("length", as)}, err
	case "CONTAINS":
		as, err := a.all()
		return piece{text: simple("contains", as), hint: hintBool}, err
	case "STARTSWITH":
		as, err := a.all()
		return piece{text: simple("starts_with", as), hint: hintBool}, err
	case "ENDSWITH":
		as, err := a.all()
		return piece{text: simple("ends_with", as), hint: hintBool}, err
	case "REGEXP_LIKE":
		as, err := a.all()
		return piece{text: simple("regexp_full_match", as), hint: hintBool}, err
	case "CHARINDEX":
		as, err := a.all()
		if err != nil || len(as) != 2 {
			return piece{}, firstErr(err, unsupported("CHARINDEX with a start position"))
		}
		return piece{text: "strpos(" + as[1] + ", " + as[0] + ")"}, nil
	case "HEX_ENCODE":
		as, err := a.all()
		return piece{text: "upper(hex(" + as[0] + "))"}, err
	case "BASE64_ENCODE":
		as, err := a.all()
		return piece{text: simple("to_base64", as)}, err
	case "TO_BINARY":
		as, err := a.all()
		if err != nil {
			return piece{}, err
		}
		if len(as) > 1 && a.raw(1) != "HEX" {
			return piece{}, unsupported("TO_BINARY format %s (only HEX)", a.raw(1))
		}
		return piece{text: "from_hex(" + as[0] + ")", hint: &sfType{Base: "BINARY", Length: 8388608}}, nil
	case "UUID_STRING":
		return piece{text: "CAST(gen_random_uuid() AS VARCHAR)"}, nil
	case "BOOLAND_AGG":
		as, err := a.all()
		return piece{text: simple("bool_and", as)}, err
	case "BOOLOR_AGG":
		as, err := a.all()
		return piece{text: simple("bool_or", as)}, err
	case "SQUARE":
		s, err := a.s(0)
		return piece{text: "((" + s + ") * (" + s + "))"}, err
	case "DATEADD", "TIMEADD", "TIMESTAMPADD":
		return t.dateAdd(name, a)
	case "DATEDIFF", "TIMEDIFF", "TIMESTAMPDIFF":
		if err := need(3, 3); err != nil {
			return piece{}, err
		}
		part := datePart(a.raw(0))
		if part == "" {
			return piece{}, Errorf(ErrSyntax, "42601", "SQL compilation error:\ninvalid date part for %s", name)
		}
		if _, err := a.all(); err != nil {
			return piece{}, err
		}
		ps := a.pieces(1, 2)
		// DuckDB without ICU has no date_diff on TIMESTAMPTZ: LTZ/TZ values are
		// compared on the session's wall clock
		x, y := t.s.instantWall(ps[0]), t.s.instantWall(ps[1])
		return piece{text: "date_diff(" + qstr(strings.ToLower(part)) + ", " + x + ", " + y + ")", hint: &sfType{Base: "NUMBER", Precision: 18}}, nil
	case "DATE_TRUNC", "TRUNC":
		if name == "TRUNC" && (a.n() != 2 || datePart(a.raw(0)) == "") {
			as, err := a.all()
			return piece{text: simple("trunc", as)}, err
		}
		part := datePart(a.raw(0))
		if part == "" {
			return piece{}, Errorf(ErrSyntax, "42601", "SQL compilation error:\ninvalid date part for %s", name)
		}
		p, err := a.piece(1)
		if err != nil {
			return piece{}, err
		}
		txt := "date_trunc(" + qstr(strings.ToLower(part)) + ", " + p.text + ")"
		if w := t.s.instantWall(*p); w != p.text {
			// LTZ/TZ: truncated on the session's wall clock (no ICU for TIMESTAMPTZ)
			txt = t.s.ntzToLTZ("date_trunc(" + qstr(strings.ToLower(part)) + ", " + w + ")")
		}
		if p.hint != nil {
			txt = "CAST(" + txt + " AS " + p.hint.valueDuck() + ")"
		}
		return piece{text: txt, hint: p.hint}, nil
	case "LAST_DAY":
		s, err := a.s(0)
		return piece{text: "last_day(" + s + ")", hint: hintDate}, err
	case "YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND", "QUARTER", "WEEK", "DAYOFWEEK", "DAYOFYEAR", "DAYOFMONTH":
		s, err := a.s(0)
		return piece{text: "date_part(" + qstr(strings.ToLower(name)) + ", " + s + ")"}, err
	case "REPLACE":
		return t.replaceCall(a)
	case "CONCAT":
		return t.concatCall(a)
	case "SPLIT_PART", "SUBSTR", "SUBSTRING", "UPPER", "LOWER", "TRIM", "LTRIM", "RTRIM",
		"LPAD", "RPAD", "REVERSE", "ABS", "ROUND", "FLOOR", "CEIL", "MOD", "POWER", "POW", "SQRT", "LN", "LOG",
		"EXP", "SIGN", "SUM", "MIN", "MAX", "AVG", "MEDIAN", "COALESCE", "NULLIF", "GREATEST", "LEAST",
		"ROW_NUMBER", "RANK", "DENSE_RANK", "LAG", "LEAD", "FIRST_VALUE", "LAST_VALUE", "NTILE", "ANY_VALUE",
		"STDDEV", "STDDEV_SAMP", "STDDEV_POP", "VARIANCE", "VAR_SAMP", "VAR_POP", "APPROX_COUNT_DISTINCT",
		"LEFT", "RIGHT", "ASCII", "CHR", "INITCAP", "REPEAT", "POSITION", "CEILING", "PERCENT_RANK",
		"CUME_DIST", "NTH_VALUE", "REGEXP_REPLACE", "TRANSLATE", "CORR", "COVAR_POP", "COVAR_SAMP",
		"BIT_AND", "BIT_OR", "BIT_XOR", "BITAND", "BITOR", "BITXOR", "PI", "RANDOM", "SIN", "COS", "TAN":
		as, err := a.all()
		if err != nil {
			return piece{}, err
		}
		var h *sfType
		if (name == "MIN" || name == "MAX" || name == "ANY_VALUE" || name == "COALESCE" || name == "FIRST_VALUE" || name == "LAST_VALUE" || name == "LAG" || name == "LEAD") && len(as) > 0 {
			if p, _ := a.piece(0); p != nil {
				h = p.hint
			}
		}
		if name == "UPPER" || name == "LOWER" || name == "TRIM" || name == "LTRIM" || name == "RTRIM" || name == "CONCAT" || name == "REPLACE" || name == "SPLIT_PART" || name == "SUBSTR" || name == "SUBSTRING" {
			h = hintVarchar
		}
		if name == "BITAND" || name == "BITOR" || name == "BITXOR" {
			op := map[string]string{"BITAND": "&", "BITOR": "|", "BITXOR": "xor"}[name]
			if op == "xor" {
				return piece{text: simple("xor", as)}, nil
			}
			return piece{text: "(" + strings.Join(as, " "+op+" ") + ")"}, nil
		}
		if name == "CHR" {
			name = "chr"
		}
		if name == "COALESCE" || name == "GREATEST" || name == "LEAST" {
			idx := make([]int, len(as))
			for k := range idx {
				idx[k] = k
			}
			return t.extCall(piece{text: simple(name, as), hint: h}, a.pieces(idx...), func(x []string) string { return simple(name, x) }), nil
		}
		return piece{text: simple(name, as), hint: h}, nil
	case "CURRENT_DATABASE", "CURRENT_SCHEMA", "CURRENT_USER", "CURRENT_ROLE", "CURRENT_WAREHOUSE",
		"CURRENT_ACCOUNT", "CURRENT_REGION", "CURRENT_VERSION", "CURRENT_SESSION", "CURRENT_TIMESTAMP",
		"CURRENT_DATE", "CURRENT_TIME", "SYSDATE", "GETDATE", "LOCALTIMESTAMP", "SYSTIMESTAMP", "CURRENT_CLIENT",
		"CURRENT_ACCOUNT_NAME", "CURRENT_ORGANIZATION_NAME", "LOCALTIME", "CURRENT_TRANSACTION":
		p, ok := t.s.specialValueOf(name)
		if !ok {
			return piece{}, unsupported("function %s", name)
		}
		return p, nil
	case "FLATTEN", "GENERATOR", "RESULT_SCAN", "SEQ1", "SEQ2", "SEQ4", "SEQ8", "OBJECT_KEYS", "ARRAY_CAT",
		"ARRAY_APPEND", "ARRAY_CONTAINS", "OBJECT_INSERT", "OBJECT_DELETE", "SYSTEM$TYPEOF", "TYPEOF", "IS_NULL_VALUE":
		return piece{}, unsupported("function %s", name)
	}
	// Anything else goes through unchanged; DuckDB reports unknown functions, which
	// become Snowflake's "Unknown function" error.
	as, err := a.all()
	if err != nil {
		return piece{}, err
	}
	if within != "" {
		return piece{}, unsupported("WITHIN GROUP for %s", name)
	}
	return piece{text: simple(strings.ToLower(name), as)}, nil
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// signed64 converts an unsigned 64-bit DuckDB value to Snowflake's signed NUMBER(19,0).
func signed64(u string) string {
	return "CAST(CAST(" + u + " AS HUGEINT) - (CASE WHEN CAST(" + u + " AS HUGEINT) >= 9223372036854775808 THEN 18446744073709551616 ELSE 0 END) AS BIGINT)"
}

// hashExpr hashes the call's arguments (or, for *, every column of the row).
func (t *translator) hashExpr(a *callArgs) (string, error) {
	if a.n() == 1 && a.ranges[0][1]-a.ranges[0][0] == 1 && t.toks[a.ranges[0][0]].IsOp("*") {
		return "hash(*COLUMNS(*))", nil
	}
	as, err := a.all()
	if err != nil {
		return "", err
	}
	if len(as) == 0 {
		return "", Errorf(ErrSyntax, "42601", "SQL compilation error:\nHASH needs at least one argument")
	}
	return "hash(" + strings.Join(as, ", ") + ")", nil
}

// datePart normalises a Snowflake date/time part name to DuckDB's, or "".
func datePart(p string) string {
	switch strings.Trim(strings.ToUpper(p), "'") {
	case "YEAR", "YEARS", "Y", "YY", "YYY", "YYYY", "YR", "YRS":
		return "YEAR"
	case "QUARTER", "QUARTERS", "Q", "QTR", "QTRS":
		return "QUARTER"
	case "MONTH", "MONTHS", "MM", "MON", "MONS":
		return "MONTH"
	case "WEEK", "WEEKS", "W", "WK", "WEEKOFYEAR", "WOY", "WY":
		return "WEEK"
	case "DAY", "DAYS", "D", "DD", "DAYOFMONTH":
		return "DAY"
	case "HOUR", "HOURS", "H", "HH", "HR", "HRS":
		return "HOUR"
	case "MINUTE", "MINUTES", "M", "MI", "MIN", "MINS":
		return "MINUTE"
	case "SECOND", "SECONDS", "S", "SEC", "SECS":
		return "SECOND"
	case "MILLISECOND", "MILLISECONDS", "MS", "MSEC":
		return "MILLISECOND"
	case "MICROSECOND", "MICROSECONDS", "US", "USEC":
		return "MICROSECOND"
	case "NANOSECOND", "NANOSECONDS", "NS", "NSEC":
		return "NANOSECOND"
	case "DAYOFWEEK", "DOW", "WEEKDAY":
		return "DOW"
	case "DAYOFYEAR", "DOY", "YEARDAY":
		return "DOY"
	case "EPOCH_SECOND", "EPOCH", "EPOCH_SECONDS":
		return "EPOCH"
	}
	return ""
}

// dateAdd translates DATEADD(part, n, x).
func (t *translator) dateAdd(name string, a *callArgs) (piece, error) {
	if a.n() != 3 {
		return piece{}, Errorf(ErrSyntax, "42601", "SQL compilation error:\ninvalid number of arguments (%d) for function %s", a.n(), name)
	}
	part := datePart(a.raw(0))
	if part == "" || part == "DOW" || part == "DOY" || part == "EPOCH" {
		return piece{}, Errorf(ErrSyntax, "42601", "SQL compilation error:\ninvalid date part for %s", name)
	}
	n, err := a.s(1)
	if err != nil {
		return piece{}, err
	}
	x, err := a.piece(2)
	if err != nil {
		return piece{}, err
	}
	var iv string
	switch part {
	case "QUARTER":
		iv = "to_months(CAST((" + n + ") * 3 AS INTEGER))"
	case "WEEK":
		iv = "to_days(CAST((" + n + ") * 7 AS INTEGER))"
	case "NANOSECOND":
		iv = "to_microseconds(CAST((" + n + ") / 1000 AS BIGINT))"
	default:
		fn := map[string]string{"YEAR": "to_years", "MONTH": "to_months", "DAY": "to_days", "HOUR": "to_hours",
			"MINUTE": "to_minutes", "SECOND": "to_seconds", "MILLISECOND": "to_milliseconds", "MICROSECOND": "to_microseconds"}[part]
		cast := "INTEGER"
		if part == "SECOND" || part == "MILLISECOND" || part == "MICROSECOND" || part == "MINUTE" || part == "HOUR" {
			cast = "BIGINT"
		}
		iv = fn + "(CAST(" + n + " AS " + cast + "))"
	}
	txt := "(" + x.text + " + " + iv + ")"
	h := x.hint
	if h != nil && (h.Base == "TIMESTAMP_TZ" || h.Base == "TIMESTAMP_LTZ") {
		// DuckDB (no ICU) adds intervals to TIMESTAMP only: add on the UTC wall clock.
		txt = "CAST(CAST(" + x.text + " AS TIMESTAMP) + " + iv + " AS TIMESTAMPTZ)"
	}
	if h != nil && h.Base == "DATE" && (part == "YEAR" || part == "QUARTER" || part == "MONTH" || part == "WEEK" || part == "DAY") {
		txt = "CAST(" + txt + " AS DATE)"
	} else if h != nil && h.Base == "DATE" {
		h = hintNTZ
	}
	return piece{text: txt, hint: h}, nil
}

// extractCall translates EXTRACT(part FROM x) and DATE_PART(part, x).
func (t *translator) extractCall(i, end int) (piece, int, error) {
	cl := matching(t.toks, i+1)
	if cl < 0 {
		return piece{}, i, errSyntaxAt(t.toks[i], "; missing ')'")
	}
	part := datePart(t.toks[i+2].Val)
	if part == "" {
		return piece{}, i, Errorf(ErrSyntax, "42601", "SQL compilation error:\ninvalid date part '%s'", t.toks[i+2].Text)
	}
	k := i + 3
	if t.toks[k].Is("FROM") || t.toks[k].IsOp(",") {
		k++
	} else {
		return piece{}, i, errSyntaxAt(t.toks[k], "")
	}
	x, _, err := t.exprRange(k, cl)
	if err != nil {
		return piece{}, i, err
	}
	return piece{text: "date_part(" + qstr(strings.ToLower(part)) + ", " + x + ")"}, cl + 1, nil
}

// toVarchar translates TO_VARCHAR(x [, format]).
func (t *translator) toVarchar(a *callArgs) (piece, error) {
	if a.n() < 1 || a.n() > 2 {
		return piece{}, Errorf(ErrSyntax, "42601", "SQL compilation error:\ninvalid number of arguments for TO_VARCHAR")
	}
	p, err := a.piece(0)
	if err != nil {
		return piece{}, err
	}
	if p.ext == "" && p.zone == nil && p.hint != nil && p.hint.extended() && !isNullPiece(*p) && extConvertible(*p) {
		// an expression of an extended kind (DATE_TRUNC(…, tz), MAX(tz), …): formatted
		// as its kind's values are (every FF digit, TZH:TZM)
		c := t.castExt(*p, *p.hint, false)
		q := *p
		q.ext, q.extBase = c.ext, c.extBase
		p = &q
	}
	if p.ext != "" {
		f := extDefaultFormat(p.extBase)
		if a.n() == 2 {
			r := a.ranges[1]
			if r[1]-r[0] != 1 || t.toks[r[0]].Kind != TkString {
				return piece{}, unsupported("TO_VARCHAR with a computed format")
			}
			f = t.toks[r[0]].Val
		}
		txt, ok := t.s.extFormat(p.ext, extHint(*p), f)
		if !ok {
			return piece{}, unsupported("TO_VARCHAR format %q", f)
		}
		return piece{text: txt, hint: hintVarchar}, nil
	}
	if a.n() == 1 {
		if p.hint != nil && (p.hint.Base == "TIMESTAMP_LTZ" || p.hint.Base == "TIMESTAMP_TZ") {
			wall, off := t.wallClock(p)
			return piece{text: "strftime(" + wall + ", '%Y-%m-%d %H:%M:%S.%g ') || " + qstr(off), hint: hintVarchar}, nil
		}
		return t.castPiece(*p, *hintVarchar, false), nil
	}
	r := a.ranges[1]
	if r[1]-r[0] != 1 || t.toks[r[0]].Kind != TkString {
		return piece{}, unsupported("TO_VARCHAR with a computed format")
	}
	f, ok := sfFormatToStrftime(t.toks[r[0]].Val)
	if !ok {
		return piece{}, unsupported("TO_VARCHAR format %q", t.toks[r[0]].Val)
	}
	if txt, ok := dateText(p, f); ok {
		return piece{text: txt, hint: hintVarchar}, nil
	}
	src := timeForFormat(p)
	if p.hint != nil && (p.hint.Base == "TIMESTAMP_LTZ" || p.hint.Base == "TIMESTAMP_TZ") {
		src, _ = t.wallClock(p)
	}
	return piece{text: "strftime(" + src + ", " + qstr(f) + ")", hint: hintVarchar}, nil
}

// sfFormatToStrftime converts a Snowflake date/time format to strftime.
func sfFormatToStrftime(f string) (string, bool) {
	repl := []struct{ sf, st string }{
		{"YYYY", "%Y"}, {"YY", "%y"}, {"MMMM", "%B"}, {"MON", "%b"}, {"MM", "%m"}, {"DD", "%d"}, {"DY", "%a"},
		{"HH24", "%H"}, {"HH12", "%I"}, {"HH", "%H"}, {"MI", "%M"}, {"SS", "%S"}, {"FF9", "%n"}, {"FF6", "%f"},
		{"FF3", "%g"}, {"FF", "%n"}, {"AM", "%p"}, {"PM", "%p"}, {"TZH:TZM", "%z"},
	}
	var b strings.Builder
	u := strings.ToUpper(f)
	for i := 0; i < len(f); {
		if f[i] == '"' {
			j := strings.IndexByte(f[i+1:], '"')
			if j < 0 {
				return "", false
			}
			b.WriteString(strings.ReplaceAll(f[i+1:i+1+j], "%", "%%"))
			i += j + 2
			continue
		}
		matched := false
		for _, r := range repl {
			if strings.HasPrefix(u[i:], r.sf) {
				b.WriteString(r.st)
				i += len(r.sf)
				matched = true
				break
			}
		}
		if matched {
			continue
		}
		c := f[i]
		if (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') {
			return "", false
		}
		if c == '%' {
			b.WriteString("%%")
		} else {
			b.WriteByte(c)
		}
		i++
	}
	return b.String(), true
}

// toTemporal translates TO_DATE/TO_TIME/TO_TIMESTAMP*(x [, format|scale]).
func (t *translator) toTemporal(name string, a *callArgs, st sfType) (piece, error) {
	if a.n() < 1 || a.n() > 2 {
		return piece{}, Errorf(ErrSyntax, "42601", "SQL compilation error:\ninvalid number of arguments for %s", name)
	}
	try := strings.HasPrefix(name, "TRY_")
	p, err := a.piece(0)
	if err != nil {
		return piece{}, err
	}
	if a.n() == 2 {
		r := a.ranges[1]
		tk := t.toks[r[0]]
		switch {
		case r[1]-r[0] == 1 && tk.Kind == TkString:
			f, ok := sfFormatToStrftime(tk.Val)
			if !ok {
				return piece{}, unsupported("%s format %q", name, tk.Val)
			}
			fn := "strptime"
			if try {
				fn = "try_strptime"
			}
			out := piece{text: "CAST(" + fn + "(" + p.text + ", " + qstr(f) + ") AS " + st.valueDuck() + ")"}
			out.hint = &st
			return out, nil
		case r[1]-r[0] == 1 && tk.Kind == TkNumber && strings.HasPrefix(st.Base, "TIMESTAMP"):
			// scaled epoch: TO_TIMESTAMP(n, 3) = milliseconds
			txt := "make_timestamp(CAST((" + p.text + ") * 1000000 / 10^" + tk.Text + " AS BIGINT))"
			if st.Base != "TIMESTAMP_NTZ" {
				txt = "CAST(" + txt + " AS TIMESTAMPTZ)"
			}
			return piece{text: txt, hint: &st}, nil
		}
		return piece{}, unsupported("%s with a computed format", name)
	}
	// numeric argument: seconds since the epoch
	if r := a.ranges[0]; r[1]-r[0] == 1 && t.toks[r[0]].Kind == TkNumber && strings.HasPrefix(st.Base, "TIMESTAMP") {
		txt := "make_timestamp(CAST(" + p.text + " * 1000000 AS BIGINT))"
		if st.Base != "TIMESTAMP_NTZ" {
			txt = "CAST(" + txt + " AS TIMESTAMPTZ)"
		}
		return piece{text: txt, hint: &st}, nil
	}
	return t.castPiece(*p, st, try), nil
}

// specialValue handles niladic keywords: CURRENT_TIMESTAMP, CURRENT_DATE, SYSDATE()…
func (t *translator) specialValue(i, end int) (piece, int, bool, error) {
	w := t.toks[i].Val
	switch w {
	case "CURRENT_TIMESTAMP", "CURRENT_DATE", "CURRENT_TIME", "LOCALTIMESTAMP", "LOCALTIME", "CURRENT_USER", "CURRENT_ROLE":
	default:
		return piece{}, i, false, nil
	}
	j := i + 1
	if j < end && t.toks[j].IsOp("(") {
		cl := matching(t.toks, j)
		if cl < 0 {
			return piece{}, i, true, errSyntaxAt(t.toks[j], "")
		}
		j = cl + 1
	}
	p, _ := t.s.specialValueOf(w)
	return p, j, true, nil
}

// specialValueOf is the literal value of a context function for this statement.
func (s *Session) specialValueOf(name string) (piece, bool) {
	now := s.stmtTime
	if now.IsZero() {
		now = time.Now()
	}
	local := now.In(s.tz)
	nullOr := func(v string) piece {
		if v == "" {
			return piece{text: "CAST(NULL AS VARCHAR)", hint: hintVarchar}
		}
		return piece{text: qstr(v), hint: hintVarchar}
	}
	switch name {
	case "CURRENT_TIMESTAMP", "LOCALTIMESTAMP", "GETDATE", "SYSTIMESTAMP":
		return piece{text: "TIMESTAMPTZ " + qstr(now.UTC().Format("2006-01-02 15:04:05.999999")+"+00"), hint: hintLTZ}, true
	case "SYSDATE":
		return piece{text: "TIMESTAMP " + qstr(now.UTC().Format("2006-01-02 15:04:05.999999")), hint: hintNTZ}, true
	case "CURRENT_DATE":
		return piece{text: "DATE " + qstr(local.Format("2006-01-02")), hint: hintDate}, true
	case "CURRENT_TIME", "LOCALTIME":
		return piece{text: "TIME " + qstr(local.Format("15:04:05.999999")), hint: &sfType{Base: "TIME", Precision: 9}}, true
	case "CURRENT_DATABASE":
		return nullOr(s.db), true
	case "CURRENT_SCHEMA":
		if s.db == "" {
			return nullOr(""), true
		}
		return nullOr(s.schema), true
	case "CURRENT_USER":
		return nullOr("EMULATOR"), true
	case "CURRENT_ROLE":
		return nullOr("ACCOUNTADMIN"), true
	case "CURRENT_WAREHOUSE":
		return nullOr("EMULATOR_WH"), true
	case "CURRENT_ACCOUNT", "CURRENT_ACCOUNT_NAME":
		return nullOr("LOCAL"), true
	case "CURRENT_ORGANIZATION_NAME":
		return nullOr("EMULATOR"), true
	case "CURRENT_REGION":
		return nullOr("LOCAL"), true
	case "CURRENT_VERSION":
		return nullOr("8.0.0"), true
	case "CURRENT_CLIENT":
		return nullOr("Go"), true
	case "CURRENT_SESSION":
		return nullOr(fmt.Sprint(s.id)), true
	case "CURRENT_TRANSACTION":
		return nullOr(s.currentTxn()), true
	}
	return piece{}, false
}

// instantWall is an operand's text, except that a TIMESTAMP_LTZ/TIMESTAMP_TZ value
// (a DuckDB TIMESTAMPTZ) becomes its wall clock in the session's time zone.
func (s *Session) instantWall(p piece) string {
	if p.hint != nil && (p.hint.Base == "TIMESTAMP_LTZ" || p.hint.Base == "TIMESTAMP_TZ") && p.path == nil {
		return s.ltzToNTZ(p.text)
	}
	return p.text
}
