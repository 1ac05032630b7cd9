package tds

import (
	"fmt"
	"strconv"
	"strings"
)

// Kind is a SQL Server data type.
type Kind int

// The SQL Server types the server knows.
const (
	Invalid Kind = iota
	Bit
	TinyInt
	SmallInt
	Int
	BigInt
	Decimal
	Numeric
	Money
	SmallMoney
	Real
	Float
	Date
	Time
	DateTime2
	DateTimeOffset
	DateTime
	SmallDateTime
	Char
	VarChar
	NChar
	NVarChar
	Text
	NText
	Binary
	VarBinary
	Image
	UniqueIdentifier
	XML
	RowVersion
	Variant
	HierarchyID
	Geometry
	Geography
	SysName
)

var kindNames = map[Kind]string{
	Bit: "bit", TinyInt: "tinyint", SmallInt: "smallint", Int: "int", BigInt: "bigint",
	Decimal: "decimal", Numeric: "numeric", Money: "money", SmallMoney: "smallmoney",
	Real: "real", Float: "float", Date: "date", Time: "time", DateTime2: "datetime2",
	DateTimeOffset: "datetimeoffset", DateTime: "datetime", SmallDateTime: "smalldatetime",
	Char: "char", VarChar: "varchar", NChar: "nchar", NVarChar: "nvarchar", Text: "text",
	NText: "ntext", Binary: "binary", VarBinary: "varbinary", Image: "image",
	UniqueIdentifier: "uniqueidentifier", XML: "xml", RowVersion: "timestamp",
	Variant: "sql_variant", HierarchyID: "hierarchyid", Geometry: "geometry",
	Geography: "geography", SysName: "sysname",
}

var kindByName = func() map[string]Kind {
	m := map[string]Kind{"rowversion": RowVersion, "integer": Int, "dec": Decimal,
		"double precision": Float, "character": Char, "national character": NChar}
	for k, n := range kindNames {
		m[n] = k
	}
	return m
}()

// MaxLen marks (max) lengths.
const MaxLen = -1

// Type is a SQL Server column or parameter type.
type Type struct {
	Kind Kind
	// Len is the declared length in characters (char types) or bytes (binary types);
	// MaxLen for (max).
	Len       int
	Prec      int
	Scale     int
	Collation string
	NotNull   bool
	Identity  bool
}

// Name is the type's SQL Server name (as sys.types and INFORMATION_SCHEMA show it).
func (t Type) Name() string {
	if t.Kind == SysName {
		return "nvarchar"
	}
	return kindNames[t.Kind]
}

// String renders the type as T-SQL, e.g. nvarchar(max), decimal(38,10), time(7).
func (t Type) String() string {
	n := kindNames[t.Kind]
	switch t.Kind {
	case Char, VarChar, NChar, NVarChar, Binary, VarBinary:
		if t.Len == MaxLen {
			return n + "(max)"
		}
		return fmt.Sprintf("%s(%d)", n, t.Len)
	case Decimal, Numeric:
		return fmt.Sprintf("%s(%d,%d)", n, t.Prec, t.Scale)
	case Time, DateTime2, DateTimeOffset:
		return fmt.Sprintf("%s(%d)", n, t.Scale)
	}
	return n
}

// IsChar reports whether values are character strings.
func (t Type) IsChar() bool {
	switch t.Kind {
	case Char, VarChar, NChar, NVarChar, Text, NText, SysName, XML:
		return true
	}
	return false
}

// IsUnicode reports whether the type stores UTF-16 (the N types).
func (t Type) IsUnicode() bool {
	switch t.Kind {
	case NChar, NVarChar, NText, SysName, XML:
		return true
	}
	return false
}

// IsTemporal reports whether the type is a date/time type.
func (t Type) IsTemporal() bool {
	switch t.Kind {
	case Date, Time, DateTime2, DateTimeOffset, DateTime, SmallDateTime:
		return true
	}
	return false
}

// MaxBytes is sys.columns.max_length: the storage size in bytes, -1 for (max).
func (t Type) MaxBytes() int {
	switch t.Kind {
	case Bit, TinyInt:
		return 1
	case SmallInt:
		return 2
	case Int, Real, SmallMoney, SmallDateTime, Date:
		if t.Kind == Date {
			return 3
		}
		return 4
	case BigInt, Float, Money, DateTime, RowVersion:
		return 8
	case Decimal, Numeric:
		return decimalSize(t.Prec)
	case Time:
		return timeSize(t.Scale)
	case DateTime2:
		return timeSize(t.Scale) + 3
	case DateTimeOffset:
		return timeSize(t.Scale) + 5
	case UniqueIdentifier:
		return 16
	case Char, VarChar, Binary, VarBinary:
		return t.Len
	case NChar, NVarChar:
		if t.Len == MaxLen {
			return MaxLen
		}
		return 2 * t.Len
	case SysName:
		return 256
	case Text, NText, Image:
		return 16
	case XML, HierarchyID, Geometry, Geography:
		return MaxLen
	case Variant:
		return 8016
	}
	return 0
}

// TypeError is returned for a type name or argument SQL Server would reject.
type TypeError struct{ Msg string }

func (e *TypeError) Error() string { return e.Msg }

// ParseType builds a Type from a T-SQL type name and its parenthesised arguments, with
// SQL Server's defaults: char/binary (1), decimal (18,0), time family (7), float(53).
func ParseType(name string, args []string) (Type, error) {
	k, ok := kindByName[strings.ToLower(name)]
	if !ok {
		return Type{}, &TypeError{fmt.Sprintf("Column, parameter, or variable #0: Cannot find data type %s.", name)}
	}
	t := Type{Kind: k}
	num := func(i int) (int, error) {
		if strings.EqualFold(args[i], "max") {
			return MaxLen, nil
		}
		n, err := strconv.Atoi(args[i])
		if err != nil {
			return 0, &TypeError{fmt.Sprintf("Incorrect syntax near '%s'.", args[i])}
		}
		return n, nil
	}
	var err error
	switch k {
	case Char, VarChar, NChar, NVarChar, Binary, VarBinary:
		t.Len = 1
		if len(args) > 1 {
			return t, &TypeError{fmt.Sprintf("Incorrect syntax near '%s'.", name)}
		}
		if len(args) == 1 {
			if t.Len, err = num(0); err != nil {
				return t, err
			}
		}
		limit := 8000
		if k == NChar || k == NVarChar {
			limit = 4000
		}
		if t.Len == MaxLen && (k == Char || k == NChar || k == Binary) {
			return t, &TypeError{"Incorrect syntax near 'max'."}
		}
		if t.Len != MaxLen && (t.Len < 1 || t.Len > limit) {
			return t, &TypeError{fmt.Sprintf("The size (%d) given to the type '%s' exceeds the maximum allowed for any data type (%d).", t.Len, name, limit)}
		}
	case Decimal, Numeric:
		t.Prec, t.Scale = 18, 0
		if len(args) >= 1 {
			if t.Prec, err = num(0); err != nil {
				return t, err
			}
		}
		if len(args) >= 2 {
			if t.Scale, err = num(1); err != nil {
				return t, err
			}
		}
		if t.Prec < 1 || t.Prec > 38 {
			return t, &TypeError{fmt.Sprintf("Column or parameter #0: Specified column precision %d is greater than the maximum precision of 38.", t.Prec)}
		}
		if t.Scale < 0 || t.Scale > t.Prec {
			return t, &TypeError{fmt.Sprintf("The scale (%d) for column '' must be within the range %d to %d.", t.Scale, 0, t.Prec)}
		}
	case Time, DateTime2, DateTimeOffset:
		t.Scale = 7
		if len(args) == 1 {
			if t.Scale, err = num(0); err != nil {
				return t, err
			}
		}
		if t.Scale < 0 || t.Scale > 7 {
			return t, &TypeError{fmt.Sprintf("Specified scale %d is invalid.", t.Scale)}
		}
	case Float:
		if len(args) == 1 {
			n, err := num(0)
			if err != nil {
				return t, err
			}
			if n < 1 || n > 53 {
				return t, &TypeError{fmt.Sprintf("The value %d is out of range for float precision (1 to 53).", n)}
			}
			if n <= 24 {
				t.Kind = Real
			}
		}
	case SysName:
		t.Len = 128
	default:
		if len(args) > 0 {
			return t, &TypeError{fmt.Sprintf("Incorrect syntax near '%s'.", name)}
		}
	}
	if t.IsChar() && t.Collation == "" {
		t.Collation = "SQL_Latin1_General_CP1_CI_AS"
	}
	switch t.Kind {
	case Decimal, Numeric:
	case Money:
		t.Prec, t.Scale = 19, 4
	case SmallMoney:
		t.Prec, t.Scale = 10, 4
	case TinyInt:
		t.Prec = 3
	case SmallInt:
		t.Prec = 5
	case Int:
		t.Prec = 10
	case BigInt:
		t.Prec = 19
	case Real:
		t.Prec = 24
	case Float:
		t.Prec = 53
	case Date:
		t.Prec = 10
	case DateTime:
		t.Prec, t.Scale = 23, 3
	case SmallDateTime:
		t.Prec = 16
	case Time:
		t.Prec = 8 + boolInt(t.Scale > 0) + t.Scale
	case DateTime2:
		t.Prec = 19 + boolInt(t.Scale > 0) + t.Scale
	case DateTimeOffset:
		t.Prec = 26 + boolInt(t.Scale > 0) + t.Scale
	}
	return t, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func decimalSize(prec int) int {
	switch {
	case prec <= 9:
		return 5
	case prec <= 19:
		return 9
	case prec <= 28:
		return 13
	}
	return 17
}

func timeSize(scale int) int {
	switch {
	case scale <= 2:
		return 3
	case scale <= 4:
		return 4
	}
	return 5
}
