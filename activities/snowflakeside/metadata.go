package snowflakeside

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/snowflake"
)

// EnsureMetadata creates the metadata database, schemas, tables, views and stage when
// missing and returns the stage's name. Every statement is idempotent, so every workflow
// start runs it; a role that may use but not create the database is fine when the
// database already exists. Migrations started together on a fresh account run it
// concurrently: "already exists" from a racing creator means the object is there, which
// is what the statement wanted.
func (a *Activities) EnsureMetadata(ctx context.Context, in snowflakeapi.EnsureMetadataInput) (snowflakeapi.EnsureMetadataResult, error) {
	db, err := a.db(ctx, in.ConnectionName)
	if err != nil {
		return snowflakeapi.EnsureMetadataResult{}, err
	}
	// The definitions applied in full by an earlier start (METADATA_VERSION names the
	// current version): nothing to create or upgrade. Any error here (the table does not
	// exist yet, a role without access) just means applying them all below.
	var current int64
	if err := db.QueryRowContext(ctx, snowflake.MetadataVersionCheckSQL(a.meta)).Scan(&current); err == nil && current > 0 {
		return snowflakeapi.EnsureMetadataResult{StageName: snowflake.StageName(a.meta)}, nil
	}
	for i, stmt := range snowflake.MetadataDDL(a.meta) {
		_, err := db.ExecContext(ctx, stmt)
		if err == nil || snowflake.IsAlreadyExists(err) {
			continue
		}
		if i == 0 && snowflake.Classify(err) == snowflake.Permission {
			// CREATE DATABASE refused: the next statement fails clearly if it is really missing.
			warn(ctx, "cannot create the metadata database; assuming it exists", "database", a.meta.Database)
			continue
		}
		return snowflakeapi.EnsureMetadataResult{}, classify(err, fmt.Sprintf("create the metadata objects in %s (%s)",
			snowflake.DisplayName(a.meta.Database, a.meta.MigrationSchema), firstLine(stmt)))
	}
	for _, stmt := range snowflake.RecordMetadataVersionSQL(a.meta) {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			// Everything exists: only the next start's shortcut is lost.
			warn(ctx, "cannot record the metadata version; the next start applies the definitions again", "error", err.Error())
			break
		}
	}
	return snowflakeapi.EnsureMetadataResult{StageName: snowflake.StageName(a.meta)}, nil
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// RecordWorkflow upserts the WORKFLOW row.
func (a *Activities) RecordWorkflow(ctx context.Context, in snowflakeapi.RecordWorkflowInput) error {
	db, err := a.db(ctx, in.ConnectionName)
	if err != nil {
		return err
	}
	q := snowflake.MergeWorkflowSQL(a.meta, snowflake.WorkflowRow{
		ID: in.WorkflowID, Name: in.Name, RunID: in.RunID, Status: in.Status, Affinity: in.Affinity,
		SourcePlatform: in.SourcePlatform, Configuration: in.ConfigJSON, StartedAt: in.StartedAt, EndedAt: in.EndedAt,
		TablesTotal: in.TablesTotal, TablesCompleted: in.TablesCompleted, TablesFailed: in.TablesFailed,
		Message: in.Message, At: a.now(),
	})
	_, err = a.exec(ctx, db, "record workflow "+in.WorkflowID+" in the metadata", q)
	return err
}

// RecordTable upserts the TABLE_METADATA row.
func (a *Activities) RecordTable(ctx context.Context, in snowflakeapi.RecordTableInput) error {
	db, err := a.db(ctx, in.ConnectionName)
	if err != nil {
		return err
	}
	q := snowflake.MergeTableSQL(a.meta, snowflake.TableRow{
		WorkflowID: in.Migration, RunID: in.MigrationRunID, TableKey: in.TableKey,
		SourceIdentifier: sourceIdentifier(in.Source, in.TableKey), TargetIdentifier: targetIdentifier(in.Target),
		Status: in.Status, PartitionsTotal: in.PartitionsTotal, PartitionsCompleted: in.PartitionsDone,
		PartitionsFail: in.PartitionsFailed, Rows: in.Rows, Bytes: in.Bytes, Error: in.Error,
		StartedAt: in.StartedAt, EndedAt: in.EndedAt, At: a.now(),
	})
	_, err = a.exec(ctx, db, "record table "+in.TableKey+" in the metadata", q)
	return err
}

// RecordPartitions upserts a batch of PARTITION_METADATA rows: one MERGE per call (per
// 1,000 updates for larger batches).
func (a *Activities) RecordPartitions(ctx context.Context, in snowflakeapi.RecordPartitionsInput) error {
	if len(in.Updates) == 0 {
		return nil
	}
	db, err := a.db(ctx, in.ConnectionName)
	if err != nil {
		return err
	}
	rows := make([]snowflake.PartitionRow, len(in.Updates))
	for i, u := range in.Updates {
		rows[i] = partitionRow(u)
	}
	for start := 0; start < len(rows); start += maxUpdatesPerStatement {
		end := min(start+maxUpdatesPerStatement, len(rows))
		q, err := snowflake.MergePartitionsSQL(a.meta, in.Migration, in.MigrationRunID, in.TableKey, "", rows[start:end])
		if err != nil {
			return classify(err, "record partitions of "+in.TableKey)
		}
		if _, err := a.exec(ctx, db, fmt.Sprintf("record %d partition updates of %s in the metadata", end-start, in.TableKey), q); err != nil {
			return err
		}
	}
	return nil
}

// partitionRow maps a workflow update to a metadata row. Rows and Bytes are the
// extracted amounts: they are written once the partition has been extracted (or when
// non-zero), so an EXTRACTING update with zeros does not erase earlier numbers.
func partitionRow(u snowflakeapi.PartitionUpdate) snowflake.PartitionRow {
	r := snowflake.PartitionRow{
		Number: u.Number, Lower: u.Partition.Lower, Upper: u.Partition.Upper, NullKeys: u.Partition.NullKeys,
		Status: u.Status, Attempts: u.Attempts, Error: u.Error, At: u.At,
	}
	if r.At.IsZero() {
		r.At = time.Now().UTC()
	}
	extracted := u.Status == migration.StatusLoading || u.Status == StatusLoaded || u.Status == migration.StatusCompleted
	if u.Rows > 0 || extracted {
		rows := u.Rows
		r.RowsExtract = &rows
	}
	if u.Bytes > 0 || extracted {
		b := u.Bytes
		r.Bytes = &b
	}
	return r
}

// sourceIdentifier renders the source table as db.schema.table (the TABLE_KEY when unknown).
func sourceIdentifier(t migration.TableRef, key string) string {
	if t.Table == "" {
		return key
	}
	parts := []string{}
	for _, p := range []string{t.Database, t.Schema, t.Table} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ".")
}

// targetIdentifier renders the target as a user would type it in Snowflake.
func targetIdentifier(t migration.TableRef) string {
	if t.Table == "" {
		return ""
	}
	return snowflake.DisplayName(t.Database, t.Schema, t.Table)
}
