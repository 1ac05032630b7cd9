package snowflake

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// MetadataVersionTable holds the version of the metadata definitions (MetadataDDL)
// last applied in full. A workflow start reads it first: when it names the current
// version, the 30-odd idempotent DDL statements are skipped (one round trip instead of
// all of them, on every run of every migration and schedule). Deleting its rows, or
// dropping the schema, makes the next start apply them all again.
const MetadataVersionTable = "METADATA_VERSION"

// MetadataVersion identifies the text of every statement MetadataDDL returns for l:
// any change to a table, view or stage definition (or to the location) is a new version.
func MetadataVersion(l MetadataLocation) string {
	h := sha256.Sum256([]byte(strings.Join(MetadataDDL(l), ";\n")))
	return hex.EncodeToString(h[:12])
}

// MetadataVersionCheckSQL counts the version rows naming MetadataVersion(l); it fails
// when the table does not exist yet.
func MetadataVersionCheckSQL(l MetadataLocation) string {
	l = l.WithDefaults()
	return "SELECT COUNT(*) FROM " + l.obj(MetadataVersionTable) + " WHERE VERSION = " + StringLiteral(MetadataVersion(l))
}

// RecordMetadataVersionSQL records MetadataVersion(l) once every statement of
// MetadataDDL has succeeded. A crash between its statements leaves no row of the
// current version, so the next start applies the definitions again (they are
// idempotent); concurrent starts may both insert the same version, which the check
// tolerates.
func RecordMetadataVersionSQL(l MetadataLocation) []string {
	l = l.WithDefaults()
	t := l.obj(MetadataVersionTable)
	return []string{
		"CREATE TABLE IF NOT EXISTS " + t + " (\n  VERSION VARCHAR NOT NULL,\n  APPLIED_AT TIMESTAMP_TZ\n)",
		"DELETE FROM " + t + " WHERE VERSION <> " + StringLiteral(MetadataVersion(l)),
		"INSERT INTO " + t + " (VERSION, APPLIED_AT) SELECT " + StringLiteral(MetadataVersion(l)) + ", CURRENT_TIMESTAMP()",
	}
}
