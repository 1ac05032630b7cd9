// Package redshift is the local Redshift: a PostgreSQL wire-protocol front over a real
// PostgreSQL that authenticates clients itself, serves Redshift's catalog views and
// types, refuses what Redshift does not have, runs UNLOAD to S3 as Parquet and accepts
// IAM (GetClusterCredentials) logins. See docs/redshift.md.
package redshift

import (
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// Config configures the local Redshift.
type Config struct {
	Addr        string // listen address, 127.0.0.1:5439
	PostgresURL string // the backend PostgreSQL (a superuser: catalog objects go into pg_catalog)

	// User and Password: a login created (or whose password is reset) at start.
	User     string
	Password string
	// AuthMethod is "md5" (default) or "password" (cleartext).
	AuthMethod string

	// S3Endpoint is the S3 server UNLOAD writes to (http://host:port or host:port);
	// S3AccessKey/S3SecretKey are the emulator's own credentials, used for IAM_ROLE
	// authorization. S3Region defaults to us-east-1.
	S3Endpoint  string
	S3AccessKey string
	S3SecretKey string
	S3Region    string

	// Slices is the number of slices UNLOAD with PARALLEL ON spreads rows over (one
	// file series per slice that has rows); default 2.
	Slices int

	// IAMAddr, when set, serves redshift:GetClusterCredentials (AWS query protocol) there.
	// IAMKeys are the access key ids (and their secret keys) whose signed requests it
	// accepts; ClusterID, when set, is the only ClusterIdentifier accepted.
	IAMAddr   string
	IAMKeys   map[string]string
	ClusterID string

	Logger *log.Logger
	// Now is the clock (tests move it to expire IAM credentials); default time.Now.
	Now func() time.Time
}

// Server is a running local Redshift.
type Server struct {
	cfg     Config
	ln      net.Listener
	iam     *iamServer
	backend *pgconn.Config
	ctx     context.Context
	cancel  context.CancelFunc

	mu        sync.Mutex
	sessions  map[uint32]*session // by the client-facing process id
	installed map[string]bool     // databases whose catalog is installed
	installMu sync.Mutex
	temp      map[string][]tempUser // IAM users: database user -> temporary credentials
	wg        sync.WaitGroup
	closed    bool
}

type tempUser struct {
	md5     string // md5(password + "IAM:" + name), hex
	expires time.Time
	db      string // the only database it may log on to ("" any)
}

// Start installs the catalog in the backend, creates the configured login and starts
// listening.
func Start(cfg Config) (*Server, error) {
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:5439"
	}
	if cfg.PostgresURL == "" {
		return nil, errors.New("--postgres is required (a URL of the backend PostgreSQL)")
	}
	if cfg.AuthMethod == "" {
		cfg.AuthMethod = "md5"
	}
	if cfg.AuthMethod != "md5" && cfg.AuthMethod != "password" {
		return nil, fmt.Errorf("auth method %q: want md5 or password", cfg.AuthMethod)
	}
	if cfg.Slices <= 0 {
		cfg.Slices = 2
	}
	if cfg.S3Region == "" {
		cfg.S3Region = "us-east-1"
	}
	if cfg.Logger == nil {
		cfg.Logger = log.New(io.Discard, "", 0)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	bc, err := pgconn.ParseConfig(cfg.PostgresURL)
	if err != nil {
		return nil, fmt.Errorf("--postgres: %v", redactErr(err))
	}
	s := &Server{cfg: cfg, backend: bc, sessions: map[uint32]*session{}, installed: map[string]bool{}, temp: map[string][]tempUser{}}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	ctx, cancel := context.WithTimeout(s.ctx, 60*time.Second)
	defer cancel()
	if err := s.setup(ctx); err != nil {
		s.cancel()
		return nil, err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		s.cancel()
		return nil, err
	}
	s.ln = ln
	if cfg.IAMAddr != "" {
		iam, err := startIAM(s, cfg.IAMAddr)
		if err != nil {
			ln.Close()
			s.cancel()
			return nil, err
		}
		s.iam = iam
	}
	s.wg.Add(1)
	go s.acceptLoop()
	return s, nil
}

// Addr is the address the wire front listens on.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// IAMAddr is the address of the GetClusterCredentials endpoint ("" when off).
func (s *Server) IAMAddr() string {
	if s.iam == nil {
		return ""
	}
	return s.iam.addr()
}

// Close stops listening, ends every session and waits for them.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	sessions := make([]*session, 0, len(s.sessions))
	for _, ss := range s.sessions {
		sessions = append(sessions, ss)
	}
	s.mu.Unlock()
	s.cancel()
	err := s.ln.Close()
	if s.iam != nil {
		s.iam.close()
	}
	for _, ss := range sessions {
		ss.kill()
	}
	s.wg.Wait()
	return err
}

func (s *Server) setup(ctx context.Context) error {
	c, err := pgconn.ConnectConfig(ctx, s.backend)
	if err != nil {
		return fmt.Errorf("connect to the backend PostgreSQL: %v", redactErr(err))
	}
	defer c.Close(context.Background())
	if err := s.installCatalog(ctx, c, s.backend.Database); err != nil {
		return err
	}
	if _, err := c.Exec(ctx, usersSQL).ReadAll(); err != nil {
		return fmt.Errorf("install the login list: %v", err)
	}
	if s.cfg.User != "" {
		rr := c.ExecParams(ctx, `INSERT INTO redshift_emulator.users (name, md5) VALUES ($1, $2)
			ON CONFLICT (name) DO UPDATE SET md5 = excluded.md5`,
			[][]byte{[]byte(s.cfg.User), []byte(md5Hex(s.cfg.Password + s.cfg.User))}, nil, nil, nil)
		if _, err := rr.Close(); err != nil {
			return fmt.Errorf("create login %s: %v", s.cfg.User, err)
		}
	}
	return nil
}

// installCatalog installs the catalog once per database and process.
func (s *Server) installCatalog(ctx context.Context, c *pgconn.PgConn, db string) error {
	s.installMu.Lock()
	defer s.installMu.Unlock()
	if s.installed[db] {
		return nil
	}
	if _, err := c.Exec(ctx, "SELECT pg_catalog.pg_advisory_xact_lock(5439001);"+catalogSQL+functionsSQL).ReadAll(); err != nil {
		return fmt.Errorf("install the Redshift catalog in database %s (the --postgres user must be a superuser): %v", db, err)
	}
	s.installed[db] = true
	return nil
}

func (s *Server) acceptLoop() {
	defer s.wg.Done()
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.serve(conn)
		}()
	}
}

func (s *Server) register(ss *session) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	for {
		var b [8]byte
		_, _ = rand.Read(b[:])
		pid := binary.BigEndian.Uint32(b[:4]) & 0x7fffffff
		if pid == 0 || s.sessions[pid] != nil {
			continue
		}
		ss.pid = pid
		ss.secret = b[4:8]
		s.sessions[pid] = ss
		return true
	}
}

func (s *Server) unregister(ss *session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sessions[ss.pid] == ss {
		delete(s.sessions, ss.pid)
	}
}

func (s *Server) lookupSession(pid uint32, secret []byte) *session {
	s.mu.Lock()
	defer s.mu.Unlock()
	ss := s.sessions[pid]
	if ss == nil || string(ss.secret) != string(secret) {
		return nil
	}
	return ss
}

// checkLogin verifies a login; check is given the stored md5(password+user) hash and
// returns whether the client's answer matches. It returns a Redshift-style failure.
func (s *Server) checkLogin(ctx context.Context, user, db string, check func(stored string) bool) *refusal {
	fail := &refusal{Code: "28000", Message: `password authentication failed for user "` + user + `"`}
	iamUser := strings.HasPrefix(user, "IAM:")
	if iamUser {
		s.mu.Lock()
		creds := append([]tempUser(nil), s.temp[user[4:]]...)
		s.mu.Unlock()
		matched := false
		for _, tu := range creds {
			if !check(tu.md5) {
				continue
			}
			matched = true
			if tu.db != "" && tu.db != db {
				continue
			}
			if s.cfg.Now().Before(tu.expires) {
				if s.loginExists(ctx, user[4:]) {
					return nil
				}
				return &refusal{Code: "28000", Message: `user "` + user[4:] + `" does not exist`}
			}
		}
		if matched {
			return &refusal{Code: "28000", Message: `password authentication failed for user "` + user + `"`,
				Hint: "the temporary credentials from GetClusterCredentials have expired, or were issued for another database"}
		}
		return fail
	}
	c, err := pgconn.ConnectConfig(ctx, s.backend)
	if err != nil {
		return &refusal{Code: "08006", Message: "the local Redshift cannot reach its backend PostgreSQL"}
	}
	defer c.Close(context.Background())
	rr := c.ExecParams(ctx, "SELECT md5 FROM redshift_emulator.users WHERE name = $1", [][]byte{[]byte(user)}, nil, nil, nil)
	var stored string
	found := false
	for rr.NextRow() {
		stored, found = string(rr.Values()[0]), true
	}
	if _, err := rr.Close(); err != nil || !found || stored == "" || !check(stored) {
		return fail
	}
	return nil
}

// loginExists tells whether the database user exists (an IAM login needs one: made by
// --user, AutoCreate or an earlier login).
func (s *Server) loginExists(ctx context.Context, name string) bool {
	c, err := pgconn.ConnectConfig(ctx, s.backend)
	if err != nil {
		return false
	}
	defer c.Close(context.Background())
	rr := c.ExecParams(ctx, "SELECT 1 FROM redshift_emulator.users WHERE name = $1", [][]byte{[]byte(name)}, nil, nil, nil)
	found := false
	for rr.NextRow() {
		found = true
	}
	_, err = rr.Close()
	return err == nil && found
}

func md5Hex(s string) string {
	h := md5.Sum([]byte(s))
	return hex.EncodeToString(h[:])
}

// redactErr keeps a connection error's text but never a password from a URL.
func redactErr(err error) error {
	var pe *pgconn.ConnectError
	if errors.As(err, &pe) {
		return errors.New(pe.Unwrap().Error())
	}
	var parse *pgconn.ParseConfigError
	if errors.As(err, &parse) {
		return errors.New("invalid connection URL")
	}
	return err
}
