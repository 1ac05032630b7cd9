// Package snowflake is the product's Snowflake client: it turns a named connection into a
// gosnowflake *sql.DB (password, programmatic access token or key-pair JWT; plain HTTP for
// the local emulator), quotes and resolves Snowflake identifiers, and builds every SQL
// statement the Snowflake side runs (target DDL, the existing-table check, COPY INTO,
// partition range predicates, the metadata tables/views/stage and the MERGE upserts that
// keep the metadata mirror).
//
// The builders are pure functions from values to SQL text, tested with golden files in
// testdata (go test ./snowflake -update rewrites them), so that a change in generated SQL
// is always visible in review. Values are inlined as escaped literals rather than bound:
// the metadata mirror writes hundreds of rows in one MERGE, and predicates must carry
// the target type of each bound ('…'::TYPE); one literal function per type keeps both
// exact. Identifiers always go through QuoteIdent.
//
// Nothing here logs: secrets (passwords, tokens, key passphrases) live in Connection and
// in the gosnowflake.Config built from it, and neither is ever formatted into an error.
package snowflake
