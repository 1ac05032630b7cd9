package snowflakeside

import (
	"testing"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
)

// A start after the metadata definitions were applied in full runs one query, not the
// DDL; a definition dropped meanwhile comes back once METADATA_VERSION no longer names
// the current version (deleted rows here; a new product version in practice).
func TestEnsureMetadataShortcutByVersion(t *testing.T) {
	h := newHarness(t)
	in := snowflakeapi.EnsureMetadataInput{ConnectionName: h.conn}
	h.mustRun(t, h.a.EnsureMetadata, in, nil)
	created := len(h.rec.matching("CREATE "))
	if created < 10 {
		t.Fatalf("the first start ran %d CREATE statements", created)
	}
	if n := h.count(t, "SELECT COUNT(*) FROM SNOWCONVERT_AI.DATA_MIGRATION.METADATA_VERSION"); n != 1 {
		t.Fatalf("%d version rows after the first start", n)
	}
	if _, err := h.db.Exec("DROP VIEW SNOWCONVERT_AI.DATA_MIGRATION.TABLE_PROGRESS_WITH_EXAMPLE_ERROR"); err != nil {
		t.Fatal(err)
	}

	h.mustRun(t, h.a.EnsureMetadata, in, nil)
	if n := len(h.rec.matching("CREATE ")); n != created {
		t.Fatalf("the second start ran %d CREATE statements, want none", n-created)
	}
	if n := h.count(t, "SELECT COUNT(*) FROM SNOWCONVERT_AI.INFORMATION_SCHEMA.VIEWS WHERE TABLE_NAME = 'TABLE_PROGRESS_WITH_EXAMPLE_ERROR'"); n != 0 {
		t.Fatalf("the shortcut re-created the view")
	}

	if _, err := h.db.Exec("DELETE FROM SNOWCONVERT_AI.DATA_MIGRATION.METADATA_VERSION"); err != nil {
		t.Fatal(err)
	}
	h.mustRun(t, h.a.EnsureMetadata, in, nil)
	if n := len(h.rec.matching("CREATE ")); n != 2*created {
		t.Fatalf("the third start ran %d CREATE statements, want %d", n-created, created)
	}
	if n := h.count(t, "SELECT COUNT(*) FROM SNOWCONVERT_AI.INFORMATION_SCHEMA.VIEWS WHERE TABLE_NAME = 'TABLE_PROGRESS_WITH_EXAMPLE_ERROR'"); n != 1 {
		t.Fatalf("the view was not re-created")
	}
	if n := h.count(t, "SELECT COUNT(*) FROM SNOWCONVERT_AI.DATA_MIGRATION.METADATA_VERSION"); n != 1 {
		t.Fatalf("%d version rows after the third start", n)
	}
}
