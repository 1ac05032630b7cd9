package server

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
)

// Config holds the credentials and limits of one emulator server.
type Config struct {
	// User and Password are the only accepted login (the user name compares
	// case-insensitively, as Snowflake login names do).
	User     string
	Password string
	// Token is the programmatic access token; empty means the password doubles as one.
	Token string
	// PublicKey, when set, enables key-pair (SNOWFLAKE_JWT) login for User.
	PublicKey *rsa.PublicKey
	// SessionTokenTTL is how long a session token stays valid before the server answers
	// 390112 and the driver renews it with the master token. Zero means one hour.
	SessionTokenTTL time.Duration
	// SyncWait is how long a synchronous query-request blocks before answering 333333
	// and letting the driver poll, as Snowflake does after 45 s. Zero means 45 s.
	SyncWait time.Duration
	// SessionIdleTimeout closes a session that no request has named for this long,
	// rolling back its open transaction, as Snowflake does for idle sessions. Zero means
	// Snowflake's default for programmatic clients, four hours; negative disables it.
	SessionIdleTimeout time.Duration
	// ResultWait is how long a GET of a running query's result blocks before answering
	// 333334 (long poll). Zero means 20 s.
	ResultWait time.Duration
	// Logger receives one line per failed request; nil discards. Secrets never reach it.
	Logger *slog.Logger
}

// DefaultSessionIdleTimeout is Snowflake's idle session timeout for programmatic
// clients (drivers, connectors): four hours.
const DefaultSessionIdleTimeout = 4 * time.Hour

// Server answers the Snowflake REST protocol for one Backend.
type Server struct {
	cfg      Config
	backend  Backend
	log      *slog.Logger
	sessions *sessionStore
	queries  *queryStore
	mux      *http.ServeMux

	baseCtx context.Context // cancelled by Close: aborts every running statement
	cancel  context.CancelFunc
	running sync.WaitGroup // statement goroutines

	counters counters

	httpMu  sync.Mutex
	httpSrv *http.Server
	closed  bool // Close ran: a late Serve returns at once
}

// New builds a Server. The caller owns backend and closes it after Server.Close.
func New(backend Backend, cfg Config) (*Server, error) {
	if backend == nil {
		return nil, errors.New("server: backend is nil")
	}
	if cfg.User == "" {
		return nil, errors.New("server: Config.User is empty: set the emulator's login name (--user)")
	}
	if cfg.Password == "" {
		return nil, errors.New("server: Config.Password is empty: set the emulator's password (--password)")
	}
	if cfg.SessionTokenTTL <= 0 {
		cfg.SessionTokenTTL = time.Hour
	}
	if cfg.SyncWait <= 0 {
		cfg.SyncWait = 45 * time.Second
	}
	if cfg.ResultWait <= 0 {
		cfg.ResultWait = 20 * time.Second
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		cfg:      cfg,
		backend:  backend,
		log:      log,
		sessions: newSessionStore(),
		queries:  newQueryStore(),
		baseCtx:  ctx,
		cancel:   cancel,
	}
	s.mux = s.routes()
	if cfg.SessionIdleTimeout == 0 {
		s.cfg.SessionIdleTimeout = DefaultSessionIdleTimeout
	}
	if s.cfg.SessionIdleTimeout > 0 {
		s.running.Add(1)
		go s.expireIdle(ctx, s.cfg.SessionIdleTimeout)
	}
	return s, nil
}

func (s *Server) routes() *http.ServeMux {
	m := http.NewServeMux()
	m.HandleFunc("POST /session/v1/login-request", s.handleLogin)
	m.HandleFunc("POST /session/token-request", s.handleTokenRequest)
	m.HandleFunc("POST /session/heartbeat", s.handleHeartbeat)
	m.HandleFunc("POST /session", s.handleSession)
	m.HandleFunc("POST /telemetry/send", s.handleTelemetry)
	m.HandleFunc("POST /queries/v1/query-request", s.handleQuery)
	m.HandleFunc("POST /queries/v1/abort-request", s.handleAbort)
	m.HandleFunc("GET /queries/{id}/result", s.handleResult)
	m.HandleFunc("GET /monitoring/queries/{id}", s.handleMonitoring)
	m.HandleFunc("/", s.handleNotFound)
	return m
}

// ServeHTTP makes Server an http.Handler. A panic anywhere in a handler becomes an
// HTTP 200 internal error reply: a 5xx would make the driver retry the same request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			s.log.Error("panic in handler", "path", r.URL.Path, "panic", fmt.Sprint(p))
			writeJSON(w, failure(errInternalCode, "XX000", fmt.Sprintf("internal error: %v", p), ""))
		}
	}()
	s.mux.ServeHTTP(w, r)
}

// Serve accepts connections on ln until Shutdown or Close.
func (s *Server) Serve(ln net.Listener) error {
	hs := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 30 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return s.baseCtx },
	}
	s.httpMu.Lock()
	if s.closed {
		s.httpMu.Unlock()
		_ = ln.Close()
		return nil
	}
	s.httpSrv = hs
	s.httpMu.Unlock()
	err := hs.Serve(ln)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Close stops the HTTP server (if Serve runs), aborts running statements, waits for
// them (bounded by ctx) and closes every engine session. The backend stays open.
func (s *Server) Close(ctx context.Context) error {
	var errs []error
	s.httpMu.Lock()
	hs := s.httpSrv
	s.closed = true
	s.httpMu.Unlock()
	s.cancel()
	if hs != nil {
		if err := hs.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("server: shutting down HTTP: %w", err))
			_ = hs.Close()
		}
	}
	done := make(chan struct{})
	go func() { s.running.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		errs = append(errs, fmt.Errorf("server: statements still running at close: %w", ctx.Err()))
	}
	for _, sess := range s.sessions.removeAll() {
		if err := sess.closeEngine(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (s *Server) handleNotFound(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusNotFound)
	writeBody(w, failure(codeNoEndpoint, "", fmt.Sprintf("the emulator has no endpoint %s %s", r.Method, r.URL.Path), ""))
}
