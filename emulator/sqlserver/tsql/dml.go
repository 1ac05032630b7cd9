package tsql

import (
	"strings"

	"github.com/snowmigrate/snowmigrate/emulator/sqlserver/tds"
)

// prepareDML maps INSERT … VALUES and UPDATE … SET values onto their target columns so
// that date/time literals and parameters are stored in their column's canonical form
// (the storage keeps them as text; see DuckType).
func (tr *translator) prepareDML(toks []Token) ([]Token, error) {
	if len(toks) == 0 {
		return toks, SyntaxNear("")
	}
	toks = append([]Token(nil), toks...)
	switch {
	case toks[0].Is("INSERT"):
		i := 1
		if i < len(toks) && toks[i].Is("INTO") {
			i++
		}
		parts, next := ReadName(toks, i)
		if len(parts) == 0 {
			return toks, nil
		}
		db, schema, obj := SplitName(parts)
		cols, ok := tr.env.Columns(db, schema, obj)
		if !ok {
			return toks, nil
		}
		var targets []tds.Type
		if next < len(toks) && toks[next].Kind == LParen {
			end := matching(toks, next)
			if end < 0 {
				return toks, SyntaxNear("(")
			}
			for _, a := range splitArgs(toks[next+1 : end]) {
				if len(a) != 1 || !a[0].IsName() {
					return toks, SyntaxNear(",")
				}
				found := false
				for _, c := range cols {
					if strings.EqualFold(c.Name, a[0].Val) {
						targets = append(targets, c.Type)
						found = true
					}
				}
				if !found {
					return toks, Errf(207, 1, 16, "Invalid column name '%s'.", a[0].Val)
				}
			}
			next = end + 1
		} else {
			// SQL Server's implicit column list leaves out identity, rowversion and
			// computed columns; the engine's does not, so it is written out
			var list []Token
			skipped := false
			for _, c := range cols {
				if c.Type.Identity || c.Type.Kind == tds.RowVersion || c.Computed {
					skipped = true
					continue
				}
				targets = append(targets, c.Type)
				if len(list) > 0 {
					list = append(list, Token{Kind: Comma, Text: ","})
				}
				list = append(list, Token{Kind: QIdent, Text: c.Name, Val: c.Name})
			}
			if skipped && next < len(toks) && (toks[next].Is("VALUES") || toks[next].Is("SELECT")) {
				list = append([]Token{{Kind: LParen, Text: "("}}, append(list, Token{Kind: RParen, Text: ")"})...)
				toks = append(toks[:next], append(list, toks[next:]...)...)
				next += len(list)
			}
		}
		if next < len(toks) && toks[next].Is("SELECT") {
			tr.mapSelectItems(toks, next, targets)
			return toks, nil
		}
		if next >= len(toks) || !toks[next].Is("VALUES") {
			return toks, nil
		}
		for j := next + 1; j < len(toks); {
			if toks[j].Kind != LParen {
				break
			}
			end := matching(toks, j)
			if end < 0 {
				return toks, SyntaxNear("(")
			}
			args := splitArgs(toks[j+1 : end])
			if len(args) != len(targets) {
				if len(args) > len(targets) {
					return toks, Errf(110, 1, 15, "There are more columns in the INSERT statement than values specified in the VALUES clause. The number of values in the VALUES clause must match the number of columns specified in the INSERT statement.")
				}
				return toks, Errf(109, 1, 15, "There are fewer columns in the INSERT statement than values specified in the VALUES clause. The number of values in the VALUES clause must match the number of columns specified in the INSERT statement.")
			}
			off := j + 1
			for k, a := range args {
				if err := tr.mapValue(toks, off, a, targets[k]); err != nil {
					return toks, err
				}
				off += len(a) + 1
			}
			j = end + 1
			if j < len(toks) && toks[j].Kind == Comma {
				j++
			}
		}
	case toks[0].Is("UPDATE"):
		parts, next := ReadName(toks, 1)
		if len(parts) == 0 || next >= len(toks) || !toks[next].Is("SET") {
			return toks, nil
		}
		db, schema, obj := SplitName(parts)
		cols, ok := tr.env.Columns(db, schema, obj)
		if !ok {
			return toks, nil
		}
		end := next + 1
		depth := 0
		for end < len(toks) {
			t := toks[end]
			if t.Kind == LParen {
				depth++
			} else if t.Kind == RParen {
				depth--
			} else if depth == 0 && (t.Is("WHERE") || t.Is("FROM") || t.Is("OPTION")) {
				break
			}
			end++
		}
		// a rowversion column takes a new value on every update, as in SQL Server
		for _, c := range cols {
			if c.Type.Kind == tds.RowVersion {
				db := db
				if db == "" {
					db = tr.env.CurrentDB()
				}
				extra := []Token{{Kind: Comma, Text: ","}, {Kind: QIdent, Text: c.Name, Val: c.Name},
					{Kind: Op, Text: "=", Val: "="}, {Kind: Raw, Val: RowVersionExpr(db)}}
				toks = append(toks[:end], append(extra, toks[end:]...)...)
			}
		}
		off := next + 1
		for _, a := range splitArgs(toks[next+1 : end]) {
			if len(a) >= 3 && a[0].IsName() && a[1].Kind == Op && a[1].Val == "=" {
				for _, c := range cols {
					if strings.EqualFold(c.Name, a[0].Val) {
						if err := tr.mapValue(toks, off+2, a[2:], c.Type); err != nil {
							return toks, err
						}
					}
				}
			}
			off += len(a) + 1
		}
	}
	return toks, nil
}

// mapValue canonicalises one value expression (toks[off:off+len(a)]) for target type t.
func (tr *translator) mapValue(toks []Token, off int, a []Token, t tds.Type) error {
	if len(a) > 1 && t.IsTemporal() {
		tr.wrapExpr(toks, a, off+len(a), t)
		return nil
	}
	if len(a) != 1 {
		return nil
	}
	switch a[0].Kind {
	case Var:
		tr.target[strings.ToLower(a[0].Val)] = t
	case String:
		if t.IsTemporal() {
			v, err := canonical(a[0].Val, t)
			if err != nil {
				return err
			}
			toks[off].Val = v
		} else if t.Kind == tds.Char || t.Kind == tds.VarChar || t.Kind == tds.NChar || t.Kind == tds.NVarChar {
			if t.Len > 0 && len([]rune(a[0].Val)) > t.Len && len([]rune(strings.TrimRight(a[0].Val, " "))) > t.Len {
				return Errf(2628, 1, 16, "String or binary data would be truncated in table, column of type %s. Truncated value: '%s'.", t, string([]rune(a[0].Val)[:t.Len]))
			}
		}
	}
	return nil
}

func canonical(s string, t tds.Type) (string, error) {
	v, err := tds.ParseTemporal(s)
	if err != nil {
		return "", Errf(241, 1, 16, "Conversion failed when converting date and/or time from character string.")
	}
	v, err = v.Round(t.Kind, t.Scale)
	if err != nil {
		return "", Errf(242, 3, 16, "The conversion of a varchar data type to a %s data type resulted in an out-of-range value.", t.Name())
	}
	return v.Canonical(t.Kind), nil
}

// bindValue converts a decoded RPC value into what DuckDB binds.
func bindValue(p BoundParam, target tds.Type) (any, error) {
	v := p.Value
	if v == nil {
		return nil, nil
	}
	if target.IsTemporal() {
		var tv tds.Temporal
		switch x := v.(type) {
		case tds.Temporal:
			// datetimeoffset → datetime2 keeps the local wall-clock time, as SQL Server does
			tv = x
		case string:
			return canonical(x, target)
		default:
			return v, nil
		}
		r, err := tv.Round(target.Kind, target.Scale)
		if err != nil {
			return nil, Errf(242, 3, 16, "The conversion of a datetimeoffset data type to a %s data type resulted in an out-of-range value.", target.Name())
		}
		return r.Canonical(target.Kind), nil
	}
	switch x := v.(type) {
	case tds.Temporal:
		r, err := x.Round(p.Type.Kind, p.Type.Scale)
		if err != nil {
			return nil, err
		}
		return r.Canonical(p.Type.Kind), nil
	case tds.Dec:
		return x.String(), nil
	case [16]byte:
		return tds.FormatGUID(x), nil
	case int64:
		if target.Kind == tds.Bit {
			return x != 0, nil
		}
	}
	return v, nil
}

// selectTypes traces a SELECT's items to declared column types or CAST/CONVERT targets.
func selectTypes(env Env, toks []Token) ([]*tds.Type, []string) {
	i := 1
	for i < len(toks) && (toks[i].Is("DISTINCT") || toks[i].Is("ALL")) {
		i++
	}
	if i < len(toks) && toks[i].Is("TOP") {
		i++
		if i < len(toks) && toks[i].Kind == LParen {
			i = matching(toks, i)
		}
		i++
	}
	from, depth := -1, 0
	for j := i; j < len(toks); j++ {
		if toks[j].Kind == LParen {
			depth++
		} else if toks[j].Kind == RParen {
			depth--
		} else if depth == 0 && (toks[j].Is("FROM") || toks[j].Is("UNION") || toks[j].Is("ORDER") || toks[j].Is("EXCEPT") || toks[j].Is("INTERSECT")) {
			from = j
			break
		}
	}
	itemsEnd := from
	if itemsEnd < 0 {
		itemsEnd = len(toks)
	}
	if i >= itemsEnd {
		return nil, nil
	}
	var cols []ColumnMeta
	tableAlias := ""
	if from >= 0 && toks[from].Is("FROM") {
		parts, next := ReadName(toks, from+1)
		if len(parts) > 0 {
			if next < len(toks) && toks[next].Is("AS") {
				next++
			}
			if next < len(toks) && toks[next].IsName() && !isClauseKeyword(toks[next]) {
				tableAlias = toks[next].Val
				next++
			}
			if next < len(toks) && toks[next].Is("WITH") && next+1 < len(toks) && toks[next+1].Kind == LParen {
				next = matching(toks, next+1) + 1
			}
			single := next >= len(toks) || (isClauseKeyword(toks[next]) && !toks[next].Is("JOIN") && !toks[next].Is("INNER") &&
				!toks[next].Is("LEFT") && !toks[next].Is("RIGHT") && !toks[next].Is("FULL") && !toks[next].Is("CROSS")) || toks[next].Kind == Semi
			if single {
				db, schema, obj := SplitName(parts)
				if strings.EqualFold(schema, "sys") || strings.EqualFold(schema, "information_schema") {
					cols = nil
				} else if c, ok := env.Columns(db, schema, obj); ok {
					cols = c
					if tableAlias == "" {
						tableAlias = obj
					}
				}
			}
		}
	}
	var types []*tds.Type
	var names []string
	for _, item := range splitArgs(toks[i:itemsEnd]) {
		if len(item) == 0 {
			return nil, nil
		}
		alias := ""
		expr := item
		if len(item) >= 3 && item[0].IsName() && item[1].Kind == Op && item[1].Val == "=" {
			alias, expr = item[0].Val, item[2:]
		} else if n := len(item); n >= 2 && item[n-1].IsName() && (item[n-2].Is("AS") || item[n-2].Kind == RParen || item[n-2].IsName() || item[n-2].Kind == String || item[n-2].Kind == Number) {
			alias = item[n-1].Val
			expr = item[:n-1]
			if item[n-2].Is("AS") {
				expr = item[:n-2]
			}
		} else if n >= 3 && item[n-1].Kind == String && item[n-2].Is("AS") {
			alias, expr = item[n-1].Val, item[:n-2]
		}
		if len(expr) == 0 {
			// only an alias (SELECT AS a): the engine reports the syntax error
			return nil, nil
		}
		// star
		if expr[len(expr)-1].Kind == Op && expr[len(expr)-1].Val == "*" && (len(expr) == 1 || expr[len(expr)-2].Kind == Dot) {
			if cols == nil {
				return nil, nil
			}
			for k := range cols {
				t := cols[k].Type
				types = append(types, &t)
				names = append(names, cols[k].Name)
			}
			continue
		}
		var typ *tds.Type
		name := alias
		if parts, next := ReadName(expr, 0); next == len(expr) && len(parts) >= 1 {
			col := parts[len(parts)-1]
			if name == "" {
				name = col
			}
			qualOK := len(parts) == 1 || strings.EqualFold(parts[len(parts)-2], tableAlias)
			for k := range cols {
				if qualOK && strings.EqualFold(cols[k].Name, col) {
					t := cols[k].Type
					typ = &t
				}
			}
		} else if len(expr) >= 4 && (expr[0].Is("MIN") || expr[0].Is("MAX")) && expr[1].Kind == LParen && matching(expr, 1) == len(expr)-1 {
			// MIN/MAX keep their argument's type (the storage text of dates included)
			if parts, next := ReadName(expr, 2); next == len(expr)-1 && len(parts) >= 1 {
				col := parts[len(parts)-1]
				qualOK := len(parts) == 1 || strings.EqualFold(parts[len(parts)-2], tableAlias)
				for k := range cols {
					if qualOK && strings.EqualFold(cols[k].Name, col) {
						t := cols[k].Type
						t.NotNull = false
						typ = &t
					}
				}
			}
		} else if len(expr) >= 4 && (expr[0].Is("CAST") || expr[0].Is("TRY_CAST")) && expr[1].Kind == LParen && matching(expr, 1) == len(expr)-1 {
			inner := expr[2 : len(expr)-1]
			depth := 0
			for k, t := range inner {
				if t.Kind == LParen {
					depth++
				} else if t.Kind == RParen {
					depth--
				} else if depth == 0 && t.Is("AS") {
					if tt, err := parseTypeTokens(inner[k+1:]); err == nil {
						typ = &tt
					}
				}
			}
		} else if len(expr) >= 4 && (expr[0].Is("CONVERT") || expr[0].Is("TRY_CONVERT")) && expr[1].Kind == LParen && matching(expr, 1) == len(expr)-1 {
			args := splitArgs(expr[2 : len(expr)-1])
			if tt, err := parseTypeTokens(args[0]); err == nil {
				typ = &tt
			}
		}
		if typ != nil {
			c := *typ
			c.Identity = false
			typ = &c
		}
		types = append(types, typ)
		names = append(names, name)
	}
	return types, names
}

// Literal renders a value arriving for a column of type target (bulk loads) as a typed
// DuckDB literal, canonicalised as INSERT … VALUES would store it.
func Literal(v any, from, target tds.Type) (string, error) {
	b, err := bindValue(BoundParam{Type: from, Value: v}, target)
	if err != nil {
		return "", err
	}
	lit := sqlLiteral(b)
	if b == nil || target.IsTemporal() || target.IsChar() {
		return lit, nil
	}
	return "CAST(" + lit + " AS " + DuckType(target) + ")", nil
}

// StorageValue converts a value arriving for a column of type target into what the
// storage keeps (canonical date/time text, decimal text, GUID text, ...).
func StorageValue(v any, from, target tds.Type) (any, error) {
	return bindValue(BoundParam{Type: from, Value: v}, target)
}

// HoistCTE turns `WITH … INSERT INTO t [(cols)] SELECT …` into `INSERT INTO t [(cols)]
// WITH … SELECT …`, the order the engine accepts; other statements are returned as
// they are.
func HoistCTE(toks []Token) []Token {
	if len(toks) == 0 || !toks[0].Is("WITH") {
		return toks
	}
	depth, ins := 0, -1
	for i, t := range toks {
		if t.Kind == LParen {
			depth++
		} else if t.Kind == RParen {
			depth--
		} else if depth == 0 && (t.Is("INSERT") || t.Is("UPDATE") || t.Is("DELETE")) && i > 0 && toks[i-1].Kind == RParen {
			ins = i
			break
		}
	}
	if ins < 0 || !toks[ins].Is("INSERT") {
		return toks
	}
	sel := -1
	depth = 0
	for i := ins; i < len(toks); i++ {
		if toks[i].Kind == LParen {
			depth++
		} else if toks[i].Kind == RParen {
			depth--
		} else if depth == 0 && toks[i].Is("SELECT") {
			sel = i
			break
		}
	}
	if sel < 0 {
		return toks
	}
	out := append([]Token{}, toks[ins:sel]...)
	out = append(out, toks[:ins]...)
	return append(out, toks[sel:]...)
}

// wrapExpr canonicalises the expression a (ending before toks[end]) for date/time type t.
func (tr *translator) wrapExpr(toks []Token, a []Token, end int, t tds.Type) {
	if len(a) == 0 || a[0].Pos == 0 || tr.wrapOpen == nil {
		return
	}
	tr.wrapOpen[a[0].Pos] = temporalMacro(t.Kind)
	if end < len(toks) && toks[end].Pos > 0 {
		tr.wrapClose[toks[end].Pos]++
	} else {
		tr.closeAtEnd++
	}
}

// mapSelectItems canonicalises the select-list items of INSERT … SELECT stored into
// date/time columns.
func (tr *translator) mapSelectItems(toks []Token, sel int, targets []tds.Type) {
	i := sel + 1
	for i < len(toks) && (toks[i].Is("DISTINCT") || toks[i].Is("ALL")) {
		i++
	}
	if i < len(toks) && toks[i].Is("TOP") {
		i++
		if i < len(toks) && toks[i].Kind == LParen {
			i = matching(toks, i)
		}
		i++
	}
	start, depth, k := i, 0, 0
	for j := i; j <= len(toks); j++ {
		boundary := j == len(toks)
		if !boundary {
			t := toks[j]
			switch {
			case t.Kind == LParen:
				depth++
			case t.Kind == RParen:
				depth--
			case depth == 0 && t.Kind == Comma:
				boundary = true
			case depth == 0 && (t.Is("FROM") || t.Is("WHERE") || t.Is("GROUP") || t.Is("ORDER") || t.Is("UNION") || t.Is("OPTION")):
				boundary = true
			}
		}
		if !boundary {
			continue
		}
		item := toks[start:j]
		end := j
		if n := len(item); n >= 3 && item[n-2].Is("AS") {
			end = start + n - 2
		}
		if k < len(targets) && targets[k].IsTemporal() && end > start {
			tr.wrapExpr(toks, toks[start:end], end, targets[k])
		}
		k++
		if j == len(toks) || toks[j].Kind != Comma {
			return
		}
		start = j + 1
	}
}
