package config

import (
	"fmt"
	"regexp"
	"strings"
)

// Iceberg targets (target.tableType "iceberg" with target.icebergConfig).
//
// Two shapes, as in the reference system:
//   - catalog "SNOWFLAKE" (the default): a Snowflake-managed Iceberg table created with
//     the mapped columns on externalVolume, BASE_LOCATION = <baseLocationPrefix>/<DB>/<SCHEMA>/<table>;
//     migrationStrategy empty or "copy_files" (the reference's name for this shape);
//   - catalog = the name of a catalog integration (Glue, REST, object store): the table is
//     created from the external catalog's catalogTableName, converted to a
//     Snowflake-managed table (migrationStrategy "convert_to_managed") and then loaded.
//
// "catalog_link" (a read-only table linked to the external catalog) is refused: Snowflake
// cannot load into such a table, so nothing would be moved.
const (
	IcebergCatalogSnowflake  = "SNOWFLAKE"
	IcebergCopyFiles         = "copy_files"
	IcebergConvertToManaged  = "convert_to_managed"
	IcebergCatalogLink       = "catalog_link"
	maxIcebergLocationLength = 1024
)

var (
	// Object names written into EXTERNAL_VOLUME = '…' and CATALOG = '…': Snowflake
	// resolves the string as an identifier, so only plain (unquoted) names are taken.
	plainObjectRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_$]*$`)
	// A table's name in an external catalog (Glue, REST): letters, digits, '_', '$', '-'.
	catalogTableRE = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_$-]*$`)
	// A relative path under the external volume.
	locationPrefixRE = regexp.MustCompile(`^[A-Za-z0-9_.=-]+(/[A-Za-z0-9_.=-]+)*/?$`)
)

// IsSnowflakeCatalog reports whether an icebergConfig catalog names Snowflake itself
// (empty means Snowflake).
func IsSnowflakeCatalog(catalog string) bool {
	return catalog == "" || strings.EqualFold(catalog, IcebergCatalogSnowflake)
}

// IcebergBaseLocation is BASE_LOCATION for a table: <prefix>/<DB>/<SCHEMA>/<table>, the
// names as Snowflake stores them (resolved), the prefix without a trailing slash.
func IcebergBaseLocation(prefix, db, schema, table string) string {
	prefix = strings.TrimSuffix(prefix, "/")
	parts := []string{db, schema, table}
	if prefix != "" {
		parts = append([]string{prefix}, parts...)
	}
	return strings.Join(parts, "/")
}

// checkIcebergFields checks an icebergConfig on its own (field syntax).
func (v *validator) checkIcebergFields(ic IcebergConfig, path string) {
	if ic.Catalog != "" && !IsSnowflakeCatalog(ic.Catalog) && !plainObjectRE.MatchString(ic.Catalog) {
		v.add(path+".catalog", fmt.Sprintf("%q is not a catalog: use \"SNOWFLAKE\" (Snowflake-managed tables) or the name of a catalog integration (letters, digits, '_' and '$', e.g. \"GLUE_CATALOG_INT\")", ic.Catalog))
	}
	if ic.ExternalVolume != "" && !plainObjectRE.MatchString(ic.ExternalVolume) {
		v.add(path+".externalVolume", fmt.Sprintf("%q is not an external volume name: use the name given to CREATE EXTERNAL VOLUME (letters, digits, '_' and '$', e.g. \"ICEBERG_VOL\")", ic.ExternalVolume))
	}
	if p := ic.BaseLocationPrefix; p != "" {
		switch {
		case strings.HasPrefix(p, "/"):
			v.add(path+".baseLocationPrefix", fmt.Sprintf("%q starts with '/': give a path relative to the external volume, e.g. \"migrations/2025\"", p))
		case !locationPrefixRE.MatchString(p):
			v.add(path+".baseLocationPrefix", fmt.Sprintf("%q is not a relative path of letters, digits, '.', '_', '=', '-' separated by '/', e.g. \"migrations/2025\"", p))
		case p == "." || p == ".." || strings.Contains("/"+p+"/", "/../") || strings.Contains("/"+p+"/", "/./"):
			v.add(path+".baseLocationPrefix", fmt.Sprintf("%q has a '.' or '..' segment; name the directory plainly, e.g. \"migrations/2025\"", p))
		case len(p) > maxIcebergLocationLength:
			v.add(path+".baseLocationPrefix", fmt.Sprintf("%d characters long; keep it under %d", len(p), maxIcebergLocationLength))
		}
	}
	if ic.CatalogTableName != "" && !catalogTableRE.MatchString(ic.CatalogTableName) {
		v.add(path+".catalogTableName", fmt.Sprintf("%q is not a table name in an external catalog: letters, digits, '_', '$' and '-', e.g. \"orders\"", ic.CatalogTableName))
	}
	if s := ic.SourceDataStage; s != "" && strings.ContainsAny(s, "; \t\n'") {
		v.add(path+".sourceDataStage", fmt.Sprintf("%q is not a stage name: write a fully qualified Snowflake stage, e.g. MY_DB.MY_SCHEMA.MY_S3_STAGE", s))
	}
	switch ic.MigrationStrategy {
	case "", IcebergCopyFiles, IcebergConvertToManaged:
	case IcebergCatalogLink:
		// reported by checkIcebergMerged, which knows the catalog
	default:
		hint := ""
		if l := strings.ToLower(ic.MigrationStrategy); l != ic.MigrationStrategy && (l == IcebergCopyFiles || l == IcebergConvertToManaged || l == IcebergCatalogLink) {
			hint = fmt.Sprintf(" (write it in lower case: %q)", l)
		}
		v.add(path+".migrationStrategy", fmt.Sprintf("unknown migration strategy %q: use \"copy_files\" (catalog SNOWFLAKE, the default) or \"convert_to_managed\" (a catalog integration)%s", ic.MigrationStrategy, hint))
	}
}

// checkIcebergMerged checks the merged target of one table: what an Iceberg target needs
// and which fields go together.
func (v *validator) checkIcebergMerged(t TableConfig, path, label string) {
	if t.Target == nil || t.Target.TableType != TableTypeIceberg {
		return
	}
	p := path + ".target.icebergConfig"
	ic := t.Target.IcebergConfig
	if ic == nil {
		v.add(p, label+`: tableType "iceberg" needs icebergConfig, at least {"externalVolume": "<volume>"} (Snowflake-managed) or {"catalog": "<integration>", "externalVolume": "<volume>", "catalogTableName": "<table>", "migrationStrategy": "convert_to_managed"}`)
		return
	}
	if ic.ExternalVolume == "" {
		v.add(p+".externalVolume", label+": required: the external volume (CREATE EXTERNAL VOLUME) where the Iceberg table's files live")
	}
	if IsSnowflakeCatalog(ic.Catalog) {
		switch ic.MigrationStrategy {
		case IcebergConvertToManaged, IcebergCatalogLink:
			v.add(p+".migrationStrategy", fmt.Sprintf("%s: %s starts from an external catalog: set catalog to a catalog integration (with catalogTableName), or remove migrationStrategy for a Snowflake-managed table", label, ic.MigrationStrategy))
		}
		if ic.CatalogTableName != "" {
			v.add(p+".catalogTableName", label+": catalogTableName names a table in an external catalog; it needs catalog set to a catalog integration (remove it for catalog \"SNOWFLAKE\")")
		}
	} else {
		switch ic.MigrationStrategy {
		case IcebergConvertToManaged:
		case IcebergCatalogLink:
			v.add(p+".migrationStrategy", label+": catalog_link is not supported: a catalog-linked Iceberg table is read-only in Snowflake, so no rows could be loaded into it; use \"convert_to_managed\" (create from the catalog, convert to Snowflake-managed, then load)")
		case "", IcebergCopyFiles:
			v.add(p+".migrationStrategy", fmt.Sprintf("%s: catalog %s is a catalog integration: set migrationStrategy to \"convert_to_managed\" (a table linked to an external catalog cannot be loaded), or set catalog to \"SNOWFLAKE\"", label, ic.Catalog))
		}
		if ic.CatalogTableName == "" {
			v.add(p+".catalogTableName", label+": required with a catalog integration: the table's name in the external catalog, e.g. \"orders\"")
		}
	}
	unload := t.Extraction != nil && t.Extraction.Strategy == ExtractionUnload
	if ic.SourceDataStage != "" && !unload {
		v.add(p+".sourceDataStage", label+": sourceDataStage is read only with extraction strategy \"unload\" (the partitions' Parquet files are then on that stage); with regular extraction the files go through the migration's own stage: remove it")
	}
}
