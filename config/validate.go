package config

import (
	"fmt"
	"strings"
)

// notSupportedYet is the common wording for capabilities that a later release delivers:
// they are refused at validation rather than silently ignored.
const notSupportedYet = "not supported yet"

// validator accumulates problems in the order the checks run (file order).
type validator struct {
	platform string
	probs    []Problem
}

func (v *validator) add(path, msg string) {
	v.probs = append(v.probs, Problem{Path: path, Message: msg})
}

func (v *validator) checkPlatform() {
	switch v.platform {
	case PlatformPostgreSQL, PlatformRedshift, PlatformSQLServer:
	case "":
		v.add(PathSourcePlatform, "the source platform is required: postgresql, redshift or sqlserver")
	default:
		v.add(PathSourcePlatform, fmt.Sprintf("unknown source platform %q: use postgresql, redshift or sqlserver", v.platform))
	}
}

// checkTableFields checks what one object (a table or defaultTableConfiguration) says on
// its own, at its own path, so that a mistake in the defaults is reported once.
func (v *validator) checkTableFields(t TableConfig, path string) {
	if t.Source != nil {
		v.checkIdentifier(*t.Source, path+".source", true)
	}
	if t.Target != nil {
		v.checkIdentifier(*t.Target, path+".target", false)
	}
	if t.ColumnNamesToPartitionBy != nil && len(t.ColumnNamesToPartitionBy) == 0 {
		v.add(path+".columnNamesToPartitionBy", "empty list: name the column(s) whose value ranges split the table, e.g. [\"id\"]; an empty list would move nothing")
	}
	v.checkColumnList(t.ColumnNamesToPartitionBy, path+".columnNamesToPartitionBy")
	v.checkColumnList(t.PrimaryKeyColumns, path+".primaryKeyColumns")
	if t.Extraction != nil {
		v.checkExtraction(*t.Extraction, path+".extraction")
	}
	if t.Synchronization != nil {
		v.checkSynchronization(*t.Synchronization, path+".synchronization")
	}
	v.checkTypeMappings(t.ColumnTypeMappings, path+".columnTypeMappings")
	v.checkNameMappings(t.ColumnNameMappings, path+".columnNameMappings")
	if t.PartitionSize != nil {
		v.checkPartitionSize(*t.PartitionSize, path+".partitionSize")
	}
	if t.Validation != nil {
		v.checkValidation(*t.Validation, path+".validation")
	}
	if t.WhereClauseCriteria != nil {
		if msg := WhereProblemFor(v.platform, *t.WhereClauseCriteria); msg != "" {
			v.add(path+".whereClauseCriteria", msg)
		}
	}
}

// Identifier length limits: PostgreSQL truncates longer names silently (so a long name
// would address a different table), Snowflake refuses them.
const (
	maxPostgresIdentBytes  = 63
	maxRedshiftIdentBytes  = 127
	maxSnowflakeIdentChars = 255
)

func (v *validator) checkIdentifier(id Identifier, path string, source bool) {
	parts := []struct{ key, val string }{
		{"databaseName", id.DatabaseName}, {"schemaName", id.SchemaName}, {"tableName", id.TableName},
	}
	for _, p := range parts {
		if p.val == "" {
			continue
		}
		if msg := identifierProblem(p.val); msg != "" {
			v.add(path+"."+p.key, msg)
			continue
		}
		v.checkLength(p.val, path+"."+p.key, source)
	}
	if source {
		if id.TableType != "" {
			v.add(path+".tableType", "tableType describes the target; move it to target.tableType")
		}
		if id.IcebergConfig != nil {
			v.add(path+".icebergConfig", "icebergConfig describes the target; move it to target.icebergConfig")
		}
		return
	}
	switch id.TableType {
	case "", TableTypeNative:
	case TableTypeIceberg:
	default:
		hint := ""
		if l := strings.ToLower(id.TableType); l == TableTypeNative || l == TableTypeIceberg {
			hint = fmt.Sprintf(" (write it in lower case: %q)", l)
		}
		v.add(path+".tableType", fmt.Sprintf("unknown table type %q: use \"native\" (the default) or \"iceberg\"%s", id.TableType, hint))
	}
	if id.IcebergConfig != nil {
		v.checkIcebergFields(*id.IcebergConfig, path+".icebergConfig")
	}
}

func (v *validator) checkLength(name, path string, source bool) {
	if source {
		limit := 0
		switch v.platform {
		case PlatformPostgreSQL:
			limit = maxPostgresIdentBytes
		case PlatformRedshift:
			limit = maxRedshiftIdentBytes
		}
		if n := len(canonicalName(name, strings.ToLower)); limit > 0 && n > limit {
			v.add(path, fmt.Sprintf("%d bytes long; %s names are at most %d bytes (longer ones are truncated, so this cannot name a table)", n, v.platform, limit))
		}
		return
	}
	if n := len([]rune(canonicalName(name, strings.ToUpper))); n > maxSnowflakeIdentChars {
		v.add(path, fmt.Sprintf("%d characters long; Snowflake names are at most %d", n, maxSnowflakeIdentChars))
	}
}

// checkColumnList checks names in a column list and reports duplicates (as the source
// resolves them).
func (v *validator) checkColumnList(cols []string, path string) {
	seen := map[string]int{}
	for i, c := range cols {
		p := fmt.Sprintf("%s[%d]", path, i)
		if msg := identifierProblem(c); msg != "" {
			v.add(p, msg)
			continue
		}
		k := canonicalName(c, strings.ToLower)
		if j, dup := seen[k]; dup {
			v.add(p, fmt.Sprintf("%s is listed twice (also at [%d]); list each column once", c, j))
			continue
		}
		seen[k] = i
	}
}

func (v *validator) checkExtraction(e Extraction, path string) {
	switch e.Strategy {
	case "", ExtractionRegular:
	case ExtractionUnload:
		if v.platform != "" && v.platform != PlatformRedshift {
			v.add(path+".strategy", fmt.Sprintf("unload exists for redshift only, not %s; use \"regular\"", v.platform))
		}
	default:
		v.add(path+".strategy", fmt.Sprintf("unknown extraction strategy %q: use \"regular\" (the default) or \"unload\" (Redshift)", e.Strategy))
	}
	if e.ExternalStage != "" && strings.ContainsAny(e.ExternalStage, "; \t\n'") {
		v.add(path+".externalStage", fmt.Sprintf("%q is not a stage name: write a fully qualified Snowflake stage, e.g. MY_DB.MY_SCHEMA.MY_S3_STAGE", e.ExternalStage))
	}
}

func (v *validator) checkSynchronization(s Synchronization, path string) {
	switch s.Strategy {
	case "", SyncNone, SyncWatermark, SyncChecksum:
		// checksum needs a source-side Checksummer: a platform without one fails the
		// table when it starts, naming the platform (sourceside.ChecksumPartition).
	default:
		v.add(path+".strategy", fmt.Sprintf("unknown synchronization strategy %q: use \"none\" (the default), \"checksum\" or \"watermark\"", s.Strategy))
	}
	// trackDeletions is accepted with every strategy: none reloads the whole table and
	// checksum replaces every range that changed, so deletions reach the target anyway;
	// watermark adds a key-set comparison per range (docs/sync.md).
	if s.WatermarkColumn != "" {
		if msg := identifierProblem(s.WatermarkColumn); msg != "" {
			v.add(path+".watermarkColumn", msg)
		}
	}
}

func (v *validator) checkTypeMappings(ms []TypeMapping, path string) {
	seen := map[string]int{}
	for i, m := range ms {
		p := fmt.Sprintf("%s[%d]", path, i)
		if strings.TrimSpace(m.SourceType) == "" {
			v.add(p+".sourceType", "missing: name the source type to map, e.g. \"money\"")
		} else if strings.ContainsAny(m.SourceType, ";\n") {
			v.add(p+".sourceType", fmt.Sprintf("%q is not a type name", m.SourceType))
		} else {
			k := normalizeTypeName(m.SourceType)
			if j, dup := seen[k]; dup {
				v.add(p+".sourceType", fmt.Sprintf("%s is mapped twice (also at [%d]); keep one mapping per source type", m.SourceType, j))
			} else {
				seen[k] = i
			}
		}
		if strings.TrimSpace(m.TargetType) == "" {
			v.add(p+".targetType", "missing: name the Snowflake type to create, e.g. \"NUMBER(19,4)\"")
		} else if msg := targetTypeProblem(m.TargetType); msg != "" {
			v.add(p+".targetType", msg)
		}
	}
}

// normalizeTypeName compares type names the way databases do: without case and with
// runs of spaces collapsed ("Character  Varying" = "character varying").
func normalizeTypeName(t string) string { return strings.ToLower(strings.Join(strings.Fields(t), " ")) }

func (v *validator) checkNameMappings(ms []NameMapping, path string) {
	sources, targets := map[string]int{}, map[string]int{}
	for i, m := range ms {
		p := fmt.Sprintf("%s[%d]", path, i)
		if v.checkMappedName(m.SourceName, p+".sourceName", "missing: name the source column to rename") {
			if j, dup := sources[canonicalName(m.SourceName, strings.ToLower)]; dup {
				v.add(p+".sourceName", fmt.Sprintf("%s is renamed twice (also at [%d]); keep one mapping per column", m.SourceName, j))
			} else {
				sources[canonicalName(m.SourceName, strings.ToLower)] = i
			}
		}
		if v.checkMappedName(m.TargetName, p+".targetName", "missing: give the column's name on Snowflake") {
			if j, dup := targets[canonicalName(m.TargetName, strings.ToUpper)]; dup {
				v.add(p+".targetName", fmt.Sprintf("%s is the target of two mappings (also at [%d]); each target column needs its own name", m.TargetName, j))
			} else {
				targets[canonicalName(m.TargetName, strings.ToUpper)] = i
			}
		}
	}
}

// checkMappedName reports a missing or malformed name and says whether it is usable.
func (v *validator) checkMappedName(name, path, missing string) bool {
	if name == "" {
		v.add(path, missing)
		return false
	}
	if msg := identifierProblem(name); msg != "" {
		v.add(path, msg)
		return false
	}
	return true
}

// Partition size ceilings. Planning multiplies the rows per partition by the partitions
// of a page and the size in megabytes by 2^20; these bounds keep every such product far
// from int64 overflow (2^63), and no sensible partition comes near them.
const (
	MaxRowsPerPartition = 1_000_000_000_000 // 10^12 rows
	MaxTargetSizeMB     = 1 << 20           // 1 TiB
)

func (v *validator) checkPartitionSize(ps PartitionSize, path string) {
	if ps.Auto {
		return
	}
	const fix = `give exactly one of {"targetSizeMb": N} or {"maxRowsPerPartition": N}, or "auto"`
	switch {
	case ps.TargetSizeMB != 0 && ps.MaxRowsPerPartition != 0:
		v.add(path, "both targetSizeMb and maxRowsPerPartition are set: "+fix)
	case ps.TargetSizeMB == 0 && ps.MaxRowsPerPartition == 0:
		v.add(path, "no size given: "+fix+" with N a positive whole number")
	case ps.TargetSizeMB < 0:
		v.add(path+".targetSizeMb", fmt.Sprintf("%d: must be a positive number of megabytes, e.g. 256", ps.TargetSizeMB))
	case ps.MaxRowsPerPartition < 0:
		v.add(path+".maxRowsPerPartition", fmt.Sprintf("%d: must be a positive number of rows, e.g. 1000000", ps.MaxRowsPerPartition))
	case ps.TargetSizeMB > MaxTargetSizeMB:
		v.add(path+".targetSizeMb", fmt.Sprintf("%d is over the limit of %d (1 TiB); a partition is extracted, uploaded and retried as one unit, so use at most a few thousand, e.g. 256", ps.TargetSizeMB, MaxTargetSizeMB))
	case ps.MaxRowsPerPartition > MaxRowsPerPartition:
		v.add(path+".maxRowsPerPartition", fmt.Sprintf("%d is over the limit of %d; a partition is extracted, uploaded and retried as one unit, so use far fewer rows, e.g. 1000000 (to move a small table as one partition, any number above its row count up to the limit will do)", ps.MaxRowsPerPartition, int64(MaxRowsPerPartition)))
	}
}
