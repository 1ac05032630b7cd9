// Package redshift is the Redshift source dialect. Redshift speaks the PostgreSQL
// protocol, so the runtime in source/postgres runs it; this package holds what differs
// (docs/types.md, "Redshift"): no COPY TO STDOUT (a server-side cursor FETCHed in
// binary result format instead), no row-value comparison (composite keyset predicates
// are expanded), no "C" collation (Redshift compares strings byte-wise already),
// backslash escapes in literals, catalog in svv_columns / svv_table_info, and its own
// types (SUPER → VARIANT, VARBYTE → BINARY, GEOMETRY/GEOGRAPHY → WKT text).
//
// It adds IAM logins (iam.go: auth_method "iam-provisioned-cluster", temporary
// passwords from redshift:GetClusterCredentials, refreshed before they expire) and the
// UNLOAD strategy (unload.go: source.Unloader, Parquet written by Redshift straight to
// S3 under the external stage, the manifest read by the worker's own S3 client), and
// the source side of checksums (checksum.go: the partition checksum of
// docs/checksums.md with functions Redshift documents, md5 and STRTOL instead of the
// runtime's float8send and bit casts) and of locating differing rows (locate.go).
//
// The SQL is golden-tested (testdata/*.sql, regenerated with go test ./source/redshift
// -update); local_*_test.go run it against the local Redshift (bin/redshift-emulator
// over the test PostgreSQL, MinIO for UNLOAD).
package redshift
