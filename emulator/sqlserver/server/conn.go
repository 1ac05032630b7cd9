package server

import (
	"bufio"
	"bytes"
	"context"
	"crypto/subtle"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/snowmigrate/snowmigrate/emulator/sqlserver/tds"
	"github.com/snowmigrate/snowmigrate/emulator/sqlserver/tsql"
)

// hsConn carries the TLS handshake inside TDS PRELOGIN packets, then passes through.
type hsConn struct {
	net.Conn
	w           *tds.Writer
	rbuf        []byte
	pending     bytes.Buffer
	passthrough bool
}

func (h *hsConn) flush() error {
	if h.pending.Len() == 0 {
		return nil
	}
	h.w.Begin(tds.PacketPrelogin)
	h.w.Write(h.pending.Bytes())
	h.pending.Reset()
	return h.w.End()
}

func (h *hsConn) Read(b []byte) (int, error) {
	if h.passthrough {
		return h.Conn.Read(b)
	}
	if err := h.flush(); err != nil {
		return 0, err
	}
	if len(h.rbuf) == 0 {
		m, err := tds.ReadMessage(h.Conn)
		if err != nil {
			return 0, err
		}
		if m.Type != tds.PacketPrelogin {
			return 0, fmt.Errorf("TLS handshake: unexpected packet type %d", m.Type)
		}
		h.rbuf = m.Payload
	}
	n := copy(b, h.rbuf)
	h.rbuf = h.rbuf[n:]
	return n, nil
}

func (h *hsConn) Write(b []byte) (int, error) {
	if h.passthrough {
		return h.Conn.Write(b)
	}
	return h.pending.Write(b)
}

// serve runs one connection: PRELOGIN, optional TLS, LOGIN7, then requests.
func (s *Server) serve(raw net.Conn, spid int) {
	raw.SetDeadline(time.Now().Add(30 * time.Second))
	// TDS 8.0 (encrypt=strict) starts with a TLS ClientHello instead of PRELOGIN
	pc := &peekConn{Conn: raw, br: bufio.NewReader(raw)}
	var c net.Conn = pc
	strict := false
	if first, err := pc.br.Peek(1); err == nil && first[0] == 0x16 {
		conf := s.tls.Clone()
		conf.MaxVersion = 0
		conf.NextProtos = []string{"tds/8.0"}
		tc := tls.Server(pc, conf)
		if err := tc.Handshake(); err != nil {
			s.logf("connection %d: TLS (strict) handshake: %v", spid, err)
			return
		}
		c, strict = tc, true
	}
	var rd io.Reader = c
	w := tds.NewWriter(c, 4096)
	m, err := tds.ReadMessage(rd)
	if err != nil || m.Type != tds.PacketPrelogin {
		return
	}
	clientEnc, err := tds.ParsePrelogin(m.Payload)
	if err != nil {
		return
	}
	enc := byte(tds.EncryptNotSup)
	switch {
	case strict:
		enc = tds.EncryptNotSup // the transport is already TLS
	default:
		switch clientEnc {
		case tds.EncryptOff:
			enc = tds.EncryptOff
		case tds.EncryptOn, tds.EncryptReq:
			enc = tds.EncryptOn
		}
	}
	if err := tds.WritePrelogin(w, enc); err != nil {
		return
	}
	var tlsConn *tls.Conn
	if enc != tds.EncryptNotSup {
		hs := &hsConn{Conn: c, w: tds.NewWriter(c, 4096)}
		tlsConn = tls.Server(hs, s.tls)
		if err := tlsConn.Handshake(); err != nil {
			s.logf("connection %d: TLS handshake: %v", spid, err)
			return
		}
		if err := hs.flush(); err != nil {
			return
		}
		hs.passthrough = true
		rd = tlsConn
		w.SetTransport(tlsConn)
	}
	m, err = tds.ReadMessage(rd)
	if err != nil || m.Type != tds.PacketLogin7 {
		return
	}
	if enc == tds.EncryptOff {
		// encrypt=false: only the login travels encrypted
		rd = c
		w.SetTransport(c)
	}
	login, err := tds.ParseLogin7(m.Payload)
	if err != nil {
		return
	}
	sess, ok := s.login(w, login, spid)
	if !ok {
		return
	}
	defer sess.close()
	raw.SetDeadline(time.Time{})
	s.requests(sess, rd)
}

func (s *Server) login(w *tds.Writer, l tds.Login, spid int) (*session, bool) {
	fail := func(num int32, state, class byte, msg string) (*session, bool) {
		w.Begin(tds.PacketReply)
		tds.WriteError(w, tds.Msg{Number: num, State: state, Class: class, Text: msg, Server: "localhost", Line: 1})
		tds.WriteDone(w, tds.DoneError, 0, 0)
		w.End()
		return nil, false
	}
	if l.IntegratedSecurity {
		return fail(18452, 1, 14, "Login failed. The login is from an untrusted domain and cannot be used with Integrated authentication.")
	}
	userOK := strings.EqualFold(l.UserName, s.cfg.User)
	passOK := subtle.ConstantTimeCompare([]byte(l.Password), []byte(s.cfg.Password)) == 1
	if !userOK || !passOK {
		s.logf("connection %d: login failed for user %q", spid, l.UserName)
		return fail(18456, 1, 14, fmt.Sprintf("Login failed for user '%s'.", l.UserName))
	}
	db := "master"
	if l.Database != "" {
		n, ok := s.store.dbName(l.Database)
		if !ok {
			w.Begin(tds.PacketReply)
			tds.WriteError(w, tds.Msg{Number: 4060, State: 1, Class: 11, Text: fmt.Sprintf("Cannot open database \"%s\" requested by the login. The login failed.", l.Database), Server: "localhost", Line: 1})
			tds.WriteError(w, tds.Msg{Number: 18456, State: 1, Class: 14, Text: fmt.Sprintf("Login failed for user '%s'.", l.UserName), Server: "localhost", Line: 1})
			tds.WriteDone(w, tds.DoneError, 0, 0)
			w.End()
			return nil, false
		}
		db = n
	}
	conn, err := s.store.db.Conn(context.Background())
	if err != nil {
		return fail(4060, 1, 11, "Cannot open database: "+err.Error())
	}
	sess := &session{srv: s, conn: conn, ctx: context.Background(), w: w, db: db, loginDB: db, spid: spid}
	if _, err := conn.ExecContext(context.Background(), "USE "+tsql.QuoteIdent(db)+".dbo"); err != nil {
		conn.Close()
		return fail(4060, 1, 11, "Cannot open database: "+err.Error())
	}
	size := int(l.PacketSize)
	if size < 512 || size > 32767 {
		size = 4096
	}
	w.Begin(tds.PacketReply)
	tds.WriteEnvString(w, tds.EnvDatabase, db, "master")
	tds.WriteInfo(w, tds.Msg{Number: 5701, State: 2, Class: 0, Text: fmt.Sprintf("Changed database context to '%s'.", db), Server: "localhost", Line: 1})
	tds.WriteEnvBytes(w, tds.EnvCollation, tds.DefaultCollation[:], nil)
	tds.WriteEnvString(w, tds.EnvLanguage, "us_english", "")
	tds.WriteInfo(w, tds.Msg{Number: 5703, State: 1, Class: 0, Text: "Changed language setting to us_english.", Server: "localhost", Line: 1})
	tds.WriteLoginAck(w, "Microsoft SQL Server")
	tds.WriteEnvPacketSize(w, size)
	tds.WriteDone(w, 0, 0, 0)
	if err := w.End(); err != nil {
		sess.close()
		return nil, false
	}
	w.SetPacketSize(size)
	return sess, true
}

func (s *session) close() {
	if s.inTx {
		s.conn.ExecContext(context.Background(), "ROLLBACK")
	}
	s.conn.Close()
}

type inbound struct {
	m    tds.Message
	attn bool
	err  error
}

// requests reads messages in a goroutine so that an attention can interrupt a running
// request, and serves them one at a time.
func (s *Server) requests(sess *session, rd io.Reader) {
	ch := make(chan inbound, 4)
	go func() {
		defer close(ch)
		for {
			m, err := tds.ReadMessage(rd)
			if err != nil {
				// the client is gone: stop what runs for it
				sess.mu.Lock()
				if sess.cancel != nil {
					sess.cancel()
				}
				sess.mu.Unlock()
				ch <- inbound{err: err}
				return
			}
			if m.Type == tds.PacketAttention {
				sess.mu.Lock()
				sess.attnRecv++
				if sess.cancel != nil {
					sess.cancel()
				}
				sess.mu.Unlock()
				ch <- inbound{attn: true}
				continue
			}
			ch <- inbound{m: m}
		}
	}()
	for in := range ch {
		if in.err != nil {
			return
		}
		if in.attn {
			sess.mu.Lock()
			pending := sess.attnRecv > sess.attnAcked
			if pending {
				sess.attnAcked = sess.attnRecv
			}
			sess.mu.Unlock()
			if pending {
				sess.w.Begin(tds.PacketReply)
				tds.WriteDone(sess.w, tds.DoneAttn, 0, 0)
				sess.w.End()
			}
			continue
		}
		ctx, cancel := context.WithCancel(s.base)
		sess.mu.Lock()
		sess.cancel = cancel
		sess.mu.Unlock()
		sess.ctx = ctx
		sess.handle(ctx, in.m)
		sess.mu.Lock()
		sess.cancel = nil
		sess.mu.Unlock()
		cancel()
		sess.ctx = context.Background()
		if sess.w.Err() != nil {
			return
		}
	}
}

func (s *session) handle(ctx context.Context, m tds.Message) {
	if m.Status&tds.StatusResetConn != 0 {
		s.reset(ctx)
	}
	switch m.Type {
	case tds.PacketSQLBatch:
		text, err := tds.ParseSQLBatch(m.Payload)
		if err != nil {
			s.protocolError(err)
			return
		}
		s.runBatch(ctx, text, nil, false)
	case tds.PacketRPC:
		rpc, err := tds.ParseRPC(m.Payload)
		if err != nil {
			s.protocolError(err)
			return
		}
		s.runRPC(ctx, rpc)
	case tds.PacketBulkLoad:
		s.bulkLoad(ctx, m.Payload)
	case tds.PacketTransMgr:
		tm, err := tds.ParseTransMgr(m.Payload)
		if err != nil {
			s.protocolError(err)
			return
		}
		s.w.Begin(tds.PacketReply)
		switch tm.Request {
		case tds.TMBegin:
			err = s.begin(ctx)
		case tds.TMCommit, tds.TMRollback:
			if s.inTx {
				err = s.end(ctx, tm.Request == tds.TMCommit)
			}
		default:
			err = tsql.Unsupported("savepoints")
		}
		status := uint16(0)
		if err != nil {
			s.writeErr(err)
			status = tds.DoneError
		}
		tds.WriteDone(s.w, status, 0, 0)
		s.w.End()
	default:
		s.protocolError(fmt.Errorf("packet type %d is not supported", m.Type))
	}
}

// reset is sp_reset_connection: roll back, return to the login database.
func (s *session) reset(ctx context.Context) {
	s.noCount, s.fmtOnly, s.bulk, s.xactAbort = false, false, nil, false
	if s.inTx {
		s.conn.ExecContext(ctx, "ROLLBACK")
		s.inTx = false
		s.txLog, s.txPending = nil, nil
	}
	if s.db != s.loginDB {
		s.conn.ExecContext(ctx, "USE "+tsql.QuoteIdent(s.loginDB)+".dbo")
		s.db = s.loginDB
	}
}

func (s *session) protocolError(err error) {
	s.w.Begin(tds.PacketReply)
	tds.WriteError(s.w, tds.Msg{Number: 4002, State: 1, Class: 16, Text: "The incoming tabular data stream (TDS) protocol stream is incorrect. " + err.Error(), Server: "localhost", Line: 1})
	tds.WriteDone(s.w, tds.DoneError, 0, 0)
	s.w.End()
}

// runRPC runs sp_executesql; other procedures are refused.
func (s *session) runRPC(ctx context.Context, rpc tds.RPC) {
	isExec := rpc.ProcID == tds.ProcExecuteSQL || strings.EqualFold(strings.Trim(rpc.ProcName, "[]"), "sp_executesql") || strings.EqualFold(rpc.ProcName, "sys.sp_executesql")
	fail := func(err error) {
		s.w.Begin(tds.PacketReply)
		s.writeErr(err)
		tds.WriteDoneProc(s.w, tds.DoneError, 0, 0)
		s.w.End()
	}
	if !isExec {
		name := rpc.ProcName
		if name == "" {
			name = fmt.Sprintf("procedure id %d", rpc.ProcID)
		}
		fail(tsql.Errf(2812, 62, 16, "Could not find stored procedure '%s'.", name))
		return
	}
	if len(rpc.Params) == 0 {
		fail(tsql.Errf(201, 4, 16, "Procedure or function 'sp_executesql' expects parameter '@statement', which was not supplied."))
		return
	}
	stmt, _ := rpc.Params[0].Value.(string)
	params := map[string]tsql.BoundParam{}
	if len(rpc.Params) > 1 {
		decl, _ := rpc.Params[1].Value.(string)
		types, err := parseDecl(decl)
		if err != nil {
			fail(err)
			return
		}
		for _, p := range rpc.Params[2:] {
			name := strings.ToLower(p.Name)
			t, ok := types[name]
			if !ok {
				fail(tsql.Errf(8145, 1, 16, "%s is not a parameter for procedure sp_executesql.", p.Name))
				return
			}
			params[name] = tsql.BoundParam{Type: t, Value: p.Value}
		}
		for name := range types {
			if _, ok := params[name]; !ok {
				fail(tsql.Errf(8178, 1, 16, "The parameterized query '(%s)%s' expects the parameter '%s', which was not supplied.", decl, stmt, name))
				return
			}
		}
	}
	s.runBatch(ctx, stmt, params, true)
}

// parseDecl reads sp_executesql's parameter declarations: "@p1 int, @p2 nvarchar(10)".
func parseDecl(decl string) (map[string]tds.Type, error) {
	out := map[string]tds.Type{}
	toks, err := tsql.Lex(decl)
	if err != nil || len(toks) == 0 {
		return out, err
	}
	for _, d := range splitTop(toks) {
		if len(d) < 2 || d[0].Kind != tsql.Var {
			return nil, tsql.SyntaxNear(decl)
		}
		end := len(d)
		if d[end-1].Is("OUTPUT") || d[end-1].Is("OUT") {
			end--
		}
		t, err := tsql.ParseTypeTokens(d[1:end])
		if err != nil {
			return nil, err
		}
		out[strings.ToLower(d[0].Val)] = t
	}
	return out, nil
}

// peekConn lets the first byte be inspected before deciding between PRELOGIN and TLS.
type peekConn struct {
	net.Conn
	br *bufio.Reader
}

func (p *peekConn) Read(b []byte) (int, error) { return p.br.Read(b) }
