package snowflake

import (
	"strings"
	"testing"
)

// The version names the definitions: stable for the same location, different for
// another location, and the statements quote it as a literal.
func TestMetadataVersion(t *testing.T) {
	a, b := MetadataVersion(MetadataLocation{}), MetadataVersion(MetadataLocation{Database: DefaultMetadataDatabase})
	if a != b || len(a) != 24 {
		t.Fatalf("default location: %q vs %q", a, b)
	}
	if c := MetadataVersion(MetadataLocation{Database: "OTHER"}); c == a {
		t.Fatal("another metadata database has the same version")
	}
	check := MetadataVersionCheckSQL(MetadataLocation{})
	want := `SELECT COUNT(*) FROM "SNOWCONVERT_AI"."DATA_MIGRATION"."METADATA_VERSION" WHERE VERSION = '` + a + `'`
	if check != want {
		t.Fatalf("check:\n%s\nwant\n%s", check, want)
	}
	rec := RecordMetadataVersionSQL(MetadataLocation{Database: "Meta DB"})
	if len(rec) != 3 || !strings.HasPrefix(rec[0], `CREATE TABLE IF NOT EXISTS "Meta DB"."DATA_MIGRATION"."METADATA_VERSION"`) ||
		!strings.Contains(rec[2], "'"+MetadataVersion(MetadataLocation{Database: "Meta DB"})+"'") {
		t.Fatalf("record: %q", rec)
	}
}
