package engine

import (
	"os"
	"path/filepath"
	"testing"
)

func TestStageCatalogPersistAndDropContainer(t *testing.T) {
	dir := t.TempDir()
	cat, err := stageCatalogFor(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []*stageDef{{DB: "D", Schema: "A", Name: "S1"}, {DB: "D", Schema: "B", Name: "S2"}, {DB: "E", Schema: "A", Name: "S3"}} {
		if err := cat.putStage(s); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(internalStageDir(dir, objName{s.DB, s.Schema, s.Name}), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := cat.putFormat(&fileFormatDef{DB: "D", Schema: "A", Name: "F", Options: stageOpts{"TYPE": {Str: "CSV"}}}); err != nil {
		t.Fatal(err)
	}
	// A fresh load of the file sees the same objects.
	catalogs.Delete(mustAbs(t, dir))
	cat2, err := stageCatalogFor(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(cat2.listStages("", "")) != 3 || cat2.getFormat("D", "A", "F") == nil || cat2.getFormat("D", "A", "F").Options["TYPE"].Str != "CSV" {
		t.Fatalf("reloaded catalog: %+v", cat2.listStages("", ""))
	}
	if err := dropStageObjects(dir, "D", "A"); err != nil {
		t.Fatal(err)
	}
	if cat2.getStage("D", "A", "S1") != nil || cat2.getFormat("D", "A", "F") != nil || cat2.getStage("D", "B", "S2") == nil {
		t.Fatal("DROP SCHEMA D.A did not drop exactly its stage objects")
	}
	if _, err := os.Stat(internalStageDir(dir, objName{"D", "A", "S1"})); !os.IsNotExist(err) {
		t.Fatalf("stage files of D.A left: %v", err)
	}
	if err := dropStageObjects(dir, "D", ""); err != nil {
		t.Fatal(err)
	}
	if got := cat2.listStages("", ""); len(got) != 1 || got[0].Name != "S3" {
		t.Fatalf("after DROP DATABASE D: %+v", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "stages", "E", "A", "S3")); err != nil {
		t.Fatalf("other database's stage files removed: %v", err)
	}
}

func mustAbs(t *testing.T, p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
