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
	pred, err := RangePredicate(cols, partitionBy, p)
	if err != nil {
		return "", err
	}
	row, err := ChecksumRowExpr(cols)
	if err != nil {
		return "", err
	}
	return "SELECT COUNT(*), COALESCE(SUM(MD5_NUMBER_UPPER64(R)), 0), COALESCE(SUM(MD5_NUMBER_LOWER64(R)), 0)\nFROM (SELECT " +
		row + " AS R\nFROM " + TableName(target) + "\nWHERE " + pred + ")", nil
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
	t, err := ParseType(c.TargetType)
	if err != nil {
		return "", fmt.Errorf("column %s: %w", c.TargetName, err)
	}
	q := QuoteIdent(c.TargetName)
	var text string
	switch t.Family {
	case FamNumber:
		text = numberText(q, t)
	case FamFloat:
		text = floatText(q)
	case FamBoolean:
		text = "IFF(" + q + ", 'true', 'false')"
	case FamDate:
		text = "TO_CHAR(" + q + ", 'YYYY-MM-DD')"
	case FamTime:
		text = "TO_CHAR(" + q + ", 'HH24:MI:SS.FF6')"
	case FamTimestampNTZ:
		text = "TO_CHAR(" + q + ", 'YYYY-MM-DD HH24:MI:SS.FF6')"
	case FamTimestampTZ, FamTimestampLTZ:
		text = "TO_CHAR(CONVERT_TIMEZONE('UTC', " + q + "), 'YYYY-MM-DD HH24:MI:SS.FF6')"
	case FamText:
		text = "REPLACE(REPLACE(" + q + ", " + StringLiteral(`\`) + ", " + StringLiteral(`\\`) + "), '|', " + StringLiteral(`\|`) + ")"
	case FamBinary:
		text = "HEX_ENCODE(" + q + ")"
	case FamVariant, FamObject, FamArray:
		text = "'J'"
	default:
		return "", fmt.Errorf("column %s: no checksum text for type %s", c.TargetName, c.TargetType)
	}
	return "IFF(" + q + " IS NULL, " + nullField + ", " + text + ")", nil
}

// numberText prints a NUMBER(p,s) with exactly s decimals from integer texts only (no
// dependence on how Snowflake displays a scaled number): the sign, the integer part and
// the fraction times 10^s, zero-padded to s digits. Every step is exact NUMBER
// arithmetic (10^s is an integer literal, not POWER, which returns FLOAT).
func numberText(q string, t SQLType) string {
	scale := 0
	if len(t.Args) > 1 {
		scale = t.Args[1]
	}
	if scale == 0 {
		return "TO_VARCHAR(" + q + ")"
	}
	a := "ABS(" + q + ")"
	pow := "1" + strings.Repeat("0", scale)
	return "IFF(" + q + " < 0, '-', '') || TO_VARCHAR(TRUNC(" + a + ")::NUMBER(38,0)) || '.' || LPAD(TO_VARCHAR(((" + a + " - TRUNC(" + a + ")) * " + pow + ")::NUMBER(38,0)), " + strconv.Itoa(scale) + ", '0')"
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
