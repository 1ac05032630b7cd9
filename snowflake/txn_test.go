package snowflake

import (
	"fmt"
	"regexp"
	"testing"

	sf "github.com/snowflakedb/gosnowflake"
)

func TestLoadTxnName(t *testing.T) {
	a := LoadTxnName("mig", "db.s.t", 1)
	if a != LoadTxnName("mig", "db.s.t", 1) {
		t.Fatal("the name of a partition's load transaction must be the same for every attempt")
	}
	seen := map[string]bool{a: true}
	for _, other := range []string{LoadTxnName("mig", "db.s.t", 2), LoadTxnName("mig2", "db.s.t", 1), LoadTxnName("mig", "db.s.t2", 1), LoadTxnName("mi", "gdb.s.t", 1)} {
		if seen[other] {
			t.Fatalf("two partitions share the transaction name %s", other)
		}
		seen[other] = true
	}
	// an unquoted identifier that SHOW TRANSACTIONS shows exactly as written
	if !regexp.MustCompile(`^[A-Z][A-Z0-9_]{1,254}$`).MatchString(a) {
		t.Fatalf("name %q is not a plain upper-case identifier", a)
	}
}

func TestClassifySessionAndLockErrors(t *testing.T) {
	cases := []struct {
		num  int
		want Class
	}{
		{390111, Retryable}, // session gone: log in again, not a credentials problem
		{390112, Retryable},
		{390114, Retryable}, // master token expired after 4 h idle
		{390100, Credentials},
		{390144, Credentials},
		{625, Retryable}, // LOCK_TIMEOUT
		{604, Retryable}, // canceled / transaction aborted
		{2003, Missing},
		{1003, Invalid},
	}
	for _, c := range cases {
		err := fmt.Errorf("wrapped: %w", &sf.SnowflakeError{Number: c.num, SQLState: "08001", Message: "x"})
		if got := Classify(err); got != c.want {
			t.Errorf("Classify(%d) = %v, want %v", c.num, got, c.want)
		}
	}
	if !IsSessionExpired(&sf.SnowflakeError{Number: 390114}) || IsSessionExpired(&sf.SnowflakeError{Number: 390100}) {
		t.Error("IsSessionExpired")
	}
	if !IsAlreadyExists(&sf.SnowflakeError{Number: 2002}) || !IsLockTimeout(&sf.SnowflakeError{Number: 625}) {
		t.Error("IsAlreadyExists / IsLockTimeout")
	}
}

func TestBuildConfigLockTimeout(t *testing.T) {
	cfg, err := BuildConfig("t", Connection{Account: "local", User: "u", Password: "p"})
	if err != nil {
		t.Fatal(err)
	}
	if v := cfg.Params["LOCK_TIMEOUT"]; v == nil || *v != fmt.Sprint(LockTimeoutSeconds) {
		t.Fatalf("LOCK_TIMEOUT = %v, want %d", v, LockTimeoutSeconds)
	}
}
