// Package benchdata generates the benchmark's source data: a TPC-H-lineitem-like table,
// built by PostgreSQL itself with generate_series so that generating 2,000,000 rows
// takes seconds and needs no data files.
package benchdata
