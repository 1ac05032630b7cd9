package snowflake

import (
	"crypto/rsa"
	"crypto/x509"
	"database/sql"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	sf "github.com/snowflakedb/gosnowflake"
	"github.com/youmark/pkcs8"
)

// Pool sizes: every connection is a Snowflake session (one login each). The orchestrator
// runs a bounded number of activities at once; this bounds the sessions it holds.
const (
	maxOpenConns    = 16
	maxIdleConns    = 8
	connMaxIdleTime = 30 * time.Minute
)

// ErrInvalidConnection marks a connection definition that cannot work (missing account,
// unreadable key file, unknown authenticator): permanent, fix connections.toml.
var ErrInvalidConnection = errors.New("invalid Snowflake connection")

// BuildConfig turns a connection into a gosnowflake configuration. The session always runs
// in UTC so that TIMESTAMP_LTZ/TZ values and the metadata timestamps read the same
// everywhere, carries a query tag that identifies this product's statements, and waits
// at most LockTimeoutSeconds for a lock (see txn.go).
func BuildConfig(name string, c Connection) (*sf.Config, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w %q: %s", ErrInvalidConnection, name, fmt.Sprintf(format, args...))
	}
	if strings.TrimSpace(c.Account) == "" {
		return nil, bad("account is empty; set account in connections.toml (\"local\" for the emulator)")
	}
	utc, tag, lockTimeout := "UTC", "snowmigrate", strconv.Itoa(LockTimeoutSeconds)
	cfg := &sf.Config{
		Account:   c.Account,
		User:      c.User,
		Database:  c.Database,
		Schema:    c.Schema,
		Warehouse: c.Warehouse,
		Role:      c.Role,
		Host:      c.Host,
		Port:      c.Port,
		Protocol:  strings.ToLower(c.Protocol),
		Params:    map[string]*string{"TIMEZONE": &utc, "QUERY_TAG": &tag, "LOCK_TIMEOUT": &lockTimeout},
		// The driver's own retries cover 5xx/429 for a few minutes; the activity's retry
		// policy covers the rest, so one request never holds a worker slot for long.
		Application: "snowmigrate",
	}
	// These fields are marked deprecated in gosnowflake v1.19 ("may be reorganized") but
	// are still the only way to set them.
	//lint:ignore SA1019 still the driver's only login timeout setting
	cfg.LoginTimeout = 60 * time.Second
	//lint:ignore SA1019 still the driver's only switch for client telemetry
	cfg.DisableTelemetry = true
	if cfg.Protocol != "" && cfg.Protocol != "http" && cfg.Protocol != "https" {
		return nil, bad("protocol %q is not http or https", c.Protocol)
	}
	switch auth := c.authenticator(); auth {
	case AuthPassword:
		if c.User == "" || c.Password == "" {
			return nil, bad("user and password are required for password authentication")
		}
		cfg.Authenticator = sf.AuthTypeSnowflake
		cfg.Password = c.Password
	case AuthPAT:
		tok := c.Token
		if tok == "" {
			tok = c.Password // Snowflake accepts a PAT in the password field too
		}
		if c.User == "" || tok == "" {
			return nil, bad("user and token are required for programmatic access token authentication")
		}
		cfg.Authenticator = sf.AuthTypePat
		cfg.Token = tok
	case AuthJWT:
		if c.User == "" || c.PrivateKeyFile == "" {
			return nil, bad("user and private_key_file are required for key-pair (snowflake_jwt) authentication")
		}
		key, err := readPrivateKey(c.PrivateKeyFile, c.PrivateKeyFilePwd)
		if err != nil {
			return nil, bad("%v", err)
		}
		cfg.Authenticator = sf.AuthTypeJwt
		cfg.PrivateKey = key
	case AuthOAuth:
		if c.Token == "" {
			return nil, bad("token is required for oauth authentication")
		}
		cfg.Authenticator = sf.AuthTypeOAuth
		cfg.Token = c.Token
	default:
		return nil, bad("authenticator %q is not supported; use snowflake, programmatic_access_token, snowflake_jwt or oauth", c.Authenticator)
	}
	return cfg, nil
}

// readPrivateKey reads an RSA private key in PEM: PKCS#8 (encrypted with the passphrase
// when one is given, as `openssl pkcs8 -topk8 -v2 aes256` writes it) or PKCS#1. The
// error names the file, never the passphrase.
func readPrivateKey(path, passphrase string) (*rsa.PrivateKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read private_key_file: %w", err)
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("private_key_file %s holds no PEM block", path)
	}
	var key any
	switch block.Type {
	case "ENCRYPTED PRIVATE KEY":
		if passphrase == "" {
			return nil, fmt.Errorf("private_key_file %s is encrypted; set private_key_file_pwd", path)
		}
		key, err = pkcs8.ParsePKCS8PrivateKey(block.Bytes, []byte(passphrase))
		if err != nil {
			return nil, fmt.Errorf("cannot decrypt private_key_file %s (wrong private_key_file_pwd?)", path)
		}
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	default:
		return nil, fmt.Errorf("private_key_file %s: PEM block %q is not a private key", path, block.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("private_key_file %s: %w", path, err)
	}
	rsaKey, ok := key.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("private_key_file %s is not an RSA key (Snowflake key pairs are RSA)", path)
	}
	return rsaKey, nil
}

// Open builds the configuration and returns a pooled *sql.DB. It does not log in: the
// first statement does, and a refused login surfaces there (see IsLoginError).
func Open(name string, c Connection) (*sql.DB, error) {
	cfg, err := BuildConfig(name, c)
	if err != nil {
		return nil, err
	}
	db := sql.OpenDB(sessionConnector{sf.NewConnector(sf.SnowflakeDriver{}, *cfg)})
	db.SetMaxOpenConns(maxOpenConns)
	db.SetMaxIdleConns(maxIdleConns)
	db.SetConnMaxIdleTime(connMaxIdleTime)
	db.SetConnMaxLifetime(ConnMaxLifetime)
	return db, nil
}
