package parquetx

import (
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/snowmigrate/snowmigrate/checksum"
	"github.com/snowmigrate/snowmigrate/source"
)

// The benchmark's switch: without it every FileSet checksums what it writes; with it
// (only `make bench` sets it) the files are the same and no checksum is computed.
func TestBenchNoChecksumSwitch(t *testing.T) {
	plans := []source.ColumnPlan{{TargetName: "ID", Out: source.OutInt64}, {TargetName: "S", Out: source.OutString}}
	write := func() *FileSet {
		fs, err := NewFileSet(t.TempDir(), plans, Options{})
		if err != nil {
			t.Fatal(err)
		}
		b := NewBatch(2, 3, 64, 0)
		for r := 0; r < 3; r++ {
			id := parquet.Int64Value(int64(r))
			id.SetDefinitionLevel(1)
			b.Cols[0][r] = id
			b.Cols[1][r] = parquet.NullValue()
		}
		b.N = 3
		if err := fs.Write(b); err != nil {
			t.Fatal(err)
		}
		files, err := fs.Close()
		if err != nil || len(files) != 1 || files[0].Rows != 3 {
			t.Fatalf("files %v, %v", files, err)
		}
		return fs
	}
	var want checksum.Sum
	for r := int64(0); r < 3; r++ {
		var row checksum.Row
		row.Int(r)
		row.Null()
		want.AddRow(&row)
	}
	on := write()
	if !on.Checksummed() || on.Checksum() != want {
		t.Fatalf("default: checksummed %v, checksum %s, want %s", on.Checksummed(), on.Checksum(), want)
	}
	t.Setenv(benchNoChecksumEnv, "1")
	off := write()
	if off.Checksummed() || off.Checksum() != (checksum.Sum{}) {
		t.Fatalf("with %s=1: checksummed %v, checksum %s", benchNoChecksumEnv, off.Checksummed(), off.Checksum())
	}
}
