package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// session is one logged-in driver connection and its engine session.
type session struct {
	id       int64
	user     string
	database string // as given at login, for sessionInfo
	schema   string
	eng      Session
	// sem serialises statements: an engine session runs one statement at a time, and an
	// async statement must not overlap the next one sent on the same connection.
	sem chan struct{}
	// lastUsed is when a request last named the session (unix nanoseconds): a session
	// idle for longer than Config.SessionIdleTimeout is closed, as Snowflake ends idle
	// sessions, which rolls back its open transaction and frees its locks.
	lastUsed atomic.Int64
}

func (s *session) touch() { s.lastUsed.Store(time.Now().UnixNano()) }

// busy reports whether a statement of the session is running (it is not idle then).
func (s *session) busy() bool { return len(s.sem) > 0 }

// acquire takes the session's statement slot, or fails when ctx ends first.
func (s *session) acquire(ctx context.Context) error {
	select {
	case s.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *session) release() {
	s.touch()
	<-s.sem
}

// closeEngine waits for the running statement (if any) and closes the engine session.
func (s *session) closeEngine(ctx context.Context) error {
	if err := s.acquire(ctx); err != nil {
		return fmt.Errorf("server: closing session %d: a statement is still running: %w", s.id, err)
	}
	defer s.release()
	if err := s.eng.Close(); err != nil {
		return fmt.Errorf("server: closing session %d: %w", s.id, err)
	}
	return nil
}

type tokenEntry struct {
	sess    *session
	expires time.Time
}

// sessionStore maps session and master tokens to sessions. Tokens are random and
// exist only in memory: after an emulator restart every old token is unknown (390111).
type sessionStore struct {
	mu       sync.Mutex
	nextID   int64
	byToken  map[string]tokenEntry
	byMaster map[string]*session
	tokens   map[int64][]string // per session, newest last; older ones answer 390112
	masters  map[int64]string
}

func newSessionStore() *sessionStore {
	return &sessionStore{
		// Ids differ across restarts so that a stale client can never be confused
		// with a new session.
		nextID:   time.Now().UnixMicro(),
		byToken:  map[string]tokenEntry{},
		byMaster: map[string]*session{},
		tokens:   map[int64][]string{},
		masters:  map[int64]string{},
	}
}

func randomToken(prefix string) string {
	b := make([]byte, 24)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return prefix + hex.EncodeToString(b)
}

// add registers a new session and returns its session and master tokens.
func (st *sessionStore) add(s *session, ttl time.Duration) (token, master string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.nextID++
	s.id = st.nextID
	s.touch()
	token, master = randomToken("emu-st-"), randomToken("emu-mt-")
	st.byToken[token] = tokenEntry{sess: s, expires: time.Now().Add(ttl)}
	st.tokens[s.id] = []string{token}
	st.byMaster[master] = s
	st.masters[s.id] = master
	return token, master
}

// lookup finds the session of a session token; expired reports a known but stale token.
func (st *sessionStore) lookup(token string) (s *session, expired bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	e, ok := st.byToken[token]
	if !ok {
		return nil, false
	}
	if time.Now().After(e.expires) {
		return e.sess, true
	}
	return e.sess, false
}

// renew issues a fresh session token for the session owning master. The previous
// token stays known but expired, so a concurrent request that still carries it gets
// 390112 and replays with the new one; older tokens are forgotten.
func (st *sessionStore) renew(master string, ttl time.Duration) (s *session, token string, ok bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	s, ok = st.byMaster[master]
	if !ok {
		return nil, "", false
	}
	old := st.tokens[s.id]
	for _, t := range old {
		st.byToken[t] = tokenEntry{sess: s, expires: time.Time{}}
	}
	if len(old) > 1 {
		for _, t := range old[:len(old)-1] {
			delete(st.byToken, t)
		}
		old = old[len(old)-1:]
	}
	token = randomToken("emu-st-")
	st.byToken[token] = tokenEntry{sess: s, expires: time.Now().Add(ttl)}
	st.tokens[s.id] = append(old, token)
	return s, token, true
}

// remove forgets a session's tokens; it reports whether the session was known.
func (st *sessionStore) remove(s *session) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	toks, ok := st.tokens[s.id]
	for _, t := range toks {
		delete(st.byToken, t)
	}
	delete(st.tokens, s.id)
	delete(st.byMaster, st.masters[s.id])
	delete(st.masters, s.id)
	return ok
}

// removeAll forgets every session and returns them for closing.
func (st *sessionStore) removeAll() []*session {
	st.mu.Lock()
	defer st.mu.Unlock()
	seen := map[int64]*session{}
	for _, e := range st.byToken {
		seen[e.sess.id] = e.sess
	}
	for _, s := range st.byMaster {
		seen[s.id] = s
	}
	st.byToken = map[string]tokenEntry{}
	st.byMaster = map[string]*session{}
	st.tokens = map[int64][]string{}
	st.masters = map[int64]string{}
	out := make([]*session, 0, len(seen))
	for _, s := range seen {
		out = append(out, s)
	}
	return out
}

// authSession resolves the request's session token, or writes the reply the driver
// expects (390112 makes it renew and replay; 390111 means log in again) and returns nil.
func (s *Server) authSession(w http.ResponseWriter, r *http.Request) *session {
	tok := sessionToken(r)
	if tok == "" {
		writeJSON(w, failure(codeSessionGone, "08001", "Session token missing: log in first (POST /session/v1/login-request).", ""))
		return nil
	}
	sess, expired := s.sessions.lookup(tok)
	switch {
	case sess == nil:
		writeJSON(w, failure(codeSessionGone, "08001", "Session no longer exists. New login required to access the service.", ""))
		return nil
	case expired:
		writeJSON(w, failure(codeSessionExpired, "08001", "Session token has expired; renew it with the master token.", ""))
		return nil
	}
	sess.touch()
	return sess
}

// idle returns the sessions no request has named for longer than d (and that run no
// statement).
func (st *sessionStore) idle(d time.Duration) []*session {
	st.mu.Lock()
	defer st.mu.Unlock()
	limit := time.Now().Add(-d).UnixNano()
	var out []*session
	for _, s := range st.byMaster {
		if s.lastUsed.Load() < limit && !s.busy() {
			out = append(out, s)
		}
	}
	return out
}

// expireIdle closes sessions idle for longer than the idle timeout until ctx ends:
// without it, a client that died inside a transaction would hold its locks forever.
func (s *Server) expireIdle(ctx context.Context, timeout time.Duration) {
	defer s.running.Done()
	every := min(timeout/4, 30*time.Second)
	every = max(every, 10*time.Millisecond)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		for _, sess := range s.sessions.idle(timeout) {
			s.endSession(sess, "idle for longer than the session idle timeout")
		}
	}
}

// endSession forgets a session's tokens and closes its engine session (rolling back
// its transaction) in the background.
func (s *Server) endSession(sess *session, why string) {
	if !s.sessions.remove(sess) {
		return
	}
	s.log.Info("closing session", "session", sess.id, "reason", why)
	s.queries.cancelSession(sess.id)
	s.running.Add(1)
	go func() {
		defer s.running.Done()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := sess.closeEngine(ctx); err != nil {
			s.log.Warn("closing session", "session", sess.id, "err", err)
		}
	}()
}

// handleTokenRequest renews a session token (requestType RENEW) with the master token.
func (s *Server) handleTokenRequest(w http.ResponseWriter, r *http.Request) {
	var req struct {
		OldSessionToken string `json:"oldSessionToken"`
		RequestType     string `json:"requestType"`
	}
	if err := decodeBody(r, &req); err != nil {
		writeJSON(w, failure(codeBadRequest, "08001", err.Error(), ""))
		return
	}
	if req.RequestType != "" && req.RequestType != "RENEW" {
		writeJSON(w, failure(codeBadRequest, "08001", fmt.Sprintf("token-request type %q is not supported; use RENEW", req.RequestType), ""))
		return
	}
	sess, token, ok := s.sessions.renew(sessionToken(r), s.cfg.SessionTokenTTL)
	if !ok {
		writeJSON(w, failure(codeSessionGone, "08001", "Master token is unknown: the session no longer exists. New login required.", ""))
		return
	}
	s.counters.renewals.Add(1)
	s.sessions.mu.Lock()
	master := s.sessions.masters[sess.id]
	s.sessions.mu.Unlock()
	writeJSON(w, success(renewData{
		SessionToken:        token,
		ValidityInSecondsST: int64(s.cfg.SessionTokenTTL / time.Second),
		MasterToken:         master,
		ValidityInSecondsMT: masterValiditySeconds,
		SessionID:           sess.id,
	}))
}

// masterValiditySeconds is advertised only: master tokens do not expire in the emulator.
const masterValiditySeconds = 4 * 60 * 60

// handleSession closes the session for POST /session?delete=true.
func (s *Server) handleSession(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("delete") != "true" {
		writeJSON(w, failure(codeBadRequest, "", "POST /session needs ?delete=true", ""))
		return
	}
	sess, _ := s.sessions.lookup(sessionToken(r))
	if sess == nil {
		// Closing twice or after a restart is not an error for the client.
		writeJSON(w, success(nil))
		return
	}
	s.endSession(sess, "closed by the client")
	writeJSON(w, success(nil))
}

// handleHeartbeat keeps a session alive (CLIENT_SESSION_KEEP_ALIVE=true).
func (s *Server) handleHeartbeat(w http.ResponseWriter, r *http.Request) {
	if s.authSession(w, r) == nil {
		return
	}
	writeJSON(w, success(nil))
}

// handleTelemetry accepts and drops the driver's telemetry batches.
func (s *Server) handleTelemetry(w http.ResponseWriter, r *http.Request) {
	if _, err := readBody(r); err != nil {
		writeJSON(w, failure(codeBadRequest, "", err.Error(), ""))
		return
	}
	s.counters.telemetry.Add(1)
	writeJSON(w, success(nil))
}
