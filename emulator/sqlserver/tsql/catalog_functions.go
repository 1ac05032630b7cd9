package tsql

import (
	"fmt"
	"strings"
)

// catalogCall translates the catalog functions (DB_NAME, SCHEMA_NAME, SCHEMA_ID,
// OBJECT_ID, OBJECT_NAME, OBJECT_SCHEMA_NAME, TYPE_NAME) over the database's sys views;
// ok is false for every other call.
func (tr *translator) catalogCall(name string, args [][]Token) (string, bool, error) {
	switch name {
	case "DB_NAME", "SCHEMA_NAME", "SCHEMA_ID", "OBJECT_ID", "OBJECT_NAME", "OBJECT_SCHEMA_NAME", "TYPE_NAME":
	default:
		return "", false, nil
	}
	view := func(v string) string { s, _ := tr.env.CatalogView(tr.env.CurrentDB(), "sys", v); return s }
	needOne := Errf(174, 1, 15, "The %s function requires 1 argument(s).", strings.ToLower(name))
	// arg translates the arguments and returns the first; strict requires exactly one.
	arg := func(strict bool) (string, error) {
		if strict && len(args) != 1 {
			return "", needOne
		}
		var first string
		for k, a := range args {
			s, err := tr.tokens(a)
			if err != nil {
				return "", err
			}
			if k == 0 {
				first = s
			}
		}
		return first, nil
	}
	var (
		s   string
		err error
	)
	switch name {
	case "DB_NAME":
		if len(args) != 0 {
			return "", true, Unsupported("DB_NAME(database_id)")
		}
		return QuoteString(tr.env.CurrentDB()), true, nil
	case "SCHEMA_NAME":
		if len(args) == 0 {
			return "'dbo'", true, nil
		}
		if s, err = arg(false); err == nil {
			s = catalogLookup("s.name", view("schemas")+" s", "s.schema_id = __arg.k", s)
		}
	case "SCHEMA_ID":
		if len(args) == 0 {
			return "1", true, nil
		}
		if s, err = arg(false); err == nil {
			s = catalogLookup("s.schema_id", view("schemas")+" s", "lower(s.name) = lower(__arg.k)", s)
		}
	case "OBJECT_ID":
		if len(args) < 1 {
			return "", true, needOne
		}
		if len(args[0]) == 1 && args[0][0].Kind == String {
			return tr.objectIDOfLiteral(args[0][0].Val), true, nil
		}
		// a parameter or expression: resolve [schema.]name in SQL
		if s, err = tr.tokens(args[0]); err == nil {
			parts := "string_split(replace(replace(CAST(__arg.k AS VARCHAR), '[', ''), ']', ''), '.')"
			s = catalogLookup("o.object_id", view("objects_by_name")+" o", "lower(o.name) = lower("+parts+"[-1]) AND lower(o.schema_name) = lower(CASE WHEN len("+parts+") >= 2 THEN "+parts+"[-2] ELSE 'dbo' END)", s)
		}
	case "OBJECT_NAME", "OBJECT_SCHEMA_NAME":
		col := "o.name"
		if name == "OBJECT_SCHEMA_NAME" {
			col = "o.schema_name"
		}
		if s, err = arg(true); err == nil {
			s = catalogLookup(col, view("objects_by_name")+" o", "o.object_id = __arg.k", s)
		}
	case "TYPE_NAME":
		if s, err = arg(true); err == nil {
			s = catalogLookup("t.name", view("types")+" t", "t.user_type_id = __arg.k", s)
		}
	}
	return s, true, err
}

// objectIDOfLiteral is OBJECT_ID('[db.][schema.]name'), resolved while translating.
func (tr *translator) objectIDOfLiteral(lit string) string {
	nt, err := Lex(lit)
	if err != nil {
		return "NULL"
	}
	parts, _ := ReadName(nt, 0)
	if len(parts) == 0 {
		return "NULL"
	}
	db, schema, obj := SplitName(parts)
	if id, ok := tr.env.ObjectID(db, schema, obj); ok {
		return fmt.Sprint(id)
	}
	return "CAST(NULL AS INTEGER)"
}

// catalogLookup is a catalog function's scalar subquery: value from the view's row
// where cond holds, cond reading the argument as __arg.k. The argument is evaluated in
// a one-row derived table of its own, outside the view's scope: written in the view's
// WHERE, an unqualified column such as SCHEMA_NAME(schema_id) in a query over
// sys.objects would bind to the view's own schema_id (every row matches, "More than
// one row returned by a subquery"), where SQL Server reads the outer row's.
func catalogLookup(value, view, cond, arg string) string {
	return "(SELECT " + value + " FROM (SELECT " + arg + " AS k) AS __arg JOIN " + view + " ON " + cond + ")"
}
