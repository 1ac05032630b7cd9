package server

import (
	"context"
	"fmt"
	"strings"

	"github.com/snowmigrate/snowmigrate/emulator/sqlserver/tsql"
)

// DROP DATABASE, TABLE and SCHEMA.

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
