// Package server is the HTTP/wire layer of the local Snowflake emulator: it speaks the
// REST protocol the gosnowflake driver uses (login, session tokens and renewal, query
// requests with bindings, describe-only, async polling, abort, request-id idempotency,
// telemetry, the PUT upload descriptor) and hands every SQL text to a Backend, which is
// the SQL engine (package engine) behind a small interface so that the wire layer can be
// unit-tested with a fake.
//
// The wire facts come from shared/docs/snowflake-wire.md and the driver source: SQL
// errors are always HTTP 200 with success:false and a zero-padded 6-digit code, never a
// 5xx (the driver would retry those seven times and then lose the error code).
package server
