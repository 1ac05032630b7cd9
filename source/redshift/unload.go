package redshift

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/jackc/pgx/v5"

	"github.com/snowmigrate/snowmigrate/checksum"
	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
	"github.com/snowmigrate/snowmigrate/source/postgres"
)

// UNLOAD (extraction strategy "unload"): Redshift runs the partition's SELECT and
// writes Parquet straight to S3 under the partition's own prefix of the external
// stage's URL; the worker only reads the manifest. CLEANPATH makes a retry replace
// what an earlier attempt wrote. Columns are aliased c0, c1, … so that the Parquet
// field names do not depend on Redshift's case folding of identifiers.

// unloadMaxFileMB bounds each Parquet file (Snowflake's guidance: 100–250 MB).
const unloadMaxFileMB = 256

// manifestName is the object UNLOAD … MANIFEST writes next to the data files.
const manifestName = "manifest"

// unloadAuth is UNLOAD's authorization from the worker TOML. secret is a secret: it
// is spliced into the UNLOAD statement only, which is never logged.
type unloadAuth struct {
	role, keyID, secret string
}

// clause is the authorization clause of UNLOAD.
func (a unloadAuth) clause(quote func(string) string) (string, error) {
	switch {
	case a.role == config.UnloadRoleDefault:
		return "IAM_ROLE default", nil
	case a.role != "":
		return "IAM_ROLE " + quote(a.role), nil
	case a.keyID != "" && a.secret != "":
		return "ACCESS_KEY_ID " + quote(a.keyID) + " SECRET_ACCESS_KEY " + quote(a.secret), nil
	}
	return "", fmt.Errorf("%w: extraction strategy \"unload\" needs UNLOAD's authorization in the source worker's [connections.source.redshift]: unload_iam_role = \"<role ARN>\" (or \"default\"), or unload_access_key_id with unload_secret_access_key", source.ErrConfig)
}

// scrub removes the secret from a server message, in case one ever quotes the statement.
func (a unloadAuth) scrub(err error) error {
	if err == nil || a.secret == "" || !strings.Contains(err.Error(), a.secret) {
		return err
	}
	return &scrubbed{msg: strings.ReplaceAll(err.Error(), a.secret, "(secret)"), err: err}
}

type scrubbed struct {
	msg string
	err error
}

func (s *scrubbed) Error() string { return s.msg }

// Is keeps the source sentinels of the wrapped error visible without Unwrap (which
// would let a caller print the original message).
func (s *scrubbed) Is(target error) bool {
	for _, sentinel := range []error{source.ErrConfig, source.ErrCredentials, source.ErrPermission, source.ErrMissing, source.ErrData} {
		if target == sentinel {
			return errors.Is(s.err, sentinel)
		}
	}
	return false
}

// UnloadSQL builds the UNLOAD statement of one partition. query is the SELECT; the
// authorization clause is the caller's (it may hold a secret).
func (d Dialect) UnloadSQL(query, to, auth string) string {
	return "UNLOAD (" + d.QuoteLiteral(query) + ")\nTO " + d.QuoteLiteral(to) + "\n" + auth +
		"\nFORMAT AS PARQUET\nMANIFEST VERBOSE\nCLEANPATH\nMAXFILESIZE " + strconv.Itoa(unloadMaxFileMB) + " MB"
}

// UnloadSelectSQL is the partition's SELECT with the columns aliased c0, c1, …; it
// also returns those field names.
func (d Dialect) UnloadSelectSQL(req source.ExtractRequest) (string, []string, error) {
	plans := make([]source.ColumnPlan, len(req.Columns))
	fields := make([]string, len(req.Columns))
	for i, c := range req.Columns {
		p, err := d.PlanColumn(c)
		if err != nil {
			return "", nil, fmt.Errorf("%w: %v", source.ErrConfig, err)
		}
		fields[i] = "c" + strconv.Itoa(i)
		p.Expr += " AS " + fields[i]
		plans[i] = p
	}
	keys, err := source.KeyColumns(req.Columns, req.PartitionBy)
	if err != nil {
		return "", nil, err
	}
	where := source.Where(req.Table)
	if err := source.CheckWhere(where); err != nil {
		return "", nil, err
	}
	return d.ExtractSQL(req.Source, plans, keys, req.Partition, where), fields, nil
}

var _ source.Unloader = (*Source)(nil)

// Unload implements source.Unloader.
func (s *Source) Unload(ctx context.Context, req source.UnloadRequest) (source.UnloadStats, error) {
	st, _, err := s.unload(ctx, req, false)
	return st, err
}

// UnloadChecksum is Unload plus the partition checksum of docs/checksums.md over the
// rows the UNLOAD wrote: the checksum query (ChecksumPartition's, over the same
// partition range and filter) and the UNLOAD run in one transaction, so on one
// snapshot (Redshift's isolation, snapshot or serializable, gives every statement of a
// transaction the snapshot of its first query; UNLOAD is not among the commands that
// need a transaction of their own). The workflow's verify step then compares it with
// Snowflake's checksum of the loaded range: a value UNLOAD or the load changed fails
// the partition and is located like any other mismatch.
func (s *Source) UnloadChecksum(ctx context.Context, req source.UnloadRequest) (source.UnloadStats, string, error) {
	return s.unload(ctx, req, true)
}

// unloadBeginSQL opens the transaction of the columns check, the checksum and the
// UNLOAD. Not READ ONLY: Redshift documents no READ ONLY semantics for UNLOAD (it
// writes to S3, not to the database), and the default level gives the snapshot.
const unloadBeginSQL = "BEGIN"

func (s *Source) unload(ctx context.Context, req source.UnloadRequest, withChecksum bool) (source.UnloadStats, string, error) {
	var stats source.UnloadStats
	d, ok := s.Dialect.(Dialect)
	if !ok {
		return stats, "", fmt.Errorf("redshift source with a %T dialect", s.Dialect)
	}
	loc, err := parseS3URL(req.URL)
	if err != nil {
		return stats, "", err
	}
	auth, err := s.unloadAuth.clause(d.QuoteLiteral)
	if err != nil {
		return stats, "", err
	}
	query, fields, err := d.UnloadSelectSQL(req.ExtractRequest)
	if err != nil {
		return stats, "", err
	}
	var sumQuery string
	if withChecksum {
		if sumQuery, err = s.checksumQuery(req.ExtractRequest); err != nil {
			return stats, "", err
		}
	}
	stats.Fields = fields
	c, err := s.Pool.Acquire(ctx)
	if err != nil {
		return stats, "", fmt.Errorf("connect to the source: %w", err)
	}
	defer c.Release()
	conn := c.Conn()
	if _, err := conn.Exec(ctx, d.SessionSQL()); err != nil {
		return stats, "", fmt.Errorf("prepare source session: %w", err)
	}
	var (
		sum     checksum.Sum
		sumRows int64
	)
	err = inTransaction(ctx, conn, func() error {
		// The columns the workflow planned for must still be there with their types.
		now, err := columnsNow(ctx, conn, d, req.Source)
		if err != nil {
			return err
		}
		if stats.Warnings, err = postgres.CompareColumns(req.Source, req.Columns, now); err != nil {
			return err
		}
		if withChecksum {
			var up, lo string
			if err := conn.QueryRow(ctx, sumQuery).Scan(&sumRows, &up, &lo); err != nil {
				return fmt.Errorf("source checksum of partition %d: %w", req.Partition.Number, err)
			}
			if sum, err = checksum.FromParts(sumRows, up, lo); err != nil {
				return err
			}
		}
		if _, err := conn.Exec(ctx, d.UnloadSQL(query, req.URL, auth)); err != nil {
			return s.unloadAuth.scrub(fmt.Errorf("UNLOAD partition %d to %s: %w", req.Partition.Number, req.URL, unloadError(err)))
		}
		return nil
	})
	if err != nil {
		return stats, "", err
	}
	m, err := readManifest(ctx, loc)
	if err != nil {
		return stats, "", err
	}
	files, rows, bytes, err := m.files(req.URL)
	if err != nil {
		return stats, "", err
	}
	stats.Files, stats.Rows, stats.Bytes = files, rows, bytes
	if withChecksum && sumRows != rows {
		// one snapshot cannot give two row counts: a server that ran them on two
		return stats, "", fmt.Errorf("UNLOAD of partition %d wrote %d rows but the checksum in the same transaction read %d: the source did not run them on one snapshot", req.Partition.Number, rows, sumRows)
	}
	if len(files) == 0 {
		// Nothing to load, so nothing will REMOVE the manifest through the stage.
		if _, err := s.RemoveUnloaded(ctx, req.URL); err != nil {
			return stats, "", fmt.Errorf("remove the empty partition's manifest: %w", err)
		}
	}
	if !withChecksum {
		return stats, "", nil
	}
	return stats, sum.String(), nil
}

// inTransaction runs fn between unloadBeginSQL and COMMIT (ROLLBACK when fn fails;
// nothing in the database was written either way).
func inTransaction(ctx context.Context, conn *pgx.Conn, fn func() error) error {
	if _, err := conn.Exec(ctx, unloadBeginSQL); err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	err := fn()
	if conn.IsClosed() {
		return err
	}
	end := "COMMIT"
	if err != nil {
		end = "ROLLBACK"
	}
	ectx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if _, e := conn.Exec(ectx, end); e != nil && err == nil {
		err = fmt.Errorf("commit: %w", e)
	}
	return err
}

// unloadError marks what retrying cannot fix.
func unloadError(err error) error {
	msg := strings.ToLower(err.Error())
	switch {
	case strings.Contains(msg, "access denied") || strings.Contains(msg, "not authorized") || strings.Contains(msg, "assume role"):
		return fmt.Errorf("%w (UNLOAD's authorization, unload_iam_role or unload_access_key_id, must allow s3:PutObject, s3:ListBucket and s3:DeleteObject on the stage's bucket and prefix): %w", source.ErrPermission, err)
	case strings.Contains(msg, "bucket") && strings.Contains(msg, "not exist"):
		return fmt.Errorf("%w: %w", source.ErrMissing, err)
	}
	return err
}

// columnsNow reads the table's columns from the catalog (the dialect's query).
func columnsNow(ctx context.Context, conn *pgx.Conn, d Dialect, t migration.TableRef) ([]source.SourceColumn, error) {
	rows, err := conn.Query(ctx, d.CatalogColumnsSQL(), t.Schema, t.Table)
	if err != nil {
		return nil, fmt.Errorf("read columns of %s.%s: %w", t.Schema, t.Table, err)
	}
	cols, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (source.SourceColumn, error) {
		var c source.SourceColumn
		err := r.Scan(&c.Name, &c.Type, &c.Nullable, &c.UserDefined)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("read columns of %s.%s: %w", t.Schema, t.Table, err)
	}
	return cols, nil
}

// s3Location is a parsed s3://bucket/prefix/.
type s3Location struct{ bucket, prefix string }

func parseS3URL(raw string) (s3Location, error) {
	u, err := url.Parse(raw)
	if err != nil || !strings.EqualFold(u.Scheme, "s3") || u.Host == "" || !strings.HasSuffix(raw, "/") {
		return s3Location{}, fmt.Errorf("%w: unload location %q is not s3://bucket/prefix/ (the external stage must be on S3)", source.ErrConfig, raw)
	}
	return s3Location{bucket: u.Host, prefix: strings.TrimPrefix(u.Path, "/")}, nil
}

// manifest is UNLOAD's MANIFEST VERBOSE JSON.
type manifest struct {
	Entries []struct {
		URL  string `json:"url"`
		Meta struct {
			ContentLength int64 `json:"content_length"`
			RecordCount   int64 `json:"record_count"`
		} `json:"meta"`
	} `json:"entries"`
	Meta struct {
		ContentLength int64 `json:"content_length"`
		RecordCount   int64 `json:"record_count"`
	} `json:"meta"`
}

// files turns the manifest's entries into names relative to base, checking that every
// file lies directly under it and that the totals agree.
func (m manifest) files(base string) ([]migration.FileRef, int64, int64, error) {
	var (
		out         []migration.FileRef
		rows, bytes int64
	)
	for _, e := range m.Entries {
		name, ok := strings.CutPrefix(e.URL, base)
		if !ok || name == "" || strings.Contains(name, "/") || name == manifestName {
			return nil, 0, 0, fmt.Errorf("UNLOAD manifest lists %q, which is not a file directly under %s", e.URL, base)
		}
		out = append(out, migration.FileRef{Path: e.URL, Name: name, Rows: e.Meta.RecordCount, Bytes: e.Meta.ContentLength})
		rows += e.Meta.RecordCount
		bytes += e.Meta.ContentLength
	}
	if m.Meta.RecordCount != 0 && m.Meta.RecordCount != rows {
		return nil, 0, 0, fmt.Errorf("UNLOAD manifest under %s: entries hold %d rows but meta.record_count is %d", base, rows, m.Meta.RecordCount)
	}
	return out, rows, bytes, nil
}

// maxManifestBytes bounds what is read of a manifest (thousands of entries fit).
const maxManifestBytes = 16 << 20

func readManifest(ctx context.Context, loc s3Location) (manifest, error) {
	var m manifest
	client, err := s3Client(ctx)
	if err != nil {
		return m, err
	}
	key := loc.prefix + manifestName
	out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(loc.bucket), Key: aws.String(key)})
	if err != nil {
		var nsk *s3types.NoSuchKey
		if errors.As(err, &nsk) {
			return m, fmt.Errorf("UNLOAD wrote no manifest at s3://%s/%s: %w", loc.bucket, key, err)
		}
		return m, fmt.Errorf("read the UNLOAD manifest s3://%s/%s (the worker's AWS credentials need s3:GetObject there): %w", loc.bucket, key, err)
	}
	defer out.Body.Close()
	data, err := io.ReadAll(io.LimitReader(out.Body, maxManifestBytes+1))
	if err != nil {
		return m, fmt.Errorf("read the UNLOAD manifest s3://%s/%s: %w", loc.bucket, key, err)
	}
	if len(data) > maxManifestBytes {
		return m, fmt.Errorf("the UNLOAD manifest s3://%s/%s is larger than %d bytes: use smaller partitions", loc.bucket, key, maxManifestBytes)
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return m, fmt.Errorf("the UNLOAD manifest s3://%s/%s is not the JSON UNLOAD writes: %w", loc.bucket, key, err)
	}
	return m, nil
}

// RemoveUnloaded deletes every object under the partition's location (data files and
// manifest). Loading removes them through the stage already; this is for what a
// failed or abandoned partition leaves.
func (s *Source) RemoveUnloaded(ctx context.Context, rawURL string) (int, error) {
	loc, err := parseS3URL(rawURL)
	if err != nil {
		return 0, err
	}
	client, err := s3Client(ctx)
	if err != nil {
		return 0, err
	}
	removed := 0
	p := s3.NewListObjectsV2Paginator(client, &s3.ListObjectsV2Input{Bucket: aws.String(loc.bucket), Prefix: aws.String(loc.prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return removed, fmt.Errorf("list %s: %w", rawURL, err)
		}
		for _, o := range page.Contents {
			if o.Key == nil || path.Dir(*o.Key)+"/" != loc.prefix {
				continue // only the partition's own objects, never a deeper prefix
			}
			if _, err := client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(loc.bucket), Key: o.Key}); err != nil {
				return removed, fmt.Errorf("remove s3://%s/%s: %w", loc.bucket, *o.Key, err)
			}
			removed++
		}
	}
	return removed, nil
}

var (
	s3Once   sync.Once
	s3Shared *s3.Client
	s3Err    error
)

// s3Client is the worker's own S3 client: the AWS SDK's default credential chain and
// region, and AWS_ENDPOINT_URL_S3 (path-style addressing then, as S3-compatible
// servers such as MinIO need).
func s3Client(ctx context.Context) (*s3.Client, error) {
	s3Once.Do(func() {
		cfg, err := awsconfig.LoadDefaultConfig(context.WithoutCancel(ctx))
		if err != nil {
			s3Err = fmt.Errorf("%w: AWS settings for the worker's S3 client: %v", source.ErrConfig, err)
			return
		}
		if cfg.Region == "" {
			cfg.Region = "us-east-1" // S3 redirects to the bucket's region
		}
		_, custom := os.LookupEnv("AWS_ENDPOINT_URL_S3")
		s3Shared = s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = custom })
	})
	return s3Shared, s3Err
}
