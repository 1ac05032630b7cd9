package sourceside

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	_ "github.com/snowflakedb/gosnowflake"
	"go.temporal.io/sdk/temporal"

	"github.com/snowmigrate/snowmigrate/activities/sourceapi"
	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/internal/testenv"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source/parquetx"
	"github.com/snowmigrate/snowmigrate/source/postgres"
)

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func sourcePool(t *testing.T, setup string) *pgxpool.Pool {
	pg := testenv.Postgres(t)
	pool, err := pgxpool.New(ctxT(t), pg.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if _, err := pool.Exec(ctxT(t), setup); err != nil {
		t.Fatal(err)
	}
	return pool
}

// recordingStager records calls, for tests that need no Snowflake.
type recordingStager struct{ calls []string }

func (r *recordingStager) Remove(_ context.Context, p string) error {
	r.calls = append(r.calls, "REMOVE "+p)
	return nil
}
func (r *recordingStager) Put(_ context.Context, path, p string) error {
	if _, err := os.Stat(path); err != nil {
		return err
	}
	r.calls = append(r.calls, "PUT "+filepath.Base(path)+" "+p)
	return nil
}

func table(name string) config.TableConfig {
	return config.TableConfig{Source: &config.Identifier{SchemaName: "public", TableName: name},
		Target: &config.Identifier{TableName: name}, ColumnNamesToPartitionBy: []string{"id"}}
}

func TestActivitiesEndToEndWithRecordingStager(t *testing.T) {
	pool := sourcePool(t, `CREATE TABLE items (id int PRIMARY KEY, name text); INSERT INTO items SELECT i, 'n' || i FROM generate_series(1, 1000) i;`)
	st := &recordingStager{}
	a, err := New(Options{Source: &postgres.Source{Pool: pool, Dialect: postgres.NewDialect()}, Stager: st, WorkDir: t.TempDir(), HostQueue: "q/host-1"})
	if err != nil {
		t.Fatal(err)
	}
	tc := table("items")
	intro, err := a.Introspect(ctxT(t), sourceapi.IntrospectInput{Migration: "M1", Platform: "postgresql", Table: tc})
	if err != nil {
		t.Fatal(err)
	}
	if !intro.HasRows || len(intro.Columns) != 2 || intro.PrimaryKey[0] != "id" {
		t.Fatalf("intro = %+v", intro)
	}
	plan, err := a.PlanPartitions(ctxT(t), sourceapi.PlanPartitionsInput{Migration: "M1", Platform: "postgresql", Table: tc, TableShape: intro.TableShape, FirstNumber: 1, MaxPartitions: 10})
	if err != nil || !plan.Done || len(plan.Partitions) != 1 {
		t.Fatalf("plan = %+v, %v", plan, err)
	}
	in := sourceapi.ExtractInput{Migration: "M1", Platform: "postgresql", TableKey: "db.public.items", Table: tc, TableShape: intro.TableShape, Partition: plan.Partitions[0]}
	// A stale file from a previous attempt is replaced.
	dir := a.partitionDir("M1", "db.public.items", 1)
	_ = os.MkdirAll(dir, 0o700)
	_ = os.WriteFile(filepath.Join(dir, "part-00007.parquet"), []byte("stale"), 0o600)
	ex, err := a.Extract(ctxT(t), in)
	if err != nil {
		t.Fatal(err)
	}
	if ex.Rows != 1000 || ex.HostQueue != "q/host-1" || len(ex.Files) != 1 {
		t.Fatalf("extract = %+v", ex)
	}
	if _, err := os.Stat(filepath.Join(dir, "part-00007.parquet")); !os.IsNotExist(err) {
		t.Fatal("stale file of a previous attempt survived")
	}
	prefix := migration.StagePath("DB.SCH.STAGE", "M1", "db.public.items", 1)
	up, err := a.Upload(ctxT(t), sourceapi.UploadInput{Migration: "M1", TableKey: "db.public.items", Partition: 1, Files: ex.Files, StagePrefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	if len(st.calls) != 2 || !strings.HasPrefix(st.calls[0], "REMOVE "+prefix) || st.calls[1] != "PUT part-00000.parquet "+prefix {
		t.Fatalf("stager calls %v", st.calls)
	}
	if len(up.Files) != 1 || up.Bytes != ex.Bytes {
		t.Fatalf("upload = %+v", up)
	}
	if _, err := os.Stat(ex.Files[0].Path); !os.IsNotExist(err) {
		t.Fatal("local file not deleted after upload")
	}
}

func TestActivitiesErrorsAreNonRetryable(t *testing.T) {
	pool := sourcePool(t, `CREATE TABLE items (id int, d date); INSERT INTO items VALUES (1, 'infinity');`)
	a, err := New(Options{Source: &postgres.Source{Pool: pool, Dialect: postgres.NewDialect()}, Stager: &recordingStager{}, WorkDir: t.TempDir(), HostQueue: "q/h"})
	if err != nil {
		t.Fatal(err)
	}
	check := func(err error, typ string, mention string) {
		t.Helper()
		var ae *temporal.ApplicationError
		if !errors.As(err, &ae) || !ae.NonRetryable() || ae.Type() != typ || !strings.Contains(ae.Error(), mention) {
			t.Fatalf("err = %v, want non-retryable %s mentioning %q", err, typ, mention)
		}
	}
	_, err = a.Introspect(ctxT(t), sourceapi.IntrospectInput{Platform: "redshift", Table: table("items")})
	check(err, migration.ErrTypeWrongPlatform, "redshift")
	_, err = a.Introspect(ctxT(t), sourceapi.IntrospectInput{Platform: "postgresql", Table: table("nothere")})
	check(err, migration.ErrTypeSourceMissing, "nothere")
	bad := table("items")
	w := "id = = 1"
	bad.WhereClauseCriteria = &w
	_, err = a.Introspect(ctxT(t), sourceapi.IntrospectInput{Platform: "postgresql", Table: bad})
	check(err, migration.ErrTypeConfig, "whereClauseCriteria")
	intro, err := a.Introspect(ctxT(t), sourceapi.IntrospectInput{Platform: "postgresql", Table: table("items")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = a.Extract(ctxT(t), sourceapi.ExtractInput{Migration: "M", Platform: "postgresql", TableKey: "k", Table: table("items"), TableShape: intro.TableShape, Partition: migration.Partition{Number: 1}})
	check(err, migration.ErrTypeConfig, `"d"`)
}

// TestUploadToEmulatorStage runs PUT/REMOVE through the real gosnowflake driver
// against the emulator and checks the stage listing.
func TestUploadToEmulatorStage(t *testing.T) {
	emu := testenv.Emulator(t)
	db := emu.DB(t, "", "")
	for _, q := range []string{"CREATE DATABASE IF NOT EXISTS MIG", "CREATE SCHEMA IF NOT EXISTS MIG.DM", "CREATE STAGE IF NOT EXISTS MIG.DM.MIGRATION_STAGE"} {
		if _, err := db.ExecContext(ctxT(t), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	pool := sourcePool(t, `CREATE TABLE items (id int, payload text); INSERT INTO items SELECT i, repeat(md5(i::text), 4) FROM generate_series(1, 20000) i;`)
	a, err := New(Options{Source: &postgres.Source{Pool: pool, Dialect: postgres.NewDialect(),
		Writer: parquetx.Options{RowGroupRows: 2000, TargetFileBytes: 64 << 10}}, Stager: SQLStager{DB: db}, WorkDir: t.TempDir(), HostQueue: "q/h"})
	if err != nil {
		t.Fatal(err)
	}
	tc := table("items")
	intro, err := a.Introspect(ctxT(t), sourceapi.IntrospectInput{Platform: "postgresql", Table: tc})
	if err != nil {
		t.Fatal(err)
	}
	in := sourceapi.ExtractInput{Migration: "M1", Platform: "postgresql", TableKey: "db.public.items", Table: tc, TableShape: intro.TableShape, Partition: migration.Partition{Number: 3}}
	prefix := migration.StagePath("MIG.DM.MIGRATION_STAGE", "M1", "db.public.items", 3)
	// Partition 30 shares partition 3's path as a string prefix: its files must
	// survive partition 3's REMOVE.
	in30 := in
	in30.Partition.Number = 30
	prefix30 := migration.StagePath("MIG.DM.MIGRATION_STAGE", "M1", "db.public.items", 30)
	ex30, err := a.Extract(ctxT(t), in30)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Upload(ctxT(t), sourceapi.UploadInput{Migration: "M1", TableKey: "db.public.items", Partition: 30, Files: ex30.Files, StagePrefix: prefix30}); err != nil {
		t.Fatal(err)
	}
	var names []string
	for attempt := 0; attempt < 2; attempt++ { // the second attempt replaces the first
		ex, err := a.Extract(ctxT(t), in)
		if err != nil {
			t.Fatal(err)
		}
		if len(ex.Files) < 2 {
			t.Fatalf("expected several files, got %d", len(ex.Files))
		}
		if _, err := a.Upload(ctxT(t), sourceapi.UploadInput{Migration: "M1", TableKey: "db.public.items", Partition: 3, Files: ex.Files, StagePrefix: prefix}); err != nil {
			t.Fatal(err)
		}
		names = names[:0]
		for _, f := range ex.Files {
			names = append(names, f.Name)
		}
	}
	if got := list(t, db, prefix30+"/"); len(got) != len(ex30.Files) {
		t.Fatalf("partition 30 lists %v after partition 3's uploads, want %d files", got, len(ex30.Files))
	}
	listed := list(t, db, prefix+"/")
	sort.Strings(listed)
	if len(listed) != len(names) {
		t.Fatalf("stage lists %v, want %v", listed, names)
	}
	for i, n := range names {
		if !strings.HasSuffix(listed[i], "/3/"+n) {
			t.Fatalf("stage lists %v, want %v", listed, names)
		}
	}
}

func list(t *testing.T, db *sql.DB, prefix string) []string {
	rows, err := db.QueryContext(ctxT(t), "LIST "+prefix)
	if err != nil {
		t.Fatalf("LIST %s: %v", prefix, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = append(out, vals[0].String)
	}
	return out
}
