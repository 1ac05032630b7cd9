package sqlserver

import (
	"fmt"

	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
)

// read says how the extractor turns the driver's value into the Parquet value.
type read int

const (
	readInt       read = iota + 1 // int64 → INT32 or INT64
	readDecimal                   // decimal text ([]byte) → DECIMAL(p,s), rescaled exactly
	readFloat                     // float64 → FLOAT (real) or DOUBLE
	readBool                      // bool
	readString                    // string (or []byte holding text) → STRING
	readBytes                     // []byte → BYTE_ARRAY
	readDate                      // time.Time → DATE
	readTime                      // time.Time → TIME(MICROS)
	readTimestamp                 // time.Time → TIMESTAMP(MICROS, not UTC-adjusted)
	readTimeText                  // time.Time → "hh:mm:ss.fffffff" (7 digits: beyond Parquet's micros)
	readTSText                    // time.Time → "YYYY-MM-DD hh:mm:ss.fffffff" (7 digits)
	readTSTZText                  // time.Time with offset → "YYYY-MM-DD hh:mm:ss.fffffff+hh:mm" (Snowflake's and DuckDB's form)
)

// colPlan is a source.ColumnPlan plus how its value is read.
type colPlan struct {
	source.ColumnPlan
	Read   read
	Digits int // fractional digits of the text forms
}

// planColumn decides the SELECT expression, the read and the Parquet type of a mapped
// column. The target family decides the Parquet type; a source value of another
// family is converted by SQL Server (CAST/CONVERT), so what the extractor reads is
// always the target's own kind.
func planColumn(c migration.Column) (colPlan, error) {
	tt, err := source.ParseTargetType(c.TargetType)
	if err != nil {
		return colPlan{}, fmt.Errorf("column %q: %w", c.SourceName, err)
	}
	st := parseSQLType(c.SourceType)
	q := quoteIdent(c.SourceName)
	p := colPlan{ColumnPlan: source.ColumnPlan{SourceName: c.SourceName, TargetName: c.TargetName, Expr: q, Target: tt.Kind}}
	b := st.Base
	fail := func() (colPlan, error) {
		return colPlan{}, fmt.Errorf("column %q: %s cannot be converted to %s; map it to VARCHAR or another type of its family", c.SourceName, c.SourceType, tt.Text)
	}
	switch tt.Kind {
	case source.TargetNumber:
		switch {
		case isInteger(b) && tt.Scale == 0 && tt.Precision >= intDigits(b):
			p.Read, p.Out = readInt, source.OutInt32
			if b == "bigint" {
				p.Out = source.OutInt64
			}
			return p, nil
		case (b == "decimal" || b == "numeric") && st.mod(1, 0) == tt.Scale && st.mod(0, 18)-st.mod(1, 0) <= tt.Precision-tt.Scale:
			// Same scale, enough integer digits: no conversion at all.
		case b == "money" && tt.Scale == 4 && tt.Precision >= 19, b == "smallmoney" && tt.Scale == 4 && tt.Precision >= 10:
		case isText(b) || b == "xml" || b == "uniqueidentifier" || b == "binary" || b == "varbinary" || b == "image" ||
			b == "date" || b == "time" || b == "datetime" || b == "datetime2" || b == "smalldatetime" || b == "datetimeoffset":
			return fail()
		default:
			// Rounds to the target's scale as SQL Server rounds (half away from zero);
			// an overflow fails the statement with error 8115 naming the type.
			p.Expr = fmt.Sprintf("CAST(%s AS decimal(%d,%d))", q, tt.Precision, tt.Scale)
		}
		p.Read, p.Precision, p.Scale = readDecimal, tt.Precision, tt.Scale
		p.Out = source.OutDecimal128
		if tt.Precision <= 18 {
			p.Out = source.OutDecimal64
		}
	case source.TargetFloat:
		p.Read, p.Out = readFloat, source.OutDouble
		switch {
		case b == "real":
			p.Out = source.OutFloat
		case b == "float":
		case isText(b) || b == "binary" || b == "varbinary" || b == "image" || b == "uniqueidentifier":
			return fail()
		default:
			p.Expr = "CAST(" + q + " AS float)"
		}
	case source.TargetBoolean:
		p.Read, p.Out = readBool, source.OutBool
		if b != "bit" {
			p.Expr = "CAST(" + q + " AS bit)"
		}
	case source.TargetText, source.TargetSemi:
		p.Read, p.Out = readString, source.OutString
		switch {
		case isText(b):
		case b == "hierarchyid":
			p.Expr = q + ".ToString()"
		case b == "geometry" || b == "geography":
			p.Expr = q + ".STAsText()"
		case b == "datetimeoffset":
			p.Read, p.Digits = readTSTZText, st.mod(0, 7)
		case b == "datetime2" || b == "datetime" || b == "smalldatetime":
			p.Read, p.Digits = readTSText, fracDigits(st)
		case b == "date":
			p.Expr = "CONVERT(nvarchar(10), " + q + ", 23)"
		case b == "time":
			p.Read, p.Digits = readTimeText, st.mod(0, 7)
		case b == "binary" || b == "varbinary" || b == "image" || b == "rowversion" || b == "timestamp":
			// Hex text (style 2: no 0x prefix), as Snowflake shows BINARY.
			p.Expr = "CONVERT(nvarchar(max), " + q + ", 2)"
		default:
			// uniqueidentifier (upper case, SQL Server's canonical form), xml,
			// sql_variant, numbers, bit.
			p.Expr = "CONVERT(nvarchar(max), " + q + ")"
		}
	case source.TargetBinary:
		p.Read, p.Out = readBytes, source.OutBinary
		switch b {
		case "binary", "varbinary", "image", "rowversion", "timestamp":
		default:
			p.Expr = "CONVERT(varbinary(max), " + q + ")"
		}
	case source.TargetDate:
		p.Read, p.Out = readDate, source.OutDate
		if b != "date" {
			p.Expr = "CAST(" + q + " AS date)"
		}
	case source.TargetTime:
		p.Read, p.Out = readTime, source.OutTime
		if b != "time" {
			p.Expr = "CAST(" + q + " AS time(7))"
		}
		if tt.Precision > 6 && (b != "time" || st.mod(0, 7) > 6) {
			p.Read, p.Out, p.Digits = readTimeText, source.OutString, 7
		}
	case source.TargetTimestampNTZ:
		p.Read, p.Out = readTimestamp, source.OutTimestampNTZ
		switch b {
		case "datetime", "datetime2", "smalldatetime":
		default:
			p.Expr = "CAST(" + q + " AS datetime2(7))"
		}
		if tt.Precision > 6 && fracDigits(st) > 6 {
			p.Read, p.Out, p.Digits = readTSText, source.OutString, 7
		}
	case source.TargetTimestampTZ:
		// Parquet has no offset: the value travels as text with its own offset and
		// all its digits, which Snowflake's TIMESTAMP_TZ keeps.
		p.Read, p.Out, p.Digits = readTSTZText, source.OutString, 7
		if b != "datetimeoffset" {
			p.Expr = "CAST(" + q + " AS datetimeoffset(7))"
		} else {
			p.Digits = st.mod(0, 7)
		}
	default:
		return fail()
	}
	return p, nil
}

// checksummed reports whether the partition checksum of parquetx (docs/checksums.md),
// computed from the Parquet values, is the one Snowflake computes over the loaded
// column: not for temporal values that travel as text (100-ns digits, offsets), whose
// text is not the canonical text of their target type (rowSummer reads it back).
func (p colPlan) checksummed() bool {
	return p.Out != source.OutString || p.Target == source.TargetText || p.Target == source.TargetSemi
}

// fracDigits is the number of fractional second digits a temporal type holds.
func fracDigits(st sqlType) int {
	switch st.Base {
	case "smalldatetime":
		return 0
	case "datetime":
		return 3
	case "date":
		return 0
	}
	return st.mod(0, 7)
}

func intDigits(base string) int {
	switch base {
	case "tinyint":
		return 3
	case "smallint":
		return 5
	case "int":
		return 10
	}
	return 19
}

func planColumns(cols []migration.Column) ([]colPlan, error) {
	out := make([]colPlan, len(cols))
	for i, c := range cols {
		p, err := planColumn(c)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", source.ErrConfig, err)
		}
		out[i] = p
	}
	return out, nil
}
