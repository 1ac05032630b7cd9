// Package sqlserver is the SQL Server source dialect (--source-platform sqlserver),
// on github.com/microsoft/go-mssqldb: the connection from [connections.source.sqlserver]
// (built with the driver's own URL form, never pasted), introspection from the catalog
// views (sys.columns, sys.types, sys.indexes, sys.key_constraints,
// sys.dm_db_partition_stats), the type mapping to Snowflake (docs/types.md, "SQL
// Server"), keyset partition planning through source.PlanKeyset with T-SQL's expanded
// comparisons, extraction of one partition by one SELECT streamed into Parquet
// (source/parquetx), and the mapping of SQL Server's error numbers onto the source
// package's sentinels. It also computes the partition checksum of docs/checksums.md
// in T-SQL (checksum.go, SQL Server 2019+: UTF-8 through a _UTF8 collation), the
// key-hash buckets that locate differing rows (locate.go) and the largest watermark
// and watermark window of a re-sync (watermark.go, window.go); the extractor's own
// checksum reads temporal values that travel as text back into their canonical text
// (rowsum.go).
//
// Every value that reaches SQL travels as an sp_executesql parameter; identifiers are
// quoted by quoteIdent only; whereClauseCriteria is checked by config.WhereProblemTSQL
// before it is pasted into a statement.
//
// Text partition keys are ordered as Snowflake orders the loaded values (each partition
// is verified on Snowflake by counting the target rows in its key range): by code point
// with (CAST(… AS nvarchar(max)) + NCHAR(0)) COLLATE Latin1_General_100_BIN2 (the
// terminator keeps SQL Server's blank padding out of every comparison). A
// case-insensitive column's own collation would put 'B' between 'a' and 'c', which
// Snowflake's byte order does not.
//
// Every statement the package emits has a golden file in testdata/<case>.sql
// (golden_test.go; checksum_test.go and locate_test.go for checksum_all_types and
// locate_*), each followed by its sp_executesql parameters; the cases shared with
// PostgreSQL and Redshift (source.GoldenCases) carry the names of
// source/postgres/testdata, so the dialects can be diffed case by case. After an
// intended change to the SQL, rewrite them with
// go test ./source/sqlserver -run Golden -update (no server needed) and review the
// diff.
package sqlserver
