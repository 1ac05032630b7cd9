// Command sqlserver-emulator is the local SQL Server: a TDS server for tests and the
// offline demo. Usage:
//
//	sqlserver-emulator --addr 127.0.0.1:1433 --data-dir DIR --user sa --password SECRET [--tls-cert F --tls-key F]
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"syscall"

	"github.com/snowmigrate/snowmigrate/emulator/sqlserver/server"
)

func main() {
	var cfg server.Config
	flag.StringVar(&cfg.Addr, "addr", "127.0.0.1:1433", "address to listen on")
	flag.StringVar(&cfg.DataDir, "data-dir", "./.local/sqlserver", "directory keeping every database across restarts")
	flag.StringVar(&cfg.User, "user", "sa", "SQL login name")
	flag.StringVar(&cfg.Password, "password", "local", "SQL login password")
	flag.StringVar(&cfg.TLSCert, "tls-cert", "", "PEM certificate (a self-signed one is generated when empty)")
	flag.StringVar(&cfg.TLSKey, "tls-key", "", "PEM private key for --tls-cert")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "sqlserver-emulator: unexpected argument %q (all settings are --flags)\n", flag.Arg(0))
		os.Exit(2)
	}
	logger := log.New(os.Stderr, "sqlserver-emulator: ", log.LstdFlags)
	cfg.Logger = logger
	// Catch the signals before saying where it listens: whoever reads that line may stop
	// the server at once, and must get a clean stop, not the default SIGTERM death.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	srv, err := server.Start(cfg)
	if err != nil {
		logger.Fatalf("%v", err)
	}
	logger.Printf("listening on %s (data directory %s, login %s)", srv.Addr(), cfg.DataDir, cfg.User)
	s := <-sig
	logger.Printf("%v: stopping", s)
	if err := srv.Close(); err != nil {
		logger.Fatalf("stop: %v", err)
	}
	logger.Printf("stopped")
}
