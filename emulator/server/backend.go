package server

import (
	"context"

	"github.com/snowmigrate/snowmigrate/emulator/engine"
)

// Backend is what the server needs from the SQL engine. The real implementation is
// package server/enginebackend, which adapts *engine.Engine; tests use a fake.
type Backend interface {
	// NewSession opens an engine session with the login's database and schema (either
	// may be empty or not exist yet: Snowflake accepts that at login).
	NewSession(ctx context.Context, database, schema string) (Session, error)
}

// Session is one engine session; the server calls Execute for one statement at a time.
type Session interface {
	// Execute runs one statement. It returns a *engine.Result or an error; an error that
	// is not an *engine.Error is reported as engine.ErrInternal. It honours ctx
	// cancellation (abort-request).
	Execute(ctx context.Context, sqlText string, binds map[string]engine.Bind, describeOnly bool) (*engine.Result, error)
	Close() error
}

// CurrentNamer is optionally implemented by a Session to report its current database
// and schema after a statement (USE ...), sent as finalDatabaseName/finalSchemaName so
// that the driver's Config follows the session.
type CurrentNamer interface {
	CurrentDatabase() string
	CurrentSchema() string
}
