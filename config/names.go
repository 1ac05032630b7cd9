package config

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// MaxMigrationNameLength bounds a migration name: it is a workflow ID prefix for every
// table's child workflow and a key in the metadata tables.
const MaxMigrationNameLength = 200

// ErrInvalidName is wrapped by ValidateMigrationName's errors.
var ErrInvalidName = errors.New("invalid migration name")

// ValidateMigrationName checks a --name: ASCII letters and digits only, not starting with
// a digit, at most MaxMigrationNameLength characters (the reference system's rule; it
// also keeps workflow IDs and metadata keys free of separators).
func ValidateMigrationName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("%w: the name is empty; give --name, e.g. --name SalesMigration1", ErrInvalidName)
	case len(name) > MaxMigrationNameLength:
		return fmt.Errorf("%w: %d characters, at most %d allowed", ErrInvalidName, len(name), MaxMigrationNameLength)
	case name[0] >= '0' && name[0] <= '9':
		return fmt.Errorf("%w: %q starts with a digit; start with a letter, e.g. M%s", ErrInvalidName, name, name)
	}
	for i, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return fmt.Errorf("%w: %q has %q at position %d; use letters and digits only", ErrInvalidName, name, r, i+1)
		}
	}
	return nil
}

// TableKey is `db.schema.table` of the table's source exactly as the configuration writes
// it, quotes included: stable across runs and unique per source table within a valid
// configuration (Normalize rejects two tables naming the same source). Call it on a
// merged table (Normalized.Tables) so that inherited names are present.
func TableKey(t TableConfig) string {
	if t.Source == nil {
		return ".."
	}
	return t.Source.DatabaseName + "." + t.Source.SchemaName + "." + t.Source.TableName
}

// identifierProblem says what is wrong with one name part (database, schema, table or
// column) as written in the configuration, or returns "" when it is valid. A quoted name
// is `"..."` with any inner quote doubled and no control character; an unquoted name is
// an ASCII letter or underscore followed by ASCII letters, digits, underscores or dollar
// signs (what PostgreSQL, Redshift and Snowflake all accept unquoted).
func identifierProblem(name string) string {
	if name == "" {
		return "empty name"
	}
	if strings.TrimSpace(name) != name {
		return fmt.Sprintf("%q has leading or trailing spaces; remove them, or quote the name as %s if they are part of it", name, quoteSuggestion(name))
	}
	if strings.HasPrefix(name, `"`) {
		if len(name) < 2 || !strings.HasSuffix(name, `"`) {
			return fmt.Sprintf("%s opens a quote it does not close; write %s", name, quoteSuggestion(strings.TrimPrefix(name, `"`)))
		}
		inner := name[1 : len(name)-1]
		if inner == "" {
			return `"" is an empty quoted name`
		}
		if strings.Contains(strings.ReplaceAll(inner, `""`, ""), `"`) {
			return fmt.Sprintf("%s has an unbalanced quote inside; double a quote that is part of the name (\"\")", name)
		}
		// PostgreSQL cannot store NUL in a name, and a line break or other control
		// character in a name is almost always a copy-paste accident that would make
		// every message and metadata row about the table unreadable.
		for _, r := range inner {
			if unicode.IsControl(r) {
				return controlProblem(name, r)
			}
		}
		return ""
	}
	if strings.Contains(name, `"`) {
		return fmt.Sprintf("%s has an unbalanced quote; quote the whole name (a JSON string such as \"\\\"MyTable\\\"\")", name)
	}
	for i, r := range name {
		if unicode.IsControl(r) {
			return controlProblem(name, r)
		}
		if r > unicode.MaxASCII {
			// Unquoted names fold case differently on each side (Snowflake accepts only
			// ASCII letters unquoted; PostgreSQL folds only ASCII letters), so a
			// non-ASCII name must say its exact spelling.
			return fmt.Sprintf("%q has the non-ASCII character %q, which only a quoted name may contain; write it as %s with the exact case the database stores", name, r, quoteSuggestion(name))
		}
		ok := isASCIILetter(r) || r == '_' || (i > 0 && (r >= '0' && r <= '9' || r == '$'))
		if !ok && r == '.' {
			return fmt.Sprintf("%q contains '.': give each part in its own field (databaseName, schemaName, tableName), or quote a name that contains a dot: %s", name, quoteSuggestion(name))
		}
		if !ok {
			return fmt.Sprintf("%q needs quotes (it has %q); write it as %s so the database sees it exactly", name, r, quoteSuggestion(name))
		}
	}
	return ""
}

// controlProblem refuses a control character in a name, quoted or not.
func controlProblem(name string, r rune) string {
	return fmt.Sprintf("%q contains the control character %U; names with NUL, line breaks or other control characters cannot be migrated: rename the object in the source, or correct the name", name, r)
}

func isASCIILetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }

// quoteSuggestion renders name as the JSON string value a user should type.
func quoteSuggestion(name string) string {
	return `"\"` + strings.ReplaceAll(name, `"`, `""`) + `\""`
}

// isQuoted reports whether a (valid) name is a quoted identifier.
func isQuoted(name string) bool { return len(name) >= 2 && name[0] == '"' && name[len(name)-1] == '"' }

// canonicalName is the name as the database stores it, for duplicate detection: quoted
// names keep their case (inner quotes undoubled), unquoted names fold (to lower case on
// the source side, to upper case on Snowflake).
func canonicalName(name string, fold func(string) string) string {
	if isQuoted(name) {
		return strings.ReplaceAll(name[1:len(name)-1], `""`, `"`)
	}
	return fold(name)
}
