// Command redshift-emulator is the local Redshift: a PostgreSQL wire-protocol front over
// a real PostgreSQL with Redshift's catalog views and types, Redshift's refusals, UNLOAD
// to S3 as Parquet and IAM logins. Usage:
//
//	redshift-emulator --addr 127.0.0.1:5439 --postgres URL --s3-endpoint URL [--iam-endpoint ADDR]
//
// S3 credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or --s3-access-key,
// --s3-secret-key); see docs/redshift.md.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/snowmigrate/snowmigrate/emulator/redshift"
)

func main() {
	var cfg redshift.Config
	var iamKeys string
	flag.StringVar(&cfg.Addr, "addr", "127.0.0.1:5439", "address of the PostgreSQL wire front")
	flag.StringVar(&cfg.PostgresURL, "postgres", "", "URL of the backend PostgreSQL (a superuser), e.g. postgres://postgres@127.0.0.1:5432/dev")
	flag.StringVar(&cfg.S3Endpoint, "s3-endpoint", "", "S3 endpoint UNLOAD writes to, e.g. http://127.0.0.1:9000")
	flag.StringVar(&cfg.IAMAddr, "iam-endpoint", "", "address for the redshift:GetClusterCredentials endpoint (off when empty)")
	flag.StringVar(&cfg.User, "user", "awsuser", "login created at start (empty: none)")
	flag.StringVar(&cfg.Password, "password", envOr("REDSHIFT_EMULATOR_PASSWORD", "local"), "its password (env REDSHIFT_EMULATOR_PASSWORD)")
	flag.StringVar(&cfg.AuthMethod, "auth", "md5", "password exchange asked of clients: md5 or password (cleartext)")
	flag.StringVar(&cfg.S3AccessKey, "s3-access-key", os.Getenv("AWS_ACCESS_KEY_ID"), "the emulator's S3 access key (env AWS_ACCESS_KEY_ID)")
	flag.StringVar(&cfg.S3SecretKey, "s3-secret-key", os.Getenv("AWS_SECRET_ACCESS_KEY"), "the emulator's S3 secret key (env AWS_SECRET_ACCESS_KEY)")
	flag.StringVar(&cfg.S3Region, "s3-region", envOr("AWS_REGION", "us-east-1"), "S3 region (env AWS_REGION)")
	flag.IntVar(&cfg.Slices, "slices", 2, "slices UNLOAD PARALLEL ON spreads rows over")
	flag.StringVar(&iamKeys, "iam-keys", os.Getenv("REDSHIFT_EMULATOR_IAM_KEYS"), "access keys the IAM endpoint accepts: KEYID:SECRET[,KEYID:SECRET] (env REDSHIFT_EMULATOR_IAM_KEYS; default: the S3 key pair)")
	flag.StringVar(&cfg.ClusterID, "cluster-id", "", "the only ClusterIdentifier GetClusterCredentials accepts (empty: any)")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "redshift-emulator: unexpected argument %q (all settings are --flags)\n", flag.Arg(0))
		os.Exit(2)
	}
	cfg.IAMKeys = map[string]string{}
	for _, kv := range strings.Split(iamKeys, ",") {
		if id, secret, ok := strings.Cut(strings.TrimSpace(kv), ":"); ok && id != "" {
			cfg.IAMKeys[id] = secret
		}
	}
	if len(cfg.IAMKeys) == 0 && cfg.S3AccessKey != "" {
		cfg.IAMKeys[cfg.S3AccessKey] = cfg.S3SecretKey
	}
	logger := log.New(os.Stderr, "redshift-emulator: ", log.LstdFlags)
	cfg.Logger = logger
	// Catch the signals before saying where it listens: whoever reads that line may stop
	// the server at once, and must get a clean stop, not the default SIGTERM death.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	srv, err := redshift.Start(cfg)
	if err != nil {
		logger.Fatalf("%v", err)
	}
	if srv.IAMAddr() != "" {
		logger.Printf("IAM endpoint on http://%s", srv.IAMAddr())
	}
	logger.Printf("listening on %s (login %s)", srv.Addr(), cfg.User)
	s := <-sig
	logger.Printf("%v: stopping", s)
	if err := srv.Close(); err != nil {
		logger.Fatalf("stop: %v", err)
	}
	logger.Printf("stopped")
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}
