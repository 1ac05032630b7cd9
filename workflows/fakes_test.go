package workflows

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/activities/sourceapi"
	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/migration"
)

// fakeTable describes one source table of the fake world: Partitions ranges of
// RowsPer rows each over an integer key, plus NullRows rows whose key is NULL.
type fakeTable struct {
	Partitions    int
	RowsPer       int64
	NullRows      int64
	Missing       string        // non-empty: Introspect fails with SourceObjectMissing and this text
	FailVerify    map[int]bool  // range index (1-based) whose verify fails permanently
	UploadGone    map[int]int   // range index → how many uploads time out (ScheduleToStart) first
	HasRowsAnyway bool          // Introspect says rows exist even when the plan finds none
	LoadNothing   bool          // Load reports 0 rows (e.g. a where clause that matches nothing on the target side)
	GateExtract   chan struct{} // when set, Extract of range 1 waits for it
	ExtractCalled chan struct{} // when set, closed at the first Extract of range 1
	once          sync.Once
}

// world is the stand-in for the source database and Snowflake: instant activities that
// compute what real ones would and count every call, so tests can assert the data flow.
type world struct {
	mu        sync.Mutex
	tables    map[string]*fakeTable
	hostQueue string
	calls     map[string]int
	extracts  map[string]int // table/range → extract calls
	loads     map[string]int // table/range → successful loads
	loadedRow map[string]int64
	tableRecs map[string][]string // table → statuses recorded
	wfRecs    []snowflakeapi.RecordWorkflowInput
	partRecs  map[string]map[int]snowflakeapi.PartitionUpdate // latest mirror state per partition
	batches   int
	maxBatch  int
}

func newWorld(hostQueue string) *world {
	return &world{
		tables: map[string]*fakeTable{}, hostQueue: hostQueue, calls: map[string]int{},
		extracts: map[string]int{}, loads: map[string]int{}, loadedRow: map[string]int64{},
		tableRecs: map[string][]string{}, partRecs: map[string]map[int]snowflakeapi.PartitionUpdate{},
	}
}

func (w *world) add(name string, t *fakeTable) { w.tables[tableKeyOf(name)] = t }

func tableKeyOf(name string) string { return "db.public." + name }

func (w *world) table(key string) *fakeTable {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.tables[key]
}

func (w *world) count(name string) {
	w.mu.Lock()
	w.calls[name]++
	w.mu.Unlock()
}

func (w *world) callCount(name string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.calls[name]
}

// rangeIndex of a partition: its upper bound / RowsPer, or Partitions for the last one.
func rangeIndex(t *fakeTable, p migration.Partition) int {
	if p.NullKeys {
		return 0
	}
	if p.Upper == nil {
		return t.Partitions
	}
	u, _ := strconv.ParseInt(p.Upper[0], 10, 64)
	return int(u / t.RowsPer)
}

func rangeID(key string, i int) string { return key + "#" + strconv.Itoa(i) }

func (w *world) Introspect(ctx context.Context, in sourceapi.IntrospectInput) (sourceapi.IntrospectResult, error) {
	w.count(sourceapi.IntrospectName)
	key := config.TableKey(in.Table)
	t := w.table(key)
	if t == nil {
		return sourceapi.IntrospectResult{}, temporal.NewNonRetryableApplicationError("source table "+key+" does not exist", migration.ErrTypeSourceMissing, nil)
	}
	if t.Missing != "" {
		return sourceapi.IntrospectResult{}, temporal.NewNonRetryableApplicationError(t.Missing, migration.ErrTypeSourceMissing, nil)
	}
	rows := int64(t.Partitions)*t.RowsPer + t.NullRows
	return sourceapi.IntrospectResult{TableShape: migration.TableShape{
		Source: migration.TableRef{Database: "db", Schema: "public", Table: in.Table.Source.TableName},
		Columns: []migration.Column{
			{SourceName: "id", SourceType: "bigint", TargetName: "ID", TargetType: "NUMBER(19,0)", Nullable: true},
			{SourceName: "v", SourceType: "text", TargetName: "V", TargetType: "VARCHAR", Nullable: true},
		},
		PartitionBy: []int{0}, EstimatedRows: rows, EstimatedBytes: rows * 10, HasRows: rows > 0 || t.HasRowsAnyway,
	}}, nil
}

// PlanPartitions pages through ranges ((i-1)*RowsPer, i*RowsPer], the first unbounded
// below and the last unbounded above; the NULL-key partition comes last in the first page.
func (w *world) PlanPartitions(ctx context.Context, in sourceapi.PlanPartitionsInput) (sourceapi.PlanPartitionsResult, error) {
	w.count(sourceapi.PlanPartitionsName)
	key := config.TableKey(in.Table)
	t := w.table(key)
	next := 1
	if in.After != nil {
		a, err := strconv.ParseInt(in.After[0], 10, 64)
		if err != nil {
			return sourceapi.PlanPartitionsResult{}, err
		}
		next = int(a/t.RowsPer) + 1
	}
	var res sourceapi.PlanPartitionsResult
	n := in.FirstNumber
	for i := next; i <= t.Partitions && len(res.Partitions) < in.MaxPartitions; i++ {
		p := migration.Partition{Number: n}
		if i > 1 {
			p.Lower = []string{strconv.FormatInt(int64(i-1)*t.RowsPer, 10)}
		}
		if i < t.Partitions {
			p.Upper = []string{strconv.FormatInt(int64(i)*t.RowsPer, 10)}
		}
		res.Partitions = append(res.Partitions, p)
		n++
	}
	res.Done = next+len(res.Partitions) > t.Partitions
	if in.After == nil && t.NullRows > 0 {
		res.Partitions = append(res.Partitions, migration.Partition{Number: n, NullKeys: true})
	}
	res.RowsPerPartition = t.RowsPer
	return res, nil
}

func (w *world) Extract(ctx context.Context, in sourceapi.ExtractInput) (sourceapi.ExtractResult, error) {
	w.count(sourceapi.ExtractName)
	t := w.table(in.TableKey)
	i := rangeIndex(t, in.Partition)
	if i == 1 && t.ExtractCalled != nil {
		t.once.Do(func() { close(t.ExtractCalled) })
	}
	if i == 1 && t.GateExtract != nil {
		select {
		case <-t.GateExtract:
		case <-ctx.Done():
			return sourceapi.ExtractResult{}, ctx.Err()
		}
	}
	rows := t.RowsPer
	if in.Partition.NullKeys {
		rows = t.NullRows
	}
	w.mu.Lock()
	w.extracts[rangeID(in.TableKey, i)]++
	w.mu.Unlock()
	name := fmt.Sprintf("r%d-p%d.parquet", i, in.Partition.Number) // Upload reads the range back
	return sourceapi.ExtractResult{
		Files: []migration.FileRef{{Path: "/tmp/x/" + name, Name: name, Rows: rows, Bytes: rows * 10}},
		Rows:  rows, Bytes: rows * 10, HostQueue: w.hostQueue,
	}, nil
}

func (w *world) Upload(ctx context.Context, in sourceapi.UploadInput) (sourceapi.UploadResult, error) {
	w.count(sourceapi.UploadName)
	t := w.table(in.TableKey)
	var i int
	if len(in.Files) > 0 {
		_, _ = fmt.Sscanf(in.Files[0].Name, "r%d-", &i)
	}
	w.mu.Lock()
	gone := t.UploadGone[i]
	if gone > 0 {
		t.UploadGone[i] = gone - 1
	}
	w.mu.Unlock()
	if gone > 0 {
		return sourceapi.UploadResult{}, temporal.NewTimeoutError(enumspb.TIMEOUT_TYPE_SCHEDULE_TO_START, nil)
	}
	var names []string
	var bytes int64
	for _, f := range in.Files {
		names = append(names, f.Name)
		bytes += f.Bytes
	}
	return sourceapi.UploadResult{Files: names, Bytes: bytes}, nil
}

func (w *world) EnsureMetadata(ctx context.Context, in snowflakeapi.EnsureMetadataInput) (snowflakeapi.EnsureMetadataResult, error) {
	w.count(snowflakeapi.EnsureMetadataName)
	if in.ConnectionName == "unreachable" {
		return snowflakeapi.EnsureMetadataResult{}, temporal.NewNonRetryableApplicationError("login refused for connection unreachable", migration.ErrTypeCredentials, nil)
	}
	return snowflakeapi.EnsureMetadataResult{StageName: "SNOWCONVERT_AI.DATA_MIGRATION.MIGRATION_STAGE"}, nil
}

func (w *world) RecordWorkflow(ctx context.Context, in snowflakeapi.RecordWorkflowInput) error {
	w.count(snowflakeapi.RecordWorkflowName)
	w.mu.Lock()
	w.wfRecs = append(w.wfRecs, in)
	w.mu.Unlock()
	return nil
}

func (w *world) PrepareTarget(ctx context.Context, in snowflakeapi.PrepareTargetInput) (snowflakeapi.PrepareTargetResult, error) {
	w.count(snowflakeapi.PrepareTargetName)
	if in.MigrationRunID == "" {
		return snowflakeapi.PrepareTargetResult{}, errors.New("no migration run id")
	}
	return snowflakeapi.PrepareTargetResult{Target: migration.TableRef{Database: "DB", Schema: "PUBLIC", Table: in.Target.TableName}, Created: true}, nil
}

func (w *world) LoadPartition(ctx context.Context, in snowflakeapi.LoadPartitionInput) (snowflakeapi.LoadPartitionResult, error) {
	w.count(snowflakeapi.LoadPartitionName)
	t := w.table(in.TableKey)
	if want := migration.StagePath("SNOWCONVERT_AI.DATA_MIGRATION.MIGRATION_STAGE", in.Migration, in.TableKey, in.Partition.Number); in.StagePrefix != want {
		return snowflakeapi.LoadPartitionResult{}, temporal.NewNonRetryableApplicationError("stage prefix "+in.StagePrefix+" != "+want, migration.ErrTypeConfig, nil)
	}
	rows := in.RowsExtracted
	if t.LoadNothing {
		rows = 0
	}
	id := rangeID(in.TableKey, rangeIndex(t, in.Partition))
	w.mu.Lock()
	w.loads[id]++
	w.loadedRow[in.TableKey] += rows
	w.mu.Unlock()
	return snowflakeapi.LoadPartitionResult{RowsLoaded: rows}, nil
}

func (w *world) VerifyPartition(ctx context.Context, in snowflakeapi.VerifyPartitionInput) (snowflakeapi.VerifyPartitionResult, error) {
	w.count(snowflakeapi.VerifyPartitionName)
	t := w.table(in.TableKey)
	if t.FailVerify[rangeIndex(t, in.Partition)] {
		return snowflakeapi.VerifyPartitionResult{}, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("partition %d: %d rows extracted, %d loaded, %d in the target range", in.Partition.Number, in.RowsExtracted, in.RowsLoaded, in.RowsLoaded+1),
			migration.ErrTypeChecksumMismatch, nil)
	}
	return snowflakeapi.VerifyPartitionResult{TargetRows: in.RowsLoaded}, nil
}

func (w *world) RecordTable(ctx context.Context, in snowflakeapi.RecordTableInput) error {
	w.count(snowflakeapi.RecordTableName)
	w.mu.Lock()
	w.tableRecs[in.TableKey] = append(w.tableRecs[in.TableKey], in.Status)
	w.mu.Unlock()
	return nil
}

func (w *world) RecordPartitions(ctx context.Context, in snowflakeapi.RecordPartitionsInput) error {
	w.count(snowflakeapi.RecordPartitionsName)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.batches++
	w.maxBatch = max(w.maxBatch, len(in.Updates))
	m := w.partRecs[in.TableKey]
	if m == nil {
		m = map[int]snowflakeapi.PartitionUpdate{}
		w.partRecs[in.TableKey] = m
	}
	for _, u := range in.Updates {
		m[u.Number] = u
	}
	return nil
}

// registrar is what both the test environment and a real worker offer.
type registrar interface {
	RegisterActivityWithOptions(a interface{}, options activity.RegisterOptions)
}

func (w *world) registerSource(r registrar) {
	r.RegisterActivityWithOptions(w.Introspect, activity.RegisterOptions{Name: sourceapi.IntrospectName})
	r.RegisterActivityWithOptions(w.PlanPartitions, activity.RegisterOptions{Name: sourceapi.PlanPartitionsName})
	r.RegisterActivityWithOptions(w.Extract, activity.RegisterOptions{Name: sourceapi.ExtractName})
	r.RegisterActivityWithOptions(w.CountRows, activity.RegisterOptions{Name: sourceapi.CountRowsName}) // rowcount_test.go
}

func (w *world) registerHost(r registrar) {
	r.RegisterActivityWithOptions(w.Upload, activity.RegisterOptions{Name: sourceapi.UploadName})
}

func (w *world) registerSnowflake(r registrar) {
	r.RegisterActivityWithOptions(w.EnsureMetadata, activity.RegisterOptions{Name: snowflakeapi.EnsureMetadataName})
	r.RegisterActivityWithOptions(w.RecordWorkflow, activity.RegisterOptions{Name: snowflakeapi.RecordWorkflowName})
	r.RegisterActivityWithOptions(w.PrepareTarget, activity.RegisterOptions{Name: snowflakeapi.PrepareTargetName})
	r.RegisterActivityWithOptions(w.LoadPartition, activity.RegisterOptions{Name: snowflakeapi.LoadPartitionName})
	r.RegisterActivityWithOptions(w.VerifyPartition, activity.RegisterOptions{Name: snowflakeapi.VerifyPartitionName})
	r.RegisterActivityWithOptions(w.RecordTable, activity.RegisterOptions{Name: snowflakeapi.RecordTableName})
	r.RegisterActivityWithOptions(w.RecordPartitions, activity.RegisterOptions{Name: snowflakeapi.RecordPartitionsName})
	r.RegisterActivityWithOptions(w.RecordWarnings, activity.RegisterOptions{Name: snowflakeapi.RecordWarningsName}) // rowcount_test.go
}

// assertExactlyOnce checks that every range of every listed table was loaded once.
func (w *world) assertExactlyOnce(t *testing.T, key string) {
	t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	ft := w.tables[key]
	for i := 1; i <= ft.Partitions; i++ {
		if n := w.loads[rangeID(key, i)]; n != 1 {
			t.Fatalf("%s range %d loaded %d times, want exactly 1", key, i, n)
		}
	}
	if ft.NullRows > 0 {
		if n := w.loads[rangeID(key, 0)]; n != 1 {
			t.Fatalf("%s NULL-key partition loaded %d times, want 1", key, n)
		}
	}
}

// migrationConfig lists tables db.public.<name> → DB.PUBLIC.<NAME>.
func migrationConfig(names ...string) config.WorkflowConfig {
	c := config.WorkflowConfig{
		DefaultTableConfiguration: &config.TableConfig{
			Source: &config.Identifier{DatabaseName: "db", SchemaName: "public"},
			Target: &config.Identifier{DatabaseName: "DB", SchemaName: "PUBLIC"},
		},
	}
	for _, n := range names {
		c.Tables = append(c.Tables, config.TableConfig{
			Source:                   &config.Identifier{TableName: n},
			Target:                   &config.Identifier{TableName: n + "_t"},
			ColumnNamesToPartitionBy: []string{"id"},
		})
	}
	return c
}

// tableInput is a TableInput for db.public.<name> as the parent would build it.
func tableInput(t *testing.T, name string, lim Limits) TableInput {
	t.Helper()
	n, problems := config.Normalize(migrationConfig(name), config.PlatformPostgreSQL)
	if len(problems) > 0 {
		t.Fatalf("config: %v", problems)
	}
	return TableInput{
		Migration: "m1", MigrationRunID: "run-1", ConnectionName: "local", SourcePlatform: config.PlatformPostgreSQL,
		TaskQueueBase: DefaultTaskQueueBase, TableKey: config.TableKey(n.Tables[0]), Table: n.Tables[0],
		StageName: "SNOWCONVERT_AI.DATA_MIGRATION.MIGRATION_STAGE", Limits: lim,
	}
}
