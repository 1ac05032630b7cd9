package snowflakeside

import (
	"errors"
	"strings"
	"testing"

	"go.temporal.io/sdk/temporal"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/migration"
)

// TestExternalStageURL: DESC STAGE gives an external stage's URL (with a trailing
// slash) and its reference; an internal stage, a missing one or a malformed name is a
// non-retryable configuration error naming the stage.
func TestExternalStageURL(t *testing.T) {
	h := newHarness(t)
	for _, q := range []string{
		"CREATE DATABASE IF NOT EXISTS UNLOADDB",
		"CREATE STAGE UNLOADDB.PUBLIC.EXT URL = 's3://bucket/unload' CREDENTIALS = (AWS_KEY_ID = 'k' AWS_SECRET_KEY = 's')",
		"CREATE STAGE UNLOADDB.PUBLIC.INTERNAL",
	} {
		if _, err := h.db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	var res snowflakeapi.ExternalStageURLResult
	h.mustRun(t, h.a.ExternalStageURL, snowflakeapi.ExternalStageURLInput{ConnectionName: h.conn, Stage: "unloaddb.public.ext"}, &res)
	if res.URL != "s3://bucket/unload/" || res.StageRef != "@UNLOADDB.PUBLIC.EXT" {
		t.Fatalf("%+v", res)
	}
	for stage, want := range map[string]string{
		"UNLOADDB.PUBLIC.INTERNAL": "internal stage",
		"UNLOADDB.PUBLIC.NOPE":     "does not exist",
		"NOT_QUALIFIED":            "DATABASE.SCHEMA.STAGE",
	} {
		err := h.run(t, h.a.ExternalStageURL, snowflakeapi.ExternalStageURLInput{ConnectionName: h.conn, Stage: stage}, nil)
		var ae *temporal.ApplicationError
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), strings.SplitN(stage, ".", 2)[0]) {
			t.Errorf("%s: %v (want …%s…)", stage, err, want)
			continue
		}
		if want != "does not exist" && (!errors.As(err, &ae) || !ae.NonRetryable() || ae.Type() != migration.ErrTypeConfig) {
			t.Errorf("%s: want a non-retryable config error, got %v", stage, err)
		}
	}
}
