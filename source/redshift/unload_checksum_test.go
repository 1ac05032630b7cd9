package redshift

import (
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
