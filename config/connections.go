package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

// Connection is one Snowflake named connection, as the Snowflake CLI and drivers define
// them in connections.toml. It is a plain struct with exactly the fields of
// snowflake.Connection, so callers convert with snowflake.Connection(c). Password, Token
// and PrivateKeyFilePwd are secrets: log it with String(), which leaves them out.
type Connection struct {
	Account           string `toml:"account"`
	User              string `toml:"user"`
	Password          string `toml:"password"`
	Host              string `toml:"host"`
	Port              int    `toml:"port"`
	Protocol          string `toml:"protocol"`
	Database          string `toml:"database"`
	Schema            string `toml:"schema"`
	Warehouse         string `toml:"warehouse"`
	Role              string `toml:"role"`
	Authenticator     string `toml:"authenticator"`
	Token             string `toml:"token"`
	PrivateKeyFile    string `toml:"private_key_file"`
	PrivateKeyFilePwd string `toml:"private_key_file_pwd"`
}

// connectionAliases are key spellings other Snowflake tools use for the same fields.
type connectionAliases struct {
	PrivateKeyPath       string `toml:"private_key_path"`
	PrivateKeyPassphrase string `toml:"private_key_passphrase"`
}

// Environment variables and defaults for connection files (read by main, passed in).
const (
	EnvSnowflakeHome           = "SNOWFLAKE_HOME"
	EnvSnowflakeConnectionName = "SNOWFLAKE_CONNECTION_NAME"
	DefaultConnectionName      = "default"
	ConnectionsFile            = "connections.toml"
	SnowflakeConfigFile        = "config.toml"
)

// ErrConnectionNotFound is wrapped when the named connection does not exist.
var ErrConnectionNotFound = errors.New("snowflake connection not found")

// LookupFunc reads one environment variable; main passes os.LookupEnv.
type LookupFunc func(string) (string, bool)

// SnowflakeHome is $SNOWFLAKE_HOME, else ~/.snowflake (HOME from lookup).
func SnowflakeHome(lookup LookupFunc) (string, error) {
	if v, ok := lookup(EnvSnowflakeHome); ok && v != "" {
		return v, nil
	}
	if h, ok := lookup("HOME"); ok && h != "" {
		return filepath.Join(h, ".snowflake"), nil
	}
	return "", errors.New("cannot find the Snowflake configuration directory: set SNOWFLAKE_HOME (or HOME)")
}

// ResolveConnectionName picks the Snowflake connection: the flag, else
// SNOWFLAKE_CONNECTION_NAME, else default_connection_name in <home>/config.toml, else
// "default" (the Snowflake CLI's order).
func ResolveConnectionName(flag string, lookup LookupFunc, home string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	if v, ok := lookup(EnvSnowflakeConnectionName); ok && v != "" {
		return v, nil
	}
	path := filepath.Join(home, SnowflakeConfigFile)
	data, err := readLimited(path, MaxTOMLFileBytes)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return DefaultConnectionName, nil
	case err != nil:
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	var cfg struct {
		DefaultConnectionName string `toml:"default_connection_name"`
	}
	if _, err := toml.Decode(string(data), &cfg); err != nil {
		return "", fmt.Errorf("%s: %s", path, tomlErrorMessage(err, data))
	}
	if cfg.DefaultConnectionName != "" {
		return cfg.DefaultConnectionName, nil
	}
	return DefaultConnectionName, nil
}

// LoadConnection reads connection name from <home>/connections.toml ([name] tables) or,
// when that file does not exist, from <home>/config.toml ([connections.name] tables):
// as in the Snowflake CLI, connections.toml replaces config.toml's connections when both
// exist. A file readable or writable by group or others is refused (it holds secrets).
func LoadConnection(home, name string) (Connection, error) {
	if name == "" {
		return Connection{}, errors.New("no Snowflake connection name: give --connection-name or set SNOWFLAKE_CONNECTION_NAME")
	}
	connPath := filepath.Join(home, ConnectionsFile)
	f, err := readConnectionsFile(connPath, false)
	if errors.Is(err, fs.ErrNotExist) {
		cfgPath := filepath.Join(home, SnowflakeConfigFile)
		f, err = readConnectionsFile(cfgPath, true)
		if errors.Is(err, fs.ErrNotExist) {
			return Connection{}, fmt.Errorf("%w: neither %s nor %s exists; create %s with a [%s] table (account, user, password, …) and chmod 600 it",
				ErrConnectionNotFound, connPath, cfgPath, connPath, name)
		}
	}
	if err != nil {
		return Connection{}, err
	}
	connPath, conns, md := f.path, f.conns, f.md
	prim, ok := conns[name]
	if !ok {
		names := make([]string, 0, len(conns))
		for n := range conns {
			names = append(names, n)
		}
		sort.Strings(names)
		have := "it defines none"
		if len(names) > 0 {
			have = "it defines: " + strings.Join(names, ", ")
		}
		return Connection{}, fmt.Errorf("%w: no connection %q in %s; %s", ErrConnectionNotFound, name, connPath, have)
	}
	var c Connection
	var alias connectionAliases
	if err := md.PrimitiveDecode(prim, &c); err != nil {
		return Connection{}, fmt.Errorf("%s: connection %q: %s", connPath, name, tomlErrorMessage(err, f.data))
	}
	if err := md.PrimitiveDecode(prim, &alias); err != nil {
		return Connection{}, fmt.Errorf("%s: connection %q: %s", connPath, name, tomlErrorMessage(err, f.data))
	}
	if c.PrivateKeyFile == "" {
		c.PrivateKeyFile = alias.PrivateKeyPath
	}
	if c.PrivateKeyFilePwd == "" {
		c.PrivateKeyFilePwd = alias.PrivateKeyPassphrase
	}
	if unknown := undecodedUnder(md, name); len(unknown) > 0 {
		return Connection{}, fmt.Errorf("%s: connection %q: unknown key(s) %s; supported: account, user, password, host, port, protocol, database, schema, warehouse, role, authenticator, token, private_key_file, private_key_file_pwd",
			connPath, name, strings.Join(unknown, ", "))
	}
	if c.Account == "" && c.Host == "" {
		return Connection{}, fmt.Errorf("%s: connection %q has neither account nor host; set account (e.g. myorg-myaccount)", connPath, name)
	}
	if c.Port < 0 || c.Port > 65535 {
		return Connection{}, fmt.Errorf("%s: connection %q: port %d is not a TCP port", connPath, name, c.Port)
	}
	return c, nil
}

// readConnectionsFile checks permissions and decodes the connection tables of one file.
func readConnectionsFile(path string, nested bool) (connectionsFile, error) {
	info, err := os.Stat(path)
	if err != nil {
		return connectionsFile{}, err
	}
	if err := checkPrivate(path, info); err != nil {
		return connectionsFile{}, err
	}
	f := connectionsFile{path: path}
	if f.data, err = readLimited(path, MaxTOMLFileBytes); err != nil {
		return connectionsFile{}, err
	}
	if nested {
		var cfg struct {
			Connections map[string]toml.Primitive `toml:"connections"`
		}
		f.md, err = toml.Decode(string(f.data), &cfg)
		f.conns = cfg.Connections
	} else {
		f.md, err = toml.Decode(string(f.data), &f.conns)
	}
	if err != nil {
		return connectionsFile{}, fmt.Errorf("%s: %s", path, tomlErrorMessage(err, f.data))
	}
	return f, nil
}

// connectionsFile is one decoded connections file; connections stay undecoded
// primitives until one is selected, so a mistake in another connection does not matter.
type connectionsFile struct {
	path  string
	data  []byte
	conns map[string]toml.Primitive
	md    toml.MetaData
}

// checkPrivate refuses a secrets file that other users can read or change.
func checkPrivate(path string, info fs.FileInfo) error {
	if runtime.GOOS == "windows" {
		return nil // POSIX modes do not describe Windows ACLs
	}
	if mode := info.Mode().Perm(); mode&0o066 != 0 {
		return fmt.Errorf("%s is accessible by other users (mode %04o) and holds secrets; run: chmod 600 %s", path, mode, path)
	}
	return nil
}

// undecodedUnder lists keys of connection name that no field took.
func undecodedUnder(md toml.MetaData, name string) []string {
	var out []string
	for _, k := range md.Undecoded() {
		for i := 0; i < len(k); i++ {
			if k[i] == name && i+1 < len(k) && (i == 0 || k[i-1] == "connections") {
				out = append(out, strings.Join(k[i+1:], "."))
				break
			}
		}
	}
	return out
}

// String describes the connection for logs and errors, without its secrets.
func (c Connection) String() string {
	host := c.Host
	if host == "" {
		host = c.Account + ".snowflakecomputing.com"
	}
	s := fmt.Sprintf("account %s, user %s at %s", c.Account, c.User, host)
	if c.Port != 0 {
		s += fmt.Sprintf(":%d", c.Port)
	}
	if c.Authenticator != "" {
		s += ", authenticator " + c.Authenticator
	}
	return s
}

// GoString keeps %#v from printing the secrets.
func (c Connection) GoString() string { return "config.Connection{" + c.String() + "}" }
