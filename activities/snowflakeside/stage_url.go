package snowflakeside

import (
	"context"
	"fmt"
	"strings"

	"go.temporal.io/sdk/temporal"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/snowflake"
)

// ExternalStageURL implements snowflakeapi.ExternalStageURLName: DESC STAGE, and the
// stage's URL from its STAGE_LOCATION rows. The stage's credentials stay in
// Snowflake (DESC shows none). An internal stage, or one not on S3, cannot take
// Redshift's UNLOAD: a non-retryable configuration error.
func (a *Activities) ExternalStageURL(ctx context.Context, in snowflakeapi.ExternalStageURLInput) (snowflakeapi.ExternalStageURLResult, error) {
	var res snowflakeapi.ExternalStageURLResult
	parts, err := snowflake.ParseStageName(in.Stage)
	if err != nil {
		return res, temporal.NewNonRetryableApplicationError("extraction.externalStage: "+err.Error(), migration.ErrTypeConfig, err)
	}
	db, err := a.db(ctx, in.ConnectionName)
	if err != nil {
		return res, err
	}
	rows, err := db.QueryContext(ctx, snowflake.DescStageSQL(parts))
	if err != nil {
		return res, classify(err, "describe the external stage "+in.Stage)
	}
	var url string
	var urlErr error
	if err := snowflake.EachRow(rows, func(r snowflake.Row) error {
		if u, found, err := snowflake.StageURLRow(r); found {
			url, urlErr = u, err
		}
		return nil
	}); err != nil {
		return res, classify(err, "describe the external stage "+in.Stage)
	}
	err = urlErr
	if err == nil && url == "" {
		err = fmt.Errorf("stage %s has no URL: it is an internal stage; the unload strategy needs an external stage on S3 (CREATE STAGE … URL = 's3://bucket/prefix/' STORAGE_INTEGRATION = …)", in.Stage)
	}
	if err == nil {
		_, err = snowflake.UnloadLocation(url, "m", "t", 0)
	}
	if err != nil {
		return res, temporal.NewNonRetryableApplicationError("extraction.externalStage "+in.Stage+": "+err.Error(), migration.ErrTypeConfig, err)
	}
	if !strings.HasSuffix(url, "/") {
		url += "/"
	}
	return snowflakeapi.ExternalStageURLResult{URL: url, StageRef: "@" + snowflake.DisplayName(parts...)}, nil
}
