package tests

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"testing"

	"github.com/snowmigrate/snowmigrate/emulator/emulatortest"
)

var protoSixDigits = regexp.MustCompile(`^[0-9]{6}$`)

// FuzzQueryEndpoint posts random statement texts and bindings to the query endpoint:
// every reply must be HTTP 200 JSON with a string-or-null code, a failure must carry a
// 6-digit code, and the server must keep answering (no panic, no 5xx). The seeds run
// in plain `go test`; `go test -fuzz FuzzQueryEndpoint ./tests/` explores further.
func FuzzQueryEndpoint(f *testing.F) {
	for _, seed := range []struct {
		sql, typ, val string
		null          bool
	}{
		{"SELECT 1", "", "", false},
		{"SELECT ?", "FIXED", "42", false},
		{"SELECT ?", "TEXT", "", true},
		{"SELECT ?, ?", "BOOLEAN", "maybe", false},
		{"SELECT ?::NUMBER", "FIXED", "1e400", false},
		{"SELECT ?", "TIMESTAMP_NTZ", "-99999999999999999999", false},
		{"SELECT ?", "DATE", "abc", false},
		{"SELECT ?", "BINARY", "zz", false},
		{"SELECT :1", "ARRAY", "[1,2", false},
		{"", "", "", false},
		{"'", "", "", false},
		{"SELECT '\x00\xff'", "", "", false},
		{"CREATE TABLE", "", "", false},
		{"PUT file:///nonexistent/x.csv @~", "", "", false},
		{"COPY INTO T FROM @nostage", "", "", false},
		{"USE DATABASE \"", "", "", false},
		{"SELECT * FROM IDENTIFIER(?)", "TEXT", "a.b.c.d", false},
		{"BEGIN; COMMIT", "", "", false},
	} {
		f.Add(seed.sql, seed.typ, seed.val, seed.null)
	}
	emu := emulatortest.Start(f)
	raw := protoRawLogin(f, emu)
	seq := 0
	f.Fuzz(func(t *testing.T, sqlText, bindType, bindValue string, null bool) {
		seq++
		body := map[string]any{"sqlText": sqlText, "sequenceId": seq}
		if bindType != "" {
			var v any = bindValue
			if null {
				v = nil
			}
			body["bindings"] = map[string]any{
				"1": map[string]any{"type": bindType, "value": v},
				"2": map[string]any{"type": "TEXT", "value": []any{bindValue, nil}},
			}
		}
		b, err := json.Marshal(body)
		if err != nil {
			t.Skip("not representable as JSON")
		}
		url := fmt.Sprintf("%s/queries/v1/query-request?requestId=fuzz-%d", emu.URL(), seq)
		req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", `Snowflake Token="`+raw.token+`"`)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("server stopped answering: %v", err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("HTTP %d for %q", resp.StatusCode, sqlText)
		}
		var r struct {
			Code    json.RawMessage `json:"code"`
			Success bool            `json:"success"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
			t.Fatalf("reply is not JSON: %v", err)
		}
		var code *string
		if err := json.Unmarshal(r.Code, &code); err != nil {
			t.Fatalf("code %s is not a string or null", r.Code)
		}
		if !r.Success && (code == nil || !protoSixDigits.MatchString(*code)) {
			t.Fatalf("failure without a 6-digit code: %s for %q", r.Code, sqlText)
		}
	})
}
