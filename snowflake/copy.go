package snowflake

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/snowmigrate/snowmigrate/migration"
)

// maxCopyFiles is Snowflake's limit on the FILES list of one COPY. Partitions with more
// files are loaded by path (the partition's own directory, which upload keeps exact).
const maxCopyFiles = 1000

// stagePrefixRE accepts what StagePath and StageRef produce: @ then a stage name (plain or
// quoted parts) and a path of safe characters. Anything else is refused rather than
// spliced into SQL.
var stagePrefixRE = regexp.MustCompile(`^@(?:[A-Za-z0-9_$]+|"(?:[^"]|"")+")(?:\.(?:[A-Za-z0-9_$]+|"(?:[^"]|"")+")){0,2}(?:/[A-Za-z0-9._=-]+)*/?$`)

// fileNameRE is a staged file's base name.
var fileNameRE = regexp.MustCompile(`^[A-Za-z0-9._=-]+$`)

// CheckStagePrefix validates a stage location and returns it with a trailing slash (COPY
// and REMOVE then address exactly that directory, never a sibling with a longer name).
func CheckStagePrefix(prefix string) (string, error) {
	if !stagePrefixRE.MatchString(prefix) {
		return "", fmt.Errorf("stage location %q is not of the form @<stage>/<path> with letters, digits, '.', '_', '=' and '-'", prefix)
	}
	if !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	return prefix, nil
}

// CopySQL builds the COPY INTO that loads a partition's Parquet files into the target.
//
// Plain form: MATCH_BY_COLUMN_NAME=CASE_SENSITIVE (Parquet field names are the exact
// target column names). Transform form, when any column is semi-structured or
// geospatial: an explicit projection `$1:"COL"::<type>` per column with PARSE_JSON for
// VARIANT/OBJECT/ARRAY (Parquet carries them as JSON text).
//
// FORCE=TRUE because this product's metadata row, committed in the same transaction,
// decides whether a partition was loaded; Snowflake's 64-day load history would
// otherwise skip a re-extracted file with the same name and content after the target was
// emptied for a re-run. ON_ERROR=ABORT_STATEMENT: a partition loads completely or not at all.
func CopySQL(target migration.TableRef, cols []migration.Column, stagePrefix string, files []string) (string, error) {
	return copySQL(target, cols, stagePrefix, files, false)
}

// copySQL is CopySQL; iceberg adds LOAD_MODE = FULL_INGEST (see CopyIcebergSQL).
func copySQL(target migration.TableRef, cols []migration.Column, stagePrefix string, files []string, iceberg bool) (string, error) {
	prefix, err := CheckStagePrefix(stagePrefix)
	if err != nil {
		return "", err
	}
	if len(cols) == 0 {
		return "", fmt.Errorf("COPY into %s: no columns", TableName(target))
	}
	types := make([]SQLType, len(cols))
	transform := false
	for i, c := range cols {
		t, err := ParseType(c.TargetType)
		if err != nil {
			return "", fmt.Errorf("COPY into %s column %s: %w", TableName(target), QuoteIdent(c.TargetName), err)
		}
		types[i] = t
		transform = transform || t.needsTransform()
	}
	var b strings.Builder
	b.WriteString("COPY INTO ")
	b.WriteString(TableName(target))
	if transform {
		names := make([]string, len(cols))
		exprs := make([]string, len(cols))
		for i, c := range cols {
			names[i] = QuoteIdent(c.TargetName)
			exprs[i] = projection(c.TargetName, types[i])
		}
		b.WriteString(" (" + strings.Join(names, ", ") + ")\n")
		b.WriteString("FROM (SELECT " + strings.Join(exprs, ", ") + " FROM " + prefix + ")\n")
	} else {
		b.WriteString("\nFROM " + prefix + "\n")
	}
	if len(files) > 0 && len(files) <= maxCopyFiles {
		lits := make([]string, len(files))
		for i, f := range files {
			if !fileNameRE.MatchString(f) {
				return "", fmt.Errorf("staged file name %q has characters other than letters, digits, '.', '_', '=' and '-'", f)
			}
			lits[i] = StringLiteral(f)
		}
		b.WriteString("FILES = (" + strings.Join(lits, ", ") + ")\n")
	}
	// Spelled out because Snowflake's Parquet defaults would corrupt data: an
	// un-annotated BYTE_ARRAY (our BINARY columns) is read as UTF-8 text
	// (BINARY_AS_TEXT defaults to TRUE), and a text value equal to \N becomes NULL
	// (NULL_IF defaults to ('\N')); NULLs travel as Parquet nulls, never as text.
	b.WriteString("FILE_FORMAT = (TYPE = PARQUET BINARY_AS_TEXT = FALSE USE_LOGICAL_TYPE = TRUE NULL_IF = ())\n")
	if !transform {
		b.WriteString("MATCH_BY_COLUMN_NAME = CASE_SENSITIVE\n")
	}
	if iceberg {
		b.WriteString("LOAD_MODE = FULL_INGEST\n")
	}
	b.WriteString("ON_ERROR = ABORT_STATEMENT\n")
	b.WriteString("FORCE = TRUE")
	return b.String(), nil
}

// projection is one column of the transform form.
func projection(name string, t SQLType) string {
	field := "$1:" + QuoteIdent(name)
	switch t.Family {
	case FamVariant:
		return "PARSE_JSON(" + field + "::VARCHAR)"
	case FamObject, FamArray:
		return "PARSE_JSON(" + field + "::VARCHAR)::" + t.Family
	case FamGeography:
		return "TO_GEOGRAPHY(" + field + "::VARCHAR)"
	case FamGeometry:
		return "TO_GEOMETRY(" + field + "::VARCHAR)"
	default:
		return field + "::" + t.Raw
	}
}
