package server

import (
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// ParsePublicKeyPEM reads an RSA public key (PEM "PUBLIC KEY", PKIX) as used for
// Snowflake key-pair authentication (ALTER USER ... SET RSA_PUBLIC_KEY).
func ParsePublicKeyPEM(data []byte) (*rsa.PublicKey, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New("public key: no PEM block found; expected -----BEGIN PUBLIC KEY-----")
	}
	key, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		if k, err2 := x509.ParsePKCS1PublicKey(block.Bytes); err2 == nil {
			return k, nil
		}
		return nil, fmt.Errorf("public key: parsing PEM block %q: %w", block.Type, err)
	}
	rk, ok := key.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("public key: %T is not an RSA key; Snowflake key-pair auth uses RSA", key)
	}
	return rk, nil
}

// PublicKeyFingerprint is Snowflake's "SHA256:<base64 of sha256 of the DER key>".
func PublicKeyFingerprint(key *rsa.PublicKey) (string, error) {
	der, err := x509.MarshalPKIXPublicKey(key)
	if err != nil {
		return "", fmt.Errorf("public key: %w", err)
	}
	sum := sha256.Sum256(der)
	return "SHA256:" + base64.StdEncoding.EncodeToString(sum[:]), nil
}

// accountPrefix is the driver's extractAccountName: upper case, up to the first dot.
func accountPrefix(account string) string {
	a := strings.ToUpper(account)
	if i := strings.IndexByte(a, '.'); i >= 0 {
		a = a[:i]
	}
	return a
}

// verifyLoginJWT checks a key-pair login token the way Snowflake does: RS256 signed by
// the registered key, iss "<ACCOUNT>.<USER>.SHA256:<fingerprint>", sub
// "<ACCOUNT>.<USER>", and not expired (the driver sets exp = iat + 60 s).
func verifyLoginJWT(token, account, user string, key *rsa.PublicKey, now time.Time) error {
	if token == "" {
		return errors.New("TOKEN is empty")
	}
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(token, claims, func(*jwt.Token) (any, error) { return key, nil },
		jwt.WithValidMethods([]string{"RS256"}),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(30*time.Second),
		jwt.WithTimeFunc(func() time.Time { return now }),
	)
	if err != nil {
		return fmt.Errorf("signature or time claims: %w", err)
	}
	fp, err := PublicKeyFingerprint(key)
	if err != nil {
		return err
	}
	wantSub := accountPrefix(account) + "." + strings.ToUpper(user)
	sub, _ := claims["sub"].(string)
	if sub != wantSub {
		return fmt.Errorf("sub is %q, want %q (<ACCOUNT>.<USER>)", sub, wantSub)
	}
	iss, _ := claims["iss"].(string)
	if wantIss := wantSub + "." + fp; iss != wantIss {
		return fmt.Errorf("iss is %q, want %q (<ACCOUNT>.<USER>.<public key fingerprint>)", iss, wantIss)
	}
	return nil
}
