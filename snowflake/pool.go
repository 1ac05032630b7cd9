package snowflake

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
)

// LookupFunc returns the named connection's definition (from connections.toml).
type LookupFunc func(name string) (Connection, error)

// Pool opens one *sql.DB per connection name on first use and keeps it: a workflow names
// its connection, and every activity of every workflow on that connection shares the
// sessions. Safe for concurrent use.
type Pool struct {
	lookup LookupFunc
	mu     sync.Mutex
	dbs    map[string]*sql.DB
}

// NewPool returns a pool that resolves names with lookup.
func NewPool(lookup LookupFunc) *Pool {
	return &Pool{lookup: lookup, dbs: map[string]*sql.DB{}}
}

// DB returns the pooled database handle for name, opening it on first use. A lookup or
// configuration failure is wrapped with ErrInvalidConnection so that callers can make it
// non-retryable.
func (p *Pool) DB(_ context.Context, name string) (*sql.DB, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if db, ok := p.dbs[name]; ok {
		return db, nil
	}
	c, err := p.lookup(name)
	if err != nil {
		if errors.Is(err, ErrInvalidConnection) {
			return nil, err
		}
		return nil, fmt.Errorf("%w %q: %w", ErrInvalidConnection, name, err)
	}
	db, err := Open(name, c)
	if err != nil {
		return nil, err
	}
	p.dbs[name] = db
	return db, nil
}

// Close closes every pooled handle.
func (p *Pool) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	var errs []error
	for name, db := range p.dbs {
		errs = append(errs, db.Close())
		delete(p.dbs, name)
	}
	return errors.Join(errs...)
}
