package snowflake

// validationMetadataDDL returns the idempotent statements creating the metadata tables and
// views of the validation results (DATA_VALIDATION); MetadataDDL runs them after the core tables and before the
// core views.
func validationMetadataDDL(l MetadataLocation) []string {
	_ = l
	return nil
}
