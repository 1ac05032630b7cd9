package snowflake

import (
	"fmt"
	"strings"
)

// StageObjectName is the internal stage's name inside the migration schema.
const StageObjectName = "MIGRATION_STAGE"

// StageName is the stage's fully qualified name as EnsureMetadata returns it: unquoted
// parts where that reads back the same (SNOWCONVERT_AI.DATA_MIGRATION.MIGRATION_STAGE),
// quoted otherwise.
func StageName(loc MetadataLocation) string {
	return DisplayName(loc.Database, loc.MigrationSchema, StageObjectName)
}

// CreateStageSQL creates the internal stage. Files are Parquet, already compressed, and
// PUT with AUTO_COMPRESS=FALSE; the stage needs no file format of its own because every
// COPY names one.
func CreateStageSQL(loc MetadataLocation) string {
	return "CREATE STAGE IF NOT EXISTS " + QualifiedName(loc.Database, loc.MigrationSchema, StageObjectName) +
		"\n  COMMENT = 'snowmigrate: Parquet files of partitions being loaded'"
}

// PutSQL uploads one local file into a stage location. OVERWRITE=TRUE so a re-extracted
// partition replaces its previous attempt's file of the same name.
func PutSQL(localPath, stagePrefix string) (string, error) {
	prefix, err := CheckStagePrefix(stagePrefix)
	if err != nil {
		return "", err
	}
	if !strings.HasPrefix(localPath, "/") {
		return "", fmt.Errorf("PUT needs an absolute local path, got %q", localPath)
	}
	return "PUT " + StringLiteral("file://"+localPath) + " " + prefix +
		" AUTO_COMPRESS = FALSE OVERWRITE = TRUE PARALLEL = 4", nil
}

// RemoveSQL removes every file under a stage location.
func RemoveSQL(stagePrefix string) (string, error) {
	prefix, err := CheckStagePrefix(stagePrefix)
	if err != nil {
		return "", err
	}
	return "REMOVE " + prefix, nil
}

// ListSQL lists the files under a stage location.
func ListSQL(stagePrefix string) (string, error) {
	prefix, err := CheckStagePrefix(stagePrefix)
	if err != nil {
		return "", err
	}
	return "LIST " + prefix, nil
}
