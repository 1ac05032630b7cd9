package source

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/migration"
)

// Source is a connected source database, as the source activities use it. Every
// dialect implements it in its own package (source/postgres, source/redshift, …) and
// maps its driver's errors onto this package's sentinel errors, so nothing above a
// dialect imports a driver. Implementations are safe for concurrent use: one Source
// serves every activity of a worker.
type Source interface {
	// Platform is the --source-platform value this source serves.
	Platform() string
	// Introspect reads the table's shape from the catalog (no table scan beyond what
	// deciding a type needs) and maps its columns to Snowflake.
	Introspect(ctx context.Context, t config.TableConfig) (TableInfo, error)
	// PlanPartitions returns one keyset page of partitions (see Paginate).
	PlanPartitions(ctx context.Context, req PlanRequest) (PlanPage, error)
	// Extract writes one partition's rows into Parquet files in dir, reporting
	// progress (rows and bytes so far; may be nil) as it goes.
	Extract(ctx context.Context, req ExtractRequest, dir string, progress func(rows, bytes int64)) (ExtractStats, error)
	// CountRows counts the rows that pass the table's filter, and says what changed in
	// its columns since introspection.
	CountRows(ctx context.Context, req CountRequest) (rows int64, warnings []string, err error)
	// Close releases the connections.
	Close()
}

// OpenOptions are the worker's settings every dialect receives.
type OpenOptions struct {
	// MaxConns bounds the connections to the source: one per running activity plus
	// headroom for introspection and planning.
	MaxConns int
	// Parquet sizes the files Extract writes.
	Parquet ParquetOptions
}

// Opener connects to a source from the worker TOML's [connections.source.<platform>]
// table. It must not put the password (or any secret) into an error or a log.
type Opener func(ctx context.Context, conn *config.SourceConnection, o OpenOptions) (Source, error)

var registry = struct {
	sync.RWMutex
	openers map[string]Opener
}{openers: map[string]Opener{}}

// Register makes a dialect available under its --source-platform name; dialect
// packages call it from init, and source/all imports every dialect package (the one
// registry line a new dialect adds). Registering a name twice is a programming error.
func Register(platform string, open Opener) {
	registry.Lock()
	defer registry.Unlock()
	if _, dup := registry.openers[platform]; dup || open == nil {
		panic(fmt.Sprintf("source.Register: platform %q registered twice or with a nil opener", platform))
	}
	registry.openers[platform] = open
}

// Platforms lists the registered platform names, sorted.
func Platforms() []string {
	registry.RLock()
	defer registry.RUnlock()
	out := make([]string, 0, len(registry.openers))
	for p := range registry.openers {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// Open connects to a source of the given platform through its registered opener.
func Open(ctx context.Context, platform string, conn *config.SourceConnection, o OpenOptions) (Source, error) {
	registry.RLock()
	open := registry.openers[platform]
	registry.RUnlock()
	if open == nil {
		return nil, fmt.Errorf("source platform %q is not supported yet (this worker supports: %s)",
			platform, strings.Join(Platforms(), ", "))
	}
	return open(ctx, conn, o)
}

// Watermarker is implemented by the sources that support the watermark
// synchronization strategy (docs/sync.md): the source activities type-assert it, and
// a source without it fails such a table with ErrConfig before anything moves. A
// dialect that implements it must also honour Windowed in PlanRequest and
// ExtractRequest.
type Watermarker interface {
	// MaxWatermark resolves the configured watermark and primary key columns to the
	// table's exact names and reads the largest watermark of the rows passing the
	// table's filter, as canonical text (nil when no row has a non-NULL one).
	MaxWatermark(ctx context.Context, req WatermarkRequest) (WatermarkResult, error)
}

// WatermarkRequest names the table and the configured columns (as written in the
// configuration: quoted names keep their case).
type WatermarkRequest struct {
	Table config.TableConfig
	migration.TableShape
	Column      string   // synchronization.watermarkColumn
	PrimaryKeys []string // primaryKeyColumns (trackModifications); may be empty
}

// WatermarkResult is the resolved column, the resolved primary key and the maximum.
type WatermarkResult struct {
	Column      string   // exact source name of the watermark column
	PrimaryKeys []string // exact source names, in the configured order
	High        *string  // canonical text of the maximum; nil: no non-NULL watermark
}

// Checksummer is implemented by the sources that compute the partition checksum of
// docs/checksums.md without loading anything (computation 3: re-sync by checksum and
// validation level 3 use it; the extractor's checksum needs no second scan): in SQL
// on the source (SQL Server, Redshift, PostgreSQL with checksum_method = "sql") or by
// streaming the range through the worker (PostgreSQL's default). The result must
// equal ExtractStats.Checksum for the same rows.
type Checksummer interface {
	// ChecksumPartition returns the checksum and row count of the rows Extract would
	// read for req (its partition range and the table's filter).
	ChecksumPartition(ctx context.Context, req ExtractRequest) (string, int64, error)
}

// SQLChecksummer is implemented by the sources whose ChecksumPartition may read the
// rows through the worker (PostgreSQL's default, checksum_method = "stream"): their
// ChecksumPartitionSQL computes the same checksum in SQL, from the database's own
// values. Validation level 3 prefers it: a checksum streamed through the extractor's
// decoding would agree with a target loaded from that same decoding, so it could not
// witness a decoding error; the database's own computation can. (Re-sync by checksum
// compares a range with its own earlier checksum, where the cheaper stream suffices.)
type SQLChecksummer interface {
	ChecksumPartitionSQL(ctx context.Context, req ExtractRequest) (string, int64, error)
}

// Fingerprinter is implemented by the sources that can tell cheaply whether a
// partition's rows changed (docs/sync.md, "Fingerprints"): a fingerprint is computed
// in SQL on the source from the stored values (no canonical text, no MD5, no row
// leaves the database) and is equal for equal rows, so that the checksum re-sync can
// skip a range whose fingerprint equals the one its last run recorded, in the same
// snapshot as the extraction (ExtractRequest.Fingerprint). It is not a proof of value
// equality across systems (the partition checksum is): it only compares a range with
// itself over time, and a fingerprint that differs only costs a reload.
type Fingerprinter interface {
	// FingerprintVersion names the fingerprint's definition ("" when this source
	// computes none): fingerprints of different versions are never compared.
	FingerprintVersion() string
	// FingerprintPartition returns the fingerprint and row count of the rows Extract
	// would read for req. ErrNoFingerprint: this source cannot compute one (e.g. a
	// server version without the functions it needs); the caller falls back to the
	// partition checksum.
	FingerprintPartition(ctx context.Context, req ExtractRequest) (string, int64, error)
	// ChecksumWithFingerprint is Checksummer.ChecksumPartition that also returns the
	// fingerprint of the same rows, read in the same snapshot ("" when the server
	// cannot compute one): a range whose baseline has no fingerprint yet gets one
	// that describes exactly the rows its checksum proved.
	ChecksumWithFingerprint(ctx context.Context, req ExtractRequest) (checksum, fingerprint string, rows int64, err error)
	// FingerprintPartitions is FingerprintPartition for each of parts (req.Partition
	// is ignored), in one snapshot and one table lock and column check: the checksum
	// re-sync compares a page of ranges in a few activities instead of one each.
	FingerprintPartitions(ctx context.Context, req ExtractRequest, parts []migration.Partition) (map[int]Fingerprint, error)
}

// Fingerprint is one partition's fingerprint and row count.
type Fingerprint struct {
	Value string
	Rows  int64
}

// ErrNoFingerprint is returned by a Fingerprinter that cannot compute a fingerprint
// on this server.
var ErrNoFingerprint = errors.New("this source cannot compute partition fingerprints")
