package postgres

import (
	"strconv"
	"strings"

	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
)

// Builder holds the SQL shared by PostgreSQL and Redshift. The flags are the dialect
// differences that change statement shape; catalog queries and type mapping are
// provided by each dialect.
type Builder struct {
	// RowValues: the server compares row values, (a,b) > (x,y). Redshift does not:
	// the comparison is expanded into ORs.
	RowValues bool
	// BackslashEscapes: a backslash in a plain '…' literal escapes (Redshift). Without
	// it (PostgreSQL) literals are written as E'…' strings, whose meaning does not
	// depend on standard_conforming_strings (see QuoteLiteral).
	BackslashEscapes bool
	// CollateC: the server has a "C" collation for byte-order string comparison.
	CollateC bool
	// LiteralCasts replaces a key's base type in bound literals where the bare type
	// name would truncate: PostgreSQL's `character` is char(1) (use bpchar), Redshift's
	// `character varying` is varchar(256).
	LiteralCasts map[string]string
	// TextCast is the unbounded text type for canonical bounds ("text"; Redshift's
	// text is varchar(256), so it uses varchar(65535)).
	TextCast string
	// ExistsAsCount: probe for a row with count(*) over a LIMIT 1 subquery instead
	// of SELECT EXISTS (Redshift documents EXISTS only as a WHERE condition).
	ExistsAsCount bool
}

// QuoteIdent quotes one identifier.
func (b Builder) QuoteIdent(name string) string { return source.QuoteDoubled(name) }

// QuoteLiteral quotes a string literal so that it means s under every session
// setting. Quotes and backslashes are both doubled, so a run of backslashes always has
// even length and can never swallow a quote: the literal ends at the same place
// whether or not the server treats backslash as an escape. PostgreSQL gets an E'…'
// string, which always treats backslash as an escape, so the value is also the same
// under standard_conforming_strings on and off (a role or a filter calling set_config
// can change that setting mid-session; COPY takes no bind parameters, so the literal
// itself must be safe). Redshift has no E'…' form and always escapes with backslash.
// NUL cannot occur: neither server stores it in text.
func (b Builder) QuoteLiteral(s string) string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "'", "''")
	if b.BackslashEscapes {
		return "'" + s + "'"
	}
	return "E'" + s + "'"
}

// ResolveName folds unquoted names to lower case, as both servers do.
func (b Builder) ResolveName(configName string) string {
	return source.ResolveFolded(configName, strings.ToLower)
}

// Table is schema.table, quoted. The database is the connection's own (checked at
// introspection), and PostgreSQL does not accept cross-database names.
func (b Builder) Table(ref migration.TableRef) string {
	return b.QuoteIdent(ref.Schema) + "." + b.QuoteIdent(ref.Table)
}

// where wraps user criteria so that an OR inside cannot escape the conjunction.
func where(w string) string {
	if strings.TrimSpace(w) == "" {
		return "TRUE"
	}
	return "(" + w + ")"
}

// HasRowsSQL implements source.Dialect.
func (b Builder) HasRowsSQL(t migration.TableRef, w string) string {
	return b.exists("SELECT 1 FROM " + b.Table(t) + " WHERE " + where(w))
}

// CountSQL implements source.Dialect.
func (b Builder) CountSQL(t migration.TableRef, w string) string {
	return "SELECT count(*) FROM " + b.Table(t) + " WHERE " + where(w)
}

func (b Builder) exists(q string) string {
	if b.ExistsAsCount {
		return "SELECT count(*) > 0 FROM (" + q + " LIMIT 1) x"
	}
	return "SELECT EXISTS (" + q + ")"
}

// keyExpr is a key column as it is ordered and compared.
func (b Builder) keyExpr(k source.KeyColumn) string {
	q := b.QuoteIdent(k.Name)
	if k.PadTo > 0 {
		q = b.padded(k)
	}
	if k.Collate && b.CollateC {
		return q + ` COLLATE "C"`
	}
	return q
}

// canon is the canonical text of a key value (migration.Partition's bound format).
// The session runs with TimeZone=UTC and DateStyle=ISO.
func (b Builder) canon(k source.KeyColumn) string {
	q := b.QuoteIdent(k.Name)
	switch k.BaseType {
	case "timestamp without time zone":
		return "to_char(" + q + ", 'YYYY-MM-DD HH24:MI:SS.US')"
	case "timestamp with time zone":
		return "to_char(" + q + " AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00:00'"
	}
	if k.PadTo > 0 {
		return b.padded(k)
	}
	return q + "::" + b.textCast()
}

func (b Builder) textCast() string {
	if b.TextCast != "" {
		return b.TextCast
	}
	return "text"
}

// padded is a character(n) key as the blank-padded text Snowflake receives. The
// cast to text drops the padding, rpad restores exactly n characters; both are
// immutable, so an expression index on it serves the range scans (docs/types.md).
func (b Builder) padded(k source.KeyColumn) string {
	return "rpad(" + b.QuoteIdent(k.Name) + "::" + b.textCast() + ", " + strconv.Itoa(k.PadTo) + ")"
}

// literal is a bound value as a typed SQL literal.
func (b Builder) literal(k source.KeyColumn, v string) string {
	t := k.BaseType
	if c, ok := b.LiteralCasts[t]; ok {
		t = c
	}
	if k.PadTo > 0 {
		t = b.textCast()
	}
	return b.QuoteLiteral(v) + "::" + t
}

func (b Builder) notNull(keys []source.KeyColumn) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = b.QuoteIdent(k.Name) + " IS NOT NULL"
	}
	return strings.Join(parts, " AND ")
}

// compare is (keys) op (values) for op ">" or "<=", row-wise and lexicographic.
func (b Builder) compare(keys []source.KeyColumn, op string, vals []string) string {
	if len(keys) == 1 {
		return b.keyExpr(keys[0]) + " " + op + " " + b.literal(keys[0], vals[0])
	}
	if b.RowValues {
		l := make([]string, len(keys))
		r := make([]string, len(keys))
		for i, k := range keys {
			l[i], r[i] = b.keyExpr(k), b.literal(k, vals[i])
		}
		return "(" + strings.Join(l, ", ") + ") " + op + " (" + strings.Join(r, ", ") + ")"
	}
	// Expanded: (a,b,c) > (x,y,z) ≡ a > x OR (a = x AND (b > y OR (b = y AND c > z))),
	// and <= likewise with < and a final <=. Keys are NOT NULL here, so two-valued
	// logic holds.
	strict, last := ">", ">"
	if op == "<=" {
		strict, last = "<", "<="
	}
	var expand func(i int) string
	expand = func(i int) string {
		e, l := b.keyExpr(keys[i]), b.literal(keys[i], vals[i])
		if i == len(keys)-1 {
			return e + " " + last + " " + l
		}
		return "(" + e + " " + strict + " " + l + " OR (" + e + " = " + l + " AND " + expand(i+1) + "))"
	}
	return expand(0)
}

func (b Builder) orderBy(keys []source.KeyColumn) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = b.keyExpr(k)
	}
	return strings.Join(parts, ", ")
}

// BoundsSQL implements source.Dialect: one keyset page of partition bounds.
func (b Builder) BoundsSQL(t migration.TableRef, keys []source.KeyColumn, w string, after []string, step, limit int64) string {
	cols := make([]string, len(keys))
	canon := make([]string, len(keys))
	outs := make([]string, len(keys))
	for i, k := range keys {
		cols[i] = b.QuoteIdent(k.Name)
		// A longer key is never a bound (source.MaxBoundBytes): reading one more
		// character than allowed tells the planner so without fetching all of it.
		canon[i] = "left(" + b.canon(k) + ", " + strconv.Itoa(source.MaxBoundBytes+1) + ") AS b" + strconv.Itoa(i)
		outs[i] = "b" + strconv.Itoa(i)
	}
	cond := b.notNull(keys)
	if after != nil {
		cond += " AND " + b.compare(keys, ">", after)
	}
	ob := b.orderBy(keys)
	return "SELECT rn, cnt, " + strings.Join(outs, ", ") + " FROM (" +
		"SELECT row_number() OVER (ORDER BY " + ob + ") AS rn, count(*) OVER () AS cnt, " + strings.Join(canon, ", ") +
		" FROM (SELECT " + strings.Join(cols, ", ") + " FROM " + b.Table(t) +
		" WHERE " + cond + " AND " + where(w) +
		" ORDER BY " + ob + " LIMIT " + strconv.FormatInt(limit, 10) + ") w" +
		") n WHERE rn % " + strconv.FormatInt(step, 10) + " = 0 OR rn = cnt ORDER BY rn"
}

// NullKeysSQL implements source.Dialect.
func (b Builder) NullKeysSQL(t migration.TableRef, keys []source.KeyColumn, w string) string {
	return b.exists("SELECT 1 FROM " + b.Table(t) + " WHERE " + b.nullKeys(keys) + " AND " + where(w))
}

func (b Builder) nullKeys(keys []source.KeyColumn) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = b.QuoteIdent(k.Name) + " IS NULL"
	}
	return "(" + strings.Join(parts, " OR ") + ")"
}

// PartitionPredicate implements source.Dialect: Lower < key <= Upper, keys NOT NULL;
// or the NULL-key partition.
func (b Builder) PartitionPredicate(keys []source.KeyColumn, p migration.Partition) string {
	if p.NullKeys {
		return b.nullKeys(keys)
	}
	cond := b.notNull(keys)
	if p.Lower != nil {
		cond += " AND " + b.compare(keys, ">", p.Lower)
	}
	if p.Upper != nil {
		cond += " AND " + b.compare(keys, "<=", p.Upper)
	}
	return cond
}

// ExtractSQL implements source.Dialect.
func (b Builder) ExtractSQL(t migration.TableRef, plans []source.ColumnPlan, keys []source.KeyColumn, p migration.Partition, w string) string {
	exprs := make([]string, len(plans))
	for i, c := range plans {
		exprs[i] = c.Expr
	}
	return "SELECT " + strings.Join(exprs, ", ") + " FROM " + b.Table(t) +
		" WHERE " + b.PartitionPredicate(keys, p) + " AND " + where(w)
}

// NumericScanSQL measures unconstrained numeric columns: per column, the largest
// scale, the largest count of integer digits, and the count of non-NULL values.
func (b Builder) NumericScanSQL(t migration.TableRef, cols []string, w string) string {
	parts := make([]string, 0, 3*len(cols))
	for _, c := range cols {
		q := b.QuoteIdent(c)
		parts = append(parts,
			"COALESCE(max(scale("+q+")), 0)",
			"COALESCE(max(length(trunc(abs("+q+"))::text)), 0)",
			"count("+q+")")
	}
	return "SELECT " + strings.Join(parts, ", ") + " FROM " + b.Table(t) + " WHERE " + where(w)
}
