package redshift

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/snowmigrate/snowmigrate/checksum"
	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/internal/testenv"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
)

// TestLocalRedshiftUnloadChecksum: UnloadChecksum returns the checksum of exactly the
// rows it unloaded, equal to ChecksumPartition's (itself equal to the extractor's,
// checksum_test.go) over the same range and filter: every type, a filter holding a
// quote, backslash and non-ASCII text (spliced into both the UNLOAD's quoted SELECT and
// the checksum query), and an empty range.
func TestLocalRedshiftUnloadChecksum(t *testing.T) {
	m := testenv.StartMinIO(t)
	m.CreateBucket(t, "unload")
	for _, kv := range m.WorkerEnv() {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	freshS3Client(t)
	rs := testenv.StartRedshift(t, testenv.RedshiftOptions{S3: m})
	rs.Exec(t, localTypesDDL, localTypesRows)
	s := openLocal(t, rs)
	s.unloadAuth = unloadAuth{role: config.UnloadRoleDefault}
	where := `vc IS NULL OR vc <> 'a''b"c ünï' OR vc = '\x'`
	for _, c := range []struct {
		name  string
		where *string
		part  migration.Partition
		rows  int64
	}{
		{"all types", nil, migration.Partition{Number: 1, Upper: []string{"4"}}, 4},
		{"hostile filter", &where, migration.Partition{Number: 2, Upper: []string{"4"}}, 3},
		{"empty range", nil, migration.Partition{Number: 3, Lower: []string{"100"}}, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			tc := config.TableConfig{Source: &config.Identifier{SchemaName: "public", TableName: "kinds"},
				Target: &config.Identifier{SchemaName: "PUBLIC", TableName: "KINDS"}, ColumnNamesToPartitionBy: []string{"id"},
				WhereClauseCriteria: c.where, Extraction: &config.Extraction{Strategy: config.ExtractionUnload, ExternalStage: "DB.S.STG"}}
			info, err := s.Introspect(ctxT(t), tc)
			if err != nil {
				t.Fatal(err)
			}
			url := "s3://unload/stage/" + migration.PartitionPath("mig", "db.public.kinds", c.part.Number) + "/"
			req := source.UnloadRequest{ExtractRequest: source.ExtractRequest{Table: tc, TableShape: info.TableShape, Partition: c.part}, URL: url}
			st, sum, err := s.UnloadChecksum(ctxT(t), req)
			if err != nil {
				t.Fatal(err)
			}
			parsed, err := checksum.Parse(sum)
			if err != nil || st.Rows != c.rows || parsed.Rows != c.rows {
				t.Fatalf("unloaded %d rows with checksum %q (%v), want %d rows", st.Rows, sum, err, c.rows)
			}
			want, n, err := s.ChecksumPartition(ctxT(t), req.ExtractRequest)
			if err != nil || n != c.rows || sum != want {
				t.Fatalf("UNLOAD's checksum %s, ChecksumPartition's %s over %d rows (%v)", sum, want, n, err)
			}
			if _, err := s.RemoveUnloaded(ctxT(t), url); err != nil {
				t.Fatal(err)
			}
		})
	}
	// the partition's row set matters: another range has another checksum
	tc := config.TableConfig{Source: &config.Identifier{SchemaName: "public", TableName: "kinds"},
		Target: &config.Identifier{SchemaName: "PUBLIC", TableName: "KINDS"}, ColumnNamesToPartitionBy: []string{"id"}}
	info, err := s.Introspect(ctxT(t), tc)
	if err != nil {
		t.Fatal(err)
	}
	req := func(lo, hi string) source.UnloadRequest {
		return source.UnloadRequest{ExtractRequest: source.ExtractRequest{Table: tc, TableShape: info.TableShape,
			Partition: migration.Partition{Number: 9, Lower: []string{lo}, Upper: []string{hi}}}, URL: "s3://unload/stage/other/"}
	}
	_, a, err := s.UnloadChecksum(ctxT(t), req("0", "2"))
	if err != nil {
		t.Fatal(err)
	}
	_, b, err := s.UnloadChecksum(ctxT(t), req("1", "3"))
	if err != nil || a == b {
		t.Fatalf("ranges (0,2] and (1,3] gave %s and %s (%v)", a, b, err)
	}
}

// freshS3Client drops the worker's S3 client (built once per process, from the
// environment) before and after the test: each test here has a MinIO of its own.
func freshS3Client(t *testing.T) {
	reset := func() { s3Once, s3Shared, s3Err = sync.Once{}, nil, nil }
	reset()
	t.Cleanup(reset)
}

// BenchmarkLocalRedshiftUnload: one partition of 100,000 rows unloaded without and with
// the checksum in its transaction, on the local Redshift (a PostgreSQL backend, so the
// figure says what the second scan costs there, not on a cluster).
func BenchmarkLocalRedshiftUnload(b *testing.B) {
	m := testenv.StartMinIO(b)
	m.CreateBucket(b, "unload")
	for _, kv := range m.WorkerEnv() {
		k, v, _ := strings.Cut(kv, "=")
		b.Setenv(k, v)
	}
	s3Once, s3Shared, s3Err = sync.Once{}, nil, nil
	b.Cleanup(func() { s3Once, s3Shared, s3Err = sync.Once{}, nil, nil })
	rs := testenv.StartRedshift(b, testenv.RedshiftOptions{S3: m})
	rs.Exec(b, `CREATE TABLE public.big (id integer NOT NULL, n decimal(12,2), d double precision, ts timestamp, v varchar(100))`,
		`INSERT INTO public.big WITH RECURSIVE r(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM r WHERE g < 100000)
		 SELECT g, g / 100.0, g * 1.5, timestamp '2020-01-01' + g * interval '1 second', 'value ' || g FROM r`)
	conn := &config.SourceConnection{Username: rs.User, Password: rs.Password, Database: rs.Database, Host: rs.Host, Port: rs.Port,
		SSLMode: "disable", AuthMethod: config.AuthStandard}
	opened, err := source.Open(context.Background(), config.PlatformRedshift, conn, source.OpenOptions{MaxConns: 2})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(opened.Close)
	s := opened.(*Source)
	s.unloadAuth = unloadAuth{role: config.UnloadRoleDefault}
	tc := config.TableConfig{Source: &config.Identifier{SchemaName: "public", TableName: "big"},
		Target: &config.Identifier{SchemaName: "PUBLIC", TableName: "BIG"}, ColumnNamesToPartitionBy: []string{"id"}}
	info, err := s.Introspect(context.Background(), tc)
	if err != nil {
		b.Fatal(err)
	}
	req := source.UnloadRequest{ExtractRequest: source.ExtractRequest{Table: tc, TableShape: info.TableShape,
		Partition: migration.Partition{Number: 1, Upper: []string{"100000"}}}, URL: "s3://unload/bench/1/"}
	for _, withSum := range []bool{false, true} {
		name := "unload"
		if withSum {
			name = "unload+checksum"
		}
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				st, _, err := s.unload(context.Background(), req, withSum)
				if err != nil || st.Rows != 100000 {
					b.Fatalf("%d rows: %v", st.Rows, err)
				}
			}
			b.ReportMetric(float64(100000*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
