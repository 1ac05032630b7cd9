package server

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func signJWT(t *testing.T, key *rsa.PrivateKey, method jwt.SigningMethod, claims jwt.MapClaims) string {
	t.Helper()
	var signKey any = key
	if method == jwt.SigningMethodHS256 {
		signKey = []byte("shared")
	}
	s, err := jwt.NewWithClaims(method, claims).SignedString(signKey)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestVerifyLoginJWT(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	fp, err := PublicKeyFingerprint(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	good := func() jwt.MapClaims {
		return jwt.MapClaims{
			"iss": "LOCAL.LOADER." + fp, "sub": "LOCAL.LOADER",
			"iat": now.Unix(), "exp": now.Add(time.Minute).Unix(),
		}
	}
	cases := []struct {
		name    string
		mutate  func(jwt.MapClaims)
		method  jwt.SigningMethod
		account string
		wantErr string
	}{
		{name: "valid", account: "local"},
		{name: "account with region", account: "local.us-east-1"},
		{name: "wrong user in sub", mutate: func(c jwt.MapClaims) { c["sub"] = "LOCAL.OTHER" }, wantErr: "sub is"},
		{name: "wrong fingerprint", mutate: func(c jwt.MapClaims) { c["iss"] = "LOCAL.LOADER.SHA256:AAAA" }, wantErr: "iss is"},
		{name: "lower-case iss", mutate: func(c jwt.MapClaims) { c["iss"] = strings.ToLower(c["iss"].(string)) }, wantErr: "iss is"},
		{name: "expired", mutate: func(c jwt.MapClaims) { c["exp"] = now.Add(-2 * time.Minute).Unix() }, wantErr: "expired"},
		{name: "no exp", mutate: func(c jwt.MapClaims) { delete(c, "exp") }, wantErr: "exp"},
		{name: "HS256", method: jwt.SigningMethodHS256, wantErr: "signing method"},
		{name: "other account", account: "prod", wantErr: "sub is"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := good()
			if tc.mutate != nil {
				tc.mutate(c)
			}
			m := tc.method
			if m == nil {
				m = jwt.SigningMethodRS256
			}
			acct := tc.account
			if acct == "" {
				acct = "local"
			}
			err := verifyLoginJWT(signJWT(t, key, m, c), acct, "loader", &key.PublicKey, now)
			if tc.wantErr == "" && err != nil {
				t.Fatalf("want ok, got %v", err)
			}
			if tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("want error containing %q, got %v", tc.wantErr, err)
			}
		})
	}
}

func TestParsePublicKeyPEM(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	got, err := ParsePublicKeyPEM(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	if err != nil || !got.Equal(&key.PublicKey) {
		t.Fatalf("PKIX PEM: %v", err)
	}
	pkcs1 := pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&key.PublicKey)})
	if got, err := ParsePublicKeyPEM(pkcs1); err != nil || !got.Equal(&key.PublicKey) {
		t.Fatalf("PKCS1 PEM: %v", err)
	}
	if _, err := ParsePublicKeyPEM([]byte("not a key")); err == nil || !strings.Contains(err.Error(), "no PEM block") {
		t.Fatalf("garbage: %v", err)
	}
}
