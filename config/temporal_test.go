package config

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/urfave/cli/v2"
)

func TestTemporalFlagsDefaultsAndEnv(t *testing.T) {
	t.Setenv("TEMPORAL_NAMESPACE", "fromenv")
	var got TemporalSettings
	app := &cli.App{Flags: TemporalFlags(), Action: func(c *cli.Context) error {
		got = TemporalSettingsFromCLI(c)
		return nil
	}}
	if err := app.RunContext(context.Background(), []string{"x"}); err != nil {
		t.Fatal(err)
	}
	if got.Address != "localhost:7233" || got.Namespace != "fromenv" || got.TLS || got.APIKey != "" {
		t.Fatalf("%+v", got)
	}
	if err := app.RunContext(context.Background(), []string{"x", "--temporal-address", "h:1", "--namespace", "n", "--api-key", "KEY123"}); err != nil {
		t.Fatal(err)
	}
	if got.Address != "h:1" || got.Namespace != "n" || got.APIKey != "KEY123" {
		t.Fatalf("%+v", got)
	}
	if strings.Contains(got.String(), "KEY123") {
		t.Fatalf("api key in %q", got.String())
	}
	opts, err := got.ClientOptions()
	if err != nil {
		t.Fatal(err)
	}
	if opts.HostPort != "h:1" || opts.Namespace != "n" || opts.Credentials == nil || opts.ConnectionOptions.TLS == nil {
		t.Fatalf("api key must imply TLS and credentials: %+v", opts)
	}
}

func TestTemporalClientOptionsTLS(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := writeSelfSigned(t, dir)
	s := TemporalSettings{Address: "a:1", CertFile: certFile, KeyFile: keyFile, CAFile: certFile, ServerName: "temporal.example"}
	opts, err := s.ClientOptions()
	if err != nil {
		t.Fatal(err)
	}
	tc := opts.ConnectionOptions.TLS
	if tc == nil || len(tc.Certificates) != 1 || tc.RootCAs == nil || tc.ServerName != "temporal.example" {
		t.Fatalf("%+v", tc)
	}
	if opts, _ := (TemporalSettings{}).ClientOptions(); opts.ConnectionOptions.TLS != nil || opts.HostPort != "localhost:7233" || opts.Namespace != "default" {
		t.Fatalf("plain: %+v", opts)
	}
	for _, bad := range []TemporalSettings{
		{CertFile: certFile},
		{CertFile: certFile, KeyFile: filepath.Join(dir, "missing")},
		{CAFile: keyFile},
	} {
		if _, err := bad.ClientOptions(); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}

func writeSelfSigned(t *testing.T, dir string) (string, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "temporal.example"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile := filepath.Join(dir, "c.pem"), filepath.Join(dir, "k.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}
