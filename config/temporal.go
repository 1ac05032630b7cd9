package config

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"

	"github.com/urfave/cli/v2"
	"go.temporal.io/sdk/client"
)

// Temporal flag names, shared by the starter and the workers. The environment variables
// are the Temporal CLI's, so one shell setup serves both.
const (
	FlagTemporalAddress = "temporal-address"
	FlagNamespace       = "namespace"
	FlagTLS             = "tls"
	FlagTLSCert         = "tls-cert"
	FlagTLSKey          = "tls-key"
	FlagTLSCA           = "tls-ca"
	FlagTLSServerName   = "tls-server-name"
	FlagAPIKey          = "api-key"

	DefaultTemporalAddress = "localhost:7233"
	DefaultNamespace       = "default"
)

// TemporalSettings is what the flags say, before any file is read.
type TemporalSettings struct {
	Address    string
	Namespace  string
	TLS        bool   // force TLS without client certificates (e.g. a public CA)
	CertFile   string // client certificate (mTLS), with KeyFile
	KeyFile    string
	CAFile     string // server CA bundle; default: the system roots
	ServerName string // TLS server name override
	APIKey     string // secret: Temporal Cloud API key (implies TLS)
}

// TemporalFlags returns the flag definitions for a urfave/cli command or app. Each call
// returns fresh flags, so several commands can include them.
func TemporalFlags() []cli.Flag {
	const cat = "Temporal"
	return []cli.Flag{
		&cli.StringFlag{Name: FlagTemporalAddress, Category: cat, EnvVars: []string{"TEMPORAL_ADDRESS"}, Value: DefaultTemporalAddress, Usage: "Temporal frontend host:port"},
		&cli.StringFlag{Name: FlagNamespace, Category: cat, EnvVars: []string{"TEMPORAL_NAMESPACE"}, Value: DefaultNamespace, Usage: "Temporal namespace"},
		&cli.BoolFlag{Name: FlagTLS, Category: cat, EnvVars: []string{"TEMPORAL_TLS"}, Usage: "connect with TLS (implied by the other TLS options and by --api-key)"},
		&cli.StringFlag{Name: FlagTLSCert, Category: cat, EnvVars: []string{"TEMPORAL_TLS_CERT"}, Usage: "client certificate file (mTLS)", TakesFile: true},
		&cli.StringFlag{Name: FlagTLSKey, Category: cat, EnvVars: []string{"TEMPORAL_TLS_KEY"}, Usage: "client private key file (mTLS)", TakesFile: true},
		&cli.StringFlag{Name: FlagTLSCA, Category: cat, EnvVars: []string{"TEMPORAL_TLS_CA"}, Usage: "CA certificate file to verify the server", TakesFile: true},
		&cli.StringFlag{Name: FlagTLSServerName, Category: cat, EnvVars: []string{"TEMPORAL_TLS_SERVER_NAME"}, Usage: "server name to verify in the server's certificate"},
		&cli.StringFlag{Name: FlagAPIKey, Category: cat, EnvVars: []string{"TEMPORAL_API_KEY"}, Usage: "Temporal Cloud API key (prefer the environment variable: flags show in ps)"},
	}
}

// TemporalSettingsFromCLI reads the flags of TemporalFlags.
func TemporalSettingsFromCLI(c *cli.Context) TemporalSettings {
	return TemporalSettings{
		Address:    c.String(FlagTemporalAddress),
		Namespace:  c.String(FlagNamespace),
		TLS:        c.Bool(FlagTLS),
		CertFile:   c.String(FlagTLSCert),
		KeyFile:    c.String(FlagTLSKey),
		CAFile:     c.String(FlagTLSCA),
		ServerName: c.String(FlagTLSServerName),
		APIKey:     c.String(FlagAPIKey),
	}
}

// TemporalClientOptions builds client.Options from the flags of TemporalFlags. The
// caller sets Logger and other options it needs.
func TemporalClientOptions(c *cli.Context) (client.Options, error) {
	return TemporalSettingsFromCLI(c).ClientOptions()
}

// ClientOptions builds client.Options: address, namespace, TLS (system roots unless a CA
// is given; mTLS when a certificate is given) and API key credentials.
func (s TemporalSettings) ClientOptions() (client.Options, error) {
	opts := client.Options{HostPort: s.Address, Namespace: s.Namespace}
	if opts.HostPort == "" {
		opts.HostPort = DefaultTemporalAddress
	}
	if opts.Namespace == "" {
		opts.Namespace = DefaultNamespace
	}
	if (s.CertFile == "") != (s.KeyFile == "") {
		return client.Options{}, errors.New("--tls-cert and --tls-key go together: give both (or neither)")
	}
	if s.TLS || s.CertFile != "" || s.CAFile != "" || s.ServerName != "" || s.APIKey != "" {
		tc := &tls.Config{ServerName: s.ServerName, MinVersion: tls.VersionTLS12}
		if s.CertFile != "" {
			cert, err := tls.LoadX509KeyPair(s.CertFile, s.KeyFile)
			if err != nil {
				return client.Options{}, fmt.Errorf("--tls-cert/--tls-key: %w", err)
			}
			tc.Certificates = []tls.Certificate{cert}
		}
		if s.CAFile != "" {
			pem, err := os.ReadFile(s.CAFile)
			if err != nil {
				return client.Options{}, fmt.Errorf("--tls-ca: %w", err)
			}
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM(pem) {
				return client.Options{}, fmt.Errorf("--tls-ca %s: no PEM certificate found", s.CAFile)
			}
			tc.RootCAs = pool
		}
		opts.ConnectionOptions.TLS = tc
	}
	if s.APIKey != "" {
		opts.Credentials = client.NewAPIKeyStaticCredentials(s.APIKey)
	}
	return opts, nil
}

// String describes the settings for logs, without the API key.
func (s TemporalSettings) String() string {
	tlsOn := s.TLS || s.CertFile != "" || s.CAFile != "" || s.ServerName != "" || s.APIKey != ""
	return fmt.Sprintf("temporal %s namespace %s tls=%v mtls=%v api-key=%s", s.Address, s.Namespace, tlsOn, s.CertFile != "", redacted(s.APIKey))
}
