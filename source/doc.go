// Package source owns what every source dialect shares: the narrow Dialect interface
// (identifier quoting, name folding, catalog, partition and extraction SQL), the
// mapping of source types to Snowflake types (docs/types.md), and the column plan
// that tells the data path how each column is read (its SELECT expression and wire
// kind) and written (its Parquet type).
//
// Dialect SQL lives with its dialect (source/postgres, source/redshift) and is
// covered by golden tests; the runtime that executes it against a pgx connection is
// in source/postgres, because Redshift speaks the same wire protocol.
package source
