package redshift

import (
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Each refusal of refusals.go through the wire, in both protocols.
func TestRefusals(t *testing.T) {
	s := startServer(t)
	c := connect(t, s)
	ctx := ctxT(t)
	if _, err := c.Exec(ctx, "CREATE TABLE r (a int, b varchar(10))"); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ sql, code, msg string }{
		{"COPY r TO STDOUT", "42601", `syntax error at or near "STDOUT"`},
		{"COPY r FROM STDIN", "42601", `syntax error at or near "STDIN"`},
		{"COPY (SELECT a FROM r) TO STDOUT (FORMAT binary)", "42601", `syntax error at or near "("`},
		{"COPY r TO '/tmp/x' WITH BINARY", "42601", `syntax error at or near "BINARY"`},
		{"COPY r TO '/tmp/x'", "42601", `syntax error at or near "TO"`},
		{"COPY r FROM 's3://b/p' IAM_ROLE default FORMAT BINARY", "42601", `syntax error at or near "BINARY"`},
		{"COPY r FROM 's3://b/p' IAM_ROLE default", "0A000", "COPY from a data source is not supported"},
		{"INSERT INTO r VALUES (1, 'x') ON CONFLICT DO NOTHING", "42601", `syntax error at or near "ON"`},
		{"INSERT INTO r VALUES (1, 'x') RETURNING a", "42601", `syntax error at or near "RETURNING"`},
		{"SELECT * FROM r TABLESAMPLE SYSTEM (10)", "42601", `syntax error at or near "TABLESAMPLE"`},
		{"SELECT a IS DISTINCT FROM 1 FROM r", "42601", `syntax error at or near "DISTINCT"`},
		{"SELECT a IS NOT DISTINCT FROM 1 FROM r", "42601", `syntax error at or near "DISTINCT"`},
		{"SELECT ARRAY[1, 2]", "42601", `syntax error at or near "["`},
		{"LISTEN chan", "42601", `syntax error at or near "LISTEN"`},
		{"NOTIFY chan", "42601", `syntax error at or near "NOTIFY"`},
		{"CREATE INDEX ri ON r (a)", "42601", `syntax error at or near "INDEX"`},
		{"CREATE UNIQUE INDEX ri ON r (a)", "42601", `syntax error at or near "INDEX"`},
		{"CREATE SEQUENCE sq", "42601", `syntax error at or near "SEQUENCE"`},
		{"CREATE TRIGGER tr AFTER INSERT ON r FOR EACH ROW EXECUTE FUNCTION f()", "42601", `syntax error at or near "TRIGGER"`},
		{"CREATE EXTENSION postgis", "42601", `syntax error at or near "EXTENSION"`},
		{"CREATE TABLE j (a jsonb)", "42704", `type "jsonb" does not exist`},
		{"SELECT '{}'::json", "42704", `type "json" does not exist`},
		{"CREATE TABLE u (id uuid)", "42704", `type "uuid" does not exist`},
		{"CREATE TABLE s (id serial)", "42704", `type "serial" does not exist`},
		{"SELECT * FROM generate_series(1, 3)", "0A000", "not supported on Redshift tables"},
	}
	for _, ty := range unsupportedTypes {
		cases = append(cases, struct{ sql, code, msg string }{"SELECT NULL::" + ty, "42704", `type "` + ty + `" does not exist`},
			struct{ sql, code, msg string }{"CREATE TABLE tt (c " + ty + ")", "42704", `type "` + ty + `" does not exist`})
	}
	for _, f := range unsupportedFunctions {
		cases = append(cases, struct{ sql, code, msg string }{"SELECT " + f + "(a) FROM r", "42883", "function " + f + " does not exist"})
	}
	cases = append(cases, struct{ sql, code, msg string }{"SELECT pg_catalog.string_agg(b, ',') FROM r", "42883", "function string_agg does not exist"})
	for _, tc := range cases {
		for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeSimpleProtocol, pgx.QueryExecModeCacheStatement} {
			_, err := c.Exec(ctx, tc.sql, mode)
			var pe *pgconn.PgError
			if !errors.As(err, &pe) || pe.Code != tc.code || !strings.Contains(pe.Message, tc.msg) {
				t.Errorf("%s (mode %v): got %v, want %s %q", tc.sql, mode, err, tc.code, tc.msg)
			}
		}
	}
	// a refusal inside a transaction aborts it, as any Redshift error does
	tx, err := c.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "COPY r TO STDOUT"); err == nil {
		t.Fatal("want refusal")
	}
	_, err = tx.Exec(ctx, "SELECT 1")
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "25P02" {
		t.Fatalf("want 25P02 after a refusal in a transaction, got %v", err)
	}
	_ = tx.Rollback(ctx)
	// words in literals, comments and quoted identifiers are data, not syntax
	for _, q := range []string{
		"SELECT 'COPY r TO STDOUT; string_agg(x)' AS v",
		"SELECT 1 -- RETURNING string_agg(\n",
		`SELECT 1 AS "string_agg("`,
		"SELECT $$ARRAY[1]$$",
		"SELECT b FROM r WHERE b = 'it''s ON CONFLICT'",
		"CREATE TABLE format (every int PRIMARY KEY)",
		"ALTER TABLE format ADD COLUMN path varchar(10)",
		"ALTER TABLE format ADD point int",
		"CREATE TABLE shapes (line int, box varchar(3))",
		"INSERT INTO format (every) VALUES (1)",
		"CREATE TABLE IF NOT EXISTS div (a int REFERENCES format (every))",
	} {
		if _, err := c.Exec(ctx, q); err != nil {
			t.Errorf("%s: %v", q, err)
		}
	}
	if err := c.Ping(ctx); err != nil {
		t.Fatal(err)
	}
}
