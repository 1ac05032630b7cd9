package tsql

import (
	"strings"
)

// Keywords that need rewriting for the engine (TOP, OFFSET/FETCH, WITH, LIKE, COLLATE,
// refused constructs) and catalog views.

var tableHints = map[string]bool{"NOLOCK": true, "READUNCOMMITTED": true, "UPDLOCK": true, "HOLDLOCK": true,
	"ROWLOCK": true, "TABLOCK": true, "TABLOCKX": true, "READPAST": true, "INDEX": true, "NOWAIT": true,
	"SERIALIZABLE": true, "READCOMMITTED": true, "REPEATABLEREAD": true, "SNAPSHOT": true, "PAGLOCK": true,
	"XLOCK": true, "FORCESEEK": true, "READCOMMITTEDLOCK": true}

func (tr *translator) catalog(db, schema, obj string) (string, bool) {
	s := strings.ToLower(schema)
	if s != "sys" && s != "information_schema" {
		return "", false
	}
	if db == "" {
		db = tr.env.CurrentDB()
	}
	return tr.env.CatalogView(db, s, strings.ToLower(obj))
}

// keyword handles keywords that need rewriting; it returns whether it consumed tokens
// up to next.
func (tr *translator) keyword(b *strings.Builder, toks []Token, i int, kw string, tops map[int]string, depth int) (bool, int, error) {
	sp := func() {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
	}
	next := func(j int) Token {
		if j < len(toks) {
			return toks[j]
		}
		return Token{Kind: EOF}
	}
	switch kw {
	case "TOP":
		j := i + 1
		var n string
		if next(j).Kind == LParen {
			end := matching(toks, j)
			if end < 0 {
				return false, 0, SyntaxNear("(")
			}
			inner, err := tr.tokens(toks[j+1 : end])
			if err != nil {
				return false, 0, err
			}
			n, j = "("+inner+")", end+1
		} else if next(j).Kind == Number || next(j).Kind == Var {
			inner, err := tr.tokens(toks[j : j+1])
			if err != nil {
				return false, 0, err
			}
			n, j = inner, j+1
		} else {
			return false, 0, SyntaxNear("TOP")
		}
		if next(j).Is("PERCENT") || (next(j).Is("WITH") && next(j+1).Is("TIES")) {
			return false, 0, Unsupported("TOP ... PERCENT/WITH TIES")
		}
		tops[depth] = n
		return true, j, nil
	case "OFFSET":
		// OFFSET n ROWS [FETCH {FIRST|NEXT} m {ROW|ROWS} ONLY]
		j := i + 1
		end := j
		for end < len(toks) && !toks[end].Is("ROWS") && !toks[end].Is("ROW") {
			end++
		}
		if end >= len(toks) {
			return false, 0, SyntaxNear("OFFSET")
		}
		off, err := tr.tokens(toks[j:end])
		if err != nil {
			return false, 0, err
		}
		j = end + 1
		lim := ""
		if next(j).Is("FETCH") {
			k := j + 2
			e := k
			for e < len(toks) && !toks[e].Is("ROWS") && !toks[e].Is("ROW") {
				e++
			}
			if e >= len(toks) || !next(e+1).Is("ONLY") {
				return false, 0, SyntaxNear("FETCH")
			}
			if lim, err = tr.tokens(toks[k:e]); err != nil {
				return false, 0, err
			}
			j = e + 2
		}
		sp()
		if lim != "" {
			b.WriteString("LIMIT " + lim + " ")
		}
		b.WriteString("OFFSET " + off)
		return true, j, nil
	case "WITH":
		if next(i+1).Kind == LParen && tableHints[strings.ToUpper(next(i+2).Val)] {
			return true, matching(toks, i+1) + 1, nil
		}
		if next(i+1).IsName() && (next(i+2).Is("AS") || next(i+2).Kind == LParen) {
			// T-SQL CTEs may refer to themselves without a RECURSIVE keyword
			sp()
			b.WriteString("WITH RECURSIVE")
			return true, i + 1, nil
		}
	case "NOLOCK":
	case "OPTION":
		if next(i+1).Kind == LParen {
			return true, matching(toks, i+1) + 1, nil
		}
	case "LIKE":
		sp()
		b.WriteString("ILIKE")
		// T-SQL brackets: [_] [%] [[] escape one character; classes such as [a-c] have
		// no LIKE equivalent in the engine and are refused
		if p := next(i + 1); p.Kind == String && strings.Contains(p.Val, "[") && !next(i+2).Is("ESCAPE") {
			pat, ok := likeEscapes(p.Val)
			if !ok {
				return false, 0, Unsupported("LIKE character classes ([...])")
			}
			b.WriteString(" " + QuoteString(pat) + ` ESCAPE '\'`)
			return true, i + 2, nil
		}
		return true, i + 1, nil
	case "COLLATE":
		name := strings.ToUpper(next(i + 1).Val)
		sp()
		if strings.Contains(name, "_CI") {
			b.WriteString("COLLATE NOCASE")
		} else {
			b.WriteString(`COLLATE "C"`)
		}
		return true, i + 2, nil
	case "GO", "PIVOT", "UNPIVOT", "MERGE", "OUTPUT", "CROSS":
		if kw == "CROSS" && !next(i+1).Is("APPLY") {
			return false, 0, nil
		}
		return false, 0, Unsupported(kw)
	case "INTO":
		if depth == 0 && len(toks) > 0 && toks[0].Is("SELECT") {
			return false, 0, Unsupported("SELECT ... INTO")
		}
	}
	return false, 0, nil
}

// likeEscapes rewrites T-SQL's one-character brackets ([_], [%], [[], [x]) into
// backslash escapes; it reports false for real character classes.
func likeEscapes(p string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch c {
		case '[':
			if i+2 < len(p) && p[i+2] == ']' && p[i+1] != '^' {
				b.WriteByte('\\')
				b.WriteByte(p[i+1])
				i += 2
				continue
			}
			return "", false
		case '\\':
			b.WriteString("\\\\")
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), true
}
