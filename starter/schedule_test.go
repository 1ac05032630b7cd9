package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestScheduleArgsReachTheSubcommand(t *testing.T) {
	app := newApp(nil, nil)
	got := reorderArgs(app, strings.Fields("starter schedule create N c.json --every 1h --paused --source-platform postgresql"))
	want := "starter schedule create --every 1h --paused --source-platform postgresql -- N c.json"
	if strings.Join(got, " ") != want {
		t.Fatalf("got %q, want %q", strings.Join(got, " "), want)
	}
}

// Usage mistakes are caught before Temporal is contacted (the address is unreachable:
// reaching for it would exit 4).
func TestScheduleUsageErrorsExit2(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "c.json")
	if err := os.WriteFile(cfg, []byte(`{"tables": [{"source": {"databaseName": "d", "schemaName": "s", "tableName": "t"},
  "target": {"databaseName": "D", "schemaName": "S", "tableName": "T"}, "columnNamesToPartitionBy": ["id"],
  "synchronization": {"strategy": "watermark"}}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	ok := filepath.Join(dir, "ok.json")
	if err := os.WriteFile(ok, []byte(`{"tables": [{"source": {"databaseName": "d", "schemaName": "s", "tableName": "t"},
  "target": {"databaseName": "D", "schemaName": "S", "tableName": "T"}, "columnNamesToPartitionBy": ["id"]}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	common := []string{"--source-platform", "postgresql", "--temporal-address", "127.0.0.1:1"}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"schedule", "create", "N"}, "needs two arguments"},
		{[]string{"schedule", "create", "N", ok}, "needs --every"},
		{[]string{"schedule", "create", "N", ok, "--every", "1h", "--cron", "0 2 * * *"}, "not both"},
		{[]string{"schedule", "create", "N", ok, "--every", "5s"}, "at least 1m"},
		{[]string{"schedule", "create", "N", ok, "--cron", "0 2 *"}, "five fields"},
		{[]string{"schedule", "create", "9N", ok, "--every", "1h"}, "--name"},
		{[]string{"schedule", "create", "N", cfg, "--every", "1h"}, "watermarkColumn"},
		{[]string{"schedule", "describe"}, "exactly one argument"},
		{[]string{"schedule", "trigger", "a", "b"}, "exactly one argument"},
		{[]string{"schedule", "list", "x"}, "takes no argument"},
	} {
		args := append(tc.args, common...)
		if tc.args[1] != "create" {
			args = append(tc.args, common[2:]...)
		}
		code, _, stderr := runCLI(t, args...)
		if code != exitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("%q: exit %d, stderr %q; want 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
}
