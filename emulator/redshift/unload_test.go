package redshift

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/parquet-go/parquet-go"
)

type unloadEnv struct {
	srv    *Server
	conn   *pgx.Conn
	s3     *s3.Client
	bucket string
}

var bucketSeq int

func newUnloadEnv(t *testing.T, opts ...func(*Config)) *unloadEnv {
	t.Helper()
	addr := testMinio(t)
	all := append([]func(*Config){func(c *Config) {
		c.S3Endpoint = "http://" + addr
		c.S3AccessKey, c.S3SecretKey = minioUser, minioSecret
	}}, opts...)
	srv := startServer(t, all...)
	cli := s3.New(s3.Options{BaseEndpoint: aws.String("http://" + addr), UsePathStyle: true, Region: "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider(minioUser, minioSecret, "")})
	bucketSeq++
	bucket := fmt.Sprintf("unload-%d-%d", time.Now().UnixNano()%1e9, bucketSeq)
	if _, err := cli.CreateBucket(ctxT(t), &s3.CreateBucketInput{Bucket: &bucket}); err != nil {
		t.Fatalf("create bucket: %v", err)
	}
	return &unloadEnv{srv: srv, conn: connect(t, srv), s3: cli, bucket: bucket}
}

func (e *unloadEnv) exec(t *testing.T, q string) {
	t.Helper()
	if _, err := e.conn.Exec(ctxT(t), q); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func (e *unloadEnv) keys(t *testing.T, prefix string) []string {
	t.Helper()
	out, err := e.s3.ListObjectsV2(ctxT(t), &s3.ListObjectsV2Input{Bucket: &e.bucket, Prefix: &prefix})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, o := range out.Contents {
		keys = append(keys, *o.Key)
	}
	sort.Strings(keys)
	return keys
}

func (e *unloadEnv) get(t *testing.T, key string) []byte {
	t.Helper()
	out, err := e.s3.GetObject(ctxT(t), &s3.GetObjectInput{Bucket: &e.bucket, Key: &key})
	if err != nil {
		t.Fatalf("get %s: %v", key, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (e *unloadEnv) put(t *testing.T, key string) {
	t.Helper()
	if _, err := e.s3.PutObject(ctxT(t), &s3.PutObjectInput{Bucket: &e.bucket, Key: &key, Body: strings.NewReader("old")}); err != nil {
		t.Fatal(err)
	}
}

func wantPgError(t *testing.T, err error, code, msg string) {
	t.Helper()
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != code || !strings.Contains(pe.Message, msg) {
		t.Fatalf("got %v, want %s %q", err, code, msg)
	}
}

type manifest struct {
	Entries []struct {
		URL  string `json:"url"`
		Meta struct {
			ContentLength int64 `json:"content_length"`
			RecordCount   int64 `json:"record_count"`
		} `json:"meta"`
	} `json:"entries"`
	Schema struct {
		Elements []struct {
			Name string         `json:"name"`
			Type map[string]any `json:"type"`
		} `json:"elements"`
	} `json:"schema"`
	Meta struct {
		ContentLength int64 `json:"content_length"`
		RecordCount   int64 `json:"record_count"`
	} `json:"meta"`
}

func TestUnloadParquetTypesAndManifest(t *testing.T) {
	e := newUnloadEnv(t)
	e.exec(t, `CREATE TABLE every_type (
		id int, small smallint, big bigint, price decimal(12,2), huge numeric(38,6), r real, d double precision,
		flag boolean, name varchar(30), code char(3), day date, at timestamp, at_tz timestamptz,
		clock time, clock_tz timetz, doc super, raw varbyte(8), shape geometry)`)
	e.exec(t, `INSERT INTO every_type VALUES
		(1, -2, 9000000000, 1234.56, 12345678901234567890123456789012.123456, 1.5, 2.25,
		 true, 'it''s', 'ab', '2024-02-29', '2024-01-02 03:04:05.123456', '2024-06-01 12:00:00+02',
		 '13:14:15.5', '10:00:00+02', json_parse('{"a": [1, "x"]}'), '\xdeadbeef'::varbyte, 'POINT(1 2)'),
		(2, NULL, NULL, -0.05, -1.000001, NULL, NULL, false, 'skip me', NULL, '1969-12-31', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
		(3, 3, 3, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`)
	// the SELECT text with '' escaping, including a quote inside a literal
	e.exec(t, `UNLOAD ('SELECT * FROM every_type WHERE name <> ''skip me'' OR name IS NULL OR name = ''it''''s'' ORDER BY id')
		TO 's3://`+e.bucket+`/out/t_' IAM_ROLE 'arn:aws:iam::123456789012:role/MyRedshiftRole'
		FORMAT AS PARQUET MANIFEST VERBOSE`)
	keys := e.keys(t, "out/")
	want := []string{"out/t_0000_part_00.parquet", "out/t_0001_part_00.parquet", "out/t_manifest"}
	if strings.Join(keys, ",") != strings.Join(want, ",") {
		t.Fatalf("objects %v, want %v", keys, want)
	}
	var m manifest
	if err := json.Unmarshal(e.get(t, "out/t_manifest"), &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Entries) != 2 || m.Entries[0].URL != "s3://"+e.bucket+"/out/t_0000_part_00.parquet" || m.Meta.RecordCount != 2 ||
		m.Entries[0].Meta.RecordCount+m.Entries[1].Meta.RecordCount != 2 {
		t.Fatalf("manifest %+v", m)
	}
	var total int64
	rows := map[int32]parquet.Row{}
	var schema *parquet.Schema
	for i, en := range m.Entries {
		body := e.get(t, strings.TrimPrefix(en.URL, "s3://"+e.bucket+"/"))
		if int64(len(body)) != en.Meta.ContentLength {
			t.Fatalf("entry %d content_length %d, object %d", i, en.Meta.ContentLength, len(body))
		}
		total += en.Meta.ContentLength
		f, err := parquet.OpenFile(bytes.NewReader(body), int64(len(body)))
		if err != nil {
			t.Fatal(err)
		}
		schema = f.Schema()
		r := parquet.NewReader(f)
		for k := 0; k < 10; k++ {
			buf := make([]parquet.Row, 1)
			n, err := r.ReadRows(buf)
			if n == 1 {
				rows[buf[0][0].Int32()] = buf[0]
			}
			if err != nil {
				break
			}
		}
	}
	if total != m.Meta.ContentLength {
		t.Fatalf("meta content_length %d, sum %d", m.Meta.ContentLength, total)
	}
	if len(rows) != 2 || rows[1] == nil || rows[3] == nil {
		t.Fatalf("rows %v", rows)
	}
	// column order and Parquet types
	wantTypes := []string{"INT(32,true)", "INT(16,true)", "INT(64,true)", "DECIMAL(12,2)", "DECIMAL(38,6)", "FLOAT", "DOUBLE",
		"BOOLEAN", "STRING", "STRING", "DATE", "TIMESTAMP(isAdjustedToUTC=false,unit=MICROS)", "TIMESTAMP(isAdjustedToUTC=true,unit=MICROS)",
		"TIME(isAdjustedToUTC=false,unit=MICROS)", "TIME(isAdjustedToUTC=true,unit=MICROS)", "STRING", "BYTE_ARRAY", "STRING"}
	fields := schema.Fields()
	if len(fields) != len(wantTypes) || fields[0].Name() != "id" || fields[17].Name() != "shape" {
		t.Fatalf("schema %v", schema)
	}
	for i, f := range fields {
		got := f.Type().String()
		if lt := f.Type().LogicalType(); lt != nil {
			got = lt.String()
		}
		if strings.ReplaceAll(got, " ", "") != wantTypes[i] {
			t.Errorf("column %s: Parquet type %s, want %s", f.Name(), got, wantTypes[i])
		}
		if !f.Optional() {
			t.Errorf("column %s not optional", f.Name())
		}
	}
	r1 := rows[1]
	if r1[1].Int32() != -2 || r1[2].Int64() != 9000000000 || r1[3].Int64() != 123456 {
		t.Errorf("ints/decimal: %v %v %v", r1[1], r1[2], r1[3])
	}
	huge, _ := new(big.Int).SetString("12345678901234567890123456789012123456", 10)
	if got := new(big.Int).SetBytes(r1[4].ByteArray()); got.Cmp(huge) != 0 {
		t.Errorf("huge decimal %v", got)
	}
	if r1[5].Float() != 1.5 || r1[6].Double() != 2.25 || !r1[7].Boolean() || string(r1[8].ByteArray()) != "it's" || string(r1[9].ByteArray()) != "ab " {
		t.Errorf("scalars: %v", r1[5:10])
	}
	if r1[10].Int32() != int32(time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC).Unix()/86400) {
		t.Errorf("date %v", r1[10])
	}
	if r1[11].Int64() != time.Date(2024, 1, 2, 3, 4, 5, 123456000, time.UTC).UnixMicro() {
		t.Errorf("timestamp %v", r1[11])
	}
	if r1[12].Int64() != time.Date(2024, 6, 1, 10, 0, 0, 0, time.UTC).UnixMicro() {
		t.Errorf("timestamptz (UTC) %v", r1[12])
	}
	if r1[13].Int64() != (13*3600+14*60+15)*1e6+500000 || r1[14].Int64() != 8*3600*1e6 {
		t.Errorf("times %v %v", r1[13], r1[14])
	}
	if string(r1[15].ByteArray()) != `{"a": [1, "x"]}` || !bytes.Equal(r1[16].ByteArray(), []byte{0xde, 0xad, 0xbe, 0xef}) || string(r1[17].ByteArray()) != "POINT(1 2)" {
		t.Errorf("super/varbyte/geometry %q %v %q", r1[15].ByteArray(), r1[16].ByteArray(), r1[17].ByteArray())
	}
	r3 := rows[3]
	if !r3[7].IsNull() || !r3[8].IsNull() || !r3[15].IsNull() || r3[3].Int64() != 0 {
		t.Errorf("nulls %v", r3)
	}
	// the verbose manifest's schema names Redshift types
	types := map[string]any{}
	for _, el := range m.Schema.Elements {
		types[el.Name] = el.Type["base"]
	}
	if types["price"] != "numeric" || types["name"] != "character varying" || types["doc"] != "super" || types["at_tz"] != "timestamp with time zone" || types["raw"] != "binary varying" {
		t.Errorf("manifest schema %v", m.Schema.Elements)
	}
}

func TestUnloadOverwriteCleanpathAndNames(t *testing.T) {
	e := newUnloadEnv(t)
	e.exec(t, `CREATE TABLE t (a int, b varchar(10))`)
	e.exec(t, `INSERT INTO t VALUES (1, 'x'), (2, 'y'), (3, 'z')`)
	ctx := ctxT(t)
	to := func(prefix string) string { return "s3://" + e.bucket + "/" + prefix }
	// PARALLEL OFF names files 000, 001…
	e.exec(t, `UNLOAD ('select * from t') TO '`+to("serial/")+`' IAM_ROLE default FORMAT PARQUET PARALLEL OFF MANIFEST`)
	if got := strings.Join(e.keys(t, "serial/"), ","); got != "serial/000.parquet,serial/manifest" {
		t.Fatalf("PARALLEL OFF objects: %s", got)
	}
	var m manifest
	if err := json.Unmarshal(e.get(t, "serial/manifest"), &m); err != nil || len(m.Entries) != 1 || m.Entries[0].Meta.RecordCount != 0 {
		t.Fatalf("non-verbose manifest: %s", e.get(t, "serial/manifest"))
	}
	var count int64
	if err := e.conn.QueryRow(ctx, "SELECT pg_last_unload_count()").Scan(&count); err != nil || count != 3 {
		t.Fatalf("pg_last_unload_count %d %v", count, err)
	}
	// Redshift's session settings are accepted
	for _, q := range []string{"SET query_group TO 'etl'", "SET enable_result_cache_for_session TO off", "RESET query_group"} {
		if _, err := e.conn.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	var qg string
	if err := e.conn.QueryRow(ctx, "SHOW enable_result_cache_for_session", pgx.QueryExecModeSimpleProtocol).Scan(&qg); err != nil || qg != "off" {
		t.Fatalf("SHOW: %q %v", qg, err)
	}
	// a non-empty destination is an error…
	_, err := e.conn.Exec(ctx, `UNLOAD ('select * from t') TO '`+to("serial/")+`' IAM_ROLE default FORMAT PARQUET PARALLEL OFF`)
	wantPgError(t, err, "XX000", "Specified unload destination on S3 is not empty. Consider using a different bucket / prefix, manually removing the target files in S3, or using the ALLOWOVERWRITE option.")
	// …and the session goes on
	if err := e.conn.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	// ALLOWOVERWRITE replaces what has the same names and leaves the rest
	e.put(t, "serial/stale.parquet")
	e.exec(t, `UNLOAD ('select * from t where a > 1') TO '`+to("serial/")+`' IAM_ROLE default FORMAT PARQUET PARALLEL OFF MANIFEST VERBOSE ALLOWOVERWRITE`)
	if got := strings.Join(e.keys(t, "serial/"), ","); got != "serial/000.parquet,serial/manifest,serial/stale.parquet" {
		t.Fatalf("ALLOWOVERWRITE objects: %s", got)
	}
	if err := json.Unmarshal(e.get(t, "serial/manifest"), &m); err != nil || m.Meta.RecordCount != 2 {
		t.Fatalf("manifest after ALLOWOVERWRITE: %s", e.get(t, "serial/manifest"))
	}
	// CLEANPATH removes everything under the prefix first
	e.exec(t, `UNLOAD ('select * from t') TO '`+to("serial/")+`' IAM_ROLE default FORMAT PARQUET CLEANPATH`)
	if got := strings.Join(e.keys(t, "serial/"), ","); got != "serial/0000_part_00.parquet,serial/0001_part_00.parquet" {
		t.Fatalf("CLEANPATH objects: %s", got)
	}
	_, err = e.conn.Exec(ctx, `UNLOAD ('select * from t') TO '`+to("x/")+`' IAM_ROLE default FORMAT PARQUET CLEANPATH ALLOWOVERWRITE`)
	wantPgError(t, err, "XX000", "CLEANPATH and ALLOWOVERWRITE cannot be used together")
	// authorization is required and checked
	_, err = e.conn.Exec(ctx, `UNLOAD ('select * from t') TO '`+to("x/")+`' FORMAT PARQUET`)
	wantPgError(t, err, "XX000", "Invalid credentials")
	_, err = e.conn.Exec(ctx, `UNLOAD ('select * from t') TO '`+to("x/")+`' IAM_ROLE 'not-an-arn' FORMAT PARQUET`)
	wantPgError(t, err, "XX000", "IAM_ROLE must be")
	// keys given in the statement are the ones used for the writes
	_, err = e.conn.Exec(ctx, `UNLOAD ('select * from t') TO '`+to("k/")+`' ACCESS_KEY_ID 'AKIAWRONG' SECRET_ACCESS_KEY 'wrong-secret' FORMAT PARQUET`)
	wantPgError(t, err, "XX000", "S3ServiceException")
	if strings.Contains(err.Error(), "wrong-secret") {
		t.Fatal("the secret key appears in the error")
	}
	e.exec(t, `UNLOAD ('select * from t') TO '`+to("k/")+`' ACCESS_KEY_ID '`+minioUser+`' SECRET_ACCESS_KEY '`+minioSecret+`' FORMAT PARQUET`)
	e.exec(t, `UNLOAD ('select * from t') TO '`+to("c/")+`' CREDENTIALS 'aws_access_key_id=`+minioUser+`;aws_secret_access_key=`+minioSecret+`' FORMAT AS PARQUET PARALLEL ON`)
	if len(e.keys(t, "k/")) != 2 || len(e.keys(t, "c/")) != 2 {
		t.Fatalf("keyed unloads: %v %v", e.keys(t, "k/"), e.keys(t, "c/"))
	}
	// only Parquet; a missing bucket; a failing query keeps Redshift's error
	_, err = e.conn.Exec(ctx, `UNLOAD ('select * from t') TO '`+to("csv/")+`' IAM_ROLE default FORMAT CSV`)
	wantPgError(t, err, "0A000", "PARQUET")
	_, err = e.conn.Exec(ctx, `UNLOAD ('select * from t') TO 's3://no-such-bucket-here/p' IAM_ROLE default FORMAT PARQUET`)
	wantPgError(t, err, "XX000", "bucket does not exist")
	_, err = e.conn.Exec(ctx, `UNLOAD ('select * from nosuch') TO '`+to("q/")+`' IAM_ROLE default FORMAT PARQUET`)
	wantPgError(t, err, "42P01", `relation "nosuch" does not exist`)
	// in a transaction, UNLOAD sees the transaction's rows; a failed UNLOAD aborts it
	tx, err := e.conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "INSERT INTO t VALUES (4, 'w')"); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `UNLOAD ('select * from t') TO '`+to("tx/")+`' IAM_ROLE default FORMAT PARQUET PARALLEL OFF MANIFEST VERBOSE`); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(e.get(t, "tx/manifest"), &m); err != nil || m.Meta.RecordCount != 4 {
		t.Fatalf("manifest in tx: %s", e.get(t, "tx/manifest"))
	}
	if _, err := tx.Exec(ctx, `UNLOAD ('select * from t') TO '`+to("tx/")+`' IAM_ROLE default FORMAT PARQUET`); err == nil {
		t.Fatal("want non-empty error")
	}
	_, err = tx.Exec(ctx, "SELECT 1")
	wantPgError(t, err, "25P02", "current transaction is aborted")
	_ = tx.Rollback(ctx)
	// extended protocol UNLOAD is refused with a clear message
	_, err = e.conn.Exec(ctx, `UNLOAD ('select * from t where a = $1') TO '`+to("p/")+`' IAM_ROLE default FORMAT PARQUET`, 1)
	wantPgError(t, err, "0A000", "simple query protocol")
}

func TestUnloadMaxFileSize(t *testing.T) {
	if testing.Short() {
		t.Skip("writes about 12 MB")
	}
	e := newUnloadEnv(t, func(c *Config) { c.Slices = 1 })
	// incompressible bytes: 128 per row, about 11.5 MB
	e.exec(t, `CREATE TABLE big AS WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 90000)
		SELECT i, decode(md5(random()::text) || md5(random()::text) || md5(random()::text) || md5(random()::text)
			|| md5(random()::text) || md5(random()::text) || md5(random()::text) || md5(random()::text), 'hex') AS s FROM r`)
	e.exec(t, `UNLOAD ('select * from big') TO 's3://`+e.bucket+`/big/' IAM_ROLE default FORMAT PARQUET MAXFILESIZE 5 MB MANIFEST VERBOSE`)
	keys := e.keys(t, "big/")
	if len(keys) < 3 || keys[0] != "big/0000_part_00.parquet" || keys[1] != "big/0000_part_01.parquet" {
		t.Fatalf("objects %v", keys)
	}
	var m manifest
	if err := json.Unmarshal(e.get(t, "big/manifest"), &m); err != nil {
		t.Fatal(err)
	}
	var rows int64
	for _, en := range m.Entries {
		t.Logf("%s %d bytes %d rows", en.URL, en.Meta.ContentLength, en.Meta.RecordCount)
		if en.Meta.ContentLength > 5*mb+mb/2 {
			t.Errorf("%s is %d bytes, over MAXFILESIZE", en.URL, en.Meta.ContentLength)
		}
		rows += en.Meta.RecordCount
	}
	if rows != 90000 || m.Meta.RecordCount != 90000 {
		t.Fatalf("rows %d / %d", rows, m.Meta.RecordCount)
	}
	_, err := e.conn.Exec(context.Background(), `UNLOAD ('select 1') TO 's3://`+e.bucket+`/small/' IAM_ROLE default FORMAT PARQUET MAXFILESIZE 1 MB`)
	wantPgError(t, err, "XX000", "MAXFILESIZE")
}

// TestTransactionSnapshot: as in Redshift, the statements of a transaction, UNLOAD
// among them, read the snapshot taken at its first query: a row another session
// commits meanwhile is seen by none of them, even when the client asked for READ
// COMMITTED (Redshift accepts the level and runs its own).
func TestTransactionSnapshot(t *testing.T) {
	e := newUnloadEnv(t)
	ctx := ctxT(t)
	e.exec(t, "CREATE TABLE snap (a int)")
	e.exec(t, "INSERT INTO snap VALUES (1), (2)")
	other := connect(t, e.srv)
	for _, begin := range []string{"BEGIN", "BEGIN READ ONLY", "BEGIN ISOLATION LEVEL READ COMMITTED", "START TRANSACTION ISOLATION LEVEL READ UNCOMMITTED"} {
		e.exec(t, begin)
		var before, after int
		if err := e.conn.QueryRow(ctx, "SELECT count(*) FROM snap").Scan(&before); err != nil {
			t.Fatal(err)
		}
		if _, err := other.Exec(ctx, "INSERT INTO snap VALUES (3)"); err != nil {
			t.Fatal(err)
		}
		prefix := fmt.Sprintf("snap%d/", len(begin))
		e.exec(t, `UNLOAD ('select * from snap') TO 's3://`+e.bucket+`/`+prefix+`' IAM_ROLE default FORMAT PARQUET PARALLEL OFF MANIFEST VERBOSE`)
		if err := e.conn.QueryRow(ctx, "SELECT count(*) FROM snap").Scan(&after); err != nil {
			t.Fatal(err)
		}
		e.exec(t, "COMMIT")
		var m manifest
		if err := json.Unmarshal(e.get(t, prefix+"manifest"), &m); err != nil {
			t.Fatal(err)
		}
		if after != before || m.Meta.RecordCount != int64(before) {
			t.Errorf("%s: %d rows at the first query, %d unloaded, %d at the last query; want one snapshot", begin, before, m.Meta.RecordCount, after)
		}
		var now int
		if err := e.conn.QueryRow(ctx, "SELECT count(*) FROM snap").Scan(&now); err != nil || now != before+1 {
			t.Errorf("%s: after COMMIT %d rows (%v), want %d", begin, now, err, before+1)
		}
	}
}
