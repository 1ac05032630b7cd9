// Package all links every source dialect into a binary: importing it registers each
// dialect's opener under its --source-platform name (source.Register). A new dialect
// adds its line here; nothing else outside its own package changes.
package all

import (
	_ "github.com/snowmigrate/snowmigrate/source/postgres"  // postgresql
	_ "github.com/snowmigrate/snowmigrate/source/redshift"  // redshift
	_ "github.com/snowmigrate/snowmigrate/source/sqlserver" // sqlserver
)
