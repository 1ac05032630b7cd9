package engine

// This file is the contract between the HTTP/wire layer (package server) and the SQL
// engine. The server never looks inside SQL; the engine never sees HTTP. Both sides
// are built against these types, so change them only with both sides in view.

import (
	"fmt"
)

// Bind is one bind variable exactly as the driver sent it in the query-request's
// "bindings" object (the map key, "1".."n" or a name, is carried separately).
// Value is a string, nil (SQL NULL), or []any for array binding (one row per element).
type Bind struct {
	Type  string `json:"type"`
	Value any    `json:"value"`
	Fmt   string `json:"fmt,omitempty"`
}

// Column describes one result column with Snowflake's lower-case wire type names:
// fixed real text date time timestamp_ntz timestamp_ltz timestamp_tz boolean binary
// variant object array.
type Column struct {
	Name      string
	Type      string
	Precision int64
	Scale     int64
	Length    int64
	Nullable  bool
}

// Result is a finished statement, already encoded for the wire: every cell is the
// exact string Snowflake would send (see shared/docs/snowflake-wire.md) or nil for NULL.
// A DML result carries at least one row; a SELECT at least one column.
type Result struct {
	StatementTypeID int64
	Columns         []Column
	Rows            [][]*string
	// Upload is set for PUT: the server answers with the upload descriptor instead of rows.
	Upload *UploadInfo
}

// UploadInfo is what the server sends back for PUT so that the driver writes the file
// itself into Location (LOCAL_FS stage).
type UploadInfo struct {
	SrcLocations      []string
	Location          string // absolute directory with a trailing slash
	AutoCompress      bool
	Overwrite         bool
	Parallel          int
	SourceCompression string // "auto_detect" unless the statement says otherwise
}

// Statement type ids the driver understands.
const (
	StmtSelect int64 = 0x1000
	StmtInsert int64 = 0x3100
	StmtUpdate int64 = 0x3200
	StmtDelete int64 = 0x3300
	StmtMerge  int64 = 0x3400
	StmtCopy   int64 = 0x3600 // outside the driver's DML range: callers read COPY with Query
	StmtDDL    int64 = 0x6000
	StmtMulti  int64 = 0xA000
)

// Error is a Snowflake SQL error: the server sends Number as a zero-padded 6-digit
// string code with SQLState, always with HTTP 200.
type Error struct {
	Number   int
	SQLState string
	Message  string
}

func (e *Error) Error() string { return fmt.Sprintf("%06d (%s): %s", e.Number, e.SQLState, e.Message) }

// Errorf builds an *Error.
func Errorf(number int, sqlState, format string, args ...any) *Error {
	return &Error{Number: number, SQLState: sqlState, Message: fmt.Sprintf(format, args...)}
}

// Common error numbers and states.
const (
	ErrSyntax          = 1003 // SQL compilation error, SQLSTATE 42000
	ErrAlreadyExists   = 2002 // 42710
	ErrObjectNotExists = 2003 // 42S02
	ErrInvalidIdent    = 2043 // 02000
	ErrNumericConv     = 100038
	ErrNotNull         = 100072
	ErrInternal        = 1 // unexpected engine failure, still HTTP 200
)

// Options configures Open.
type Options struct {
	DataDir    string // everything persists here across restarts
	S3Endpoint string // host:port (or URL) of an S3-compatible server for external stages
	// IdleCheckpointBytes: when the write-ahead log has grown to this size and no
	// statement has run for a second, the engine checkpoints it (checkpoint.go).
	// 0 means DefaultIdleCheckpointBytes; a negative value turns idle checkpoints off.
	IdleCheckpointBytes int64
}

// The engine (package engine, helper "engine core") implements, with these exact signatures:
//
//	func Open(opts Options) (*Engine, error)
//	func (e *Engine) Close() error
//	func (e *Engine) NewSession(ctx context.Context, database, schema string) (*Session, error)
//	func (s *Session) Execute(ctx context.Context, sqlText string, binds map[string]Bind, describeOnly bool) (*Result, error)
//	func (s *Session) Close() error
//
// Execute returns either a *Result or an error; an error that is not an *Error is a bug
// the server reports as ErrInternal (still HTTP 200). Execute honours ctx cancellation
// (abort-request). A nonexistent database/schema at NewSession is accepted (current
// database then reads as NULL), as Snowflake does at login.
