package config

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/snowmigrate/snowmigrate/internal/testenv"
)

// FuzzWhereProblemAgainstPostgres checks the where-clause checker against the real
// PostgreSQL parser: criteria it accepts must stay inside their parentheses and add
// no statement, under standard_conforming_strings on and off. The seed corpus runs in
// plain `go test`; `go test ./config -run '^$' -fuzz FuzzWhereProblemAgainstPostgres
// -parallel 1` explores.
//
// Two probes per setting, each parsed with the extended protocol (which refuses a
// second statement instead of running it):
//   - `… WHERE false AND (c)` must return no row: an escape that widens the filter
//     (`x) OR (true`, `x) UNION SELECT (1`) returns one;
//   - `… WHERE true OR (c)` must return exactly one row: an escape that narrows or
//     multiplies (`x) LIMIT (0`, `x) UNION ALL SELECT (1`) changes the count.
//
// A probe the server rejects (a syntax or runtime error in c) proves nothing either
// way and passes: the checker's job is structure, PostgreSQL still checks the rest.
func FuzzWhereProblemAgainstPostgres(f *testing.F) {
	for _, w := range whereAccepted {
		f.Add(w)
	}
	for w := range whereRefused {
		f.Add(w)
	}
	for _, w := range []string{
		`k = E'\\') OR (true OR k = E'\\'`, `k = E'\'' OR k = '\''`, `k = 'a\' OR true OR k = '\'`,
		"k = E'x'\n'\\' OR true OR k = ''", "k = U&'\\' OR k = ''", `k = N'\' OR k = '\'`,
		`k = B'\' OR k = '\'`, `k = e'\\\'' AND (j = '''')`, `"a""b" = 'c''d'`, "k = 'x' 'y'",
	} {
		f.Add(w)
	}
	conn := probeConn(f)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, w string) {
		if len(w) > 2000 || WhereProblem(w) != "" || strings.TrimSpace(w) == "" {
			return
		}
		if p := escapes(ctx, conn, w); p != "" {
			t.Fatalf("accepted criteria %q: %s", w, p)
		}
	})
}

// TestWhereProbeCatchesEscapes shows the fuzz oracle is not vacuous: criteria known to
// escape (which the checker refuses) are caught by it.
func TestWhereProbeCatchesEscapes(t *testing.T) {
	conn := probeConn(t)
	for _, w := range []string{`k = E'\'') OR (true OR k = E'\''`, "true) OR (true", "true) LIMIT (0",
		"true) UNION ALL SELECT (1", "true); SELECT (1"} {
		if escapes(context.Background(), conn, w) == "" {
			t.Errorf("the probe misses the escape in %q", w)
		}
	}
	if p := escapes(context.Background(), conn, "k = '1' AND (k <> '2' OR k = E'\\'')"); p != "" {
		t.Errorf("a safe predicate flagged: %s", p)
	}
}

func probeConn(t testing.TB) *pgx.Conn {
	pg := testenv.Postgres(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, pg.DSN("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(ctx) })
	if _, err := conn.Exec(ctx, "SET statement_timeout = '2s'"); err != nil {
		t.Fatal(err)
	}
	return conn
}

// escapes runs the two probes under both settings and describes an escape, or "".
func escapes(ctx context.Context, conn *pgx.Conn, w string) string {
	for _, setting := range []string{"on", "off"} {
		if _, err := conn.Exec(ctx, "SET standard_conforming_strings = "+setting); err != nil {
			return "set: " + err.Error()
		}
		for _, probe := range []struct {
			sql  string
			rows int
		}{
			{"SELECT 1 FROM (VALUES ('1'::text)) AS t(k) WHERE false AND (" + w + ")", 0},
			{"SELECT 1 FROM (VALUES ('1'::text)) AS t(k) WHERE true OR (" + w + ")", 1},
		} {
			n, err := probeRows(ctx, conn, probe.sql)
			var pe *pgconn.PgError
			switch {
			case errors.As(err, &pe) && strings.Contains(pe.Message, "multiple commands"):
				return fmt.Sprintf("adds a statement (standard_conforming_strings = %s): %v", setting, err)
			case err != nil:
				if conn.IsClosed() {
					return "connection lost: " + err.Error()
				}
			case n != probe.rows:
				return fmt.Sprintf("escapes its parentheses (standard_conforming_strings = %s): %q returned %d rows, want %d", setting, probe.sql, n, probe.rows)
			}
		}
	}
	return ""
}

// probeRows prepares q (one statement, extended protocol) and counts its rows.
func probeRows(ctx context.Context, conn *pgx.Conn, q string) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := conn.Prepare(ctx, "probe", q); err != nil {
		return 0, err
	}
	defer func() { _ = conn.Deallocate(context.WithoutCancel(ctx), "probe") }()
	rows, err := conn.Query(ctx, "probe")
	if err != nil {
		return 0, err
	}
	n := 0
	for rows.Next() {
		n++
		if n > 10 {
			break
		}
	}
	rows.Close()
	return n, rows.Err()
}

// whereTokens is the alphabet of FuzzWhereTokensAgainstPostgres: the pieces escapes are
// made of (quotes of every form, backslashes, parentheses, continuation, a predicate
// that widens the filter), so that the fuzzer explores combinations of them rather
// than random bytes.
var whereTokens = []string{
	"'", "''", `\`, `\'`, `\\`, "E'", "e'", "N'", "B'", "X'", "U&'", `U&"`, `"`, `""`, "(", ")", " OR ", " AND ",
	"true", "k = ", "k", "1", "\n", " ", "\n  '", "x", "$", ";", "-", "/", "*", "1e", ".", "::text", "ü",
}

// FuzzWhereTokensAgainstPostgres is FuzzWhereProblemAgainstPostgres over sequences of
// whereTokens (each input byte picks a token).
func FuzzWhereTokensAgainstPostgres(f *testing.F) {
	for _, seed := range [][]byte{{7, 3, 14, 16, 15, 13}, {21, 4, 1, 15, 16, 13, 19, 20, 21, 4, 1}, {0, 2, 0, 15, 16, 18}} {
		f.Add(seed)
	}
	conn := probeConn(f)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, picks []byte) {
		if len(picks) > 64 {
			return
		}
		var b strings.Builder
		for _, p := range picks {
			b.WriteString(whereTokens[int(p)%len(whereTokens)])
		}
		w := b.String()
		if WhereProblem(w) != "" || strings.TrimSpace(w) == "" {
			return
		}
		if p := escapes(ctx, conn, w); p != "" {
			t.Fatalf("accepted criteria %q: %s", w, p)
		}
	})
}
