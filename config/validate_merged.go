package config

import (
	"fmt"
	"strings"
)

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

// WhereProblem keeps whereClauseCriteria to one predicate: the extractor wraps it as
// `WHERE (<criteria>)`, so a statement separator, a comment, dollar quoting or an
// unbalanced quote or parenthesis could end the wrapper early (`x) OR (true` would put
// every row in every partition; `;` would run a second statement, since COPY uses the
// simple query protocol). Quoted text is skipped, so `name = 'a;b'` is fine. An empty
// string is allowed: it clears a filter set in the defaults. It returns "" when the
// filter is acceptable. The starter checks it before anything starts; the source side
// checks it again before pasting it into SQL.
func WhereProblem(w string) string {
	const fix = "; write one predicate such as \"is_deleted = 0\""
	depth := 0
	for i := 0; i < len(w); i++ {
		switch c := w[i]; c {
		case '\'', '"':
			j := i + 1
			for ; j < len(w); j++ {
				if w[j] == c {
					if j+1 < len(w) && w[j+1] == c { // doubled quote inside
						j++
						continue
					}
					break
				}
			}
			if j >= len(w) {
				return fmt.Sprintf("unclosed %c quote at position %d%s", c, i+1, fix)
			}
			i = j
		case ';':
			return "contains ';': only one predicate is allowed, not several statements" + fix
		case '(':
			depth++
		case ')':
			depth--
			if depth < 0 {
				return fmt.Sprintf("unbalanced ')' at position %d%s", i+1, fix)
			}
		case '-', '/':
			if strings.HasPrefix(w[i:], "--") || strings.HasPrefix(w[i:], "/*") {
				return "contains an SQL comment; remove it" + fix
			}
		case '$':
			if dollarQuote(w[i+1:]) {
				return "uses dollar quoting; use single quotes" + fix
			}
		}
	}
	if depth != 0 {
		return "unclosed '('" + fix
	}
	return ""
}

// dollarQuote reports whether s (the text after a '$') opens a PostgreSQL $tag$ quote.
func dollarQuote(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '$':
			return true
		case c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z') || (i > 0 && c >= '0' && c <= '9'):
		default:
			return false
		}
	}
	return false
}
