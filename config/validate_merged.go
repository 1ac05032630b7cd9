package config

import "fmt"

// checkMerged checks what only the merged table can tell: required fields (which may
// come from defaultTableConfiguration) and rules that tie two fields together.
func (v *validator) checkMerged(t TableConfig, path string) {
	label := tableLabel(t)
	for _, side := range []struct {
		key string
		id  *Identifier
	}{{"source", t.Source}, {"target", t.Target}} {
		id := side.id
		if id == nil {
			id = &Identifier{}
		}
		for _, f := range []struct{ key, val string }{
			{"databaseName", id.DatabaseName}, {"schemaName", id.SchemaName}, {"tableName", id.TableName},
		} {
			if f.val == "" {
				v.add(path+"."+side.key+"."+f.key, fmt.Sprintf("%s: %s %s is missing; set it in this table or in defaultTableConfiguration.%s",
					label, side.key, f.key, side.key))
			}
		}
	}
	if t.ColumnNamesToPartitionBy == nil {
		v.add(path+".columnNamesToPartitionBy", label+": required; name the column(s) whose value ranges split the table, e.g. [\"id\"] (without it nothing would be moved)")
	}
	if t.Target != nil && t.Target.IcebergConfig != nil && t.Target.TableType != TableTypeIceberg {
		v.add(path+".target.icebergConfig", label+": icebergConfig applies to tableType \"iceberg\" only; remove it")
	}
	v.checkIcebergMerged(t, path, label)
	if e := t.Extraction; e != nil {
		if e.Strategy == ExtractionUnload && e.ExternalStage == "" {
			v.add(path+".extraction.externalStage", label+": unload needs externalStage, a fully qualified Snowflake external stage")
		}
		if e.Strategy != ExtractionUnload && e.ExternalStage != "" {
			v.add(path+".extraction.externalStage", label+": externalStage is used by the unload strategy only; remove it")
		}
	}
	if s := t.Synchronization; s != nil {
		if s.Strategy == SyncWatermark && s.WatermarkColumn == "" {
			v.add(path+".synchronization.watermarkColumn", label+": watermark synchronization needs watermarkColumn, the column whose growing value marks new rows (e.g. \"updated_at\")")
		}
		if s.Strategy == SyncWatermark && t.Extraction != nil && t.Extraction.Strategy == ExtractionUnload {
			v.add(path+".synchronization.strategy", label+": watermark synchronization with extraction \"unload\" is "+notSupportedYet+"; use extraction \"regular\" for this table")
		}
		if s.Strategy == SyncChecksum && t.Extraction != nil && t.Extraction.Strategy == ExtractionUnload {
			v.add(path+".synchronization.strategy", label+": checksum synchronization with extraction \"unload\" is "+notSupportedYet+" (a changed range is replaced through the worker); use extraction \"regular\" for this table")
		}
		if s.Strategy != SyncWatermark && s.WatermarkColumn != "" {
			v.add(path+".synchronization.watermarkColumn", label+": watermarkColumn is used only with strategy \"watermark\"; remove it or set the strategy")
		}
		if s.TrackModifications != nil && *s.TrackModifications {
			if len(t.PrimaryKeyColumns) == 0 {
				v.add(path+".primaryKeyColumns", label+": trackModifications needs primaryKeyColumns (the key that identifies a row, e.g. [\"id\"])")
			}
			if s.Strategy != SyncWatermark {
				v.add(path+".synchronization.trackModifications", label+": trackModifications works with strategy \"watermark\" only")
			}
		}
	}
}

// tableLabel names a table in messages by its source, as far as it is known.
func tableLabel(t TableConfig) string {
	if t.Source == nil || t.Source.TableName == "" {
		return "table without source tableName"
	}
	return "table " + TableKey(t)
}
