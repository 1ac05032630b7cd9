// Package tsql reads T-SQL for the local SQL Server: a lexer that knows T-SQL's string
// forms (N'…', [ident], "ident", 0x…, @var, nested /* */ comments), a statement splitter
// for batches without semicolons, and a translator from the T-SQL the product uses to the
// DuckDB SQL that stores the data. What it does not understand it refuses with SQL
// Server's syntax error numbers (102, 156) naming the construct, never by guessing.
package tsql
