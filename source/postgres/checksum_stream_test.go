package postgres

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
)

// checksumThreeWays returns the partition's checksum and rows as Extract, the
// streamed ChecksumPartition and ChecksumPartitionSQL compute them, failing the test
// unless the three agree and ChecksumMethod "sql" selects the SQL form.
func checksumThreeWays(t *testing.T, s *Source, req source.ExtractRequest, what string) (string, int64) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "p")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	st, err := s.Extract(ctxT(t), req, dir, nil)
	if err != nil {
		t.Fatalf("%s: extract: %v", what, err)
	}
	stream, streamRows, err := s.ChecksumPartition(ctxT(t), req)
	if err != nil {
		t.Fatalf("%s: streamed checksum: %v", what, err)
	}
	sqlSum, sqlRows, err := s.ChecksumPartitionSQL(ctxT(t), req)
	if err != nil {
		t.Fatalf("%s: SQL checksum: %v", what, err)
	}
	bySQL := *s
	bySQL.ChecksumMethod = config.ChecksumMethodSQL
	selected, selectedRows, err := bySQL.ChecksumPartition(ctxT(t), req)
	if err != nil {
		t.Fatalf("%s: checksum_method sql: %v", what, err)
	}
	if st.Checksum == "" || stream != st.Checksum || sqlSum != st.Checksum || selected != st.Checksum ||
		streamRows != st.Rows || sqlRows != st.Rows || selectedRows != st.Rows {
		t.Fatalf("%s: extractor %s (%d rows), streamed %s (%d), SQL %s (%d), checksum_method sql %s (%d)",
			what, st.Checksum, st.Rows, stream, streamRows, sqlSum, sqlRows, selected, selectedRows)
	}
	return stream, streamRows
}

// The streamed checksum (the default) equals the extractor's and the SQL checksum on
// every type, hostile texts and NULLs, for the NULL-key partition, bounded ranges and
// the whole table, with and without a whereClauseCriteria.
func TestChecksumStreamEqualsSQLAndExtract(t *testing.T) {
	s, pool := newTestSource(t, allTypesDDL, `INSERT INTO public."AllTypes" (id, t, ch, r, d, b, tarr) VALUES
	 (5, 'back\slash|bar', 'a|\  ', 1e-45, 5e-324, '\x5c7c', '{"|", "\\N", NULL}'),
	 (6, E'\\N', NULL, -0.0, 2.2250738585072014e-308, '\x', '{}')`,
		// The primary key refuses a NULL id: a copy keyed by a nullable column has rows
		// in the NULL-key partition (ids 5 and 6).
		`CREATE TABLE public.nk AS SELECT CASE WHEN id > 4 THEN NULL ELSE id END AS k, * FROM public."AllTypes"`)
	tc := tableConfig(`"AllTypes"`, "id")
	info, err := s.Introspect(ctxT(t), tc)
	if err != nil {
		t.Fatal(err)
	}
	parts := []struct {
		p    migration.Partition
		rows int64
	}{
		{migration.Partition{Number: 0, NullKeys: true}, 0},
		{migration.Partition{Number: 1, Upper: []string{"2"}}, 2},
		{migration.Partition{Number: 2, Lower: []string{"2"}, Upper: []string{"5"}}, 3},
		{migration.Partition{Number: 3, Lower: []string{"5"}}, 1},
		{migration.Partition{Number: 4}, 6},
	}
	for _, pc := range parts {
		if _, rows := checksumThreeWays(t, s, extractRequest(info, tc, pc.p), fmt.Sprintf("AllTypes partition %d", pc.p.Number)); rows != pc.rows {
			t.Errorf("partition %d: %d rows, want %d", pc.p.Number, rows, pc.rows)
		}
	}

	// A filter: the same rows are left out of all three.
	filter := `t IS DISTINCT FROM 'hello' AND coalesce(ch, '') NOT LIKE 'a|%'`
	ftc := tc
	ftc.WhereClauseCriteria = &filter
	if _, rows := checksumThreeWays(t, s, extractRequest(info, ftc, migration.Partition{Number: 1}), "AllTypes filtered"); rows != 4 {
		t.Errorf("filtered: %d rows, want 4 (ids 2, 3, 4, 6)", rows)
	}
	if _, rows := checksumThreeWays(t, s, extractRequest(info, ftc, migration.Partition{Number: 2, Lower: []string{"3"}}), "AllTypes filtered range"); rows != 2 {
		t.Errorf("filtered range: %d rows, want 2 (ids 4, 6)", rows)
	}

	// The NULL-key partition of a nullable key holds rows.
	ntc := tableConfig("nk", "k")
	ninfo, err := s.Introspect(ctxT(t), ntc)
	if err != nil {
		t.Fatal(err)
	}
	if _, rows := checksumThreeWays(t, s, extractRequest(ninfo, ntc, migration.Partition{Number: 0, NullKeys: true}), "nk NULL keys"); rows != 2 {
		t.Errorf("NULL-key partition: %d rows, want 2", rows)
	}

	// A changed value changes the streamed checksum (and the SQL one with it).
	req := extractRequest(info, tc, migration.Partition{Number: 2, Lower: []string{"2"}, Upper: []string{"5"}})
	before, _ := checksumThreeWays(t, s, req, "before the update")
	if _, err := pool.Exec(ctxT(t), `UPDATE public."AllTypes" SET t = t || ' ' WHERE id = 4`); err != nil {
		t.Fatal(err)
	}
	if after, _ := checksumThreeWays(t, s, req, "after the update"); after == before {
		t.Error("a trailing blank added to a text value is not seen by the streamed checksum")
	}
}

// With the database's defaults hostile to canonical text (DateStyle, IntervalStyle,
// extra_float_digits, TimeZone), the three checksums still agree on extreme values,
// row by row and over the whole table.
func TestChecksumStreamExtremeValues(t *testing.T) {
	s, pool := newTestSource(t, extremeDDL, hostileDefaults)
	pool.Reset()
	tc := tableConfig("ext", "id")
	info, err := s.Introspect(ctxT(t), tc)
	if err != nil {
		t.Fatal(err)
	}
	if _, rows := checksumThreeWays(t, s, extractRequest(info, tc, migration.Partition{Number: 1}), "ext whole"); rows != 7 {
		t.Errorf("%d rows, want 7", rows)
	}
	for _, b := range [][2]string{{"0", "3"}, {"3", "4"}, {"4", "7"}} {
		checksumThreeWays(t, s, extractRequest(info, tc, migration.Partition{Number: 2, Lower: []string{b[0]}, Upper: []string{b[1]}}), "ext ("+b[0]+", "+b[1]+"]")
	}
}

// The streamed checksum reads as Extract does, so it refuses what Extract refuses: a
// column whose type changed since introspection (the decoder was chosen for the old
// type) and a whereClauseCriteria the source rejects (a config error naming it).
func TestChecksumStreamRefusesDriftAndBadFilter(t *testing.T) {
	s, pool := newTestSource(t, extremeDDL)
	tc := tableConfig("ext", "id")
	info, err := s.Introspect(ctxT(t), tc)
	if err != nil {
		t.Fatal(err)
	}
	bad := "no_such_column = 1"
	btc := tc
	btc.WhereClauseCriteria = &bad
	if _, _, err := s.ChecksumPartition(ctxT(t), extractRequest(info, btc, migration.Partition{Number: 1})); !errors.Is(err, source.ErrConfig) || !strings.Contains(err.Error(), "whereClauseCriteria") {
		t.Errorf("bad filter: %v; want a config error naming whereClauseCriteria", err)
	}
	if _, err := pool.Exec(ctxT(t), `ALTER TABLE public.ext ALTER COLUMN i8 TYPE numeric`); err != nil {
		t.Fatal(err)
	}
	if sum, _, err := s.ChecksumPartition(ctxT(t), extractRequest(info, tc, migration.Partition{Number: 1})); err == nil || !strings.Contains(err.Error(), "changed type") {
		t.Errorf("after a type change: checksum %q, error %v; want the drift named", sum, err)
	}
}

// The worker TOML's checksum_method reaches the Source the opener builds, and both
// methods give the same checksum through it. A filter that changes DateStyle tells
// which one ran: the SQL form's dates depend on it and it fails naming DateStyle; the
// stream reads dates in binary and does not depend on it.
func TestOpenPassesChecksumMethod(t *testing.T) {
	_, pool := newTestSource(t, extremeDDL)
	cc := pool.Config().ConnConfig
	var sums []string
	for _, m := range []string{"", config.ChecksumMethodStream, config.ChecksumMethodSQL} {
		conn := &config.SourceConnection{Username: cc.User, Password: cc.Password, Database: cc.Database, Host: cc.Host, Port: int(cc.Port), SSLMode: "disable", ChecksumMethod: m}
		opened, err := OpenWith(NewDialect())(ctxT(t), conn, source.OpenOptions{MaxConns: 2})
		if err != nil {
			t.Fatalf("open with checksum_method %q: %v", m, err)
		}
		s := opened.(*Source)
		if s.ChecksumMethod != m {
			t.Errorf("checksum_method %q: the source has %q", m, s.ChecksumMethod)
		}
		tc := tableConfig("ext", "id")
		info, err := s.Introspect(ctxT(t), tc)
		if err != nil {
			t.Fatal(err)
		}
		sum, rows, err := s.ChecksumPartition(ctxT(t), extractRequest(info, tc, migration.Partition{Number: 1}))
		filter := "set_config('DateStyle', 'SQL, DMY', true) <> ''"
		ftc := tc
		ftc.WhereClauseCriteria = &filter
		_, _, ferr := s.ChecksumPartition(ctxT(t), extractRequest(info, ftc, migration.Partition{Number: 1}))
		s.Close()
		if sqlRan := ferr != nil && strings.Contains(ferr.Error(), "DateStyle"); sqlRan != (m == config.ChecksumMethodSQL) || (!sqlRan && ferr != nil) {
			t.Errorf("checksum_method %q with a DateStyle-changing filter: %v", m, ferr)
		}
		if err != nil || rows != 7 {
			t.Fatalf("checksum_method %q: %v (%d rows)", m, err, rows)
		}
		sums = append(sums, sum)
	}
	if sums[0] != sums[1] || sums[1] != sums[2] {
		t.Errorf("checksums by method (default, stream, sql): %v", sums)
	}
}
