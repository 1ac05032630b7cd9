package config

import "encoding/json"

// tableConfigJSON mirrors TableConfig for encoding. The model's `omitempty` would drop an
// explicit empty list, and an empty list in a table means "override the defaults with
// nothing" (MergeTable). The starter sends the configuration to the workflow as JSON, so
// losing that distinction would make the workflow see a different configuration than the
// one the starter validated. Pointers to slices keep it: nil is omitted, empty writes [].
type tableConfigJSON struct {
	Source                   *Identifier      `json:"source,omitempty"`
	Target                   *Identifier      `json:"target,omitempty"`
	ColumnNamesToPartitionBy *[]string        `json:"columnNamesToPartitionBy,omitempty"`
	Extraction               *Extraction      `json:"extraction,omitempty"`
	Synchronization          *Synchronization `json:"synchronization,omitempty"`
	ColumnTypeMappings       *[]TypeMapping   `json:"columnTypeMappings,omitempty"`
	ColumnNameMappings       *[]NameMapping   `json:"columnNameMappings,omitempty"`
	PrimaryKeyColumns        *[]string        `json:"primaryKeyColumns,omitempty"`
	PartitionSize            *PartitionSize   `json:"partitionSize,omitempty"`
	WhereClauseCriteria      *string          `json:"whereClauseCriteria,omitempty"`
	Validation               *Validation      `json:"validation,omitempty"`
}

func slicePtr[T any](s []T) *[]T {
	if s == nil {
		return nil
	}
	return &s
}

// MarshalJSON encodes a table so that nil and empty lists stay distinct across a round
// trip (see tableConfigJSON).
func (t TableConfig) MarshalJSON() ([]byte, error) {
	return json.Marshal(tableConfigJSON{
		Source:                   t.Source,
		Target:                   t.Target,
		ColumnNamesToPartitionBy: slicePtr(t.ColumnNamesToPartitionBy),
		Extraction:               t.Extraction,
		Synchronization:          t.Synchronization,
		ColumnTypeMappings:       slicePtr(t.ColumnTypeMappings),
		ColumnNameMappings:       slicePtr(t.ColumnNameMappings),
		PrimaryKeyColumns:        slicePtr(t.PrimaryKeyColumns),
		PartitionSize:            t.PartitionSize,
		WhereClauseCriteria:      t.WhereClauseCriteria,
		Validation:               t.Validation,
	})
}
