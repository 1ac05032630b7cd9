package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

type harness struct {
	t     *testing.T
	srv   *Server
	ts    *httptest.Server
	fake  *fakeBackend
	token string
	mast  string
}

func newHarness(t *testing.T, cfg Config) *harness {
	t.Helper()
	if cfg.User == "" {
		cfg.User, cfg.Password = "local", "secret"
	}
	fb := &fakeBackend{}
	srv, err := New(fb, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(func() {
		ts.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Close(ctx); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return &harness{t: t, srv: srv, ts: ts, fake: fb}
}

type rawReply struct {
	Data    json.RawMessage `json:"data"`
	Code    *string         `json:"code"`
	Message *string         `json:"message"`
	Success bool            `json:"success"`
}

func (h *harness) post(path, token string, body any) (int, rawReply) {
	h.t.Helper()
	b, _ := json.Marshal(body)
	return h.do(http.MethodPost, path, token, b, "")
}

func (h *harness) do(method, path, token string, body []byte, encoding string) (int, rawReply) {
	h.t.Helper()
	req, err := http.NewRequest(method, h.ts.URL+path, bytes.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if encoding != "" {
		req.Header.Set("Content-Encoding", encoding)
	}
	if token != "" {
		req.Header.Set("Authorization", `Snowflake Token="`+token+`"`)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	var r rawReply
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		h.t.Fatalf("%s %s: decoding reply: %v", method, path, err)
	}
	return resp.StatusCode, r
}

func code(r rawReply) string {
	if r.Code == nil {
		return "<null>"
	}
	return *r.Code
}

func (h *harness) login() {
	h.t.Helper()
	st, r := h.post("/session/v1/login-request?databaseName=db1&schemaName=s1", "", map[string]any{
		"data": map[string]any{"LOGIN_NAME": "LOCAL", "PASSWORD": "secret", "ACCOUNT_NAME": "local"}})
	if st != 200 || !r.Success {
		h.t.Fatalf("login: %d %s", st, code(r))
	}
	var d loginData
	if err := json.Unmarshal(r.Data, &d); err != nil {
		h.t.Fatal(err)
	}
	if d.Token == "" || d.MasterToken == "" || d.SessionID == 0 {
		h.t.Fatalf("login data incomplete: %+v", d)
	}
	h.token, h.mast = d.Token, d.MasterToken
}

func (h *harness) query(reqID string, body map[string]any) rawReply {
	h.t.Helper()
	st, r := h.post("/queries/v1/query-request?requestId="+reqID, h.token, body)
	if st != 200 {
		h.t.Fatalf("query: HTTP %d", st)
	}
	return r
}

func TestLoginBadPasswordIs200With390100(t *testing.T) {
	h := newHarness(t, Config{})
	st, r := h.post("/session/v1/login-request", "", map[string]any{
		"data": map[string]any{"LOGIN_NAME": "local", "PASSWORD": "wrong"}})
	if st != 200 || r.Success || code(r) != "390100" {
		t.Fatalf("got HTTP %d success=%v code=%s", st, r.Success, code(r))
	}
	st, r = h.post("/session/v1/login-request", "", map[string]any{
		"data": map[string]any{"LOGIN_NAME": "other", "PASSWORD": "secret"}})
	if st != 200 || code(r) != "390100" {
		t.Fatalf("wrong user: HTTP %d code=%s", st, code(r))
	}
}

func TestLoginPATUsesTokenOrPassword(t *testing.T) {
	h := newHarness(t, Config{User: "u", Password: "p", Token: "pat-123"})
	for _, tc := range []struct {
		token string
		ok    bool
	}{{"pat-123", true}, {"p", false}, {"", false}} {
		_, r := h.post("/session/v1/login-request", "", map[string]any{
			"data": map[string]any{"LOGIN_NAME": "U", "AUTHENTICATOR": "PROGRAMMATIC_ACCESS_TOKEN", "TOKEN": tc.token}})
		if r.Success != tc.ok {
			t.Fatalf("token %q: success=%v code=%s", tc.token, r.Success, code(r))
		}
	}
}

func TestQueryResultShape(t *testing.T) {
	h := newHarness(t, Config{})
	h.login()
	r := h.query("r1", map[string]any{"sqlText": "SELECT 1", "sequenceId": 1})
	if !r.Success || r.Code != nil {
		t.Fatalf("select: %+v", r)
	}
	var d map[string]any
	_ = json.Unmarshal(r.Data, &d)
	if d["queryResultFormat"] != "json" || d["statementTypeId"].(float64) != 0x1000 || d["total"].(float64) != 1 || d["returned"].(float64) != 1 {
		t.Fatalf("data: %v", d)
	}
	rt := d["rowtype"].([]any)[0].(map[string]any)
	if rt["type"] != "fixed" || rt["name"] != "1" {
		t.Fatalf("rowtype: %v", rt)
	}
	if got := d["rowset"].([]any)[0].([]any)[0]; got != "1" {
		t.Fatalf("rowset cell %v", got)
	}
	if d["finalDatabaseName"] != "DB1" || d["finalSchemaName"] != "S1" {
		t.Fatalf("final names: %v %v", d["finalDatabaseName"], d["finalSchemaName"])
	}
}

func TestDMLWithoutRowsGetsZeroRow(t *testing.T) {
	h := newHarness(t, Config{})
	h.login()
	r := h.query("r1", map[string]any{"sqlText": "INSERT INTO t VALUES (1)"})
	var d queryData
	_ = json.Unmarshal(r.Data, &d)
	if len(d.RowType) != 1 || len(d.RowSet) != 1 || d.RowSet[0][0] == nil || *d.RowSet[0][0] != "0" {
		t.Fatalf("DML reply: %+v", d)
	}
}

func TestSQLErrorIs200WithPaddedCode(t *testing.T) {
	h := newHarness(t, Config{})
	h.login()
	r := h.query("r1", map[string]any{"sqlText": "SELECT * FROM nope"})
	var d errorData
	_ = json.Unmarshal(r.Data, &d)
	if r.Success || code(r) != "002003" || d.SQLState != "42S02" || d.QueryID == "" {
		t.Fatalf("error reply: %+v %+v", r, d)
	}
	for i, sqlText := range []string{"PANIC now", "PLAINERR"} {
		const want = "000001"
		r := h.query("r-"+itoa(i), map[string]any{"sqlText": sqlText})
		if r.Success || code(r) != want {
			t.Fatalf("%s: %+v", sqlText, r)
		}
	}
}

func TestRequestIDIdempotent(t *testing.T) {
	h := newHarness(t, Config{})
	h.login()
	a := h.query("same", map[string]any{"sqlText": "INSERT INTO t VALUES (1)"})
	b := h.query("same", map[string]any{"sqlText": "INSERT INTO t VALUES (1)"})
	if n := h.fake.executed.Load(); n != 1 {
		t.Fatalf("executed %d times, want 1", n)
	}
	if string(a.Data) != string(b.Data) {
		t.Fatalf("replay differs:\n%s\n%s", a.Data, b.Data)
	}
	h.query("same", map[string]any{"sqlText": "SELECT 1"}) // other text: a new statement
	if n := h.fake.executed.Load(); n != 2 {
		t.Fatalf("executed %d times, want 2", n)
	}
}

func TestAbortCancelsRunningStatement(t *testing.T) {
	h := newHarness(t, Config{})
	h.login()
	var wg sync.WaitGroup
	var got rawReply
	wg.Add(1)
	go func() {
		defer wg.Done()
		got = h.query("slow", map[string]any{"sqlText": "SLEEP"})
	}()
	deadline := time.Now().Add(5 * time.Second)
	for h.srv.queries.byRequest(h.srvSessionID(), "slow") == nil && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	start := time.Now()
	_, r := h.post("/queries/v1/abort-request", h.token, map[string]string{"requestId": "slow"})
	if !r.Success {
		t.Fatalf("abort: %+v", r)
	}
	wg.Wait()
	if code(got) != "000604" || time.Since(start) > 5*time.Second {
		t.Fatalf("aborted statement: code %s after %v", code(got), time.Since(start))
	}
	_, r = h.post("/queries/v1/abort-request", h.token, map[string]string{"requestId": "slow"})
	if r.Success || code(r) != "000605" {
		t.Fatalf("second abort: %+v", r)
	}
}

func (h *harness) srvSessionID() int64 {
	s, _ := h.srv.sessions.lookup(h.token)
	return s.id
}

func TestAsyncThenResultAndMonitoring(t *testing.T) {
	h := newHarness(t, Config{})
	h.login()
	r := h.query("a1", map[string]any{"sqlText": "SELECT 1", "asyncExec": true})
	var p pendingData
	_ = json.Unmarshal(r.Data, &p)
	if !r.Success || code(r) != "333334" || p.QueryID == "" || p.GetResultURL != "/queries/"+p.QueryID+"/result" {
		t.Fatalf("async reply: %+v", r)
	}
	_, res := h.do(http.MethodGet, p.GetResultURL, h.token, nil, "")
	if !res.Success || res.Code != nil || !strings.Contains(string(res.Data), `"rowset":[["1"]]`) {
		t.Fatalf("result: %+v %s", res, res.Data)
	}
	_, mon := h.do(http.MethodGet, "/monitoring/queries/"+p.QueryID, h.token, nil, "")
	if !strings.Contains(string(mon.Data), `"status":"SUCCESS"`) || !strings.Contains(string(mon.Data), `"producedRows":1`) {
		t.Fatalf("monitoring: %s", mon.Data)
	}
	_, mon = h.do(http.MethodGet, "/monitoring/queries/unknown", h.token, nil, "")
	if string(mon.Data) != `{"queries":[]}` {
		t.Fatalf("monitoring unknown: %s", mon.Data)
	}
}

func TestSyncWaitFallsBackToPolling(t *testing.T) {
	h := newHarness(t, Config{SyncWait: 50 * time.Millisecond, ResultWait: 50 * time.Millisecond})
	h.login()
	r := h.query("s1", map[string]any{"sqlText": "SLEEP"})
	if code(r) != "333333" || !r.Success {
		t.Fatalf("long sync: %+v", r)
	}
	var p pendingData
	_ = json.Unmarshal(r.Data, &p)
	_, res := h.do(http.MethodGet, p.GetResultURL, h.token, nil, "")
	if code(res) != "333334" {
		t.Fatalf("poll while running: %+v", res)
	}
}

func TestSessionExpiryAndRenew(t *testing.T) {
	h := newHarness(t, Config{SessionTokenTTL: time.Millisecond})
	h.login()
	time.Sleep(5 * time.Millisecond)
	if r := h.query("e1", map[string]any{"sqlText": "SELECT 1"}); code(r) != "390112" {
		t.Fatalf("expired token: %+v", r)
	}
	h.srv.cfg.SessionTokenTTL = time.Hour
	_, r := h.post("/session/token-request", h.mast, map[string]string{"oldSessionToken": h.token, "requestType": "RENEW"})
	var d renewData
	_ = json.Unmarshal(r.Data, &d)
	if !r.Success || d.SessionToken == "" || d.SessionToken == h.token || d.MasterToken != h.mast {
		t.Fatalf("renew: %+v %+v", r, d)
	}
	h.token = d.SessionToken
	if r := h.query("e2", map[string]any{"sqlText": "SELECT 1"}); !r.Success {
		t.Fatalf("after renew: %+v", r)
	}
}

func TestUnknownTokenAndClose(t *testing.T) {
	h := newHarness(t, Config{})
	h.login()
	if _, r := h.post("/session/heartbeat", h.token, nil); !r.Success {
		t.Fatalf("heartbeat: %+v", r)
	}
	if _, r := h.post("/session/heartbeat", "bogus", nil); r.Success || code(r) != "390111" {
		t.Fatalf("heartbeat with an unknown token: %+v", r)
	}
	_, r := h.post("/session?delete=true", h.token, nil)
	if !r.Success {
		t.Fatalf("close: %+v", r)
	}
	if r := h.query("x", map[string]any{"sqlText": "SELECT 1"}); code(r) != "390111" {
		t.Fatalf("after close: %+v", r)
	}
}

func TestGzipBodyAndBindsAndDescribe(t *testing.T) {
	h := newHarness(t, Config{})
	h.login()
	body, _ := json.Marshal(map[string]any{"sqlText": "ECHO ?, ?", "bindings": map[string]any{
		"1": map[string]any{"type": "FIXED", "value": "42"}, "2": map[string]any{"type": "TEXT", "value": nil}}})
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write(body)
	_ = zw.Close()
	st, r := h.do(http.MethodPost, "/queries/v1/query-request?requestId=g1", h.token, buf.Bytes(), "gzip")
	if st != 200 || !r.Success || !strings.Contains(string(r.Data), `"rowset":[["FIXED:42",null]]`) || !strings.Contains(string(r.Data), `"numberOfBinds":2`) {
		t.Fatalf("gzip binds: %d %s", st, r.Data)
	}
	r = h.query("d1", map[string]any{"sqlText": "ECHO ?", "describeOnly": true, "bindings": map[string]any{"1": map[string]any{"type": "TEXT", "value": "x"}}})
	if !r.Success || !strings.Contains(string(r.Data), `"rowset":[]`) || !strings.Contains(string(r.Data), `"name":"B1"`) {
		t.Fatalf("describe: %s", r.Data)
	}
}

func TestPutDescriptor(t *testing.T) {
	h := newHarness(t, Config{})
	h.login()
	r := h.query("p1", map[string]any{"sqlText": "PUT file:///tmp/x.csv @st"})
	var d uploadData
	_ = json.Unmarshal(r.Data, &d)
	if !r.Success || d.Command != "UPLOAD" || d.StageInfo.LocationType != "LOCAL_FS" || d.StageInfo.Location != "/data/stage/" ||
		d.SourceCompression != "auto_detect" || !d.AutoCompress || d.Parallel != 4 || len(d.SrcLocations) != 1 {
		t.Fatalf("put: %s", r.Data)
	}
}

func TestUnknownEndpointIsNot5xx(t *testing.T) {
	h := newHarness(t, Config{})
	st, r := h.do(http.MethodGet, "/nope", "", nil, "")
	if st != 404 || r.Success {
		t.Fatalf("got %d %+v", st, r)
	}
}
