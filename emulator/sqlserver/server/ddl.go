package server

import (
	"context"
	"fmt"
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
		if r, ok := moneyRange[c.typ.Kind]; ok {
			// DuckDB keeps money as DECIMAL(19,4)/(10,4), wider than SQL Server's
			// 8- and 4-byte integers of ten-thousandths: a value beyond them is
			// error 8115 when written, as SQL Server converts it, never stored
			q := tsql.QuoteIdent(c.name)
			d += fmt.Sprintf(" CHECK (CASE WHEN %s IS NULL OR %s BETWEEN %s AND %s THEN true ELSE error(%s) END)",
				q, q, r[0], r[1], tsql.QuoteString(moneyOverflowPrefix+c.typ.Name()+"."))
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
	// index ids: 0 the heap, 1 the clustered index, 2 and up the nonclustered ones (a
	// clustered primary key took 1 and a UNIQUE constraint then also took 1)
	idx := 2
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
			if !k.primary {
				kn += fmt.Sprintf("%02X", iid) // one name per constraint, as SQL Server's generated names are
			}
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

// moneyRange is the range of SQL Server's money and smallmoney (integers of
// ten-thousandths in 8 and 4 bytes).
var moneyRange = map[tds.Kind][2]string{
	tds.Money:      {"-922337203685477.5808", "922337203685477.5807"},
	tds.SmallMoney: {"-214748.3648", "214748.3647"},
}

// moneyOverflowPrefix starts the text of error 8115 raised by a money column's CHECK.
const moneyOverflowPrefix = "Arithmetic overflow error converting expression to data type "
