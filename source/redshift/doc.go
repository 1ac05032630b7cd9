// Package redshift is the Redshift source dialect for the regular (non-UNLOAD)
// extraction path. Redshift speaks the PostgreSQL protocol, so the runtime in
// source/postgres runs it; this package holds only what differs (docs/types.md,
// "Redshift"): no COPY TO STDOUT (a server-side cursor FETCHed in binary result
// format instead), no row-value comparison (composite keyset predicates are
// expanded), no "C" collation (Redshift compares strings byte-wise already), backslash
// escapes in literals, catalog in svv_columns / svv_table_info, and its own types
// (SUPER → VARIANT, VARBYTE → BINARY, GEOMETRY/GEOGRAPHY → WKT text).
//
// Everything here is golden-tested at the SQL level (testdata/*.sql, regenerated with
// go test ./source/redshift -update); no Redshift runs in CI.
package redshift
