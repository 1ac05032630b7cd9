package engine

import (
	"context"
	"encoding/json"
	"strings"
	"time"
)

// createHead is the parsed prefix of CREATE: modifiers, object kind, IF NOT EXISTS.
type createHead struct {
	orReplace, ifNotExists bool
	transient, temporary   bool
	kind                   string // DATABASE SCHEMA TABLE ICEBERG VIEW …
	nameAt                 int    // token index of the object name
}

func parseCreateHead(toks []Token) (createHead, error) {
	h := createHead{}
	i := 1
	if toks[i].Is("OR") && toks[i+1].Is("REPLACE") {
		h.orReplace = true
		i += 2
	}
	for {
		switch {
		case toks[i].Is("LOCAL"), toks[i].Is("GLOBAL"), toks[i].Is("SECURE"), toks[i].Is("RECURSIVE"):
		case toks[i].Is("TRANSIENT"):
			h.transient = true
		case toks[i].Is("TEMP"), toks[i].Is("TEMPORARY"), toks[i].Is("VOLATILE"):
			h.temporary = true
		default:
			goto kind
		}
		i++
	}
kind:
	switch {
	case toks[i].Is("ICEBERG") && toks[i+1].Is("TABLE"):
		h.kind = "ICEBERG"
		i += 2
	case toks[i].Is("HYBRID") || toks[i].Is("DYNAMIC") || toks[i].Is("EXTERNAL") || toks[i].Is("EVENT") || toks[i].Is("MATERIALIZED"):
		return h, unsupported("CREATE %s %s", toks[i].Val, toks[i+1].Val)
	case toks[i].Kind == TkWord:
		h.kind = toks[i].Val
		i++
	default:
		return h, errSyntaxAt(toks[i], "")
	}
	if toks[i].Is("IF") && toks[i+1].Is("NOT") && toks[i+2].Is("EXISTS") {
		h.ifNotExists = true
		i += 3
	}
	h.nameAt = i
	return h, nil
}

func (s *Session) execCreate(ctx context.Context, toks []Token, binds map[string]Bind, describeOnly bool) (*Result, error) {
	h, err := parseCreateHead(toks)
	if err != nil {
		return nil, err
	}
	switch h.kind {
	case "WAREHOUSE", "ROLE", "USER", "RESOURCE", "NETWORK", "INTEGRATION", "STORAGE", "TAG":
		return statusResult("Statement executed successfully."), nil
	case "DATABASE", "SCHEMA", "TABLE", "ICEBERG", "VIEW":
	default:
		return nil, unsupported("CREATE %s", h.kind)
	}
	if describeOnly {
		return statusResult(""), nil
	}
	if err := s.commitImplicit(); err != nil {
		return nil, err
	}
	switch h.kind {
	case "DATABASE":
		return s.createDatabase(ctx, toks, h)
	case "SCHEMA":
		return s.createSchema(ctx, toks, h)
	case "VIEW":
		return s.createView(ctx, toks, h, binds)
	}
	return s.createTable(ctx, toks, h, binds)
}

func (s *Session) createDatabase(ctx context.Context, toks []Token, h createHead) (*Result, error) {
	parts, j, err := parseNameParts(toks, h.nameAt)
	if err != nil {
		return nil, err
	}
	if len(parts) != 1 {
		return nil, errSyntaxAt(toks[h.nameAt], "; a database name has one part")
	}
	if toks[j].Is("CLONE") {
		return nil, unsupported("CREATE DATABASE … CLONE")
	}
	opts, err := parseOptions(toks, j)
	if err != nil {
		return nil, err
	}
	name := parts[0]
	cat, err := s.e.catalog(ctx)
	if err != nil {
		return nil, err
	}
	if cat.dbs[name] != nil {
		switch {
		case h.ifNotExists:
			return statusResult(sfIdent(name) + " already exists, statement succeeded."), nil
		case !h.orReplace:
			return nil, Errorf(ErrAlreadyExists, "42710", "SQL compilation error:\nObject '%s' already exists.", sfIdent(name))
		}
		if err := s.dropDatabase(ctx, cat.dbs[name]); err != nil {
			return nil, err
		}
	}
	s.txnDDL = true
	if _, err := s.execDuck(ctx, `INSERT INTO main.sf_databases VALUES (?, ?, ?, ?)`, name, opts["COMMENT"], time.Now().UTC(), h.transient); err != nil {
		return nil, err
	}
	if err := s.execDDL(ctx, "CREATE SCHEMA "+qid(duckSchemaName(name, "PUBLIC"))); err != nil {
		return nil, err
	}
	s.db, s.schema = name, "PUBLIC"
	return statusResult("Database " + sfIdent(name) + " successfully created."), nil
}

func (s *Session) dropDatabase(ctx context.Context, d *dbEntry) error {
	for _, sch := range sortedKeys(d.schemas) {
		if err := s.execDDL(ctx, "DROP SCHEMA "+qid(d.schemas[sch].duck)+" CASCADE"); err != nil {
			return err
		}
	}
	s.txnDDL = true
	if _, err := s.execDuck(ctx, `DELETE FROM main.sf_databases WHERE name = ?`, d.name); err != nil {
		return err
	}
	// Stages live beside the DuckDB file: a dropped database takes its stages along.
	return dropStageObjects(s.e.DataDir(), d.name, "")
}

func (s *Session) createSchema(ctx context.Context, toks []Token, h createHead) (*Result, error) {
	parts, j, err := parseNameParts(toks, h.nameAt)
	if err != nil {
		return nil, err
	}
	if len(parts) > 2 {
		return nil, errSyntaxAt(toks[h.nameAt], "; a schema name has at most two parts")
	}
	if toks[j].Is("CLONE") {
		return nil, unsupported("CREATE SCHEMA … CLONE")
	}
	if _, err := parseOptions(toks, j); err != nil {
		return nil, err
	}
	db := s.db
	if len(parts) == 2 {
		db = parts[0]
	}
	sch := parts[len(parts)-1]
	if db == "" {
		return nil, Errorf(90105, "22000", "Cannot perform CREATE SCHEMA. This session does not have a current database. Call 'USE DATABASE', or use a qualified name.")
	}
	if sch == "INFORMATION_SCHEMA" {
		return nil, Errorf(ErrAlreadyExists, "42710", "SQL compilation error:\nObject 'INFORMATION_SCHEMA' already exists.")
	}
	cat, err := s.e.catalog(ctx)
	if err != nil {
		return nil, err
	}
	d := cat.dbs[db]
	if d == nil {
		return nil, Errorf(ErrObjectNotExists, "02000", "SQL compilation error:\nDatabase '%s' does not exist or not authorized.", sfIdent(db))
	}
	if se := d.schemas[sch]; se != nil {
		switch {
		case h.ifNotExists:
			return statusResult(sfIdent(sch) + " already exists, statement succeeded."), nil
		case !h.orReplace:
			return nil, Errorf(ErrAlreadyExists, "42710", "SQL compilation error:\nObject '%s' already exists.", sfIdent(sch))
		}
		if err := s.execDDL(ctx, "DROP SCHEMA "+qid(se.duck)+" CASCADE"); err != nil {
			return nil, err
		}
	}
	if err := s.execDDL(ctx, "CREATE SCHEMA "+qid(duckSchemaName(db, sch))); err != nil {
		return nil, err
	}
	s.db, s.schema = db, sch
	return statusResult("Schema " + sfIdent(sch) + " successfully created."), nil
}

// schemaFor checks that n's database and schema exist.
func (s *Session) schemaFor(ctx context.Context, n ObjectName) (*schemaEntry, error) {
	cat, err := s.e.catalog(ctx)
	if err != nil {
		return nil, err
	}
	d := cat.dbs[n.Database]
	if d == nil {
		return nil, Errorf(ErrObjectNotExists, "02000", "SQL compilation error:\nDatabase '%s' does not exist or not authorized.", sfIdent(n.Database))
	}
	se := d.schemas[n.Schema]
	if se == nil {
		return nil, Errorf(ErrObjectNotExists, "02000", "SQL compilation error:\nSchema '%s.%s' does not exist or not authorized.", sfIdent(n.Database), sfIdent(n.Schema))
	}
	return se, nil
}

// parseOptions reads Snowflake object options (NAME = value, CLUSTER BY (…), COPY
// GRANTS, WITH TAG (…)) from toks[i] to the end or to AS; returns them by name.
func parseOptions(toks []Token, i int) (map[string]string, error) {
	opts, _, err := parseOptionsUntil(toks, i, "")
	return opts, err
}

func parseOptionsUntil(toks []Token, i int, stop string) (map[string]string, int, error) {
	opts := map[string]string{}
	for toks[i].Kind != TkEOF {
		tk := toks[i]
		if stop != "" && tk.Is(stop) {
			return opts, i, nil
		}
		switch {
		case tk.Is("CLUSTER") && toks[i+1].Is("BY"):
			i += 2
			if toks[i].Is("LINEAR") {
				i++
			}
			if !toks[i].IsOp("(") {
				return nil, i, errSyntaxAt(toks[i], "; expected '(' after CLUSTER BY")
			}
			opts["CLUSTER BY"] = "yes"
			i = matching(toks, i) + 1
			continue
		case tk.Is("COPY") && toks[i+1].Is("GRANTS"):
			i += 2
			continue
		case tk.Is("WITH") && (toks[i+1].Is("TAG") || toks[i+1].Is("ROW") || toks[i+1].Is("MASKING")):
			for toks[i].Kind != TkEOF && !toks[i].IsOp("(") {
				i++
			}
			if toks[i].Kind == TkEOF {
				return nil, i, errSyntaxAt(toks[i], "")
			}
			i = matching(toks, i) + 1
			continue
		case tk.Kind == TkWord && toks[i+1].IsOp("="):
			v := toks[i+2]
			switch {
			case v.IsOp("("):
				cl := matching(toks, i+2)
				if cl < 0 {
					return nil, i, errSyntaxAt(v, "")
				}
				opts[tk.Val] = "(…)"
				i = cl + 1
			case v.Kind == TkString || v.Kind == TkNumber || v.Kind == TkWord || v.Kind == TkQuoted:
				opts[tk.Val] = v.Val
				i += 3
			default:
				return nil, i, errSyntaxAt(v, "")
			}
			continue
		case tk.Kind == TkWord && tk.Val == "COMMENT" && toks[i+1].Kind == TkString:
			opts["COMMENT"] = toks[i+1].Val
			i += 2
			continue
		}
		return nil, i, errSyntaxAt(tk, "")
	}
	return opts, i, nil
}

// tableMetaJSON is the DuckDB comment of a table/view.
func tableMetaJSON(m objMeta) string {
	b, _ := json.Marshal(m)
	return string(b)
}

func (s *Session) setTableComment(ctx context.Context, ref string, view bool, m objMeta) error {
	kw := "TABLE"
	if view {
		kw = "VIEW"
	}
	return s.execDDL(ctx, "COMMENT ON "+kw+" "+ref+" IS "+qstr(tableMetaJSON(m)))
}

func (s *Session) setColumnTypes(ctx context.Context, ref string, cols []ColumnInfo) error {
	for _, c := range cols {
		if err := s.execDDL(ctx, "COMMENT ON COLUMN "+ref+"."+c.DuckName+" IS "+qstr(c.SFType)); err != nil {
			return err
		}
	}
	return nil
}

func wrongKind(n ObjectName, found, want string) *Error {
	return Errorf(2203, "02000", "SQL compilation error: Object found is of type '%s', not specified type '%s'.", found, want)
}

func nameFor(n ObjectName) string { return strings.TrimSpace(sfIdent(n.Name)) }
