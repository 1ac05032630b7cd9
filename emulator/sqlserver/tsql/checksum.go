package tsql

import (
	"strconv"
	"strings"

	"github.com/snowmigrate/snowmigrate/emulator/sqlserver/tds"
)

// The T-SQL a partition checksum is computed with (the product's docs/checksums.md,
// "SQL Server"), as SQL Server 2019+ documents it:
//
//   - HASHBYTES over CAST(x COLLATE <…_UTF8> AS varchar(…)) hashes the UTF-8 bytes
//     (a conversion to varchar uses the code page of its input's collation; the UTF-8
//     collations' is 65001);
//   - SUBSTRING of a binary value is a binary value (bytes, not characters);
//   - CAST(float AS binary(8)) is the IEEE 754 bit pattern, big-endian;
//   - SWITCHOFFSET(datetimeoffset, offset) is the same instant at another offset;
//   - CONVERT(character, datetime, 121/21) shows milliseconds ('.003' for a
//     1/300 s tick);
//   - CAST of a char(n)/nchar(n) column to a character type keeps its blank padding,
//     CONVERT(character, binary(n) column, 1|2) its zero padding.
//
// binAlias (names a statement defines as HASHBYTES(…) AS name) lets a derived
// table's hash column be recognised as binary.

// checksumCall translates the calls above; ok is false for every other call.
func (tr *translator) checksumCall(name string, toks []Token, i, end int, args [][]Token) (string, bool, error) {
	switch name {
	case "SWITCHOFFSET":
		if len(args) != 2 {
			return "", true, Errf(174, 1, 15, "The switchoffset function requires 2 argument(s).")
		}
		x, err := tr.tokens(args[0])
		if err != nil {
			return "", true, err
		}
		off, err := tr.tokens(args[1])
		if err != nil {
			return "", true, err
		}
		return "ss_switchoffset(CAST(ss_dto(" + x + ") AS VARCHAR), CAST(" + off + " AS VARCHAR))", true, nil
	case "SUBSTRING":
		if len(args) != 3 || tr.exprKind(args[0]) != 'B' {
			return "", false, nil
		}
		var a [3]string
		for k := range a {
			s, err := tr.tokens(args[k])
			if err != nil {
				return "", true, err
			}
			a[k] = s
		}
		return "ss_binsub(CAST(" + a[0] + " AS BLOB), CAST(" + a[1] + " AS BIGINT), CAST(" + a[2] + " AS BIGINT))", true, nil
	case "CAST", "TRY_CAST", "CONVERT", "TRY_CONVERT":
		expr, typeToks, style := castParts(toks, i, end)
		if expr == nil {
			return "", false, nil
		}
		t, err := parseTypeTokens(typeToks)
		if err != nil {
			return "", false, nil
		}
		switch {
		case (t.Kind == tds.Binary || t.Kind == tds.VarBinary) && tr.floatOperand(expr):
			e, err := tr.tokens(expr)
			if err != nil {
				return "", true, err
			}
			return "ss_float2bin(CAST(" + e + " AS DOUBLE))", true, nil
		case t.IsChar() && (style == "121" || style == "21") && tr.columnKind(expr) == tds.DateTime:
			e, err := tr.tokens(expr)
			if err != nil {
				return "", true, err
			}
			return castTo("ss_datetime_ms(CAST("+e+" AS VARCHAR))", t, strings.HasPrefix(name, "TRY")), true, nil
		case t.IsChar() && (style == "1" || style == "2") && tr.columnKind(expr) == tds.Binary:
			// binary(n) holds n bytes, zero-padded (the local SQL Server pads on output)
			ct, _ := tr.column(expr)
			e, err := tr.tokens(expr)
			if err != nil {
				return "", true, err
			}
			hex := "upper(hex(ss_padbin(CAST(" + e + " AS BLOB), " + strconv.Itoa(ct.Len) + ")))"
			if style == "1" {
				hex = "('0x' || " + hex + ")"
			}
			return castTo(hex, t, strings.HasPrefix(name, "TRY")), true, nil
		case t.IsChar() && style == "":
			ct, ok := tr.column(expr)
			if !ok || (ct.Kind != tds.Char && ct.Kind != tds.NChar) || ct.Len <= 0 {
				return "", false, nil
			}
			e, err := tr.tokens(expr)
			if err != nil {
				return "", true, err
			}
			unicode := "false"
			if ct.Kind == tds.NChar {
				unicode = "true"
			}
			padded := "ss_padchar(CAST(" + e + " AS VARCHAR), " + strconv.Itoa(ct.Len) + ", " + unicode + ")"
			return castTo(padded, t, strings.HasPrefix(name, "TRY")), true, nil
		}
	}
	return "", false, nil
}

// castParts splits CAST(expr AS type) / CONVERT(type, expr[, style]) at toks[i].
func castParts(toks []Token, i, end int) (expr, typeToks []Token, style string) {
	inner := toks[i+2 : end]
	if toks[i].Is("CAST") || toks[i].Is("TRY_CAST") {
		depth := 0
		as := -1
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
			return nil, nil, ""
		}
		return inner[:as], inner[as+1:], ""
	}
	args := splitArgs(inner)
	if len(args) < 2 {
		return nil, nil, ""
	}
	if len(args) == 3 && len(args[2]) == 1 {
		style = args[2][0].Val
	}
	return args[1], args[0], style
}

// utf8Conversion reports whether toks is CAST(x COLLATE <…_UTF8> AS [var]char(…)) or
// CONVERT([var]char(…), x COLLATE <…_UTF8>): varchar text in UTF-8.
func utf8Conversion(toks []Token) bool {
	if len(toks) < 4 || !toks[0].IsName() || toks[1].Kind != LParen {
		return false
	}
	end := matching(toks, 1)
	if end != len(toks)-1 {
		return false
	}
	expr, typeToks, _ := castParts(toks, 0, end)
	if expr == nil {
		return false
	}
	t, err := parseTypeTokens(typeToks)
	if err != nil || !t.IsChar() || t.IsUnicode() {
		return false
	}
	n := len(expr)
	return n >= 2 && expr[n-2].Is("COLLATE") && strings.HasSuffix(strings.ToUpper(expr[n-1].Val), "_UTF8")
}

// floatOperand reports an expression that is visibly float or real: such a column, or
// a conversion to float/real.
func (tr *translator) floatOperand(toks []Token) bool {
	for len(toks) > 2 && toks[0].Kind == LParen && matching(toks, 0) == len(toks)-1 {
		toks = toks[1 : len(toks)-1]
	}
	if k := tr.columnKind(toks); k == tds.Float || k == tds.Real {
		return true
	}
	if len(toks) < 4 || !(toks[0].Is("CAST") || toks[0].Is("CONVERT")) || matching(toks, 1) != len(toks)-1 {
		return false
	}
	_, typeToks, _ := castParts(toks, 0, len(toks)-1)
	t, err := parseTypeTokens(typeToks)
	return err == nil && (t.Kind == tds.Float || t.Kind == tds.Real)
}

// column returns the type of a bare (or parenthesised, or table-qualified) column of
// the statement's table.
func (tr *translator) column(toks []Token) (tds.Type, bool) {
	for len(toks) > 2 && toks[0].Kind == LParen && matching(toks, 0) == len(toks)-1 {
		toks = toks[1 : len(toks)-1]
	}
	if tr.cols == nil || len(toks) == 0 || !toks[0].IsName() {
		return tds.Type{}, false
	}
	parts, next := ReadName(toks, 0)
	if next != len(toks) || len(parts) == 0 || len(parts) > 2 {
		return tds.Type{}, false
	}
	t, ok := tr.cols[strings.ToLower(parts[len(parts)-1])]
	return t, ok
}

func (tr *translator) columnKind(toks []Token) tds.Kind {
	t, _ := tr.column(toks)
	return t.Kind
}

// binaryAliases records the names a statement gives HASHBYTES(…) results.
func binaryAliases(toks []Token) map[string]bool {
	var out map[string]bool
	for i := 0; i+1 < len(toks); i++ {
		if !toks[i].Is("HASHBYTES") || toks[i+1].Kind != LParen {
			continue
		}
		end := matching(toks, i+1)
		if end < 0 || end+2 >= len(toks) || !toks[end+1].Is("AS") || !toks[end+2].IsName() {
			continue
		}
		if out == nil {
			out = map[string]bool{}
		}
		out[strings.ToLower(toks[end+2].Val)] = true
	}
	return out
}

// castsToBinary reports whether the CAST/CONVERT call at toks[i] converts to a binary
// type.
func castsToBinary(toks []Token, i int) bool {
	if i+1 >= len(toks) || toks[i+1].Kind != LParen || !(toks[i].Is("CAST") || toks[i].Is("CONVERT") || toks[i].Is("TRY_CAST") || toks[i].Is("TRY_CONVERT")) {
		return false
	}
	end := matching(toks, i+1)
	if end < 0 {
		return false
	}
	_, typeToks, _ := castParts(toks, i, end)
	t, err := parseTypeTokens(typeToks)
	return err == nil && (t.Kind == tds.Binary || t.Kind == tds.VarBinary)
}
