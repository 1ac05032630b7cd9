package config

// MergeTable applies defaultTableConfiguration to one table, following the reference
// system's rules: nested objects (source, target and its icebergConfig, extraction,
// synchronization, validation) merge field by field, the table's set fields winning; collections
// (columnNamesToPartitionBy, columnTypeMappings, columnNameMappings, primaryKeyColumns)
// are replaced whole when the table sets them, even to an empty list; scalars
// (whereClauseCriteria) and partitionSize (one choice, never a mix of two) are replaced.
// The result shares no memory with either argument, so callers may modify it.
func MergeTable(defaults *TableConfig, t TableConfig) TableConfig {
	if defaults == nil {
		defaults = &TableConfig{}
	}
	return TableConfig{
		Source:                   mergeIdentifier(defaults.Source, t.Source),
		Target:                   mergeIdentifier(defaults.Target, t.Target),
		ColumnNamesToPartitionBy: cloneSlice(pick(defaults.ColumnNamesToPartitionBy, t.ColumnNamesToPartitionBy)),
		Extraction:               mergeExtraction(defaults.Extraction, t.Extraction),
		Synchronization:          mergeSynchronization(defaults.Synchronization, t.Synchronization),
		ColumnTypeMappings:       cloneSlice(pick(defaults.ColumnTypeMappings, t.ColumnTypeMappings)),
		ColumnNameMappings:       cloneSlice(pick(defaults.ColumnNameMappings, t.ColumnNameMappings)),
		PrimaryKeyColumns:        cloneSlice(pick(defaults.PrimaryKeyColumns, t.PrimaryKeyColumns)),
		PartitionSize:            clonePtr(pickPtr(defaults.PartitionSize, t.PartitionSize)),
		WhereClauseCriteria:      clonePtr(pickPtr(defaults.WhereClauseCriteria, t.WhereClauseCriteria)),
		Validation:               mergeValidation(defaults.Validation, t.Validation),
	}
}

// pick returns the table's collection when it set one (non-nil), else the default's.
func pick[T any](def, table []T) []T {
	if table != nil {
		return table
	}
	return def
}

func pickPtr[T any](def, table *T) *T {
	if table != nil {
		return table
	}
	return def
}

func cloneSlice[T any](s []T) []T {
	if s == nil {
		return nil
	}
	return append(make([]T, 0, len(s)), s...)
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

func str(def, table string) string {
	if table != "" {
		return table
	}
	return def
}

func mergeIdentifier(def, t *Identifier) *Identifier {
	if def == nil && t == nil {
		return nil
	}
	if def == nil {
		def = &Identifier{}
	}
	if t == nil {
		t = &Identifier{}
	}
	return &Identifier{
		DatabaseName:  str(def.DatabaseName, t.DatabaseName),
		SchemaName:    str(def.SchemaName, t.SchemaName),
		TableName:     str(def.TableName, t.TableName),
		TableType:     str(def.TableType, t.TableType),
		IcebergConfig: mergeIceberg(def.IcebergConfig, t.IcebergConfig),
	}
}

func mergeIceberg(def, t *IcebergConfig) *IcebergConfig {
	if def == nil && t == nil {
		return nil
	}
	if def == nil {
		def = &IcebergConfig{}
	}
	if t == nil {
		t = &IcebergConfig{}
	}
	return &IcebergConfig{
		Catalog:            str(def.Catalog, t.Catalog),
		ExternalVolume:     str(def.ExternalVolume, t.ExternalVolume),
		BaseLocationPrefix: str(def.BaseLocationPrefix, t.BaseLocationPrefix),
		SourceDataStage:    str(def.SourceDataStage, t.SourceDataStage),
		CatalogTableName:   str(def.CatalogTableName, t.CatalogTableName),
		MigrationStrategy:  str(def.MigrationStrategy, t.MigrationStrategy),
	}
}

func mergeExtraction(def, t *Extraction) *Extraction {
	if def == nil && t == nil {
		return nil
	}
	if def == nil {
		def = &Extraction{}
	}
	if t == nil {
		t = &Extraction{}
	}
	return &Extraction{
		Strategy:      str(def.Strategy, t.Strategy),
		ExternalStage: str(def.ExternalStage, t.ExternalStage),
	}
}

func mergeSynchronization(def, t *Synchronization) *Synchronization {
	if def == nil && t == nil {
		return nil
	}
	if def == nil {
		def = &Synchronization{}
	}
	if t == nil {
		t = &Synchronization{}
	}
	return &Synchronization{
		Strategy:           str(def.Strategy, t.Strategy),
		WatermarkColumn:    str(def.WatermarkColumn, t.WatermarkColumn),
		TrackModifications: clonePtr(pickPtr(def.TrackModifications, t.TrackModifications)),
		TrackDeletions:     clonePtr(pickPtr(def.TrackDeletions, t.TrackDeletions)),
	}
}
