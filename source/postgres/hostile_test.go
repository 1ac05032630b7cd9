package postgres

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
)

// hostileKeys are text values that broke literals: quotes, backslashes before a quote,
// trailing spaces, newlines, control characters, unicode, and a statement-injection
// payload that works when standard_conforming_strings is off and backslashes are not
// escaped.
var hostileKeys = []string{
	"plain", "O'Neil", `back\slash`, `ends with backslash\`, `\'`, `\\'`, "''", `x\') TO STDOUT (FORMAT binary); COMMIT; DROP TABLE victim; --`,
	"trailing space ", "trailing spaces   ", " leading", "new\nline", "tab\there", "cr\rlf\r\n", "bell\a\b\f\v\x1b\x7f", "\x01", "\x1f",
	"ünïcödé", "日本語", "emoji 🦆", "\u200b zero width", "\U0010FFFF", "$$", "$tag$", "E'", "--", "/*", ";", "%", "_", "",
}

// TestLiteralsRoundTripUnderBothSettings: every literal the builders write reads back
// as the exact value with standard_conforming_strings on and off (the worker's role
// may set either), and never runs anything.
func TestLiteralsRoundTripUnderBothSettings(t *testing.T) {
	s, pool := newTestSource(t, `CREATE TABLE victim (id int)`)
	ctx := ctxT(t)
	for _, setting := range []string{"on", "off"} {
		conn, err := pool.Acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Exec(ctx, "SET standard_conforming_strings = "+setting+"; SET escape_string_warning = off"); err != nil {
			t.Fatal(err)
		}
		for _, v := range hostileKeys {
			var got string
			// Simple protocol: the literal is lexed exactly as in COPY (SELECT …).
			q := "SELECT " + s.Dialect.QuoteLiteral(v) + "::text"
			rows, err := conn.Conn().PgConn().Exec(ctx, q).ReadAll()
			if err != nil || len(rows) != 1 || len(rows[0].Rows) != 1 {
				t.Fatalf("standard_conforming_strings=%s: %s: %v (%d results)", setting, q, err, len(rows))
			}
			got = string(rows[0].Rows[0][0])
			if got != v {
				t.Errorf("standard_conforming_strings=%s: %q reads back as %q", setting, v, got)
			}
		}
		conn.Release()
	}
	var n int
	if err := pool.QueryRow(ctx, "SELECT count(*) FROM victim").Scan(&n); err != nil {
		t.Fatalf("victim table gone: %v", err)
	}
}

// TestLiteralsAreOneTokenUnderBothSettings: the where-clause scanner (PostgreSQL's
// lexer, both settings) sees each literal as one complete string.
func TestLiteralsAreOneTokenUnderBothSettings(t *testing.T) {
	pg := NewDialect()
	for _, v := range hostileKeys {
		if p := config.WhereProblem("k = " + pg.QuoteLiteral(v) + " AND (k = " + pg.QuoteLiteral(v) + ")"); p != "" {
			t.Errorf("%q → %s: %s", v, pg.QuoteLiteral(v), p)
		}
	}
}

// TestHostileTextKeysPlanAndExtractExactly plans and extracts a table keyed by the
// hostile values with the role's standard_conforming_strings off: every row lands in
// exactly one partition, the victim table survives.
func TestHostileTextKeysPlanAndExtractExactly(t *testing.T) {
	s, pool := newTestSource(t, `CREATE TABLE victim (id int)`, `CREATE TABLE hostile (k text PRIMARY KEY, n int)`)
	ctx := ctxT(t)
	for i, v := range hostileKeys {
		if _, err := pool.Exec(ctx, "INSERT INTO hostile VALUES ($1, $2)", v, i); err != nil {
			t.Fatal(err)
		}
	}
	var db string
	if err := pool.QueryRow(ctx, "SELECT current_database()").Scan(&db); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, fmt.Sprintf(`ALTER DATABASE %q SET standard_conforming_strings = off`, db)); err != nil {
		t.Fatal(err)
	}
	pool.Reset() // new sessions pick the database setting up
	tc := tableConfig("hostile", "k")
	info, err := s.Introspect(ctx, tc)
	if err != nil {
		t.Fatal(err)
	}
	tc.PartitionSize = &config.PartitionSize{MaxRowsPerPartition: 2}
	parts := planAll(t, s, info, tc, 3)
	seen := map[string]int{}
	for _, p := range parts {
		st, err := s.Extract(ctx, source.ExtractRequest{Table: tc, TableShape: info.TableShape, Partition: p}, t.TempDir(), nil)
		if err != nil {
			t.Fatalf("extract partition %d (%q..%q): %v", p.Number, p.Lower, p.Upper, err)
		}
		rows, _ := readParquet(t, st.Files)
		for _, r := range rows {
			seen[r["K"].String()]++
		}
	}
	for _, v := range hostileKeys {
		if seen[v] != 1 {
			t.Errorf("key %q extracted %d times", v, seen[v])
		}
	}
	if len(seen) != len(hostileKeys) {
		t.Errorf("%d distinct keys extracted, want %d", len(seen), len(hostileKeys))
	}
	var n int
	if err := pool.QueryRow(ctx, "SELECT count(*) FROM victim").Scan(&n); err != nil {
		t.Fatalf("victim table gone: %v", err)
	}
}

// TestExtractRefusesSchemaDrift: a column whose type changed after introspection
// fails extraction, naming the column and both types; an added column is a warning.
func TestExtractRefusesSchemaDrift(t *testing.T) {
	s, pool := newTestSource(t, `CREATE TABLE drift (id int PRIMARY KEY, v bigint)`, `INSERT INTO drift VALUES (1, 15)`)
	ctx := ctxT(t)
	tc := tableConfig("drift", "id")
	info, err := s.Introspect(ctx, tc)
	if err != nil {
		t.Fatal(err)
	}
	req := source.ExtractRequest{Table: tc, TableShape: info.TableShape, Partition: migration.Partition{Number: 1}}
	if _, err := pool.Exec(ctx, `ALTER TABLE drift ADD COLUMN extra text`); err != nil {
		t.Fatal(err)
	}
	st, err := s.Extract(ctx, req, t.TempDir(), nil)
	if err != nil || st.Rows != 1 {
		t.Fatalf("an added column must not fail extraction: %v (%d rows)", err, st.Rows)
	}
	if len(st.Warnings) != 1 || !strings.Contains(st.Warnings[0], `"extra"`) {
		t.Errorf("warnings %q, want one naming \"extra\"", st.Warnings)
	}
	if _, err := pool.Exec(ctx, `ALTER TABLE drift ALTER COLUMN v TYPE double precision USING v / 10.0`); err != nil {
		t.Fatal(err)
	}
	_, err = s.Extract(ctx, req, t.TempDir(), nil)
	if !errors.Is(err, source.ErrConfig) || !strings.Contains(err.Error(), `column "v" changed type from bigint to double precision`) {
		t.Fatalf("want a config error naming the column and both types, got %v", err)
	}
	if _, err := pool.Exec(ctx, `ALTER TABLE drift DROP COLUMN v`); err != nil {
		t.Fatal(err)
	}
	_, err = s.Extract(ctx, req, t.TempDir(), nil)
	if !errors.Is(err, source.ErrMissing) || !strings.Contains(err.Error(), `column "v" (bigint) no longer exists`) {
		t.Fatalf("want a missing-column error, got %v", err)
	}
}

// TestLongKeysNeverBecomeBounds: bounds stay within source.MaxBoundBytes (they travel
// in payloads and metadata); a long key's partition grows to the next short key, and
// a page of nothing but long keys ends the plan with one open partition. Every row is
// still in exactly one partition.
func TestLongKeysNeverBecomeBounds(t *testing.T) {
	s, _ := newTestSource(t, `CREATE TABLE longk (k text PRIMARY KEY)`,
		// 60 keys; every third one is short, the others 5000 bytes (multi-byte chars).
		`INSERT INTO longk SELECT CASE WHEN g % 3 = 0 THEN lpad(g::text, 3, '0') ELSE lpad(g::text, 3, '0') || repeat('é', 2500) END FROM generate_series(1, 60) g`,
		`CREATE TABLE alllong (k text PRIMARY KEY)`,
		`INSERT INTO alllong SELECT lpad(g::text, 3, '0') || repeat('x', 3000) FROM generate_series(1, 30) g`)
	for _, c := range []struct {
		table      string
		rows       int64
		wantRanges int
	}{{"longk", 60, 21}, {"alllong", 30, 1}} {
		tc := tableConfig(c.table, "k")
		info, err := s.Introspect(ctxT(t), tc)
		if err != nil {
			t.Fatal(err)
		}
		tc.PartitionSize = &config.PartitionSize{MaxRowsPerPartition: 1}
		parts := planAll(t, s, info, tc, 5)
		var total int64
		for _, p := range parts {
			for _, b := range [][]string{p.Lower, p.Upper} {
				if n := len(strings.Join(b, "")); n > source.MaxBoundBytes {
					t.Errorf("%s: partition %d has a %d-byte bound", c.table, p.Number, n)
				}
			}
			total += countPartition(t, s, info, tc, p)
		}
		if total != c.rows || len(parts) != c.wantRanges {
			t.Errorf("%s: %d partitions hold %d rows; want %d partitions, %d rows", c.table, len(parts), total, c.wantRanges, c.rows)
		}
	}
}

// TestErrorsClipLongValues: a megabyte key in a decoding error is cut at a character
// boundary and its length said.
func TestErrorsClipLongValues(t *testing.T) {
	long := strings.Repeat("é", 1<<19)
	got := clipDescribed(fmt.Sprintf("%q", long))
	if len(got) > maxDescribed+32 || !strings.HasSuffix(got, fmt.Sprintf("(%d bytes)", len(long)+2)) || !utf8.ValidString(got) {
		t.Errorf("clipped to %d bytes: %.80q…", len(got), got)
	}
	if short := clipDescribed(`"ok"`); short != `"ok"` {
		t.Errorf("short value changed: %q", short)
	}
}

// TestExtractFromViewsAndMaterializedViews: the drift check's lock works on views and
// falls back (savepoint) on materialized views, which cannot be locked.
func TestExtractFromViewsAndMaterializedViews(t *testing.T) {
	s, _ := newTestSource(t, `CREATE TABLE base (id int PRIMARY KEY, v text)`, `INSERT INTO base SELECT g, 'v' || g FROM generate_series(1, 10) g`,
		`CREATE VIEW vw AS SELECT id, v FROM base`, `CREATE MATERIALIZED VIEW mv AS SELECT id, v FROM base`)
	for _, name := range []string{"vw", "mv"} {
		tc := tableConfig(name, "id")
		info, err := s.Introspect(ctxT(t), tc)
		if err != nil {
			t.Fatal(err)
		}
		st, err := s.Extract(ctxT(t), source.ExtractRequest{Table: tc, TableShape: info.TableShape,
			Partition: migration.Partition{Number: 1}}, t.TempDir(), nil)
		if err != nil || st.Rows != 10 {
			t.Errorf("%s: %d rows, %v", name, st.Rows, err)
		}
	}
}
