// Package postgres is the PostgreSQL source: its Dialect (quoting, catalog, keyset
// partition and extraction SQL, golden-tested in testdata/) and the runtime that runs
// any PostgreSQL-protocol dialect over pgx: introspection, partition planning and
// extraction of a partition into Parquet files.
//
// Extraction streams COPY (SELECT …) TO STDOUT (FORMAT binary) and decodes the binary
// tuples itself, for a handful of wire types (everything else is cast to text in the
// SELECT), straight into reusable Parquet column batches (source/parquetx). Memory is
// bounded by the row group, whatever the partition size. Redshift, which has no COPY
// TO STDOUT, uses the same decoders over a server-side cursor in binary result format.
package postgres
