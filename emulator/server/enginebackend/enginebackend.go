package enginebackend

import (
	"context"
	"fmt"

	"github.com/snowmigrate/snowmigrate/emulator/engine"
	"github.com/snowmigrate/snowmigrate/emulator/server"
)

// Backend is the real engine behind the server.
type Backend struct {
	eng *engine.Engine
}

// Open opens the engine on opts.DataDir. Close it after the server.
func Open(opts engine.Options) (*Backend, error) {
	e, err := engine.Open(opts)
	if err != nil {
		return nil, fmt.Errorf("opening the SQL engine on %s: %w", opts.DataDir, err)
	}
	return &Backend{eng: e}, nil
}

// NewSession implements server.Backend.
func (b *Backend) NewSession(ctx context.Context, database, schema string) (server.Session, error) {
	s, err := b.eng.NewSession(ctx, database, schema)
	if err != nil {
		return nil, err
	}
	// *engine.Session satisfies server.Session (and server.CurrentNamer when the engine
	// provides CurrentDatabase/CurrentSchema) directly.
	return s, nil
}

// Close closes the engine; data persists in the data directory.
func (b *Backend) Close() error { return b.eng.Close() }
