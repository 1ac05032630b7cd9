package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// Load history lives in the emulator's DuckDB file, in a schema no Snowflake name maps
// to (Snowflake schemas are stored as "DB.SCHEMA", with a dot). It is written by the
// same transaction as the loaded rows, so a ROLLBACK forgets both, and it survives
// restarts with the data.

const loadHistoryTable = `"_stage_meta"."load_history"`

// createLoadHistorySQL creates the history table (engine.Open runs it once).
const createLoadHistorySQL = `CREATE TABLE IF NOT EXISTS ` + loadHistoryTable + ` (
		table_key VARCHAR NOT NULL, file VARCHAR NOT NULL, md5 VARCHAR NOT NULL,
		size BIGINT, rows_loaded BIGINT, loaded_at TIMESTAMP)`

// tableIdentity names one incarnation of a table: a table dropped and created again
// (CREATE OR REPLACE) has a new creation time and so starts with no history, as in
// Snowflake, where load metadata belongs to the table object.
func tableIdentity(ctx context.Context, h stageHost, t *copyTable) (string, error) {
	rows, err := h.query(ctx, `SELECT coalesce(comment, '') FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = ? AND table_name = ?`,
		t.DuckSchema, t.DuckTable)
	if err != nil {
		return "", fmt.Errorf("COPY: read table identity of %s: %w", t.Name, err)
	}
	defer rows.Close()
	comment := ""
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return "", err
		}
		// Found by the catalog but not a DuckDB table: a view.
		return "", Errorf(ErrSyntax, "42000", "SQL compilation error: cannot COPY INTO '%s': it is a view, COPY loads tables", t.Name)
	}
	if err := rows.Scan(&comment); err != nil {
		return "", fmt.Errorf("COPY: read table identity of %s: %w", t.Name, err)
	}
	var meta struct {
		Created string `json:"t"`
	}
	_ = json.Unmarshal([]byte(comment), &meta) // no metadata: the name alone identifies it
	return t.Name.String() + "@" + meta.Created, nil
}

// loadedFiles returns file key -> md5 of the files already loaded into the table. It
// checks for the history table first: a failing query would abort an open DuckDB
// transaction.
func loadedFiles(ctx context.Context, h stageHost, tableKey string) (map[string]string, error) {
	exists, err := h.query(ctx, `SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = '_stage_meta' AND table_name = 'load_history'`)
	if err != nil {
		return nil, fmt.Errorf("COPY: look for the load history: %w", err)
	}
	n := 0
	if exists.Next() {
		err = exists.Scan(&n)
	}
	exists.Close()
	if err != nil {
		return nil, fmt.Errorf("COPY: look for the load history: %w", err)
	}
	out := map[string]string{}
	if n == 0 {
		return out, nil
	}
	rows, err := h.query(ctx, `SELECT file, md5 FROM `+loadHistoryTable+` WHERE table_key = ?`, tableKey)
	if err != nil {
		return nil, fmt.Errorf("COPY: read load history: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var f, m string
		if err := rows.Scan(&f, &m); err != nil {
			return nil, fmt.Errorf("COPY: read load history: %w", err)
		}
		out[f] = m
	}
	return out, rows.Err()
}

// recordLoad remembers a loaded file (replacing an older entry for the same name).
func recordLoad(ctx context.Context, h stageHost, tableKey, file string, fp *filePlan) error {
	if _, err := h.exec(ctx, `DELETE FROM `+loadHistoryTable+` WHERE table_key = ? AND file = ?`, tableKey, file); err != nil {
		return fmt.Errorf("COPY: update load history: %w", err)
	}
	_, err := h.exec(ctx, `INSERT INTO `+loadHistoryTable+` VALUES (?, ?, ?, ?, ?, ?)`,
		tableKey, file, fp.File.MD5, fp.File.Size, fp.Loaded, time.Now().UTC())
	if err != nil {
		return fmt.Errorf("COPY: update load history: %w", err)
	}
	return nil
}
