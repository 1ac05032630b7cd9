package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/snowmigrate/snowmigrate/emulator/engine"
	"github.com/snowmigrate/snowmigrate/emulator/server"
	"github.com/snowmigrate/snowmigrate/emulator/server/enginebackend"
)

type flags struct {
	addr, dataDir, user, password, token, publicKey, s3Endpoint string
	verbose                                                     bool
	idleTimeout                                                 time.Duration
}

func parseFlags(args []string, stderr io.Writer) (flags, error) {
	var f flags
	fs := flag.NewFlagSet("snowflake-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.addr, "addr", "127.0.0.1:8089", "listen address host:port (port 0 picks a free port)")
	fs.StringVar(&f.dataDir, "data-dir", "./.local/snowflake", "directory where databases and stages persist")
	fs.StringVar(&f.user, "user", "local", "login name accepted by the emulator")
	fs.StringVar(&f.password, "password", "local", "password accepted for --user")
	fs.StringVar(&f.token, "token", "", "programmatic access token for --user (default: the password)")
	fs.StringVar(&f.publicKey, "public-key", "", "PEM file with the RSA public key for key-pair (JWT) login")
	fs.StringVar(&f.s3Endpoint, "s3-endpoint", "", "host:port of an S3-compatible server for external stages")
	fs.DurationVar(&f.idleTimeout, "session-idle-timeout", server.DefaultSessionIdleTimeout,
		"close a session idle this long, rolling back its open transaction (Snowflake's default for drivers; negative: never)")
	fs.BoolVar(&f.verbose, "v", false, "log every rejected login and failed request")
	if err := fs.Parse(args); err != nil {
		return f, err
	}
	if fs.NArg() > 0 {
		return f, fmt.Errorf("unexpected arguments %q: every setting is a --flag", fs.Args())
	}
	return f, nil
}

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "snowflake-emulator:", err)
		}
		os.Exit(1)
	}
}

func run(args []string, stderr io.Writer) error {
	f, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	level := slog.LevelWarn
	if f.verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	cfg := server.Config{User: f.user, Password: f.password, Token: f.token, Logger: log, SessionIdleTimeout: f.idleTimeout}
	if f.publicKey != "" {
		pem, err := os.ReadFile(f.publicKey)
		if err != nil {
			return fmt.Errorf("--public-key: %w", err)
		}
		if cfg.PublicKey, err = server.ParsePublicKeyPEM(pem); err != nil {
			return fmt.Errorf("--public-key %s: %w", f.publicKey, err)
		}
	}
	if err := os.MkdirAll(f.dataDir, 0o755); err != nil {
		return fmt.Errorf("--data-dir: %w", err)
	}
	be, err := enginebackend.Open(engine.Options{DataDir: f.dataDir, S3Endpoint: f.s3Endpoint})
	if err != nil {
		return err
	}
	srv, err := server.New(be, cfg)
	if err != nil {
		_ = be.Close()
		return err
	}
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		_ = be.Close()
		return fmt.Errorf("--addr %s: %w", f.addr, err)
	}
	// Catch the signals before the line below: whoever reads it may stop the server at
	// once, and must get a clean stop, not the default SIGTERM death.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// Scripts wait for exactly this line; the address is the real one for port 0.
	fmt.Fprintf(stderr, "snowflake-emulator listening on %s\n", ln.Addr())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-served:
	}
	closeCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	errs := []error{serveErr}
	if err := srv.Close(closeCtx); err != nil {
		errs = append(errs, err)
	}
	if serveErr == nil {
		errs = append(errs, <-served)
	}
	// Closing the engine checkpoints it: the data is on disk when the process exits.
	if err := be.Close(); err != nil {
		errs = append(errs, fmt.Errorf("closing the engine: %w", err))
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	fmt.Fprintln(stderr, "snowflake-emulator stopped")
	return nil
}
