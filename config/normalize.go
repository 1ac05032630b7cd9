package config

import (
	"fmt"
	"regexp"
	"strings"
)

// Defaults filled by Normalize.
const (
	DefaultSchemaVersion = "1.0.0"
	TableTypeNative      = "native"
	TableTypeIceberg     = "iceberg"
)

// PathSourcePlatform is the problem path used for the --source-platform value, which is
// not part of the JSON file but is validated with it.
const PathSourcePlatform = "--source-platform"

var (
	schemaVersionRE = regexp.MustCompile(`^([0-9]+)(\.[0-9]+){0,2}$`)
	affinityRE      = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
)

// MaxAffinityLength keeps task queue names (which embed the affinity) short.
const MaxAffinityLength = 100

// Normalize validates a parsed configuration for one source platform and returns it with
// defaultTableConfiguration merged into every table and every default filled. It reports
// every problem at once, each with its JSON path and the fix; the configuration may be
// used only when there is none. It is deterministic (see doc.go): the same input always
// yields the same output and the same problems in the same order.
func Normalize(c WorkflowConfig, platform string) (Normalized, []Problem) {
	v := &validator{platform: platform}
	v.checkPlatform()

	out := Normalized{SchemaVersion: c.SchemaVersion, Affinity: c.Affinity}
	if out.SchemaVersion == "" {
		out.SchemaVersion = DefaultSchemaVersion
	} else if m := schemaVersionRE.FindStringSubmatch(c.SchemaVersion); m == nil {
		v.add("schemaVersion", fmt.Sprintf("%q is not a version: write \"major\", \"major.minor\" or \"major.minor.patch\", e.g. \"1.0.0\"", c.SchemaVersion))
	} else if strings.TrimLeft(m[1], "0") != "1" {
		v.add("schemaVersion", fmt.Sprintf("version %s is not supported: this release reads schema version 1 (\"1.0.0\")", c.SchemaVersion))
	}
	if c.Affinity != "" && (!affinityRE.MatchString(c.Affinity) || len(c.Affinity) > MaxAffinityLength) {
		v.add("affinity", fmt.Sprintf("%q: use only letters, digits, '_' and '-' (at most %d), e.g. \"dc-east\"", c.Affinity, MaxAffinityLength))
	}
	if len(c.Tables) == 0 {
		v.add("tables", "no tables: list at least one table to migrate, e.g. [{\"source\": {...}, \"target\": {...}, \"columnNamesToPartitionBy\": [\"id\"]}]")
	}
	if c.DefaultTableConfiguration != nil {
		v.checkTableFields(*c.DefaultTableConfiguration, "defaultTableConfiguration")
	}

	sources := map[string]int{}
	targets := map[string]int{}
	var merged []TableConfig
	out.Tables = make([]TableConfig, 0, len(c.Tables))
	for i, t := range c.Tables {
		path := fmt.Sprintf("tables[%d]", i)
		v.checkTableFields(t, path)
		m := MergeTable(c.DefaultTableConfiguration, t)
		merged = append(merged, m)
		v.checkMerged(m, path)
		if k, ok := sourceKey(m); ok {
			if j, dup := sources[k]; dup {
				v.add(path+".source", fmt.Sprintf("%s is the same source table as tables[%d] (%s); list each table once", TableKey(m), j, TableKey(merged[j])))
			} else {
				sources[k] = i
			}
		}
		if k, ok := targetKey(m); ok {
			if j, dup := targets[k]; dup {
				v.add(path+".target", fmt.Sprintf("%s is the same target table as tables[%d] (%s); two sources cannot fill one target, give each its own tableName",
					targetName(m), j, targetName(merged[j])))
			} else {
				targets[k] = i
			}
		}
		out.Tables = append(out.Tables, fillDefaults(m))
	}
	return out, v.probs
}

// fillDefaults completes a merged table with the documented defaults.
func fillDefaults(t TableConfig) TableConfig {
	if t.PartitionSize == nil {
		t.PartitionSize = &PartitionSize{Auto: true}
	}
	if t.Extraction == nil {
		t.Extraction = &Extraction{}
	}
	if t.Extraction.Strategy == "" {
		t.Extraction.Strategy = ExtractionRegular
	}
	if t.Synchronization == nil {
		t.Synchronization = &Synchronization{}
	}
	if t.Synchronization.Strategy == "" {
		t.Synchronization.Strategy = SyncNone
	}
	if t.Target == nil {
		t.Target = &Identifier{}
	}
	if t.Target.TableType == "" {
		t.Target.TableType = TableTypeNative
	}
	return t
}

func complete(id *Identifier) bool {
	return id != nil && id.DatabaseName != "" && id.SchemaName != "" && id.TableName != ""
}

// sourceKey identifies the source table as the source database resolves it (unquoted
// names fold to lower case on PostgreSQL and Redshift; SQL Server compares them without
// case by default), so `Orders` and `"orders"` are caught as the same table.
func sourceKey(t TableConfig) (string, bool) {
	if !complete(t.Source) {
		return "", false
	}
	f := strings.ToLower
	s := t.Source
	return canonicalName(s.DatabaseName, f) + "\x00" + canonicalName(s.SchemaName, f) + "\x00" + canonicalName(s.TableName, f), true
}

// targetKey identifies the target as Snowflake resolves it (unquoted names fold to upper).
func targetKey(t TableConfig) (string, bool) {
	if !complete(t.Target) {
		return "", false
	}
	f := strings.ToUpper
	s := t.Target
	return canonicalName(s.DatabaseName, f) + "\x00" + canonicalName(s.SchemaName, f) + "\x00" + canonicalName(s.TableName, f), true
}

func targetName(t TableConfig) string {
	return t.Target.DatabaseName + "." + t.Target.SchemaName + "." + t.Target.TableName
}
