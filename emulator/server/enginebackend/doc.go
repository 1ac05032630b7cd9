// Package enginebackend adapts the real SQL engine (package engine) to server.Backend.
// It is a separate package so that package server compiles and unit-tests against a
// fake backend without the DuckDB engine.
package enginebackend
