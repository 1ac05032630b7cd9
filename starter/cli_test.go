package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"go.temporal.io/sdk/converter"

	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/workflows"
)

// runCLI runs the starter in-process and returns its exit code and output.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), append([]string{"starter"}, args...), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestUsageErrorsExit2(t *testing.T) {
	for _, args := range [][]string{
		{"bogus"},
		{"status"},
		{"status", "a", "b"},
		{"status", "x", "--bogus"},
		{"create-data-migration-workflow"},
		{"create-data-migration-workflow", "/nonexistent/config.json", "--name", "A", "--source-platform", "postgresql"},
		{"list", "extra"},
		{"watch", "x", "--interval", "1ms"},
	} {
		code, _, stderr := runCLI(t, args...)
		if code != exitUsage {
			t.Errorf("%q: exit %d (stderr %q), want 2", args, code, stderr)
		}
	}
}

func TestReorderArgs(t *testing.T) {
	app := newApp(nil, nil)
	got := reorderArgs(app, strings.Fields("starter create-data-migration-workflow c.json --name N --json-ignored=1 --source-platform postgresql"))
	want := strings.Fields("starter create-data-migration-workflow --name N --json-ignored=1 --source-platform postgresql -- c.json")
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("got %q", got)
	}
	got = reorderArgs(app, strings.Fields("starter status N --json --namespace ns"))
	if strings.Join(got, " ") != "starter status --json --namespace ns -- N" {
		t.Fatalf("bool flag: %q", got)
	}
}

// The validation path: a bad configuration lists every problem with its path, exits 2,
// and never contacts Temporal (the address is unreachable: reaching it would fail
// differently, with exit 1).
func TestCreateInvalidConfigListsProblemsAndStartsNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bad.json")
	bad := `{"affinity": "east",
 "tables": [
  {"source": {"databaseName": "d", "schemaName": "s", "tableName": "t"}, "target": {"databaseName": "D", "schemaName": "S", "tableName": "T"}, "columnNamesToPartitionBy": []},
  {"source": {"databaseName": "d", "schemaName": "s", "tableName": "u"}, "target": {"databaseName": "D", "schemaName": "S", "tableName": "U", "tableType": "iceberg"}, "columnNamesToPartitionBy": ["id"], "whereClauseCriteria": "a = 1; drop table x"}
 ]}`
	if err := os.WriteFile(path, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "create-data-migration-workflow", path, "--name", "9lives", "--source-platform", "sqlserver",
		"--affinity", "west", "--temporal-address", "127.0.0.1:1")
	if code != exitUsage {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	for _, want := range []string{
		"--name: \"9lives\" starts with a digit",
		"--affinity: \"west\" conflicts with the configuration's affinity \"east\"",
		"tables[0].columnNamesToPartitionBy: empty list",
		"tables[1].target.icebergConfig: table d.s.u: tableType \"iceberg\" needs icebergConfig",
		"tables[1].whereClauseCriteria: contains ';'",
		"5 problem(s) in " + path + "; nothing was started",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if stdout != "" || strings.Contains(stderr, "cannot reach Temporal") {
		t.Fatalf("the starter went further than validation: %q %q", stdout, stderr)
	}
	// A parse problem is reported with its path too.
	if err := os.WriteFile(path, []byte(`{"tables": [{"partitonSize": "auto"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = runCLI(t, "create-data-migration-workflow", path, "--name", "ok", "--source-platform", "postgresql", "--temporal-address", "127.0.0.1:1")
	if code != exitUsage || !strings.Contains(stderr, "tables[0].partitonSize: unknown field; did you mean partitionSize?") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
}

func TestCreateRefusesOversizedInput(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"defaultTableConfiguration": {"source": {"databaseName": "d", "schemaName": "s"}, "target": {"databaseName": "D", "schemaName": "S"}, "columnNamesToPartitionBy": ["id"]}, "tables": [`)
	for i := 0; i < 16000; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"source": {"tableName": "a_rather_long_source_table_name_` + itoa(i) + `"}, "target": {"tableName": "A_RATHER_LONG_TARGET_TABLE_NAME_` + itoa(i) + `"}}`)
	}
	b.WriteString("]}")
	path := filepath.Join(t.TempDir(), "big.json")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, "create-data-migration-workflow", path, "--name", "Big", "--source-platform", "postgresql", "--temporal-address", "127.0.0.1:1")
	if code != exitUsage || !strings.Contains(stderr, "split the tables into several migrations") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func errorsAs(err error, target any) bool { return errors.As(err, target) }

// The documented capacity: 10,000 tables written with defaultTableConfiguration fit
// under MaxInputBytes.
func TestTenThousandTablesFitTheInputLimit(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"defaultTableConfiguration": {"source": {"databaseName": "warehouse", "schemaName": "public"}, "target": {"databaseName": "WAREHOUSE", "schemaName": "PUBLIC"}, "columnNamesToPartitionBy": ["id"]}, "tables": [`)
	for i := 0; i < 10000; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"source": {"tableName": "fact_table_` + strconv.Itoa(i) + `"}, "target": {"tableName": "FACT_TABLE_` + strconv.Itoa(i) + `"}}`)
	}
	b.WriteString("]}")
	cfg, probs := config.Parse([]byte(b.String()))
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	p, err := converter.GetDefaultDataConverter().ToPayload(workflows.MigrationInput{Name: "Big", SourcePlatform: "postgresql", Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	if p.Size() >= MaxInputBytes {
		t.Fatalf("10,000 tables encode to %d bytes, over %d", p.Size(), MaxInputBytes)
	}
	t.Logf("10,000 tables: %d bytes", p.Size())
}

// Temporal unreachable is exit 4 for watch and status, not 1 ("the migration failed").
func TestTemporalUnreachableExits4(t *testing.T) {
	for _, cmd := range []string{"watch", "status"} {
		code, stdout, stderr := runCLI(t, cmd, "SomeMigration", "--temporal-address", "127.0.0.1:1")
		if code != exitUnreachable || !strings.Contains(stderr, "cannot reach Temporal at 127.0.0.1:1") {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want 4 and the address", cmd, code, stdout, stderr)
		}
	}
}
