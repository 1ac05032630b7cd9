package tsql

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/snowmigrate/snowmigrate/emulator/sqlserver/tds"
)

// Values inlined into the engine's SQL: parameters and numeric literals.

func (tr *translator) param(name string) (string, error) {
	key := strings.ToLower(name)
	p, ok := tr.params[key]
	if !ok {
		return "", Errf(137, 2, 15, "Must declare the scalar variable \"%s\".", name)
	}
	// Values are inlined as literals rather than bound: go-duckdb binds thousands of
	// parameters (a multi-row INSERT) in quadratic time, and every value is typed here.
	v, err := bindValue(p, tr.target[key])
	if err != nil {
		return "", err
	}
	ph := sqlLiteral(v)
	switch p.Type.Kind {
	case tds.UniqueIdentifier:
		return "CAST(" + ph + " AS UUID)", nil
	case tds.Decimal, tds.Numeric, tds.Money, tds.SmallMoney:
		return fmt.Sprintf("CAST(%s AS DECIMAL(%d,%d))", ph, max(p.Type.Prec, 1), p.Type.Scale), nil
	case tds.Bit:
		return "CAST(" + ph + " AS BOOLEAN)", nil
	case tds.TinyInt, tds.SmallInt, tds.Int:
		return "CAST(" + ph + " AS INTEGER)", nil
	case tds.BigInt:
		return "CAST(" + ph + " AS BIGINT)", nil
	case tds.Binary, tds.VarBinary, tds.Image:
		return "CAST(" + ph + " AS BLOB)", nil
	case tds.Real, tds.Float:
		return "CAST(" + ph + " AS DOUBLE)", nil
	}
	return "CAST(" + ph + " AS VARCHAR)", nil
}

// numberLiteral keeps long exact literals exact: DuckDB reads more than 18 digits as a
// double, SQL Server as numeric(p, s) up to 38 digits.
func numberLiteral(v string) string {
	if strings.ContainsAny(v, "eE") {
		return v
	}
	ip, fp, _ := strings.Cut(v, ".")
	ip = strings.TrimLeft(ip, "0")
	digits := len(ip) + len(fp)
	if digits <= 18 {
		return v
	}
	if digits > 38 {
		return v
	}
	p := max(digits, 1)
	return fmt.Sprintf("CAST('%s' AS DECIMAL(%d,%d))", v, p, len(fp))
}

// sqlLiteral renders a bound value as a DuckDB literal that means the same under every
// setting: strings only escape quotes (DuckDB has no backslash escapes in '…').
func sqlLiteral(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case bool:
		if x {
			return "TRUE"
		}
		return "FALSE"
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return "CAST(" + QuoteString(strconv.FormatFloat(x, 'g', -1, 64)) + " AS DOUBLE)"
		}
		return "CAST(" + strconv.FormatFloat(x, 'g', -1, 64) + " AS DOUBLE)"
	case string:
		return QuoteString(x)
	case []byte:
		var b strings.Builder
		b.Grow(len(x)*4 + 10)
		b.WriteString("'")
		const hexd = "0123456789ABCDEF"
		for _, c := range x {
			b.WriteString(`\x`)
			b.WriteByte(hexd[c>>4])
			b.WriteByte(hexd[c&15])
		}
		b.WriteString("'::BLOB")
		return b.String()
	}
	return QuoteString(fmt.Sprint(v))
}
