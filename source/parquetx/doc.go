// Package parquetx writes a partition's rows into Parquet files: the schema derived
// from the column plans (every field optional, field names = exact Snowflake column
// names), column batches that decoders fill without per-value allocation, row groups
// bounded in rows and bytes (memory is bounded by one row group, not by the
// partition), and files rotated at a target size, named part-00000.parquet, ….
//
// It uses parquet-go's column writers directly (one WriteRowValues call per column
// and batch) instead of row-oriented writes: no reflection and no per-row work
// inside the library.
package parquetx
