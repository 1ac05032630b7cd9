package server

import (
	"crypto/subtle"
	"net/http"
	"strings"
	"time"
)

// loginRequest is the body the driver posts to /session/v1/login-request.
type loginRequest struct {
	Data struct {
		LoginName     string `json:"LOGIN_NAME"`
		Password      string `json:"PASSWORD"`
		AccountName   string `json:"ACCOUNT_NAME"`
		Authenticator string `json:"AUTHENTICATOR"`
		Token         string `json:"TOKEN"`
		// SessionParameters are the client's session parameters (gosnowflake sends
		// Config.Params here: TIMEZONE, QUERY_TAG, LOCK_TIMEOUT, ...).
		SessionParameters map[string]any `json:"SESSION_PARAMETERS"`
	} `json:"data"`
}

// handleLogin authenticates by password, programmatic access token or key-pair JWT and
// opens an engine session on the databaseName/schemaName query parameters. Bad
// credentials are HTTP 200 with code 390100: the driver loses the code on 401/403.
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	var req loginRequest
	if err := decodeBody(r, &req); err != nil {
		writeJSON(w, failure(codeBadRequest, "08004", err.Error(), ""))
		return
	}
	d := req.Data
	var user string
	switch strings.ToUpper(d.Authenticator) {
	case "", "SNOWFLAKE":
		if !s.userMatches(d.LoginName) || !secretEqual(d.Password, s.cfg.Password) {
			s.badLogin(w, r, "password")
			return
		}
		user = s.cfg.User
	case "PROGRAMMATIC_ACCESS_TOKEN":
		want := s.cfg.Token
		if want == "" {
			want = s.cfg.Password
		}
		if !s.userMatches(d.LoginName) || !secretEqual(d.Token, want) {
			s.badLogin(w, r, "programmatic access token")
			return
		}
		user = s.cfg.User
	case "SNOWFLAKE_JWT":
		if s.cfg.PublicKey == nil {
			writeJSON(w, failure(codeBadLogin, "08004", "Key-pair authentication is not enabled on this emulator: start it with --public-key FILE.", ""))
			return
		}
		if err := verifyLoginJWT(d.Token, d.AccountName, s.cfg.User, s.cfg.PublicKey, time.Now()); err != nil {
			s.counters.failedLogins.Add(1)
			s.log.Info("login rejected", "method", "jwt", "reason", err.Error())
			writeJSON(w, failure(codeBadLogin, "08004", "JWT token is invalid: "+err.Error(), ""))
			return
		}
		user = s.cfg.User
	default:
		writeJSON(w, failure(codeBadLogin, "08004", "Authenticator "+d.Authenticator+" is not supported by the emulator; use SNOWFLAKE (password), PROGRAMMATIC_ACCESS_TOKEN or SNOWFLAKE_JWT.", ""))
		return
	}

	q := r.URL.Query()
	database, schema := q.Get("databaseName"), q.Get("schemaName")
	eng, err := s.backend.NewSession(r.Context(), database, schema)
	if err != nil {
		s.log.Error("opening engine session", "err", err)
		writeJSON(w, failure(errInternalCode, "08001", "could not open a session: "+err.Error(), ""))
		return
	}
	if us, ok := eng.(interface{ SetUser(string) }); ok {
		us.SetUser(user) // shown by SHOW TRANSACTIONS
	}
	s.applySessionParameters(eng, d.SessionParameters)
	sess := &session{user: user, database: database, schema: schema, eng: eng, sem: make(chan struct{}, 1)}
	token, master := s.sessions.add(sess, s.cfg.SessionTokenTTL)
	s.counters.logins.Add(1)
	writeJSON(w, success(loginData{
		Token:               token,
		ValidityInSeconds:   int64(s.cfg.SessionTokenTTL / time.Second),
		MasterToken:         master,
		MasterValidity:      masterValiditySeconds,
		DisplayUserName:     user,
		ServerVersion:       "snowflake-emulator",
		HealthCheckInterval: 45,
		SessionID:           sess.id,
		Parameters:          sessionParameters(eng),
		SessionInfo: sessionInfo{
			DatabaseName:  strPtr(strings.ToUpper(database)),
			SchemaName:    strPtr(strings.ToUpper(schema)),
			WarehouseName: q.Get("warehouse"),
			RoleName:      q.Get("roleName"),
		},
	}))
}

func (s *Server) badLogin(w http.ResponseWriter, r *http.Request, method string) {
	s.counters.failedLogins.Add(1)
	s.log.Info("login rejected", "method", method, "remote", r.RemoteAddr)
	writeJSON(w, failure(codeBadLogin, "08004", "Incorrect username or password was specified.", ""))
}

// userMatches compares login names case-insensitively, as Snowflake does.
func (s *Server) userMatches(login string) bool {
	return strings.EqualFold(login, s.cfg.User)
}

func secretEqual(got, want string) bool {
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// applySessionParameters sets the login's session parameters on the engine session, as
// Snowflake does. Driver switches (CLIENT_*) and non-string values stay with the driver;
// a value the engine refuses is logged and skipped.
func (s *Server) applySessionParameters(eng Session, params map[string]any) {
	ps, ok := eng.(interface {
		SetParameter(name, value string) error
	})
	if !ok {
		return
	}
	for k, v := range params {
		name := strings.ToUpper(k)
		str, isStr := v.(string)
		if !isStr || strings.HasPrefix(name, "CLIENT_") {
			continue
		}
		if err := ps.SetParameter(name, str); err != nil {
			s.log.Warn("login session parameter refused", "parameter", name, "err", err)
		}
	}
}
