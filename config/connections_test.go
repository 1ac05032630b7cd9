package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFile(t *testing.T, path, body string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // WriteFile's mode is filtered by umask
		t.Fatal(err)
	}
}

const connectionsTOML = `[local]
account = "local"
user = "local"
password = "` + secret + `"
host = "127.0.0.1"
port = 8090
protocol = "http"

[prod]
account = "myorg-prod"
user = "MIGRATOR"
private_key_path = "/keys/rsa.p8"
private_key_passphrase = "pp"
warehouse = "WH"
role = "LOADER"
authenticator = "SNOWFLAKE_JWT"
database = "DB"
schema = "S"

[broken]
account = "x"
colour = "blue"
`

func TestLoadConnectionFromConnectionsToml(t *testing.T) {
	home := t.TempDir()
	writeFile(t, filepath.Join(home, "connections.toml"), connectionsTOML, 0o600)
	c, err := LoadConnection(home, "local")
	if err != nil {
		t.Fatal(err)
	}
	want := Connection{Account: "local", User: "local", Password: secret, Host: "127.0.0.1", Port: 8090, Protocol: "http"}
	if c != want {
		t.Fatalf("got %#v", c)
	}
	for _, s := range []string{c.String(), fmt.Sprintf("%v %+v %#v", c, c, c)} {
		if strings.Contains(s, secret) {
			t.Fatalf("secret in %q", s)
		}
	}
	c, err = LoadConnection(home, "prod")
	if err != nil {
		t.Fatal(err)
	}
	if c.PrivateKeyFile != "/keys/rsa.p8" || c.PrivateKeyFilePwd != "pp" || c.Warehouse != "WH" || c.Role != "LOADER" || c.Database != "DB" || c.Schema != "S" {
		t.Fatalf("aliases / fields: %#v %q", c, c.PrivateKeyFile)
	}
	// A bad key in the selected connection is an error naming it; elsewhere it does not matter.
	if _, err := LoadConnection(home, "broken"); err == nil || !strings.Contains(err.Error(), "unknown key(s) colour") {
		t.Fatalf("broken: %v", err)
	}
}

func TestLoadConnectionMissingListsNames(t *testing.T) {
	home := t.TempDir()
	writeFile(t, filepath.Join(home, "connections.toml"), connectionsTOML, 0o600)
	_, err := LoadConnection(home, "staging")
	if !errors.Is(err, ErrConnectionNotFound) || !strings.Contains(err.Error(), `no connection "staging"`) ||
		!strings.Contains(err.Error(), "it defines: broken, local, prod") {
		t.Fatalf("%v", err)
	}
	_, err = LoadConnection(t.TempDir(), "x")
	if !errors.Is(err, ErrConnectionNotFound) || !strings.Contains(err.Error(), "neither") {
		t.Fatalf("no files: %v", err)
	}
}

func TestLoadConnectionRefusesOpenPermissions(t *testing.T) {
	home := t.TempDir()
	path := filepath.Join(home, "connections.toml")
	for _, mode := range []os.FileMode{0o644, 0o640, 0o604, 0o660, 0o602} {
		writeFile(t, path, connectionsTOML, mode)
		_, err := LoadConnection(home, "local")
		if err == nil || !strings.Contains(err.Error(), "chmod 600 "+path) {
			t.Errorf("mode %04o: %v", mode, err)
		}
	}
	writeFile(t, path, connectionsTOML, 0o400)
	if _, err := LoadConnection(home, "local"); err != nil {
		t.Errorf("mode 0400: %v", err)
	}
}

func TestLoadConnectionFromConfigToml(t *testing.T) {
	home := t.TempDir()
	writeFile(t, filepath.Join(home, "config.toml"), `default_connection_name = "dev"
[cli.logs]
save_logs = true
[connections.dev]
account = "org-dev"
user = "me"
password = "pw"
`, 0o600)
	c, err := LoadConnection(home, "dev")
	if err != nil || c.Account != "org-dev" || c.User != "me" {
		t.Fatalf("%#v %v", c, err)
	}
	name, err := ResolveConnectionName("", func(string) (string, bool) { return "", false }, home)
	if err != nil || name != "dev" {
		t.Fatalf("resolve from config.toml: %q %v", name, err)
	}
	// connections.toml, when present, replaces config.toml's connections.
	writeFile(t, filepath.Join(home, "connections.toml"), "[other]\naccount = \"a\"\n", 0o600)
	if _, err := LoadConnection(home, "dev"); !errors.Is(err, ErrConnectionNotFound) {
		t.Fatalf("connections.toml must win: %v", err)
	}
}

func TestResolveConnectionNameOrder(t *testing.T) {
	home := t.TempDir()
	env := map[string]string{}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	if n, _ := ResolveConnectionName("", lookup, home); n != "default" {
		t.Fatalf("fallback %q", n)
	}
	writeFile(t, filepath.Join(home, "config.toml"), `default_connection_name = "fromfile"`, 0o600)
	if n, _ := ResolveConnectionName("", lookup, home); n != "fromfile" {
		t.Fatalf("config.toml %q", n)
	}
	env["SNOWFLAKE_CONNECTION_NAME"] = "fromenv"
	if n, _ := ResolveConnectionName("", lookup, home); n != "fromenv" {
		t.Fatalf("env %q", n)
	}
	if n, _ := ResolveConnectionName("fromflag", lookup, home); n != "fromflag" {
		t.Fatalf("flag %q", n)
	}
}

func TestSnowflakeHome(t *testing.T) {
	env := map[string]string{"HOME": "/home/u"}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	if h, err := SnowflakeHome(lookup); err != nil || h != "/home/u/.snowflake" {
		t.Fatalf("%q %v", h, err)
	}
	env["SNOWFLAKE_HOME"] = "/etc/sf"
	if h, _ := SnowflakeHome(lookup); h != "/etc/sf" {
		t.Fatalf("%q", h)
	}
	if _, err := SnowflakeHome(func(string) (string, bool) { return "", false }); err == nil {
		t.Fatal("no HOME accepted")
	}
}

func TestLoadMetadataLocation(t *testing.T) {
	none := func(string) (string, bool) { return "", false }
	if got := LoadMetadataLocation(none); got != (MetadataLocation{"SNOWCONVERT_AI", "DATA_MIGRATION", "DATA_VALIDATION"}) {
		t.Fatalf("%+v", got)
	}
	env := map[string]string{
		"CUSTOM_SNOWFLAKE_DATABASE_FOR_METADATA":               "META",
		"CUSTOM_SNOWFLAKE_SCHEMA_FOR_DATA_MIGRATION_METADATA":  "MIG",
		"CUSTOM_SNOWFLAKE_SCHEMA_FOR_DATA_VALIDATION_METADATA": "",
	}
	got := LoadMetadataLocation(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if got != (MetadataLocation{"META", "MIG", "DATA_VALIDATION"}) {
		t.Fatalf("%+v", got)
	}
}
