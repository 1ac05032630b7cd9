package server

import (
	"context"
	"sort"

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

// ParameterReporter is optionally implemented by a Session to report its session
// parameters (TIMEZONE, values set by ALTER SESSION); they are sent in the login and
// query replies' parameters list, which the driver copies into its Config.Params.
type ParameterReporter interface {
	Parameters() map[string]string
}

// sessionParameters lists a session's parameters sorted by name, or an empty list.
func sessionParameters(sess Session) []nameValue {
	pr, ok := sess.(ParameterReporter)
	if !ok {
		return []nameValue{}
	}
	m := pr.Parameters()
	out := make([]nameValue, 0, len(m))
	for k, v := range m {
		out = append(out, nameValue{Name: k, Value: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
