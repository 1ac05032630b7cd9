package server

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/snowmigrate/snowmigrate/emulator/sqlserver/tds"
	"github.com/snowmigrate/snowmigrate/emulator/sqlserver/tsql"
)

type colDef struct {
	name     string
	typ      tds.Type
	computed string // DuckDB expression
	compText string // T-SQL text
	identity [2]int64
	deflt    string
}

type keyDef struct {
	name    string
	primary bool
	cols    []string
	desc    []bool
	cluster bool
}

func (s *session) create(ctx context.Context, st []tsql.Token) error {
	if len(st) < 3 {
		return tsql.SyntaxNear("CREATE")
	}
	switch {
	case st[1].Is("DATABASE"):
		if len(st) != 3 || !st[2].IsName() {
			return tsql.SyntaxNear(st[len(st)-1].Text)
		}
		if s.inTx {
			return tsql.Errf(226, 6, 16, "CREATE DATABASE statement not allowed within multi-statement transaction.")
		}
		return s.srv.store.createDatabase(ctx, st[2].Val)
	case st[1].Is("SCHEMA"):
		if len(st) != 3 || !st[2].IsName() {
			return tsql.Unsupported("CREATE SCHEMA options")
		}
		q := tsql.QuoteIdent(s.db)
		if _, err := s.write(ctx, fmt.Sprintf("CREATE SCHEMA %s.%s", q, tsql.QuoteIdent(st[2].Val))); err != nil {
			return err
		}
		_, err := s.write(ctx, fmt.Sprintf("INSERT INTO %s.__ss.schemas SELECT greatest(max(schema_id) + 1, 5), $1 FROM %s.__ss.schemas", q, q), st[2].Val)
		return err
	case st[1].Is("TABLE"):
		return s.createTable(ctx, st)
	case st[1].Is("UNIQUE") || st[1].Is("INDEX") || st[1].Is("CLUSTERED") || st[1].Is("NONCLUSTERED"):
		return s.createIndex(ctx, st)
	}
	return tsql.Unsupported("CREATE " + strings.ToUpper(st[1].Val))
}

func (s *session) createIndex(ctx context.Context, st []tsql.Token) error {
	i := 1
	unique := false
	if st[i].Is("UNIQUE") {
		unique = true
		i++
	}
	if st[i].Is("CLUSTERED") || st[i].Is("NONCLUSTERED") {
		i++
	}
	if i+3 >= len(st) || !st[i].Is("INDEX") || !st[i+1].IsName() || !st[i+2].Is("ON") {
		return tsql.SyntaxNear("INDEX")
	}
	name := st[i+1].Val
	parts, next := tsql.ReadName(st, i+3)
	db, schema, tn := tsql.SplitName(parts)
	t, err := s.resolve(db, schema, tn)
	if err != nil {
		return err
	}
	if next >= len(st) || st[next].Kind != tsql.LParen {
		return tsql.SyntaxNear(name)
	}
	end := matchParen(st, next)
	k, err := keyColumns(st[next+1 : end])
	if err != nil {
		return err
	}
	if end+1 != len(st) {
		return tsql.Unsupported("index options")
	}
	k.name = name
	var quoted []string
	for _, c := range k.cols {
		quoted = append(quoted, tsql.QuoteIdent(c))
	}
	u := ""
	if unique {
		u = "UNIQUE "
	}
	if _, err := s.write(ctx, fmt.Sprintf("CREATE %sINDEX %s ON %s (%s)", u, tsql.QuoteIdent(t.name+"__"+name), t.ref(), strings.Join(quoted, ", "))); err != nil {
		return err
	}
	m := tsql.QuoteIdent(t.db) + ".__ss"
	var idx int
	s.conn.QueryRowContext(ctx, fmt.Sprintf("SELECT greatest(coalesce(max(index_id), 1) + 1, 2) FROM %s.indexes WHERE object_id = $1", m), t.id).Scan(&idx)
	if _, err := s.write(ctx, fmt.Sprintf("INSERT INTO %s.indexes VALUES ($1, $2, $3, false, $4, false, 2)", m), t.id, idx, name, unique); err != nil {
		return err
	}
	return s.indexColumns(ctx, m, t, idx, k)
}

func (s *session) indexColumns(ctx context.Context, m string, t *table, idx int, k keyDef) error {
	for o, c := range k.cols {
		cid := -1
		for j, col := range t.cols {
			if strings.EqualFold(col.Name, c) {
				cid = j + 1
			}
		}
		if cid < 0 {
			return tsql.Errf(1911, 1, 16, "Column name '%s' does not exist in the target table or view.", c)
		}
		if _, err := s.write(ctx, fmt.Sprintf("INSERT INTO %s.index_columns VALUES ($1, $2, $3, $4, $5, $6)", m), t.id, idx, o+1, cid, o+1, k.desc[o]); err != nil {
			return err
		}
	}
	return nil
}

func matchParen(toks []tsql.Token, i int) int {
	depth := 0
	for j := i; j < len(toks); j++ {
		switch toks[j].Kind {
		case tsql.LParen:
			depth++
		case tsql.RParen:
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return len(toks) - 1
}

func splitTop(toks []tsql.Token) [][]tsql.Token {
	var out [][]tsql.Token
	depth, start := 0, 0
	for i, t := range toks {
		switch t.Kind {
		case tsql.LParen:
			depth++
		case tsql.RParen:
			depth--
		case tsql.Comma:
			if depth == 0 {
				out = append(out, toks[start:i])
				start = i + 1
			}
		}
	}
	return append(out, toks[start:])
}

func keyColumns(toks []tsql.Token) (keyDef, error) {
	var k keyDef
	for _, a := range splitTop(toks) {
		if len(a) == 0 || !a[0].IsName() || len(a) > 2 {
			return k, tsql.SyntaxNear(",")
		}
		k.cols = append(k.cols, a[0].Val)
		k.desc = append(k.desc, len(a) == 2 && a[1].Is("DESC"))
	}
	return k, nil
}

func (s *session) createTable(ctx context.Context, st []tsql.Token) error {
	parts, next := tsql.ReadName(st, 2)
	if len(parts) == 0 || next >= len(st) || st[next].Kind != tsql.LParen {
		return tsql.SyntaxNear("TABLE")
	}
	db, schema, name := tsql.SplitName(parts)
	if strings.HasPrefix(name, "#") {
		return tsql.Unsupported("temporary table " + name)
	}
	if db == "" {
		db = s.db
	}
	dbn, ok := s.srv.store.dbName(db)
	if !ok {
		return tsql.Errf(2702, 2, 16, "Database '%s' does not exist.", db)
	}
	if schema == "" {
		schema = "dbo"
	}
	end := matchParen(st, next)
	// trailing ON [PRIMARY] / WITH (...) / TEXTIMAGE_ON are storage options: ignored
	for j := end + 1; j < len(st); j++ {
		if !(st[j].Is("ON") || st[j].Is("TEXTIMAGE_ON") || st[j].IsName() || st[j].Kind == tsql.LParen || st[j].Kind == tsql.RParen || st[j].Is("WITH") || st[j].Kind == tsql.Op || st[j].Kind == tsql.Comma) {
			return tsql.SyntaxNear(st[j].Text)
		}
	}
	var cols []colDef
	var keys []keyDef
	for _, el := range splitTop(st[next+1 : end]) {
		if len(el) == 0 {
			return tsql.SyntaxNear(")")
		}
		if el[0].Is("CONSTRAINT") || el[0].Is("PRIMARY") || el[0].Is("UNIQUE") || el[0].Is("FOREIGN") || el[0].Is("CHECK") || el[0].Is("INDEX") {
			k, err := tableConstraint(el)
			if err != nil {
				return err
			}
			keys = append(keys, k)
			continue
		}
		c, k, err := s.columnDef(el)
		if err != nil {
			return err
		}
		cols = append(cols, c)
		keys = append(keys, k...)
	}
	if len(cols) == 0 {
		return tsql.SyntaxNear(")")
	}
	// PRIMARY KEY columns are NOT NULL, as in SQL Server
	for _, k := range keys {
		if !k.primary {
			continue
		}
		for _, kc := range k.cols {
			for ci := range cols {
				if strings.EqualFold(cols[ci].name, kc) {
					cols[ci].typ.NotNull = true
				}
			}
		}
	}
	// DuckDB DDL
	ref := tsql.QuoteIdent(dbn) + "." + tsql.QuoteIdent(schema) + "." + tsql.QuoteIdent(name)
	var defs []string
	for _, c := range cols {
		if c.computed != "" {
			defs = append(defs, fmt.Sprintf("%s GENERATED ALWAYS AS (%s) VIRTUAL", tsql.QuoteIdent(c.name), c.computed))
			continue
		}
		d := tsql.QuoteIdent(c.name) + " " + tsql.DuckType(c.typ)
		if c.typ.IsChar() && strings.Contains(strings.ToUpper(c.typ.Collation), "_CI") {
			d += " COLLATE NOCASE"
		}
		if c.typ.NotNull {
			d += " NOT NULL"
		}
		if c.typ.Kind == tds.RowVersion {
			d += " DEFAULT (" + tsql.RowVersionExpr(dbn) + ")"
		}
		if c.typ.Identity {
			seq := tsql.QuoteIdent(dbn) + "." + tsql.QuoteIdent(schema) + "." + tsql.QuoteIdent(name+"__identity")
			if _, err := s.write(ctx, fmt.Sprintf("CREATE SEQUENCE %s START %d INCREMENT %d", seq, c.identity[0], c.identity[1])); err != nil {
				return err
			}
			d += " DEFAULT nextval(" + tsql.QuoteString(dbn+"."+schema+"."+name+"__identity") + ")"
		} else if c.deflt != "" {
			d += " DEFAULT (" + c.deflt + ")"
		}
		if (c.typ.IsChar() || c.typ.Kind == tds.VarBinary || c.typ.Kind == tds.Binary) && c.typ.Len > 0 {
			fn := "length"
			if c.typ.Kind == tds.VarBinary || c.typ.Kind == tds.Binary {
				fn = "octet_length"
			}
			d += fmt.Sprintf(" CHECK (%s(%s) <= %d)", fn, tsql.QuoteIdent(c.name), c.typ.Len)
		}
		defs = append(defs, d)
	}
	pk := false
	var exprIndexes []string
	for _, k := range keys {
		if k.cols == nil {
			continue
		}
		var q, ex []string
		textKey := false
		for _, c := range k.cols {
			q = append(q, tsql.QuoteIdent(c))
			e := tsql.QuoteIdent(c)
			for _, cd := range cols {
				if strings.EqualFold(cd.name, c) && cd.computed == "" && (cd.typ.Kind == tds.Char || cd.typ.Kind == tds.VarChar || cd.typ.Kind == tds.NChar || cd.typ.Kind == tds.NVarChar) {
					// keys compare as SQL Server compares: padded, and case-insensitively
					// under a _CI_ collation
					textKey = true
					e = "rtrim(" + e + ")"
					if strings.Contains(strings.ToUpper(cd.typ.Collation), "_CI") {
						e = "lower(" + e + ")"
					}
				}
			}
			ex = append(ex, e)
		}
		if textKey {
			if k.primary {
				if pk {
					return tsql.Errf(8110, 1, 16, "Cannot add multiple PRIMARY KEY constraints to table '%s'.", name)
				}
				pk = true
			}
			exprIndexes = append(exprIndexes, strings.Join(ex, ", "))
			continue
		}
		kind := "UNIQUE"
		if k.primary {
			if pk {
				return tsql.Errf(8110, 1, 16, "Cannot add multiple PRIMARY KEY constraints to table '%s'.", name)
			}
			pk = true
			kind = "PRIMARY KEY"
		}
		defs = append(defs, kind+" ("+strings.Join(q, ", ")+")")
	}
	if _, err := s.write(ctx, "CREATE TABLE "+ref+" ("+strings.Join(defs, ", ")+")"); err != nil {
		return err
	}
	for n, e := range exprIndexes {
		ix := tsql.QuoteIdent(fmt.Sprintf("%s__key%d", name, n+1))
		if _, err := s.write(ctx, "CREATE UNIQUE INDEX "+ix+" ON "+ref+" ("+e+")"); err != nil {
			return err
		}
	}
	// computed columns have the type DuckDB infers for their expression
	for ci := range cols {
		if cols[ci].computed == "" {
			continue
		}
		var dt string
		if err := s.conn.QueryRowContext(ctx, "SELECT data_type FROM duckdb_columns() WHERE database_name = $1 AND schema_name = $2 AND table_name = $3 AND column_name = $4",
			dbn, schema, name, cols[ci].name).Scan(&dt); err == nil {
			cols[ci].typ = duckToType(dt)
			if cols[ci].typ.Kind == tds.NVarChar {
				cols[ci].typ.Len = 4000
			}
		}
	}
	// metadata
	m := tsql.QuoteIdent(dbn) + ".__ss"
	var id int64
	if err := s.conn.QueryRowContext(ctx, fmt.Sprintf("SELECT nextval('%s.__ss.object_ids')", strings.ReplaceAll(tsql.QuoteIdent(dbn), "'", "''"))).Scan(&id); err != nil {
		return err
	}
	if _, err := s.write(ctx, fmt.Sprintf("INSERT INTO %s.objects VALUES ($1, $2, $3, CAST(now() AS TIMESTAMP))", m), id, schema, name); err != nil {
		return err
	}
	for i, c := range cols {
		t := c.typ
		var coll any
		if t.IsChar() && t.Kind != tds.XML {
			coll = t.Collation
		}
		if _, err := s.write(ctx, fmt.Sprintf("INSERT INTO %s.columns VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)", m),
			id, i+1, c.name, t.Name(), t.Len, t.Prec, t.Scale, coll, !t.NotNull, t.Identity, c.computed != "", nullIfEmpty(c.compText), t.MaxBytes()); err != nil {
			return err
		}
	}
	tbl := &table{db: dbn, schema: schema, name: name, id: id}
	for _, c := range cols {
		tbl.cols = append(tbl.cols, tsql.ColumnMeta{Name: c.name, Type: c.typ, Computed: c.computed != ""})
	}
	idx := 1
	clustered := false
	for _, k := range keys {
		if k.primary && k.cluster {
			clustered = true
		}
	}
	if !clustered {
		if _, err := s.write(ctx, fmt.Sprintf("INSERT INTO %s.indexes VALUES ($1, 0, NULL, false, false, false, 0)", m), id); err != nil {
			return err
		}
		idx = 2
	}
	for _, k := range keys {
		if k.cols == nil {
			continue
		}
		iid, typ := idx, 2
		if k.primary && k.cluster {
			iid, typ = 1, 1
		} else {
			idx++
		}
		kn := k.name
		if kn == "" {
			prefix := "UQ__"
			if k.primary {
				prefix = "PK__"
			}
			kn = fmt.Sprintf("%s%s__%X", prefix, name, id)
		}
		if _, err := s.write(ctx, fmt.Sprintf("INSERT INTO %s.indexes VALUES ($1, $2, $3, $4, true, $5, $6)", m), id, iid, kn, k.primary, !k.primary, typ); err != nil {
			return err
		}
		if err := s.indexColumns(ctx, m, tbl, iid, k); err != nil {
			return err
		}
	}
	s.srv.store.forget(dbn, schema, name)
	return nil
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func tableConstraint(el []tsql.Token) (keyDef, error) {
	var k keyDef
	i := 0
	if el[0].Is("CONSTRAINT") {
		if len(el) < 3 {
			return k, tsql.SyntaxNear("CONSTRAINT")
		}
		k.name = el[1].Val
		i = 2
	}
	switch {
	case el[i].Is("PRIMARY") && i+1 < len(el) && el[i+1].Is("KEY"):
		k.primary, k.cluster = true, true
		i += 2
	case el[i].Is("UNIQUE"):
		i++
	case el[i].Is("FOREIGN") && i+1 < len(el) && el[i+1].Is("KEY"):
		// accepted, not enforced (a documented difference): FOREIGN KEY (cols) REFERENCES t (cols) [ON …]
		if i+2 >= len(el) || el[i+2].Kind != tsql.LParen {
			return k, tsql.SyntaxNear("KEY")
		}
		end := matchParen(el, i+2)
		if end+1 >= len(el) || !el[end+1].Is("REFERENCES") {
			return k, tsql.SyntaxNear(el[end].Text)
		}
		return k, checkReferences(el[end+1:])
	default:
		return k, tsql.Unsupported("constraint " + strings.ToUpper(el[i].Val))
	}
	if i < len(el) && (el[i].Is("CLUSTERED") || el[i].Is("NONCLUSTERED")) {
		k.cluster = el[i].Is("CLUSTERED") || (k.primary && false)
		if el[i].Is("NONCLUSTERED") {
			k.cluster = false
		}
		i++
	}
	if i >= len(el) || el[i].Kind != tsql.LParen {
		return k, tsql.SyntaxNear(el[len(el)-1].Text)
	}
	end := matchParen(el, i)
	kc, err := keyColumns(el[i+1 : end])
	if err != nil {
		return k, err
	}
	k.cols, k.desc = kc.cols, kc.desc
	return k, nil
}

func (s *session) columnDef(el []tsql.Token) (colDef, []keyDef, error) {
	var c colDef
	var keys []keyDef
	if !el[0].IsName() {
		return c, nil, tsql.SyntaxNear(el[0].Text)
	}
	c.name = el[0].Val
	if len(el) < 2 {
		return c, nil, tsql.SyntaxNear(c.name)
	}
	i := 1
	if el[1].Is("AS") {
		if len(el) < 3 {
			return c, nil, tsql.SyntaxNear("AS")
		}
		end := 2
		if el[2].Kind == tsql.LParen {
			end = matchParen(el, 2)
		}
		expr := el[2 : end+1]
		sql, err := tsql.TranslateExpr(s, expr)
		if err != nil {
			return c, nil, err
		}
		var texts []string
		for _, t := range expr {
			texts = append(texts, t.Text)
		}
		c.computed, c.compText = sql, strings.Join(texts, "")
		c.typ = tds.Type{Kind: tds.Invalid}
		// the engine infers the type; the catalog shows sql_variant for it
		c.typ = tds.Type{Kind: tds.Variant}
		for j := end + 1; j < len(el); j++ {
			if !(el[j].Is("PERSISTED") || el[j].Is("NOT") || el[j].Is("NULL")) {
				return c, nil, tsql.Unsupported("computed column option " + el[j].Val)
			}
		}
		return c, nil, nil
	}
	// type
	tEnd := i + 1
	if tEnd < len(el) && el[tEnd].IsName() && (el[i].Is("double") || el[i].Is("national")) {
		tEnd++
	}
	if tEnd < len(el) && el[tEnd].Kind == tsql.LParen {
		tEnd = matchParen(el, tEnd) + 1
	}
	t, err := tsql.ParseTypeTokens(el[i:tEnd])
	if err != nil {
		return c, nil, err
	}
	c.typ = t
	for j := tEnd; j < len(el); {
		tk := el[j]
		switch {
		case tk.Is("COLLATE") && j+1 < len(el):
			c.typ.Collation = el[j+1].Val
			j += 2
		case tk.Is("NULL"):
			j++
		case tk.Is("NOT") && j+1 < len(el) && el[j+1].Is("NULL"):
			c.typ.NotNull = true
			j += 2
		case tk.Is("IDENTITY"):
			c.typ.Identity, c.typ.NotNull = true, true
			c.identity = [2]int64{1, 1}
			j++
			if j < len(el) && el[j].Kind == tsql.LParen {
				e := matchParen(el, j)
				args := splitTop(el[j+1 : e])
				if len(args) != 2 || len(args[0]) != 1 || len(args[1]) != 1 {
					return c, nil, tsql.SyntaxNear("IDENTITY")
				}
				c.identity[0], _ = strconv.ParseInt(args[0][0].Val, 10, 64)
				c.identity[1], _ = strconv.ParseInt(args[1][0].Val, 10, 64)
				j = e + 1
			}
		case tk.Is("CONSTRAINT") && j+1 < len(el):
			j += 2
			if j < len(el) && (el[j].Is("PRIMARY") || el[j].Is("UNIQUE")) {
				keys = append(keys, keyDef{name: el[j-1].Val})
			}
		case tk.Is("PRIMARY") && j+1 < len(el) && el[j+1].Is("KEY"):
			k := keyDef{primary: true, cluster: true, cols: []string{c.name}, desc: []bool{false}}
			if len(keys) > 0 && keys[len(keys)-1].cols == nil {
				k.name = keys[len(keys)-1].name
				keys = keys[:len(keys)-1]
			}
			j += 2
			if j < len(el) && (el[j].Is("CLUSTERED") || el[j].Is("NONCLUSTERED")) {
				k.cluster = el[j].Is("CLUSTERED")
				j++
			}
			c.typ.NotNull = true
			keys = append(keys, k)
		case tk.Is("UNIQUE"):
			k := keyDef{cols: []string{c.name}, desc: []bool{false}}
			if len(keys) > 0 && keys[len(keys)-1].cols == nil {
				k.name = keys[len(keys)-1].name
				keys = keys[:len(keys)-1]
			}
			j++
			if j < len(el) && (el[j].Is("CLUSTERED") || el[j].Is("NONCLUSTERED")) {
				j++
			}
			keys = append(keys, k)
		case tk.Is("DEFAULT"):
			e := j + 2
			if j+1 < len(el) && el[j+1].Kind == tsql.LParen {
				e = matchParen(el, j+1) + 1
			}
			if e > len(el) {
				return c, nil, tsql.SyntaxNear("DEFAULT")
			}
			d, err := tsql.TranslateExpr(s, el[j+1:e])
			if err != nil {
				return c, nil, err
			}
			c.deflt = d
			j = e
		case tk.Is("ROWGUIDCOL") || tk.Is("SPARSE"):
			j++
		case tk.Is("FOREIGN") && j+1 < len(el) && el[j+1].Is("KEY"):
			j += 2
		case tk.Is("REFERENCES"):
			// column-level foreign key: accepted, not enforced; it runs to the end of the
			// column definition or to the next column option
			e := j + 1
			for e < len(el) && !(el[e].Is("NOT") || el[e].Is("NULL") || el[e].Is("DEFAULT") || el[e].Is("PRIMARY") || el[e].Is("UNIQUE") || el[e].Is("CONSTRAINT") || el[e].Is("IDENTITY") || el[e].Is("COLLATE")) {
				if el[e].Kind == tsql.LParen {
					e = matchParen(el, e)
				}
				e++
			}
			if err := checkReferences(el[j:e]); err != nil {
				return c, nil, err
			}
			j = e
		default:
			return c, nil, tsql.Unsupported("column option " + tk.Text)
		}
	}
	if c.typ.IsChar() && c.typ.Collation == "" {
		c.typ.Collation = "SQL_Latin1_General_CP1_CI_AS"
	}
	return c, keys, nil
}

func (s *session) drop(ctx context.Context, st []tsql.Token) error {
	if len(st) < 3 {
		return tsql.SyntaxNear("DROP")
	}
	i := 2
	ifExists := false
	if len(st) > 4 && st[2].Is("IF") && st[3].Is("EXISTS") {
		ifExists = true
		i = 4
	}
	switch {
	case st[1].Is("DATABASE"):
		if i >= len(st) {
			return tsql.SyntaxNear("DATABASE")
		}
		if _, ok := s.srv.store.dbName(st[i].Val); !ok && ifExists {
			return nil
		}
		if strings.EqualFold(st[i].Val, s.db) {
			return tsql.Errf(3702, 3, 16, "Cannot drop database \"%s\" because it is currently in use.", st[i].Val)
		}
		return s.srv.store.dropDatabase(ctx, st[i].Val)
	case st[1].Is("TABLE"):
		for _, el := range splitTop(st[i:]) {
			parts, next := tsql.ReadName(el, 0)
			if len(parts) == 0 || next != len(el) {
				return tsql.SyntaxNear("TABLE")
			}
			db, schema, name := tsql.SplitName(parts)
			t, err := s.resolve(db, schema, name)
			if err != nil {
				if ifExists {
					continue
				}
				return tsql.Errf(3701, 5, 11, "Cannot drop the table '%s', because it does not exist or you do not have permission.", name)
			}
			if _, err := s.write(ctx, "DROP TABLE "+t.ref()); err != nil {
				return err
			}
			q := tsql.QuoteIdent(t.db)
			s.write(ctx, "DROP SEQUENCE IF EXISTS "+q+"."+tsql.QuoteIdent(t.schema)+"."+tsql.QuoteIdent(t.name+"__identity"))
			for _, mt := range []string{"objects", "columns", "indexes", "index_columns"} {
				if _, err := s.write(ctx, fmt.Sprintf("DELETE FROM %s.__ss.%s WHERE object_id = $1", q, mt), t.id); err != nil {
					return err
				}
			}
			s.srv.store.forget(t.db, t.schema, t.name)
		}
		return nil
	case st[1].Is("SCHEMA"):
		if i >= len(st) {
			return tsql.SyntaxNear("SCHEMA")
		}
		q := tsql.QuoteIdent(s.db)
		ie := ""
		if ifExists {
			ie = "IF EXISTS "
		}
		if _, err := s.write(ctx, fmt.Sprintf("DROP SCHEMA %s%s.%s", ie, q, tsql.QuoteIdent(st[i].Val))); err != nil {
			return err
		}
		_, err := s.write(ctx, fmt.Sprintf("DELETE FROM %s.__ss.schemas WHERE lower(name) = lower($1)", q), st[i].Val)
		return err
	}
	return tsql.Unsupported("DROP " + strings.ToUpper(st[1].Val))
}

// checkReferences validates `REFERENCES t [(cols)] [ON DELETE|UPDATE action]…`.
func checkReferences(toks []tsql.Token) error {
	if len(toks) < 2 || !toks[0].Is("REFERENCES") {
		return tsql.SyntaxNear("REFERENCES")
	}
	parts, i := tsql.ReadName(toks, 1)
	if len(parts) == 0 {
		return tsql.SyntaxNear("REFERENCES")
	}
	if i < len(toks) && toks[i].Kind == tsql.LParen {
		i = matchParen(toks, i) + 1
	}
	for i < len(toks) {
		if !toks[i].Is("ON") || i+2 >= len(toks) || !(toks[i+1].Is("DELETE") || toks[i+1].Is("UPDATE")) {
			if toks[i].Is("NOT") && i+2 < len(toks) && toks[i+1].Is("FOR") && toks[i+2].Is("REPLICATION") {
				i += 3
				continue
			}
			return tsql.SyntaxNear(toks[i].Text)
		}
		i += 2
		switch {
		case toks[i].Is("CASCADE"):
			i++
		case toks[i].Is("NO") && i+1 < len(toks) && toks[i+1].Is("ACTION"):
			i += 2
		case toks[i].Is("SET") && i+1 < len(toks) && (toks[i+1].Is("NULL") || toks[i+1].Is("DEFAULT")):
			i += 2
		default:
			return tsql.SyntaxNear(toks[i].Text)
		}
	}
	return nil
}
