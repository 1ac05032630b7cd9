package parquetx

import (
	"fmt"
	"os"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/snowmigrate/snowmigrate/source"
)

func TestSchemaLeavesFollowNames(t *testing.T) {
	plans := []source.ColumnPlan{{TargetName: "Z", Out: source.OutInt64}, {TargetName: "A", Out: source.OutString}, {TargetName: "m", Out: source.OutDecimal64, Precision: 10, Scale: 2}}
	s, leaf, err := Schema(plans)
	if err != nil {
		t.Fatal(err)
	}
	cols := s.Columns()
	for i, p := range plans {
		if cols[leaf[i]][0] != p.TargetName {
			t.Errorf("plan %d (%s) maps to leaf %v", i, p.TargetName, cols[leaf[i]])
		}
	}
	if _, _, err := Schema(append(plans, source.ColumnPlan{TargetName: "A", Out: source.OutBool})); err == nil {
		t.Error("duplicate field names accepted")
	}
}

func TestFileSetRotatesAndCounts(t *testing.T) {
	plans := []source.ColumnPlan{{TargetName: "ID", Out: source.OutInt64}, {TargetName: "S", Out: source.OutString}}
	dir := t.TempDir()
	fs, err := NewFileSet(dir, plans, Options{RowGroupRows: 1000, TargetFileBytes: 20 << 10})
	if err != nil {
		t.Fatal(err)
	}
	leaf := fs.Leaf()
	b := NewBatch(2, 500, 1<<16, 0)
	id := int64(0)
	for batch := 0; batch < 40; batch++ {
		b.Reset()
		for r := 0; r < 500; r++ {
			v := parquet.Int64Value(id)
			v.SetDefinitionLevel(1)
			v.SetColumnIndex(leaf[0])
			b.Cols[0][b.N] = v
			var sv parquet.Value
			if id%7 == 0 {
				sv = parquet.Value{}.Level(0, 0, leaf[1]) // NULL
			} else {
				start := len(b.Arena)
				b.Arena = fmt.Appendf(b.Arena, "row-%d-%x", id, id*2654435761)
				sv = parquet.ByteArrayValue(b.Arena[start:]).Level(0, 1, leaf[1])
			}
			b.Cols[1][b.N] = sv
			b.N++
			id++
		}
		b.Bytes = int64(len(b.Arena))
		if err := fs.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	files, err := fs.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 3 {
		t.Fatalf("%d files, want rotation", len(files))
	}
	var total int64
	for i, f := range files {
		if f.Name != fmt.Sprintf("part-%05d.parquet", i) {
			t.Errorf("file %d named %s", i, f.Name)
		}
		st, err := os.Stat(f.Path)
		if err != nil || st.Size() != f.Bytes {
			t.Errorf("%s: size %v, FileRef %d (%v)", f.Name, st.Size(), f.Bytes, err)
		}
		fh, _ := os.Open(f.Path)
		pf, err := parquet.OpenFile(fh, st.Size())
		if err != nil {
			t.Fatal(err)
		}
		if pf.NumRows() != f.Rows {
			t.Errorf("%s: %d rows, FileRef %d", f.Name, pf.NumRows(), f.Rows)
		}
		for _, rg := range pf.RowGroups() {
			if rg.NumRows() > 1000 {
				t.Errorf("row group of %d rows exceeds the bound", rg.NumRows())
			}
		}
		fh.Close()
		total += f.Rows
	}
	if total != id {
		t.Fatalf("files hold %d rows, wrote %d", total, id)
	}
}
