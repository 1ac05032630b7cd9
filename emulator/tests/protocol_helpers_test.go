package tests

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/snowflakedb/gosnowflake"

	"github.com/snowmigrate/snowmigrate/emulator/emulatortest"
)

// protoCtx bounds every protocol test step: a hang is a failure, not a stuck CI job.
func protoCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// protoSFError asserts err is a *gosnowflake.SnowflakeError and returns it.
func protoSFError(t testing.TB, err error) *gosnowflake.SnowflakeError {
	t.Helper()
	var se *gosnowflake.SnowflakeError
	if !errors.As(err, &se) {
		t.Fatalf("want a *gosnowflake.SnowflakeError, got %T: %v", err, err)
	}
	return se
}

// protoOpenConfig connects with a full gosnowflake.Config (PAT, JWT...).
func protoOpenConfig(t testing.TB, cfg *gosnowflake.Config) *sql.DB {
	t.Helper()
	db := sql.OpenDB(gosnowflake.NewConnector(gosnowflake.SnowflakeDriver{}, *cfg))
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// protoRaw is a minimal client speaking the wire protocol without the driver, to
// check what the driver hides (HTTP status, exact codes).
type protoRaw struct {
	t     testing.TB
	base  string
	token string
}

type protoReply struct {
	status  int
	Data    json.RawMessage `json:"data"`
	Code    *string         `json:"code"`
	Message *string         `json:"message"`
	Success bool            `json:"success"`
}

func (c *protoRaw) post(path string, body any) protoReply {
	c.t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		c.t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, c.base+path, bytes.NewReader(b))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/snowflake")
	if c.token != "" {
		req.Header.Set("Authorization", `Snowflake Token="`+c.token+`"`)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	var r protoReply
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		c.t.Fatalf("POST %s: HTTP %d, body is not JSON: %v", path, resp.StatusCode, err)
	}
	r.status = resp.StatusCode
	return r
}

// protoRawLogin logs in with the emulator's password and returns a raw client.
func protoRawLogin(t testing.TB, emu *emulatortest.Emulator) *protoRaw {
	t.Helper()
	c := &protoRaw{t: t, base: emu.URL()}
	r := c.post("/session/v1/login-request", map[string]any{"data": map[string]any{
		"LOGIN_NAME": emu.User, "PASSWORD": emu.Password, "ACCOUNT_NAME": "local"}})
	var d struct {
		Token string `json:"token"`
	}
	if err := json.Unmarshal(r.Data, &d); err != nil || !r.Success || d.Token == "" {
		t.Fatalf("raw login failed: HTTP %d success=%v err=%v", r.status, r.Success, err)
	}
	c.token = d.Token
	return c
}

func protoCode(r protoReply) string {
	if r.Code == nil {
		return "<null>"
	}
	return *r.Code
}
