package tsql

import (
	"fmt"
	"strings"

	"github.com/snowmigrate/snowmigrate/emulator/sqlserver/tds"
)

// DuckType is the DuckDB storage type of a SQL Server type. Date and time types are
// stored as fixed-width text (see tds.Temporal.Canonical): DuckDB's timestamps hold
// microseconds and 1677–2262 at nanoseconds, SQL Server holds 100 ns over 0001–9999.
func DuckType(t tds.Type) string {
	switch t.Kind {
	case tds.Bit:
		return "BOOLEAN"
	case tds.TinyInt:
		return "UTINYINT"
	case tds.SmallInt:
		return "SMALLINT"
	case tds.Int:
		return "INTEGER"
	case tds.BigInt:
		return "BIGINT"
	case tds.Decimal, tds.Numeric, tds.Money, tds.SmallMoney:
		return fmt.Sprintf("DECIMAL(%d,%d)", t.Prec, t.Scale)
	case tds.Real:
		return "FLOAT"
	case tds.Float:
		return "DOUBLE"
	case tds.Binary, tds.VarBinary, tds.Image, tds.RowVersion:
		return "BLOB"
	case tds.UniqueIdentifier:
		return "UUID"
	}
	return "VARCHAR"
}

// temporalMacro names the per-connection macro that canonicalises text to a type's form.
func temporalMacro(k tds.Kind) string {
	switch k {
	case tds.Date:
		return "ss_date"
	case tds.Time:
		return "ss_time"
	case tds.DateTimeOffset:
		return "ss_dto"
	}
	return "ss_dt2"
}

// DivideByZero is the text of SQL Server's error 8134.
const DivideByZero = "Divide by zero error encountered."

// NumericOverflow is the text of SQL Server's error 8115 for a numeric result.
const NumericOverflow = "Arithmetic overflow error converting expression to data type numeric."

// Macros are created on every DuckDB connection.
var Macros = []string{
	// a divisor: zero is SQL Server's error 8134 (mapped from this text), not NULL/infinity
	`CREATE OR REPLACE TEMP MACRO ss_nz(x) AS CASE WHEN x = 0 THEN error('` + DivideByZero + `') ELSE x END`,
	`CREATE OR REPLACE TEMP MACRO ss_dt2(x) AS CASE WHEN x IS NULL THEN NULL WHEN regexp_full_match(CAST(x AS VARCHAR), '\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{7}') THEN CAST(x AS VARCHAR) WHEN regexp_full_match(CAST(x AS VARCHAR), '\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{7} [+-]\d{2}:\d{2}') THEN left(CAST(x AS VARCHAR), 27) ELSE strftime(CAST(x AS TIMESTAMP), '%Y-%m-%d %H:%M:%S.%f') || '0' END`,
	`CREATE OR REPLACE TEMP MACRO ss_date(x) AS CASE WHEN x IS NULL THEN NULL ELSE strftime(CAST(left(CAST(x AS VARCHAR), 10) AS DATE), '%Y-%m-%d') END`,
	`CREATE OR REPLACE TEMP MACRO ss_time(x) AS CASE WHEN x IS NULL THEN NULL WHEN regexp_full_match(CAST(x AS VARCHAR), '\d{2}:\d{2}:\d{2}\.\d{7}') THEN CAST(x AS VARCHAR) WHEN regexp_full_match(CAST(x AS VARCHAR), '\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?') THEN strftime(CAST('2000-01-01 ' || CAST(x AS VARCHAR) AS TIMESTAMP), '%H:%M:%S.%f') || '0' ELSE right(ss_dt2(x), 16) END`,
	// character conversion with SQL Server's text forms: upper-case GUIDs, bit as 1/0
	`CREATE OR REPLACE TEMP MACRO ss_str(x) AS CASE WHEN typeof(x) = 'UUID' THEN upper(CAST(x AS VARCHAR)) WHEN typeof(x) = 'BOOLEAN' THEN replace(replace(CAST(x AS VARCHAR), 'true', '1'), 'false', '0') ELSE CAST(x AS VARCHAR) END`,
	// the UTC instant of a stored datetimeoffset ('YYYY-MM-DD hh:mm:ss.fffffff +hh:mm') in
	// 100 ns units: what SQL Server compares and orders datetimeoffset values by
	`CREATE OR REPLACE TEMP MACRO ss_dtokey(x) AS (epoch_us(CAST(left(CAST(x AS VARCHAR), 26) AS TIMESTAMP)) - (CASE WHEN substr(CAST(x AS VARCHAR), 29, 1) = '-' THEN -1 ELSE 1 END) * (CAST(substr(CAST(x AS VARCHAR), 30, 2) AS BIGINT) * 60 + CAST(substr(CAST(x AS VARCHAR), 33, 2) AS BIGINT)) * 60000000) * 10 + CAST(substr(CAST(x AS VARCHAR), 27, 1) AS BIGINT)`,
	`CREATE OR REPLACE TEMP MACRO ss_dto(x) AS CASE WHEN x IS NULL THEN NULL WHEN regexp_full_match(CAST(x AS VARCHAR), '.* [+-]\d{2}:\d{2}') THEN CAST(x AS VARCHAR) ELSE ss_dt2(x) || ' +00:00' END`,
}

// parseTypeTokens reads a type name and its arguments: nvarchar(max), decimal(10, 2).
func parseTypeTokens(toks []Token) (tds.Type, error) {
	if len(toks) == 0 || !toks[0].IsName() {
		return tds.Type{}, SyntaxNear("AS")
	}
	name := toks[0].Val
	rest := toks[1:]
	if len(rest) > 0 && rest[0].IsName() && (strings.EqualFold(name, "double") || strings.EqualFold(name, "national")) {
		name += " " + rest[0].Val
		rest = rest[1:]
	}
	var args []string
	if len(rest) > 0 {
		if rest[0].Kind != LParen || rest[len(rest)-1].Kind != RParen {
			return tds.Type{}, SyntaxNear(rest[0].Text)
		}
		for _, a := range splitArgs(rest[1 : len(rest)-1]) {
			if len(a) != 1 {
				return tds.Type{}, SyntaxNear(name)
			}
			args = append(args, a[0].Val)
		}
	}
	t, err := tds.ParseType(name, args)
	if err != nil {
		return t, Errf(243, 1, 16, "Type %s is not a defined system type.", name)
	}
	return t, nil
}

// ParseTypeTokens is parseTypeTokens for other packages.
func ParseTypeTokens(toks []Token) (tds.Type, error) { return parseTypeTokens(toks) }

// castTo renders a conversion of SQL expression e to type t.
func castTo(e string, t tds.Type, try bool) string {
	fn := "CAST"
	if try {
		fn = "TRY_CAST"
	}
	switch {
	case t.IsTemporal():
		return temporalMacro(t.Kind) + "(" + e + ")"
	case t.IsChar() && t.Len > 0:
		return fmt.Sprintf("left(ss_str(%s), %d)", e, t.Len)
	case t.IsChar() && !try:
		return "ss_str(" + e + ")"
	}
	return fn + "(" + e + " AS " + DuckType(t) + ")"
}

var simpleFuncs = map[string]string{
	"ABS": "abs", "ROUND": "round", "CEILING": "ceil", "FLOOR": "floor", "POWER": "pow", "SQRT": "sqrt",
	"SIGN": "sign", "UPPER": "upper", "LOWER": "lower", "LTRIM": "ltrim", "RTRIM": "rtrim", "TRIM": "trim",
	"REPLACE": "replace", "SUBSTRING": "substring", "LEFT": "left", "RIGHT": "right", "REVERSE": "reverse",
	"REPLICATE": "repeat", "CONCAT": "concat", "STRING_AGG": "string_agg", "COALESCE": "coalesce",
	"NULLIF": "nullif", "MIN": "min", "MAX": "max", "SUM": "sum", "AVG": "avg", "ROW_NUMBER": "row_number",
	"RANK": "rank", "DENSE_RANK": "dense_rank", "NTILE": "ntile", "LAG": "lag", "LEAD": "lead",
	"ISNULL": "coalesce", "COUNT_BIG": "count", "NEWID": "uuid", "EXP": "exp", "LOG": "ln", "LOG10": "log10",
	"PI": "pi", "SIN": "sin", "COS": "cos", "TAN": "tan", "ASCII": "ascii", "UNICODE": "unicode",
	"CHAR": "chr", "NCHAR": "chr", "SQUARE": "", "STDEV": "stddev_samp", "VAR": "var_samp",
}

// function translates a call starting at toks[i] (the name); it returns the SQL and the
// index of the closing parenthesis.
func (tr *translator) function(toks []Token, i int) (string, int, error) {
	name := strings.ToUpper(toks[i].Val)
	end := matching(toks, i+1)
	if end < 0 {
		return "", 0, SyntaxNear(toks[i].Val)
	}
	inner := toks[i+2 : end]
	var args [][]Token
	if len(inner) > 0 {
		args = splitArgs(inner)
	}
	tx := func(a []Token) (string, error) { return tr.tokens(a) }
	if s, ok, err := tr.checksumCall(name, toks, i, end, args); ok || err != nil {
		return s, end, err
	}
	if s, ok, err := tr.catalogCall(name, args); ok || err != nil {
		return s, end, err
	}
	all := func() ([]string, error) {
		var out []string
		for _, a := range args {
			s, err := tx(a)
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
		return out, nil
	}
	nargs := func(n ...int) error {
		for _, k := range n {
			if len(args) == k {
				return nil
			}
		}
		return Errf(174, 1, 15, "The %s function requires %d argument(s).", strings.ToLower(name), n[0])
	}
	switch name {
	case "CAST", "TRY_CAST":
		// expr AS type
		as := -1
		depth := 0
		for k, t := range inner {
			switch t.Kind {
			case LParen:
				depth++
			case RParen:
				depth--
			}
			if depth == 0 && t.Is("AS") {
				as = k
			}
		}
		if as < 0 {
			return "", 0, SyntaxNear(toks[i].Val)
		}
		e, err := tx(inner[:as])
		if err != nil {
			return "", 0, err
		}
		t, err := parseTypeTokens(inner[as+1:])
		if err != nil {
			return "", 0, err
		}
		if t.Kind == tds.BigInt && (tr.exprKind(inner[:as]) == 'B' || startsWith(inner[:as], "HASHBYTES")) {
			return "ss_bin2int(CAST(" + e + " AS BLOB))", end, nil
		}
		return castTo(e, t, name == "TRY_CAST"), end, nil
	case "CONVERT", "TRY_CONVERT":
		if err := nargs(2, 3); err != nil {
			return "", 0, err
		}
		t, err := parseTypeTokens(args[0])
		if err != nil {
			return "", 0, err
		}
		e, err := tx(args[1])
		if err != nil {
			return "", 0, err
		}
		if t.Kind == tds.BigInt && (tr.exprKind(args[1]) == 'B' || startsWith(args[1], "HASHBYTES")) {
			return "ss_bin2int(CAST(" + e + " AS BLOB))", end, nil
		}
		s := castTo(e, t, name == "TRY_CONVERT")
		if len(args) == 3 && t.IsChar() {
			style := ""
			if len(args[2]) == 1 {
				style = args[2][0].Val
			}
			if tr.exprKind(args[1]) == 'B' {
				// binary → character: style 1 is '0x' and upper-case hex digits, style 2
				// the digits alone, style 0 the bytes as characters ("CAST and CONVERT",
				// binary styles).
				hex := "upper(hex(CAST(" + e + " AS BLOB)))"
				switch style {
				case "1":
					return castTo("('0x' || "+hex+")", t, name == "TRY_CONVERT"), end, nil
				case "2":
					return castTo(hex, t, name == "TRY_CONVERT"), end, nil
				case "0":
					return s, end, nil
				}
				return "", 0, Unsupported("CONVERT style " + style + " of a binary value")
			}
			switch style {
			case "23":
				s = "left(" + s + ", 10)"
			case "120", "20":
				s = "left(" + s + ", 19)"
			case "121", "21", "126", "127", "0":
			default:
				return "", 0, Unsupported("CONVERT style " + style)
			}
		}
		return s, end, nil
	case "LEN":
		a, err := all()
		if err != nil || nargs(1) != nil {
			return "", 0, firstErr(err, nargs(1))
		}
		return "length(rtrim(CAST(" + a[0] + " AS VARCHAR)))", end, nil
	case "DATALENGTH":
		a, err := all()
		if err != nil || nargs(1) != nil {
			return "", 0, firstErr(err, nargs(1))
		}
		return "octet_length(CAST(" + a[0] + " AS BLOB))", end, nil
	case "MIN", "MAX":
		// of a datetimeoffset column: the value at the earliest/latest instant
		if len(args) == 1 && tr.dtoColumn(args[0]) {
			x, err := tx(args[0])
			if err != nil {
				return "", 0, err
			}
			return "arg_" + strings.ToLower(name) + "(" + x + ", ss_dtokey(" + x + "))", end, nil
		}
	case "CHECKSUM", "BINARY_CHECKSUM", "CHECKSUM_AGG":
		// refused (102, like every unsupported construct) rather than computed: SQL Server
		// does not document these algorithms, so any emulation would give other values
		return "", 0, Errf(102, 1, 15, "Incorrect syntax near '%s'. (the local SQL Server does not support %s: SQL Server does not document its algorithm, so no emulation can return the same values; use HASHBYTES('SHA2_256', …) or HASHBYTES('MD5', …), whose results are defined and supported here)", toks[i].Val, name)
	case "AVG", "SUM":
		s, e, err := tr.avg(toks, i, end)
		if err != nil || s != "" {
			return s, e, err
		}
	case "COUNT":
		if len(inner) == 1 && inner[0].Kind == Op && inner[0].Val == "*" {
			return "CAST(count(*) AS INTEGER)", end, nil
		}
		s, err := tx(inner)
		if err != nil {
			return "", 0, err
		}
		return "CAST(count(" + s + ") AS INTEGER)", end, nil
	case "IIF":
		a, err := all()
		if err != nil || nargs(3) != nil {
			return "", 0, firstErr(err, nargs(3))
		}
		return "CASE WHEN " + a[0] + " THEN " + a[1] + " ELSE " + a[2] + " END", end, nil
	case "CHARINDEX":
		a, err := all()
		if err != nil || nargs(2) != nil {
			return "", 0, firstErr(err, nargs(2))
		}
		return "instr(" + a[1] + ", " + a[0] + ")", end, nil
	case "SPACE":
		a, err := all()
		if err != nil || nargs(1) != nil {
			return "", 0, firstErr(err, nargs(1))
		}
		return "repeat(' ', " + a[0] + ")", end, nil
	case "SQUARE":
		a, err := all()
		if err != nil || nargs(1) != nil {
			return "", 0, firstErr(err, nargs(1))
		}
		return "pow(" + a[0] + ", 2)", end, nil
	case "GETDATE", "SYSDATETIME", "GETUTCDATE", "SYSUTCDATETIME", "CURRENT_TIMESTAMP":
		return "CAST(now() AS TIMESTAMP)", end, nil
	case "YEAR", "MONTH", "DAY":
		a, err := all()
		if err != nil || nargs(1) != nil {
			return "", 0, firstErr(err, nargs(1))
		}
		return "CAST(" + strings.ToLower(name) + "(CAST(left(CAST(" + a[0] + " AS VARCHAR), 19) AS TIMESTAMP)) AS INTEGER)", end, nil
	case "DATEPART", "DATEDIFF", "DATEADD":
		if len(args) < 2 || len(args[0]) != 1 {
			return "", 0, SyntaxNear(toks[i].Val)
		}
		var part string
		if p2 := map[string]string{"yy": "year", "yyyy": "year", "mm": "month", "m": "month", "dd": "day", "d": "day", "hh": "hour", "mi": "minute", "n": "minute", "ss": "second", "s": "second", "ms": "millisecond", "wk": "week", "qq": "quarter"}[strings.ToLower(args[0][0].Val)]; p2 != "" {
			part = p2
		} else {
			part = strings.ToLower(args[0][0].Val)
		}
		rest := args[1:]
		var a []string
		for _, r := range rest {
			s, err := tx(r)
			if err != nil {
				return "", 0, err
			}
			a = append(a, s)
		}
		ts := func(s string) string { return "CAST(left(CAST(" + s + " AS VARCHAR), 26) AS TIMESTAMP)" }
		switch name {
		case "DATEPART":
			if len(a) != 1 {
				return "", 0, firstErr(nargs(2), SyntaxNear(toks[i].Val))
			}
			return "CAST(date_part('" + part + "', " + ts(a[0]) + ") AS INTEGER)", end, nil
		case "DATEDIFF":
			if len(a) != 2 {
				return "", 0, Errf(174, 1, 15, "The datediff function requires 3 argument(s).")
			}
			return "CAST(date_diff('" + part + "', " + ts(a[0]) + ", " + ts(a[1]) + ") AS INTEGER)", end, nil
		default:
			if len(a) != 2 {
				return "", 0, Errf(174, 1, 15, "The dateadd function requires 3 argument(s).")
			}
			return "(" + ts(a[1]) + " + (" + a[0] + ") * INTERVAL 1 " + strings.ToUpper(part) + ")", end, nil
		}
	case "SERVERPROPERTY":
		if len(args) != 1 || len(args[0]) != 1 || args[0][0].Kind != String {
			return "", 0, firstErr(nargs(1), SyntaxNear(toks[i].Val))
		}
		v, ok := tr.env.Global("SERVERPROPERTY:" + strings.ToUpper(args[0][0].Val))
		if !ok {
			return "CAST(NULL AS VARCHAR)", end, nil
		}
		return v, end, nil
	case "HASHBYTES":
		if len(args) != 2 || len(args[0]) != 1 || args[0][0].Kind != String {
			return "", 0, firstErr(nargs(2), SyntaxNear(toks[i].Val))
		}
		switch strings.ToUpper(args[0][0].Val) {
		case "MD5", "SHA", "SHA1", "SHA2_256", "SHA2_512":
		default:
			return "", 0, Unsupported("HASHBYTES algorithm " + args[0][0].Val)
		}
		e, err := tx(args[1])
		if err != nil {
			return "", 0, err
		}
		// the bytes SQL Server hashes: UTF-16LE for nvarchar, code page 1252 for varchar,
		// UTF-8 for varchar converted under a UTF-8 collation
		switch {
		case utf8Conversion(args[1]):
			e = "encode(CAST(" + e + " AS VARCHAR))"
		case tr.exprKind(args[1]) == 'N':
			e = "ss_utf16(CAST(" + e + " AS VARCHAR))"
		case tr.exprKind(args[1]) == 'B':
			e = "CAST(" + e + " AS BLOB)"
		default:
			e = "ss_cp1252(CAST(" + e + " AS VARCHAR))"
		}
		return "ss_hash(" + QuoteString(args[0][0].Val) + ", " + e + ")", end, nil
	}
	if fn, ok := simpleFuncs[name]; ok && fn != "" {
		var s string
		var err error
		if len(inner) > 0 {
			if s, err = tx(inner); err != nil {
				return "", 0, err
			}
		}
		return fn + "(" + s + ")", end, nil
	}
	return "", 0, Errf(195, 10, 15, "'%s' is not a recognized built-in function name.", toks[i].Val)
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

func startsWith(toks []Token, kw string) bool { return len(toks) > 0 && toks[0].Is(kw) }

// RowVersionExpr is the engine expression of the next rowversion value of database db:
// 8 bytes, big-endian, from the database's counter.
func RowVersionExpr(db string) string {
	seq := strings.ReplaceAll(QuoteIdent(db), "'", "''") + ".__ss.rowversion"
	return "unhex(lpad(printf('%x', nextval('" + seq + "')), 16, '0'))"
}
