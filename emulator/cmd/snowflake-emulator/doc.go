// Command snowflake-emulator runs the local Snowflake emulator: the Snowflake REST
// protocol (package server) over the DuckDB-backed SQL engine (package engine), with all
// data persisted in --data-dir. It prints "snowflake-emulator listening on ADDR" to
// stderr once it accepts connections and stops cleanly on SIGINT/SIGTERM.
package main
