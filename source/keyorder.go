package source

import (
	"fmt"

	"github.com/snowmigrate/snowmigrate/migration"
)

// keyOrderProblem explains why a partition column's target type would order or
// compare its values differently from the source, or "" when it does not. Partitions
// are verified on Snowflake by key range (RangePredicate over the target column,
// bounds in the source's canonical text), so both sides must agree on the order and
// on equality: integer → VARCHAR orders '10' before '9', a smaller NUMBER scale or
// TIMESTAMP precision merges distinct keys, a boolean key as text compares 'false'
// and 'true' but not 'f' and 't'.
func keyOrderProblem(c migration.Column, st ParsedType) string {
	if c.TargetType == "" {
		return "" // not mapped yet (builders' unit tests)
	}
	tt, err := ParseTargetType(c.TargetType)
	if err != nil {
		return err.Error()
	}
	want := func(kinds ...TargetKind) bool {
		for _, k := range kinds {
			if tt.Kind == k {
				return true
			}
		}
		return false
	}
	var ok bool
	switch b := st.Base; {
	case b == "smallint" || b == "integer" || b == "bigint":
		ok = want(TargetNumber) && tt.Scale >= 0
	case b == "numeric":
		ok = want(TargetNumber) && (!st.HasMods || tt.Scale >= st.Mod(1, 0))
	case IsTextLike(b) || b == "uuid":
		ok = want(TargetText)
	case b == "date":
		ok = want(TargetDate)
	case b == "boolean":
		ok = want(TargetBoolean)
	case b == "time without time zone":
		ok = want(TargetTime) && tt.Precision >= st.Mod(0, 6)
	case b == "timestamp without time zone":
		ok = want(TargetTimestampNTZ) && tt.Precision >= st.Mod(0, 6)
	case b == "timestamp with time zone":
		ok = want(TargetTimestampTZ) && tt.Precision >= st.Mod(0, 6)
	default:
		ok = true
	}
	if ok {
		return ""
	}
	return fmt.Sprintf("column %q (%s) is mapped to %s, which orders or compares its values differently on Snowflake "+
		"(partitions are verified by key range on the target, so the ranges would not match: e.g. integer as VARCHAR puts '10' before '9', "+
		"a smaller scale or precision merges distinct keys); partition by another column, or map this one to a type of the same family "+
		"with at least the source's scale and precision", c.SourceName, c.SourceType, tt.Text)
}
