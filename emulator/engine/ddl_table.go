package engine

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// colDef is a parsed column definition of CREATE TABLE / ALTER TABLE ADD COLUMN.
type colDef struct {
	name    string
	typ     sfType
	notNull bool
	def     string // translated DEFAULT expression
}

// parseColDef reads `name type [constraints…]` from toks[i:end].
func (s *Session) parseColDef(ctx context.Context, toks []Token, i, end int) (colDef, error) {
	var c colDef
	if !isIdentTok(toks[i]) {
		return c, errSyntaxAt(toks[i], "; expected a column name")
	}
	c.name = identVal(toks[i])
	st, j, err := parseSFType(toks, i+1)
	if err != nil {
		return c, err
	}
	c.typ = st
	for j < end {
		tk := toks[j]
		switch {
		case tk.Is("NOT") && toks[j+1].Is("NULL"):
			c.notNull = true
			j += 2
		case tk.Is("NULL"):
			j++
		case tk.Is("PRIMARY") && toks[j+1].Is("KEY"), tk.Is("UNIQUE"):
			// Snowflake does not enforce PRIMARY KEY/UNIQUE; neither do we.
			if tk.Is("PRIMARY") {
				j += 2
				c.notNull = true
			} else {
				j++
			}
		case tk.Is("CONSTRAINT"):
			j += 2
		case tk.Is("REFERENCES"):
			j += 2
			if toks[j].IsOp("(") {
				j = matching(toks, j) + 1
			}
		case tk.Is("ENFORCED"), tk.Is("NOVALIDATE"), tk.Is("VALIDATE"), tk.Is("RELY"), tk.Is("NORELY"):
			j++
		case tk.Is("NOT") && (toks[j+1].Is("ENFORCED") || toks[j+1].Is("DEFERRABLE")):
			j += 2
		case tk.Is("COLLATE") || tk.Is("COMMENT"):
			if toks[j+1].Kind != TkString {
				return c, errSyntaxAt(toks[j+1], "")
			}
			j += 2
		case tk.Is("DEFAULT"):
			k := j + 1
			depth := 0
			for ; k < end; k++ {
				if toks[k].IsOp("(") {
					depth++
				} else if toks[k].IsOp(")") {
					depth--
				} else if depth == 0 && toks[k].Kind == TkWord && (toks[k].Val == "NOT" || toks[k].Val == "NULL" || toks[k].Val == "PRIMARY" || toks[k].Val == "UNIQUE" || toks[k].Val == "COMMENT" || toks[k].Val == "COLLATE" || toks[k].Val == "CONSTRAINT" || toks[k].Val == "REFERENCES") {
					break
				}
			}
			t, err := s.newTranslator(ctx, toks, nil)
			if err != nil {
				return c, err
			}
			d, _, err := t.exprRange(j+1, k)
			if err != nil {
				return c, err
			}
			c.def = d
			j = k
		case tk.Is("AUTOINCREMENT"), tk.Is("IDENTITY"):
			return c, unsupported("AUTOINCREMENT/IDENTITY columns")
		case tk.Is("MASKING"), tk.Is("WITH"), tk.Is("TAG"):
			return c, unsupported("column policies and tags")
		default:
			return c, errSyntaxAt(tk, "")
		}
	}
	return c, nil
}

func (c colDef) info() ColumnInfo {
	return ColumnInfo{Name: c.name, DuckName: qcol(c.name), SFType: c.typ.String(), DuckType: c.typ.Duck(), Nullable: !c.notNull}
}

func (c colDef) duckDDL() string {
	d := qcol(c.name) + " " + c.typ.Duck()
	if c.notNull {
		d += " NOT NULL"
	}
	if c.def != "" {
		d += " DEFAULT " + c.def
	}
	return d
}

var icebergOptions = map[string]bool{"EXTERNAL_VOLUME": true, "CATALOG": true, "BASE_LOCATION": true,
	"CATALOG_SYNC": true, "STORAGE_SERIALIZATION_POLICY": true, "DATA_RETENTION_TIME_IN_DAYS": true,
	"MAX_DATA_EXTENSION_TIME_IN_DAYS": true, "CHANGE_TRACKING": true, "COMMENT": true, "CLUSTER BY": true,
	"ENABLE_DATA_COMPACTION": true, "DEFAULT_DDL_COLLATION": true}

var tableOptions = map[string]bool{"DATA_RETENTION_TIME_IN_DAYS": true, "MAX_DATA_EXTENSION_TIME_IN_DAYS": true,
	"CHANGE_TRACKING": true, "COMMENT": true, "CLUSTER BY": true, "DEFAULT_DDL_COLLATION": true,
	"ENABLE_SCHEMA_EVOLUTION": true, "STAGE_FILE_FORMAT": true, "STAGE_COPY_OPTIONS": true}

func (s *Session) createTable(ctx context.Context, toks []Token, h createHead, binds map[string]Bind) (*Result, error) {
	parts, i, err := parseNameParts(toks, h.nameAt)
	if err != nil {
		return nil, err
	}
	n, err := s.resolveParts(parts)
	if err != nil {
		return nil, err
	}
	if _, err := s.schemaFor(ctx, n); err != nil {
		return nil, err
	}
	cat, _ := s.e.catalog(ctx)
	if ex := cat.lookup(n); ex != nil {
		switch {
		case ex.view:
			return nil, wrongKind(n, "VIEW", "TABLE")
		case h.ifNotExists:
			return statusResult(nameFor(n) + " already exists, statement succeeded."), nil
		case !h.orReplace:
			return nil, Errorf(ErrAlreadyExists, "42710", "SQL compilation error:\nObject '%s' already exists.", n.String())
		}
	}
	meta := objMeta{Kind: "TABLE", Created: time.Now().UTC()}
	if h.transient {
		meta.Kind = "TRANSIENT"
	}
	if h.temporary {
		meta.Kind = "TEMPORARY"
	}
	if h.kind == "ICEBERG" {
		meta.Kind = "ICEBERG"
	}
	ref := n.DuckRef()
	create := "CREATE TABLE "
	if h.orReplace {
		create = "CREATE OR REPLACE TABLE "
	}
	var cols []ColumnInfo
	var defs []colDef
	var query string
	var qt *translator
	switch {
	case toks[i].Is("LIKE"), toks[i].Is("CLONE"):
		srcParts, j, err := parseNameParts(toks, i+1)
		if err != nil {
			return nil, err
		}
		src, err := s.resolveParts(srcParts)
		if err != nil {
			return nil, err
		}
		info, err := s.tableInfo(ctx, src)
		if err != nil {
			return nil, err
		}
		if toks[j].Kind != TkEOF {
			if _, err := parseOptions(toks, j); err != nil {
				return nil, err
			}
		}
		cols = info.Columns
		sel := "SELECT * FROM " + info.DuckRef
		if toks[i].Is("LIKE") {
			sel += " LIMIT 0"
		}
		if err := s.execDDL(ctx, create+ref+" AS "+sel); err != nil {
			return nil, err
		}
		goto finish
	case toks[i].IsOp("("):
		cl := matching(toks, i)
		if cl < 0 {
			return nil, errSyntaxAt(toks[i], "; missing ')'")
		}
		asAt := -1
		if toks[cl+1].Kind != TkEOF {
			_, k, err := parseOptionsUntil(toks, cl+1, "AS")
			if err != nil {
				return nil, err
			}
			if toks[k].Is("AS") {
				asAt = k
			}
		}
		for _, r := range splitTop(toks, i+1, cl) {
			tk := toks[r[0]]
			if tk.Is("PRIMARY") || tk.Is("UNIQUE") || tk.Is("FOREIGN") || tk.Is("CONSTRAINT") {
				continue // out-of-line constraints: not enforced by Snowflake
			}
			if asAt >= 0 && r[1]-r[0] == 1 {
				defs = append(defs, colDef{name: identVal(tk)})
				continue
			}
			d, err := s.parseColDef(ctx, toks, r[0], r[1])
			if err != nil {
				return nil, err
			}
			defs = append(defs, d)
		}
		if asAt >= 0 {
			query, qt, err = s.ctasQuery(ctx, toks, asAt+1, binds, defs)
			if err != nil {
				return nil, err
			}
			defs = nil
		}
		i = cl + 1
	case toks[i].Is("AS") || findTop(toks, i, stmtEnd(toks), "AS") >= 0:
		_, k, err := parseOptionsUntil(toks, i, "AS")
		if err != nil {
			return nil, err
		}
		query, qt, err = s.ctasQuery(ctx, toks, k+1, binds, nil)
		if err != nil {
			return nil, err
		}
	default:
		return nil, errSyntaxAt(toks[i], "; expected a column list, AS, LIKE or CLONE")
	}
	{
		opts, _, err := parseOptionsUntil(toks, i, "AS")
		if err != nil {
			return nil, err
		}
		allowed := tableOptions
		if h.kind == "ICEBERG" {
			allowed = icebergOptions
		}
		for k := range opts {
			if !allowed[k] {
				return nil, Errorf(ErrSyntax, "42000", "SQL compilation error:\ninvalid property '%s' for 'TABLE'", k)
			}
		}
		if h.kind == "ICEBERG" {
			im, err := s.checkIcebergCreate(ctx, opts, defs)
			if err != nil {
				return nil, err
			}
			meta.Iceberg = im.String()
		}
		meta.Comment = opts["COMMENT"]
	}
	if query != "" {
		if err := s.execDDL(ctx, create+ref+" AS "+query); err != nil {
			return nil, err
		}
		cols, err = s.ctasColumns(ctx, n, qt)
		if err != nil {
			return nil, err
		}
	} else {
		if len(defs) == 0 {
			return nil, Errorf(ErrSyntax, "42000", "SQL compilation error:\na table needs at least one column")
		}
		var ddl []string
		seen := map[string]bool{}
		for _, d := range defs {
			if seen[d.name] {
				return nil, Errorf(ErrAlreadyExists, "42601", "SQL compilation error:\nduplicate column name '%s'", d.name)
			}
			seen[d.name] = true
			ddl = append(ddl, d.duckDDL())
			cols = append(cols, d.info())
		}
		if err := s.execDDL(ctx, create+ref+" ("+strings.Join(ddl, ", ")+")"); err != nil {
			return nil, err
		}
	}
finish:
	if err := s.setColumnTypes(ctx, ref, cols); err != nil {
		return nil, err
	}
	if err := s.setTableComment(ctx, ref, false, meta); err != nil {
		return nil, err
	}
	return statusResult("Table " + nameFor(n) + " successfully created."), nil
}

// ctasQuery translates the query of CREATE TABLE … AS SELECT; with a column list the
// result columns are renamed (and cast when types are given).
func (s *Session) ctasQuery(ctx context.Context, toks []Token, i int, binds map[string]Bind, defs []colDef) (string, *translator, error) {
	t, err := s.newTranslator(ctx, toks, binds)
	if err != nil {
		return "", nil, err
	}
	q, _, err := t.exprRange(i, stmtEnd(toks))
	if err != nil {
		return "", nil, err
	}
	if len(defs) > 0 {
		var names, sel []string
		for k, d := range defs {
			alias := "c" + strconv.Itoa(k)
			names = append(names, alias)
			if d.typ.Base != "" {
				sel = append(sel, "CAST("+alias+" AS "+d.typ.Duck()+") AS "+qcol(d.name))
				st := d.typ
				if k < len(t.cols) {
					t.cols[k].hint = &st
				}
			} else {
				sel = append(sel, alias+" AS "+qcol(d.name))
			}
			if k < len(t.cols) {
				t.cols[k].name = d.name
			}
		}
		q = "SELECT " + strings.Join(sel, ", ") + " FROM (" + q + ") AS sf_ctas(" + strings.Join(names, ", ") + ")"
	}
	return q, t, nil
}

// ctasColumns works out the Snowflake types of a CTAS result table.
func (s *Session) ctasColumns(ctx context.Context, n ObjectName, t *translator) ([]ColumnInfo, error) {
	rows, err := s.queryDuck(ctx, "SELECT column_name, data_type, is_nullable FROM duckdb_columns() WHERE schema_name = ? AND table_name = ? ORDER BY column_index", n.DuckSchema(), enc(n.Name))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var cols []ColumnInfo
	k := 0
	for rows.Next() {
		var name, dt string
		var nullable bool
		if err := rows.Scan(&name, &dt, &nullable); err != nil {
			return nil, mapDuckErr(err)
		}
		st := duckTypeSF(dt)
		sfName := dec(name)
		var hint *sfType
		if t != nil && k < len(t.cols) && !t.cols[k].star {
			hint = t.cols[k].hint
		} else if t != nil {
			hint = t.columnHint("", sfName)
		}
		if hint != nil && hintMatches(*hint, dt) {
			st = *hint
		}
		cols = append(cols, ColumnInfo{Name: sfName, DuckName: qid(name), SFType: st.String(), DuckType: dt, Nullable: nullable})
		k++
	}
	return cols, rows.Err()
}

func (s *Session) createView(ctx context.Context, toks []Token, h createHead, binds map[string]Bind) (*Result, error) {
	parts, i, err := parseNameParts(toks, h.nameAt)
	if err != nil {
		return nil, err
	}
	n, err := s.resolveParts(parts)
	if err != nil {
		return nil, err
	}
	if _, err := s.schemaFor(ctx, n); err != nil {
		return nil, err
	}
	cat, _ := s.e.catalog(ctx)
	if ex := cat.lookup(n); ex != nil {
		switch {
		case !ex.view:
			return nil, wrongKind(n, "TABLE", "VIEW")
		case h.ifNotExists:
			return statusResult(nameFor(n) + " already exists, statement succeeded."), nil
		case !h.orReplace:
			return nil, Errorf(ErrAlreadyExists, "42710", "SQL compilation error:\nObject '%s' already exists.", n.String())
		}
	}
	var colNames []string
	if toks[i].IsOp("(") {
		cl := matching(toks, i)
		for _, r := range splitTop(toks, i+1, cl) {
			if !isIdentTok(toks[r[0]]) {
				return nil, errSyntaxAt(toks[r[0]], "")
			}
			colNames = append(colNames, qcol(identVal(toks[r[0]])))
			if r[1]-r[0] > 1 && !toks[r[0]+1].Is("COMMENT") {
				return nil, errSyntaxAt(toks[r[0]+1], "")
			}
		}
		i = cl + 1
	}
	opts, k, err := parseOptionsUntil(toks, i, "AS")
	if err != nil {
		return nil, err
	}
	if !toks[k].Is("AS") {
		return nil, errSyntaxAt(toks[k], "; expected AS <query>")
	}
	t, err := s.newTranslator(ctx, toks, binds)
	if err != nil {
		return nil, err
	}
	q, _, err := t.exprRange(k+1, stmtEnd(toks))
	if err != nil {
		return nil, err
	}
	create := "CREATE VIEW "
	if h.orReplace {
		create = "CREATE OR REPLACE VIEW "
	}
	ref := n.DuckRef()
	if len(colNames) > 0 {
		ref += "(" + strings.Join(colNames, ", ") + ")"
	}
	if err := s.execDDL(ctx, create+ref+" AS "+q); err != nil {
		return nil, err
	}
	text := sqlTextFrom(toks)
	if err := s.setTableComment(ctx, n.DuckRef(), true, objMeta{Kind: "VIEW", Comment: opts["COMMENT"], Created: time.Now().UTC(), Text: text}); err != nil {
		return nil, err
	}
	return statusResult("View " + nameFor(n) + " successfully created."), nil
}

// sqlTextFrom rebuilds statement text from tokens (for SHOW VIEWS text).
func sqlTextFrom(toks []Token) string {
	var b strings.Builder
	for k, tk := range toks {
		if tk.Kind == TkEOF {
			break
		}
		if k > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(tk.Text)
	}
	return b.String()
}
