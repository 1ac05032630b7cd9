package server

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// maxBody bounds a request body (decompressed): a query text with bindings, not data.
const maxBody = 64 << 20

// readBody returns the request body, gunzipped when Content-Encoding says gzip.
func readBody(r *http.Request) ([]byte, error) {
	var rd io.Reader = http.MaxBytesReader(nil, r.Body, maxBody)
	if strings.EqualFold(r.Header.Get("Content-Encoding"), "gzip") {
		zr, err := gzip.NewReader(rd)
		if err != nil {
			return nil, fmt.Errorf("request body says gzip but is not: %w", err)
		}
		defer zr.Close()
		rd = io.LimitReader(zr, maxBody+1)
	}
	b, err := io.ReadAll(rd)
	if err != nil {
		return nil, fmt.Errorf("reading request body: %w", err)
	}
	if len(b) > maxBody {
		return nil, fmt.Errorf("request body is larger than %d bytes", maxBody)
	}
	return b, nil
}

// decodeBody reads the body as JSON into v; an empty body leaves v untouched.
func decodeBody(r *http.Request, v any) error {
	b, err := readBody(r)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("request body is not the expected JSON: %w", err)
	}
	return nil
}

// writeJSON sends v with HTTP 200: the driver only reads codes from 200 replies.
func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	writeBody(w, v)
}

func writeBody(w io.Writer, v any) {
	// Encoding errors here mean the client went away; nothing useful to do.
	_ = json.NewEncoder(w).Encode(v)
}

// sessionToken extracts the token from `Authorization: Snowflake Token="..."`.
func sessionToken(r *http.Request) string {
	h := r.Header.Get("Authorization")
	const prefix = `Snowflake Token="`
	if !strings.HasPrefix(h, prefix) || !strings.HasSuffix(h, `"`) || len(h) < len(prefix)+1 {
		return ""
	}
	return h[len(prefix) : len(h)-1]
}
