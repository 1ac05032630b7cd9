package server

import (
	"context"
	"sync"
	"time"

	"github.com/google/uuid"
)

// Retention of finished statements, for requestId replays, async result fetches and
// monitoring. Bounded in count, bytes and age so that a long-lived emulator does not grow.
const (
	keepQueries     = 2000
	keepResultBytes = 256 << 20
	keepFinishedFor = 15 * time.Minute
)

type queryStatus string

const (
	statusRunning queryStatus = "RUNNING"
	statusSuccess queryStatus = "SUCCESS"
	statusFailed  queryStatus = "FAILED_WITH_ERROR"
	statusAborted queryStatus = "ABORTED"
)

// query is one statement, running or finished. Fields below mu are written once by
// finish before done is closed; readers wait on done first.
type query struct {
	id        string
	requestID string
	sessionID int64
	sqlText   string
	start     time.Time
	cancel    context.CancelFunc
	done      chan struct{}

	mu      sync.Mutex
	aborted bool // abort-request arrived while running

	end          time.Time
	status       queryStatus
	body         []byte // the encoded reply, replayed as is
	errorCode    string // "" on success
	errorMessage string
	producedRows int64
}

func (q *query) finished() bool {
	select {
	case <-q.done:
		return true
	default:
		return false
	}
}

type reqKey struct {
	session int64
	request string
}

// queryStore indexes statements by query id and by (session, requestId).
type queryStore struct {
	mu    sync.Mutex
	byID  map[string]*query
	byReq map[reqKey]*query
	order []*query // insertion order, for eviction
	bytes int
}

func newQueryStore() *queryStore {
	return &queryStore{byID: map[string]*query{}, byReq: map[reqKey]*query{}}
}

// begin registers a statement, or returns the existing one when the same session
// retries the same requestId with the same text (the driver retries on timeouts and
// 5xx with the same requestId: the statement must not run twice).
func (st *queryStore) begin(sessionID int64, requestID, sqlText string, parent context.Context) (q *query, ctx context.Context, isNew bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	key := reqKey{sessionID, requestID}
	if requestID != "" {
		if old, ok := st.byReq[key]; ok && old.sqlText == sqlText {
			return old, nil, false
		}
	}
	ctx, cancel := context.WithCancel(parent)
	q = &query{
		id:        uuid.NewString(),
		requestID: requestID,
		sessionID: sessionID,
		sqlText:   sqlText,
		start:     time.Now(),
		cancel:    cancel,
		done:      make(chan struct{}),
		status:    statusRunning,
	}
	st.byID[q.id] = q
	if requestID != "" {
		st.byReq[key] = q
	}
	st.order = append(st.order, q)
	st.evictLocked()
	return q, ctx, true
}

// finish records the outcome and wakes every waiter.
func (st *queryStore) finish(q *query, status queryStatus, body []byte, errCode, errMsg string, rows int64) {
	q.mu.Lock()
	q.end = time.Now()
	q.status = status
	q.body = body
	q.errorCode = errCode
	q.errorMessage = errMsg
	q.producedRows = rows
	q.mu.Unlock()
	q.cancel()
	st.mu.Lock()
	st.bytes += len(body) // counted before done closes, so eviction subtracts it exactly once
	st.mu.Unlock()
	close(q.done)
	st.mu.Lock()
	st.evictLocked()
	st.mu.Unlock()
}

// evictLocked drops the oldest finished statements beyond the count, size and age
// limits. Running statements are never dropped.
func (st *queryStore) evictLocked() {
	now := time.Now()
	kept := st.order[:0]
	over := len(st.order) - keepQueries
	for _, q := range st.order {
		drop := false
		if q.finished() {
			q.mu.Lock()
			age, size := now.Sub(q.end), len(q.body)
			q.mu.Unlock()
			if over > 0 || st.bytes > keepResultBytes || age > keepFinishedFor {
				drop = true
				over--
				st.bytes -= size
			}
		}
		if drop {
			delete(st.byID, q.id)
			if k := (reqKey{q.sessionID, q.requestID}); st.byReq[k] == q {
				delete(st.byReq, k)
			}
			continue
		}
		kept = append(kept, q)
	}
	for i := len(kept); i < len(st.order); i++ {
		st.order[i] = nil
	}
	st.order = kept
}

func (st *queryStore) get(id string) *query {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.byID[id]
}

func (st *queryStore) byRequest(sessionID int64, requestID string) *query {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.byReq[reqKey{sessionID, requestID}]
}

// cancelSession aborts every running statement of a closed session.
func (st *queryStore) cancelSession(sessionID int64) {
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, q := range st.order {
		if q.sessionID == sessionID && !q.finished() {
			q.cancel()
		}
	}
}
