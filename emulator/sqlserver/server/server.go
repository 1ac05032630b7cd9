package server

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"log"
	"math/big"
	"net"
	"os"
	"sync"
	"time"
)

// Config is the server's command-line contract.
type Config struct {
	Addr     string // default 127.0.0.1:1433
	DataDir  string // default ./.local/sqlserver
	User     string // default sa
	Password string // default local
	TLSCert  string // PEM files; a self-signed certificate when empty
	TLSKey   string
	Logger   *log.Logger
}

// Server is a running local SQL Server.
type Server struct {
	cfg   Config
	store *store
	ln    net.Listener
	tls   *tls.Config

	mu       sync.Mutex
	conns    map[net.Conn]struct{}
	nextTx   uint64
	nextSPID int
	closed   bool
	wg       sync.WaitGroup
	// base is the parent of every request's context: Close cancels running statements.
	base context.Context
	stop context.CancelFunc
}

// Start opens the data directory and listens.
func Start(cfg Config) (*Server, error) {
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:1433"
	}
	if cfg.DataDir == "" {
		cfg.DataDir = "./.local/sqlserver"
	}
	if cfg.User == "" {
		cfg.User = "sa"
	}
	if cfg.Password == "" {
		cfg.Password = "local"
	}
	if cfg.Logger == nil {
		cfg.Logger = log.New(os.Stderr, "sqlserver-emulator: ", log.LstdFlags)
	}
	tlsConf, err := tlsConfig(cfg.TLSCert, cfg.TLSKey)
	if err != nil {
		return nil, err
	}
	st, err := openStore(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		st.close()
		return nil, fmt.Errorf("listen on %s (--addr): %w", cfg.Addr, err)
	}
	s := &Server{cfg: cfg, store: st, ln: ln, tls: tlsConf, conns: map[net.Conn]struct{}{}, nextSPID: 50}
	s.base, s.stop = context.WithCancel(context.Background())
	s.wg.Add(1)
	go s.accept()
	return s, nil
}

// Addr is the address the server listens on.
func (s *Server) Addr() string { return s.ln.Addr().String() }

func (s *Server) logf(format string, args ...any) { s.cfg.Logger.Printf(format, args...) }

func (s *Server) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			s.mu.Lock()
			closed := s.closed
			s.mu.Unlock()
			if closed {
				return
			}
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				time.Sleep(10 * time.Millisecond)
				continue
			}
			s.logf("accept: %v", err)
			return
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			c.Close()
			return
		}
		s.conns[c] = struct{}{}
		s.nextSPID++
		spid := s.nextSPID
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer func() {
				if r := recover(); r != nil {
					s.logf("connection %d: internal error: %v", spid, r)
				}
				c.Close()
				s.mu.Lock()
				delete(s.conns, c)
				s.mu.Unlock()
			}()
			s.serve(c, spid)
		}()
	}
}

// Close stops listening, closes every connection and the databases.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.stop()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.ln.Close()
	s.wg.Wait()
	return s.store.close()
}

func tlsConfig(certFile, keyFile string) (*tls.Config, error) {
	var cert tls.Certificate
	var err error
	switch {
	case certFile != "" && keyFile != "":
		cert, err = tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return nil, fmt.Errorf("load --tls-cert %s / --tls-key %s: %w", certFile, keyFile, err)
		}
	case certFile != "" || keyFile != "":
		return nil, errors.New("--tls-cert and --tls-key go together: give both or neither (a self-signed certificate is generated when neither is given)")
	default:
		cert, err = selfSigned()
		if err != nil {
			return nil, err
		}
	}
	// TLS 1.2 without session tickets: the handshake travels inside TDS PRELOGIN packets
	// and must end with the server's last flight, as SQL Server's does.
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12, MaxVersion: tls.VersionTLS12, SessionTicketsDisabled: true}, nil
}

func selfSigned() (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("generate TLS key: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "localhost"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(10 * 365 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1")},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("create self-signed certificate: %w", err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}
