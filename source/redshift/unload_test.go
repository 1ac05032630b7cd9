package redshift

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
)

func unloadRequest() source.ExtractRequest {
	where := "is_deleted = 0 OR note = 'a\\b'"
	return source.ExtractRequest{
		Table: config.TableConfig{WhereClauseCriteria: &where},
		TableShape: migration.TableShape{
			Source: migration.TableRef{Database: "shop", Schema: "Sales", Table: "order"},
			Columns: []migration.Column{
				{SourceName: "id", SourceType: "bigint", TargetName: "ID", TargetType: "NUMBER(19,0)"},
				{SourceName: "Region", SourceType: "character varying(20)", TargetName: "Region", TargetType: "VARCHAR(20)"},
				{SourceName: "at", SourceType: "timestamp with time zone", TargetName: "AT", TargetType: "TIMESTAMP_TZ(6)"},
				{SourceName: "doc", SourceType: "super", TargetName: "DOC", TargetType: "VARIANT"},
				{SourceName: "blob", SourceType: "varbyte(100)", TargetName: "BLOB", TargetType: "BINARY"},
				{SourceName: "shape", SourceType: "geometry", TargetName: "SHAPE", TargetType: "VARCHAR"},
			},
			PartitionBy: []int{0},
		},
		Partition: migration.Partition{Number: 3, Lower: []string{"100"}, Upper: []string{"200"}},
	}
}

// TestUnloadGoldenSQL: the SELECT with aliased fields, quoted into UNLOAD with the
// partition's location and a placeholder authorization (the real one is a secret).
func TestUnloadGoldenSQL(t *testing.T) {
	d := NewDialect()
	q, fields, err := d.UnloadSelectSQL(unloadRequest())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(fields, ",") != "c0,c1,c2,c3,c4,c5" {
		t.Errorf("fields %v", fields)
	}
	got := d.UnloadSQL(q, "s3://bucket/unload/mig/shop.sales.order/3/", "IAM_ROLE 'arn:aws:iam::123456789012:role/unload'") + "\n"
	path := filepath.Join("testdata", "unload.sql")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != got {
		t.Errorf("UNLOAD differs from %s:\n--- got\n%s--- want\n%s", path, got, want)
	}
}

func TestUnloadAuthClause(t *testing.T) {
	q := NewDialect().QuoteLiteral
	for _, c := range []struct {
		a    unloadAuth
		want string
	}{
		{unloadAuth{role: "default"}, "IAM_ROLE default"},
		{unloadAuth{role: "arn:aws:iam::1:role/r"}, "IAM_ROLE 'arn:aws:iam::1:role/r'"},
		{unloadAuth{keyID: "AKIA", secret: "s3cr3t"}, "ACCESS_KEY_ID 'AKIA' SECRET_ACCESS_KEY 's3cr3t'"},
	} {
		if got, err := c.a.clause(q); err != nil || got != c.want {
			t.Errorf("%+v: %q %v", c.want, got, err)
		}
	}
	if _, err := (unloadAuth{}).clause(q); !errors.Is(err, source.ErrConfig) || !strings.Contains(err.Error(), "unload_iam_role") {
		t.Errorf("no authorization: %v", err)
	}
	a := unloadAuth{keyID: "AKIA", secret: "s3cr3t"}
	err := a.scrub(errors.New("syntax error near SECRET_ACCESS_KEY 's3cr3t'"))
	if strings.Contains(err.Error(), "s3cr3t") || errors.Unwrap(err) != nil {
		t.Errorf("scrubbed error %q still leads to the secret", err)
	}
	if err := a.scrub(errors.Join(source.ErrPermission, errors.New("s3cr3t"))); !errors.Is(err, source.ErrPermission) {
		t.Errorf("scrub lost the sentinel: %v", err)
	}
}

func TestManifestFiles(t *testing.T) {
	var m manifest
	base := "s3://b/p/3/"
	m.Entries = append(m.Entries, m.Entries...)
	add := func(url string, rows, bytes int64) {
		e := struct {
			URL  string `json:"url"`
			Meta struct {
				ContentLength int64 `json:"content_length"`
				RecordCount   int64 `json:"record_count"`
			} `json:"meta"`
		}{URL: url}
		e.Meta.ContentLength, e.Meta.RecordCount = bytes, rows
		m.Entries = append(m.Entries, e)
	}
	add(base+"0000_part_00.parquet", 10, 100)
	add(base+"0001_part_00.parquet", 5, 50)
	m.Meta.RecordCount = 15
	files, rows, bytes, err := m.files(base)
	if err != nil || rows != 15 || bytes != 150 || len(files) != 2 || files[1].Name != "0001_part_00.parquet" {
		t.Fatalf("%v %d %d %v", files, rows, bytes, err)
	}
	m.Meta.RecordCount = 16
	if _, _, _, err := m.files(base); err == nil {
		t.Error("totals that disagree were accepted")
	}
	m.Meta.RecordCount = 0
	add("s3://b/p/3/deeper/x.parquet", 1, 1)
	if _, _, _, err := m.files(base); err == nil {
		t.Error("a file outside the partition's prefix was accepted")
	}
	if _, err := parseS3URL("https://b/p/"); !errors.Is(err, source.ErrConfig) {
		t.Errorf("non-S3 location: %v", err)
	}
	if l, err := parseS3URL("s3://bucket/a/b/"); err != nil || l.bucket != "bucket" || l.prefix != "a/b/" {
		t.Errorf("%+v %v", l, err)
	}
}
