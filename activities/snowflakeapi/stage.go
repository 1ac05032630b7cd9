package snowflakeapi

// ExternalStageURLName reads an external stage's URL (DESC STAGE) for the UNLOAD
// strategy: Redshift writes each partition under it.
const ExternalStageURLName = "SnowflakeExternalStageURL"

// ExternalStageURLInput names the stage as the configuration does (DB.SCHEMA.STAGE).
type ExternalStageURLInput struct {
	ConnectionName string `json:"connectionName"`
	Stage          string `json:"stage"`
}

// ExternalStageURLResult is the stage's s3:// URL and the stage reference loads use
// (@DB.SCHEMA.STAGE, quoted where needed).
type ExternalStageURLResult struct {
	URL      string `json:"url"`
	StageRef string `json:"stageRef"`
}
