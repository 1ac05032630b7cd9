package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// heavyModules are the module paths the starter must not link: database drivers, the
// Parquet and Arrow libraries and the cloud SDKs (gosnowflake's S3 and Azure stage
// clients). The starter only talks to Temporal; it reaches the workflows' contracts
// through the light packages activities/sourceapi and activities/snowflakeapi, never
// through the activity implementations.
var heavyModules = []string{
	"github.com/jackc/pgx",
	"github.com/parquet-go",
	"github.com/apache/arrow-go",
	"github.com/snowflakedb/gosnowflake",
	"github.com/microsoft/go-mssqldb",
	"github.com/aws/aws-sdk-go-v2",
	"github.com/aws/smithy-go",
	"github.com/Azure/azure-sdk-for-go",
}

// goListDeps runs `go list -deps` on pkg (relative to the module root) and returns the
// import paths that fall under a heavy module.
func goListDeps(t *testing.T, pkg string) (all int, heavy []string) {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root %s: %v", root, err)
	}
	cmd := exec.Command("go", "list", "-deps", pkg) // go test puts its own go first on PATH
	cmd.Dir = root
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v\n%s", pkg, err, stderr.String())
	}
	for _, p := range strings.Fields(string(out)) {
		all++
		for _, m := range heavyModules {
			if p == m || strings.HasPrefix(p, m+"/") {
				heavy = append(heavy, p)
				break
			}
		}
	}
	return all, heavy
}

// TestStarterLinksNoDriver: the starter's dependency closure holds no database driver,
// no Parquet library and no cloud SDK (issue 6). A failure names the offending
// packages; `go list -deps ./starter` and `go mod why <package>` show who drags them in.
func TestStarterLinksNoDriver(t *testing.T) {
	n, heavy := goListDeps(t, "./starter")
	if n == 0 {
		t.Fatal("go list -deps ./starter listed nothing")
	}
	if len(heavy) > 0 {
		t.Errorf("the starter links %d packages it must not (drivers, Parquet, cloud SDKs belong to the workers only):\n  %s",
			len(heavy), strings.Join(heavy, "\n  "))
	}
	// The check must be able to fail: the workers link every one of the drivers'
	// modules the product uses, so the same scan over them finds some.
	if _, heavy := goListDeps(t, "./workers"); len(heavy) == 0 {
		t.Error("go list -deps ./workers finds no heavy package: the scan above is broken")
	}
}

// sourceDrivers are the source databases' drivers: only the dialect packages under
// source/ may link them.
var sourceDrivers = []string{"github.com/jackc/pgx", "github.com/microsoft/go-mssqldb", "github.com/lib/pq"}

// TestOnlyDialectsLinkSourceDrivers: the source activities and the workflows reach a
// source through source.Source and the registry, never through a driver (issue 6), so
// that a new dialect is one package plus one line in source/all.
func TestOnlyDialectsLinkSourceDrivers(t *testing.T) {
	for _, pkg := range []string{"./activities/sourceside", "./activities/snowflakeside", "./workflows", "./source", "./source/parquetx", "./migration"} {
		for _, p := range depsUnder(t, pkg, sourceDrivers) {
			t.Errorf("%s links the source driver package %s; go through source.Source instead", pkg, p)
		}
	}
	if len(depsUnder(t, "./source/all", sourceDrivers)) == 0 {
		t.Error("./source/all links no source driver: the scan is broken")
	}
}

// TestMigrationImportsNothingOfOurs: the domain package is the ground floor.
func TestMigrationImportsNothingOfOurs(t *testing.T) {
	for _, p := range depsUnder(t, "./migration", []string{"github.com/snowmigrate/snowmigrate/"}) {
		if p != "github.com/snowmigrate/snowmigrate/migration" {
			t.Errorf("migration imports %s; it must import nothing of the project", p)
		}
	}
}

// depsUnder lists pkg's dependencies whose import path starts with one of prefixes.
func depsUnder(t *testing.T, pkg string, prefixes []string) []string {
	t.Helper()
	saved := heavyModules
	heavyModules = prefixes
	defer func() { heavyModules = saved }()
	_, found := goListDeps(t, pkg)
	return found
}
