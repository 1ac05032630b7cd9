package parquetx

import (
	"fmt"

	"github.com/parquet-go/parquet-go"
	"github.com/snowmigrate/snowmigrate/source"
)

// node is the Parquet type of one planned column.
func node(p source.ColumnPlan) (parquet.Node, error) {
	var n parquet.Node
	switch p.Out {
	case source.OutInt32:
		n = parquet.Int(32)
	case source.OutInt64:
		n = parquet.Int(64)
	case source.OutDecimal64:
		n = parquet.Decimal(p.Scale, p.Precision, parquet.Int64Type)
	case source.OutDecimal128:
		n = parquet.Decimal(p.Scale, p.Precision, parquet.FixedLenByteArrayType(16))
	case source.OutFloat:
		n = parquet.Leaf(parquet.FloatType)
	case source.OutDouble:
		n = parquet.Leaf(parquet.DoubleType)
	case source.OutBool:
		n = parquet.Leaf(parquet.BooleanType)
	case source.OutString:
		n = parquet.String()
	case source.OutBinary:
		n = parquet.Leaf(parquet.ByteArrayType)
	case source.OutDate:
		n = parquet.Date()
	case source.OutTime:
		n = parquet.TimeAdjusted(parquet.Microsecond, false)
	case source.OutTimestampNTZ:
		n = parquet.TimestampAdjusted(parquet.Microsecond, false)
	case source.OutTimestampTZ:
		n = parquet.TimestampAdjusted(parquet.Microsecond, true)
	default:
		return nil, fmt.Errorf("column %q: no Parquet type for output kind %d", p.TargetName, p.Out)
	}
	return parquet.Optional(n), nil
}

// Schema builds the file schema and, for each plan (in plan order), the index of its
// leaf column (parquet-go orders group fields by name).
func Schema(plans []source.ColumnPlan) (*parquet.Schema, []int, error) {
	g := parquet.Group{}
	for _, p := range plans {
		if _, dup := g[p.TargetName]; dup {
			return nil, nil, fmt.Errorf("two columns are named %q on the target", p.TargetName)
		}
		n, err := node(p)
		if err != nil {
			return nil, nil, err
		}
		g[p.TargetName] = n
	}
	s := parquet.NewSchema("schema", g)
	index := make(map[string]int, len(plans))
	for i, path := range s.Columns() {
		index[path[0]] = i
	}
	out := make([]int, len(plans))
	for i, p := range plans {
		out[i] = index[p.TargetName]
	}
	return s, out, nil
}
