package tests

import (
	"path/filepath"
	"testing"
)

// TestStageDroppedWithItsSchemaAndDatabase: stages live beside the DuckDB file, so DROP
// SCHEMA and DROP DATABASE must take them along; a re-created schema starts without the
// old stage (LIST fails with 2003) instead of resurrecting old files.
func TestStageDroppedWithItsSchemaAndDatabase(t *testing.T) {
	env := stStart(t)
	f := filepath.Join(env.dir, "a.parquet")
	stWriteParquet(t, f, "SELECT i AS id FROM range(5) t(i)")

	env.exec(t, "CREATE DATABASE D1")
	env.exec(t, "CREATE SCHEMA D1.S1")
	env.exec(t, "CREATE STAGE D1.S1.ST")
	env.put(t, f, "@D1.S1.ST/p", "")
	if got := env.list(t, "LIST @D1.S1.ST"); len(got) != 1 {
		t.Fatalf("LIST before drop: %v", got)
	}
	env.exec(t, "DROP SCHEMA D1.S1")
	env.exec(t, "CREATE SCHEMA D1.S1")
	stWantErr(t, env.queryErr("LIST @D1.S1.ST"), 2003)

	env.exec(t, "CREATE STAGE D1.S1.ST2")
	env.put(t, f, "@D1.S1.ST2", "")
	env.exec(t, "DROP DATABASE D1")
	env.exec(t, "CREATE DATABASE D1")
	env.exec(t, "CREATE SCHEMA D1.S1")
	stWantErr(t, env.queryErr("LIST @D1.S1.ST2"), 2003)
}
