package config

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
)

// Names, sizes and types that a database would refuse, fold unexpectedly or that
// would overflow arithmetic are refused at validation, each with its path and the fix.
func TestValidationRefusesWithTheFix(t *testing.T) {
	table := func(extra string) string {
		return `{"tables": [{` + okTable + extra + `}]}`
	}
	withSource := func(tableName string) string {
		return `{"tables": [{"source": {"databaseName": "shop", "schemaName": "public", "tableName": ` + tableName + `},
		 "target": {"databaseName": "SHOP", "schemaName": "PUBLIC", "tableName": "ORDERS"}, "columnNamesToPartitionBy": ["id"]}]}`
	}
	for _, tc := range []struct {
		name, js, path string
		msgs           []string // every part must appear in the message
	}{
		{"unquoted non-ASCII table", withSource(`"café"`), "tables[0].source.tableName",
			[]string{"non-ASCII", `"\"café\""`}},
		{"unquoted non-ASCII column", table(`, "primaryKeyColumns": ["größe"]`), "tables[0].primaryKeyColumns[0]",
			[]string{"non-ASCII", "quoted"}},
		{"unquoted non-ASCII target", `{"tables": [{"source": {"databaseName": "shop", "schemaName": "public", "tableName": "orders"},
		 "target": {"databaseName": "SHOP", "schemaName": "PUBLIC", "tableName": "ÜBER"}, "columnNamesToPartitionBy": ["id"]}]}`,
			"tables[0].target.tableName", []string{"non-ASCII"}},
		{"quoted name with NUL", withSource(`"\"a\u0000b\""`), "tables[0].source.tableName",
			[]string{"U+0000", "control character", "rename"}},
		{"quoted name with newline", table(`, "primaryKeyColumns": ["\"id\nx\""]`), "tables[0].primaryKeyColumns[0]",
			[]string{"U+000A"}},
		{"quoted name with CR", table(`, "columnNameMappings": [{"sourceName": "a", "targetName": "\"B\rC\""}]`), "tables[0].columnNameMappings[0].targetName",
			[]string{"U+000D"}},
		{"unquoted name with tab", table(`, "primaryKeyColumns": ["a\tb"]`), "tables[0].primaryKeyColumns[0]",
			[]string{"U+0009"}},
		{"rows near 2^63", table(`, "partitionSize": {"maxRowsPerPartition": 9223372036854775807}`), "tables[0].partitionSize.maxRowsPerPartition",
			[]string{"over the limit of 1000000000000", "e.g. 1000000"}},
		{"rows beyond int64", table(`, "partitionSize": {"maxRowsPerPartition": 99999999999999999999}`), "tables[0].partitionSize.maxRowsPerPartition",
			[]string{"99999999999999999999 is out of range"}},
		{"rows with a fraction", table(`, "partitionSize": {"maxRowsPerPartition": 1.5}`), "tables[0].partitionSize.maxRowsPerPartition",
			[]string{"found 1.5", "without a fraction"}},
		{"rows just over", table(`, "partitionSize": {"maxRowsPerPartition": 1000000000001}`), "tables[0].partitionSize.maxRowsPerPartition",
			[]string{"over the limit"}},
		{"size that overflows", table(`, "partitionSize": {"targetSizeMb": 8796093022209}`), "tables[0].partitionSize.targetSizeMb",
			[]string{"over the limit of 1048576", "e.g. 256"}},
		{"size in defaults", `{"defaultTableConfiguration": {"partitionSize": {"targetSizeMb": 9223372036854775807}}, "tables": [{` + okTable + `}]}`,
			"defaultTableConfiguration.partitionSize.targetSizeMb", []string{"over the limit"}},
		{"unknown type", table(`, "columnTypeMappings": [{"sourceType": "money", "targetType": "MONEY(19,4)"}]`), "tables[0].columnTypeMappings[0].targetType",
			[]string{"MONEY is not a Snowflake type", "NUMBER(19,4)"}},
		{"precision too big", table(`, "columnTypeMappings": [{"sourceType": "numeric", "targetType": "NUMBER(39,2)"}]`), "tables[0].columnTypeMappings[0].targetType",
			[]string{"precision must be 1 to 38"}},
		{"precision overflows", table(`, "columnTypeMappings": [{"sourceType": "numeric", "targetType": "NUMBER(99999999999999999999)"}]`), "tables[0].columnTypeMappings[0].targetType",
			[]string{"precision must be 1 to 38"}},
		{"scale over precision", table(`, "columnTypeMappings": [{"sourceType": "numeric", "targetType": "DECIMAL(5,6)"}]`), "tables[0].columnTypeMappings[0].targetType",
			[]string{"scale (6) cannot exceed the precision (5)"}},
		{"three parameters", table(`, "columnTypeMappings": [{"sourceType": "numeric", "targetType": "NUMBER(5,2,1)"}]`), "tables[0].columnTypeMappings[0].targetType",
			[]string{"not a Snowflake type"}},
		{"parameters on INT", table(`, "columnTypeMappings": [{"sourceType": "integer", "targetType": "INT(11)"}]`), "tables[0].columnTypeMappings[0].targetType",
			[]string{"INT takes no parameters; write INT"}},
		{"varchar zero", table(`, "columnTypeMappings": [{"sourceType": "text", "targetType": "VARCHAR(0)"}]`), "tables[0].columnTypeMappings[0].targetType",
			[]string{"length must be 1 to 134217728"}},
		{"varchar too long", table(`, "columnTypeMappings": [{"sourceType": "text", "targetType": "varchar(134217729)"}]`), "tables[0].columnTypeMappings[0].targetType",
			[]string{"length must be 1 to 134217728"}},
		{"timestamp digits", table(`, "columnTypeMappings": [{"sourceType": "timestamp", "targetType": "TIMESTAMP_NTZ(10)"}]`), "tables[0].columnTypeMappings[0].targetType",
			[]string{"fractional-seconds precision must be 0 to 9"}},
		{"geography", table(`, "columnTypeMappings": [{"sourceType": "text", "targetType": "GEOGRAPHY"}]`), "tables[0].columnTypeMappings[0].targetType",
			[]string{"this release loads columns only into"}},
		{"empty parens", table(`, "columnTypeMappings": [{"sourceType": "text", "targetType": "VARCHAR()"}]`), "tables[0].columnTypeMappings[0].targetType",
			[]string{"not a Snowflake type"}},
		{"two names", table(`, "columnTypeMappings": [{"sourceType": "text", "targetType": "VARCHAR VARCHAR"}]`), "tables[0].columnTypeMappings[0].targetType",
			[]string{"VARCHAR VARCHAR is not a Snowflake type"}},
		{"injection", table(`, "columnTypeMappings": [{"sourceType": "text", "targetType": "VARCHAR) AS (SELECT 1"}]`), "tables[0].columnTypeMappings[0].targetType",
			[]string{"unbalanced"}},
		{"stuff after parens", table(`, "columnTypeMappings": [{"sourceType": "text", "targetType": "NUMBER(3) NOT NULL"}]`), "tables[0].columnTypeMappings[0].targetType",
			[]string{"not a Snowflake type"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, probs := parseNormalize(t, tc.js, PlatformPostgreSQL)
			for _, p := range probs {
				if p.Path != tc.path {
					continue
				}
				for _, m := range tc.msgs {
					if !strings.Contains(p.Message, m) {
						t.Errorf("message %q lacks %q", p.Message, m)
					}
				}
				return
			}
			t.Fatalf("no problem at %s; got %q", tc.path, probs)
		})
	}
}

// Every type the source side knows how to load into passes the grammar, in the
// spellings users write.
func TestTargetTypeGrammarAccepts(t *testing.T) {
	for _, ty := range []string{
		"NUMBER", "number(38)", "NUMBER(38,0)", "DECIMAL(19,4)", "numeric( 12 , 2 )", "NUMBER(1,0)", "NUMBER(38,37)",
		"INT", "integer", "BIGINT", "SMALLINT", "TINYINT", "BYTEINT",
		"FLOAT", "float8", "DOUBLE", "Double  Precision", "REAL",
		"VARCHAR", "VARCHAR(1)", "varchar(134217728)", "STRING", "TEXT(10)", "CHAR(3)", "CHARACTER", "NCHAR VARYING(5)", "NVARCHAR2",
		"BINARY", "BINARY(8388608)", "VARBINARY(67108864)",
		"BOOLEAN", "DATE", "TIME", "TIME(0)", "TIMESTAMP(9)", "DATETIME", "TIMESTAMP_NTZ(6)", "TIMESTAMP_TZ",
		"TIMESTAMPLTZ(3)", "TIMESTAMP WITH TIME ZONE", "timestamp without time zone(6)",
		"VARIANT", "OBJECT", "ARRAY",
	} {
		if msg := targetTypeProblem(ty); msg != "" {
			t.Errorf("%q refused: %s", ty, msg)
		}
	}
}

// The configuration file is read through a limited reader: a file over the limit is
// refused with the limit named, and reading stops there (a never-ending stream is
// refused too).
func TestReadConfigFileLimit(t *testing.T) {
	dir := t.TempDir()
	ok := filepath.Join(dir, "ok.json")
	if err := os.WriteFile(ok, []byte(strings.Repeat(" ", MaxConfigFileBytes-2)+"{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	if data, err := ReadConfigFile(ok); err != nil || len(data) != MaxConfigFileBytes {
		t.Fatalf("a file of exactly the limit: %d bytes, %v", len(data), err)
	}
	big := filepath.Join(dir, "big.json")
	if err := os.WriteFile(big, make([]byte, MaxConfigFileBytes+1), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := ReadConfigFile(big)
	if !errors.Is(err, ErrFileTooLarge) || !strings.Contains(err.Error(), "4 MiB limit") || !strings.Contains(err.Error(), big) {
		t.Fatalf("over the limit: %v", err)
	}
	if _, err := os.Stat("/dev/zero"); err == nil {
		if _, err := ReadConfigFile("/dev/zero"); !errors.Is(err, ErrFileTooLarge) {
			t.Fatalf("/dev/zero: %v", err)
		}
	}
	if _, err := ReadConfigFile(filepath.Join(dir, "missing.json")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
}

// A worker TOML that holds a password must be private to its owner, as
// connections.toml must; the error names the file and the chmod that fixes it, and
// never the password.
func TestLoadWorkerRefusesReadableSecrets(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("POSIX modes")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "worker.toml")
	write := func(body string, mode os.FileMode) {
		t.Helper()
		if err := os.WriteFile(path, []byte(body), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
	}
	for _, mode := range []os.FileMode{0o644, 0o640, 0o604, 0o620, 0o602} {
		write(workerPG, mode)
		_, err := LoadWorker(path)
		if err == nil {
			t.Fatalf("mode %04o: accepted", mode)
		}
		for _, want := range []string{path, "chmod 600 " + path, "accessible by other users"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("mode %04o: %q lacks %q", mode, err, want)
			}
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("mode %04o: the error shows the password: %v", mode, err)
		}
	}
	write(workerPG, 0o600)
	if _, err := LoadWorker(path); err != nil {
		t.Fatalf("0600: %v", err)
	}
	write(workerPG, 0o400)
	if _, err := LoadWorker(path); err != nil {
		t.Fatalf("0400: %v", err)
	}
	// Without a secret, the mode is the owner's business (trust or peer authentication).
	write(strings.Replace(workerPG, `password = "`+secret+`"`, `password = ""`, 1), 0o644)
	if _, err := LoadWorker(path); err != nil {
		t.Fatalf("no secret, 0644: %v", err)
	}
	// Redshift IAM: the secret access key is a secret too.
	iam := `[connections.source.redshift]
username = "u"
database = "d"
auth_method = "iam-provisioned-cluster"
cluster_id = "c"
region = "us-east-1"
access_key_id = "AKIA"
secret_access_key = "s3cr3t"
`
	write(iam, 0o644)
	if _, err := LoadWorker(path); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("readable IAM secret: %v", err)
	}
	// A huge file is not read past the limit.
	write(workerPG+strings.Repeat("#", MaxTOMLFileBytes), 0o600)
	if _, err := LoadWorker(path); !errors.Is(err, ErrFileTooLarge) || !strings.Contains(err.Error(), "1 MiB limit") {
		t.Fatalf("huge worker TOML: %v", err)
	}
	if _, err := LoadWorker(dir); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Fatalf("a directory: %v", err)
	}
}

// The default work directory is per user (in the user's cache directory), never a
// fixed path in the shared temporary directory; without a home there is no default,
// and the error says to set work_dir.
func TestDefaultWorkDirIsPerUser(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("XDG layout")
	}
	t.Setenv("XDG_CACHE_HOME", "")
	t.Setenv("HOME", "/home/alice")
	w, err := ParseWorker([]byte(workerPG), "w.toml")
	if err != nil {
		t.Fatal(err)
	}
	if w.Application.WorkDir != "/home/alice/.cache/snowmigrate/work" {
		t.Errorf("default work dir %q", w.Application.WorkDir)
	}
	if strings.HasPrefix(w.Application.WorkDir, os.TempDir()) {
		t.Errorf("default work dir %q is in the shared temporary directory", w.Application.WorkDir)
	}
	t.Setenv("XDG_CACHE_HOME", "/srv/cache")
	if w, _ := ParseWorker([]byte(workerPG), "w.toml"); w.Application.WorkDir != "/srv/cache/snowmigrate/work" {
		t.Errorf("with XDG_CACHE_HOME: %q", w.Application.WorkDir)
	}
	t.Setenv("XDG_CACHE_HOME", "")
	t.Setenv("HOME", "")
	if _, err := ParseWorker([]byte(workerPG), "w.toml"); err == nil || !strings.Contains(err.Error(), "set work_dir") {
		t.Errorf("without a home: %v", err)
	}
	// An explicit work_dir needs no home.
	explicit := strings.Replace(workerPG, "task_fetch_interval = 30", "task_fetch_interval = 30\nwork_dir = \"/var/lib/sm\"", 1)
	if w, err := ParseWorker([]byte(explicit), "w.toml"); err != nil || w.Application.WorkDir != "/var/lib/sm" {
		t.Errorf("explicit work_dir without a home: %q, %v", w.Application.WorkDir, err)
	}
}

// A worker TOML given through a pipe (`--config <(vault read …)`) loads: the mode check
// applies to the pipe, and the size limit bounds the read.
func TestLoadWorkerFromPipe(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("mkfifo")
	}
	path := filepath.Join(t.TempDir(), "worker.fifo")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	go func() {
		// Opening for writing waits for the reader (LoadWorker opens the path first);
		// closing after the write gives the reader its end of file.
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		_, _ = f.WriteString(workerPG)
		f.Close()
	}()
	w, err := LoadWorker(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, c := w.Source(); c.Database != "shop" {
		t.Fatalf("read %+v", w)
	}
}
