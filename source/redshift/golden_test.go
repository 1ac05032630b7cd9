package redshift

import (
	"flag"
	"testing"

	"github.com/snowmigrate/snowmigrate/source/sourcetest"
)

var update = flag.Bool("update", false, "rewrite testdata/*.sql from the builders")

// TestGoldenSQL compares every builder's SQL with testdata/<case>.sql.
func TestGoldenSQL(t *testing.T) { sourcetest.Golden(t, NewDialect(), *update, "source/redshift") }
