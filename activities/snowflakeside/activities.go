package snowflakeside

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/internal/every"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/snowflake"
)

const (
	StatusLoaded           = "LOADED"         // PARTITION_METADATA status between COPY and verify
	warningCategoryTarget  = "TARGET_TABLE"   // MIGRATION_WARNING.CATEGORY of PrepareTarget's findings
	defaultHeartbeat       = 10 * time.Second // heartbeat period during long statements
	removeTimeout          = 2 * time.Minute  // bound on the best-effort stage cleanup
	maxMessageLen          = 2000             // bound on error texts put into messages
	maxUpdatesPerStatement = 1000             // bound on one MERGE's size (~600 bytes per row)
	defaultLockPatience    = 5 * time.Minute  // how long a load retries lock timeouts (625) itself
	lockRetryPause         = 2 * time.Second  // pause between those tries
	rollbackTimeout        = 30 * time.Second // bound on the ROLLBACK of a failed load
)

// DBProvider returns the *sql.DB of a named Snowflake connection. snowflake.Pool is the
// production implementation (one cached handle per name).
type DBProvider interface {
	DB(ctx context.Context, name string) (*sql.DB, error)
}

// Activities holds what the Snowflake-side activities need: the connections (by the name
// the workflow carries) and where the metadata mirror lives.
type Activities struct {
	conns     DBProvider
	meta      snowflake.MetadataLocation
	heartbeat time.Duration
	now       func() time.Time
	// lockPatience bounds how long LoadPartition retries a lock wait (625) itself before
	// failing the attempt (Temporal retries it then).
	lockPatience time.Duration
}

// Option adjusts Activities at construction.
type Option func(*Activities)

// WithHeartbeatInterval sets how often long statements heartbeat (default 10 s; tests
// shorten it). It must stay well under the activities' HeartbeatTimeout.
func WithHeartbeatInterval(d time.Duration) Option {
	return func(a *Activities) {
		if d > 0 {
			a.heartbeat = d
		}
	}
}

// New returns the activities. The metadata names are resolved with Snowflake's rules
// (an unquoted name folds to upper case, "Quoted" keeps its case); empty ones get the
// defaults (SNOWCONVERT_AI, DATA_MIGRATION, DATA_VALIDATION).
//
// Register the methods by their Name constants (or the struct as a whole: every exported
// method of *Activities is an activity, so helpers here are deliberately functions).
func New(conns DBProvider, meta snowflake.MetadataLocation, opts ...Option) *Activities {
	meta = meta.WithDefaults()
	meta.Database = resolveOrExact(meta.Database)
	meta.MigrationSchema = resolveOrExact(meta.MigrationSchema)
	meta.ValidationSchema = resolveOrExact(meta.ValidationSchema)
	a := &Activities{conns: conns, meta: meta, heartbeat: defaultHeartbeat, now: time.Now, lockPatience: defaultLockPatience}
	for _, o := range opts {
		o(a)
	}
	return a
}

// PoolFromConnectionsHome is the DBProvider the orchestrator's main uses: connections
// are read by name from <home>/connections.toml (config.LoadConnection) on first use and
// pooled. Close the pool when the worker stops.
func PoolFromConnectionsHome(home string) *snowflake.Pool {
	return snowflake.NewPool(func(name string) (snowflake.Connection, error) {
		c, err := config.LoadConnection(home, name)
		if err != nil {
			return snowflake.Connection{}, err
		}
		return snowflake.Connection(c), nil
	})
}

func resolveOrExact(raw string) string {
	if n, err := snowflake.ResolveName(raw); err == nil {
		return n
	}
	return raw
}

// db returns the connection's handle; a connection that cannot be configured is a
// permanent credentials/configuration problem.
//
// An empty name is passed on: the provider may have a default (the orchestrator's
// SNOWFLAKE_CONNECTION_NAME).
func (a *Activities) db(ctx context.Context, name string) (*sql.DB, error) {
	db, err := a.conns.DB(ctx, name)
	if err != nil {
		return nil, classify(err, fmt.Sprintf("Snowflake connection %q", name))
	}
	return db, nil
}

// classify turns a driver error into what the activity returns. what names the object
// or step ("COPY INTO \"DB\".\"S\".\"T\""), so that the message says what failed.
func classify(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		return err
	}
	msg := clip(err.Error())
	if snowflake.IsAlreadyExists(err) {
		// Only the product's idempotent DDL creates objects; "already exists" means a
		// concurrent creator won the race. The retry sees the object.
		return fmt.Errorf("%s: %w", what, err)
	}
	switch snowflake.Classify(err) {
	case snowflake.Credentials:
		return temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("%s: login refused or connection invalid: %s; fix the connection in connections.toml (user, password, token or private key)", what, msg),
			migration.ErrTypeCredentials, err)
	case snowflake.Missing:
		return temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("%s: %s; create the object or grant the connection's role access to it", what, msg),
			snowflakeapi.ErrTypeTargetMissing, err)
	case snowflake.Permission:
		return temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("%s: %s; grant the connection's role the privilege", what, msg),
			snowflakeapi.ErrTypeTargetPermission, err)
	case snowflake.Invalid:
		return temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("%s: Snowflake rejected the statement: %s", what, msg),
			snowflakeapi.ErrTypeLoadRejected, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

func clip(s string) string {
	if len(s) <= maxMessageLen {
		return s
	}
	return s[:maxMessageLen] + "…"
}

// exec runs one statement, heartbeating while it runs.
func (a *Activities) exec(ctx context.Context, db interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, what, query string) (sql.Result, error) {
	stop := a.startHeartbeat(ctx, what)
	defer stop()
	res, err := db.ExecContext(ctx, query)
	if err != nil {
		return nil, classify(err, what)
	}
	return res, nil
}

// startHeartbeat records a heartbeat every a.heartbeat until stop is called. The SDK
// delivers a cancellation (or a timed-out attempt) only through heartbeats, and the
// driver aborts the running statement when the context is cancelled, so a long COPY can
// be stopped. Outside an activity (plain unit use) it does nothing.
func (a *Activities) startHeartbeat(ctx context.Context, step string) (stop func()) {
	if !activity.IsActivity(ctx) {
		return func() {}
	}
	activity.RecordHeartbeat(ctx, step)
	return every.Start(ctx, a.heartbeat, func() { activity.RecordHeartbeat(ctx, step) })
}

// attempt is the activity's attempt number (1 outside an activity).
func attempt(ctx context.Context) int {
	if activity.IsActivity(ctx) {
		return int(activity.GetInfo(ctx).Attempt)
	}
	return 1
}

// warn logs through the activity logger (nothing outside an activity).
func warn(ctx context.Context, msg string, kv ...any) {
	if activity.IsActivity(ctx) {
		activity.GetLogger(ctx).Warn(msg, kv...)
	}
}
