package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// WorkerConfig is a source worker's TOML, in the reference system's format (see
// docs/configuration.md). It holds the source password: never print it, log it with
// String(), which redacts secrets.
type WorkerConfig struct {
	// SelectedTaskSource is the reference system's queue selector: accepted so that its
	// files load unchanged, and ignored (Temporal task queues replace it).
	SelectedTaskSource string            `toml:"selected_task_source"`
	Application        WorkerApplication `toml:"application"`
	Connections        WorkerConnections `toml:"connections"`
}

// WorkerApplication is the [application] table.
type WorkerApplication struct {
	// MaxParallelTasks bounds the activities this worker runs at once (default 4).
	MaxParallelTasks int `toml:"max_parallel_tasks"`
	// TaskFetchInterval is the reference system's polling period in seconds; accepted and
	// unused (Temporal workers long-poll).
	TaskFetchInterval float64 `toml:"task_fetch_interval"`
	// WorkDir is where extracted files are written before upload (our extension; default
	// DefaultWorkDir()). The worker makes it private (0700, its user's, no symbolic link).
	WorkDir string `toml:"work_dir"`
}

// WorkerConnections is the [connections] table.
type WorkerConnections struct {
	Source SourceConnections `toml:"source"`
	Target TargetConnections `toml:"target"`
}

// SourceConnections holds exactly one of the platforms.
type SourceConnections struct {
	PostgreSQL *SourceConnection `toml:"postgresql"`
	Redshift   *SourceConnection `toml:"redshift"`
	SQLServer  *SourceConnection `toml:"sqlserver"`
}

// TargetConnections is [connections.target].
type TargetConnections struct {
	SnowflakeConnectionName *SnowflakeConnectionRef `toml:"snowflake_connection_name"`
}

// SnowflakeConnectionRef names a connection of connections.toml.
type SnowflakeConnectionRef struct {
	ConnectionName string `toml:"connection_name"`
}

// Redshift authentication methods.
const (
	AuthStandard              = "standard"
	AuthIAMProvisionedCluster = "iam-provisioned-cluster"
)

// SourceConnection is one [connections.source.<platform>] table. Password and
// SecretAccessKey are secrets: String and GoString redact them.
type SourceConnection struct {
	Username string `toml:"username"`
	Password string `toml:"password"`
	Database string `toml:"database"`
	Host     string `toml:"host"`
	Port     int    `toml:"port"`
	SSLMode  string `toml:"sslmode"` // postgresql and redshift: disable | allow | prefer | require | verify-ca | verify-full

	// PostgreSQL only: how the source-side checksum of a re-sync or of validation
	// level 3 is computed, ChecksumMethodStream (default) or ChecksumMethodSQL.
	ChecksumMethod string `toml:"checksum_method"`

	// Redshift only.
	AuthMethod      string `toml:"auth_method"` // standard (default) | iam-provisioned-cluster
	ClusterID       string `toml:"cluster_id"`
	Region          string `toml:"region"`
	AccessKeyID     string `toml:"access_key_id"`
	SecretAccessKey string `toml:"secret_access_key"`
	// DBUser is the database user GetClusterCredentials issues a temporary password for
	// (iam-provisioned-cluster; default: username); AutoCreate creates it when missing.
	DBUser     string `toml:"db_user"`
	AutoCreate bool   `toml:"auto_create"`
	// UNLOAD's authorization (extraction strategy "unload"): the IAM role Redshift
	// assumes to write to S3 (an ARN, or "default" for the cluster's default role), or
	// an access key pair. The secret never leaves this worker.
	UnloadIAMRole         string `toml:"unload_iam_role"`
	UnloadAccessKeyID     string `toml:"unload_access_key_id"`
	UnloadSecretAccessKey string `toml:"unload_secret_access_key"`

	// SQL Server only (auth_method above is shared: sql | azure-ad-password |
	// azure-ad-service-principal there).
	Instance               string `toml:"instance"`                 // named instance (resolved through SQL Browser)
	Encrypt                string `toml:"encrypt"`                  // disable | false | true (default) | strict
	TrustServerCertificate bool   `toml:"trust_server_certificate"` // skip certificate verification (not with strict)
	ApplicationIntent      string `toml:"application_intent"`       // ReadOnly: read from an availability-group secondary
	Isolation              string `toml:"isolation"`                // read_committed (default) | snapshot
	// ApplicationClientID is the Entra ID application that azure-ad-password signs in
	// through (go-mssqldb's applicationclientid).
	ApplicationClientID string `toml:"application_client_id"`
}

// SQL Server authentication methods, encryption modes and isolation levels.
const (
	AuthSQL                     = "sql"
	AuthAzureADPassword         = "azure-ad-password"
	AuthAzureADServicePrincipal = "azure-ad-service-principal"

	IsolationReadCommitted = "read_committed"
	IsolationSnapshot      = "snapshot"
)

var sqlServerEncrypt = map[string]bool{"disable": true, "false": true, "true": true, "strict": true}

// DefaultMaxParallelTasks is max_parallel_tasks when the file does not say.
const DefaultMaxParallelTasks = 4

// MaxMaxParallelTasks bounds max_parallel_tasks: each task holds a source connection and
// a file being written, so a typo such as 4000 must not open thousands of them.
const MaxMaxParallelTasks = 256

// DefaultWorkDir is where extracted files go when [application] work_dir is not set:
// snowmigrate/work in the user's cache directory ($XDG_CACHE_HOME, else ~/.cache, on
// Linux). It is per user on purpose: a fixed path in a shared /tmp could be created
// first by another user, who could then read the extracted data or make the worker
// refuse to start. The worker makes it 0700 (workers/workdir).
func DefaultWorkDir() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("application.work_dir is not set and there is no per-user cache directory for the default (%w); set work_dir to an absolute directory private to this worker's user", err)
	}
	return filepath.Join(dir, "snowmigrate", "work"), nil
}

var defaultPorts = map[string]int{PlatformPostgreSQL: 5432, PlatformRedshift: 5439, PlatformSQLServer: 1433}

// LoadWorker reads and validates a worker TOML file. Errors name the file, the line and
// the key, and never contain a secret value.
//
// A file that holds a secret (password or secret_access_key) must be private to its
// owner, as connections.toml must: one that group or others can read or write is
// refused with the chmod that fixes it.
func LoadWorker(path string) (WorkerConfig, error) {
	f, err := os.Open(path)
	if err != nil {
		return WorkerConfig{}, fmt.Errorf("worker config: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return WorkerConfig{}, fmt.Errorf("worker config: %w", err)
	}
	if info.IsDir() {
		// A pipe (--config <(…)) is fine: the size limit bounds what is read.
		return WorkerConfig{}, fmt.Errorf("worker config %s is a directory; give the path of the TOML file", path)
	}
	data, err := readAllLimited(f, path, MaxTOMLFileBytes)
	if err != nil {
		return WorkerConfig{}, fmt.Errorf("worker config: %w", err)
	}
	w, err := ParseWorker(data, path)
	if err != nil {
		return WorkerConfig{}, err
	}
	if _, c := w.Source(); c.Password != "" || c.SecretAccessKey != "" || c.UnloadSecretAccessKey != "" {
		// The mode of the file that was read (f.Stat, not a second lookup of the path).
		if err := checkPrivate(path, info); err != nil {
			return WorkerConfig{}, fmt.Errorf("worker config: %w", err)
		}
	}
	return w, nil
}

// ParseWorker decodes and validates a worker TOML; name is used in messages.
func ParseWorker(data []byte, name string) (WorkerConfig, error) {
	var w WorkerConfig
	md, err := toml.Decode(string(data), &w)
	if err != nil {
		return WorkerConfig{}, fmt.Errorf("worker config %s: %s", name, tomlErrorMessage(err, data))
	}
	if und := md.Undecoded(); len(und) > 0 {
		keys := leafKeys(und)
		return WorkerConfig{}, fmt.Errorf("worker config %s: unknown key(s) %s; see docs/configuration.md for the keys a worker reads",
			name, strings.Join(keys, ", "))
	}
	if err := w.validate(); err != nil {
		return WorkerConfig{}, fmt.Errorf("worker config %s: %w", name, err)
	}
	if w.Application.MaxParallelTasks == 0 {
		w.Application.MaxParallelTasks = DefaultMaxParallelTasks
	}
	if w.Application.WorkDir == "" {
		if w.Application.WorkDir, err = DefaultWorkDir(); err != nil {
			return WorkerConfig{}, fmt.Errorf("worker config %s: %w", name, err)
		}
	}
	platform, conn := w.Source()
	if conn.Port == 0 {
		conn.Port = defaultPorts[platform]
	}
	if platform == PlatformRedshift && conn.AuthMethod == "" {
		conn.AuthMethod = AuthStandard
	}
	if platform == PlatformSQLServer {
		if conn.AuthMethod == "" {
			conn.AuthMethod = AuthSQL
		}
		if conn.Isolation == "" {
			conn.Isolation = IsolationReadCommitted
		}
	}
	return w, nil
}

// Source returns the one source connection and its platform (after ParseWorker's
// validation there is exactly one).
func (w WorkerConfig) Source() (string, *SourceConnection) {
	s := w.Connections.Source
	switch {
	case s.PostgreSQL != nil:
		return PlatformPostgreSQL, s.PostgreSQL
	case s.Redshift != nil:
		return PlatformRedshift, s.Redshift
	case s.SQLServer != nil:
		return PlatformSQLServer, s.SQLServer
	}
	return "", &SourceConnection{}
}

// TargetConnectionName is [connections.target.snowflake_connection_name] connection_name,
// or "" when the file does not name one (callers then resolve it as ResolveConnectionName does).
func (w WorkerConfig) TargetConnectionName() string {
	if r := w.Connections.Target.SnowflakeConnectionName; r != nil {
		return r.ConnectionName
	}
	return ""
}

// checksum_method values (PostgreSQL): stream the partition's rows through the worker,
// which sums them as the extractor does, or compute the checksum in SQL on the source.
const (
	ChecksumMethodStream = "stream"
	ChecksumMethodSQL    = "sql"
)

var sslModes = map[string]bool{"disable": true, "allow": true, "prefer": true, "require": true, "verify-ca": true, "verify-full": true}

func (w WorkerConfig) validate() error {
	var errs []error
	s := w.Connections.Source
	var found []string
	for _, p := range []struct {
		name string
		c    *SourceConnection
	}{{PlatformPostgreSQL, s.PostgreSQL}, {PlatformRedshift, s.Redshift}, {PlatformSQLServer, s.SQLServer}} {
		if p.c != nil {
			found = append(found, p.name)
		}
	}
	switch len(found) {
	case 0:
		errs = append(errs, errors.New("no source connection: add one [connections.source.postgresql] (or redshift, sqlserver) table with username, password, database, host, port"))
	case 1:
		platform, c := w.Source()
		errs = append(errs, c.validate("connections.source."+platform, platform)...)
	default:
		errs = append(errs, fmt.Errorf("%d source connections (%s): a worker serves one source; run one worker per source", len(found), strings.Join(found, ", ")))
	}
	a := w.Application
	if a.MaxParallelTasks < 0 || a.MaxParallelTasks > MaxMaxParallelTasks {
		errs = append(errs, fmt.Errorf("application.max_parallel_tasks = %d: use 1 to %d (default %d)", a.MaxParallelTasks, MaxMaxParallelTasks, DefaultMaxParallelTasks))
	}
	if a.TaskFetchInterval < 0 {
		errs = append(errs, fmt.Errorf("application.task_fetch_interval = %v: must not be negative (it is accepted and unused)", a.TaskFetchInterval))
	}
	if a.WorkDir != "" && !filepath.IsAbs(a.WorkDir) {
		errs = append(errs, fmt.Errorf("application.work_dir = %q: use an absolute path", a.WorkDir))
	}
	if r := w.Connections.Target.SnowflakeConnectionName; r != nil && r.ConnectionName == "" {
		errs = append(errs, errors.New("connections.target.snowflake_connection_name.connection_name is empty: name a connection of connections.toml, or remove the table"))
	}
	return errors.Join(errs...)
}

func (c *SourceConnection) validate(path, platform string) []error {
	var errs []error
	need := func(key, val string) {
		if strings.TrimSpace(val) == "" {
			errs = append(errs, fmt.Errorf("%s.%s is required", path, key))
		}
	}
	redshiftOnly := func(key, val string) {
		if val != "" {
			errs = append(errs, fmt.Errorf("%s.%s applies to redshift only; remove it", path, key))
		}
	}
	need("database", c.Database)
	need("username", c.Username)
	if c.Port < 0 || c.Port > 65535 {
		errs = append(errs, fmt.Errorf("%s.port = %d: use a TCP port (1-65535)", path, c.Port))
	}
	if c.SSLMode != "" {
		if platform == PlatformSQLServer {
			errs = append(errs, fmt.Errorf("%s.sslmode applies to postgresql and redshift; remove it", path))
		} else if !sslModes[c.SSLMode] {
			errs = append(errs, fmt.Errorf("%s.sslmode = %q: use disable, allow, prefer, require, verify-ca or verify-full", path, c.SSLMode))
		}
	}
	if platform != PlatformSQLServer {
		errs = append(errs, c.sqlServerOnly(path)...)
	}
	switch {
	case c.ChecksumMethod == "":
	case platform != PlatformPostgreSQL:
		errs = append(errs, fmt.Errorf("%s.checksum_method applies to postgresql only; remove it", path))
	case c.ChecksumMethod != ChecksumMethodStream && c.ChecksumMethod != ChecksumMethodSQL:
		errs = append(errs, fmt.Errorf("%s.checksum_method = %q: use %q (default) or %q", path, c.ChecksumMethod, ChecksumMethodStream, ChecksumMethodSQL))
	}
	if platform == PlatformSQLServer {
		need("host", c.Host)
		redshiftOnly("cluster_id", c.ClusterID)
		redshiftOnly("region", c.Region)
		redshiftOnly("access_key_id", c.AccessKeyID)
		if c.SecretAccessKey != "" {
			errs = append(errs, fmt.Errorf("%s.secret_access_key applies to redshift only; remove it", path))
		}
		errs = append(errs, c.redshiftOnlyKeys(path)...)
		return append(errs, c.validateSQLServer(path)...)
	}
	if platform != PlatformRedshift {
		need("host", c.Host)
		redshiftOnly("auth_method", c.AuthMethod)
		redshiftOnly("cluster_id", c.ClusterID)
		redshiftOnly("region", c.Region)
		redshiftOnly("access_key_id", c.AccessKeyID)
		if c.SecretAccessKey != "" {
			errs = append(errs, fmt.Errorf("%s.secret_access_key applies to redshift only; remove it", path))
		}
		return append(errs, c.redshiftOnlyKeys(path)...)
	}
	switch c.AuthMethod {
	case "", AuthStandard:
		need("host", c.Host)
	case AuthIAMProvisionedCluster:
		need("cluster_id", c.ClusterID)
		need("region", c.Region)
		need("access_key_id", c.AccessKeyID)
		if c.SecretAccessKey == "" {
			errs = append(errs, fmt.Errorf("%s.secret_access_key is required", path))
		}
	default:
		errs = append(errs, fmt.Errorf("%s.auth_method = %q: use %q or %q", path, c.AuthMethod, AuthStandard, AuthIAMProvisionedCluster))
	}
	if c.AuthMethod != AuthIAMProvisionedCluster {
		if c.DBUser != "" {
			errs = append(errs, fmt.Errorf("%s.db_user applies to auth_method = %q only; remove it", path, AuthIAMProvisionedCluster))
		}
		if c.AutoCreate {
			errs = append(errs, fmt.Errorf("%s.auto_create applies to auth_method = %q only; remove it", path, AuthIAMProvisionedCluster))
		}
	}
	return append(errs, c.validateUnload(path)...)
}

// UnloadRoleDefault is unload_iam_role's value for the cluster's default IAM role.
const UnloadRoleDefault = "default"

// validateUnload checks UNLOAD's authorization keys: a role or a key pair, not both.
// Values are never quoted in messages (the secret must not reach a log).
func (c *SourceConnection) validateUnload(path string) []error {
	var errs []error
	if c.UnloadIAMRole != "" && (c.UnloadAccessKeyID != "" || c.UnloadSecretAccessKey != "") {
		errs = append(errs, fmt.Errorf("%s: give unload_iam_role or unload_access_key_id with unload_secret_access_key, not both", path))
	}
	if (c.UnloadAccessKeyID == "") != (c.UnloadSecretAccessKey == "") {
		errs = append(errs, fmt.Errorf("%s: unload_access_key_id and unload_secret_access_key go together; give both or neither", path))
	}
	if r := c.UnloadIAMRole; r != "" && r != UnloadRoleDefault && (!strings.HasPrefix(r, "arn:") || strings.ContainsAny(r, "' \t\n\\;")) {
		errs = append(errs, fmt.Errorf("%s.unload_iam_role = %q: give a role ARN (arn:aws:iam::<account>:role/<name>, several separated by commas for chaining) or \"default\" for the cluster's default role", path, r))
	}
	if strings.ContainsAny(c.UnloadAccessKeyID, "' \t\n\\;") {
		errs = append(errs, fmt.Errorf("%s.unload_access_key_id is not an access key id (letters and digits only)", path))
	}
	if strings.ContainsAny(c.UnloadSecretAccessKey, "' \t\n\\;") {
		errs = append(errs, fmt.Errorf("%s.unload_secret_access_key has characters an AWS secret key never has (quote, backslash, space or ';'); check the value", path))
	}
	return errs
}

// HasUnloadAuth reports whether UNLOAD's authorization is configured.
func (c *SourceConnection) HasUnloadAuth() bool {
	return c.UnloadIAMRole != "" || c.UnloadAccessKeyID != ""
}

// redshiftOnlyKeys refuses the Redshift-only keys added for IAM and UNLOAD on another
// platform's connection.
func (c *SourceConnection) redshiftOnlyKeys(path string) []error {
	var errs []error
	for _, kv := range []struct{ key, val string }{
		{"db_user", c.DBUser}, {"unload_iam_role", c.UnloadIAMRole}, {"unload_access_key_id", c.UnloadAccessKeyID},
	} {
		if kv.val != "" {
			errs = append(errs, fmt.Errorf("%s.%s applies to redshift only; remove it", path, kv.key))
		}
	}
	if c.AutoCreate {
		errs = append(errs, fmt.Errorf("%s.auto_create applies to redshift only; remove it", path))
	}
	if c.UnloadSecretAccessKey != "" {
		errs = append(errs, fmt.Errorf("%s.unload_secret_access_key applies to redshift only; remove it", path))
	}
	return errs
}

// sqlServerOnly refuses the SQL Server keys on another platform's connection.
func (c *SourceConnection) sqlServerOnly(path string) []error {
	var errs []error
	for _, kv := range []struct{ key, val string }{
		{"instance", c.Instance}, {"encrypt", c.Encrypt}, {"application_intent", c.ApplicationIntent},
		{"isolation", c.Isolation}, {"application_client_id", c.ApplicationClientID},
	} {
		if kv.val != "" {
			errs = append(errs, fmt.Errorf("%s.%s applies to sqlserver only; remove it", path, kv.key))
		}
	}
	if c.TrustServerCertificate {
		errs = append(errs, fmt.Errorf("%s.trust_server_certificate applies to sqlserver only; remove it", path))
	}
	return errs
}

// validateSQLServer checks the keys only [connections.source.sqlserver] has.
func (c *SourceConnection) validateSQLServer(path string) []error {
	var errs []error
	if c.Encrypt != "" && !sqlServerEncrypt[c.Encrypt] {
		errs = append(errs, fmt.Errorf("%s.encrypt = %q: use disable, false, true or strict", path, c.Encrypt))
	}
	if c.Encrypt == "strict" && c.TrustServerCertificate {
		errs = append(errs, fmt.Errorf("%s.trust_server_certificate = true cannot be used with encrypt = \"strict\" (strict always verifies the server certificate); use encrypt = \"true\" or remove trust_server_certificate", path))
	}
	if c.ApplicationIntent != "" && !strings.EqualFold(c.ApplicationIntent, "ReadOnly") && !strings.EqualFold(c.ApplicationIntent, "ReadWrite") {
		errs = append(errs, fmt.Errorf("%s.application_intent = %q: use ReadOnly (to read from an availability-group secondary) or remove it", path, c.ApplicationIntent))
	}
	switch c.Isolation {
	case "", IsolationReadCommitted, IsolationSnapshot:
	default:
		errs = append(errs, fmt.Errorf("%s.isolation = %q: use %q (default) or %q (needs ALLOW_SNAPSHOT_ISOLATION ON in the database)", path, c.Isolation, IsolationReadCommitted, IsolationSnapshot))
	}
	if strings.ContainsAny(c.Instance, "/\\?#@ ") {
		errs = append(errs, fmt.Errorf("%s.instance = %q: give the instance name only (e.g. SQLEXPRESS), not a path", path, c.Instance))
	}
	switch c.AuthMethod {
	case "", AuthSQL, AuthAzureADServicePrincipal:
		if c.ApplicationClientID != "" {
			errs = append(errs, fmt.Errorf("%s.application_client_id applies to auth_method = %q only; remove it", path, AuthAzureADPassword))
		}
	case AuthAzureADPassword:
		if c.ApplicationClientID == "" {
			errs = append(errs, fmt.Errorf("%s.application_client_id is required with auth_method = %q (the Entra ID application the worker signs in through)", path, AuthAzureADPassword))
		}
	default:
		errs = append(errs, fmt.Errorf("%s.auth_method = %q: use %q (default), %q or %q", path, c.AuthMethod, AuthSQL, AuthAzureADPassword, AuthAzureADServicePrincipal))
	}
	return errs
}

// PostgresURL is a libpq/pgx connection URL for postgresql and redshift (standard auth).
// It contains the password: pass it to the driver, never to a log.
func (c *SourceConnection) PostgresURL() string {
	u := url.URL{Scheme: "postgres", Host: net.JoinHostPort(c.Host, strconv.Itoa(c.Port)), Path: "/" + c.Database}
	if c.Password != "" {
		u.User = url.UserPassword(c.Username, c.Password)
	} else {
		u.User = url.User(c.Username)
	}
	if c.SSLMode != "" {
		u.RawQuery = url.Values{"sslmode": {c.SSLMode}}.Encode()
	}
	return u.String()
}

// String describes the connection for logs, secrets redacted.
func (c SourceConnection) String() string {
	s := fmt.Sprintf("%s@%s/%s", c.Username, net.JoinHostPort(c.Host, strconv.Itoa(c.Port)), c.Database)
	if c.SSLMode != "" {
		s += " sslmode=" + c.SSLMode
	}
	if c.AuthMethod != "" {
		s += " auth_method=" + c.AuthMethod
	}
	if c.ClusterID != "" {
		s += fmt.Sprintf(" cluster_id=%s region=%s", c.ClusterID, c.Region)
	}
	if c.Instance != "" {
		s += " instance=" + c.Instance
	}
	if c.Encrypt != "" {
		s += " encrypt=" + c.Encrypt
	}
	if c.TrustServerCertificate {
		s += " trust_server_certificate=true"
	}
	if c.ApplicationIntent != "" {
		s += " application_intent=" + c.ApplicationIntent
	}
	if c.Isolation != "" {
		s += " isolation=" + c.Isolation
	}
	s += " password=" + redacted(c.Password)
	if c.AccessKeyID != "" || c.SecretAccessKey != "" {
		s += " secret_access_key=" + redacted(c.SecretAccessKey)
	}
	if c.DBUser != "" {
		s += " db_user=" + c.DBUser
	}
	if c.UnloadIAMRole != "" {
		s += " unload_iam_role=" + c.UnloadIAMRole
	}
	if c.UnloadAccessKeyID != "" || c.UnloadSecretAccessKey != "" {
		s += " unload_secret_access_key=" + redacted(c.UnloadSecretAccessKey)
	}
	return s
}

// GoString keeps %#v from printing the secrets.
func (c SourceConnection) GoString() string { return "config.SourceConnection{" + c.String() + "}" }

// String describes the worker configuration for logs, secrets redacted.
func (w WorkerConfig) String() string {
	platform, c := w.Source()
	target := w.TargetConnectionName()
	if target == "" {
		target = "(default)"
	}
	return fmt.Sprintf("source %s %s; snowflake connection %s; max_parallel_tasks=%d; work_dir=%s",
		platform, c.String(), target, w.Application.MaxParallelTasks, w.Application.WorkDir)
}

// GoString keeps %#v from printing the secrets.
func (w WorkerConfig) GoString() string { return "config.WorkerConfig{" + w.String() + "}" }

// leafKeys lists undecoded keys without the tables that merely contain other undecoded
// keys ("app.max", not also "app").
func leafKeys(und []toml.Key) []string {
	all := make([]string, len(und))
	for i, k := range und {
		all[i] = k.String()
	}
	var out []string
	for _, k := range all {
		parent := false
		for _, o := range all {
			if strings.HasPrefix(o, k+".") {
				parent = true
				break
			}
		}
		if !parent {
			out = append(out, k)
		}
	}
	return out
}
