package sqlserver

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	mssql "github.com/microsoft/go-mssqldb"

	"github.com/snowmigrate/snowmigrate/checksum"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
)

var _ source.Checksummer = (*Source)(nil)

// utf8Collation makes a conversion of Unicode text to varchar produce UTF-8 (SQL
// Server 2019+): the checksum hashes the UTF-8 bytes of the row text, as every other
// engine does. The row text is nvarchar, labelled with this collation, then
// converted: converting first would go through the database's code page and lose
// every character it lacks.
const utf8Collation = "Latin1_General_100_BIN2_UTF8"

// ChecksumPartition computes the partition checksum of docs/checksums.md in T-SQL on
// the source, over the rows Extract would read (same SELECT expressions, partition
// range, filter and watermark window, in one transaction at the worker's isolation
// level): equal to the checksum Extract returns for the same data, without moving
// any row. It needs SQL Server 2019 or later (UTF-8 collations).
func (s *Source) ChecksumPartition(ctx context.Context, req source.ExtractRequest) (string, int64, error) {
	sel, err := s.rowSelection(req)
	if err != nil {
		return "", 0, err
	}
	q, err := checksumSQL(req.Source, sel.plans, req.Columns, sel.pred, sel.where)
	if err != nil {
		return "", 0, err
	}
	var (
		rows   int64
		up, lo string
	)
	err = s.tx(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, q, sel.args...).Scan(&rows, &up, &lo)
	})
	if err != nil {
		return "", 0, whereError(fmt.Errorf("source checksum of %s.%s partition %d: %w", req.Source.Schema, req.Source.Table, req.Partition.Number, utf8Error(mapError(err))), sel.where)
	}
	sum, err := checksum.FromParts(rows, up, lo)
	if err != nil {
		return "", 0, err
	}
	return sum.String(), rows, nil
}

// errInvalidCollation is SQL Server's "Invalid collation" (448): a server before 2019
// has no UTF-8 collation.
const errInvalidCollation = 448

// utf8Error turns the refusal of the UTF-8 collation into a configuration error that
// says what the checksum needs.
func utf8Error(err error) error {
	var me mssql.Error
	if errors.As(err, &me) && me.Number == errInvalidCollation {
		return fmt.Errorf("%w: the source checksum (re-sync by checksum, validation level 3, locating differences) needs SQL Server 2019 or later, whose UTF-8 collation %s this server does not know; the extractor's checksum still proves every partition: %w", source.ErrConfig, utf8Collation, err)
	}
	return err
}

// selection is what selects the rows Extract reads: the column plans, the partition
// (and window) predicate with its parameters, and the checked filter.
type selection struct {
	plans []colPlan
	keys  []keyColumn
	pred  string
	args  []any
	where string
}

// rowSelection plans the columns and builds the predicate of req's rows, as Extract
// does.
func (s *Source) rowSelection(req source.ExtractRequest) (selection, error) {
	var sel selection
	var err error
	if sel.plans, err = planColumns(req.Columns); err != nil {
		return sel, err
	}
	if sel.keys, err = keyColumns(req.Columns, req.PartitionBy); err != nil {
		return sel, err
	}
	if sel.where, err = checkWhere(req.Table); err != nil {
		return sel, err
	}
	sel.pred, sel.args, err = partitionFilter(req, sel.keys)
	if err != nil {
		return sel, fmt.Errorf("%w: %v", source.ErrConfig, err)
	}
	return sel, nil
}

// checksumSQL returns (row count, Σ upper 64 bits, Σ lower 64 bits) of the MD5 of
// every row text of the selected rows, the sums as text. A 4-byte binary converts to
// a non-negative bigint, so each 64-bit half is two unsigned 32-bit pieces combined
// exactly in DECIMAL(38,0) (BIGINT is signed: the 8-byte halves would not do).
func checksumSQL(t migration.TableRef, plans []colPlan, cols []migration.Column, pred, where string) (string, error) {
	row, err := rowTextSQL(plans, cols, nil)
	if err != nil {
		return "", err
	}
	return "SELECT COUNT_BIG(*), " + sumOfHalf("h", 1) + ", " + sumOfHalf("h", 9) + "\nFROM (SELECT " + md5SQL(row) + " AS h\nFROM " + tableName(t) +
		"\nWHERE " + andWhere(pred, where) + ") x", nil
}

// sumOfHalf is the exact sum, as text, of the unsigned 64-bit integers in bytes
// from..from+7 of the binary column h.
func sumOfHalf(h string, from int) string {
	return fmt.Sprintf("CAST(COALESCE(SUM(%s), 0) AS varchar(40))", halfSQL(h, from))
}

// halfSQL is bytes from..from+7 of h as an unsigned 64-bit integer in DECIMAL(38,0).
func halfSQL(h string, from int) string {
	return fmt.Sprintf("CAST(CAST(SUBSTRING(%s, %d, 4) AS bigint) AS decimal(38,0)) * 4294967296 + CAST(SUBSTRING(%s, %d, 4) AS bigint)", h, from, h, from+4)
}

// md5SQL is the MD5 of the UTF-8 bytes of an nvarchar(max) row text.
func md5SQL(row string) string {
	return "HASHBYTES('MD5', CAST((" + row + ") COLLATE " + utf8Collation + " AS varchar(max)))"
}

// rowTextSQL joins the canonical fields of the columns idx (every column when nil)
// with '|' into one nvarchar(max) expression.
func rowTextSQL(plans []colPlan, cols []migration.Column, idx []int) (string, error) {
	if idx == nil {
		idx = make([]int, len(plans))
		for i := range idx {
			idx[i] = i
		}
	}
	fields := make([]string, len(idx))
	for n, i := range idx {
		f, err := checksumField(plans[i], cols[i])
		if err != nil {
			return "", err
		}
		fields[n] = f
	}
	return strings.Join(fields, "\n  + N'|' + "), nil
}

// checksumField is one column's field as nvarchar(max), from the extraction's SELECT
// expression: \N for NULL, else the canonical text (docs/checksums.md) of the value
// the extractor writes.
func checksumField(p colPlan, c migration.Column) (string, error) {
	e := "(" + p.Expr + ")"
	st := parseSQLType(c.SourceType)
	var text string
	switch p.Read {
	case readInt:
		text = "CAST(" + e + " AS nvarchar(max))"
	case readDecimal:
		// SQL Server writes a decimal with exactly its scale's digits, '-' and a
		// leading 0 (money would show two decimals: converted to the target first).
		text = fmt.Sprintf("CAST(CAST(%s AS decimal(%d,%d)) AS nvarchar(max))", e, p.Precision, p.Scale)
	case readFloat:
		text = floatTextSQL("CAST(" + e + " AS float)")
	case readBool:
		text = "CASE WHEN " + e + " = 1 THEN N'true' ELSE N'false' END"
	case readString:
		if p.Target == source.TargetSemi {
			text = "N'J'"
			break
		}
		// the text as the driver returns it: char(n)/nchar(n) keep their padding
		s := "CAST(" + e + " AS nvarchar(max)) COLLATE " + binCollation
		text = "REPLACE(REPLACE(" + s + ", N'\\', N'\\\\'), N'|', N'\\|')"
	case readBytes:
		// style 2: upper-case hex digits without 0x; empty binary is ''
		text = "CONVERT(nvarchar(max), " + e + ", 2)"
	case readDate:
		text = "CONVERT(nvarchar(max), " + e + ", 23)"
	case readTime:
		// hh:mm:ss.fffffff cut to microseconds (the driver's value is truncated too)
		text = "LEFT(CAST(CAST(" + e + " AS time(7)) AS nvarchar(max)), 15)"
	case readTimestamp:
		switch st.Base {
		case "datetime":
			// go-mssqldb reads the 1/300 s ticks rounded to milliseconds, which is
			// what style 121 shows
			text = "CONVERT(nvarchar(max), " + e + ", 121) + N'000'"
		case "smalldatetime":
			text = "CONVERT(nvarchar(max), " + e + ", 120) + N'.000000'"
		default:
			text = "LEFT(CONVERT(nvarchar(max), CAST(" + e + " AS datetime2(7)), 121), 26)"
		}
	case readTSText, readTimeText, readTSTZText:
		text = temporalTextSQL(p, e)
	default:
		return "", fmt.Errorf("%w: column %q: no source checksum for %s mapped to %s", source.ErrConfig, c.SourceName, c.SourceType, c.TargetType)
	}
	return "CASE WHEN " + e + " IS NULL THEN N'\\N' ELSE " + text + " END", nil
}

// temporalTextSQL is the canonical text of a temporal value that travels as text
// (100-ns digits or an offset, beyond Parquet's microseconds): its target type's text
// (docs/checksums.md), microseconds truncated, a datetimeoffset as its UTC instant.
// Mapped to VARCHAR the travelling text itself is the canonical text.
func temporalTextSQL(p colPlan, e string) string {
	switch p.Target {
	case source.TargetText, source.TargetSemi:
		switch p.Read {
		case readTimeText:
			// hh:mm:ss[.f…] with the column's digits
			if p.Digits == 0 {
				return "LEFT(CAST(CAST(" + e + " AS time(7)) AS nvarchar(max)), 8)"
			}
			return fmt.Sprintf("LEFT(CAST(CAST(%s AS time(7)) AS nvarchar(max)), %d)", e, 9+p.Digits)
		case readTSText:
			return fmt.Sprintf("LEFT(CONVERT(nvarchar(max), CAST(%s AS datetime2(7)), 121), %d)", e, tsWidth(p.Digits))
		default:
			// YYYY-MM-DD hh:mm:ss[.f…]+hh:mm: the local time, then the offset
			return fmt.Sprintf("LEFT(CONVERT(nvarchar(max), CAST(%s AS datetime2(7)), 121), %d) + RIGHT(CONVERT(nvarchar(max), %s, 127), 6)", e, tsWidth(p.Digits), e)
		}
	case source.TargetTime:
		return "LEFT(CAST(CAST(" + e + " AS time(7)) AS nvarchar(max)), 15)"
	case source.TargetTimestampTZ:
		return "LEFT(CONVERT(nvarchar(max), CAST(SWITCHOFFSET(CAST(" + e + " AS datetimeoffset(7)), 0) AS datetime2(7)), 121), 26)"
	default:
		return "LEFT(CONVERT(nvarchar(max), CAST(" + e + " AS datetime2(7)), 121), 26)"
	}
}

// tsWidth is the length of YYYY-MM-DD hh:mm:ss with digits fractional digits.
func tsWidth(digits int) int {
	if digits == 0 {
		return 19
	}
	return 20 + digits
}

// floatTextSQL is m·2^k (docs/checksums.md) of a float expression x, from its IEEE
// bits: CAST(float AS binary(8)) is the big-endian bit pattern; its two 4-byte halves
// convert to non-negative bigints. SQL Server's float holds no NaN or infinity.
func floatTextSQL(x string) string {
	bits := "CAST(" + x + " AS binary(8))"
	hi := "CAST(SUBSTRING(" + bits + ", 1, 4) AS bigint)"
	lo := "CAST(SUBSTRING(" + bits + ", 5, 4) AS bigint)"
	exp := "(" + hi + " / 1048576 % 2048)"
	frac := "((" + hi + " % 1048576) * 4294967296 + " + lo + ")"
	m := "CASE WHEN " + exp + " = 0 THEN " + frac + " ELSE " + frac + " + 4503599627370496 END"
	k := "CASE WHEN " + exp + " = 0 THEN -1074 ELSE " + exp + " - 1075 END"
	return "CASE WHEN " + x + " = 0 THEN N'0' ELSE CASE WHEN " + x + " < 0 THEN N'-' ELSE N'' END + CAST(" + m + " AS nvarchar(max)) + N'p' + CAST(" + k + " AS nvarchar(max)) END"
}
