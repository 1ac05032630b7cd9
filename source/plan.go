package source

import (
	"fmt"

	"github.com/snowmigrate/snowmigrate/migration"
)

// Wire is how a column's value arrives in PostgreSQL's binary format (COPY binary
// tuples and binary result sets share it). Types outside this list are cast to text
// in the SELECT, so the decoder handles a handful of formats only.
type Wire int

const (
	WireInt2 Wire = iota + 1
	WireInt4
	WireInt8
	WireFloat4
	WireFloat8
	WireNumeric
	WireBool
	WireText // text, varchar, bpchar, name and every ::text cast
	WireBytea
	WireHexText // text holding hex digits, decoded to bytes (Redshift VARBYTE via to_hex)
	WireDate
	WireTime
	WireTimestamp
	WireTimestampTZ
	WireUUID
)

// Out is the Parquet representation written for a column.
type Out int

const (
	OutInt32        Out = iota + 1 // INT32, INT(32,signed)
	OutInt64                       // INT64, INT(64,signed)
	OutDecimal64                   // INT64, DECIMAL(p,s), p <= 18
	OutDecimal128                  // FIXED_LEN_BYTE_ARRAY(16), DECIMAL(p,s), p <= 38
	OutFloat                       // FLOAT
	OutDouble                      // DOUBLE
	OutBool                        // BOOLEAN
	OutString                      // BYTE_ARRAY, STRING
	OutBinary                      // BYTE_ARRAY
	OutDate                        // INT32, DATE
	OutTime                        // INT64, TIME(MICROS, isAdjustedToUTC=false)
	OutTimestampNTZ                // INT64, TIMESTAMP(MICROS, isAdjustedToUTC=false)
	OutTimestampTZ                 // INT64, TIMESTAMP(MICROS, isAdjustedToUTC=true)
)

// ColumnPlan says how one column is read and written.
type ColumnPlan struct {
	SourceName string
	TargetName string // Parquet field name: the exact Snowflake column name
	Expr       string // SELECT expression (quoted column, possibly cast)
	Wire       Wire
	Out        Out
	Precision  int // decimals: precision; others 0
	Scale      int // decimals: scale
	// Target is the target type's family (0 when a dialect builds plans itself): the
	// partition checksum needs it where one Parquet type serves two families (text and
	// semi-structured values both travel as STRING; docs/checksums.md).
	Target TargetKind
}

// Caster builds the dialect's cast expressions for PlanColumns.
type Caster interface {
	QuoteIdent(string) string
	// CastExpr converts quoted column q of parsed source type st to the target family.
	// It returns the expression and the wire format the expression produces.
	CastExpr(q string, st ParsedType, tt TargetType) (string, Wire, error)
}

// PlanColumn is the shared planner: the target type decides the Parquet type, the
// dialect decides how the source value is read.
func PlanColumn(c migration.Column, cs Caster) (ColumnPlan, error) {
	tt, err := ParseTargetType(c.TargetType)
	if err != nil {
		return ColumnPlan{}, fmt.Errorf("column %q: %w", c.SourceName, err)
	}
	st := ParseType(c.SourceType)
	expr, wire, err := cs.CastExpr(cs.QuoteIdent(c.SourceName), st, tt)
	if err != nil {
		return ColumnPlan{}, fmt.Errorf("column %q (%s → %s): %w", c.SourceName, c.SourceType, c.TargetType, err)
	}
	p := ColumnPlan{SourceName: c.SourceName, TargetName: c.TargetName, Expr: expr, Wire: wire, Target: tt.Kind}
	switch tt.Kind {
	case TargetNumber:
		switch {
		case wire == WireInt2 || wire == WireInt4:
			p.Out = OutInt32
		case wire == WireInt8:
			p.Out = OutInt64
		case tt.Precision <= 18:
			p.Out, p.Precision, p.Scale = OutDecimal64, tt.Precision, tt.Scale
		default:
			p.Out, p.Precision, p.Scale = OutDecimal128, tt.Precision, tt.Scale
		}
	case TargetFloat:
		p.Out = OutDouble
		if wire == WireFloat4 {
			p.Out = OutFloat
		}
	case TargetText, TargetSemi:
		p.Out = OutString
	case TargetBinary:
		p.Out = OutBinary
	case TargetBoolean:
		p.Out = OutBool
	case TargetDate:
		p.Out = OutDate
	case TargetTime:
		p.Out = OutTime
	case TargetTimestampNTZ:
		p.Out = OutTimestampNTZ
	case TargetTimestampTZ:
		p.Out = OutTimestampTZ
	}
	return p, nil
}

// IsInt reports whether a NUMBER target with this scale can take the native integer.
func nativeInt(st ParsedType, tt TargetType) (Wire, bool) {
	if tt.Scale != 0 || st.Array {
		return 0, false
	}
	switch st.Base {
	case "smallint":
		return WireInt2, tt.Precision >= 5
	case "integer":
		return WireInt4, tt.Precision >= 10
	case "bigint":
		return WireInt8, tt.Precision >= 19
	}
	return 0, false
}

// PGCaster is the PostgreSQL-family cast logic; Redshift wraps it for its own types.
type PGCaster struct {
	Quote func(string) string
}

// QuoteIdent quotes with the dialect's function.
func (c PGCaster) QuoteIdent(s string) string { return c.Quote(s) }

// CastExpr implements Caster for PostgreSQL.
func (c PGCaster) CastExpr(q string, st ParsedType, tt TargetType) (string, Wire, error) {
	b := st.Base
	if st.Array {
		b = "array"
	}
	switch tt.Kind {
	case TargetNumber:
		if w, ok := nativeInt(st, tt); ok {
			return q, w, nil
		}
		if b == "numeric" {
			// No cast: the decoder rescales exactly and reports overflow with the
			// column and row key (a SQL cast would fail without naming the row).
			return q, WireNumeric, nil
		}
		return q + "::numeric", WireNumeric, nil
	case TargetFloat:
		switch b {
		case "real":
			return q, WireFloat4, nil
		case "double precision":
			return q, WireFloat8, nil
		}
		return q + "::double precision", WireFloat8, nil
	case TargetText:
		switch {
		case IsTextLike(b):
			return q, WireText, nil
		case b == "uuid":
			return q, WireUUID, nil
		case b == "array":
			return "array_to_json(" + q + ")::text", WireText, nil
		}
		return q + "::text", WireText, nil
	case TargetSemi:
		switch b {
		case "json", "jsonb":
			return q + "::text", WireText, nil
		case "array":
			return "array_to_json(" + q + ")::text", WireText, nil
		}
		return "to_json(" + q + ")::text", WireText, nil
	case TargetBinary:
		if b == "bytea" {
			return q, WireBytea, nil
		}
		if IsTextLike(b) {
			return "convert_to(" + q + ", 'UTF8')", WireBytea, nil
		}
		return q + "::bytea", WireBytea, nil
	case TargetBoolean:
		if b == "boolean" {
			return q, WireBool, nil
		}
		return q + "::boolean", WireBool, nil
	case TargetDate:
		if b == "date" {
			return q, WireDate, nil
		}
		return q + "::date", WireDate, nil
	case TargetTime:
		if b == "time without time zone" {
			return q, WireTime, nil
		}
		return q + "::time", WireTime, nil
	case TargetTimestampNTZ:
		if b == "timestamp without time zone" {
			return q, WireTimestamp, nil
		}
		return q + "::timestamp", WireTimestamp, nil
	case TargetTimestampTZ:
		if b == "timestamp with time zone" {
			return q, WireTimestampTZ, nil
		}
		return q + "::timestamptz", WireTimestampTZ, nil
	}
	return "", 0, fmt.Errorf("no conversion to %s", tt.Text)
}
