package server

import (
	"net/http"
	"strings"
)

// handleResult answers GET /queries/{id}/result (the getResultUrl of 333333/333334):
// the statement's reply once done, otherwise 333334 after a long poll of ResultWait.
func (s *Server) handleResult(w http.ResponseWriter, r *http.Request) {
	if s.authSession(w, r) == nil {
		return
	}
	id := r.PathValue("id")
	q := s.queries.get(id)
	if q == nil {
		writeJSON(w, failure(codeStatementUnknown, "02000", "Statement "+id+" not found (unknown query id, or its result has expired).", id))
		return
	}
	s.awaitAndReply(w, r, q, s.cfg.ResultWait, codeInProgressAsync)
}

// monitoredQuery is one entry of GET /monitoring/queries/{id}.
type monitoredQuery struct {
	ID           string         `json:"id"`
	Status       string         `json:"status"`
	SQLText      string         `json:"sqlText"`
	StartTime    int64          `json:"startTime"`
	EndTime      int64          `json:"endTime"`
	ErrorCode    string         `json:"errorCode"`
	ErrorMessage string         `json:"errorMessage"`
	Stats        monitoredStats `json:"stats"`
}

type monitoredStats struct {
	ScanBytes    int64 `json:"scanBytes"`
	ProducedRows int64 `json:"producedRows"`
}

// handleMonitoring answers the driver's GetQueryStatus; an unknown id is an empty list
// (the driver turns that into its error 279001).
func (s *Server) handleMonitoring(w http.ResponseWriter, r *http.Request) {
	if s.authSession(w, r) == nil {
		return
	}
	list := []monitoredQuery{}
	if q := s.queries.get(r.PathValue("id")); q != nil {
		m := monitoredQuery{ID: q.id, SQLText: q.sqlText, StartTime: q.start.UnixMilli(), Status: string(statusRunning)}
		if q.finished() {
			q.mu.Lock()
			m.Status = string(q.status)
			m.EndTime = q.end.UnixMilli()
			// Snowflake reports the number without padding, e.g. "2003".
			m.ErrorCode = strings.TrimLeft(q.errorCode, "0")
			if q.errorCode != "" && m.ErrorCode == "" {
				m.ErrorCode = "0"
			}
			m.ErrorMessage = q.errorMessage
			m.Stats.ProducedRows = q.producedRows
			q.mu.Unlock()
		}
		list = append(list, m)
	}
	writeJSON(w, success(map[string]any{"queries": list}))
}

// handleAbort cancels the running statement registered under the body's requestId in
// this session; 000605 when nothing runs (the driver retries, then treats it as done).
func (s *Server) handleAbort(w http.ResponseWriter, r *http.Request) {
	sess := s.authSession(w, r)
	if sess == nil {
		return
	}
	var req struct {
		RequestID string `json:"requestId"`
	}
	if err := decodeBody(r, &req); err != nil {
		writeJSON(w, failure(codeBadRequest, "", err.Error(), ""))
		return
	}
	s.counters.abortRequests.Add(1)
	q := s.queries.byRequest(sess.id, req.RequestID)
	if q == nil || q.finished() {
		writeJSON(w, failure(codeNotExecuting, "", "Identified SQL statement is not currently executing.", ""))
		return
	}
	q.mu.Lock()
	q.aborted = true
	q.mu.Unlock()
	q.cancel()
	writeJSON(w, success(nil))
}
