// Package tds implements the server side of MS-TDS 7.4 as github.com/microsoft/go-mssqldb
// speaks it: packet framing, PRELOGIN and LOGIN7 parsing, the response tokens (LOGINACK,
// ENVCHANGE, COLMETADATA, ROW, DONE, ERROR, INFO, RETURNSTATUS) and the exact wire
// encodings of SQL Server's data types, both for result columns and for RPC parameters.
//
// It knows nothing about SQL: the server package decides what to answer; this package
// only makes the bytes right. Every reader is bounded and returns an error on malformed
// input instead of panicking, because a client's bytes must never kill the server.
package tds
