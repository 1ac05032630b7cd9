// Package engine is the SQL engine of the Snowflake emulator: it gives Snowflake
// semantics on top of an embedded DuckDB 1.1 database (github.com/marcboeker/go-duckdb).
//
// It owns statement dispatch, the translation of Snowflake SQL into DuckDB SQL
// (lexer.go, translate*.go, funcs.go, binds.go), Snowflake's identifier rules and the
// mapping of databases/schemas/objects onto one DuckDB file (names.go, catalog.go),
// DDL and DML including the MERGE rewrite (ddl*.go, dml.go, merge.go), transactions
// and writer serialisation (txn.go), INFORMATION_SCHEMA, SHOW and DESCRIBE
// (infoschema.go, show.go) and the wire encoding of results (encode.go, query.go).
// Stages, PUT/GET/LIST/REMOVE and COPY INTO live in stage*.go / copy*.go (a separate
// part of the package) and use the helpers documented in CONTRACT.md.
//
// The contract with the HTTP layer is api.go; the SQL accepted and its differences
// from Snowflake are documented in ../docs/sql.md.
package engine
