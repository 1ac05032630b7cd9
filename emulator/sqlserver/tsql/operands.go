package tsql

import (
	"strings"

	"github.com/snowmigrate/snowmigrate/emulator/sqlserver/tds"
)

// What an operand visibly is: character (+ concatenates), integer (/ divides as
// integers), unicode or binary (HASHBYTES' bytes).

// exprKind guesses the type family of an expression's value from its literals,
// parameters and column references: 'N' unicode text, 'B' binary, 'V' other (varchar).
func (tr *translator) exprKind(toks []Token) byte {
	kind := byte('V')
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		var ty tds.Type
		if t.IsName() && (castsToBinary(toks, i) || t.Is("HASHBYTES") && i+1 < len(toks) && toks[i+1].Kind == LParen) {
			kind = 'B'
			i = matching(toks, i+1)
			continue
		}
		switch {
		case t.IsName() && tr.binAlias[strings.ToLower(t.Val)]:
			kind = 'B'
			continue
		case t.Kind == String && t.N:
			return 'N'
		case t.Kind == Binary:
			kind = 'B'
			continue
		case t.Kind == Var:
			ty = tr.params[strings.ToLower(t.Val)].Type
		case t.IsName() && tr.cols != nil:
			parts, next := ReadName(toks, i)
			i = next - 1
			if len(parts) == 0 || len(parts) > 2 {
				continue
			}
			ty = tr.cols[strings.ToLower(parts[len(parts)-1])]
		default:
			continue
		}
		switch {
		case ty.IsUnicode():
			return 'N'
		case ty.Kind == tds.Binary || ty.Kind == tds.VarBinary || ty.Kind == tds.Image || ty.Kind == tds.RowVersion:
			kind = 'B'
		}
	}
	return kind
}

var stringFuncs = map[string]bool{"UPPER": true, "LOWER": true, "LTRIM": true, "RTRIM": true, "TRIM": true,
	"SUBSTRING": true, "LEFT": true, "RIGHT": true, "REPLACE": true, "CONCAT": true, "REPLICATE": true,
	"SPACE": true, "REVERSE": true, "DB_NAME": true, "SCHEMA_NAME": true, "OBJECT_NAME": true, "CHAR": true,
	"NCHAR": true, "STRING_AGG": true, "FORMAT": true}

// stringy reports whether the operand next to a + (at j, reading in direction dir) is a
// character value: a string literal, a character column or parameter, a conversion to a
// character type or a string function.
func (tr *translator) stringy(toks []Token, j, dir int) bool {
	if j < 0 || j >= len(toks) {
		return false
	}
	t := toks[j]
	switch t.Kind {
	case String:
		return true
	case Var:
		return tr.params[strings.ToLower(t.Val)].Type.IsChar()
	case Ident, QIdent:
		if dir > 0 && j+1 < len(toks) && toks[j+1].Kind == LParen {
			return callIsChar(toks, j)
		}
		if tr.cols == nil {
			return false
		}
		ty, ok := tr.cols[strings.ToLower(t.Val)]
		return ok && ty.IsChar()
	case RParen:
		if dir > 0 {
			return false
		}
		k := callBefore(toks, j)
		return k >= 0 && callIsChar(toks, k)
	}
	return false
}

// callIsChar reports whether the call at toks[i] returns a character value.
func callIsChar(toks []Token, i int) bool {
	name := strings.ToUpper(toks[i].Val)
	if stringFuncs[name] {
		return true
	}
	if name == "CAST" || name == "CONVERT" || name == "TRY_CAST" || name == "TRY_CONVERT" {
		return castsToChar(toks, i)
	}
	return false
}

// callBefore returns the index of the function name whose argument list ends with the
// ")" at toks[j], or -1 when that list is a plain parenthesis (or is unbalanced).
func callBefore(toks []Token, j int) int {
	depth := 0
	for k := j; k >= 0; k-- {
		switch toks[k].Kind {
		case RParen:
			depth++
		case LParen:
			depth--
			if depth == 0 {
				if k > 0 && toks[k-1].IsName() {
					return k - 1
				}
				return -1
			}
		}
	}
	return -1
}

// castsToChar reports whether the CAST/CONVERT call at toks[i] converts to a character type.
func castsToChar(toks []Token, i int) bool {
	end := matching(toks, i+1)
	if end < 0 {
		return false
	}
	inner := toks[i+2 : end]
	var typeToks []Token
	if toks[i].Is("CAST") || toks[i].Is("TRY_CAST") {
		for k := len(inner) - 1; k >= 0; k-- {
			if inner[k].Is("AS") {
				typeToks = inner[k+1:]
				break
			}
		}
	} else if args := splitArgs(inner); len(args) > 0 {
		typeToks = args[0]
	}
	t, err := parseTypeTokens(typeToks)
	return err == nil && t.IsChar()
}

var intFuncs = map[string]bool{"COUNT": true, "COUNT_BIG": true, "LEN": true, "DATALENGTH": true,
	"DATEDIFF": true, "DATEPART": true, "YEAR": true, "MONTH": true, "DAY": true, "CHARINDEX": true,
	"ROW_NUMBER": true, "RANK": true, "DENSE_RANK": true, "NTILE": true}

func isIntKind(k tds.Kind) bool {
	return k == tds.TinyInt || k == tds.SmallInt || k == tds.Int || k == tds.BigInt
}

// integral reports whether the operand next to a / (at j, reading in direction dir) is
// visibly an integer: an integer literal, an integer column or parameter, an integer
// function or a conversion to an integer type.
func (tr *translator) integral(toks []Token, j, dir int) bool {
	if j < 0 || j >= len(toks) {
		return false
	}
	t := toks[j]
	switch t.Kind {
	case Number:
		return !strings.ContainsAny(t.Val, ".eE")
	case Var:
		return isIntKind(tr.params[strings.ToLower(t.Val)].Type.Kind)
	case Ident, QIdent:
		if dir > 0 && j+1 < len(toks) && toks[j+1].Kind == LParen {
			return callIsIntegral(toks, j)
		}
		if tr.cols == nil || (dir < 0 && j > 0 && toks[j-1].Kind == Dot) || (dir > 0 && j+1 < len(toks) && toks[j+1].Kind == Dot) {
			return false
		}
		ty, ok := tr.cols[strings.ToLower(t.Val)]
		return ok && isIntKind(ty.Kind)
	case RParen:
		if dir > 0 {
			return false
		}
		k := callBefore(toks, j)
		return k >= 0 && callIsIntegral(toks, k)
	}
	return false
}

// callIsIntegral reports whether the call at toks[i] returns an integer.
func callIsIntegral(toks []Token, i int) bool {
	name := strings.ToUpper(toks[i].Val)
	if intFuncs[name] {
		return true
	}
	if name != "CAST" && name != "CONVERT" && name != "TRY_CAST" && name != "TRY_CONVERT" {
		return false
	}
	end := matching(toks, i+1)
	if end < 0 {
		return false
	}
	inner := toks[i+2 : end]
	var typeToks []Token
	if name == "CAST" || name == "TRY_CAST" {
		for k := len(inner) - 1; k >= 0; k-- {
			if inner[k].Is("AS") {
				typeToks = inner[k+1:]
				break
			}
		}
	} else if args := splitArgs(inner); len(args) > 0 {
		typeToks = args[0]
	}
	t, err := parseTypeTokens(typeToks)
	return err == nil && isIntKind(t.Kind)
}
