package server

import (
	"context"
	"errors"
	"regexp"
	"strings"

	"github.com/snowmigrate/snowmigrate/emulator/sqlserver/tsql"
)

var (
	reNoTable   = regexp.MustCompile(`(?:Table|View|Schema|Catalog) with name ([^ ]+) does not exist`)
	reExists    = regexp.MustCompile(`(?:Table|Schema) with name "?([^ "]+)"? already exists`)
	reNoColumn  = regexp.MustCompile(`(?:Referenced column "([^"]+)" not found|does not have a column (?:named|with name) "([^"]+)")`)
	reSyntax    = regexp.MustCompile(`syntax error at or near "([^"]*)"`)
	reDuplicate = regexp.MustCompile(`(?:Duplicate key "(.*)" violates (primary key|unique) constraint|(PRIMARY KEY or UNIQUE) constraint violated: duplicate key "(.*)")`)
	reNotNull   = regexp.MustCompile(`NOT NULL constraint failed: ([^.]+)\.(\S+)`)
	reConvStr   = regexp.MustCompile(`Could not convert string '(.*)' to (\w+)`)
	reAmbiguous = regexp.MustCompile(`Ambiguous reference to column name "([^"]+)"`)
	reGroupBy   = regexp.MustCompile(`column "([^"]+)" must appear in the GROUP BY clause`)
	reDuckType  = map[string]string{"INT8": "tinyint", "UINT8": "tinyint", "INT16": "smallint", "INT32": "int", "INT64": "bigint",
		"BOOL": "bit", "FLOAT": "real", "DOUBLE": "float", "DATE": "date", "TIMESTAMP": "datetime2"}
)

// mapError turns a DuckDB error into the error SQL Server would send.
func mapError(err error) *tsql.Error {
	var te *tsql.Error
	if errors.As(err, &te) {
		return te
	}
	if errors.Is(err, context.Canceled) {
		return tsql.Errf(3617, 1, 25, "Query was cancelled.")
	}
	msg := err.Error()
	first := strings.SplitN(msg, "\n", 2)[0]
	switch {
	case strings.Contains(first, tsql.DivideByZero):
		return tsql.Errf(8134, 1, 16, "%s", tsql.DivideByZero)
	case strings.Contains(first, tsql.NumericOverflow):
		return tsql.Errf(8115, 2, 16, "%s", tsql.NumericOverflow)
	case strings.Contains(first, moneyOverflowPrefix):
		return tsql.Errf(8115, 2, 16, "%s", first[strings.Index(first, moneyOverflowPrefix):])
	case strings.Contains(first, invalidSubstringLength):
		return tsql.Errf(537, 3, 16, "%s", invalidSubstringLength)
	case reNoTable.MatchString(first):
		name := strings.Trim(reNoTable.FindStringSubmatch(first)[1], `"!`)
		return tsql.Errf(208, 1, 16, "Invalid object name '%s'.", name)
	case reExists.MatchString(first):
		return tsql.Errf(2714, 6, 16, "There is already an object named '%s' in the database.", reExists.FindStringSubmatch(first)[1])
	case reNoColumn.MatchString(first):
		m := reNoColumn.FindStringSubmatch(first)
		name := m[1]
		if name == "" {
			name = m[2]
		}
		if i := strings.LastIndex(name, "."); i >= 0 {
			name = name[i+1:]
		}
		return tsql.Errf(207, 1, 16, "Invalid column name '%s'.", name)
	case reAmbiguous.MatchString(first):
		return tsql.Errf(209, 1, 16, "Ambiguous column name '%s'.", reAmbiguous.FindStringSubmatch(first)[1])
	case reGroupBy.MatchString(first):
		return tsql.Errf(8120, 1, 16, "Column '%s' is invalid in the select list because it is not contained in either an aggregate function or the GROUP BY clause.", reGroupBy.FindStringSubmatch(first)[1])
	case strings.HasPrefix(first, "Parser Error"):
		near := ""
		if m := reSyntax.FindStringSubmatch(first); m != nil {
			near = m[1]
		}
		if isReserved(near) {
			return tsql.SyntaxKeyword(strings.ToUpper(near))
		}
		return tsql.SyntaxNear(near)
	case reDuplicate.MatchString(first):
		m := reDuplicate.FindStringSubmatch(first)
		kind := "PRIMARY KEY"
		if m[2] == "unique" || m[3] != "" {
			kind = "UNIQUE KEY"
		}
		val := m[1] + m[4]
		if i := strings.Index(val, ": "); i >= 0 {
			val = val[i+2:]
		}
		return tsql.Errf(2627, 1, 14, "Violation of %s constraint. Cannot insert duplicate key. The duplicate key value is (%s).", kind, val)
	case reNotNull.MatchString(first):
		m := reNotNull.FindStringSubmatch(first)
		return tsql.Errf(515, 2, 16, "Cannot insert the value NULL into column '%s', table '%s'; column does not allow nulls. INSERT fails.", m[2], m[1])
	case strings.Contains(first, "CHECK constraint failed"):
		return tsql.Errf(2628, 1, 16, "String or binary data would be truncated in table '%s'.", strings.TrimSpace(first[strings.LastIndex(first, ":")+1:]))
	case strings.Contains(first, "out of range") || strings.HasPrefix(first, "Out of Range Error") || strings.Contains(first, "Overflow"):
		typ := "int"
		for k, v := range reDuckType {
			if strings.Contains(first, "destination type "+k) {
				typ = v
			}
		}
		return tsql.Errf(8115, 2, 16, "Arithmetic overflow error converting expression to data type %s.", typ)
	case reConvStr.MatchString(first):
		m := reConvStr.FindStringSubmatch(first)
		switch {
		case m[2] == "UUID":
			return tsql.Errf(8169, 2, 16, "Conversion failed when converting from a character string to uniqueidentifier.")
		case strings.HasPrefix(m[2], "DECIMAL"):
			return tsql.Errf(8114, 5, 16, "Error converting data type varchar to numeric.")
		}
		typ := reDuckType[m[2]]
		if typ == "" {
			typ = strings.ToLower(m[2])
		}
		return tsql.Errf(245, 1, 16, "Conversion failed when converting the varchar value '%s' to data type %s.", m[1], typ)
	case strings.Contains(first, "Conflict") || strings.Contains(first, "conflict"):
		return tsql.Errf(3960, 2, 16, "Snapshot isolation transaction aborted due to update conflict. (%s)", first)
	case strings.Contains(first, "Current transaction is aborted"):
		return tsql.Errf(3930, 1, 16, "The current transaction cannot be committed and cannot support operations that write to the log file. Roll back the transaction.")
	}
	return tsql.Errf(50000, 1, 16, "%s", first)
}

func isReserved(s string) bool {
	switch strings.ToUpper(s) {
	case "SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "IN", "IS", "NULL", "ORDER", "BY", "GROUP",
		"HAVING", "INSERT", "INTO", "VALUES", "UPDATE", "SET", "DELETE", "CREATE", "DROP", "TABLE",
		"AS", "ON", "JOIN", "UNION", "CASE", "WHEN", "THEN", "ELSE", "END", "TOP", "DISTINCT", "ALL":
		return true
	}
	return false
}
