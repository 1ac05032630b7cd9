package main

import (
	"database/sql"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/snowflake"
)

// sqlCommand is a diagnostic: run one statement on a named Snowflake connection and
// print the rows (the demo uses it for its source/target count check). It prints no
// connection detail.
func sqlCommand() *cli.Command {
	return &cli.Command{
		Name:      "sql",
		Usage:     "run one SQL statement on a Snowflake connection and print the result (diagnostics)",
		ArgsUsage: "STATEMENT",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "connection-name", Usage: "connection in connections.toml (default: SNOWFLAKE_CONNECTION_NAME)"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return fmt.Errorf("%w: workers sql [--connection-name C] STATEMENT", errUsage)
			}
			home, err := config.SnowflakeHome(os.LookupEnv)
			if err != nil {
				return err
			}
			name, err := config.ResolveConnectionName(c.String("connection-name"), os.LookupEnv, home)
			if err != nil {
				return err
			}
			conn, err := config.LoadConnection(home, name)
			if err != nil {
				return err
			}
			db, err := snowflake.Open(name, snowflake.Connection(conn))
			if err != nil {
				return err
			}
			defer db.Close()
			return printQuery(c, db, c.Args().First())
		},
	}
}

func printQuery(c *cli.Context, db *sql.DB, q string) error {
	rows, err := db.QueryContext(c.Context, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(c.App.Writer, 0, 4, 2, ' ', 0)
	if len(cols) > 1 {
		fmt.Fprintln(tw, strings.Join(cols, "\t"))
	}
	vals := make([]sql.NullString, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		cells := make([]string, len(cols))
		for i, v := range vals {
			cells[i] = "NULL"
			if v.Valid {
				cells[i] = v.String
			}
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return tw.Flush()
}
