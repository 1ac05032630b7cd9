package engine

import (
	"context"
	"regexp"
	"strings"
	"time"
)

// goResult builds a SELECT result from Go values (string, int64, bool, time.Time, nil).
func (s *Session) goResult(cols []Column, rows [][]any) (*Result, error) {
	res := &Result{StatementTypeID: StmtSelect, Columns: cols}
	for _, r := range rows {
		row := make([]*string, len(r))
		for k, v := range r {
			if tm, ok := v.(time.Time); ok && tm.IsZero() {
				v = nil
			}
			cell, err := s.encodeCell(&res.Columns[k], v)
			if err != nil {
				return nil, err
			}
			row[k] = cell
		}
		res.Rows = append(res.Rows, row)
	}
	return res, nil
}

func shText(name string) Column {
	return Column{Name: name, Type: "text", Length: 16777216, Nullable: true}
}
func shNum(name string) Column {
	return Column{Name: name, Type: "fixed", Precision: 38, Nullable: true}
}
func shTs(name string) Column {
	return Column{Name: name, Type: "timestamp_ltz", Scale: 9, Nullable: true}
}

// likeRegexp converts a SQL LIKE pattern to a case-insensitive regexp (SHOW … LIKE).
func likeRegexp(p string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("(?is)^")
	for _, r := range p {
		switch r {
		case '%':
			b.WriteString(".*")
		case '_':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

// showScope is the parsed tail of SHOW: LIKE, IN, STARTS WITH, LIMIT.
type showScope struct {
	like     *regexp.Regexp
	starts   string
	limit    int
	account  bool
	db, sch  string
	explicit bool
}

func (s *Session) parseShowTail(toks []Token, i int) (showScope, error) {
	sc := showScope{db: s.db, sch: s.schema}
	for toks[i].Kind != TkEOF {
		switch {
		case toks[i].Is("TERSE"):
			i++
		case toks[i].Is("LIKE") && toks[i+1].Kind == TkString:
			sc.like = likeRegexp(toks[i+1].Val)
			i += 2
		case toks[i].Is("STARTS") && toks[i+1].Is("WITH") && toks[i+2].Kind == TkString:
			sc.starts = toks[i+2].Val
			i += 3
		case toks[i].Is("LIMIT") && toks[i+1].Kind == TkNumber:
			n, _ := parseNonNegInt(toks[i+1].Text)
			sc.limit = n
			i += 2
		case toks[i].Is("IN"):
			i++
			sc.explicit = true
			switch {
			case toks[i].Is("ACCOUNT"):
				sc.account = true
				i++
				continue
			case toks[i].Is("DATABASE"):
				i++
				sc.sch = ""
				if toks[i].Kind == TkEOF || toks[i].Is("LIKE") || toks[i].Is("LIMIT") || toks[i].Is("STARTS") {
					continue
				}
				parts, j, err := parseNameParts(toks, i)
				if err != nil {
					return sc, err
				}
				if len(parts) != 1 {
					return sc, errSyntaxAt(toks[i], "")
				}
				sc.db = parts[0]
				i = j
				continue
			case toks[i].Is("SCHEMA"):
				i++
				if toks[i].Kind == TkEOF || toks[i].Is("LIKE") || toks[i].Is("LIMIT") || toks[i].Is("STARTS") {
					continue
				}
			}
			parts, j, err := parseNameParts(toks, i)
			if err != nil {
				return sc, err
			}
			switch len(parts) {
			case 1:
				sc.sch = parts[0]
			case 2:
				sc.db, sc.sch = parts[0], parts[1]
			default:
				return sc, errSyntaxAt(toks[i], "")
			}
			i = j
		default:
			return sc, errSyntaxAt(toks[i], "")
		}
	}
	return sc, nil
}

func (sc showScope) match(name string) bool {
	if sc.like != nil && !sc.like.MatchString(name) {
		return false
	}
	return strings.HasPrefix(name, sc.starts)
}

func (s *Session) execShow(ctx context.Context, toks []Token) (*Result, error) {
	i := 1
	if toks[i].Is("TERSE") {
		i++
	}
	what := toks[i].Val
	switch what {
	case "TABLES", "VIEWS", "SCHEMAS", "DATABASES", "OBJECTS":
	case "WAREHOUSES", "ROLES", "USERS", "GRANTS", "PARAMETERS":
		return s.goResult([]Column{shText("name")}, nil)
	default:
		return nil, unsupported("SHOW %s", toks[i].Text)
	}
	if (what == "ICEBERG") && toks[i+1].Is("TABLES") {
		i++
	}
	sc, err := s.parseShowTail(toks, i+1)
	if err != nil {
		return nil, err
	}
	cat, err := s.e.catalog(ctx)
	if err != nil {
		return nil, err
	}
	var rows [][]any
	switch what {
	case "DATABASES":
		for _, dn := range sortedKeys(cat.dbs) {
			d := cat.dbs[dn]
			if !sc.match(dn) {
				continue
			}
			rows = append(rows, []any{d.created, dn, "N", yn(dn == s.db), "", "ACCOUNTADMIN", d.comment, "", "1", "STANDARD"})
		}
		rows = limitRows(rows, sc.limit)
		return s.goResult([]Column{shTs("created_on"), shText("name"), shText("is_default"), shText("is_current"), shText("origin"),
			shText("owner"), shText("comment"), shText("options"), shText("retention_time"), shText("kind")}, rows)
	case "SCHEMAS":
		if sc.db == "" && !sc.account {
			return nil, Errorf(90105, "22000", "Cannot perform SHOW SCHEMAS. This session does not have a current database. Call 'USE DATABASE', or use a qualified name.")
		}
		for _, dn := range sortedKeys(cat.dbs) {
			if !sc.account && dn != sc.db {
				continue
			}
			d := cat.dbs[dn]
			for _, sn := range append(sortedKeys(d.schemas), "INFORMATION_SCHEMA") {
				if !sc.match(sn) {
					continue
				}
				rows = append(rows, []any{d.created, sn, "N", yn(dn == s.db && sn == s.schema), dn, "ACCOUNTADMIN", "", "", "1"})
			}
		}
		if !sc.account && cat.dbs[sc.db] == nil {
			return nil, Errorf(ErrObjectNotExists, "02000", "SQL compilation error:\nDatabase '%s' does not exist or not authorized.", sfIdent(sc.db))
		}
		rows = limitRows(rows, sc.limit)
		return s.goResult([]Column{shTs("created_on"), shText("name"), shText("is_default"), shText("is_current"), shText("database_name"),
			shText("owner"), shText("comment"), shText("options"), shText("retention_time")}, rows)
	}
	// TABLES, VIEWS, OBJECTS
	if !sc.account && sc.db == "" {
		return nil, Errorf(90105, "22000", "Cannot perform SHOW %s. This session does not have a current database. Call 'USE DATABASE', or use a qualified name.", what)
	}
	if !sc.account {
		d := cat.dbs[sc.db]
		if d == nil {
			return nil, Errorf(ErrObjectNotExists, "02000", "SQL compilation error:\nDatabase '%s' does not exist or not authorized.", sfIdent(sc.db))
		}
		if sc.sch != "" && d.schemas[sc.sch] == nil {
			return nil, Errorf(ErrObjectNotExists, "02000", "SQL compilation error:\nSchema '%s.%s' does not exist or not authorized.", sfIdent(sc.db), sfIdent(sc.sch))
		}
	}
	for _, dn := range sortedKeys(cat.dbs) {
		if !sc.account && dn != sc.db {
			continue
		}
		d := cat.dbs[dn]
		for _, sn := range sortedKeys(d.schemas) {
			if !sc.account && sc.sch != "" && sn != sc.sch {
				continue
			}
			se := d.schemas[sn]
			for _, tn := range sortedKeys(se.tables) {
				te := se.tables[tn]
				if !sc.match(tn) || (what == "TABLES" && te.view) || (what == "VIEWS" && !te.view) {
					continue
				}
				switch what {
				case "VIEWS":
					rows = append(rows, []any{te.meta.Created, tn, "", dn, sn, "ACCOUNTADMIN", te.meta.Comment, te.meta.Text, "false", "false"})
				case "OBJECTS":
					kind := "TABLE"
					if te.view {
						kind = "VIEW"
					}
					rows = append(rows, []any{te.meta.Created, tn, dn, sn, kind, te.meta.Comment, "ACCOUNTADMIN"})
				default:
					n, err := s.rowCount(ctx, te)
					if err != nil {
						return nil, err
					}
					kind := te.meta.Kind
					if kind == "" {
						kind = "TABLE"
					}
					rows = append(rows, []any{te.meta.Created, tn, dn, sn, kind, te.meta.Comment, "", n, n * int64(8*len(te.info.Columns)),
						"ACCOUNTADMIN", "1", "OFF", "OFF", "N", yn(kind == "ICEBERG")})
				}
			}
		}
	}
	rows = limitRows(rows, sc.limit)
	switch what {
	case "VIEWS":
		return s.goResult([]Column{shTs("created_on"), shText("name"), shText("reserved"), shText("database_name"), shText("schema_name"),
			shText("owner"), shText("comment"), shText("text"), shText("is_secure"), shText("is_materialized")}, rows)
	case "OBJECTS":
		return s.goResult([]Column{shTs("created_on"), shText("name"), shText("database_name"), shText("schema_name"), shText("kind"),
			shText("comment"), shText("owner")}, rows)
	}
	return s.goResult([]Column{shTs("created_on"), shText("name"), shText("database_name"), shText("schema_name"), shText("kind"),
		shText("comment"), shText("cluster_by"), shNum("rows"), shNum("bytes"), shText("owner"), shText("retention_time"),
		shText("automatic_clustering"), shText("change_tracking"), shText("is_external"), shText("is_iceberg")}, rows)
}

func yn(b bool) string {
	if b {
		return "Y"
	}
	return "N"
}

func limitRows(rows [][]any, n int) [][]any {
	if n > 0 && len(rows) > n {
		return rows[:n]
	}
	return rows
}

// execDescribe handles DESCRIBE/DESC TABLE|VIEW name.
func (s *Session) execDescribe(ctx context.Context, toks []Token) (*Result, error) {
	i := 1
	switch {
	case toks[i].Is("TABLE"), toks[i].Is("VIEW"):
		i++
	case toks[i].Is("ICEBERG") && toks[i+1].Is("TABLE"):
		i += 2
	case toks[i].Is("DATABASE"), toks[i].Is("SCHEMA"), toks[i].Is("STAGE"), toks[i].Is("FILE"), toks[i].Is("RESULT"), toks[i].Is("FUNCTION"):
		return nil, unsupported("DESCRIBE %s", toks[i].Text)
	}
	parts, j, err := parseNameParts(toks, i)
	if err != nil {
		return nil, err
	}
	if toks[j].Is("TYPE") && toks[j+1].IsOp("=") {
		j += 3
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
	te := cat.lookup(n)
	if te == nil {
		return nil, errNotExist("table", n)
	}
	var rows [][]any
	for k, c := range te.info.Columns {
		_ = k
		null := "Y"
		if !c.Nullable {
			null = "N"
		}
		rows = append(rows, []any{c.Name, c.SFType, "COLUMN", null, nil, "N", "N", nil, nil, nil, nil, nil})
	}
	return s.goResult([]Column{shText("name"), shText("type"), shText("kind"), shText("null?"), shText("default"),
		shText("primary key"), shText("unique key"), shText("check"), shText("expression"), shText("comment"),
		shText("policy name"), shText("privacy domain")}, rows)
}
