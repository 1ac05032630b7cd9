package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseFlagsDefaults(t *testing.T) {
	f, err := parseFlags(nil, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if f.addr != "127.0.0.1:8089" || f.dataDir != "./.local/snowflake" || f.user != "local" || f.password != "local" || f.token != "" {
		t.Fatalf("defaults: %+v", f)
	}
	if _, err := parseFlags([]string{"--addr", "x", "extra"}, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "unexpected arguments") {
		t.Fatalf("stray argument: %v", err)
	}
}

func TestRunRejectsBadPublicKeyWithoutLoggingSecrets(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "key.pem")
	if err := os.WriteFile(bad, []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	err := run([]string{"--public-key", bad, "--password", "hunter2", "--data-dir", t.TempDir()}, &stderr)
	if err == nil || !strings.Contains(err.Error(), "--public-key") {
		t.Fatalf("want a --public-key error, got %v", err)
	}
	if strings.Contains(stderr.String()+err.Error(), "hunter2") {
		t.Fatal("the password was printed")
	}
}
