package source

import (
	"context"

	"github.com/snowmigrate/snowmigrate/migration"
)

// Unloader is implemented by sources that write a partition's rows to S3 themselves
// (Redshift's UNLOAD): no row passes through the worker. The extraction strategy
// "unload" needs it; the source activities assert it on the worker's Source.
type Unloader interface {
	// Unload writes the partition's rows as Parquet under req.URL (s3://bucket/prefix/,
	// replacing whatever an earlier attempt left there) and reports the files from the
	// server's manifest. No secret may reach an error or a log.
	Unload(ctx context.Context, req UnloadRequest) (UnloadStats, error)
	// RemoveUnloaded deletes the objects directly under url (a partition's location)
	// and returns how many it removed.
	RemoveUnloaded(ctx context.Context, url string) (int, error)
}

// UnloadRequest is one partition to unload.
type UnloadRequest struct {
	ExtractRequest
	// URL is the partition's own S3 location, ending in "/": the external stage's URL
	// plus migration.PartitionPath.
	URL string
}

// UnloadStats is what the manifest says was written.
type UnloadStats struct {
	Files []migration.FileRef // Path: the object's name relative to URL
	Rows  int64               // from the manifest's record counts
	Bytes int64               // content lengths summed
	// Fields are the Parquet field names, one per requested column in order (the
	// server may fold the case of column names, so they need not be the target names).
	Fields   []string
	Warnings []string
}
