package sourceside

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/snowmigrate/snowmigrate/snowflake"
)

// Stager puts files on a Snowflake stage location and clears one.
type Stager interface {
	// Remove deletes every file under stagePrefix (a "folder": the prefix ends in /).
	Remove(ctx context.Context, stagePrefix string) error
	// Put uploads one local file into stagePrefix, overwriting a file of that name.
	Put(ctx context.Context, localPath, stagePrefix string) error
}

// SQLStager implements Stager with PUT/REMOVE over a gosnowflake *sql.DB (the worker's
// [connections.target.snowflake_connection_name]).
type SQLStager struct{ DB *sql.DB }

// Remove implements Stager.
func (s SQLStager) Remove(ctx context.Context, stagePrefix string) error {
	q, err := snowflake.RemoveSQL(stagePrefix)
	if err != nil {
		return err
	}
	rows, err := s.DB.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
	}
	return rows.Err()
}

// Put implements Stager and checks the status the driver reports for the file.
func (s SQLStager) Put(ctx context.Context, localPath, stagePrefix string) error {
	if strings.ContainsAny(localPath, "'\\") {
		return fmt.Errorf("local path %q contains a quote or backslash, which PUT cannot name", localPath)
	}
	q, err := snowflake.PutSQL(localPath, stagePrefix)
	if err != nil {
		return err
	}
	rows, err := s.DB.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	n := 0
	err = snowflake.EachRow(rows, func(r snowflake.Row) error {
		n++
		if st, _ := r.Get("status"); r.Has("status") && !strings.EqualFold(st, "UPLOADED") {
			msg, _ := r.Get("message")
			return fmt.Errorf("PUT reported status %s for %s: %s", st, localPath, msg)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("PUT of %s reported no file", localPath)
	}
	return nil
}
