package redshift

import (
	"sort"
	"strings"
)

// edit replaces text[pos:end] with repl.
type edit struct {
	pos, end int
	repl     string
}

func applyEdits(text string, edits []edit) string {
	if len(edits) == 0 {
		return text
	}
	sort.Slice(edits, func(i, j int) bool { return edits[i].pos < edits[j].pos })
	var b strings.Builder
	last := 0
	for _, e := range edits {
		if e.pos < last {
			continue
		}
		b.WriteString(text[last:e.pos])
		b.WriteString(e.repl)
		last = e.end
	}
	b.WriteString(text[last:])
	return b.String()
}

// redshiftSettings are Redshift's own session settings: SET/SHOW/RESET of one of them
// act on the placeholder setting redshift.<name> of the backend.
var redshiftSettings = toSet([]string{
	"query_group", "enable_result_cache_for_session", "wlm_query_slot_count", "analyze_threshold_percent",
	"enable_case_sensitive_identifier", "describe_field_name_in_uppercase", "downcase_delimited_identifier",
	"json_parse_dedup_attributes", "max_concurrency_scaling_clusters", "mv_enable_aqmv_for_session",
	"auto_analyze", "spectrum_enable_pseudo_columns", "enable_numeric_rounding", "use_fips_ssl",
	"max_cursor_result_set_size", "statement_timeout_ms",
})

// tableAttrs are the Redshift-only table properties of a CREATE TABLE, kept in
// redshift_emulator.table_attrs for SVV_TABLE_INFO and PG_TABLE_DEF.
type tableAttrs struct {
	table     string // as written (SQL identifier syntax)
	diststyle string // AUTO, EVEN, KEY, ALL
	distkey   string
	sortkeys  []string
	sortstyle string // AUTO, COMPOUND, INTERLEAVED
}

// rewriteStatement maps Redshift-only syntax onto PostgreSQL: type names (VARBYTE(n),
// VARBINARY, BINARY VARYING, NVARCHAR, NCHAR), and in CREATE TABLE the column attributes
// ENCODE, DISTKEY, SORTKEY, IDENTITY(seed, step), COLLATE CASE_[IN]SENSITIVE and the
// table attributes DISTSTYLE, DISTKEY(col), [COMPOUND|INTERLEAVED] SORTKEY(cols),
// SORTKEY AUTO, BACKUP, ENCODE AUTO. It returns the edits and, for a CREATE TABLE that
// named distribution or sort keys, what to record.
func rewriteStatement(st []token) ([]edit, *tableAttrs) {
	var edits []edit
	for i := 0; i < len(st); i++ {
		t := st[i]
		switch {
		case (t.is("VARBYTE") || t.is("VARBINARY")) && i+1 < len(st) && st[i+1].punct("("):
			end := closeParen(st, i+1)
			edits = append(edits, edit{t.Pos, st[end].End, "varbyte"})
			i = end
		case t.is("VARBINARY"):
			edits = append(edits, edit{t.Pos, t.End, "varbyte"})
		case t.is("BINARY") && i+1 < len(st) && st[i+1].is("VARYING"):
			end := i + 1
			if end+1 < len(st) && st[end+1].punct("(") {
				end = closeParen(st, end+1)
			}
			edits = append(edits, edit{t.Pos, st[end].End, "varbyte"})
			i = end
		case t.punct("::") && i+1 < len(st) && st[i+1].is("SUPER"):
			// a cast to SUPER makes a SUPER value of a scalar (a string stays a string),
			// which PostgreSQL's jsonb cast would not: operand::super -> to_super(operand)
			if from := operandStart(st, i); from >= 0 {
				edits = append(edits, edit{st[from].Pos, st[from].Pos, "pg_catalog.to_super("},
					edit{t.Pos, st[i+1].End, ")"})
			}
		case t.is("NVARCHAR") || t.is("NCHAR") || t.is("VARCHAR") || t.is("CHAR") || t.is("CHARACTER") || t.is("BPCHAR") || t.is("TEXT") || t.is("DECIMAL") || t.is("NUMERIC"):
			edits = append(edits, typeEdits(st, i)...)
		}
	}
	if len(st) >= 2 && (st[0].is("SET") || st[0].is("SHOW") || st[0].is("RESET")) {
		p := 1
		if st[0].is("SET") && p < len(st) && (st[p].is("SESSION") || st[p].is("LOCAL")) {
			p++
		}
		if p < len(st) && st[p].Kind == tokIdent && redshiftSettings[strings.ToLower(st[p].Val)] {
			edits = append(edits, edit{st[p].Pos, st[p].Pos, "redshift."})
		}
	}
	edits = append(edits, isolationEdits(st)...)
	if !isCreateTable(st) {
		return edits, nil
	}
	attrs := &tableAttrs{diststyle: "AUTO", sortstyle: "AUTO"}
	recorded := false
	// the table name: tokens after TABLE [IF NOT EXISTS] up to "(" or an attribute
	i := 0
	for i < len(st) && !st[i].is("TABLE") {
		i++
	}
	i++
	if i+2 < len(st) && st[i].is("IF") && st[i+1].is("NOT") && st[i+2].is("EXISTS") {
		i += 3
	}
	nameStart := i
	for i < len(st) && (st[i].Kind == tokIdent || st[i].Kind == tokQIdent || st[i].punct(".")) && !isTableAttrWord(st[i]) && !st[i].is("AS") {
		i++
	}
	if i == nameStart {
		return edits, nil
	}
	attrs.table = "" // filled from the text by the caller via tableNameSpan
	nameEnd := i
	depth := 0
	colStart := -1
	for ; i < len(st); i++ {
		t := st[i]
		switch {
		case t.punct("("):
			depth++
			if depth == 1 {
				colStart = i + 1
			}
			continue
		case t.punct(")"):
			depth--
			continue
		case t.punct(",") && depth == 1:
			colStart = i + 1
			continue
		}
		if depth == 1 {
			switch {
			case t.is("ENCODE") && i+1 < len(st):
				edits = append(edits, edit{t.Pos, st[i+1].End, ""})
				i++
			case t.is("DISTKEY") && colStart >= 0 && i > colStart:
				attrs.diststyle, attrs.distkey, recorded = "KEY", identName(st[colStart]), true
				edits = append(edits, edit{t.Pos, t.End, ""})
			case t.is("SORTKEY") && colStart >= 0 && i > colStart:
				attrs.sortkeys, attrs.sortstyle, recorded = append(attrs.sortkeys, identName(st[colStart])), "COMPOUND", true
				edits = append(edits, edit{t.Pos, t.End, ""})
			case t.is("COLLATE") && i+1 < len(st) && (st[i+1].is("CASE_SENSITIVE") || st[i+1].is("CASE_INSENSITIVE")):
				edits = append(edits, edit{t.Pos, st[i+1].End, ""})
				i++
			case t.is("IDENTITY") && i+1 < len(st) && st[i+1].punct("("):
				end := closeParen(st, i+1)
				args := st[i+2 : end]
				seed, step := "1", "1"
				if len(args) == 3 && args[1].punct(",") {
					seed, step = args[0].Val, args[2].Val
				}
				repl := "GENERATED BY DEFAULT AS IDENTITY (START WITH " + numberOnly(seed) + " INCREMENT BY " + numberOnly(step) + ")"
				from := t.Pos
				// Redshift also spells it GENERATED BY DEFAULT AS IDENTITY(seed, step)
				if i >= 4 && st[i-1].is("AS") && st[i-2].is("DEFAULT") && st[i-3].is("BY") && st[i-4].is("GENERATED") {
					from = st[i-4].Pos
				}
				edits = append(edits, edit{from, st[end].End, repl})
				i = end
			}
			continue
		}
		if depth != 0 {
			continue
		}
		switch {
		case t.is("DISTSTYLE") && i+1 < len(st):
			attrs.diststyle, recorded = st[i+1].Up, true
			edits = append(edits, edit{t.Pos, st[i+1].End, ""})
			i++
		case t.is("DISTKEY") && i+1 < len(st) && st[i+1].punct("("):
			end := closeParen(st, i+1)
			if end > i+2 {
				attrs.diststyle, attrs.distkey, recorded = "KEY", identName(st[i+2]), true
			}
			edits = append(edits, edit{t.Pos, st[end].End, ""})
			i = end
		case (t.is("COMPOUND") || t.is("INTERLEAVED")) && i+1 < len(st) && st[i+1].is("SORTKEY"):
			attrs.sortstyle = t.Up
			edits = append(edits, edit{t.Pos, t.End, ""})
		case t.is("SORTKEY") && i+1 < len(st) && st[i+1].is("AUTO"):
			edits = append(edits, edit{t.Pos, st[i+1].End, ""})
			i++
		case t.is("SORTKEY") && i+1 < len(st) && st[i+1].punct("("):
			end := closeParen(st, i+1)
			attrs.sortkeys = nil
			for _, k := range st[i+2 : end] {
				if k.Kind == tokIdent || k.Kind == tokQIdent {
					attrs.sortkeys = append(attrs.sortkeys, identName(k))
				}
			}
			if attrs.sortstyle == "AUTO" {
				attrs.sortstyle = "COMPOUND"
			}
			recorded = true
			edits = append(edits, edit{t.Pos, st[end].End, ""})
			i = end
		case t.is("BACKUP") && i+1 < len(st):
			edits = append(edits, edit{t.Pos, st[i+1].End, ""})
			i++
		case t.is("ENCODE") && i+1 < len(st) && st[i+1].is("AUTO"):
			edits = append(edits, edit{t.Pos, st[i+1].End, ""})
			i++
		case t.is("AS"):
			i = len(st) // CREATE TABLE … AS SELECT: the rest is a query
		}
	}
	if !recorded {
		return edits, nil
	}
	attrs.table = spanText(st[nameStart:nameEnd])
	return edits, attrs
}

// spanText is filled in by the caller; tokens keep only offsets, so the caller passes
// the text. Here we rebuild the name from the tokens.
func spanText(ts []token) string {
	var b strings.Builder
	for _, t := range ts {
		switch t.Kind {
		case tokQIdent:
			b.WriteString(quoteIdent(t.Val))
		default:
			b.WriteString(t.Val)
		}
	}
	return b.String()
}

func numberOnly(s string) string {
	for _, c := range s {
		if (c < '0' || c > '9') && c != '-' {
			return "1"
		}
	}
	if s == "" {
		return "1"
	}
	return s
}

func identName(t token) string {
	if t.Kind == tokQIdent {
		return t.Val
	}
	return strings.ToLower(t.Val)
}

func isTableAttrWord(t token) bool {
	return t.is("DISTSTYLE") || t.is("DISTKEY") || t.is("SORTKEY") || t.is("COMPOUND") || t.is("INTERLEAVED") || t.is("BACKUP") || t.is("ENCODE")
}

func isCreateTable(st []token) bool {
	if len(st) < 3 || !st[0].is("CREATE") {
		return false
	}
	for i := 1; i < len(st) && i < 4; i++ {
		if st[i].is("TABLE") {
			return true
		}
		if !(st[i].is("TEMP") || st[i].is("TEMPORARY") || st[i].is("LOCAL") || st[i].is("GLOBAL")) {
			return false
		}
	}
	return false
}

// typeEdits maps a character or decimal type name at st[i] onto PostgreSQL with
// Redshift's defaults: NVARCHAR/NCHAR are VARCHAR/CHAR; (MAX) is 65535 for VARCHAR and
// 4096 for CHAR; in a column definition VARCHAR without a length is VARCHAR(256), TEXT
// and BPCHAR are VARCHAR(256) and CHAR(256), and DECIMAL/NUMERIC without precision is
// NUMERIC(18,0).
func typeEdits(st []token, i int) []edit {
	t := st[i]
	var edits []edit
	name := t.Up
	end := t.End
	if name == "CHARACTER" && i+1 < len(st) && st[i+1].is("VARYING") {
		name, end = "VARCHAR", st[i+1].End
	} else if name == "CHARACTER" {
		name = "CHAR"
	}
	switch name {
	case "NVARCHAR":
		name = "VARCHAR"
		edits = append(edits, edit{t.Pos, t.End, "varchar"})
	case "NCHAR":
		name = "CHAR"
		edits = append(edits, edit{t.Pos, t.End, "char"})
	}
	next := i + 1
	if end != t.End {
		next = i + 2
	}
	hasArgs := next < len(st) && st[next].punct("(")
	if hasArgs && next+2 < len(st) && st[next+1].is("MAX") && st[next+2].punct(")") {
		n := "65535"
		if name == "CHAR" || name == "BPCHAR" {
			n = "4096"
		}
		return append(edits, edit{st[next+1].Pos, st[next+1].End, n})
	}
	if hasArgs || !isColumnTypePosition(st, i) {
		return edits
	}
	switch name {
	case "VARCHAR":
		edits = append(edits, edit{end, end, "(256)"})
	case "TEXT":
		edits = append(edits, edit{t.Pos, t.End, "varchar(256)"})
	case "BPCHAR":
		edits = append(edits, edit{t.Pos, t.End, "char(256)"})
	case "DECIMAL", "NUMERIC":
		edits = append(edits, edit{t.Pos, t.End, "numeric(18,0)"})
	}
	return edits
}

// operandStart returns the index of the first token of the operand that ends just
// before st[i] (an identifier chain, a literal, or a parenthesized group with the name
// of a function before it), or -1.
func operandStart(st []token, i int) int {
	j := i - 1
	if j < 0 {
		return -1
	}
	switch {
	case st[j].punct(")"):
		depth := 0
		for ; j >= 0; j-- {
			if st[j].punct(")") {
				depth++
			} else if st[j].punct("(") {
				depth--
				if depth == 0 {
					break
				}
			}
		}
		if j < 0 {
			return -1
		}
		if j > 0 && (st[j-1].Kind == tokIdent || st[j-1].Kind == tokQIdent) && !isKeywordBeforeParen(st[j-1]) {
			j--
		}
	case st[j].Kind == tokString || st[j].Kind == tokNumber || st[j].Kind == tokParam:
	case st[j].Kind == tokIdent || st[j].Kind == tokQIdent:
	default:
		return -1
	}
	// qualified names: a.b.c
	for j >= 2 && st[j-1].punct(".") && (st[j-2].Kind == tokIdent || st[j-2].Kind == tokQIdent) {
		j -= 2
	}
	return j
}

// isKeywordBeforeParen tells words that open a parenthesized expression without being
// a function's name.
func isKeywordBeforeParen(t token) bool {
	for _, w := range []string{"SELECT", "WHERE", "AND", "OR", "NOT", "ON", "IN", "AS", "THEN", "ELSE", "WHEN", "RETURN", "BY", "VALUES", "FROM", "JOIN", "EXISTS"} {
		if t.is(w) {
			return true
		}
	}
	return false
}

// closeParen returns the index of the ")" matching the "(" at open (or the last token).
func closeParen(st []token, open int) int {
	depth := 0
	for i := open; i < len(st); i++ {
		if st[i].punct("(") {
			depth++
		} else if st[i].punct(")") {
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return len(st) - 1
}

// setAttrsSQL is the statement that records attrs; its one result column is named
// internalColumn so that the session drops its result before the client sees it.
func setAttrsSQL(a *tableAttrs) string {
	keys := make([]string, len(a.sortkeys))
	for i, k := range a.sortkeys {
		keys[i] = quoteLiteral(k)
	}
	distkey := "NULL"
	if a.distkey != "" {
		distkey = quoteLiteral(a.distkey)
	}
	return "SELECT redshift_emulator.set_attrs(" + quoteLiteral(a.table) + ", " + quoteLiteral(a.diststyle) + ", " +
		distkey + ", ARRAY[" + strings.Join(keys, ", ") + "]::text[], " + quoteLiteral(a.sortstyle) + ") AS " + internalColumn
}

const internalColumn = "rs_emulator_internal"

// snapshotIsolation is the backend's level for every transaction: PostgreSQL's
// REPEATABLE READ is snapshot isolation, as Redshift's default (SNAPSHOT ISOLATION; a
// database may be set to SERIALIZABLE): all the statements of a transaction see the
// snapshot taken at its first query, whatever commits meanwhile.
const snapshotIsolation = "REPEATABLE READ"

// isolationEdits maps the ISOLATION LEVEL of BEGIN, START TRANSACTION, SET TRANSACTION
// and SET SESSION CHARACTERISTICS onto snapshotIsolation: Redshift accepts READ
// UNCOMMITTED, READ COMMITTED and REPEATABLE READ but runs them as its own level (they
// "have no operational impact"), where PostgreSQL would take a new snapshot per
// statement under READ COMMITTED.
func isolationEdits(st []token) []edit {
	if len(st) < 3 || !(st[0].is("BEGIN") || st[0].is("START") || st[0].is("SET")) {
		return nil
	}
	var edits []edit
	for i := 0; i+2 < len(st); i++ {
		if !st[i].is("ISOLATION") || !st[i+1].is("LEVEL") {
			continue
		}
		end := i + 2 // SERIALIZABLE, or READ UNCOMMITTED | READ COMMITTED | REPEATABLE READ
		if (st[end].is("READ") || st[end].is("REPEATABLE")) && end+1 < len(st) {
			end++
		}
		edits = append(edits, edit{st[i+2].Pos, st[end].End, snapshotIsolation})
		i = end
	}
	return edits
}
