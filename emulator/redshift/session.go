package redshift

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"
)

// frame is one raw protocol message: its type byte and body (without the length).
type frame struct {
	typ  byte
	body []byte
}

const maxFrame = 1 << 30

func readFrame(r *bufio.Reader) (frame, error) {
	var hdr [5]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return frame{}, err
	}
	n := binary.BigEndian.Uint32(hdr[1:])
	if n < 4 || n > maxFrame {
		return frame{}, fmt.Errorf("invalid message length %d", n)
	}
	body := make([]byte, n-4)
	if _, err := io.ReadFull(r, body); err != nil {
		return frame{}, err
	}
	return frame{typ: hdr[0], body: body}, nil
}

func writeFrame(w *bufio.Writer, f frame) error {
	var hdr [5]byte
	hdr[0] = f.typ
	binary.BigEndian.PutUint32(hdr[1:], uint32(len(f.body)+4))
	if _, err := w.Write(hdr[:]); err != nil {
		return err
	}
	_, err := w.Write(f.body)
	return err
}

// encoder is what pgproto3 messages share.
type encoder interface{ Encode([]byte) ([]byte, error) }

func writeMsg(w *bufio.Writer, m encoder) error {
	b, err := m.Encode(nil)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

func errorResponse(severity string, r *refusal) *pgproto3.ErrorResponse {
	return &pgproto3.ErrorResponse{Severity: severity, SeverityUnlocalized: severity, Code: r.Code, Message: r.Message, Hint: r.Hint}
}

// serve runs one client connection: startup, authentication, then the session.
func (s *Server) serve(conn net.Conn) {
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(60 * time.Second))
	be := pgproto3.NewBackend(conn, conn)
	var startup *pgproto3.StartupMessage
	for i := 0; i < 4 && startup == nil; i++ {
		msg, err := be.ReceiveStartupMessage()
		if err != nil {
			return
		}
		switch m := msg.(type) {
		case *pgproto3.SSLRequest, *pgproto3.GSSEncRequest:
			if _, err := conn.Write([]byte{'N'}); err != nil {
				return
			}
		case *pgproto3.CancelRequest:
			s.forwardCancel(m)
			return
		case *pgproto3.StartupMessage:
			startup = m
		}
	}
	if startup == nil {
		return
	}
	fatal := func(r *refusal) {
		be.Send(errorResponse("FATAL", r))
		_ = be.Flush()
	}
	user := startup.Parameters["user"]
	db := startup.Parameters["database"]
	if db == "" {
		db = user
	}
	if user == "" {
		fatal(&refusal{Code: "28000", Message: "no user name given"})
		return
	}
	ctx, cancel := context.WithTimeout(s.ctx, 60*time.Second)
	defer cancel()
	if r := s.authenticate(ctx, be, user, db); r != nil {
		s.cfg.Logger.Printf("login refused for user %q: %s", user, r.Message)
		fatal(r)
		return
	}
	bcfg := s.backend.Copy()
	bcfg.Database = db
	bcfg.RuntimeParams = map[string]string{}
	for k, v := range s.backend.RuntimeParams {
		bcfg.RuntimeParams[k] = v
	}
	for k, v := range startup.Parameters {
		switch strings.ToLower(k) {
		case "user", "database", "replication":
		default:
			bcfg.RuntimeParams[k] = v
		}
	}
	// every transaction on one snapshot, as Redshift's (rewrite.go, isolationEdits)
	bcfg.RuntimeParams["default_transaction_isolation"] = strings.ToLower(snapshotIsolation)
	if _, ok := bcfg.RuntimeParams["TimeZone"]; !ok {
		bcfg.RuntimeParams["TimeZone"] = "UTC"
	}
	pc, err := pgconn.ConnectConfig(ctx, bcfg)
	if err != nil {
		var pe *pgconn.PgError
		if asPgError(err, &pe) {
			fatal(&refusal{Code: pe.Code, Message: pe.Message})
		} else {
			fatal(&refusal{Code: "08006", Message: "the local Redshift cannot reach its backend PostgreSQL"})
		}
		return
	}
	if err := s.installCatalog(ctx, pc, db); err != nil {
		pc.Close(context.Background())
		s.cfg.Logger.Printf("%v", err)
		fatal(&refusal{Code: "XX000", Message: err.Error()})
		return
	}
	hj, err := pc.Hijack()
	if err != nil {
		pc.Close(context.Background())
		fatal(&refusal{Code: "XX000", Message: "backend connection: " + err.Error()})
		return
	}
	ss := &session{srv: s, client: conn, backend: hj.Conn, bpid: hj.PID, bsecret: hj.SecretKey,
		user: user, db: db, refusals: map[string]*refusal{}, txStatus: 'I'}
	if !s.register(ss) {
		hj.Conn.Close()
		return
	}
	defer s.unregister(ss)
	defer hj.Conn.Close()
	_ = conn.SetDeadline(time.Time{})
	ss.cw = bufio.NewWriterSize(conn, 64<<10)
	ss.bw = bufio.NewWriterSize(hj.Conn, 64<<10)
	_ = writeMsg(ss.cw, &pgproto3.AuthenticationOk{})
	for k, v := range hj.ParameterStatuses {
		_ = writeMsg(ss.cw, &pgproto3.ParameterStatus{Name: k, Value: v})
	}
	_ = writeMsg(ss.cw, &pgproto3.BackendKeyData{ProcessID: ss.pid, SecretKey: ss.secret})
	_ = writeMsg(ss.cw, &pgproto3.ReadyForQuery{TxStatus: 'I'})
	if err := ss.cw.Flush(); err != nil {
		return
	}
	ss.run()
}

func asPgError(err error, pe **pgconn.PgError) bool {
	for e := err; e != nil; {
		if p, ok := e.(*pgconn.PgError); ok {
			*pe = p
			return true
		}
		u, ok := e.(interface{ Unwrap() error })
		if !ok {
			return false
		}
		e = u.Unwrap()
	}
	return false
}

// authenticate asks for the password (md5 or cleartext) and checks it.
func (s *Server) authenticate(ctx context.Context, be *pgproto3.Backend, user, db string) *refusal {
	var salt [4]byte
	_, _ = rand.Read(salt[:])
	if s.cfg.AuthMethod == "password" {
		be.Send(&pgproto3.AuthenticationCleartextPassword{})
		_ = be.SetAuthType(pgproto3.AuthTypeCleartextPassword)
	} else {
		be.Send(&pgproto3.AuthenticationMD5Password{Salt: salt})
		_ = be.SetAuthType(pgproto3.AuthTypeMD5Password)
	}
	if err := be.Flush(); err != nil {
		return &refusal{Code: "08006", Message: "connection lost"}
	}
	msg, err := be.Receive()
	if err != nil {
		return &refusal{Code: "08006", Message: "connection lost"}
	}
	pm, ok := msg.(*pgproto3.PasswordMessage)
	if !ok {
		return &refusal{Code: "08P01", Message: "expected a password message"}
	}
	answer := pm.Password
	return s.checkLogin(ctx, user, db, func(stored string) bool {
		if s.cfg.AuthMethod == "password" {
			return md5Hex(answer+user) == stored
		}
		return answer == "md5"+md5Hex(stored+string(salt[:]))
	})
}

// forwardCancel relays a client's CancelRequest to the backend connection of that session.
func (s *Server) forwardCancel(m *pgproto3.CancelRequest) {
	ss := s.lookupSession(m.ProcessID, m.SecretKey)
	if ss == nil {
		return
	}
	addr := ss.backend.RemoteAddr()
	c, err := net.DialTimeout(addr.Network(), addr.String(), 10*time.Second)
	if err != nil {
		return
	}
	defer c.Close()
	b, err := (&pgproto3.CancelRequest{ProcessID: ss.bpid, SecretKey: ss.bsecret}).Encode(nil)
	if err == nil {
		_, _ = c.Write(b)
		_, _ = c.Read(make([]byte, 1)) // the server closes when done
	}
}

type frameOrErr struct {
	f   frame
	err error
}

// session relays one client connection to its backend connection.
type session struct {
	srv             *Server
	pid             uint32
	secret          []byte
	client, backend net.Conn
	cw, bw          *bufio.Writer
	bpid            uint32
	bsecret         []byte
	user, db        string

	fromClient, fromBackend chan frameOrErr
	pendingRFQ              int  // ReadyForQuery the backend still owes
	dropping                bool // dropping an internal statement's result
	txStatus                byte
	refusals                map[string]*refusal // marker -> the error to show instead
	seq                     int
	login                   *loginChange // a CREATE/ALTER/DROP USER to mirror once it succeeds
}

func (ss *session) kill() {
	ss.client.Close()
	ss.backend.Close()
}

func reader(c net.Conn, out chan<- frameOrErr) {
	r := bufio.NewReaderSize(c, 64<<10)
	defer close(out)
	for {
		f, err := readFrame(r)
		if err != nil {
			out <- frameOrErr{err: err}
			return
		}
		out <- frameOrErr{f: f}
	}
}

func (ss *session) run() {
	ss.fromClient = make(chan frameOrErr, 64)
	ss.fromBackend = make(chan frameOrErr, 256)
	go reader(ss.client, ss.fromClient)
	go reader(ss.backend, ss.fromBackend)
	defer func() {
		ss.kill()
		for range ss.fromClient {
		}
		for range ss.fromBackend {
		}
	}()
	for {
		select {
		case fe, ok := <-ss.fromClient:
			if !ok || fe.err != nil {
				return
			}
			if done := ss.handleClient(fe.f); done {
				return
			}
			if ss.bw.Flush() != nil {
				return
			}
		case fe, ok := <-ss.fromBackend:
			if !ok || fe.err != nil {
				ss.backendLost()
				return
			}
			if ss.relayBackend(fe.f) != nil {
				return
			}
		}
		if len(ss.fromBackend) == 0 {
			if ss.cw.Flush() != nil {
				return
			}
		}
	}
}

func (ss *session) backendLost() {
	_ = writeMsg(ss.cw, errorResponse("FATAL", &refusal{Code: "57P01", Message: "terminating connection: the backend connection was lost"}))
	_ = ss.cw.Flush()
}

// handleClient processes one client message; it returns true when the session ends.
func (ss *session) handleClient(f frame) bool {
	switch f.typ {
	case 'X':
		_ = writeFrame(ss.bw, f)
		_ = ss.bw.Flush()
		return true
	case 'Q':
		q := cstring(f.body)
		text, unload := ss.prepare(q, true)
		if unload != nil {
			ss.runUnload(unload)
			return false
		}
		ss.pendingRFQ++
		b, _ := (&pgproto3.Query{String: text}).Encode(nil)
		_, _ = ss.bw.Write(b)
	case 'P':
		var m pgproto3.Parse
		if err := m.Decode(f.body); err != nil {
			_ = writeFrame(ss.bw, f)
			return false
		}
		text, unload := ss.prepare(m.Query, false)
		if unload != nil {
			text = ss.marker(&refusal{Code: "0A000", Message: "the local Redshift runs UNLOAD through the simple query protocol only (send it without parameters)"})
		}
		m.Query = text
		b, _ := m.Encode(nil)
		_, _ = ss.bw.Write(b)
	case 'S':
		ss.pendingRFQ++
		_ = writeFrame(ss.bw, f)
	default:
		_ = writeFrame(ss.bw, f)
	}
	return false
}

// marker registers r and returns the SQL text that makes the backend fail with a
// syntax error naming the marker; relayBackend puts r in that error's place. Failing in
// the backend keeps the transaction state and the message order exactly as the backend
// has them.
func (ss *session) marker(r *refusal) string {
	ss.seq++
	id := fmt.Sprintf("rs_emulator_refusal_%d", ss.seq)
	ss.refusals[id] = r
	return id
}

// prepare checks and rewrites a query text. simple tells whether it came as a simple
// Query (which may hold several statements and may be an UNLOAD).
func (ss *session) prepare(q string, simple bool) (string, *unloadSpec) {
	toks := lex(q)
	stmts := splitStatements(toks)
	var edits []edit
	var attrs []*tableAttrs
	if simple && len(stmts) == 1 {
		if ch, e := userStatement(stmts[0]); ch != nil || e != nil {
			if r := checkRefusal(stmts[0]); r != nil {
				return ss.marker(r), nil
			}
			ss.login = ch
			return applyEdits(q, e), nil
		}
	}
	for _, st := range stmts {
		if st[0].is("UNLOAD") {
			if len(stmts) > 1 {
				return ss.marker(&refusal{Code: "0A000", Message: "UNLOAD must be sent as a statement of its own"}), nil
			}
			spec, r := parseUnload(st)
			if r != nil {
				return ss.marker(r), nil
			}
			return "", spec
		}
		if r := checkRefusal(st); r != nil {
			return ss.marker(r), nil
		}
		e, a := rewriteStatement(st)
		edits = append(edits, e...)
		if a != nil && simple {
			attrs = append(attrs, a)
		}
	}
	text := applyEdits(q, edits)
	for _, a := range attrs {
		text += "\n;" + setAttrsSQL(a)
	}
	return text, nil
}

// relayBackend passes one backend message to the client, replacing marker errors and
// dropping internal results.
func (ss *session) relayBackend(f frame) error {
	switch f.typ {
	case 'E':
		var m pgproto3.ErrorResponse
		if err := m.Decode(f.body); err == nil {
			for id, r := range ss.refusals {
				if strings.Contains(m.Message, id) {
					delete(ss.refusals, id)
					m = *errorResponse(m.Severity, r)
					return writeMsg(ss.cw, &m)
				}
			}
		}
	case 'T':
		var m pgproto3.RowDescription
		if err := m.Decode(f.body); err == nil && len(m.Fields) == 1 && string(m.Fields[0].Name) == internalColumn {
			ss.dropping = true
			return nil
		}
	case 'D':
		if ss.dropping {
			return nil
		}
	case 'C':
		if ss.dropping {
			ss.dropping = false
			return nil
		}
		if ss.login != nil && cstring(f.body) == ss.login.tag {
			ss.srv.applyLogin(ss.login)
			ss.login = nil
		}
	case 'Z':
		ss.dropping = false
		ss.login = nil
		if ss.pendingRFQ > 0 {
			ss.pendingRFQ--
		}
		if len(f.body) > 0 {
			ss.txStatus = f.body[0]
		}
		if len(ss.refusals) > 0 && ss.pendingRFQ == 0 {
			ss.refusals = map[string]*refusal{}
		}
	}
	return writeFrame(ss.cw, f)
}

func cstring(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}
