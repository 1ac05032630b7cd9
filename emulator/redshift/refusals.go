package redshift

import "strings"

// refusal is an error the local Redshift answers instead of running a statement, in
// Redshift's words and SQLSTATE.
type refusal struct {
	Code    string
	Message string
	Hint    string
}

// unsupportedFunctions lists the PostgreSQL functions that Amazon Redshift documents as
// unsupported ("Unsupported PostgreSQL functions", Database Developer Guide) and that a
// migration tool might be tempted to call. A call of one of them (bare or
// pg_catalog-qualified) is refused with Redshift's "function … does not exist".
// This is the one list; docs/redshift.md repeats it and refusals_test.go tests each.
var unsupportedFunctions = []string{
	// aggregate functions
	"string_agg", "array_agg", "every", "xmlagg", "corr", "covar_pop", "covar_samp",
	"regr_avgx", "regr_avgy", "regr_count", "regr_intercept", "regr_r2", "regr_slope",
	"regr_sxx", "regr_sxy", "regr_syy",
	// advisory locks
	"pg_advisory_lock", "pg_advisory_xact_lock", "pg_try_advisory_lock", "pg_advisory_unlock",
	// comment information
	"obj_description", "col_description",
	// database object size and location
	"pg_relation_size", "pg_total_relation_size", "pg_table_size", "pg_indexes_size",
	"pg_database_size", "pg_column_size", "pg_relation_filepath",
	// date/time
	"clock_timestamp", "justify_days", "justify_hours", "justify_interval", "pg_sleep",
	"transaction_timestamp",
	// math
	"div", "setseed", "width_bucket",
	// set returning
	"generate_subscripts",
	// sequence manipulation
	"nextval", "currval", "setval",
	// snapshot synchronization, transaction ids
	"pg_export_snapshot", "txid_current", "txid_current_snapshot",
	// string
	"bit_length", "overlay", "convert", "convert_from", "convert_to", "encode", "format",
	"quote_nullable", "regexp_matches", "regexp_split_to_array", "regexp_split_to_table",
	// text search
	"to_tsvector", "to_tsquery", "plainto_tsquery", "ts_rank",
	// general file access
	"pg_read_file", "pg_ls_dir",
	// enum support, backup and recovery control
	"enum_first", "enum_last", "enum_range", "pg_is_in_recovery", "pg_backup_start",
}

// leaderOnlyFunctions run only on Redshift's leader node: any use is refused here with
// the message Redshift gives when they meet a user table (stricter than Redshift, which
// allows them in a statement that reads no table).
var leaderOnlyFunctions = []string{"generate_series"}

// unsupportedTypes are PostgreSQL types Redshift documents as unsupported ("Unsupported
// PostgreSQL data types"), refused in a cast (::type) or a column definition. OID types,
// name and "char" are left alone: catalog queries use them on Redshift's leader node.
var unsupportedTypes = []string{
	"json", "jsonb", "uuid", "serial", "bigserial", "smallserial", "serial4", "serial8", "xml", "money",
	"inet", "cidr", "macaddr", "macaddr8", "bit", "varbit", "bytea", "hstore", "tsvector", "tsquery",
	"txid_snapshot", "point", "box", "circle", "line", "lseg", "path", "polygon",
	"int4range", "int8range", "numrange", "tsrange", "tstzrange", "daterange",
}

var (
	unsupportedFunctionSet = toSet(unsupportedFunctions)
	leaderOnlySet          = toSet(leaderOnlyFunctions)
	unsupportedTypeSet     = toSet(unsupportedTypes)
)

func toSet(xs []string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}

func syntaxError(near string) *refusal {
	return &refusal{Code: "42601", Message: `syntax error at or near "` + near + `"`}
}

// checkRefusal tells whether Redshift would refuse one statement, and how.
func checkRefusal(st []token) *refusal {
	if len(st) == 0 {
		return nil
	}
	if st[0].is("COPY") {
		return checkCopy(st)
	}
	if st[0].is("LISTEN") || st[0].is("NOTIFY") || st[0].is("UNLISTEN") {
		return syntaxError(st[0].Val)
	}
	if st[0].is("CREATE") {
		for i := 1; i < len(st) && i < 4; i++ {
			if st[i].is("INDEX") || st[i].is("TRIGGER") || st[i].is("SEQUENCE") || st[i].is("EXTENSION") {
				return syntaxError(st[i].Val)
			}
			if !(st[i].is("UNIQUE") || st[i].is("OR") || st[i].is("REPLACE") || st[i].is("TEMP") || st[i].is("TEMPORARY")) {
				break
			}
		}
	}
	for i, t := range st {
		var next, prev token
		if i+1 < len(st) {
			next = st[i+1]
		}
		if i > 0 {
			prev = st[i-1]
		}
		switch {
		case t.is("ON") && next.is("CONFLICT"):
			return syntaxError(t.Val)
		case t.is("RETURNING"):
			return syntaxError(t.Val)
		case t.is("TABLESAMPLE"):
			return syntaxError(t.Val)
		case t.is("DISTINCT") && (prev.is("IS") || prev.is("NOT") && i > 1 && st[i-2].is("IS")):
			return syntaxError(t.Val)
		case t.is("ARRAY") && next.punct("["):
			return syntaxError("[")
		case t.Kind == tokIdent && next.punct("(") && !prev.punct(".") && !namesTable(prev):
			if r := functionRefusal(strings.ToLower(t.Val)); r != nil {
				return r
			}
		case t.Kind == tokIdent && next.punct("(") && prev.punct(".") && i > 1 && st[i-2].is("PG_CATALOG"):
			if r := functionRefusal(strings.ToLower(t.Val)); r != nil {
				return r
			}
		case t.Kind == tokIdent && unsupportedTypeSet[strings.ToLower(t.Val)] && (prev.punct("::") || isColumnTypePosition(st, i)):
			return &refusal{Code: "42704", Message: `type "` + strings.ToLower(t.Val) + `" does not exist`}
		}
	}
	return nil
}

// namesTable tells whether the word before a name makes it a table's name (INSERT INTO
// format (a) …), not a function call.
func namesTable(prev token) bool {
	for _, w := range []string{"TABLE", "INTO", "UPDATE", "EXISTS", "REFERENCES", "VIEW", "ONLY"} {
		if prev.is(w) {
			return true
		}
	}
	return false
}

// isColumnTypePosition tells whether token i of a CREATE/ALTER TABLE statement stands
// where a column's type does (after a column name that follows "(" or ",").
func isColumnTypePosition(st []token, i int) bool {
	if !(st[0].is("CREATE") || st[0].is("ALTER")) || i < 2 {
		return false
	}
	name := st[i-1]
	if name.Kind != tokIdent && name.Kind != tokQIdent || name.is("COLUMN") || name.is("ADD") {
		return false
	}
	return st[i-2].punct("(") || st[i-2].punct(",") || st[i-2].is("COLUMN") || st[i-2].is("ADD")
}

func functionRefusal(name string) *refusal {
	if unsupportedFunctionSet[name] {
		return &refusal{Code: "42883", Message: "function " + name + " does not exist",
			Hint: "No function matches the given name and argument types. You may need to add explicit type casts."}
	}
	if leaderOnlySet[name] {
		return &refusal{Code: "0A000", Message: "Specified types or functions (one per INFO message) not supported on Redshift tables."}
	}
	return nil
}

// checkCopy refuses every COPY but Redshift's own COPY … FROM 's3://…', which the local
// Redshift does not run either (it is refused as not implemented).
func checkCopy(st []token) *refusal {
	if len(st) > 1 && st[1].punct("(") {
		return syntaxError("(")
	}
	// Redshift's parser takes COPY … TO (PostgreSQL 8's grammar) and fails at the
	// destination: STDIN/STDOUT first, then a binary format, then any other TO.
	for _, word := range []string{"STDIN", "STDOUT", "BINARY", "TO"} {
		for _, t := range st[1:] {
			if t.is(word) {
				return syntaxError(t.Val)
			}
		}
	}
	return &refusal{Code: "0A000", Message: "COPY from a data source is not supported by the local Redshift (only UNLOAD writes to S3)"}
}
