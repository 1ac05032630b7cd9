package engine

import (
	"encoding/hex"
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Binds are inlined as typed DuckDB literals. That keeps every position a bind can
// appear in working (LIMIT ?, IDENTIFIER(?), ? IS NULL) and makes the literal's type
// exactly the driver's bind type.

var reDecimal = regexp.MustCompile(`^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$`)

func (t *translator) bindKey(tok Token) string {
	if tok.Val != "" {
		return tok.Val
	}
	k := strconv.Itoa(t.qmark)
	t.qmark++
	return k
}

// bindValue returns the bind for the placeholder (the row's element for array binds).
func (t *translator) bindValue(tok Token) (Bind, any, bool, error) {
	key := t.bindKey(tok)
	b, ok := t.binds[key]
	if !ok {
		if t.lenientBinds {
			return Bind{}, nil, false, nil
		}
		return Bind{}, nil, false, Errorf(2049, "42601", "SQL compilation error: Bind variable %s not set.", tok.Text)
	}
	t.usedBinds = true
	v := b.Value
	if arr, isArr := v.([]any); isArr {
		if t.row >= len(arr) {
			return b, nil, true, Errorf(ErrSyntax, "42601", "array bind %s has %d values but the statement needs row %d", key, len(arr), t.row+1)
		}
		v = arr[t.row]
	} else if arr, isArr := v.([]string); isArr {
		if t.row >= len(arr) {
			return b, nil, true, Errorf(ErrSyntax, "42601", "array bind %s has %d values but the statement needs row %d", key, len(arr), t.row+1)
		}
		v = arr[t.row]
	}
	return b, v, true, nil
}

func (t *translator) bindString(tok Token) (string, error) {
	_, v, _, err := t.bindValue(tok)
	if err != nil {
		return "", err
	}
	s, ok := v.(string)
	if !ok {
		return "", Errorf(ErrSyntax, "42601", "bind %s must be a string", tok.Text)
	}
	return s, nil
}

// bindLiteral renders a placeholder as a DuckDB literal.
func (t *translator) bindLiteral(tok Token) (string, *sfType, error) {
	b, v, _, err := t.bindValue(tok)
	if err != nil {
		return "", nil, err
	}
	if v == nil {
		return "NULL", nil, nil
	}
	s, ok := v.(string)
	if !ok {
		s = fmt.Sprint(v)
	}
	bad := func(what string) (string, *sfType, error) {
		return "", nil, Errorf(ErrNumericConv, "22018", "bind %s: %q is not a valid %s value", tok.Text, s, what)
	}
	switch strings.ToUpper(b.Type) {
	case "FIXED":
		if !reDecimal.MatchString(s) {
			return bad("FIXED")
		}
		if len(strings.TrimLeft(s, "+-")) > 18 || strings.ContainsAny(s, ".eE") {
			return "CAST(" + qstr(s) + " AS DECIMAL(38," + strconv.Itoa(decimalScale(s)) + "))", nil, nil
		}
		return s, nil, nil
	case "REAL":
		if _, err := strconv.ParseFloat(s, 64); err != nil {
			return bad("REAL")
		}
		return "CAST(" + qstr(s) + " AS DOUBLE)", nil, nil
	case "BOOLEAN":
		bv, err := strconv.ParseBool(strings.ToLower(s))
		if err != nil {
			return bad("BOOLEAN")
		}
		if bv {
			return "TRUE", hintBool, nil
		}
		return "FALSE", hintBool, nil
	case "DATE":
		ms, ok := new(big.Int).SetString(s, 10)
		if !ok {
			return bad("DATE")
		}
		tm := unixNanos(new(big.Int).Mul(ms, big.NewInt(1e6)))
		return "DATE " + qstr(fmtDate(tm)), hintDate, nil
	case "TIME":
		ns, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return bad("TIME")
		}
		tm := time.Unix(0, ns).UTC()
		return "TIME " + qstr(tm.Format("15:04:05.999999")), &sfType{Base: "TIME", Precision: 9}, nil
	case "TIMESTAMP_NTZ", "TIMESTAMP":
		ns, ok := new(big.Int).SetString(s, 10)
		if !ok {
			return bad(b.Type)
		}
		return "TIMESTAMP " + qstr(fmtTS(unixNanos(ns))), hintNTZ, nil
	case "TIMESTAMP_LTZ":
		ns, ok := new(big.Int).SetString(s, 10)
		if !ok {
			return bad(b.Type)
		}
		return "TIMESTAMPTZ " + qstr(fmtTS(unixNanos(ns))+"+00"), hintLTZ, nil
	case "TIMESTAMP_TZ":
		f := strings.Fields(s)
		if len(f) != 2 {
			return bad(b.Type)
		}
		ns, ok := new(big.Int).SetString(f[0], 10)
		if !ok {
			return bad(b.Type)
		}
		return "TIMESTAMPTZ " + qstr(fmtTS(unixNanos(ns))+"+00"), hintTZ, nil
	case "BINARY":
		if _, err := hex.DecodeString(s); err != nil {
			return bad("BINARY (hex)")
		}
		return "from_hex(" + qstr(s) + ")", &sfType{Base: "BINARY", Length: 8388608}, nil
	case "ARRAY", "OBJECT", "VARIANT", "ANY":
		return qstr(s), hintVariant, nil
	}
	return qstr(s), nil, nil
}

func decimalScale(s string) int {
	s = strings.ToLower(s)
	if strings.Contains(s, "e") {
		return 10
	}
	if i := strings.IndexByte(s, '.'); i >= 0 {
		sc := len(s) - i - 1
		if sc > 37 {
			sc = 37
		}
		return sc
	}
	return 0
}

// unixNanos converts nanoseconds since the epoch (possibly outside int64 seconds
// range of time.Unix(0, n)) to a UTC time.
func unixNanos(ns *big.Int) time.Time {
	sec, nsec := new(big.Int).DivMod(ns, big.NewInt(1e9), new(big.Int))
	return time.Unix(sec.Int64(), nsec.Int64()).UTC()
}

func fmtTS(t time.Time) string {
	y := t.Year()
	base := t.Format("-01-02 15:04:05.999999")
	if y < 0 {
		return fmt.Sprintf("%04d%s (BC)", -y+1, base)
	}
	return fmt.Sprintf("%04d%s", y, base)
}

func fmtDate(t time.Time) string {
	y := t.Year()
	if y <= 0 {
		return fmt.Sprintf("%04d%s (BC)", -y+1, t.Format("-01-02"))
	}
	return fmt.Sprintf("%04d%s", y, t.Format("-01-02"))
}

// bindPiece is bindLiteral as an operand. TIME and TIMESTAMP_* binds (nanoseconds since
// midnight / the epoch; TIMESTAMP_TZ with its offset in minutes + 1440) also carry their
// exact value (ext.go) and, for INSERT … VALUES, its text with every digit and the offset.
func (t *translator) bindPiece(tok Token) (piece, error) {
	q0 := t.qmark
	lit, h, err := t.bindLiteral(tok)
	if err != nil || h == nil || lit == "NULL" {
		return piece{text: lit, hint: h}, err
	}
	q1 := t.qmark
	t.qmark = q0 // bindValue consumes the '?' again
	b, v, _, err := t.bindValue(tok)
	t.qmark = q1
	if err != nil {
		return piece{}, err
	}
	s, _ := v.(string)
	var canon string
	switch strings.ToUpper(b.Type) {
	case "TIME":
		ns, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return piece{text: lit, hint: h}, nil
		}
		canon = time.Unix(0, ns).UTC().Format("15:04:05.000000000")
	case "TIMESTAMP_NTZ", "TIMESTAMP", "TIMESTAMP_LTZ":
		ns, ok := new(big.Int).SetString(s, 10)
		if !ok {
			return piece{text: lit, hint: h}, nil
		}
		canon = fmtTS9(unixNanos(ns)) + "+00:00"
		if strings.ToUpper(b.Type) != "TIMESTAMP_LTZ" {
			canon = fmtTS9(unixNanos(ns))
		}
	case "TIMESTAMP_TZ":
		f := strings.Fields(s)
		ns, ok := new(big.Int).SetString(f[0], 10)
		off, err := strconv.Atoi(f[1])
		if !ok || err != nil {
			return piece{text: lit, hint: h}, nil
		}
		off -= 1440
		tm := unixNanos(ns).Add(time.Duration(off) * time.Minute)
		sign := "+"
		if off < 0 {
			sign, off = "-", -off
		}
		canon = fmtTS9(tm) + fmt.Sprintf("%s%02d:%02d", sign, off/60, off%60)
	default:
		return piece{text: lit, hint: h}, nil
	}
	st := *h
	st.Precision = 9
	p := t.castExt(piece{text: qstr(canon), hint: hintVarchar}, st, false)
	p.valText = qstr(canon)
	return p, nil
}

// fmtTS9 is fmtTS with all nine fractional digits.
func fmtTS9(t time.Time) string {
	y := t.Year()
	base := t.Format("-01-02 15:04:05.000000000")
	if y < 0 {
		return fmt.Sprintf("%04d%s (BC)", -y+1, base)
	}
	return fmt.Sprintf("%04d%s", y, base)
}
