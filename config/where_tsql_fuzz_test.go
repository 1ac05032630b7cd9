package config

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/snowmigrate/snowmigrate/internal/testenv"
)

// whereTokensTSQL is the alphabet of FuzzWhereTokensAgainstSQLServer: the pieces a
// T-SQL escape is made of (every quote and delimiter form, doubled closers, comments,
// parentheses, a predicate that widens the filter, a second statement).
var whereTokensTSQL = []string{
	"'", "''", "N'", "n'", "[", "]", "]]", `"`, `""`, "(", ")", " OR ", " AND ", "1=1", "k = ", "k", "1", "\n", " ",
	"--", "/*", "*/", ";", "@", "x", "ü", " SELECT 1", " UNION ALL SELECT ", `\`, "0x", "$",
}

// FuzzWhereTokensAgainstSQLServer checks WhereProblemTSQL against the local SQL
// Server: criteria it accepts must stay inside their parentheses and add no
// statement. Probes: `… WHERE 1=0 AND (c)` returns no row, `… WHERE 1=1 OR (c)`
// exactly one, each as exactly one result set. A probe the server rejects proves
// nothing and passes. The seeds run in plain `go test`; `go test ./config -run '^$'
// -fuzz FuzzWhereTokensAgainstSQLServer -parallel 1` explores.
func FuzzWhereTokensAgainstSQLServer(f *testing.F) {
	for _, seed := range [][]byte{{13, 7, 14, 8}, {14, 2, 5, 9, 10, 13, 11, 2, 5}, {4, 6, 9, 10, 13, 11, 4}, {14, 0, 23, 0}, {7, 5, 6, 9}} {
		f.Add(seed)
	}
	db := tsqlProbeDB(f)
	f.Fuzz(func(t *testing.T, picks []byte) {
		if len(picks) > 48 {
			return
		}
		var b strings.Builder
		for _, p := range picks {
			b.WriteString(whereTokensTSQL[int(p)%len(whereTokensTSQL)])
		}
		w := b.String()
		if WhereProblemTSQL(w) != "" || strings.TrimSpace(w) == "" {
			return
		}
		if p := escapesTSQL(db, w); p != "" {
			t.Fatalf("accepted criteria %q: %s", w, p)
		}
	})
}

// TestWhereProbeCatchesEscapesTSQL shows the oracle is not vacuous.
func TestWhereProbeCatchesEscapesTSQL(t *testing.T) {
	db := tsqlProbeDB(t)
	for _, w := range []string{"1=1) OR (1=1", "1=1) UNION ALL SELECT (1", "1=1); SELECT (1"} {
		if escapesTSQL(db, w) == "" {
			t.Errorf("the probe misses the escape in %q", w)
		}
	}
	for _, w := range []string{"k = N'1' AND (k <> '2' OR [k] = 'x''y')", "k <> ']) OR (1=1'"} {
		if WhereProblemTSQL(w) != "" {
			t.Errorf("%q refused", w)
		}
		if p := escapesTSQL(db, w); p != "" {
			t.Errorf("a safe predicate flagged: %s", p)
		}
	}
}

func tsqlProbeDB(t testing.TB) *sql.DB {
	if testing.Short() {
		t.Skip("needs the local SQL Server")
	}
	srv := testenv.StartSQLServer(t)
	db := srv.CreateDatabase(t, "probe")
	for _, q := range []string{"CREATE TABLE dbo.t (k nvarchar(10))", "INSERT INTO dbo.t VALUES (N'1')"} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

// escapesTSQL runs the two probes and describes an escape, or "".
func escapesTSQL(db *sql.DB, w string) string {
	for _, probe := range []struct {
		sql  string
		rows int
	}{
		{"SELECT 1 AS one FROM dbo.t WHERE 1=0 AND (" + w + ")", 0},
		{"SELECT 1 AS one FROM dbo.t WHERE 1=1 OR (" + w + ")", 1},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		rows, err := db.QueryContext(ctx, probe.sql)
		if err != nil {
			cancel()
			continue // refused by the server: proves nothing
		}
		n, sets := 0, 1
		for {
			for rows.Next() {
				n++
			}
			if !rows.NextResultSet() {
				break
			}
			sets++
		}
		err = rows.Err()
		rows.Close()
		cancel()
		switch {
		case sets > 1 && err == nil:
			return fmt.Sprintf("adds a statement: %q returned %d result sets", probe.sql, sets)
		case err == nil && n != probe.rows:
			return fmt.Sprintf("escapes its parentheses: %q returned %d rows, want %d", probe.sql, n, probe.rows)
		}
	}
	return ""
}
