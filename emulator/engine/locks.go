package engine

import (
	"context"
	"strings"
	"sync"
	"time"
)

// lockManager holds the engine's locks (see txn.go): each key has at most one owning
// session, whose transaction holds it until it ends. Waiters poll a broadcast channel
// that is closed whenever a lock is released, bounded by the waiter's LOCK_TIMEOUT. A
// waiter aborts an owner whose transaction is detached (no statement for
// DetachedTxnTimeout), as Snowflake does.
//
// It also numbers commits: lastCommit(key) is the sequence number of the latest
// committed transaction that wrote under key, compared with a session's snapshot
// sequence to find a stale DuckDB snapshot.
type lockManager struct {
	mu      sync.Mutex
	owners  map[string]*Session
	held    map[*Session]map[string]bool
	changed chan struct{}
	seqNo   int64
	commits map[string]int64
}

func newLockManager() *lockManager {
	return &lockManager{
		owners:  map[string]*Session{},
		held:    map[*Session]map[string]bool{},
		changed: make(chan struct{}),
		commits: map[string]int64{},
	}
}

// acquire takes key for s, waiting at most timeout (0: not at all) for its owner's
// transaction to end. A timeout is Snowflake's error 625; a cancelled statement 604.
func (m *lockManager) acquire(ctx context.Context, s *Session, key string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		m.mu.Lock()
		o := m.owners[key]
		if o == nil || o == s {
			m.owners[key] = s
			if m.held[s] == nil {
				m.held[s] = map[string]bool{}
			}
			m.held[s][key] = true
			m.mu.Unlock()
			return nil
		}
		ch := m.changed
		m.mu.Unlock()
		if s.e.abortDetached(ctx, s, o) {
			continue
		}
		left := time.Until(deadline)
		if left <= 0 {
			txn, _ := o.txnInfo()
			return Errorf(ErrLockTimeout, "57014", "Statement waited more than %s for a lock on %s held by transaction %d of session %d and was aborted (LOCK_TIMEOUT); retry it, or end that transaction (SYSTEM$ABORT_TRANSACTION).", timeout, describeKey(key), txn, o.id)
		}
		// wake at least every 10 s to look for a detached owner
		t := time.NewTimer(min(left, 10*time.Second))
		select {
		case <-ch:
			t.Stop()
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return Errorf(604, "57014", "SQL execution canceled")
		}
	}
}

// release gives up one key of s (a statement lock such as DDL).
func (m *lockManager) release(s *Session, key string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.owners[key] != s {
		return
	}
	delete(m.owners, key)
	delete(m.held[s], key)
	m.broadcast()
}

// releaseAll gives up every key of s (its transaction ended).
func (m *lockManager) releaseAll(s *Session) {
	m.mu.Lock()
	defer m.mu.Unlock()
	keys := m.held[s]
	if len(keys) == 0 {
		return
	}
	for k := range keys {
		if m.owners[k] == s {
			delete(m.owners, k)
		}
	}
	delete(m.held, s)
	m.broadcast()
}

// describeKey names a lock key for messages.
func describeKey(key string) string {
	switch {
	case key == ddlKey:
		return "the catalog (DDL)"
	case len(key) > 5 && key[:5] == "rows:":
		return "table " + key[5:]
	case len(key) > 5 && key[:5] == "load:":
		table, file, _ := strings.Cut(key[5:], loadKeySep)
		return "the load history of file " + file + " in table " + table
	}
	return key
}

func (m *lockManager) broadcast() {
	close(m.changed)
	m.changed = make(chan struct{})
}

// seq is the number of the latest commit (a snapshot taken now includes it).
func (m *lockManager) seq() int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.seqNo
}

// committed records a committed transaction that wrote under keys. Called after the
// DuckDB COMMIT returned, so a snapshot numbered before it may still include it (the
// check errs on the safe side).
func (m *lockManager) committed(keys map[string]bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.seqNo++
	for k := range keys {
		m.commits[k] = m.seqNo
	}
}

func (m *lockManager) lastCommit(key string) int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.commits[key]
}
