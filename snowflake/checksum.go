package snowflake

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/snowmigrate/snowmigrate/migration"
)

// The partition checksum on Snowflake (docs/checksums.md): the same canonical row text
// the extractor hashes (package checksum), computed over the target rows of a
// partition's key range. Values never become SQL here: only quoted column names and
// constant literals.

// ChecksumRangeSQL returns one row: the row count and the exact sums of
// MD5_NUMBER_UPPER64 and MD5_NUMBER_LOWER64 of every row text in the partition's range
// (checksum.FromParts makes the checksum of them).
func ChecksumRangeSQL(target migration.TableRef, cols []migration.Column, partitionBy []int, p migration.Partition) (string, error) {
	return ChecksumWindowSQL(target, cols, partitionBy, p, nil)
}

// ChecksumWindowSQL is ChecksumRangeSQL over the rows of the range that are also in a
// watermark re-sync's window as the target sees it (windowPredicate: above the low
// mark on a re-run; win nil: the whole range): the rows a re-run partition loaded
// (docs/checksums.md, "Watermark re-sync partitions").
func ChecksumWindowSQL(target migration.TableRef, cols []migration.Column, partitionBy []int, p migration.Partition, win *migration.WatermarkWindow) (string, error) {
	pred, err := rangeWindowPredicate(cols, partitionBy, p, win)
	if err != nil {
		return "", err
	}
	row, err := checksumRowConcat(cols)
	if err != nil {
		return "", err
	}
	return "SELECT COUNT(*), COALESCE(SUM(MD5_NUMBER_UPPER64(R)), 0), COALESCE(SUM(MD5_NUMBER_LOWER64(R)), 0)\nFROM (SELECT " +
		row + " AS R\nFROM " + TableName(target) + "\nWHERE " + pred + ")", nil
}

// CountWindowSQL counts the rows of the range in a watermark re-sync's window (win
// nil: CountRangeSQL).
func CountWindowSQL(target migration.TableRef, cols []migration.Column, partitionBy []int, p migration.Partition, win *migration.WatermarkWindow) (string, error) {
	pred, err := rangeWindowPredicate(cols, partitionBy, p, win)
	if err != nil {
		return "", err
	}
	return "SELECT COUNT(*) FROM " + TableName(target) + " WHERE " + pred, nil
}

// rangeWindowPredicate is the range's predicate, and the window's when there is one.
func rangeWindowPredicate(cols []migration.Column, partitionBy []int, p migration.Partition, win *migration.WatermarkWindow) (string, error) {
	pred, err := RangePredicate(cols, partitionBy, p)
	if err != nil || win == nil {
		return pred, err
	}
	w, err := windowPredicate(cols, *win)
	if err != nil {
		return "", err
	}
	return pred + " AND " + w, nil
}

// checksumRowConcat is the row text of ChecksumRowExpr written for the statement that
// runs on every partition: one CONCAT over fields that are never NULL. On Snowflake it
// is the same text: CONCAT(a, b, …) is a || b || … (both are NULL when an argument is,
// and no argument is NULL here), and NVL(<text>, '\N') equals IFF(c IS NULL, '\N',
// <text>) for every text that is NULL exactly when the column is (every function in
// it returns NULL for NULL); BOOLEAN (IFF of a NULL condition takes the ELSE branch)
// and the semi-structured presence 'J' keep IFF. One call with non-NULL arguments lets
// an engine build the row in one pass instead of a chain of two-operand
// concatenations: on the local Snowflake it is most of the statement's cost
// (emulator/engine/checksum_bench_test.go).
func checksumRowConcat(cols []migration.Column) (string, error) {
	if len(cols) == 0 {
		return "", fmt.Errorf("checksum of no columns")
	}
	fields := make([]string, len(cols))
	for i, c := range cols {
		text, strict, err := fieldText(c)
		if err != nil {
			return "", err
		}
		if strict {
			fields[i] = "NVL(" + text + ", " + nullField + ")"
		} else {
			fields[i] = "IFF(" + QuoteIdent(c.TargetName) + " IS NULL, " + nullField + ", " + text + ")"
		}
	}
	if len(fields) == 1 {
		return fields[0], nil
	}
	return "CONCAT(" + strings.Join(fields, ",\n  '|', ") + ")", nil
}

// RowHashesSQL lists, for every target row of the partition's range, the canonical text
// of its key columns (fields joined as in a row text) and the MD5 of its row text, in
// key order: set against the same list computed from the source's values
// (checksum.RowHash), it names the rows that differ.
func RowHashesSQL(target migration.TableRef, cols []migration.Column, partitionBy []int, p migration.Partition) (string, error) {
	pred, err := RangePredicate(cols, partitionBy, p)
	if err != nil {
		return "", err
	}
	keyCols := make([]migration.Column, len(partitionBy))
	order := make([]string, len(partitionBy))
	for i, idx := range partitionBy {
		keyCols[i] = cols[idx]
		order[i] = QuoteIdent(cols[idx].TargetName)
	}
	key, err := ChecksumRowExpr(keyCols)
	if err != nil {
		return "", err
	}
	row, err := ChecksumRowExpr(cols)
	if err != nil {
		return "", err
	}
	return "SELECT " + key + " AS K, MD5(" + row + ") AS H\nFROM " + TableName(target) + "\nWHERE " + pred +
		"\nORDER BY " + strings.Join(order, ", "), nil
}

// ChecksumRowExpr is the row text of docs/checksums.md: every column's field, NULL as
// \N, joined by '|'.
func ChecksumRowExpr(cols []migration.Column) (string, error) {
	if len(cols) == 0 {
		return "", fmt.Errorf("checksum of no columns")
	}
	fields := make([]string, len(cols))
	for i, c := range cols {
		f, err := checksumField(c)
		if err != nil {
			return "", err
		}
		fields[i] = f
	}
	return strings.Join(fields, "\n  || '|' || "), nil
}

// nullField is \N as a Snowflake literal (a backslash is an escape inside '…').
var nullField = StringLiteral(`\N`)

// checksumField is one column's field: its canonical text, or \N for NULL.
func checksumField(c migration.Column) (string, error) {
	text, _, err := fieldText(c)
	if err != nil {
		return "", err
	}
	return "IFF(" + QuoteIdent(c.TargetName) + " IS NULL, " + nullField + ", " + text + ")", nil
}

// fieldText is one column's canonical text for a non-NULL value; strict says that the
// text is NULL exactly when the column is (so NVL(text, '\N') is the field).
func fieldText(c migration.Column) (text string, strict bool, err error) {
	t, err := ParseType(c.TargetType)
	if err != nil {
		return "", false, fmt.Errorf("column %s: %w", c.TargetName, err)
	}
	q := QuoteIdent(c.TargetName)
	switch t.Family {
	case FamNumber:
		return numberText(q, t), true, nil
	case FamFloat:
		return floatText(q), true, nil
	case FamBoolean:
		return "IFF(" + q + ", 'true', 'false')", false, nil
	case FamDate:
		return "TO_CHAR(" + q + ", 'YYYY-MM-DD')", true, nil
	case FamTime:
		return "TO_CHAR(" + q + ", 'HH24:MI:SS.FF6')", true, nil
	case FamTimestampNTZ:
		return "TO_CHAR(" + q + ", 'YYYY-MM-DD HH24:MI:SS.FF6')", true, nil
	case FamTimestampTZ, FamTimestampLTZ:
		return "TO_CHAR(CONVERT_TIMEZONE('UTC', " + q + "), 'YYYY-MM-DD HH24:MI:SS.FF6')", true, nil
	case FamText:
		return "REPLACE(REPLACE(" + q + ", " + StringLiteral(`\`) + ", " + StringLiteral(`\\`) + "), '|', " + StringLiteral(`\|`) + ")", true, nil
	case FamBinary:
		return "HEX_ENCODE(" + q + ")", true, nil
	case FamVariant, FamObject, FamArray:
		return "'J'", false, nil
	}
	return "", false, fmt.Errorf("column %s: no checksum text for type %s", c.TargetName, c.TargetType)
}

// numberText prints a NUMBER(p,s) with exactly s decimals from integer texts only (no
// dependence on how Snowflake displays a scaled number): the sign, the integer part and
// the fraction times 10^s, zero-padded to s digits. Every step is exact NUMBER
// arithmetic (10^s is an integer literal, not POWER, which returns FLOAT).
//
// Snowflake multiplies the operands' scaled integers, which must fit in 38 digits: the
// fraction (below 10^s as a scaled integer) times 10^s fits only for s ≤ 19. A larger
// scale (NUMBER(38,20) and up: an unconstrained PostgreSQL numeric with many decimals,
// SQL Server's decimal(38,20)) overflowed ("Numeric value out of range") and failed the
// partition's verify: its fraction is printed in chunks of at most 18 digits instead
// (fractionChunks).
func numberText(q string, t SQLType) string {
	scale := 0
	if len(t.Args) > 1 {
		scale = t.Args[1]
	}
	if scale == 0 {
		return "TO_VARCHAR(" + q + ")"
	}
	a := "ABS(" + q + ")"
	head := "IFF(" + q + " < 0, '-', '') || TO_VARCHAR(TRUNC(" + a + ")::NUMBER(38,0)) || '.' || "
	if scale > maxOneStepScale {
		return head + fractionChunks(a, scale)
	}
	pow := "1" + strings.Repeat("0", scale)
	return head + "LPAD(TO_VARCHAR(((" + a + " - TRUNC(" + a + ")) * " + pow + ")::NUMBER(38,0)), " + strconv.Itoa(scale) + ", '0')"
}

// maxOneStepScale is the largest scale whose fraction times 10^s stays within 38
// digits as a scaled integer (10^19 · 10^19 = 10^38).
const maxOneStepScale = 19

// fractionChunks prints the s fraction digits of a (non-negative, scale s > 19) as
// chunks of at most 18 digits, each with integer texts only and no intermediate above
// 38 digits: chunk (e0, e1] is T(e1) − T(e0), where T(e) is a truncated to e decimals
// (GREATEST(ROUND(a − 5·10^−(e+1), e), 0): rounding half away from zero of a value
// half a unit below the cut gives the truncation exactly, since a has s > e decimals;
// GREATEST keeps 0 from rounding to −10^−e), which is below 10^−e0; times 10^e0 it is below 1 (scaled integer below 10^s); cast to
// NUMBER(38, e1 − e0) exactly (its digits beyond e1 − e0 are zeros); times 10^(e1 − e0)
// it is the chunk's integer, below 10^18.
func fractionChunks(a string, scale int) string {
	trunc := func(e int) string {
		switch {
		case e == 0:
			return "TRUNC(" + a + ")"
		case e >= scale:
			return a
		}
		return "GREATEST(ROUND(" + a + " - 0." + strings.Repeat("0", e) + "5, " + strconv.Itoa(e) + "), 0)"
	}
	const chunk = 18
	var parts []string
	for e0 := 0; e0 < scale; e0 += chunk {
		e1 := min(e0+chunk, scale)
		w := strconv.Itoa(e1 - e0)
		parts = append(parts, "LPAD(TO_VARCHAR((CAST(("+trunc(e1)+" - "+trunc(e0)+") * 1"+strings.Repeat("0", e0)+
			" AS NUMBER(38,"+w+")) * 1"+strings.Repeat("0", e1-e0)+")::NUMBER(38,0)), "+w+", '0')")
	}
	return strings.Join(parts, " || ")
}

// floatText is the exact m·2^k text of a FLOAT (docs/checksums.md). e = FLOOR(LOG(2,
// |x|)) is corrected by exact comparisons with powers of two (LOG may be off by one
// near them), k = GREATEST(e - 52, -1074), and |x| / 2^k is then an integer below
// 2^53: every step is exact in IEEE arithmetic. Zero and the special values get their
// own text; the decomposition is computed over 1 for them so that no branch ever
// takes LOG(0) or casts an infinity.
func floatText(q string) string {
	special := q + " = 0 OR " + q + " = 'NaN'::FLOAT OR " + q + " = 'inf'::FLOAT OR " + q + " = '-inf'::FLOAT"
	a := "IFF(" + special + ", 1, ABS(" + q + "))"
	e0 := "FLOOR(LOG(2, " + a + "))"
	e := "(" + e0 + " - IFF(POWER(2, " + e0 + ") > " + a + ", 1, 0) + IFF(POWER(2, " + e0 + " + 1) <= " + a + ", 1, 0))"
	k := "GREATEST(" + e + " - 52, -1074)"
	mp := "IFF(" + q + " < 0, '-', '') || TO_VARCHAR((" + a + " / POWER(2, " + k + "))::NUMBER(38,0)) || 'p' || TO_VARCHAR((" + k + ")::NUMBER(38,0))"
	return "IFF(" + q + " = 'NaN'::FLOAT, 'NaN', IFF(" + q + " = 'inf'::FLOAT, 'inf', IFF(" + q + " = '-inf'::FLOAT, '-inf', IFF(" + q + " = 0, '0', " + mp + "))))"
}
