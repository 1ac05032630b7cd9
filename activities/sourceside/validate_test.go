package sourceside

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"go.temporal.io/sdk/temporal"

	"github.com/snowmigrate/snowmigrate/activities/sourceapi"
	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
)

// validatingSource profiles and checksums with fixed answers (the SQL is tested on a
// real PostgreSQL in source/postgres; this tests the activity boundary).
type validatingSource struct {
	plainSource
	sumErr error
}

func (validatingSource) ProfileColumns(_ context.Context, req source.ProfileRequest) ([]source.ColumnMetrics, error) {
	out := make([]source.ColumnMetrics, len(req.Columns))
	for i, c := range req.Columns {
		out[i] = source.ColumnMetrics{Column: c.TargetName, Kind: source.MetricNumber, Count: int64(i + 1)}
	}
	return out, nil
}

func (validatingSource) PartitionSQL(req source.ExtractRequest) (string, error) {
	return fmt.Sprintf("SELECT partition %d", req.Partition.Number), nil
}

func (validatingSource) RowSQL(_ source.ExtractRequest, _ []int, key string) (string, error) {
	if key == "bad" {
		return "", errors.New("no literal")
	}
	return "SELECT row " + key, nil
}

func (v validatingSource) ChecksumPartition(_ context.Context, req source.ExtractRequest) (string, int64, error) {
	return fmt.Sprintf("v1:%d:0:0", req.Partition.Number), int64(req.Partition.Number), v.sumErr
}

func TestValidationActivitiesUnsupported(t *testing.T) {
	a := &Activities{src: plainSource{}}
	shape := migration.TableShape{Columns: []migration.Column{{SourceName: "id", TargetName: "ID", TargetType: "NUMBER(10,0)"}}}
	p, err := a.ProfileColumns(context.Background(), sourceapi.ProfileColumnsInput{Platform: config.PlatformRedshift, TableShape: shape})
	if err != nil || !strings.Contains(p.Unsupported, "not supported for redshift") || p.Metrics != nil {
		t.Fatalf("a source without a Profiler: %+v %v", p, err)
	}
	c, err := a.ChecksumPartitions(context.Background(), sourceapi.ChecksumPartitionsInput{Platform: config.PlatformRedshift, TableShape: shape,
		Partitions: []migration.Partition{{Number: 1}}})
	if err != nil || !strings.Contains(c.Unsupported, "not supported for redshift") {
		t.Fatalf("a source without a Checksummer: %+v %v", c, err)
	}
	r, err := a.RowSQL(context.Background(), sourceapi.RowSQLInput{Platform: config.PlatformRedshift, Keys: []string{"1"}})
	if err != nil || len(r.SQL) != 1 || r.SQL[0] != "" {
		t.Fatalf("row SQL without a Profiler: %+v %v", r, err)
	}
	// A runtime that has the method but refuses the platform ("not implemented for
	// redshift", as the PostgreSQL runtime serving Redshift does) is a result too.
	a = &Activities{src: validatingSource{sumErr: fmt.Errorf("%w: the source checksum is not implemented for redshift yet", source.ErrConfig)}}
	c, err = a.ChecksumPartitions(context.Background(), sourceapi.ChecksumPartitionsInput{Platform: config.PlatformRedshift, TableShape: shape,
		Partitions: []migration.Partition{{Number: 1}}})
	if err != nil || !strings.Contains(c.Unsupported, "not implemented for redshift") {
		t.Fatalf("a refusing Checksummer: %+v %v", c, err)
	}
}

func TestValidationActivities(t *testing.T) {
	a := &Activities{src: validatingSource{}}
	shape := migration.TableShape{Columns: []migration.Column{{TargetName: "ID"}, {TargetName: "V"}}}
	p, err := a.ProfileColumns(context.Background(), sourceapi.ProfileColumnsInput{Platform: config.PlatformRedshift, TableShape: shape})
	if err != nil || len(p.Metrics) != 2 || p.Metrics[1].Column != "V" || p.Metrics[1].Count != 2 {
		t.Fatalf("%+v %v", p, err)
	}
	c, err := a.ChecksumPartitions(context.Background(), sourceapi.ChecksumPartitionsInput{Platform: config.PlatformRedshift, TableShape: shape,
		Partitions: []migration.Partition{{Number: 4}, {Number: 9}}})
	if err != nil || len(c.Checksums) != 2 || c.Checksums[1] != (sourceapi.PartitionChecksum{Number: 9, Checksum: "v1:9:0:0", Rows: 9, SQL: "SELECT partition 9"}) {
		t.Fatalf("%+v %v", c, err)
	}
	r, err := a.RowSQL(context.Background(), sourceapi.RowSQLInput{Platform: config.PlatformRedshift, Keys: []string{"1", "bad", "3"}})
	if err != nil || strings.Join(r.SQL, ",") != "SELECT row 1,,SELECT row 3" {
		t.Fatalf("%+v %v", r, err)
	}
	// A real failure is an error, mapped at the boundary; another platform's work is refused.
	a = &Activities{src: validatingSource{sumErr: source.ErrMissing}}
	var ae *temporal.ApplicationError
	if _, err := a.ChecksumPartitions(context.Background(), sourceapi.ChecksumPartitionsInput{Platform: config.PlatformRedshift,
		Partitions: []migration.Partition{{Number: 1}}}); !errors.As(err, &ae) || ae.Type() != migration.ErrTypeSourceMissing {
		t.Fatalf("missing table: %v", err)
	}
	if _, err := a.ProfileColumns(context.Background(), sourceapi.ProfileColumnsInput{Platform: config.PlatformPostgreSQL}); !errors.As(err, &ae) || ae.Type() != migration.ErrTypeWrongPlatform {
		t.Fatalf("another platform's work accepted: %v", err)
	}
}

// sqlValidatingSource streams its re-sync checksum (ChecksumPartition) and has a SQL
// form (ChecksumPartitionSQL), as PostgreSQL does.
type sqlValidatingSource struct{ validatingSource }

func (sqlValidatingSource) ChecksumPartitionSQL(_ context.Context, req source.ExtractRequest) (string, int64, error) {
	return fmt.Sprintf("v1:%d:1:1", req.Partition.Number), int64(req.Partition.Number), nil
}

// Validation level 3 takes the SQL form where a source has one: a checksum streamed
// through the extractor's decoding could not witness a decoding error.
func TestValidationChecksumPrefersSQL(t *testing.T) {
	a := &Activities{src: sqlValidatingSource{}}
	shape := migration.TableShape{Columns: []migration.Column{{SourceName: "id", TargetName: "ID", TargetType: "NUMBER(10,0)"}}}
	c, err := a.ChecksumPartitions(context.Background(), sourceapi.ChecksumPartitionsInput{Platform: config.PlatformRedshift, TableShape: shape,
		Partitions: []migration.Partition{{Number: 3}}})
	if err != nil || len(c.Checksums) != 1 || c.Checksums[0].Checksum != "v1:3:1:1" {
		t.Fatalf("validation with a SQL checksum: %+v %v, want the SQL form v1:3:1:1", c, err)
	}
}
