package snowflake

import "strings"

// Connection is one named Snowflake connection as connections.toml describes it. It
// mirrors config.Connection field for field so that the worker's main converts one into
// the other with a plain struct literal; it lives here so that this package does not
// depend on the configuration package. Password, Token and PrivateKeyFilePwd are secrets:
// never log, format or return them.
type Connection struct {
	Account           string
	User              string
	Password          string
	Host              string
	Port              int
	Protocol          string
	Database          string
	Schema            string
	Warehouse         string
	Role              string
	Authenticator     string
	Token             string
	PrivateKeyFile    string
	PrivateKeyFilePwd string
}

// Authenticators this package understands (case-insensitive in connections.toml).
const (
	AuthPassword = "SNOWFLAKE"                 // user + password (default)
	AuthPAT      = "PROGRAMMATIC_ACCESS_TOKEN" // user + token (or the token in password)
	AuthJWT      = "SNOWFLAKE_JWT"             // user + private_key_file (key pair)
	AuthOAuth    = "OAUTH"                     // token
)

// authenticator picks the authentication method: the explicit one, else what the fields
// imply (a private key file means key pair, a token means PAT), else password.
func (c Connection) authenticator() string {
	a := strings.ToUpper(strings.TrimSpace(c.Authenticator))
	switch {
	case a != "":
		return a
	case c.PrivateKeyFile != "":
		return AuthJWT
	case c.Token != "":
		return AuthPAT
	default:
		return AuthPassword
	}
}

// String describes the connection without any secret, for error messages.
func (c Connection) String() string {
	host := c.Host
	if host == "" {
		host = c.Account + ".snowflakecomputing.com"
	}
	return "account " + c.Account + ", user " + c.User + " at " + host + " (" + strings.ToLower(c.authenticator()) + ")"
}
