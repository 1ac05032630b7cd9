package postgres

import (
	"errors"
	"strings"
	"testing"

	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/source"
)

// TestCharKeysPartitionAsPaddedText: char(n) values travel blank-padded, and Snowflake
// compares them byte by byte. Every partition's extracted keys must lie in its range
// under that byte order (what verification counts on the target), including values
// whose padding sorts after a control character ('a  ' > 'a\x01 ').
func TestCharKeysPartitionAsPaddedText(t *testing.T) {
	s, pool := newTestSource(t, `CREATE TABLE codes (k char(3) PRIMARY KEY, n int)`)
	ctx := ctxT(t)
	vals := []string{"a", "a\x01", "a\x01b", "ab", "b", " ", "\x01", "ü", "zz", "a\t", "a\tz", "abc"}
	for i, v := range vals {
		if _, err := pool.Exec(ctx, "INSERT INTO codes VALUES ($1, $2)", v, i); err != nil {
			t.Fatalf("insert %q: %v", v, err)
		}
	}
	tc := tableConfig("codes", "k")
	info, err := s.Introspect(ctx, tc)
	if err != nil {
		t.Fatal(err)
	}
	tc.PartitionSize = &config.PartitionSize{MaxRowsPerPartition: 1}
	parts := planAll(t, s, info, tc, 4)
	seen := 0
	for _, p := range parts {
		st, err := s.Extract(ctx, source.ExtractRequest{Table: tc, TableShape: info.TableShape, Partition: p}, t.TempDir(), nil)
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := readParquet(t, st.Files)
		for _, r := range rows {
			k := r["K"].String()
			if len([]rune(k)) != 3 {
				t.Errorf("key %q is not padded to 3 characters", k)
			}
			if (p.Lower != nil && !(k > p.Lower[0])) || (p.Upper != nil && !(k <= p.Upper[0])) {
				t.Errorf("key %q extracted in partition %d (%q, %q]: outside its range in byte order", k, p.Number, p.Lower, p.Upper)
			}
			seen++
		}
	}
	if seen != len(vals) {
		t.Errorf("%d rows extracted, want %d", seen, len(vals))
	}
}

// TestKeyTypeMappingThatReordersIsRefused: integer → VARCHAR would order '10' before
// '9' on Snowflake; introspection refuses it with the reason.
func TestKeyTypeMappingThatReordersIsRefused(t *testing.T) {
	s, _ := newTestSource(t, `CREATE TABLE m (id int PRIMARY KEY, ts timestamp(6), v int)`)
	for _, c := range []struct{ part, src, dst, want string }{
		{"id", "integer", "VARCHAR", `column "id" (integer) is mapped to VARCHAR`},
		{"ts", "timestamp", "TIMESTAMP_NTZ(3)", `is mapped to TIMESTAMP_NTZ(3)`},
		{"id", "integer", "FLOAT", `mapped to FLOAT`},
	} {
		tc := tableConfig("m", c.part)
		tc.ColumnTypeMappings = []config.TypeMapping{{SourceType: c.src, TargetType: c.dst}}
		_, err := s.Introspect(ctxT(t), tc)
		if !errors.Is(err, source.ErrConfig) || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "partition by another column") {
			t.Errorf("%s → %s: %v", c.src, c.dst, err)
		}
	}
	tc := tableConfig("m", "id")
	tc.ColumnTypeMappings = []config.TypeMapping{{SourceType: "integer", TargetType: "NUMBER(38,0)"}, {SourceType: "timestamp", TargetType: "VARCHAR"}}
	if _, err := s.Introspect(ctxT(t), tc); err != nil {
		t.Errorf("same-family mapping of the key, VARCHAR for another column: %v", err)
	}
}
