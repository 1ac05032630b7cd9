package tsql

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/snowmigrate/snowmigrate/emulator/sqlserver/tds"
)

// Arithmetic with SQL Server's result types: divisors checked for zero (8134), decimal
// division with the precision and scale SQL Server gives it, AVG of integers as an
// integer. Operand types are known only for primaries whose type is visible: literals,
// parameters, columns of the statement's single table, CAST/CONVERT, SUM/MIN/MAX/AVG of
// those.

// nonZeroNumber reports whether toks is one numeric literal other than zero.
func nonZeroNumber(toks []Token) bool {
	if len(toks) != 1 || toks[0].Kind != Number {
		return false
	}
	f, err := strconv.ParseFloat(toks[0].Val, 64)
	return err == nil && f != 0
}

// operandEnd returns the end (exclusive) of the operand of a binary operator that
// starts at toks[i]: unary signs, then a literal, variable, (dotted) name, call (with
// its OVER clause), parenthesised expression or CASE … END. It returns i when the
// operand has none of these forms.
func operandEnd(toks []Token, i int) int {
	j := i
	for j < len(toks) && toks[j].Kind == Op && (toks[j].Val == "-" || toks[j].Val == "+" || toks[j].Val == "~") {
		j++
	}
	if j >= len(toks) {
		return i
	}
	switch t := toks[j]; {
	case t.Kind == Number || t.Kind == String || t.Kind == Var || t.Kind == SysVar || t.Kind == Binary:
		return j + 1
	case t.Kind == LParen:
		if e := matching(toks, j); e > j {
			return e + 1
		}
	case t.Is("CASE"):
		depth := 0
		for k := j; k < len(toks); k++ {
			if toks[k].Is("CASE") {
				depth++
			} else if toks[k].Is("END") {
				if depth--; depth == 0 {
					return k + 1
				}
			}
		}
	case t.IsName() && !(t.Kind == Ident && isKeyword(t.Val) && !t.Is("LEFT") && !t.Is("RIGHT")):
		_, next := ReadName(toks, j)
		if next <= j {
			return i
		}
		if next < len(toks) && toks[next].Kind == LParen {
			e := matching(toks, next)
			if e < 0 {
				return i
			}
			next = e + 1
			if next+1 < len(toks) && toks[next].Is("OVER") && toks[next+1].Kind == LParen {
				if e := matching(toks, next+1); e > 0 {
					next = e + 1
				}
			}
		}
		return next
	}
	return i
}

// operandStart returns the start of the primary that ends at toks[j] (the left operand
// of a binary operator): a literal, variable, (dotted) name, call or parenthesised
// expression; -1 for anything else.
func operandStart(toks []Token, j int) int {
	if j < 0 || j >= len(toks) {
		return -1
	}
	switch t := toks[j]; {
	case t.Kind == Number || t.Kind == String || t.Kind == Var || t.Kind == SysVar || t.Kind == Binary:
		return j
	case t.IsName():
		if t.Kind == Ident && isKeyword(t.Val) {
			return -1
		}
		k := j
		for k >= 2 && toks[k-1].Kind == Dot && toks[k-2].IsName() {
			k -= 2
		}
		return k
	case t.Kind == RParen:
		depth := 0
		for k := j; k >= 0; k-- {
			switch toks[k].Kind {
			case RParen:
				depth++
			case LParen:
				if depth--; depth == 0 {
					if k > 0 && toks[k-1].IsName() {
						if toks[k-1].Kind == Ident && isKeyword(toks[k-1].Val) && !toks[k-1].Is("LEFT") && !toks[k-1].Is("RIGHT") {
							return -1
						}
						if k > 1 && toks[k-2].Kind == Dot {
							return -1
						}
						return k - 1
					}
					return k
				}
			}
		}
	}
	return -1
}

// numType is what arithmetic needs to know of an operand: 'i' an integer type, 'd' an
// exact decimal of precision p and scale s; 0 when it is not visible.
type numType struct {
	kind byte
	p, s int
	// integer type of an 'i' operand as the engine names it
	duck string
}

func typeOfKind(t tds.Type) numType {
	switch t.Kind {
	case tds.TinyInt:
		return numType{'i', 3, 0, "INTEGER"}
	case tds.SmallInt:
		return numType{'i', 5, 0, "INTEGER"}
	case tds.Int:
		return numType{'i', 10, 0, "INTEGER"}
	case tds.BigInt:
		return numType{'i', 19, 0, "BIGINT"}
	case tds.Decimal, tds.Numeric:
		return numType{'d', max(t.Prec, 1), t.Scale, ""}
	}
	return numType{}
}

// operandType is the numeric type of the primary toks, as far as it is visible.
func (tr *translator) operandType(toks []Token) numType {
	if len(toks) == 0 {
		return numType{}
	}
	t := toks[0]
	switch {
	case len(toks) == 1 && t.Kind == Number:
		if strings.ContainsAny(t.Val, "eE") {
			return numType{}
		}
		// a constant takes the smallest precision and scale that hold it
		ip, fp, dot := strings.Cut(t.Val, ".")
		ip = strings.TrimLeft(ip, "0")
		if !dot {
			if n, err := strconv.ParseInt(t.Val, 10, 64); err == nil && n <= 2147483647 {
				return numType{'i', max(len(ip), 1), 0, "INTEGER"}
			}
			return numType{'d', max(len(ip), 1), 0, ""}
		}
		return numType{'d', max(len(ip)+len(fp), 1), len(fp), ""}
	case len(toks) == 1 && t.Kind == Var:
		p, ok := tr.params[strings.ToLower(t.Val)]
		if !ok {
			return numType{}
		}
		return typeOfKind(p.Type)
	case t.IsName() && operandEnd(toks, 0) == len(toks) && toks[len(toks)-1].Kind != RParen:
		parts, _ := ReadName(toks, 0)
		if tr.cols == nil && tr.multiAll != nil && len(parts) >= 1 && len(parts) <= 2 {
			// a SELECT over several tables: alias.column, or a column only one table has
			col := strings.ToLower(parts[len(parts)-1])
			if len(parts) == 2 {
				return typeOfKind(tr.multiAll[strings.ToLower(parts[0])][col])
			}
			return typeOfKind(tr.multiAllBare[col])
		}
		if tr.cols == nil || len(parts) == 0 || len(parts) > 2 || (len(parts) == 2 && !strings.EqualFold(parts[0], tr.alias)) {
			return numType{}
		}
		if ct, ok := tr.cols[strings.ToLower(parts[len(parts)-1])]; ok {
			return typeOfKind(ct)
		}
	case t.Kind == LParen && matching(toks, 0) == len(toks)-1:
		inner := toks[1 : len(toks)-1]
		if operandEnd(inner, 0) == len(inner) {
			return tr.operandType(inner)
		}
	case t.IsName() && len(toks) >= 3 && toks[1].Kind == LParen && matching(toks, 1) == len(toks)-1:
		name := strings.ToUpper(t.Val)
		inner := toks[2 : len(toks)-1]
		switch name {
		case "CAST", "TRY_CAST", "CONVERT", "TRY_CONVERT":
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
			if ct, err := parseTypeTokens(typeToks); err == nil {
				return typeOfKind(ct)
			}
		case "COUNT":
			return numType{'i', 10, 0, "INTEGER"}
		case "COUNT_BIG":
			return numType{'i', 19, 0, "BIGINT"}
		case "SUM", "MIN", "MAX", "AVG":
			if len(inner) > 0 && (inner[0].Is("DISTINCT") || inner[0].Is("ALL")) {
				inner = inner[1:]
			}
			if operandEnd(inner, 0) != len(inner) {
				return numType{}
			}
			a := tr.operandType(inner)
			switch {
			case a.kind == 'd' && name == "SUM":
				return numType{'d', 38, a.s, ""}
			case a.kind == 'd' && name == "AVG":
				return numType{'d', 38, max(a.s, 6), ""}
			case a.kind == 'i' && name == "SUM" && a.duck == "INTEGER":
				return numType{'i', 10, 0, "INTEGER"}
			case a.kind == 'i' && name == "AVG" && a.duck == "INTEGER":
				return numType{'i', 10, 0, "INTEGER"}
			}
			return a
		}
	}
	return numType{}
}

// divisionType is the type of e1 / e2 (decimal operands, SQL Server's "Precision,
// scale, and length" rules): precision p1 - s1 + s2 + max(6, s1 + p2 + 1), scale
// max(6, s1 + p2 + 1); above precision 38 the integral part is kept and the scale
// reduced to what is left of 38 (integral part under 32 digits) or to 6.
func divisionType(a, b numType) (p, s int) {
	s = max(6, a.s+b.p+1)
	p = a.p - a.s + b.s + s
	if p > 38 {
		integral := p - s
		if integral < 32 {
			s = min(s, 38-integral)
		} else if s > 6 {
			s = 6
		}
		p = 38
	}
	return p, s
}

// decimalDivisionSQL divides two exact values in the engine at SQL Server's result
// scale (truncating, as SQL Server's decimal division does) and types the result; a
// quotient beyond the result's precision is error 8115.
func decimalDivisionSQL(left, right string, p, s int) string {
	return fmt.Sprintf("CAST(ss_decdiv(CAST(%s AS VARCHAR), CAST(%s AS VARCHAR), %d, %d) AS DECIMAL(%d,%d))", left, right, p, s, p, s)
}

// decimalDivision translates toks[i] = "/" when both operands are visibly exact and one
// of them is a decimal: it rewrites the left operand already written to b (starting at
// output offset at[start]) and returns the index after the right operand (0: not
// handled).
func (tr *translator) decimalDivision(b *strings.Builder, toks []Token, i int, at []int) (int, error) {
	ls, re := operandStart(toks, i-1), operandEnd(toks, i+1)
	if ls < 0 || re <= i+1 || at[ls] < 0 {
		return 0, nil
	}
	if ls > 0 && toks[ls-1].Kind == Op && (toks[ls-1].Val == "*" || toks[ls-1].Val == "/" || toks[ls-1].Val == "%") {
		// a * b / c is (a * b) / c: the left operand is more than the primary before /
		return 0, nil
	}
	lt, rt := tr.operandType(toks[ls:i]), tr.operandType(toks[i+1:re])
	if lt.kind == 0 || rt.kind == 0 || (lt.kind != 'd' && rt.kind != 'd') {
		return 0, nil
	}
	right, err := tr.tokens(toks[i+1 : re])
	if err != nil {
		return 0, err
	}
	out := b.String()
	left := strings.TrimSpace(out[at[ls]:])
	b.Reset()
	b.WriteString(out[:at[ls]])
	if n := b.Len(); n > 0 && out[n-1] != '(' && out[n-1] != '.' && out[n-1] != ' ' {
		b.WriteByte(' ')
	}
	p, s := divisionType(lt, rt)
	b.WriteString(decimalDivisionSQL(left, right, p, s))
	return re, nil
}

// avg translates AVG(x) or SUM(x) [OVER (…)] at toks[i] whose argument list closes at
// end: AVG of an integer type is an integer (the sum divided by the count, truncated),
// SUM of one too (not the engine's HUGEINT): int for tinyint/smallint/int, bigint for
// bigint; AVG of decimal(p, s) is decimal(38, max(s, 6)), as in SQL Server; other types
// keep the engine's functions. It returns the SQL and the last index consumed, or ""
// when the type is not visible.
func (tr *translator) avg(toks []Token, i, end int) (string, int, error) {
	inner := toks[i+2 : end]
	arg, quant := inner, ""
	if len(arg) > 0 && (arg[0].Is("DISTINCT") || arg[0].Is("ALL")) {
		arg, quant = arg[1:], strings.ToUpper(arg[0].Val)+" "
	}
	if len(arg) == 0 || operandEnd(arg, 0) != len(arg) {
		return "", 0, nil
	}
	nt := tr.operandType(arg)
	isSum := strings.EqualFold(toks[i].Val, "SUM")
	if nt.kind == 0 || (isSum && nt.kind != 'i') {
		// SUM of decimal(p, s): the engine's decimal(38, s) already
		return "", 0, nil
	}
	x, err := tr.tokens(arg)
	if err != nil {
		return "", 0, err
	}
	over := ""
	if end+2 < len(toks) && toks[end+1].Is("OVER") && toks[end+2].Kind == LParen {
		oe := matching(toks, end+2)
		if oe < 0 {
			return "", 0, SyntaxNear("OVER")
		}
		if over, err = tr.tokens(toks[end+1 : oe+1]); err != nil {
			return "", 0, err
		}
		over, end = " "+over, oe
	}
	sum := "sum(" + quant + x + ")" + over
	count := "count(" + quant + x + ")" + over
	if isSum {
		// int for tinyint/smallint/int (beyond int's range: 8115), bigint for bigint
		return fmt.Sprintf("CAST(%s AS %s)", sum, nt.duck), end, nil
	}
	if nt.kind == 'i' {
		return fmt.Sprintf("CAST(CAST(%s AS %s) // %s AS %s)", sum, nt.duck, count, nt.duck), end, nil
	}
	s := max(nt.s, 6)
	return decimalDivisionSQL(sum, count, 38, s), end, nil
}

// intOperands reports whether both operands of the operator at toks[i] are visibly
// integers by operandType (columns of any table of a join included), the left one being
// the whole left operand (not preceded by *, / or %).
func (tr *translator) intOperands(toks []Token, i int) bool {
	ls, re := operandStart(toks, i-1), operandEnd(toks, i+1)
	if ls < 0 || re <= i+1 || (ls > 0 && toks[ls-1].Kind == Op && (toks[ls-1].Val == "*" || toks[ls-1].Val == "/" || toks[ls-1].Val == "%")) {
		return false
	}
	return tr.operandType(toks[ls:i]).kind == 'i' && tr.operandType(toks[i+1:re]).kind == 'i'
}
