package testenv

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/jackc/pgx/v5"
)

// MinIO is one private MinIO server (S3 on 127.0.0.1) for a test.
type MinIO struct {
	Endpoint  string // http://127.0.0.1:port
	AccessKey string
	SecretKey string
	Region    string
}

// StartMinIO starts a MinIO with a fresh data directory, stopped when the test ends;
// the test is skipped (failed under CI) when the minio binary is missing.
func StartMinIO(t testing.TB) *MinIO {
	t.Helper()
	home, _ := os.UserHomeDir()
	bin := findBinary(os.Getenv("MINIO_BIN"), "minio", filepath.Join(os.Getenv("GOPATH"), "bin", "minio"), filepath.Join(home, "go", "bin", "minio"))
	if bin == "" {
		missing(t, "minio")
	}
	m := &MinIO{AccessKey: "snowmigrate", SecretKey: "snowmigrate-secret-key", Region: "us-east-1"}
	dir := t.TempDir()
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		port, err := freePort()
		if err != nil {
			t.Fatal(err)
		}
		addr := "127.0.0.1:" + strconv.Itoa(port)
		cmd := exec.Command(bin, "server", "--quiet", "--address", addr, filepath.Join(dir, "data"))
		cmd.Env = append(os.Environ(), "MINIO_ROOT_USER="+m.AccessKey, "MINIO_ROOT_PASSWORD="+m.SecretKey,
			"MINIO_BROWSER=off", "MINIO_UPDATE=off")
		logPath := filepath.Join(dir, fmt.Sprintf("minio-%d.log", attempt))
		exited, err := startProc(cmd, logPath)
		if err != nil {
			t.Fatal(err)
		}
		if err := waitHTTP("http://"+addr+"/minio/health/live", 60*time.Second, exited); err != nil {
			lastErr = fmt.Errorf("%w: %s", err, tail(logPath, 2000))
			_ = cmd.Process.Kill()
			continue
		}
		t.Cleanup(func() {
			_ = cmd.Process.Kill()
			<-exited
		})
		m.Endpoint = "http://" + addr
		return m
	}
	t.Fatalf("start minio: %v", lastErr)
	return nil
}

func waitHTTP(u string, timeout time.Duration, exited <-chan struct{}) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return fmt.Errorf("process exited before serving %s", u)
		default:
		}
		resp, err := http.Get(u)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("%s not ready after %s", u, timeout)
}

// Client is an S3 client for this MinIO (path-style, its root credentials).
func (m *MinIO) Client() *s3.Client {
	return s3.New(s3.Options{
		BaseEndpoint: aws.String(m.Endpoint), UsePathStyle: true, Region: m.Region,
		Credentials: credentials.NewStaticCredentialsProvider(m.AccessKey, m.SecretKey, ""),
	})
}

// CreateBucket creates a bucket.
func (m *MinIO) CreateBucket(t testing.TB, name string) {
	t.Helper()
	if _, err := m.Client().CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatalf("create bucket %s: %v", name, err)
	}
}

// Keys lists the object keys under prefix, sorted.
func (m *MinIO) Keys(t testing.TB, bucket, prefix string) []string {
	t.Helper()
	var keys []string
	p := s3.NewListObjectsV2Paginator(m.Client(), &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatalf("list s3://%s/%s: %v", bucket, prefix, err)
		}
		for _, o := range page.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
	}
	sort.Strings(keys)
	return keys
}

// WorkerEnv is the environment a process needs to reach this MinIO through the AWS
// SDK's default chain (the source worker's own S3 client).
func (m *MinIO) WorkerEnv() []string {
	return []string{"AWS_ACCESS_KEY_ID=" + m.AccessKey, "AWS_SECRET_ACCESS_KEY=" + m.SecretKey,
		"AWS_REGION=" + m.Region, "AWS_ENDPOINT_URL_S3=" + m.Endpoint}
}

// Redshift is one running bin/redshift-emulator over a fresh database of the shared
// PostgreSQL cluster.
type Redshift struct {
	Host     string
	Port     int
	User     string
	Password string
	Database string
	// IAMEndpoint is the GetClusterCredentials endpoint (http://…) when started with
	// IAM and the emulator serves it ("" otherwise: callers skip).
	IAMEndpoint string
	ClusterID   string
	LogPath     string
}

// RedshiftOptions configure StartRedshift.
type RedshiftOptions struct {
	S3  *MinIO // UNLOAD's S3 (nil: no UNLOAD)
	IAM bool   // serve GetClusterCredentials, accepting the S3 key pair
	// Database names the backend database (and so the one clients log into), e.g.
	// "dev" as in Redshift's samples; it is created afresh and dropped at the end.
	// Default: a unique name.
	Database string
}

// RedshiftBinary returns the local Redshift: $SNOWMIGRATE_REDSHIFT_EMULATOR_BIN, else a
// fresh build of emulator/cmd/redshift-emulator (once per test binary).
func RedshiftBinary(t testing.TB) string {
	t.Helper()
	bin, err := emulatorCommand("SNOWMIGRATE_REDSHIFT_EMULATOR_BIN", "redshift-emulator")
	if err != nil {
		t.Fatalf("%v", err)
	}
	return bin
}

// StartRedshift starts the local Redshift over a new database of the shared cluster,
// stopped when the test ends. Its login is awsuser with a fixed password.
func StartRedshift(t testing.TB, o RedshiftOptions) *Redshift {
	t.Helper()
	pg := Postgres(t)
	bin := RedshiftBinary(t)
	var dsn string
	if o.Database == "" {
		dsn = pg.NewDatabase(t)
	} else {
		dsn = pg.namedDatabase(t, o.Database)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	r := &Redshift{Host: "127.0.0.1", User: "awsuser", Password: "Local-Redshift-1", Database: strings.TrimPrefix(u.Path, "/"),
		ClusterID: "local-cluster", LogPath: filepath.Join(t.TempDir(), "redshift-emulator.log")}
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		port, err := freePort()
		if err != nil {
			t.Fatal(err)
		}
		args := []string{"--addr", "127.0.0.1:" + strconv.Itoa(port), "--postgres", dsn, "--user", r.User, "--password", r.Password}
		iamAddr := ""
		if o.S3 != nil {
			args = append(args, "--s3-endpoint", o.S3.Endpoint, "--s3-access-key", o.S3.AccessKey, "--s3-secret-key", o.S3.SecretKey, "--s3-region", o.S3.Region)
		}
		if o.IAM {
			ip, err := freePort()
			if err != nil {
				t.Fatal(err)
			}
			iamAddr = "127.0.0.1:" + strconv.Itoa(ip)
			args = append(args, "--iam-endpoint", iamAddr, "--cluster-id", r.ClusterID)
			if o.S3 == nil {
				t.Fatal("StartRedshift: IAM needs the S3 key pair (RedshiftOptions.S3)")
			}
		}
		cmd := exec.Command(bin, args...)
		exited, err := startProc(cmd, r.LogPath)
		if err != nil {
			t.Fatal(err)
		}
		addr := "127.0.0.1:" + strconv.Itoa(port)
		err = waitTCP(addr, 60*time.Second, exited)
		if err == nil && iamAddr != "" && waitTCP(iamAddr, 10*time.Second, exited) != nil {
			t.Logf("the local Redshift does not serve --iam-endpoint %s (IAMEndpoint left empty): %s", iamAddr, tail(r.LogPath, 500))
			iamAddr = ""
		}
		if err != nil {
			lastErr = fmt.Errorf("%w: %s", err, tail(r.LogPath, 2000))
			_ = cmd.Process.Kill()
			continue
		}
		t.Cleanup(func() {
			_ = cmd.Process.Signal(os.Interrupt)
			select {
			case <-exited:
			case <-time.After(10 * time.Second):
				_ = cmd.Process.Kill()
			}
		})
		r.Port = port
		if iamAddr != "" {
			r.IAMEndpoint = "http://" + iamAddr
		}
		return r
	}
	t.Fatalf("start redshift-emulator: %v", lastErr)
	return nil
}

// DSN is a pgx connection string for the emulator's login.
func (r *Redshift) DSN() string {
	u := url.URL{Scheme: "postgres", User: url.UserPassword(r.User, r.Password), Host: r.Host + ":" + strconv.Itoa(r.Port), Path: "/" + r.Database, RawQuery: "sslmode=disable"}
	return u.String()
}

// Conn connects as the emulator's login, closed when the test ends.
func (r *Redshift) Conn(t testing.TB) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, r.DSN())
	if err != nil {
		t.Fatalf("connect to the local Redshift: %v (log: %s)", err, tail(r.LogPath, 1000))
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

// Exec runs statements as the emulator's login (simple protocol), failing the test on error.
func (r *Redshift) Exec(t testing.TB, sql ...string) {
	t.Helper()
	c := r.Conn(t)
	for _, q := range sql {
		if _, err := c.Exec(context.Background(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// namedDatabase creates database name afresh (dropping one left behind), dropped when
// the test ends; tests using the same name must not run in parallel.
func (p *PG) namedDatabase(t testing.TB, name string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, p.DSN("postgres"))
	if err != nil {
		t.Fatalf("connect to test postgres: %v", err)
	}
	defer conn.Close(ctx)
	id := pgx.Identifier{name}.Sanitize()
	for _, q := range []string{"DROP DATABASE IF EXISTS " + id + " WITH (FORCE)", "CREATE DATABASE " + id} {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if c, err := pgx.Connect(ctx, p.DSN("postgres")); err == nil {
			_, _ = c.Exec(ctx, "DROP DATABASE IF EXISTS "+id+" WITH (FORCE)")
			c.Close(ctx)
		}
	})
	return p.DSN(name)
}
