package engine

import (
	"context"
	"strings"
)

func (s *Session) execDrop(ctx context.Context, toks []Token, describeOnly bool) (*Result, error) {
	kind := toks[1].Val
	i := 2
	switch kind {
	case "WAREHOUSE", "ROLE", "USER", "INTEGRATION", "TAG":
		return statusResult("Statement executed successfully."), nil
	case "DATABASE", "SCHEMA", "TABLE", "VIEW":
	case "ICEBERG":
		if !toks[2].Is("TABLE") {
			return nil, errSyntaxAt(toks[2], "")
		}
		kind, i = "TABLE", 3
	default:
		return nil, unsupported("DROP %s", toks[1].Text)
	}
	ifExists := false
	if toks[i].Is("IF") && toks[i+1].Is("EXISTS") {
		ifExists = true
		i += 2
	}
	parts, j, err := parseNameParts(toks, i)
	if err != nil {
		return nil, err
	}
	if toks[j].Is("CASCADE") || toks[j].Is("RESTRICT") {
		j++
	}
	if toks[j].Kind != TkEOF {
		return nil, errSyntaxAt(toks[j], "")
	}
	if describeOnly {
		return statusResult(""), nil
	}
	if err := s.commitImplicit(); err != nil {
		return nil, err
	}
	cat, err := s.e.catalog(ctx)
	if err != nil {
		return nil, err
	}
	missing := func(what string) (*Result, error) {
		if ifExists {
			return statusResult("Drop statement executed successfully (" + what + " already dropped)."), nil
		}
		return nil, Errorf(ErrObjectNotExists, "02000", "SQL compilation error:\n%s '%s' does not exist or not authorized.", kind[:1]+strings.ToLower(kind[1:]), what)
	}
	switch kind {
	case "DATABASE":
		if len(parts) != 1 {
			return nil, errSyntaxAt(toks[i], "")
		}
		d := cat.dbs[parts[0]]
		if d == nil {
			return missing(sfIdent(parts[0]))
		}
		if err := s.dropDatabase(ctx, d); err != nil {
			return nil, err
		}
		if s.db == d.name {
			s.db, s.schema = "", ""
		}
		return statusResult(sfIdent(d.name) + " successfully dropped."), nil
	case "SCHEMA":
		if len(parts) > 2 {
			return nil, errSyntaxAt(toks[i], "")
		}
		db := s.db
		if len(parts) == 2 {
			db = parts[0]
		}
		sch := parts[len(parts)-1]
		d := cat.dbs[db]
		if d == nil || d.schemas[sch] == nil {
			return missing(sfIdent(db) + "." + sfIdent(sch))
		}
		if err := s.execDDL(ctx, "DROP SCHEMA "+qid(d.schemas[sch].duck)+" CASCADE"); err != nil {
			return nil, err
		}
		if err := dropStageObjects(s.e.DataDir(), db, sch); err != nil {
			return nil, err
		}
		if s.db == db && s.schema == sch {
			s.schema = ""
		}
		return statusResult(sfIdent(sch) + " successfully dropped."), nil
	}
	n, err := s.resolveParts(parts)
	if err != nil {
		return nil, err
	}
	e := cat.lookup(n)
	if e == nil {
		if ifExists {
			return statusResult("Drop statement executed successfully (" + nameFor(n) + " already dropped)."), nil
		}
		return nil, errNotExist(kind, n)
	}
	if e.view != (kind == "VIEW") {
		found := "TABLE"
		if e.view {
			found = "VIEW"
		}
		return nil, wrongKind(n, found, kind)
	}
	if err := s.execDDL(ctx, "DROP "+kind+" "+e.info.DuckRef); err != nil {
		return nil, err
	}
	if kind == "TABLE" {
		if err := dropTableStage(s.e.DataDir(), n); err != nil {
			return nil, err
		}
	}
	return statusResult(nameFor(n) + " successfully dropped."), nil
}

func (s *Session) execTruncate(ctx context.Context, toks []Token, describeOnly bool) (*Result, error) {
	i := 1
	if toks[i].Is("TABLE") {
		i++
	}
	ifExists := false
	if toks[i].Is("IF") && toks[i+1].Is("EXISTS") {
		ifExists = true
		i += 2
	}
	parts, j, err := parseNameParts(toks, i)
	if err != nil {
		return nil, err
	}
	if toks[j].Kind != TkEOF {
		return nil, errSyntaxAt(toks[j], "")
	}
	n, err := s.resolveParts(parts)
	if err != nil {
		return nil, err
	}
	cat, err := s.e.catalog(ctx)
	if err != nil {
		return nil, err
	}
	e := cat.lookup(n)
	if e == nil || e.view {
		if ifExists {
			return statusResult("Statement executed successfully."), nil
		}
		return nil, errNotExist("table", n)
	}
	if describeOnly {
		return statusResult(""), nil
	}
	if err := s.mutate(ctx, e.info.DuckRef, &freshCheck{from: e.info.DuckRef}); err != nil {
		return nil, err
	}
	if _, err := s.execDuck(ctx, "DELETE FROM "+e.info.DuckRef); err != nil {
		return nil, err
	}
	return statusResult("Statement executed successfully."), nil
}

func (s *Session) execAlter(ctx context.Context, toks []Token, describeOnly bool) (*Result, error) {
	switch {
	case toks[1].Is("SESSION"):
		return s.alterSession(toks)
	case toks[1].Is("WAREHOUSE"), toks[1].Is("USER"), toks[1].Is("ROLE"), toks[1].Is("ACCOUNT"):
		return statusResult("Statement executed successfully."), nil
	case toks[1].Is("TABLE"):
	case toks[1].Is("ICEBERG") && toks[2].Is("TABLE"):
		toks = append([]Token{toks[0]}, toks[2:]...)
	default:
		return nil, unsupported("ALTER %s", toks[1].Text)
	}
	i := 2
	ifExists := false
	if toks[i].Is("IF") && toks[i+1].Is("EXISTS") {
		ifExists = true
		i += 2
	}
	parts, j, err := parseNameParts(toks, i)
	if err != nil {
		return nil, err
	}
	n, err := s.resolveParts(parts)
	if err != nil {
		return nil, err
	}
	if describeOnly {
		return statusResult(""), nil
	}
	if err := s.commitImplicit(); err != nil {
		return nil, err
	}
	cat, err := s.e.catalog(ctx)
	if err != nil {
		return nil, err
	}
	e := cat.lookup(n)
	if e == nil || e.view {
		if ifExists {
			return statusResult("Statement executed successfully."), nil
		}
		return nil, errNotExist("table", n)
	}
	ref := e.info.DuckRef
	switch {
	case toks[j].Is("SWAP") && toks[j+1].Is("WITH"):
		op, k, err := parseNameParts(toks, j+2)
		if err != nil {
			return nil, err
		}
		if toks[k].Kind != TkEOF {
			return nil, errSyntaxAt(toks[k], "")
		}
		other, err := s.resolveParts(op)
		if err != nil {
			return nil, err
		}
		oe := cat.lookup(other)
		if oe == nil || oe.view {
			return nil, errNotExist("table", other)
		}
		if other.DuckSchema() != n.DuckSchema() {
			return nil, unsupported("SWAP WITH a table in another schema")
		}
		tmp := enc(n.Name) + "~~swap"
		if err := s.execDDL(ctx, "ALTER TABLE "+ref+" RENAME TO "+qid(tmp)); err != nil {
			return nil, err
		}
		if err := s.execDDL(ctx, "ALTER TABLE "+oe.info.DuckRef+" RENAME TO "+qcol(n.Name)); err != nil {
			return nil, err
		}
		if err := s.execDDL(ctx, "ALTER TABLE "+qid(n.DuckSchema())+"."+qid(tmp)+" RENAME TO "+qcol(other.Name)); err != nil {
			return nil, err
		}
		return statusResult("Statement executed successfully."), nil
	case toks[j].Is("RENAME") && toks[j+1].Is("TO"):
		np, k, err := parseNameParts(toks, j+2)
		if err != nil {
			return nil, err
		}
		if toks[k].Kind != TkEOF {
			return nil, errSyntaxAt(toks[k], "")
		}
		nn, err := s.resolveParts(np)
		if err != nil {
			return nil, err
		}
		if nn.DuckSchema() != n.DuckSchema() {
			return nil, unsupported("RENAME TO another schema")
		}
		if cat.lookup(nn) != nil {
			return nil, Errorf(ErrAlreadyExists, "42710", "SQL compilation error:\nObject '%s' already exists.", nn.String())
		}
		if err := s.execDDL(ctx, "ALTER TABLE "+ref+" RENAME TO "+qcol(nn.Name)); err != nil {
			return nil, err
		}
		return statusResult("Statement executed successfully."), nil
	case toks[j].Is("ADD"):
		k := j + 1
		if toks[k].Is("COLUMN") {
			k++
		}
		ifNot := false
		if toks[k].Is("IF") && toks[k+1].Is("NOT") && toks[k+2].Is("EXISTS") {
			ifNot = true
			k += 3
		}
		for _, r := range splitTop(toks, k, stmtEnd(toks)) {
			d, err := s.parseColDef(ctx, toks, r[0], r[1])
			if err != nil {
				return nil, err
			}
			if e.info.Column(d.name) != nil {
				if ifNot {
					continue
				}
				return nil, Errorf(ErrAlreadyExists, "42601", "SQL compilation error:\ncolumn '%s' already exists", d.name)
			}
			if d.notNull && d.def == "" && e.rows > 0 {
				return nil, Errorf(ErrSyntax, "42601", "SQL compilation error:\nNon-nullable column '%s' cannot be added to non-empty table '%s' unless it has a non-null default value.", d.name, n.Name)
			}
			if err := s.execDDL(ctx, "ALTER TABLE "+ref+" ADD COLUMN "+d.duckDDL()); err != nil {
				return nil, err
			}
			if err := s.setColumnTypes(ctx, ref, []ColumnInfo{d.info()}); err != nil {
				return nil, err
			}
		}
		return statusResult("Statement executed successfully."), nil
	case toks[j].Is("DROP") && !toks[j+1].Is("CLUSTERING"):
		k := j + 1
		if toks[k].Is("COLUMN") {
			k++
		}
		for _, r := range splitTop(toks, k, stmtEnd(toks)) {
			if r[1]-r[0] != 1 || !isIdentTok(toks[r[0]]) {
				return nil, errSyntaxAt(toks[r[0]], "")
			}
			col := identVal(toks[r[0]])
			if e.info.Column(col) == nil {
				return nil, Errorf(ErrInvalidIdentifier, "42000", "SQL compilation error: error line 0 at position 0\ninvalid identifier '%s'", sfIdent(col))
			}
			if err := s.execDDL(ctx, "ALTER TABLE "+ref+" DROP COLUMN "+qcol(col)); err != nil {
				return nil, err
			}
		}
		return statusResult("Statement executed successfully."), nil
	case toks[j].Is("RENAME") && toks[j+1].Is("COLUMN"):
		if !isIdentTok(toks[j+2]) || !toks[j+3].Is("TO") || !isIdentTok(toks[j+4]) || toks[j+5].Kind != TkEOF {
			return nil, errSyntaxAt(toks[j+2], "")
		}
		from, to := identVal(toks[j+2]), identVal(toks[j+4])
		if e.info.Column(from) == nil {
			return nil, Errorf(ErrInvalidIdentifier, "42000", "SQL compilation error: error line 0 at position 0\ninvalid identifier '%s'", sfIdent(from))
		}
		if err := s.execDDL(ctx, "ALTER TABLE "+ref+" RENAME COLUMN "+qcol(from)+" TO "+qcol(to)); err != nil {
			return nil, err
		}
		return statusResult("Statement executed successfully."), nil
	case toks[j].Is("SET") || toks[j].Is("UNSET") || toks[j].Is("CLUSTER") || toks[j].Is("DROP") && toks[j+1].Is("CLUSTERING"):
		if toks[j].Is("SET") {
			opts, err := parseOptions(toks, j+1)
			if err != nil {
				return nil, err
			}
			if c, ok := opts["COMMENT"]; ok {
				m := e.meta
				m.Comment = c
				if err := s.setTableComment(ctx, ref, false, m); err != nil {
					return nil, err
				}
			}
		}
		return statusResult("Statement executed successfully."), nil
	}
	return nil, unsupported("ALTER TABLE … %s", tokText(toks[j]))
}

func (s *Session) alterSession(toks []Token) (*Result, error) {
	i := 2
	switch {
	case toks[i].Is("SET"):
		i++
		for toks[i].Kind != TkEOF {
			if toks[i].Kind != TkWord || !toks[i+1].IsOp("=") {
				return nil, errSyntaxAt(toks[i], "")
			}
			v := toks[i+2]
			if v.Kind != TkString && v.Kind != TkNumber && v.Kind != TkWord {
				return nil, errSyntaxAt(v, "")
			}
			if err := s.setParam(toks[i].Val, v.Val); err != nil {
				return nil, err
			}
			i += 3
			if toks[i].IsOp(",") {
				i++
			}
		}
	case toks[i].Is("UNSET"):
		i++
		for toks[i].Kind != TkEOF {
			if toks[i].Kind != TkWord {
				return nil, errSyntaxAt(toks[i], "")
			}
			delete(s.params, toks[i].Val)
			if toks[i].Val == "TIMEZONE" {
				s.tz = defaultTZ()
			}
			i++
			if toks[i].IsOp(",") {
				i++
			}
		}
	default:
		return nil, errSyntaxAt(toks[i], "")
	}
	return statusResult("Statement executed successfully."), nil
}

func (s *Session) execComment(ctx context.Context, toks []Token) (*Result, error) {
	// COMMENT [IF EXISTS] ON TABLE|VIEW name IS 'text'
	i := 1
	if toks[i].Is("IF") && toks[i+1].Is("EXISTS") {
		i += 2
	}
	if !toks[i].Is("ON") {
		return nil, errSyntaxAt(toks[i], "")
	}
	kind := toks[i+1].Val
	if kind != "TABLE" && kind != "VIEW" {
		return statusResult("Statement executed successfully."), nil
	}
	parts, j, err := parseNameParts(toks, i+2)
	if err != nil {
		return nil, err
	}
	if !toks[j].Is("IS") || toks[j+1].Kind != TkString {
		return nil, errSyntaxAt(toks[j], "")
	}
	n, err := s.resolveParts(parts)
	if err != nil {
		return nil, err
	}
	if err := s.commitImplicit(); err != nil {
		return nil, err
	}
	cat, err := s.e.catalog(ctx)
	if err != nil {
		return nil, err
	}
	e := cat.lookup(n)
	if e == nil {
		return nil, errNotExist(kind, n)
	}
	m := e.meta
	m.Comment = toks[j+1].Val
	if err := s.setTableComment(ctx, e.info.DuckRef, e.view, m); err != nil {
		return nil, err
	}
	return statusResult("Statement executed successfully."), nil
}
