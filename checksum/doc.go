// Package checksum computes the partition checksum of docs/checksums.md in Go: the
// canonical text of every Snowflake target type from the values the extractor writes,
// the row encoding (fields joined by '|', text escaped, NULL as \N) and the
// order-independent aggregate (row count and the exact sums of the upper and lower 64
// bits of each row's MD5).
//
// The same checksum is computed in SQL by Snowflake (snowflake.ChecksumRangeSQL) and by
// each source dialect (source.Checksummer); any change to the text here must change
// those builders and the version prefix together.
//
// Everything here is allocation-free in steady state: the extractor adds every row
// it writes, in the Parquet encoder's goroutine.
package checksum
