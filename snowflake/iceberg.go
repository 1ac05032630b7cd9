package snowflake

import (
	"fmt"
	"strings"

	"github.com/snowmigrate/snowmigrate/migration"
)

// Iceberg targets (config tableType "iceberg"). Snowflake-managed Iceberg tables hold
// a subset of Snowflake's types (Iceberg spec v2): no semi-structured VARIANT, OBJECT or
// ARRAY, no geospatial types, no TIMESTAMP_TZ, and times and timestamps at microsecond
// precision. IcebergColumns maps the rest onto what Iceberg holds, with a warning for
// each column whose values change form.

// icebergMaxFraction is the fractional-seconds precision Iceberg v2 stores (microseconds).
const icebergMaxFraction = 6

// IcebergColumns returns the columns as an Iceberg table holds them and one warning per
// column whose type changed: VARIANT, OBJECT, ARRAY, GEOGRAPHY and GEOMETRY become
// VARCHAR (the Parquet files already carry them as JSON or WKT text, so the load needs
// no transformation), TIMESTAMP_TZ becomes TIMESTAMP_LTZ (the same instant, without its
// offset), and TIME/TIMESTAMP precision above 6 becomes 6.
func IcebergColumns(t migration.TableRef, cols []migration.Column) ([]migration.Column, []string, error) {
	out := make([]migration.Column, len(cols))
	var warnings []string
	for i, c := range cols {
		out[i] = c
		ty, err := ParseType(c.TargetType)
		if err != nil {
			return nil, nil, fmt.Errorf("table %s column %s: %w", TableName(t), QuoteIdent(c.TargetName), err)
		}
		col := fmt.Sprintf("table %s column %s", TableName(t), QuoteIdent(c.TargetName))
		frac := icebergMaxFraction
		if len(ty.Args) > 0 && ty.Args[0] < frac {
			frac = ty.Args[0]
		}
		reduced := len(ty.Args) > 0 && ty.Args[0] > icebergMaxFraction
		switch ty.Family {
		case FamVariant, FamObject, FamArray:
			out[i].TargetType = "VARCHAR"
			warnings = append(warnings, fmt.Sprintf("%s is %s, which Iceberg tables cannot hold; it is created as VARCHAR holding the JSON text (PARSE_JSON reads it back)", col, ty.Raw))
		case FamGeography, FamGeometry:
			out[i].TargetType = "VARCHAR"
			warnings = append(warnings, fmt.Sprintf("%s is %s, which Iceberg tables cannot hold; it is created as VARCHAR holding the WKT text (TO_%s reads it back)", col, ty.Raw, ty.Family))
		case FamTimestampTZ:
			out[i].TargetType = fmt.Sprintf("TIMESTAMP_LTZ(%d)", frac)
			warnings = append(warnings, fmt.Sprintf("%s is %s, which Iceberg tables cannot hold; it is created as TIMESTAMP_LTZ(%d): the same instants, without their UTC offsets", col, ty.Raw, frac))
		case FamTimestampNTZ, FamTimestampLTZ, FamTime:
			out[i].TargetType = fmt.Sprintf("%s(%d)", ty.Family, frac)
			if reduced {
				warnings = append(warnings, fmt.Sprintf("%s is %s; Iceberg tables store microseconds, so it is created as %s(%d) and finer digits are lost", col, ty.Raw, ty.Family, frac))
			}
		}
	}
	return out, warnings, nil
}

// CreateIcebergTableSQL creates a Snowflake-managed Iceberg table when missing: the
// columns (already mapped by IcebergColumns), CATALOG = 'SNOWFLAKE', the external volume
// and BASE_LOCATION (relative to the volume: config.IcebergBaseLocation).
func CreateIcebergTableSQL(t migration.TableRef, cols []migration.Column, externalVolume, baseLocation string) (string, error) {
	create, err := CreateTableSQL(t, cols)
	if err != nil {
		return "", err
	}
	if externalVolume == "" {
		return "", fmt.Errorf("table %s: an Iceberg table needs an external volume", TableName(t))
	}
	create = strings.Replace(create, "CREATE TABLE IF NOT EXISTS ", "CREATE ICEBERG TABLE IF NOT EXISTS ", 1)
	return create + "\nCATALOG = 'SNOWFLAKE'" +
		"\nEXTERNAL_VOLUME = " + StringLiteral(externalVolume) +
		"\nBASE_LOCATION = " + StringLiteral(baseLocation), nil
}

// CreateIcebergFromCatalogSQL creates an Iceberg table from a table of an external
// catalog (a catalog integration): Snowflake reads its columns from the catalog, and the
// table is read-only until ConvertToManagedSQL.
func CreateIcebergFromCatalogSQL(t migration.TableRef, externalVolume, catalogIntegration, catalogTable string) (string, error) {
	if externalVolume == "" || catalogIntegration == "" || catalogTable == "" {
		return "", fmt.Errorf("table %s: an Iceberg table from a catalog needs the external volume, the catalog integration and the catalog's table name", TableName(t))
	}
	return "CREATE ICEBERG TABLE IF NOT EXISTS " + TableName(t) +
		"\nEXTERNAL_VOLUME = " + StringLiteral(externalVolume) +
		"\nCATALOG = " + StringLiteral(catalogIntegration) +
		"\nCATALOG_TABLE_NAME = " + StringLiteral(catalogTable), nil
}

// ConvertToManagedSQL makes a catalog-linked Iceberg table Snowflake-managed, writing
// its future files under baseLocation (required: a table created from a catalog
// integration has no BASE_LOCATION of its own).
func ConvertToManagedSQL(t migration.TableRef, baseLocation string) string {
	return "ALTER ICEBERG TABLE " + TableName(t) + " CONVERT TO MANAGED BASE_LOCATION = " + StringLiteral(baseLocation)
}

// ShowIcebergTableSQL lists the Iceberg tables of the target's schema whose name is LIKE
// the target's (LIKE ignores case and treats '_' and '%' as wildcards: callers keep the
// row whose name is exactly the target's). It returns no row for a regular table.
func ShowIcebergTableSQL(t migration.TableRef) string {
	return "SHOW ICEBERG TABLES LIKE " + StringLiteral(t.Table) + " IN SCHEMA " + QualifiedName(t.Database, t.Schema)
}

// IcebergTableInfo is what PrepareTarget reads of an existing Iceberg table from SHOW
// ICEBERG TABLES.
type IcebergTableInfo struct {
	ExternalVolume string // external_volume_name
	Catalog        string // catalog_name: SNOWFLAKE, or the catalog integration
	Managed        bool   // iceberg_table_type = MANAGED (Snowflake is the catalog; loads allowed)
	BaseLocation   string // base_location
}

// IcebergTableFrom reads one SHOW ICEBERG TABLES row.
func IcebergTableFrom(r Row) IcebergTableInfo {
	get := func(k string) string { v, _ := r.Get(k); return v }
	return IcebergTableInfo{
		ExternalVolume: get("external_volume_name"),
		Catalog:        get("catalog_name"),
		Managed:        strings.EqualFold(get("iceberg_table_type"), "MANAGED"),
		BaseLocation:   get("base_location"),
	}
}

// CopyIcebergSQL is CopySQL for an Iceberg target: the columns as IcebergColumns maps
// them (every one loaded by name: semi-structured and geospatial values arrive as the
// text the Iceberg table holds) and LOAD_MODE = FULL_INGEST.
//
// Why FULL_INGEST: ADD_FILES_COPY registers the staged Parquet files as they are, which
// needs Iceberg-compatible files whose physical types match the table's exactly (no
// coercion) and the vectorized scanner. The worker's files carry Snowflake-oriented
// types (decimals as the source's precision, JSON as text, BINARY as byte arrays), so
// Snowflake rewrites them; MATCH_BY_COLUMN_NAME = CASE_SENSITIVE (the file's field names
// are the exact target names) and ON_ERROR = ABORT_STATEMENT (a partition loads whole or
// not at all; Iceberg loads do not take CONTINUE) stay as for native tables.
func CopyIcebergSQL(target migration.TableRef, cols []migration.Column, stagePrefix string, files []string) (string, error) {
	mapped, _, err := IcebergColumns(target, cols)
	if err != nil {
		return "", err
	}
	return copySQL(target, mapped, stagePrefix, files, true)
}
