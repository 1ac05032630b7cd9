package server

import (
	"context"
	"fmt"
	"strings"

	"github.com/snowmigrate/snowmigrate/emulator/sqlserver/tsql"
)

// CREATE INDEX.

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
