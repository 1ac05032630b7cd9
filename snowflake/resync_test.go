package snowflake

import (
	"strings"
	"testing"

	"github.com/snowmigrate/snowmigrate/migration"
)

func TestGoldenResyncSQL(t *testing.T) {
	l := MetadataLocation{}
	cols := []migration.Column{
		{SourceName: "id", SourceType: "bigint", TargetName: "ID", TargetType: "NUMBER(19,0)"},
		{SourceName: "v", SourceType: "text", TargetName: "V", TargetType: "VARCHAR", Nullable: true},
	}
	q, err := DeleteRangeSQL(target, cols, []int{0}, migration.Partition{Number: 2, Lower: []string{"10"}, Upper: []string{"20"}})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "resync_delete_range", q)
	q, err = DeleteRangeSQL(target, cols, []int{0}, migration.Partition{Number: 0, NullKeys: true})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "resync_delete_null_keys", q)
	golden(t, "resync_mark", MarkReplacedSQL(l, "M'1", "r2", "db.s.t", 3, 10, 10, 4096, 2, goldenTime, "1764250000000001", "v1:2:3:4", "pg1:2:'-9", SyncActionReloaded, 5))
	golden(t, "resync_select_baselines", SelectChecksumBaselinesSQL(l, "M1", "r1", "db.s.t", 4, 200))
	q, err = DeleteKeysSQL(target, cols, []int{0}, migration.Partition{Number: 2, Lower: []string{"10"}, Upper: []string{"20"}}, []int{0, 1}, []string{`12|a\|b`, `15|\N`})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "resync_delete_keys", q)
	golden(t, "resync_mark_deleted", MarkDeletedSQL(l, "M1", "r2", "db.s.t", 2, 7, goldenTime))
	if _, err := DeleteKeysSQL(target, cols, []int{0}, migration.Partition{Number: 2}, []int{0}, nil); err == nil {
		t.Fatal("a delete without keys was accepted")
	}
	if _, err := DeleteKeysSQL(target, cols, []int{0}, migration.Partition{Number: 2}, []int{5}, []string{"1"}); err == nil {
		t.Fatal("a key column outside the columns was accepted")
	}
}

// Hostile values (a bound or a migration name with quotes, backslashes and a
// statement terminator) stay inside literals.
func TestResyncSQLHostileValues(t *testing.T) {
	cols := []migration.Column{{SourceName: "k", SourceType: "text", TargetName: "K", TargetType: "VARCHAR"}}
	evil := `x'); DROP TABLE t; --\`
	q, err := DeleteRangeSQL(target, cols, []int{0}, migration.Partition{Number: 1, Lower: []string{evil}, Upper: []string{evil + "z"}})
	if err != nil {
		t.Fatal(err)
	}
	if code := outsideLiterals(q); strings.Contains(code, "DROP") {
		t.Fatalf("a bound escaped its literal (code outside literals: %s):\n%s", code, q)
	}
	m := MarkReplacedSQL(MetadataLocation{}, evil, evil, evil, 1, 0, 0, 0, 1, goldenTime, evil, evil, evil, SyncActionSkipped, 0)
	if code := outsideLiterals(m); strings.Contains(code, "DROP") {
		t.Fatalf("a name escaped its literal (code outside literals: %s):\n%s", code, m)
	}
	d, err := DeleteKeysSQL(target, cols, []int{0}, migration.Partition{Number: 1}, []int{0}, []string{evil})
	if err != nil {
		t.Fatal(err)
	}
	if code := outsideLiterals(d); strings.Contains(code, "DROP") {
		t.Fatalf("a key escaped its literal (code outside literals: %s):\n%s", code, d)
	}
	if _, err := DeleteRangeSQL(target, cols, nil, migration.Partition{Number: 1}); err == nil {
		t.Fatal("a range without partition columns was accepted")
	}
}

// outsideLiterals drops the string literals of a Snowflake statement as Snowflake
// reads them (doubled quotes and backslash escapes inside), leaving the code around them.
func outsideLiterals(q string) string {
	var b strings.Builder
	in := false
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case !in && c == '\'':
			in = true
		case !in:
			b.WriteByte(c)
		case c == '\\':
			i++ // the escaped character
		case c == '\'' && i+1 < len(q) && q[i+1] == '\'':
			i++
		case c == '\'':
			in = false
		}
	}
	return b.String()
}
