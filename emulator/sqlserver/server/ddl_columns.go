package server

import (
	"strconv"
	"strings"

	"github.com/snowmigrate/snowmigrate/emulator/sqlserver/tds"
	"github.com/snowmigrate/snowmigrate/emulator/sqlserver/tsql"
)

// Column definitions and table constraints of CREATE TABLE, and the token helpers DDL
// parsing uses.

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
