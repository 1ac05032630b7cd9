package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/snowmigrate/snowmigrate/emulator/engine"
)

// queryRequest is the body of POST /queries/v1/query-request (queryContextDTO and
// parameters such as QUERY_TAG are accepted and ignored).
type queryRequest struct {
	SQLText      string                 `json:"sqlText"`
	AsyncExec    bool                   `json:"asyncExec"`
	SequenceID   uint64                 `json:"sequenceId"`
	IsInternal   bool                   `json:"isInternal"`
	DescribeOnly bool                   `json:"describeOnly"`
	Bindings     map[string]engine.Bind `json:"bindings"`
	BindStage    string                 `json:"bindStage"`
}

// handleQuery runs one statement. Synchronous requests block until the statement ends
// (or SyncWait passes: then 333333 and the driver polls getResultUrl); asyncExec gets
// 333334 at once. A retried requestId joins the statement already registered.
func (s *Server) handleQuery(w http.ResponseWriter, r *http.Request) {
	sess := s.authSession(w, r)
	if sess == nil {
		return
	}
	var req queryRequest
	if err := decodeBody(r, &req); err != nil {
		writeJSON(w, failure(fmt.Sprintf("%06d", engine.ErrSyntax), "42000", "query-request: "+err.Error(), ""))
		return
	}
	if req.BindStage != "" {
		writeJSON(w, failure(fmt.Sprintf("%06d", engine.ErrSyntax), "0A000", "bindings through a temporary stage (bindStage) are not supported by the emulator; keep CLIENT_STAGE_ARRAY_BINDING_THRESHOLD unset", ""))
		return
	}
	q, ctx, isNew := s.queries.begin(sess.id, r.URL.Query().Get("requestId"), req.SQLText, s.baseCtx)
	if isNew {
		s.counters.statements.Add(1)
		s.running.Add(1)
		go s.run(ctx, sess, q, &req)
	}
	if req.AsyncExec {
		writeJSON(w, pending(codeInProgressAsync, q))
		return
	}
	s.awaitAndReply(w, r, q, s.cfg.SyncWait, codeInProgress)
}

// awaitAndReply sends the statement's reply once it ends, or the in-progress code
// after wait; nothing if the client went away.
func (s *Server) awaitAndReply(w http.ResponseWriter, r *http.Request, q *query, wait time.Duration, progressCode string) {
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-q.done:
		q.mu.Lock()
		body := q.body
		q.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body)
	case <-t.C:
		writeJSON(w, pending(progressCode, q))
	case <-r.Context().Done():
	}
}

func pending(code string, q *query) reply {
	msg := "Query execution in progress."
	return reply{
		Data:    pendingData{QueryID: q.id, GetResultURL: "/queries/" + q.id + "/result", QueryAborts: 300},
		Code:    &code,
		Message: &msg,
		Success: true,
	}
}

// run executes the statement on the session's engine and records the encoded reply.
// It never lets a panic escape: that becomes an ErrInternal SQL error.
func (s *Server) run(ctx context.Context, sess *session, q *query, req *queryRequest) {
	defer s.running.Done()
	var (
		rep    reply
		status = statusSuccess
		code   string
		msg    string
		rows   int64
	)
	func() {
		defer func() {
			if p := recover(); p != nil {
				s.log.Error("panic while executing a statement", "query", q.id, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				msg = fmt.Sprintf("internal error in the emulator's SQL engine: %v", p)
				code = errInternalCode
				rep = failure(code, "XX000", msg, q.id)
				status = statusFailed
			}
		}()
		if err := sess.acquire(ctx); err != nil {
			rep, code, msg = sqlFailure(ctx, err, q.id)
			status = statusAborted
			return
		}
		defer sess.release()
		res, err := sess.eng.Execute(ctx, req.SQLText, req.Bindings, req.DescribeOnly)
		if err == nil && res == nil {
			err = fmt.Errorf("engine returned neither a result nor an error")
		}
		if err != nil {
			rep, code, msg = sqlFailure(ctx, err, q.id)
			status = statusFailed
			if code == codeCanceled {
				status = statusAborted
			}
			return
		}
		if res.Upload != nil {
			rep = success(encodeUpload(res.Upload, q.id))
			return
		}
		names, _ := sess.eng.(CurrentNamer)
		d := encodeResult(res, q.id, names, len(req.Bindings))
		d.Parameters = sessionParameters(sess.eng)
		rows = d.Total
		rep = success(d)
	}()
	body, err := json.Marshal(rep)
	if err != nil {
		// Only a cell the engine built badly can get here; still an HTTP 200 SQL error.
		msg = "internal error encoding the result: " + err.Error()
		code, status = errInternalCode, statusFailed
		body, _ = json.Marshal(failure(code, "XX000", msg, q.id))
	}
	if status == statusAborted {
		s.counters.aborted.Add(1)
	}
	if status != statusSuccess {
		s.log.Debug("statement failed", "query", q.id, "code", code)
	}
	s.queries.finish(q, status, append(body, '\n'), code, msg, rows)
}
