// Package workdir owns a source worker's work directory, where extracted Parquet files
// wait for their upload. The files are source data, so the directory is private: made
// 0700, owned by the worker's user, never a symbolic link. Several workers may share
// one work directory (on one host, with one TOML); each process works in its own
// subdirectory, held by an advisory lock (flock) that the kernel releases when the
// process dies, however it dies.
//
// Nothing else cleans up after a worker that crashed, nor after a partition whose
// upload never came (the migration was cancelled, the upload failed for good, or it
// timed out waiting for this host), so this package sweeps:
//   - at start and then periodically, the subdirectories of dead processes: their host
//     queue died with them, so no upload can ever use those files (the workflow extracts
//     such a partition again elsewhere);
//   - periodically, this process's own files that no running extract or upload uses and
//     that no extract or upload has touched for Options.Abandon.
//
// Files of partitions still in flight on this host (being extracted, waiting for their
// upload, being uploaded, or between upload retries) are kept.
package workdir
