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

// fingerprintFourWays returns the partition's fingerprint as Extract (asked for it),
// FingerprintPartition and ChecksumWithFingerprint (streamed and with checksum_method
// "sql") compute it, failing the test unless all four agree, count the extracted rows,
// and the checksums agree with the extractor's.
func fingerprintFourWays(t *testing.T, s *Source, req source.ExtractRequest, what string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "p")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	req.Fingerprint = true
	st, err := s.Extract(ctxT(t), req, dir, nil)
	if err != nil {
		t.Fatalf("%s: extract: %v", what, err)
	}
	req.Fingerprint = false // FingerprintPartition and ChecksumWithFingerprint need no flag
	fp, rows, err := s.FingerprintPartition(ctxT(t), req)
	if err != nil {
		t.Fatalf("%s: fingerprint: %v", what, err)
	}
	sum, cfp, crows, err := s.ChecksumWithFingerprint(ctxT(t), req)
	if err != nil {
		t.Fatalf("%s: checksum with fingerprint: %v", what, err)
	}
	bySQL := *s
	bySQL.ChecksumMethod = config.ChecksumMethodSQL
	ssum, sfp, srows, err := bySQL.ChecksumWithFingerprint(ctxT(t), req)
	if err != nil {
		t.Fatalf("%s: checksum_method sql with fingerprint: %v", what, err)
	}
	if !strings.HasPrefix(st.Fingerprint, FingerprintVersion+":") || fp != st.Fingerprint || cfp != st.Fingerprint || sfp != st.Fingerprint {
		t.Fatalf("%s: fingerprints: extract %q, FingerprintPartition %q, streamed checksum %q, SQL checksum %q", what, st.Fingerprint, fp, cfp, sfp)
	}
	if rows != st.Rows || crows != st.Rows || srows != st.Rows || !strings.HasPrefix(fp, fmt.Sprintf("%s:%d:", FingerprintVersion, st.Rows)) {
		t.Fatalf("%s: rows: extract %d, fingerprint %d (%s), checksums %d and %d", what, st.Rows, rows, fp, crows, srows)
	}
	if sum != st.Checksum || ssum != st.Checksum {
		t.Fatalf("%s: checksums: extract %s, streamed %s, SQL %s", what, st.Checksum, sum, ssum)
	}
	return fp
}

// The four computations of a fingerprint agree on every type (hostile values, NULLs),
// for the NULL-key partition, ranges and a filter, and the fingerprint depends on the
// rows, not on their physical order or the table they sit in.
func TestFingerprintAgreesAndIgnoresOrder(t *testing.T) {
	s, _ := newTestSource(t, allTypesDDL,
		`CREATE TABLE public.reordered AS SELECT * FROM public."AllTypes" ORDER BY id DESC`)
	tc := tableConfig(`"AllTypes"`, "id")
	info, err := s.Introspect(ctxT(t), tc)
	if err != nil {
		t.Fatal(err)
	}
	whole := fingerprintFourWays(t, s, extractRequest(info, tc, migration.Partition{Number: 1}), "whole table")
	first := fingerprintFourWays(t, s, extractRequest(info, tc, migration.Partition{Number: 2, Upper: []string{"2"}}), "ids 1-2")
	rest := fingerprintFourWays(t, s, extractRequest(info, tc, migration.Partition{Number: 3, Lower: []string{"2"}}), "ids 3-4")
	if whole == first || first == rest || whole == rest {
		t.Fatalf("different row sets share a fingerprint: %s, %s, %s", whole, first, rest)
	}
	if nk := fingerprintFourWays(t, s, extractRequest(info, tc, migration.Partition{Number: 0, NullKeys: true}), "NULL keys"); nk != FingerprintVersion+":0:0" {
		t.Fatalf("empty partition: %s", nk)
	}
	// A page at once: the same fingerprints as one by one.
	page, err := s.FingerprintPartitions(ctxT(t), extractRequest(info, tc, migration.Partition{}), []migration.Partition{
		{Number: 0, NullKeys: true}, {Number: 2, Upper: []string{"2"}}, {Number: 3, Lower: []string{"2"}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(page) != 3 || page[0].Value != FingerprintVersion+":0:0" || page[2].Value != first || page[3].Value != rest || page[2].Rows != 2 || page[3].Rows != 2 {
		t.Fatalf("page of fingerprints %+v, want NULL keys empty, %s and %s with 2 rows each", page, first, rest)
	}
	filter := `t IS DISTINCT FROM 'hello'`
	ftc := tc
	ftc.WhereClauseCriteria = &filter
	if f := fingerprintFourWays(t, s, extractRequest(info, ftc, migration.Partition{Number: 1}), "filtered"); f == whole {
		t.Fatal("a filter that leaves a row out kept the fingerprint")
	}
	// The same rows in the opposite physical order, in another table.
	rtc := tableConfig("reordered", "id")
	rinfo, err := s.Introspect(ctxT(t), rtc)
	if err != nil {
		t.Fatal(err)
	}
	if got := fingerprintFourWays(t, s, extractRequest(rinfo, rtc, migration.Partition{Number: 1}), "reordered copy"); got != whole {
		t.Fatalf("same rows in another order: %s, want %s", got, whole)
	}
}

// Every change that Extract would write differently changes the fingerprint, in
// particular those PostgreSQL's own hash functions ignore (-0 and 0, trailing blanks
// of bpchar, strings equal under a nondeterministic collation, '1 day' and
// '24 hours'); undoing the change restores it.
func TestFingerprintSeesEveryChange(t *testing.T) {
	s, pool := newTestSource(t, `CREATE TABLE public.fp (id integer PRIMARY KEY, r real, d double precision, t text,
  bp bpchar, ch char(3), n numeric, n2 numeric(10,2), ts timestamptz, tsn timestamp, b bytea, j json, jb jsonb, iv interval,
  u uuid, flag boolean, dt date, tm time)`,
		`INSERT INTO public.fp VALUES (1, 0, 0, 'a', 'x', 'ab', 1.5, 2.25, '2024-01-02 03:04:05.123456+00', '2024-01-02 03:04:05',
  '\x00', '{"a":1}', '{"a":1}', '1 day', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', true, '2024-02-29', '12:00:00'),
  (2, 1, 1, 'b', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`)
	icu := true
	if _, err := pool.Exec(ctxT(t), `CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false)`); err != nil {
		icu = false
		t.Logf("no ICU collation here (%v): the nondeterministic-collation case is skipped", err)
	} else if _, err := pool.Exec(ctxT(t), `ALTER TABLE public.fp ADD COLUMN cs text COLLATE ci, ADD COLUMN cc char(3) COLLATE ci; UPDATE public.fp SET cs = 'abc', cc = 'abc'`); err != nil {
		t.Fatal(err)
	}
	tc := tableConfig("fp", "id")
	info, err := s.Introspect(ctxT(t), tc)
	if err != nil {
		t.Fatal(err)
	}
	req := extractRequest(info, tc, migration.Partition{Number: 1})
	base := fingerprintFourWays(t, s, req, "base")
	changes := []struct{ set, undo string }{
		{"r = '-0'", "r = 0"},
		{"d = '-0'", "d = 0"},
		{"d = 'NaN'", "d = 0"},
		{"t = 'a '", "t = 'a'"},
		{"t = ''", "t = 'a'"},
		{"t = NULL", "t = 'a'"},
		{"bp = 'x '", "bp = 'x'"},
		{"ch = 'ac'", "ch = 'ab'"},
		{"n = 1.6", "n = 1.5"},
		{"n2 = 2.26", "n2 = 2.25"},
		{"ts = ts + interval '1 microsecond'", "ts = ts - interval '1 microsecond'"},
		{"tsn = tsn - interval '1 second'", "tsn = tsn + interval '1 second'"},
		{`b = '\x01'`, `b = '\x00'`},
		{`b = '\x0000'`, `b = '\x00'`},
		{`j = '{"a": 1}'`, `j = '{"a":1}'`},
		{`jb = '{"a":2}'`, `jb = '{"a":1}'`},
		{"iv = '24 hours'", "iv = '1 day'"},
		{"u = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12'", "u = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'"},
		{"flag = false", "flag = true"},
		{"dt = '2024-03-01'", "dt = '2024-02-29'"},
		{"tm = '12:00:00.000001'", "tm = '12:00:00'"},
	}
	if icu {
		changes = append(changes, struct{ set, undo string }{"cs = 'ABC'", "cs = 'abc'"}, struct{ set, undo string }{"cc = 'ABC'", "cc = 'abc'"})
	}
	for _, c := range changes {
		exec := func(set string) {
			if _, err := pool.Exec(ctxT(t), "UPDATE public.fp SET "+set+" WHERE id = 1"); err != nil {
				t.Fatalf("%s: %v", set, err)
			}
		}
		exec(c.set)
		if got := fingerprintFourWays(t, s, req, c.set); got == base {
			t.Errorf("SET %s: fingerprint unchanged (%s)", c.set, got)
		}
		exec(c.undo)
		if got := fingerprintFourWays(t, s, req, c.undo); got != base {
			t.Errorf("SET %s then %s: fingerprint %s, want the original %s", c.set, c.undo, got, base)
		}
	}
	// A deleted row and a duplicated one (no primary key on the copy).
	if _, err := pool.Exec(ctxT(t), `DELETE FROM public.fp WHERE id = 2`); err != nil {
		t.Fatal(err)
	}
	if got := fingerprintFourWays(t, s, req, "row 2 deleted"); got == base {
		t.Error("a deleted row kept the fingerprint")
	}
}

// Redshift embeds this Source but computes no fingerprint: the activity falls back to
// its own partition checksum.
func TestFingerprintPostgreSQLOnly(t *testing.T) {
	s := &Source{Dialect: otherPlatform{NewDialect()}}
	if v := s.FingerprintVersion(); v != "" {
		t.Fatalf("FingerprintVersion on another platform: %q", v)
	}
	if _, _, err := s.FingerprintPartition(ctxT(t), source.ExtractRequest{}); !errors.Is(err, source.ErrNoFingerprint) {
		t.Fatalf("FingerprintPartition on another platform: %v", err)
	}
	if _, _, _, err := s.ChecksumWithFingerprint(ctxT(t), source.ExtractRequest{}); !errors.Is(err, source.ErrNoFingerprint) {
		t.Fatalf("ChecksumWithFingerprint on another platform: %v", err)
	}
	for v, want := range map[string]int{"15.4 (Debian 15.4-1.pgdg120+1)": 15, "14beta1": 14, "9.6.24": 9, "13": 13, "": 0, "x": 0} {
		if got := serverMajor(v); got != want {
			t.Errorf("serverMajor(%q) = %d, want %d", v, got, want)
		}
	}
}

// otherPlatform is PostgreSQL's dialect reporting another platform.
type otherPlatform struct{ PG }

func (otherPlatform) Platform() string { return config.PlatformRedshift }
