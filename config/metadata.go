package config

// Environment variables naming where the metadata mirror lives (the reference system's
// names). Workers and the orchestrator must agree on them.
const (
	EnvMetadataDatabase         = "CUSTOM_SNOWFLAKE_DATABASE_FOR_METADATA"
	EnvMigrationMetadataSchema  = "CUSTOM_SNOWFLAKE_SCHEMA_FOR_DATA_MIGRATION_METADATA"
	EnvValidationMetadataSchema = "CUSTOM_SNOWFLAKE_SCHEMA_FOR_DATA_VALIDATION_METADATA"

	DefaultMetadataDatabase = "SNOWCONVERT_AI"
	DefaultMigrationSchema  = "DATA_MIGRATION"
	DefaultValidationSchema = "DATA_VALIDATION"
)

// MetadataLocation is the database and schemas of the metadata mirror. It has the same
// fields as snowflake.MetadataLocation, so callers convert with a type conversion.
type MetadataLocation struct {
	Database         string
	MigrationSchema  string
	ValidationSchema string
}

// LoadMetadataLocation reads the CUSTOM_SNOWFLAKE_* variables through lookup (main passes
// os.LookupEnv), falling back to the defaults for unset or empty ones.
func LoadMetadataLocation(lookup LookupFunc) MetadataLocation {
	get := func(env, def string) string {
		if v, ok := lookup(env); ok && v != "" {
			return v
		}
		return def
	}
	return MetadataLocation{
		Database:         get(EnvMetadataDatabase, DefaultMetadataDatabase),
		MigrationSchema:  get(EnvMigrationMetadataSchema, DefaultMigrationSchema),
		ValidationSchema: get(EnvValidationMetadataSchema, DefaultValidationSchema),
	}
}
