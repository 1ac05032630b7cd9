package parquetx

import (
	"math"
	"math/rand"
	"os"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/snowmigrate/snowmigrate/source"
)

// allKindPlans has one column of every output kind the summer knows.
var allKindPlans = []source.ColumnPlan{
	{TargetName: "I32", Out: source.OutInt32},
	{TargetName: "I64", Out: source.OutInt64},
	{TargetName: "D64", Out: source.OutDecimal64, Precision: 12, Scale: 2},
	{TargetName: "D128", Out: source.OutDecimal128, Precision: 38, Scale: 3},
	{TargetName: "F32", Out: source.OutFloat},
	{TargetName: "F64", Out: source.OutDouble},
	{TargetName: "B", Out: source.OutBool},
	{TargetName: "S", Out: source.OutString, Target: source.TargetText},
	{TargetName: "J", Out: source.OutString, Target: source.TargetSemi},
	{TargetName: "BIN", Out: source.OutBinary},
	{TargetName: "DT", Out: source.OutDate},
	{TargetName: "TM", Out: source.OutTime},
	{TargetName: "NTZ", Out: source.OutTimestampNTZ},
	{TargetName: "TZ", Out: source.OutTimestampTZ},
}

// fillBatch fills b with n pseudo-random rows of allKindPlans: about one value in five
// NULL, hostile text ('|', '\', "\N", empty) and float specials among the rest.
func fillBatch(b *Batch, leaf []int, n int, rng *rand.Rand) {
	b.Reset()
	texts := []string{"", "a|b", `back\slash`, `\N`, "é", "plain"}
	floats := []float64{0, math.Copysign(0, -1), 0.1, -1e300, 5e-324, math.Inf(1), math.Inf(-1), math.NaN()}
	for row := 0; row < n; row++ {
		for col, p := range allKindPlans {
			if rng.Intn(5) == 0 {
				b.Cols[col][row] = parquet.Value{}.Level(0, 0, leaf[col])
				continue
			}
			var v parquet.Value
			switch p.Out {
			case source.OutInt32, source.OutDate:
				v = parquet.Int32Value(int32(rng.Uint32()))
			case source.OutInt64, source.OutDecimal64, source.OutTime, source.OutTimestampNTZ, source.OutTimestampTZ:
				v = parquet.Int64Value(int64(rng.Uint64()))
			case source.OutDecimal128:
				start := len(b.Scratch)
				for i := 0; i < 16; i++ {
					b.Scratch = append(b.Scratch, byte(rng.Intn(256)))
				}
				v = parquet.FixedLenByteArrayValue(b.Scratch[start:len(b.Scratch):len(b.Scratch)])
			case source.OutFloat:
				v = parquet.FloatValue(float32(floats[rng.Intn(len(floats))]))
			case source.OutDouble:
				v = parquet.DoubleValue(floats[rng.Intn(len(floats))])
			case source.OutBool:
				v = parquet.BooleanValue(rng.Intn(2) == 0)
			case source.OutString, source.OutBinary:
				start := len(b.Arena)
				b.Arena = append(b.Arena, texts[rng.Intn(len(texts))]...)
				v = parquet.ByteArrayValue(b.Arena[start:len(b.Arena):len(b.Arena)])
			}
			v = v.Level(0, 1, leaf[col])
			b.Cols[col][row] = v
		}
	}
	b.N = n
}

// A checksum-only set sums exactly what a FileSet that writes Parquet sums, over
// several batches (the batch is reused between writes, as the extractor does), counts
// the rows, and writes no file.
func TestChecksumSetEqualsFileSet(t *testing.T) {
	dir := t.TempDir()
	fs, err := NewFileSet(dir, allKindPlans, Options{})
	if err != nil {
		t.Fatal(err)
	}
	cs, err := NewChecksumSet(allKindPlans)
	if err != nil {
		t.Fatal(err)
	}
	if !cs.Checksummed() {
		t.Fatal("a checksum-only set reports no checksum")
	}
	for i, l := range cs.Leaf() {
		if l != fs.Leaf()[i] {
			t.Fatalf("leaf order %v, FileSet's %v", cs.Leaf(), fs.Leaf())
		}
	}
	rng := rand.New(rand.NewSource(18))
	b := NewBatch(len(allKindPlans), 300, 1<<16, 1<<16)
	want := int64(0)
	for _, n := range []int{300, 0, 1, 257} {
		fillBatch(b, fs.Leaf(), n, rng)
		if err := fs.Write(b); err != nil {
			t.Fatal(err)
		}
		if err := cs.Write(b); err != nil {
			t.Fatal(err)
		}
		want += int64(n)
	}
	files, err := fs.Close()
	if err != nil {
		t.Fatal(err)
	}
	none, err := cs.Close()
	if err != nil || len(none) != 0 {
		t.Fatalf("checksum-only set listed files %v (%v)", none, err)
	}
	var fileRows int64
	for _, f := range files {
		fileRows += f.Rows
	}
	if fileRows != want || fs.Rows() != want || cs.Rows() != want {
		t.Fatalf("rows: files %d, FileSet %d, checksum set %d; want %d", fileRows, fs.Rows(), cs.Rows(), want)
	}
	if got, w := cs.Checksum(), fs.Checksum(); got != w {
		t.Fatalf("checksum set %s, FileSet %s", got, w)
	}
	if cs.Checksum().String() == "" {
		t.Fatal("empty checksum")
	}
	if entries, err := os.ReadDir(dir); err != nil || len(entries) != len(files) {
		t.Fatalf("the FileSet's directory holds %d entries for %d files (%v)", len(entries), len(files), err)
	}
}

// The benchmark's switch that turns the FileSet's checksum off does not reach a
// checksum-only set: the checksum is all it makes.
func TestChecksumSetIgnoresBenchSwitch(t *testing.T) {
	t.Setenv(benchNoChecksumEnv, "1")
	cs, err := NewChecksumSet(allKindPlans)
	if err != nil {
		t.Fatal(err)
	}
	if !cs.Checksummed() {
		t.Fatal("checksum-only set without a checksum")
	}
}
