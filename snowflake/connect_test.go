package snowflake

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	sf "github.com/snowflakedb/gosnowflake"
	"github.com/youmark/pkcs8"
)

func TestBuildConfigPasswordLocal(t *testing.T) {
	cfg, err := BuildConfig("local", Connection{Account: "local", User: "u", Password: "s3cret", Host: "127.0.0.1", Port: 8089, Protocol: "HTTP", Database: "DB", Schema: "PUBLIC"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Authenticator != sf.AuthTypeSnowflake || cfg.Password != "s3cret" || cfg.Protocol != "http" || cfg.Port != 8089 || cfg.Host != "127.0.0.1" || cfg.Database != "DB" {
		t.Errorf("unexpected config %+v", cfg)
	}
	if tz := cfg.Params["TIMEZONE"]; tz == nil || *tz != "UTC" {
		t.Errorf("session time zone not UTC")
	}
	// The DSN the driver derives is well-formed (it parses back to the same endpoint).
	dsn, err := sf.DSN(cfg)
	if err != nil {
		t.Fatal(err)
	}
	back, err := sf.ParseDSN(dsn)
	if err != nil || back.Host != "127.0.0.1" || back.Port != 8089 || back.Protocol != "http" || back.Account != "local" {
		t.Errorf("DSN round trip: %v %+v", err, back)
	}
}

func TestBuildConfigPAT(t *testing.T) {
	cfg, err := BuildConfig("c", Connection{Account: "acme-x1", User: "svc", Token: "pat-token"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Authenticator != sf.AuthTypePat || cfg.Token != "pat-token" || cfg.Password != "" {
		t.Errorf("PAT config: %v %q", cfg.Authenticator, cfg.Password)
	}
	// Explicit authenticator with the token in the password field.
	cfg, err = BuildConfig("c", Connection{Account: "acme", User: "svc", Password: "pat2", Authenticator: "programmatic_access_token"})
	if err != nil || cfg.Token != "pat2" {
		t.Fatalf("PAT in password: %v", err)
	}
}

func writeKey(t *testing.T, key *rsa.PrivateKey, kind, pass string) string {
	t.Helper()
	var block *pem.Block
	switch kind {
	case "pkcs8":
		der, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			t.Fatal(err)
		}
		block = &pem.Block{Type: "PRIVATE KEY", Bytes: der}
	case "pkcs1":
		block = &pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}
	case "encrypted":
		der, err := pkcs8.MarshalPrivateKey(key, []byte(pass), nil)
		if err != nil {
			t.Fatal(err)
		}
		block = &pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: der}
	}
	path := filepath.Join(t.TempDir(), kind+".p8")
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestBuildConfigKeyPair(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"pkcs8", "pkcs1", "encrypted"} {
		path := writeKey(t, key, kind, "pw-123")
		cfg, err := BuildConfig("kp", Connection{Account: "acme", User: "svc", PrivateKeyFile: path, PrivateKeyFilePwd: "pw-123"})
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		if cfg.Authenticator != sf.AuthTypeJwt || cfg.PrivateKey == nil || !cfg.PrivateKey.Equal(key) {
			t.Errorf("%s: key not loaded", kind)
		}
	}
	enc := writeKey(t, key, "encrypted", "pw-123")
	_, err = BuildConfig("kp", Connection{Account: "acme", User: "svc", PrivateKeyFile: enc, PrivateKeyFilePwd: "wrong-pw"})
	if err == nil || strings.Contains(err.Error(), "wrong-pw") || !strings.Contains(err.Error(), "private_key_file_pwd") {
		t.Errorf("wrong passphrase: %v", err)
	}
	_, err = BuildConfig("kp", Connection{Account: "acme", User: "svc", PrivateKeyFile: enc})
	if err == nil || !strings.Contains(err.Error(), "encrypted") {
		t.Errorf("missing passphrase: %v", err)
	}
}

func TestBuildConfigErrorsNameTheFieldAndHideSecrets(t *testing.T) {
	cases := []struct {
		c    Connection
		frag string
	}{
		{Connection{User: "u", Password: "p4ss"}, "account"},
		{Connection{Account: "a", User: "u"}, "password"},
		{Connection{Account: "a", Password: "p4ss"}, "user"},
		{Connection{Account: "a", User: "u", Password: "p4ss", Protocol: "ftp"}, "protocol"},
		{Connection{Account: "a", User: "u", Password: "p4ss", Authenticator: "externalbrowser"}, "authenticator"},
		{Connection{Account: "a", User: "u", PrivateKeyFile: "/nonexistent/key.p8"}, "private_key_file"},
		{Connection{Account: "a", Authenticator: "oauth"}, "token"},
	}
	for _, c := range cases {
		_, err := BuildConfig("conn1", c.c)
		if err == nil {
			t.Errorf("%+v accepted", c.c)
			continue
		}
		if !errors.Is(err, ErrInvalidConnection) || !strings.Contains(err.Error(), c.frag) || !strings.Contains(err.Error(), "conn1") {
			t.Errorf("error %q should wrap ErrInvalidConnection and name %q and the connection", err, c.frag)
		}
		if strings.Contains(err.Error(), "p4ss") {
			t.Errorf("error leaks the password: %v", err)
		}
		if Classify(err) != Credentials {
			t.Errorf("invalid connection should classify as Credentials")
		}
	}
	// String never shows secrets either.
	s := Connection{Account: "a", User: "u", Password: "p4ss", Token: "t0k", PrivateKeyFilePwd: "kpw"}.String()
	if strings.Contains(s, "p4ss") || strings.Contains(s, "t0k") || strings.Contains(s, "kpw") {
		t.Errorf("String leaks a secret: %s", s)
	}
}

func TestClassify(t *testing.T) {
	cases := []struct {
		err  error
		want Class
	}{
		{&sf.SnowflakeError{Number: 390100, SQLState: "08004", Message: "Incorrect username or password was specified."}, Credentials},
		{fmt.Errorf("login: %w", &sf.SnowflakeError{Number: 390144, SQLState: "08004"}), Credentials},
		{&sf.SnowflakeError{Number: 2003, SQLState: "42S02", Message: "Table 'X' does not exist or not authorized."}, Missing},
		{&sf.SnowflakeError{Number: 3001, SQLState: "42501", Message: "Insufficient privileges"}, Permission},
		{&sf.SnowflakeError{Number: 1003, SQLState: "42000", Message: "syntax error"}, Invalid},
		{&sf.SnowflakeError{Number: 100038, SQLState: "22018", Message: "Numeric value 'abc' is not recognized"}, Invalid},
		{&sf.SnowflakeError{Number: 390112, Message: "session expired"}, Retryable},
		{errors.New("dial tcp 127.0.0.1:1: connect: connection refused"), Retryable},
	}
	for _, c := range cases {
		if got := Classify(c.err); got != c.want {
			t.Errorf("Classify(%v) = %d, want %d", c.err, got, c.want)
		}
	}
}
