package workflows

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/activities/sourceapi"
	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/migration"
)

// unloadWorld adds the UNLOAD activities to the fake world: the stage's URL, an UNLOAD
// that reports one file per partition, and a load that checks it reads exactly those
// files from the external stage with the fields mapped by position.
type unloadWorld struct {
	*world
	unloads map[int]int
	urls    []string
	removed []string
	// checksums makes the UNLOAD return a value checksum per partition (as the Redshift
	// source's UnloadChecksum does); verified records the SourceChecksum each verify got.
	checksums bool
	verified  map[int]string
}

func (u *unloadWorld) RemoveUnloaded(_ context.Context, in sourceapi.RemoveUnloadedInput) (sourceapi.RemoveUnloadedResult, error) {
	u.mu.Lock()
	u.removed = append(u.removed, in.URL)
	u.mu.Unlock()
	return sourceapi.RemoveUnloadedResult{Removed: 2}, nil
}

func (u *unloadWorld) ExternalStageURL(_ context.Context, in snowflakeapi.ExternalStageURLInput) (snowflakeapi.ExternalStageURLResult, error) {
	u.count(snowflakeapi.ExternalStageURLName)
	if in.Stage != "DB.PUBLIC.UNLOAD_STG" {
		return snowflakeapi.ExternalStageURLResult{}, temporal.NewNonRetryableApplicationError("stage "+in.Stage, migration.ErrTypeConfig, nil)
	}
	return snowflakeapi.ExternalStageURLResult{URL: "s3://bucket/unload/", StageRef: "@DB.PUBLIC.UNLOAD_STG"}, nil
}

func (u *unloadWorld) Unload(_ context.Context, in sourceapi.UnloadInput) (sourceapi.UnloadResult, error) {
	u.count(sourceapi.UnloadName)
	t := u.table(in.TableKey)
	rows := t.RowsPer
	if in.Partition.NullKeys {
		rows = t.NullRows
	}
	u.mu.Lock()
	u.unloads[in.Partition.Number]++
	u.urls = append(u.urls, in.URL)
	u.mu.Unlock()
	if rows == 0 {
		return sourceapi.UnloadResult{Fields: []string{"c0", "c1"}}, nil
	}
	res := sourceapi.UnloadResult{Files: []string{fmt.Sprintf("r%d_0000_part_00.parquet", rangeIndex(t, in.Partition))}, Rows: rows, Bytes: rows * 10, Fields: []string{"c0", "c1"}}
	if u.checksums {
		res.Checksum = unloadChecksum(in.Partition.Number, rows)
	}
	return res, nil
}

// unloadChecksum is the fake source's checksum of a partition: distinct per partition.
func unloadChecksum(partition int, rows int64) string {
	return fmt.Sprintf("v1:%d:%d:1", rows, partition)
}

func (u *unloadWorld) VerifyPartition(ctx context.Context, in snowflakeapi.VerifyPartitionInput) (snowflakeapi.VerifyPartitionResult, error) {
	u.mu.Lock()
	if u.verified == nil {
		u.verified = map[int]string{}
	}
	u.verified[in.Partition.Number] = in.SourceChecksum
	u.mu.Unlock()
	return u.world.VerifyPartition(ctx, in)
}

func (u *unloadWorld) LoadPartition(ctx context.Context, in snowflakeapi.LoadPartitionInput) (snowflakeapi.LoadPartitionResult, error) {
	want := "@DB.PUBLIC.UNLOAD_STG/" + migration.PartitionPath(in.Migration, in.TableKey, in.Partition.Number)
	if in.StagePrefix != want || strings.Join(in.ParquetFields, ",") != "c0,c1" || len(in.Files) != 1 {
		return snowflakeapi.LoadPartitionResult{}, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("load of %s fields %v files %v, want %s", in.StagePrefix, in.ParquetFields, in.Files, want), migration.ErrTypeConfig, nil)
	}
	in.StagePrefix = migration.StagePath("SNOWCONVERT_AI.DATA_MIGRATION.MIGRATION_STAGE", in.Migration, in.TableKey, in.Partition.Number)
	res, err := u.world.LoadPartition(ctx, in)
	// Partition 2 stands for a retry whose partition an earlier attempt loaded: its own
	// unloaded files were neither loaded nor removed by the load.
	res.AlreadyLoaded = in.Partition.Number == 2
	return res, err
}

func TestTableUnloadMovesEveryPartitionOnceWithoutExtract(t *testing.T) {
	w := &unloadWorld{world: newWorld("snowmigrate-source/host-1"), unloads: map[int]int{}}
	w.add("events", &fakeTable{Partitions: 5, RowsPer: 100, NullRows: 3})
	c := migrationConfig("events")
	c.Tables[0].Extraction = &config.Extraction{Strategy: config.ExtractionUnload, ExternalStage: "DB.PUBLIC.UNLOAD_STG"}
	n, problems := config.Normalize(c, config.PlatformRedshift)
	if len(problems) > 0 {
		t.Fatalf("config: %v", problems)
	}
	in := TableInput{
		Migration: "m1", MigrationRunID: "run-1", ConnectionName: "local", SourcePlatform: config.PlatformRedshift,
		TaskQueueBase: DefaultTaskQueueBase, TableKey: config.TableKey(n.Tables[0]), Table: n.Tables[0],
		StageName: "SNOWCONVERT_AI.DATA_MIGRATION.MIGRATION_STAGE", Limits: Limits{PlanPageSize: 2, PartitionWindow: 3, MirrorBatch: 5},
	}
	var s testsuite.WorkflowTestSuite
	s.SetLogger(quietLogger())
	env := s.NewTestWorkflowEnvironment()
	env.RegisterWorkflowWithOptions(TableMigrationWorkflow, workflow.RegisterOptions{Name: TableMigrationWorkflowName})
	w.registerSource(env)
	w.registerHost(env)
	for name, fn := range map[string]any{
		snowflakeapi.EnsureMetadataName: w.EnsureMetadata, snowflakeapi.RecordWorkflowName: w.RecordWorkflow,
		snowflakeapi.PrepareTargetName: w.PrepareTarget, snowflakeapi.LoadPartitionName: w.LoadPartition,
		snowflakeapi.VerifyPartitionName: w.VerifyPartition, snowflakeapi.RecordTableName: w.RecordTable,
		snowflakeapi.RecordPartitionsName: w.RecordPartitions, snowflakeapi.RecordWarningsName: w.RecordWarnings,
		snowflakeapi.ExternalStageURLName: w.ExternalStageURL, sourceapi.UnloadName: w.Unload,
		sourceapi.RemoveUnloadedName: w.RemoveUnloaded,
	} {
		env.RegisterActivityWithOptions(fn, activity.RegisterOptions{Name: name})
	}
	env.ExecuteWorkflow(TableMigrationWorkflowName, in)
	if !env.IsWorkflowCompleted() {
		t.Fatal("table workflow did not complete")
	}
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	var res TableResult
	if err := env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	if res.Status != migration.StatusCompleted || res.Rows != 503 || res.Partitions != 6 {
		t.Fatalf("result %+v", res)
	}
	w.assertExactlyOnce(t, in.TableKey)
	if n := w.callCount(sourceapi.ExtractName) + w.callCount(sourceapi.UploadName); n != 0 {
		t.Fatalf("%d extract/upload calls: rows passed through the worker", n)
	}
	for p, n := range w.unloads {
		if n != 1 {
			t.Errorf("partition %d unloaded %d times", p, n)
		}
	}
	if len(w.removed) != 1 || !strings.HasSuffix(w.removed[0], "/2/") {
		t.Errorf("removed %v, want the already-loaded partition 2's location only", w.removed)
	}
	for _, u := range w.urls {
		if !strings.HasPrefix(u, "s3://bucket/unload/m1/") || !strings.HasSuffix(u, "/") {
			t.Errorf("unload location %s", u)
		}
	}
	// an UNLOAD result without a checksum (a source that computes none, a result
	// recorded before the field existed) is verified by count only
	for p, sum := range w.verified {
		if sum != "" {
			t.Errorf("partition %d verified with checksum %q, want none", p, sum)
		}
	}
}

// TestTableUnloadChecksumIsVerifiedAndMismatchLocated: the UNLOAD's value checksum
// reaches every partition's verify (rows with a value, not only a count), and a
// partition whose verify then reports a checksum mismatch gets its differing rows
// located on both sides and recorded before it fails; the others complete.
func TestTableUnloadChecksumIsVerifiedAndMismatchLocated(t *testing.T) {
	w := &unloadWorld{world: newWorld("snowmigrate-source/host-1"), unloads: map[int]int{}, checksums: true}
	w.add("events", &fakeTable{Partitions: 4, RowsPer: 10, FailVerify: map[int]bool{3: true}})
	c := migrationConfig("events")
	c.Tables[0].Extraction = &config.Extraction{Strategy: config.ExtractionUnload, ExternalStage: "DB.PUBLIC.UNLOAD_STG"}
	n, problems := config.Normalize(c, config.PlatformRedshift)
	if len(problems) > 0 {
		t.Fatalf("config: %v", problems)
	}
	in := TableInput{
		Migration: "m1", MigrationRunID: "run-1", ConnectionName: "local", SourcePlatform: config.PlatformRedshift,
		TaskQueueBase: DefaultTaskQueueBase, TableKey: config.TableKey(n.Tables[0]), Table: n.Tables[0],
		StageName: "SNOWCONVERT_AI.DATA_MIGRATION.MIGRATION_STAGE", Limits: Limits{PartitionWindow: 2},
	}
	sides := newTwoSides(10)
	sides.setTarget(4, nil) // the range's row with key 4 is missing in the target
	var s testsuite.WorkflowTestSuite
	s.SetLogger(quietLogger())
	env := s.NewTestWorkflowEnvironment()
	env.RegisterWorkflowWithOptions(TableMigrationWorkflow, workflow.RegisterOptions{Name: TableMigrationWorkflowName})
	w.registerSource(env)
	w.registerHost(env)
	sides.register(env)
	var recorded []snowflakeapi.RecordDifferencesInput
	for name, fn := range map[string]any{
		snowflakeapi.EnsureMetadataName: w.EnsureMetadata, snowflakeapi.RecordWorkflowName: w.RecordWorkflow,
		snowflakeapi.PrepareTargetName: w.PrepareTarget, snowflakeapi.LoadPartitionName: w.LoadPartition,
		snowflakeapi.VerifyPartitionName: w.VerifyPartition, snowflakeapi.RecordTableName: w.RecordTable,
		snowflakeapi.RecordPartitionsName: w.RecordPartitions, snowflakeapi.RecordWarningsName: w.RecordWarnings,
		snowflakeapi.ExternalStageURLName: w.ExternalStageURL, sourceapi.UnloadName: w.Unload,
		sourceapi.RemoveUnloadedName: w.RemoveUnloaded,
		snowflakeapi.RecordDifferencesName: func(_ context.Context, in snowflakeapi.RecordDifferencesInput) error {
			w.mu.Lock()
			recorded = append(recorded, in)
			w.mu.Unlock()
			return nil
		},
	} {
		env.RegisterActivityWithOptions(fn, activity.RegisterOptions{Name: name})
	}
	env.ExecuteWorkflow(TableMigrationWorkflowName, in)
	res, ok := TableResultFromError(env.GetWorkflowError())
	if !ok {
		t.Fatalf("want a failed table, got %v", env.GetWorkflowError())
	}
	if res.Failed != 1 || !strings.Contains(res.Error, "verify") {
		t.Fatalf("want the table failed by one partition's verify, got %+v", res)
	}
	if n := w.callCount(sourceapi.ExtractName) + w.callCount(sourceapi.UploadName); n != 0 {
		t.Fatalf("%d extract/upload calls: rows passed through the worker", n)
	}
	if len(w.verified) != 4 {
		t.Errorf("%d partitions verified, want 4: %v", len(w.verified), w.verified)
	}
	for p, sum := range w.verified {
		if want := unloadChecksum(p, 10); sum != want {
			t.Errorf("partition %d verified with checksum %q, want the UNLOAD's %q", p, sum, want)
		}
	}
	if len(recorded) != 1 {
		t.Fatalf("%d RecordDifferences calls, want 1", len(recorded))
	}
	r := recorded[0]
	if r.TableKey != in.TableKey || len(r.Differences) != 1 || r.Differences[0].Kind != migration.DiffMissingInTarget || r.Differences[0].Key != "4" {
		t.Errorf("recorded %+v", r)
	}
}
