package engine

import (
	"errors"
	"regexp"
	"strings"
)

// Snowflake error numbers used beyond the ones in api.go.
const (
	ErrInvalidIdentifier = 904    // 42000: invalid identifier 'X'
	ErrDivByZero         = 100051 // 22012
	ErrOutOfRange        = 100039 // 22003
	ErrLockTimeout       = 625
	ErrUnsupported       = ErrSyntax
)

var (
	reColNotFound = regexp.MustCompile(`(?:Referenced column|column with name) "?([^"!]+)"? (?:not found|does not exist)`)
	reTableNF     = regexp.MustCompile(`(?:Table|View|Schema|Table Function|Catalog) with name "?([^"!]+?)"? does not exist`)
	reFuncNF      = regexp.MustCompile(`(?:Scalar Function|Aggregate Function|Function|Table Function) with name "?([^" !]+)"? does not exist`)
)

// unsupported builds the 1003 error for SQL the emulator deliberately does not handle.
func unsupported(format string, args ...any) *Error {
	e := Errorf(ErrUnsupported, "0A000", format, args...)
	e.Message = "SQL compilation error: unsupported in the Snowflake emulator: " + e.Message
	return e
}

// mapDuckErr converts a DuckDB error into the Snowflake error a client would see.
func mapDuckErr(err error) error {
	if err == nil {
		return nil
	}
	var se *Error
	if errors.As(err, &se) {
		return se
	}
	msg := err.Error()
	short := strings.TrimSpace(msg)
	if i := strings.Index(short, "\n\nLINE"); i > 0 {
		short = short[:i]
	}
	switch {
	case strings.Contains(msg, "Division by zero"):
		return Errorf(ErrDivByZero, "22012", "Division by zero")
	case strings.HasPrefix(msg, "Conversion Error") || strings.Contains(msg, "Could not convert") || strings.Contains(msg, "Could not parse") || strings.Contains(msg, "Malformed JSON"):
		if strings.Contains(msg, "date") || strings.Contains(msg, "DATE") || strings.Contains(msg, "timestamp") || strings.Contains(msg, "TIME") {
			return Errorf(100040, "22007", "Date/time conversion failed: %s", stripPrefix(short))
		}
		if strings.Contains(msg, "JSON") {
			return Errorf(100069, "22P02", "Error parsing JSON: %s", stripPrefix(short))
		}
		return Errorf(ErrNumericConv, "22018", "Numeric value conversion failed: %s", stripPrefix(short))
	case strings.Contains(msg, "NOT NULL constraint failed"):
		col := msg[strings.LastIndex(msg, ":")+1:]
		return Errorf(ErrNotNull, "22000", "NULL result in a non-nullable column%s", decColumnSuffix(col))
	case strings.HasPrefix(msg, "Out of Range Error") || strings.Contains(msg, "out of range"):
		return Errorf(ErrOutOfRange, "22003", "Numeric value out of range: %s", stripPrefix(short))
	case strings.Contains(msg, "Interrupt") || strings.Contains(msg, "context canceled"):
		return Errorf(604, "57014", "SQL execution canceled")
	case strings.Contains(msg, "write-write conflict") || strings.Contains(msg, "Conflict on"):
		return Errorf(ErrLockTimeout, "57014", "Transaction conflict in the emulator; retry the statement: %s", stripPrefix(short))
	}
	if m := reFuncNF.FindStringSubmatch(msg); m != nil {
		return Errorf(2140, "42601", "SQL compilation error:\nUnknown function %s", strings.ToUpper(m[1]))
	}
	if m := reTableNF.FindStringSubmatch(msg); m != nil {
		return Errorf(ErrObjectNotExists, "42S02", "SQL compilation error:\nObject '%s' does not exist or not authorized.", decDuckRef(m[1]))
	}
	if m := reColNotFound.FindStringSubmatch(msg); m != nil {
		return Errorf(ErrInvalidIdentifier, "42000", "SQL compilation error: error line 0 at position 0\ninvalid identifier '%s'", sfIdent(dec(m[1])))
	}
	switch {
	case strings.HasPrefix(msg, "Parser Error"):
		return Errorf(ErrSyntax, "42000", "SQL compilation error:\n%s", stripPrefix(short))
	case strings.HasPrefix(msg, "Binder Error"), strings.HasPrefix(msg, "Catalog Error"), strings.HasPrefix(msg, "Not implemented Error"):
		return Errorf(ErrSyntax, "42000", "SQL compilation error:\n%s", decodeNames(stripPrefix(short)))
	case strings.HasPrefix(msg, "Invalid Input Error"):
		return Errorf(100069, "22000", "%s", stripPrefix(short))
	case strings.HasPrefix(msg, "Constraint Error"):
		return Errorf(100072, "22000", "%s", stripPrefix(short))
	}
	return Errorf(ErrInternal, "XX000", "internal error in the Snowflake emulator: %s", short)
}

func stripPrefix(s string) string {
	if i := strings.Index(s, "Error: "); i >= 0 && i < 40 {
		return s[i+7:]
	}
	return s
}

func decColumnSuffix(col string) string {
	col = strings.TrimSpace(col)
	if col == "" {
		return ""
	}
	if i := strings.LastIndex(col, "."); i >= 0 {
		col = col[i+1:]
	}
	return " '" + dec(col) + "'"
}

// decDuckRef turns a DuckDB name from an error message back into Snowflake spelling.
func decDuckRef(s string) string {
	parts := strings.Split(s, ".")
	for i, p := range parts {
		parts[i] = dec(strings.Trim(p, `"`))
	}
	return strings.Join(parts, ".")
}

var reQuotedName = regexp.MustCompile(`"([^"]*~[^"]*)"`)

func decodeNames(s string) string {
	return reQuotedName.ReplaceAllStringFunc(s, func(m string) string { return `"` + dec(m[1:len(m)-1]) + `"` })
}
