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
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	status, message := -1, -1
	for i, c := range cols {
		switch strings.ToLower(c) {
		case "status":
			status = i
		case "message":
			message = i
		}
	}
	n := 0
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		n++
		if status >= 0 && !strings.EqualFold(vals[status].String, "UPLOADED") {
			msg := ""
			if message >= 0 {
				msg = vals[message].String
			}
			return fmt.Errorf("PUT reported status %s for %s: %s", vals[status].String, localPath, msg)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("PUT of %s reported no file", localPath)
	}
	return nil
}
