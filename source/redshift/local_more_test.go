package redshift

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/internal/testenv"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
)

// emulatorGap skips a test on a feature the local Redshift does not have yet, naming
// it; anything else fails the test.
func emulatorGap(t *testing.T, err error, what string, markers ...string) {
	t.Helper()
	for _, m := range markers {
		if err != nil && strings.Contains(err.Error(), m) {
			t.Skipf("local Redshift lacks %s: %v", what, err)
		}
	}
}

// TestLocalRedshiftVarbyteGeometry: VARBYTE travels as to_hex (decoded to BINARY),
// GEOMETRY as ST_AsText (WKT).
func TestLocalRedshiftVarbyteGeometry(t *testing.T) {
	rs := testenv.StartRedshift(t, testenv.RedshiftOptions{})
	rs.Exec(t, `CREATE TABLE public.blobs (id integer NOT NULL, vb varbyte(16), g geometry)`,
		`INSERT INTO public.blobs VALUES (1, '\x00ff10'::varbyte, 'POINT(1 2)'), (2, NULL, NULL)`)
	s := openLocal(t, rs)
	tc := config.TableConfig{Source: &config.Identifier{SchemaName: "public", TableName: "blobs"},
		Target: &config.Identifier{SchemaName: "PUBLIC", TableName: "BLOBS"}, ColumnNamesToPartitionBy: []string{"id"}}
	info, err := s.Introspect(ctxT(t), tc)
	if err != nil {
		t.Fatalf("introspect: %v", err)
	}
	if info.Columns[1].TargetType != "BINARY" || info.Columns[2].TargetType != "VARCHAR" {
		t.Errorf("mapping %+v", info.Columns)
	}
	dir := filepath.Join(t.TempDir(), "p")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	st, err := s.Extract(ctxT(t), source.ExtractRequest{Table: tc, TableShape: info.TableShape, Partition: migration.Partition{Number: 1}}, dir, nil)
	emulatorGap(t, err, "to_hex(varbyte) or ST_AsText(geometry)", "does not exist")
	if err != nil {
		t.Fatal(err)
	}
	rows := readParquet(t, st.Files)
	if len(rows) != 2 {
		t.Fatalf("%d rows", len(rows))
	}
	for _, r := range rows {
		if r["ID"] == "1" && (r["VB"] != "\x00\xff\x10" || r["G"] != "POINT(1 2)") {
			t.Errorf("row 1: %q", r)
		}
	}
}

// TestLocalRedshiftIAMLogin: auth_method iam-provisioned-cluster logs in with the
// temporary user and password GetClusterCredentials issues (AWS_ENDPOINT_URL_REDSHIFT
// points the SDK at the local Redshift's --iam-endpoint); a wrong secret key is a
// credentials error that names neither secret.
func TestLocalRedshiftIAMLogin(t *testing.T) {
	m := testenv.StartMinIO(t)
	rs := testenv.StartRedshift(t, testenv.RedshiftOptions{S3: m, IAM: true})
	if rs.IAMEndpoint == "" {
		t.Skip("local Redshift serves no IAM endpoint")
	}
	t.Setenv(EndpointEnv, rs.IAMEndpoint)
	rs.Exec(t, `CREATE TABLE public.t (id integer)`, `INSERT INTO public.t VALUES (1), (2)`, `GRANT SELECT ON public.t TO PUBLIC`)
	conn := &config.SourceConnection{Username: "migrator", Database: rs.Database, Host: rs.Host, Port: rs.Port, SSLMode: "disable",
		AuthMethod: config.AuthIAMProvisionedCluster, ClusterID: rs.ClusterID, Region: "us-east-1",
		AccessKeyID: m.AccessKey, SecretAccessKey: m.SecretKey, AutoCreate: true}
	s, err := source.Open(ctxT(t), config.PlatformRedshift, conn, source.OpenOptions{MaxConns: 2})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer s.Close()
	tc := config.TableConfig{Source: &config.Identifier{SchemaName: "public", TableName: "t"},
		Target: &config.Identifier{SchemaName: "PUBLIC", TableName: "T"}, ColumnNamesToPartitionBy: []string{"id"}}
	info, err := s.Introspect(ctxT(t), tc)
	emulatorGap(t, err, "GetClusterCredentials", "not implemented", "404", "connection refused")
	if err != nil {
		t.Fatalf("introspect over an IAM login: %v", err)
	}
	if n, _, err := s.CountRows(ctxT(t), source.CountRequest{Table: tc, TableShape: info.TableShape}); err != nil || n != 2 {
		t.Fatalf("count %d %v", n, err)
	}
	bad := *conn
	bad.SecretAccessKey = "wrong-secret-key-value"
	s2, err := source.Open(ctxT(t), config.PlatformRedshift, &bad, source.OpenOptions{MaxConns: 1})
	if err == nil {
		_, err = s2.Introspect(ctxT(t), tc)
		s2.Close()
	}
	if err == nil || !strings.Contains(err.Error(), "GetClusterCredentials") {
		t.Fatalf("wrong secret: %v", err)
	}
	if strings.Contains(err.Error(), bad.SecretAccessKey) || strings.Contains(err.Error(), m.SecretKey) {
		t.Fatalf("error shows a secret: %v", err)
	}
}

// TestLocalRedshiftUnload: UNLOAD writes the partition under its prefix with a
// manifest; the worker reads the manifest through its own S3 client; a second
// UNLOAD (a retry) replaces the first (CLEANPATH); RemoveUnloaded clears the prefix.
func TestLocalRedshiftUnload(t *testing.T) {
	m := testenv.StartMinIO(t)
	m.CreateBucket(t, "unload")
	for _, kv := range m.WorkerEnv() {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	rs := testenv.StartRedshift(t, testenv.RedshiftOptions{S3: m})
	rs.Exec(t, localTypesDDL, localTypesRows)
	s := openLocal(t, rs)
	s.unloadAuth = unloadAuth{role: config.UnloadRoleDefault}
	tc := config.TableConfig{Source: &config.Identifier{SchemaName: "public", TableName: "kinds"},
		Target: &config.Identifier{SchemaName: "PUBLIC", TableName: "KINDS"}, ColumnNamesToPartitionBy: []string{"id"},
		Extraction: &config.Extraction{Strategy: config.ExtractionUnload, ExternalStage: "DB.S.STG"}}
	info, err := s.Introspect(ctxT(t), tc)
	if err != nil {
		t.Fatal(err)
	}
	url := "s3://unload/stage/" + migration.PartitionPath("mig", "db.public.kinds", 1) + "/"
	req := source.UnloadRequest{ExtractRequest: source.ExtractRequest{Table: tc, TableShape: info.TableShape,
		Partition: migration.Partition{Number: 1, Upper: []string{"3"}}}, URL: url}
	for round := 1; round <= 3; round++ {
		if round == 3 { // the key-pair authorization; a failing UNLOAD never shows the secret
			s.unloadAuth = unloadAuth{keyID: m.AccessKey, secret: m.SecretKey}
		}
		st, err := s.Unload(ctxT(t), req)
		emulatorGap(t, err, "UNLOAD", "not implemented")
		if err != nil {
			t.Fatalf("unload round %d: %v", round, err)
		}
		if st.Rows != 3 || len(st.Files) == 0 || len(st.Fields) != len(info.Columns) || st.Fields[0] != "c0" {
			t.Fatalf("round %d: %+v", round, st)
		}
		for _, f := range st.Files {
			if !strings.HasSuffix(f.Name, ".parquet") || strings.Contains(f.Name, "/") {
				t.Errorf("file %q", f.Name)
			}
		}
		keys := m.Keys(t, "unload", "stage/")
		if len(keys) != len(st.Files)+1 {
			t.Fatalf("round %d: objects %v for %d files + manifest", round, keys, len(st.Files))
		}
	}
	s.unloadAuth = unloadAuth{keyID: m.AccessKey, secret: "Wrong'Secret"}
	bad := req
	bad.URL = "s3://no-such-bucket/x/"
	if _, err := s.Unload(ctxT(t), bad); err == nil || strings.Contains(err.Error(), "Wrong") {
		t.Errorf("UNLOAD with a bad key pair to a missing bucket: %v", err)
	}
	n, err := s.RemoveUnloaded(context.Background(), url)
	if err != nil || n == 0 {
		t.Fatalf("remove: %d %v", n, err)
	}
	if keys := m.Keys(t, "unload", "stage/"); len(keys) != 0 {
		t.Fatalf("left behind: %v", keys)
	}
}

// TestLocalRedshiftUnloadPartitionsAreLarger: partitionSize "auto" plans larger
// partitions for UNLOAD than for the cursor (nothing passes through the worker).
func TestLocalRedshiftUnloadPartitionsAreLarger(t *testing.T) {
	rs := testenv.StartRedshift(t, testenv.RedshiftOptions{})
	vals := make([]string, 3000)
	for i := range vals {
		vals[i] = fmt.Sprintf("(%d, 'value %d')", i+1, i+1)
	}
	rs.Exec(t, `CREATE TABLE public.big (id integer NOT NULL, v varchar(100))`, "INSERT INTO public.big VALUES "+strings.Join(vals, ", "))
	s := openLocal(t, rs)
	tc := config.TableConfig{Source: &config.Identifier{SchemaName: "public", TableName: "big"},
		Target: &config.Identifier{SchemaName: "PUBLIC", TableName: "BIG"}, ColumnNamesToPartitionBy: []string{"id"},
		PartitionSize: &config.PartitionSize{Auto: true}}
	info, err := s.Introspect(ctxT(t), tc)
	if err != nil {
		t.Fatal(err)
	}
	plan := func(tc config.TableConfig) int64 {
		p, err := s.PlanPartitions(ctxT(t), source.PlanRequest{Table: tc, TableShape: info.TableShape, MaxPartitions: 10})
		if err != nil {
			t.Fatal(err)
		}
		return p.RowsPerPartition
	}
	regular := plan(tc)
	tc.Extraction = &config.Extraction{Strategy: config.ExtractionUnload, ExternalStage: "DB.S.STG"}
	if unload := plan(tc); unload <= regular {
		t.Errorf("rows per partition: unload %d, regular %d; want UNLOAD's larger", unload, regular)
	}
}
