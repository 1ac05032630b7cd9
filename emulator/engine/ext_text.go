package engine

import "strconv"

// extFromText parses text into the extended type dst (ext.go) with the Go parser
// (ext_udf.go: one call a value; SQL string functions under CASE cost several times
// more, see BenchmarkCopyParquetTimestamps), what it refuses with DuckDB's own cast
// (extFromTextSlow), else the parser's error.
// try turns failures into NULL instead of Snowflake's error 100035.
func extFromText(s string, dst sfType, offMin int, try bool) string {
	args := "(" + s + ", " + strconv.Itoa(offMin) + ", " + strconv.Itoa(dst.Precision) + ")"
	if try {
		return "coalesce(" + extUDFName(dst.Base, true) + args + ", " + extFromTextSlow(s, dst, offMin, true) + ")"
	}
	// the Go parser, else DuckDB's own cast (other forms), else the parser's error
	return "coalesce(" + extUDFName(dst.Base, true) + args + ", " + extFromTextSlow(s, dst, offMin, true) + ", " + extUDFName(dst.Base, false) + args + ")"
}
