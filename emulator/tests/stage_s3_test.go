package tests

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/snowmigrate/snowmigrate/emulator/emulatortest"
)

const (
	stMinioUser     = "stageadmin"
	stMinioPassword = "stage-secret-123"
)

// stMinio starts a MinIO server on 127.0.0.1 for the test and returns host:port.
func stMinio(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("minio")
	if err != nil {
		home, _ := os.UserHomeDir()
		for _, cand := range []string{filepath.Join(os.Getenv("GOPATH"), "bin", "minio"), filepath.Join(home, "go", "bin", "minio")} {
			if _, statErr := os.Stat(cand); statErr == nil {
				bin, err = cand, nil
				break
			}
		}
	}
	if err != nil {
		t.Skip("minio binary not found (install with: go install github.com/minio/minio@latest); external S3 stage test skipped")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "server", t.TempDir(), "--address", addr, "--console-address", "127.0.0.1:0", "--quiet")
	cmd.Env = append(os.Environ(), "MINIO_ROOT_USER="+stMinioUser, "MINIO_ROOT_PASSWORD="+stMinioPassword,
		"MINIO_BROWSER=off", "MINIO_UPDATE=off")
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("start minio: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/minio/health/live")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return addr
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("minio did not become ready at %s: %v\n%s", addr, err, logs.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func stS3Client(addr string) *s3.Client {
	return s3.New(s3.Options{
		BaseEndpoint: aws.String("http://" + addr),
		UsePathStyle: true,
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider(stMinioUser, stMinioPassword, ""),
	})
}

func TestStageExternalS3(t *testing.T) {
	addr := stMinio(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cli := stS3Client(addr)
	if _, err := cli.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("landing")}); err != nil {
		t.Fatalf("create bucket: %v", err)
	}
	local := filepath.Join(t.TempDir(), "orders.parquet")
	stWriteParquet(t, local, "SELECT i AS order_id, 'o' || i AS label FROM range(25) t(i)")
	data, err := os.ReadFile(local)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"p/2024/orders.parquet", "other/skip.parquet"} {
		if _, err := cli.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("landing"), Key: aws.String(key), Body: bytes.NewReader(data)}); err != nil {
			t.Fatalf("upload %s: %v", key, err)
		}
	}
	sum := md5.Sum(data)

	env := stStart(t, emulatortest.WithS3Endpoint(addr))
	env.exec(t, fmt.Sprintf(`CREATE STAGE ext URL='s3://landing/p/' CREDENTIALS=(AWS_KEY_ID='%s' AWS_SECRET_KEY='%s') FILE_FORMAT=(TYPE=PARQUET)`,
		stMinioUser, stMinioPassword))
	got := env.list(t, "LIST @ext")
	if len(got) != 1 || got["s3://landing/p/2024/orders.parquet"] != [2]string{fmt.Sprint(len(data)), hex.EncodeToString(sum[:])} {
		t.Fatalf("LIST @ext: %v", got)
	}
	_, rows := env.query(t, "SHOW STAGES LIKE 'EXT'")
	if len(rows) != 1 || rows[0][4] != "s3://landing/p/" || rows[0][5] != "Y" || rows[0][10] != "EXTERNAL" {
		t.Fatalf("SHOW STAGES: %v", rows)
	}
	for _, r := range rows[0] {
		if r == stMinioPassword {
			t.Fatal("SHOW STAGES reveals the secret key")
		}
	}

	env.exec(t, "CREATE TABLE ORDERS (ORDER_ID NUMBER, LABEL VARCHAR)")
	res := env.copyRows(t, "COPY INTO ORDERS FROM @ext/2024/ MATCH_BY_COLUMN_NAME=CASE_INSENSITIVE")
	if len(res) != 1 || res[0]["file"] != "s3://landing/p/2024/orders.parquet" || res[0]["rows_loaded"] != "25" {
		t.Fatalf("COPY from S3: %v", res)
	}
	if v := env.one(t, "SELECT SUM(ORDER_ID) || '/' || MAX(LABEL) FROM ORDERS"); v != "300/o9" {
		t.Fatalf("loaded values: %s", v)
	}
	if res := env.copyRows(t, "COPY INTO ORDERS FROM @ext MATCH_BY_COLUMN_NAME=CASE_INSENSITIVE"); res[0]["status"] != "Copy executed with 0 files processed." {
		t.Fatalf("S3 load history: %v", res)
	}
	// REMOVE deletes the object in the bucket.
	_, rows = env.query(t, "REMOVE @ext/2024")
	if len(rows) != 1 {
		t.Fatalf("REMOVE @ext: %v", rows)
	}
	if out, err := cli.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("landing"), Prefix: aws.String("p/")}); err != nil || len(out.Contents) != 0 {
		t.Fatalf("objects left after REMOVE: %v %v", out, err)
	}

	// Wrong credentials: an error naming the stage, never the secret.
	env.exec(t, "CREATE STAGE badcreds URL='s3://landing/other/' CREDENTIALS=(AWS_KEY_ID='nobody' AWS_SECRET_KEY='wrong-secret-value')")
	err = env.queryErr("LIST @badcreds")
	if err == nil || bytes.Contains([]byte(err.Error()), []byte("wrong-secret-value")) {
		t.Fatalf("LIST with bad credentials: %v", err)
	}
	// A missing bucket is 2003.
	env.exec(t, fmt.Sprintf("CREATE STAGE nobucket URL='s3://nosuchbucket/' CREDENTIALS=(AWS_KEY_ID='%s' AWS_SECRET_KEY='%s')", stMinioUser, stMinioPassword))
	stWantErr(t, env.queryErr("LIST @nobucket"), 2003, "nosuchbucket")
}
