package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// External stages (URL='s3://bucket/prefix/') are read through an S3-compatible server
// (MinIO in tests) at Options.S3Endpoint with path-style addressing, using the
// credentials given on the stage. The AWS SDK does the signing and retries.

// s3Location is a parsed s3://bucket/prefix/ URL.
type s3Location struct {
	Bucket string
	Prefix string // "" or ending in "/"
}

func parseS3URL(raw string) (s3Location, error) {
	u, err := url.Parse(raw)
	if err != nil || !strings.EqualFold(u.Scheme, "s3") && !strings.EqualFold(u.Scheme, "s3compat") || u.Host == "" {
		return s3Location{}, Errorf(ErrSyntax, "42000",
			"SQL compilation error: invalid stage URL '%s': use URL='s3://bucket/prefix/'", raw)
	}
	prefix := strings.TrimPrefix(u.Path, "/")
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	return s3Location{Bucket: u.Host, Prefix: prefix}, nil
}

// s3Endpoint turns Options.S3Endpoint (host:port or URL) into a base URL.
func s3Endpoint(ep string) string {
	if strings.Contains(ep, "://") {
		return ep
	}
	return "http://" + ep
}

// newS3Client builds a client for an S3-compatible endpoint.
func newS3Client(endpoint, keyID, secret, token string) *s3.Client {
	return s3.New(s3.Options{
		BaseEndpoint:     aws.String(s3Endpoint(endpoint)),
		UsePathStyle:     true,
		Region:           "us-east-1",
		Credentials:      credentials.NewStaticCredentialsProvider(keyID, secret, token),
		RetryMaxAttempts: 3,
	})
}

// s3Store is the file view of an external stage.
type s3Store struct {
	client *s3.Client
	loc    s3Location
	desc   string // for error messages: the stage URL
}

func newS3Store(endpoint string, d *stageDef) (*s3Store, error) {
	if endpoint == "" {
		return nil, Errorf(ErrInternal, "XX000",
			"external stage %s: the emulator has no S3 endpoint configured (start it with an S3 endpoint option)", d.Name)
	}
	loc, err := parseS3URL(d.URL)
	if err != nil {
		return nil, err
	}
	return &s3Store{client: newS3Client(endpoint, d.AWSKeyID, d.AWSSecretKey, d.AWSToken), loc: loc, desc: d.URL}, nil
}

// list returns the objects under prefix (relative to the stage root), bounded to
// maxStageFiles objects.
func (st *s3Store) list(ctx context.Context, prefix string) ([]stageFile, error) {
	var out []stageFile
	in := &s3.ListObjectsV2Input{Bucket: aws.String(st.loc.Bucket), Prefix: aws.String(st.loc.Prefix + prefix)}
	pager := s3.NewListObjectsV2Paginator(st.client, in)
	for pager.HasMorePages() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return nil, st.wrap("list", err)
		}
		for _, o := range page.Contents {
			key := aws.ToString(o.Key)
			if strings.HasSuffix(key, "/") {
				continue // folder marker
			}
			out = append(out, stageFile{
				Path:         strings.TrimPrefix(key, st.loc.Prefix),
				Size:         aws.ToInt64(o.Size),
				MD5:          strings.Trim(aws.ToString(o.ETag), `"`),
				LastModified: aws.ToTime(o.LastModified),
			})
			if len(out) > maxStageFiles {
				return nil, Errorf(ErrInternal, "XX000", "stage %s holds more than %d files: narrow the path", st.desc, maxStageFiles)
			}
		}
	}
	return out, nil
}

// fetch downloads one object into a temporary file the caller removes.
func (st *s3Store) fetch(ctx context.Context, f stageFile, tmpDir string) (string, bool, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Minute)
	defer cancel()
	obj, err := st.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(st.loc.Bucket), Key: aws.String(st.loc.Prefix + f.Path)})
	if err != nil {
		return "", false, st.wrap("read "+f.Path, err)
	}
	defer obj.Body.Close()
	// Keep the extension: DuckDB picks decompression from it (.gz). Glob characters
	// are replaced because DuckDB's readers expand them.
	base := strings.NewReplacer("*", "_", "?", "_", "[", "_", "]", "_").Replace(f.Path[strings.LastIndex(f.Path, "/")+1:])
	out, err := os.CreateTemp(tmpDir, "s3-*-"+base)
	if err != nil {
		return "", false, fmt.Errorf("external stage %s: temp file: %w", st.desc, err)
	}
	if _, err := io.Copy(out, obj.Body); err != nil {
		out.Close()
		os.Remove(out.Name())
		return "", false, st.wrap("download "+f.Path, err)
	}
	if err := out.Close(); err != nil {
		os.Remove(out.Name())
		return "", false, fmt.Errorf("external stage %s: temp file: %w", st.desc, err)
	}
	return out.Name(), true, nil
}

func (st *s3Store) remove(ctx context.Context, paths []string) error {
	for start := 0; start < len(paths); start += 1000 {
		end := min(start+1000, len(paths))
		var ids []s3types.ObjectIdentifier
		for _, p := range paths[start:end] {
			ids = append(ids, s3types.ObjectIdentifier{Key: aws.String(st.loc.Prefix + p)})
		}
		_, err := st.client.DeleteObjects(ctx, &s3.DeleteObjectsInput{
			Bucket: aws.String(st.loc.Bucket),
			Delete: &s3types.Delete{Objects: ids, Quiet: aws.Bool(true)},
		})
		if err != nil {
			return st.wrap("remove", err)
		}
	}
	return nil
}

// wrap turns SDK errors into Snowflake errors. The SDK's error text names the
// operation and status, never the secret key.
func (st *s3Store) wrap(op string, err error) error {
	var nsb *s3types.NoSuchBucket
	if errors.As(err, &nsb) {
		return Errorf(ErrObjectNotExists, "42S02", "external stage %s: bucket %s does not exist", st.desc, st.loc.Bucket)
	}
	return Errorf(ErrInternal, "XX000", "external stage %s: %s failed: %v", st.desc, op, err)
}
