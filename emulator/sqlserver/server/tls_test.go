package server

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"database/sql"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// writeCert writes a certificate for 127.0.0.1 and its key as PEM files.
func writeCert(t *testing.T) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalECPrivateKey(key)
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	return certFile, keyFile
}

// TestTLSCertificateAndStrict: --tls-cert/--tls-key are served, the driver verifies
// them (no TrustServerCertificate), for encrypt=true and TDS 8.0's encrypt=strict.
func TestTLSCertificateAndStrict(t *testing.T) {
	certFile, keyFile := writeCert(t)
	srv, err := Start(Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), User: "sa", Password: "Secret-1",
		TLSCert: certFile, TLSKey: keyFile, Logger: log.New(io.Discard, "", 0)})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	for _, enc := range []string{"true", "strict"} {
		u := &url.URL{Scheme: "sqlserver", User: url.UserPassword("sa", "Secret-1"), Host: srv.Addr()}
		q := url.Values{}
		q.Set("encrypt", enc)
		q.Set("certificate", certFile)
		u.RawQuery = q.Encode()
		db, _ := sql.Open("sqlserver", u.String())
		var v string
		err := db.QueryRowContext(ctx(t), "SELECT N'ok ' + CAST(@@SPID AS nvarchar(10))").Scan(&v)
		db.Close()
		if err != nil {
			t.Fatalf("encrypt=%s: %v", enc, err)
		}
	}
	if _, err := Start(Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), TLSCert: certFile, Logger: log.New(io.Discard, "", 0)}); err == nil {
		t.Fatal("--tls-cert without --tls-key accepted")
	}
}
