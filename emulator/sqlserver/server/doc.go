// Package server is the local SQL Server: it accepts TDS connections (package tds),
// authenticates SQL logins, and runs T-SQL (package tsql) against DuckDB files, one per
// database, in the data directory. SQL Server's declared column types live in a small
// metadata schema inside each database file, so that the wire types and the catalog
// views (sys.*, INFORMATION_SCHEMA) say what the T-SQL declared.
package server
