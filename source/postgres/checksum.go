package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/snowmigrate/snowmigrate/checksum"
	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
	"github.com/snowmigrate/snowmigrate/source/parquetx"
)

var (
	_ source.Checksummer    = (*Source)(nil)
	_ source.SQLChecksummer = (*Source)(nil)
)

// ChecksumPartition computes the partition checksum of docs/checksums.md over the rows
// Extract would read. By default (ChecksumMethod "" or "stream") it runs Extract's
// read itself (prepareRead and read: same column plans, partition range, filter and
// watermark window, same transaction, lock and column check) into a checksum-only
// parquetx set: the checksum is the extractor's by construction, the source serves a
// plain COPY, and the worker decodes and sums the rows without encoding Parquet. With
// ChecksumMethod "sql" it is ChecksumPartitionSQL, which moves no row. PostgreSQL
// only: Redshift has its own (source/redshift).
func (s *Source) ChecksumPartition(ctx context.Context, req source.ExtractRequest) (string, int64, error) {
	req.Fingerprint = false
	sum, _, rows, err := s.checksum(ctx, req)
	return sum, rows, err
}

// ChecksumWithFingerprint implements source.Fingerprinter: ChecksumPartition and, in
// the same transaction after it, FingerprintPartition's query.
func (s *Source) ChecksumWithFingerprint(ctx context.Context, req source.ExtractRequest) (string, string, int64, error) {
	if s.FingerprintVersion() == "" {
		return "", "", 0, source.ErrNoFingerprint
	}
	req.Fingerprint = true
	return s.checksum(ctx, req)
}

// checksum is ChecksumPartition, with the fingerprint of the same snapshot when
// req.Fingerprint asks for it.
func (s *Source) checksum(ctx context.Context, req source.ExtractRequest) (sum, fp string, rows int64, err error) {
	if s.ChecksumMethod == config.ChecksumMethodSQL {
		return s.checksumSQL(ctx, req)
	}
	if p := s.Dialect.Platform(); p != config.PlatformPostgreSQL {
		return "", "", 0, fmt.Errorf("%w: this runtime computes the source checksum for PostgreSQL only; %s has its own (source/redshift)", source.ErrConfig, p)
	}
	rd, err := s.prepareRead(req)
	if err != nil {
		return "", "", 0, err
	}
	cs, err := parquetx.NewChecksumSet(rd.plans)
	if err != nil {
		return "", "", 0, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sk, err := newSink(ctx, rd.plans, req.PartitionBy, cs)
	if err != nil {
		return "", "", 0, err
	}
	// A column added since introspection is not read, here as in Extract; the
	// warning belongs to the extraction's result, not to a checksum's.
	out, err := s.read(ctx, req, rd, sk)
	if err != nil {
		sk.abort()
		return "", "", 0, fmt.Errorf("source checksum: %w", err)
	}
	if err := sk.finish(); err != nil {
		return "", "", 0, fmt.Errorf("source checksum: %w", err)
	}
	rows = sk.rows.Load()
	if cs.Rows() != rows {
		return "", "", 0, fmt.Errorf("internal: %d rows decoded but %d summed", rows, cs.Rows())
	}
	return cs.Checksum().String(), out.fingerprint, rows, nil
}

// ChecksumPartitionSQL computes the partition checksum of docs/checksums.md in SQL on
// the source, over the rows Extract would read (same column plans, partition range and
// filter, in one read-only snapshot): equal to the checksum Extract returns for the
// same data, without moving any row, for about 2.7 times the backend CPU of the
// streamed form (md5 and the canonical text in SQL, against a plain COPY), which
// spends its CPU on the worker instead (docs/checksums.md). PostgreSQL only: the SQL uses float8send and bit casts, which Redshift
// lacks. It reads no watermark window: the re-sync and validation that ask for a
// source checksum never set one.
func (s *Source) ChecksumPartitionSQL(ctx context.Context, req source.ExtractRequest) (string, int64, error) {
	req.Fingerprint = false
	sum, _, rows, err := s.checksumSQL(ctx, req)
	return sum, rows, err
}

// checksumSQL is ChecksumPartitionSQL, followed in its transaction by the fingerprint
// query when req.Fingerprint asks for it.
func (s *Source) checksumSQL(ctx context.Context, req source.ExtractRequest) (string, string, int64, error) {
	d := s.Dialect
	if d.Platform() != config.PlatformPostgreSQL {
		return "", "", 0, fmt.Errorf("%w: this runtime computes the source checksum for PostgreSQL only; %s has its own (source/redshift)", source.ErrConfig, d.Platform())
	}
	plans := make([]source.ColumnPlan, len(req.Columns))
	for i, c := range req.Columns {
		p, err := d.PlanColumn(c)
		if err != nil {
			return "", "", 0, fmt.Errorf("%w: %v", source.ErrConfig, err)
		}
		plans[i] = p
	}
	keys, err := source.KeyColumns(req.Columns, req.PartitionBy)
	if err != nil {
		return "", "", 0, err
	}
	where := source.Where(req.Table)
	if err := source.CheckWhere(where); err != nil {
		return "", "", 0, err
	}
	pg, ok := d.(PG)
	if !ok {
		return "", "", 0, fmt.Errorf("%w: no checksum SQL for dialect %T", source.ErrConfig, d)
	}
	q := pg.ChecksumSQL(req.Source, plans, req.Columns, keys, req.Partition, where)
	fq := ""
	if req.Fingerprint {
		fq = pg.FingerprintSQL(req.Source, plans, req.Columns, keys, req.Partition, where)
	}
	var (
		rows   int64
		up, lo string
		fp     string
	)
	err = s.tx(ctx, func(conn *pgx.Conn) error {
		if err := checkDateStyle(conn); err != nil {
			return err
		}
		if err := conn.QueryRow(ctx, q).Scan(&rows, &up, &lo); err != nil {
			return err
		}
		if err := checkDateStyle(conn); err != nil {
			return err
		}
		if fq == "" || !fingerprintSupported(conn) {
			return nil
		}
		f, n, err := fingerprint(ctx, conn, fq)
		if err != nil {
			return fmt.Errorf("fingerprint: %w", err)
		}
		if n != rows {
			return fmt.Errorf("fingerprint counted %d rows in the snapshot whose checksum counted %d", n, rows)
		}
		fp = f
		return nil
	})
	if err != nil {
		return "", "", 0, whereError(fmt.Errorf("source checksum: %w", err), where)
	}
	sum, err := checksum.FromParts(rows, up, lo)
	if err != nil {
		return "", "", 0, err
	}
	return sum.String(), fp, rows, nil
}

// ChecksumSQL returns (row count, sum of the upper 64 bits, sum of the lower 64 bits)
// of the MD5 of every row text (docs/checksums.md) of the partition, the sums as text.
// cols are the migration's columns, parallel to plans (their source types decide
// char(n) padding).
//
// Each row's digest becomes one bit(128) b; its halves are summed as signed bigints
// (sum(bigint) accumulates in 128 bits: exact, and far cheaper than a numeric sum per
// row), each XORed with the sign bit: that is the unsigned half minus 2^63, so the sum
// of the unsigned halves is that sum plus rows·2^63, added once at the end.
func (b Builder) ChecksumSQL(t migration.TableRef, plans []source.ColumnPlan, cols []migration.Column, keys []source.KeyColumn, p migration.Partition, w string) string {
	fields, from := b.checksumRows(t, plans, cols, keys, p, w)
	// OFFSET 0 keeps the subquery from being flattened: flattened, PostgreSQL evaluates
	// md5(…) once per reference to b (two per row).
	return "SELECT count(*), " + digestSums("b") + "\nFROM (SELECT " + digestBits("md5("+joinFields(fields)+")") + " AS b\n" + from + "\nOFFSET 0) x"
}

// digestBits is the 128 bits of an MD5 given as 32 hex digits.
func digestBits(hex string) string { return "('x' || " + hex + ")::bit(128)" }

// digestSums is (Σ upper, Σ lower) as text over the bit(128) digests in column c,
// COALESCEd to 0 for no rows (see ChecksumSQL).
func digestSums(c string) string {
	half := func(bits string) string {
		return "(COALESCE(sum(" + bits + "::bit(64)::bigint # (-9223372036854775808)), 0) + count(*) * 9223372036854775808::numeric)::text"
	}
	return half(c) + ", " + half("("+c+" << 64)")
}

// checksumRows returns every column's field (checksumArgs) and the FROM … WHERE …
// clause they read: the table's rows in the range and filter, and, when a column is a
// FLOAT, a derived table that adds the IEEE bits of every FLOAT column (floatBits):
// its text refers to them five times, computed once that made a FLOAT field about
// 40 % cheaper.
func (b Builder) checksumRows(t migration.TableRef, plans []source.ColumnPlan, cols []migration.Column, keys []source.KeyColumn, p migration.Partition, w string) ([][]string, string) {
	fields := make([][]string, len(plans))
	var bits []string
	for i, pl := range plans {
		bitsCol := ""
		if pl.Out == source.OutFloat || pl.Out == source.OutDouble {
			bitsCol = b.QuoteIdent(fmt.Sprintf("_snowmigrate_float_bits_%d", i))
			bits = append(bits, floatBits("("+pl.Expr+")::float8")+" AS "+bitsCol)
		}
		fields[i] = b.checksumArgs(pl, cols[i], bitsCol)
	}
	from := "FROM " + b.Table(t) + "\nWHERE " + b.PartitionPredicate(keys, p) + " AND " + where(w)
	if len(bits) > 0 {
		// The outer expressions name the table's columns, which * passes through (a
		// column of the table with one of the bits' names is an ambiguous reference: an
		// error, never a wrong value). OFFSET 0: flattened, the bits would be computed
		// once per reference again.
		from = "FROM (SELECT *, " + strings.Join(bits, ", ") + "\n" + from + "\nOFFSET 0) r"
	}
	return fields, from
}

// maxConcatArgs is how many values one concat_ws call joins: PostgreSQL passes at
// most 100 arguments to a function, the separator being one.
const maxConcatArgs = 99

// joinFields joins fields with concat_ws('|', …), which skips NULL arguments (and their
// separators): every field has exactly one non-NULL argument per row (checksumArgs),
// so the result is the fields joined by '|'. Past maxConcatArgs arguments, whole
// fields are grouped into inner concat_ws calls (never NULL), joined the same way.
func joinFields(fields [][]string) string {
	n := 0
	for _, f := range fields {
		n += len(f)
	}
	if n <= maxConcatArgs {
		args := make([]string, len(fields))
		for i, f := range fields {
			args[i] = strings.Join(f, ", ")
		}
		return "concat_ws('|', " + strings.Join(args, ",\n  ") + ")"
	}
	var groups [][]string
	var cur [][]string
	size := 0
	for _, f := range fields {
		if size+len(f) > maxConcatArgs {
			groups = append(groups, []string{joinFields(cur)})
			cur, size = nil, 0
		}
		cur = append(cur, f)
		size += len(f)
	}
	groups = append(groups, []string{joinFields(cur)})
	return joinFields(groups)
}

// checksumArgs is one column's field, from the extraction's SELECT expression e, as
// concat_ws arguments: either one argument that is never NULL (\N for NULL, else the
// canonical text), or a value that is NULL exactly when e is, followed by
// CASE WHEN e IS NULL THEN '\N' END; concat_ws skips the NULL one of the two.
//
// Values are passed without a cast to text wherever the type's output function
// already writes the canonical text (integers, numerics at the target scale, dates
// under DateStyle ISO, which ChecksumPartition checks): concat_ws calls that function
// itself, without the intermediate text value a cast makes, which made the whole
// statement about twice as cheap (docs/checksums.md).
func (b Builder) checksumArgs(pl source.ColumnPlan, c migration.Column, floatBitsCol string) []string {
	e := "(" + pl.Expr + ")"
	null := b.QuoteLiteral(`\N`)
	strict := func(text string) []string {
		return []string{text, "CASE WHEN " + e + " IS NULL THEN " + null + " END"}
	}
	one := func(text string) []string {
		return []string{"CASE WHEN " + e + " IS NULL THEN " + null + " ELSE " + text + " END"}
	}
	switch pl.Out {
	case source.OutInt32, source.OutInt64:
		return strict(e)
	case source.OutDecimal64, source.OutDecimal128:
		if b.atTargetScale(pl, c) {
			return strict(e)
		}
		// round keeps exactly s digits (half away from zero, like the extractor).
		return strict(fmt.Sprintf("round(%s::numeric, %d)", e, pl.Scale))
	case source.OutFloat, source.OutDouble:
		return one(floatText(e+"::float8", floatBitsCol))
	case source.OutBool:
		return one("CASE WHEN " + e + " THEN 'true' ELSE 'false' END")
	case source.OutString:
		if pl.Target == source.TargetSemi {
			return one("'J'")
		}
		s := e + "::text"
		if st := source.ParseType(c.SourceType); pl.Wire == source.WireText && st.Base == "character" && !st.Array {
			// bpchar's output function keeps the blank padding the binary value (and so
			// the extractor) has; a cast to text drops it.
			s = "textin(bpcharout(" + e + "))"
		}
		if b.CollateC {
			// replace() refuses a nondeterministic collation ("not supported for
			// substring searches"): a column declared with one failed every checksum.
			// The C collation compares bytes, which is what the escaping means.
			s = "(" + s + ") COLLATE \"C\""
		}
		return strict("replace(replace(" + s + ", " + b.QuoteLiteral(`\`) + ", " + b.QuoteLiteral(`\\`) + "), '|', " + b.QuoteLiteral(`\|`) + ")")
	case source.OutBinary:
		if pl.Wire == source.WireHexText {
			return strict("upper(" + e + ")")
		}
		return strict("upper(encode(" + e + ", 'hex'))")
	case source.OutDate:
		return strict(e)
	case source.OutTime:
		return strict("to_char(" + e + ", 'HH24:MI:SS.US')")
	case source.OutTimestampNTZ:
		return strict("to_char(" + e + ", 'YYYY-MM-DD HH24:MI:SS.US')")
	case source.OutTimestampTZ:
		return strict("to_char(" + e + " AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')")
	}
	return one("NULL") // no Out kind reaches here (source.PlanColumn sets one of the above)
}

// atTargetScale reports whether the column is read as it is from a numeric(p, s)
// column whose s is the target's scale: its values are stored at that scale (the
// typmod rounds them on the way in), so their text already has exactly s digits and
// round(…, s) would only cost time (about 6 % of the lineitem checksum).
func (b Builder) atTargetScale(pl source.ColumnPlan, c migration.Column) bool {
	st := source.ParseType(c.SourceType)
	if st.Base != "numeric" || st.Array || pl.Wire != source.WireNumeric || pl.Expr != b.QuoteIdent(c.SourceName) {
		return false
	}
	switch len(st.Mods) {
	case 1:
		return pl.Scale == 0
	case 2:
		return st.Mods[1] == pl.Scale
	}
	return false
}

// floatBits is the IEEE bits of the float8 x as a bigint (float8send is big-endian).
func floatBits(x string) string {
	return "('x' || encode(float8send(" + x + "), 'hex'))::bit(64)::bigint"
}

// floatText is m·2^k from the IEEE bits (floatBits, in column bits): exponent
// (bits >> 52) & 2047, fraction bits & (2^52 - 1); specials and zero by comparison.
func floatText(x, bits string) string {
	exp := "((" + bits + " >> 52) & 2047)"
	frac := "(" + bits + " & 4503599627370495)"
	m := "(CASE WHEN " + exp + " = 0 THEN " + frac + " ELSE " + frac + " | 4503599627370496 END)"
	k := "(CASE WHEN " + exp + " = 0 THEN -1074 ELSE " + exp + " - 1075 END)"
	return "CASE WHEN " + x + " = 'NaN' THEN 'NaN' WHEN " + x + " = 'Infinity' THEN 'inf' WHEN " + x + " = '-Infinity' THEN '-inf' WHEN " + x + " = 0 THEN '0' " +
		"ELSE CASE WHEN " + x + " < 0 THEN '-' ELSE '' END || " + m + "::text || 'p' || " + k + "::text END"
}

// RowHash is one row's key (the canonical text of its partition key columns, joined as
// in a row text) and the MD5 of its row text (lower-case hex), as
// snowflake.RowHashesSQL lists them on the target: the rows whose hashes differ are the
// rows that differ.
type RowHash struct {
	Key  string
	Hash string
}

// RowHashes lists the row hashes of the rows Extract would read for req, in key order.
// It is meant for drilling into a partition whose checksum differs (its result holds
// one entry per row). PostgreSQL only, like ChecksumPartition.
func (s *Source) RowHashes(ctx context.Context, req source.ExtractRequest) ([]RowHash, error) {
	pg, ok := s.Dialect.(PG)
	if !ok {
		return nil, fmt.Errorf("%w: row hashes are not implemented for %s yet", source.ErrConfig, s.Dialect.Platform())
	}
	plans := make([]source.ColumnPlan, len(req.Columns))
	for i, c := range req.Columns {
		p, err := pg.PlanColumn(c)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", source.ErrConfig, err)
		}
		plans[i] = p
	}
	keys, err := source.KeyColumns(req.Columns, req.PartitionBy)
	if err != nil {
		return nil, err
	}
	where := source.Where(req.Table)
	if err := source.CheckWhere(where); err != nil {
		return nil, err
	}
	q := pg.RowHashesSQL(req.Source, plans, req.Columns, keys, req.PartitionBy, req.Partition, where)
	var out []RowHash
	err = s.tx(ctx, func(conn *pgx.Conn) error {
		if err := checkDateStyle(conn); err != nil {
			return err
		}
		rows, err := conn.Query(ctx, q)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r RowHash
			if err := rows.Scan(&r.Key, &r.Hash); err != nil {
				return err
			}
			out = append(out, r)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return checkDateStyle(conn)
	})
	if err != nil {
		return nil, whereError(fmt.Errorf("source row hashes: %w", err), where)
	}
	return out, nil
}

// RowHashesSQL lists (key text, md5 of the row text) for the partition's rows in key
// order; keyIdx are the key columns' indexes into plans.
func (b Builder) RowHashesSQL(t migration.TableRef, plans []source.ColumnPlan, cols []migration.Column, keys []source.KeyColumn, keyIdx []int, p migration.Partition, w string) string {
	fields, from := b.checksumRows(t, plans, cols, keys, p, w)
	keyFields := make([][]string, len(keyIdx))
	order := make([]string, len(keys))
	for i, k := range keyIdx {
		keyFields[i] = fields[k]
		order[i] = b.keyExpr(keys[i])
	}
	return "SELECT " + joinFields(keyFields) + ", md5(" + joinFields(fields) + ")\n" + from + "\nORDER BY " + strings.Join(order, ", ")
}

// checkDateStyle fails unless the session writes dates as YYYY-MM-DD: the checksum
// SQL hands dates to their output function as they are (checksumArgs), which follows
// DateStyle. SessionSQL sets ISO; the server reports every change of DateStyle, so
// this costs no round trip, and called after the statement too it also sees a
// change made while it ran (a whereClauseCriteria calling set_config).
func checkDateStyle(conn *pgx.Conn) error {
	if v := conn.PgConn().ParameterStatus("DateStyle"); !strings.HasPrefix(v, "ISO") {
		return fmt.Errorf("source session: DateStyle is %q, the checksum needs ISO dates (the worker sets DateStyle = 'ISO, YMD'; was it changed, e.g. by whereClauseCriteria?)", v)
	}
	return nil
}
