package snowflakeside

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"go.temporal.io/sdk/temporal"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/snowflake"
)

// PrepareTarget resolves the target name, creates the schema and table when missing
// (a regular table, or an Iceberg table: prepareIceberg), checks an existing table, and
// with synchronization "none" empties it once per migration run.
//
// Truncate-once: the marker is TABLE_METADATA.TARGET_EMPTIED_AT of (migration, run,
// table), written after the TRUNCATE. A retry after the marker does nothing (partitions
// already loaded in this run stay); a retry between TRUNCATE and marker truncates a table
// that no load of this run has touched yet (loads start only after PrepareTarget returns).
func (a *Activities) PrepareTarget(ctx context.Context, in snowflakeapi.PrepareTargetInput) (snowflakeapi.PrepareTargetResult, error) {
	if len(in.Columns) == 0 {
		return snowflakeapi.PrepareTargetResult{}, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("table %s: no columns to migrate", in.TableKey), migration.ErrTypeConfig, nil)
	}
	db, err := a.db(ctx, in.ConnectionName)
	if err != nil {
		return snowflakeapi.PrepareTargetResult{}, err
	}
	target, err := a.resolveTarget(ctx, db, in.ConnectionName, in.TableKey, in.Target)
	if err != nil {
		return snowflakeapi.PrepareTargetResult{}, err
	}
	res := snowflakeapi.PrepareTargetResult{Target: target}
	if in.Target.TableType == config.TableTypeIceberg {
		res.Created, res.Warnings, err = a.prepareIceberg(ctx, db, in, target)
	} else {
		res.Created, res.Warnings, err = a.prepareNative(ctx, db, in, target)
	}
	if err != nil {
		return res, err
	}
	if len(res.Warnings) > 0 {
		q, err := snowflake.MergeWarningsSQL(a.meta, in.Migration, in.MigrationRunID, in.TableKey, "", warningCategoryTarget, res.Warnings, a.now())
		if err == nil {
			_, err = a.exec(ctx, db, "record target warnings of "+in.TableKey, q)
		}
		if err != nil {
			return res, err
		}
	}
	if in.Sync == config.SyncNone || in.Sync == "" {
		truncated, err := a.emptyOnce(ctx, db, in, target, res.Created)
		if err != nil {
			return res, err
		}
		res.Truncated = truncated
	}
	return res, nil
}

// prepareNative creates a regular table when missing, or checks an existing one.
func (a *Activities) prepareNative(ctx context.Context, db *sql.DB, in snowflakeapi.PrepareTargetInput, target migration.TableRef) (created bool, warnings []string, err error) {
	name := snowflake.TableName(target)
	existing, err := readColumns(ctx, db, target)
	if err != nil {
		return false, nil, classify(err, "read the columns of "+name)
	}
	if len(existing) > 0 {
		warnings, err := checkExisting(in, target, existing, in.Columns)
		return false, warnings, err
	}
	createTable, err := snowflake.CreateTableSQL(target, in.Columns)
	if err != nil {
		return false, nil, temporal.NewNonRetryableApplicationError(err.Error(), migration.ErrTypeConfig, err)
	}
	if err := a.createSchema(ctx, db, target); err != nil {
		return false, nil, err
	}
	if _, err := a.exec(ctx, db, "create table "+name, createTable); err != nil {
		return false, nil, err
	}
	return true, nil, nil
}

func (a *Activities) createSchema(ctx context.Context, db *sql.DB, target migration.TableRef) error {
	_, err := a.exec(ctx, db, "create schema "+snowflake.QualifiedName(target.Database, target.Schema),
		snowflake.CreateSchemaSQL(target.Database, target.Schema))
	return err
}

// checkExisting compares an existing table with the columns to load: a missing column is
// fatal (COPY would drop its data), other differences are warnings.
func checkExisting(in snowflakeapi.PrepareTargetInput, target migration.TableRef, existing []snowflake.ExistingColumn, want []migration.Column) ([]string, error) {
	name := snowflake.TableName(target)
	check := snowflake.CompareColumns(target, existing, want)
	if len(check.Missing) > 0 {
		quoted := make([]string, len(check.Missing))
		for i, m := range check.Missing {
			quoted[i] = snowflake.QuoteIdent(m)
		}
		return nil, temporal.NewNonRetryableApplicationError(fmt.Sprintf(
			"target table %s exists but lacks column(s) %s that table %s migrates: add them (ALTER TABLE %s ADD COLUMN ...), "+
				"drop the table so the migration creates it, or rename the source columns to existing ones with columnNameMappings",
			name, strings.Join(quoted, ", "), in.TableKey, name), migration.ErrTypeTargetMismatch, nil)
	}
	return check.Warnings, nil
}

// prepareIceberg creates or checks an Iceberg target (tableType "iceberg"):
//   - catalog SNOWFLAKE: CREATE ICEBERG TABLE with the columns IcebergColumns maps, on the
//     configured external volume, BASE_LOCATION = <prefix>/<DB>/<SCHEMA>/<table>;
//   - a catalog integration (migrationStrategy convert_to_managed): CREATE ICEBERG TABLE
//     from the catalog's table, ALTER ICEBERG TABLE … CONVERT TO MANAGED with that
//     BASE_LOCATION, then check its columns like an existing table's (it is loaded, and
//     emptied first like any existing target, so its earlier rows are replaced).
//
// Under retries every step is resumable: an existing Iceberg table is checked (SHOW
// ICEBERG TABLES) instead of created, and one still linked to its catalog (an attempt that
// stopped between CREATE and CONVERT) is converted. Created reports a table created empty
// by this call (then nothing needs truncating).
func (a *Activities) prepareIceberg(ctx context.Context, db *sql.DB, in snowflakeapi.PrepareTargetInput, target migration.TableRef) (created bool, warnings []string, err error) {
	ic := in.Target.IcebergConfig
	name := snowflake.TableName(target)
	configErr := func(msg string, cause error) error {
		return temporal.NewNonRetryableApplicationError(fmt.Sprintf("table %s: %s", in.TableKey, msg), migration.ErrTypeConfig, cause)
	}
	if ic == nil || ic.ExternalVolume == "" {
		return false, nil, configErr(`tableType "iceberg" needs icebergConfig.externalVolume`, nil)
	}
	fromCatalog := !config.IsSnowflakeCatalog(ic.Catalog)
	if fromCatalog && (ic.MigrationStrategy != config.IcebergConvertToManaged || ic.CatalogTableName == "") {
		return false, nil, configErr(fmt.Sprintf(`icebergConfig.catalog %s needs migrationStrategy "convert_to_managed" and catalogTableName`, ic.Catalog), nil)
	}
	cols, typeWarnings, err := snowflake.IcebergColumns(target, in.Columns)
	if err != nil {
		return false, nil, configErr(err.Error(), err)
	}
	base := config.IcebergBaseLocation(ic.BaseLocationPrefix, target.Database, target.Schema, target.Table)

	existing, err := readColumns(ctx, db, target)
	if err != nil {
		return false, nil, classify(err, "read the columns of "+name)
	}
	var info *snowflake.IcebergTableInfo
	if len(existing) > 0 {
		if info, err = icebergTable(ctx, db, target); err != nil {
			return false, nil, classify(err, "read the Iceberg properties of "+name)
		}
		if info == nil {
			return false, nil, temporal.NewNonRetryableApplicationError(fmt.Sprintf(
				"target table %s exists as a regular (not Iceberg) table but table %s has tableType \"iceberg\": drop it so the migration creates the Iceberg table, or set target.tableType to \"native\"",
				name, in.TableKey), migration.ErrTypeTargetMismatch, nil)
		}
	} else {
		if err := a.createSchema(ctx, db, target); err != nil {
			return false, nil, err
		}
		if !fromCatalog {
			q, err := snowflake.CreateIcebergTableSQL(target, cols, ic.ExternalVolume, base)
			if err != nil {
				return false, nil, configErr(err.Error(), err)
			}
			if _, err := a.exec(ctx, db, "create Iceberg table "+name, q); err != nil {
				return false, nil, err
			}
			return true, typeWarnings, nil
		}
		q, err := snowflake.CreateIcebergFromCatalogSQL(target, ic.ExternalVolume, ic.Catalog, ic.CatalogTableName)
		if err != nil {
			return false, nil, configErr(err.Error(), err)
		}
		if _, err := a.exec(ctx, db, "create Iceberg table "+name+" from catalog "+ic.Catalog, q); err != nil {
			return false, nil, err
		}
		info = &snowflake.IcebergTableInfo{Catalog: ic.Catalog, ExternalVolume: ic.ExternalVolume}
	}
	if !info.Managed {
		if !fromCatalog {
			return false, nil, temporal.NewNonRetryableApplicationError(fmt.Sprintf(
				"target table %s is an Iceberg table linked to catalog %s, which Snowflake cannot load; set icebergConfig.migrationStrategy to \"convert_to_managed\" (with catalog and catalogTableName), convert it yourself (ALTER ICEBERG TABLE %s CONVERT TO MANAGED BASE_LOCATION = '...'), or drop it",
				name, info.Catalog, name), migration.ErrTypeTargetMismatch, nil)
		}
		if _, err := a.exec(ctx, db, "convert "+name+" to a Snowflake-managed Iceberg table", snowflake.ConvertToManagedSQL(target, base)); err != nil {
			return false, nil, err
		}
	}
	if existing, err = readColumns(ctx, db, target); err != nil {
		return false, nil, classify(err, "read the columns of "+name)
	}
	warnings, err = checkExisting(in, target, existing, cols)
	if err != nil {
		return false, nil, err
	}
	if info.ExternalVolume != "" && !strings.EqualFold(info.ExternalVolume, ic.ExternalVolume) {
		warnings = append(warnings, fmt.Sprintf("target table %s is on external volume %s, not the configured %s; it is loaded where it is", name, info.ExternalVolume, ic.ExternalVolume))
	}
	return false, append(typeWarnings, warnings...), nil
}

// icebergTable reads an existing table's Iceberg properties; nil when it is not an
// Iceberg table.
func icebergTable(ctx context.Context, q querier, t migration.TableRef) (*snowflake.IcebergTableInfo, error) {
	rows, err := q.QueryContext(ctx, snowflake.ShowIcebergTableSQL(t))
	if err != nil {
		return nil, err
	}
	var found *snowflake.IcebergTableInfo
	err = snowflake.EachRow(rows, func(r snowflake.Row) error {
		if n, _ := r.Get("name"); n == t.Table && found == nil {
			info := snowflake.IcebergTableFrom(r)
			found = &info
		}
		return nil
	})
	return found, err
}

// emptyOnce truncates the target unless this run already did (see PrepareTarget).
func (a *Activities) emptyOnce(ctx context.Context, db *sql.DB, in snowflakeapi.PrepareTargetInput, target migration.TableRef, created bool) (bool, error) {
	var emptied sql.NullString
	err := db.QueryRowContext(ctx, snowflake.SelectEmptiedSQL(a.meta, in.Migration, in.MigrationRunID, in.TableKey)).Scan(&emptied)
	if err != nil && err != sql.ErrNoRows {
		return false, classify(err, "read the table metadata of "+in.TableKey)
	}
	if emptied.Valid {
		return false, nil
	}
	truncated := false
	if !created {
		if _, err := a.exec(ctx, db, "empty "+snowflake.TableName(target)+" for a new run", snowflake.TruncateSQL(target)); err != nil {
			return false, err
		}
		truncated = true
	}
	mark := snowflake.MarkEmptiedSQL(a.meta, in.Migration, in.MigrationRunID, in.TableKey,
		targetIdentifier(target), migration.StatusExecuting, a.now())
	if _, err := a.exec(ctx, db, "record that "+in.TableKey+" was emptied", mark); err != nil {
		return truncated, err
	}
	return truncated, nil
}

// resolveTarget applies Snowflake's identifier rules to the configured target; an empty
// database or schema falls back to the connection's defaults.
func (a *Activities) resolveTarget(ctx context.Context, db *sql.DB, conn, tableKey string, id config.Identifier) (migration.TableRef, error) {
	var ref migration.TableRef
	fields := []struct {
		raw, field string
		dst        *string
	}{
		{id.DatabaseName, "target.databaseName", &ref.Database},
		{id.SchemaName, "target.schemaName", &ref.Schema},
		{id.TableName, "target.tableName", &ref.Table},
	}
	for _, f := range fields {
		if strings.TrimSpace(f.raw) == "" {
			continue
		}
		n, err := snowflake.ResolveName(f.raw)
		if err != nil {
			return ref, temporal.NewNonRetryableApplicationError(
				fmt.Sprintf("table %s: %s: %v", tableKey, f.field, err), migration.ErrTypeConfig, err)
		}
		*f.dst = n
	}
	if ref.Table == "" {
		return ref, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("table %s: target.tableName is empty; set it (or the source table name)", tableKey), migration.ErrTypeConfig, nil)
	}
	if ref.Database == "" || ref.Schema == "" {
		var curDB, curSchema sql.NullString
		if err := db.QueryRowContext(ctx, snowflake.CurrentContextSQL).Scan(&curDB, &curSchema); err != nil {
			return ref, classify(err, "read the default database of connection "+conn)
		}
		if ref.Database == "" {
			ref.Database = curDB.String
		}
		if ref.Schema == "" {
			ref.Schema = curSchema.String
		}
		if ref.Database == "" || ref.Schema == "" {
			return ref, temporal.NewNonRetryableApplicationError(fmt.Sprintf(
				"table %s: the target database or schema is not set and connection %q has no default; set target.databaseName and target.schemaName",
				tableKey, conn), migration.ErrTypeConfig, nil)
		}
	}
	return ref, nil
}

// readColumns lists an existing table's columns (none when it does not exist).
func readColumns(ctx context.Context, db *sql.DB, t migration.TableRef) ([]snowflake.ExistingColumn, error) {
	rows, err := db.QueryContext(ctx, snowflake.ColumnsQuerySQL(t))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []snowflake.ExistingColumn
	for rows.Next() {
		var (
			c                        snowflake.ExistingColumn
			nullable                 string
			length, precision, scale sql.NullInt64
		)
		if err := rows.Scan(&c.Name, &c.DataType, &nullable, &length, &precision, &scale); err != nil {
			return nil, err
		}
		c.Nullable = strings.EqualFold(nullable, "YES")
		c.Length, c.Precision, c.Scale = ptr(length), ptr(precision), ptr(scale)
		out = append(out, c)
	}
	return out, rows.Err()
}

func ptr(n sql.NullInt64) *int64 {
	if !n.Valid {
		return nil
	}
	v := n.Int64
	return &v
}
