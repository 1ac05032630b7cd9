package source

// ParquetOptions bound the Parquet writer's memory and file sizes (source/parquetx
// writes them; every dialect's Extract receives them). Zero values take the defaults.
type ParquetOptions struct {
	Compression     string // "zstd" (default) or "snappy"
	RowGroupRows    int64  // default 1,000,000 rows
	RowGroupBytes   int64  // source bytes per row group, default 24 MiB (bounds memory per extraction)
	TargetFileBytes int64  // rotate files at this compressed size, default 128 MiB
	PageBytes       int    // uncompressed page size, default 1 MiB
}

// Defaults fills the zero fields.
func (o ParquetOptions) Defaults() ParquetOptions {
	if o.Compression == "" {
		o.Compression = "zstd"
	}
	if o.RowGroupRows <= 0 {
		o.RowGroupRows = 1_000_000
	}
	if o.RowGroupBytes <= 0 {
		o.RowGroupBytes = 24 << 20
	}
	if o.TargetFileBytes <= 0 {
		o.TargetFileBytes = 128 << 20
	}
	if o.PageBytes <= 0 {
		o.PageBytes = 1 << 20
	}
	return o
}
