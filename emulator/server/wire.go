package server

import (
	"fmt"

	"github.com/snowmigrate/snowmigrate/emulator/engine"
)

// Reply codes the driver reacts to (gosnowflake errors.go) and the emulator's own.
const (
	codeBadLogin         = "390100" // incorrect user name or password
	codeSessionGone      = "390111" // session no longer exists (e.g. after an emulator restart)
	codeSessionExpired   = "390112" // driver renews with the master token and replays
	codeInProgress       = "333333" // synchronous statement still running: driver polls
	codeInProgressAsync  = "333334" // asyncExec accepted / still running
	codeNotExecuting     = "000605" // abort of a statement that is not running
	codeCanceled         = "000604" // statement aborted
	codeStatementUnknown = "000709" // no such query id
	codeNoEndpoint       = "390400"
	codeBadRequest       = "390401"
	codeQueryStatusGone  = "279001" // monitoring: no status for the query id
)

var errInternalCode = fmt.Sprintf("%06d", engine.ErrInternal)

// reply is the envelope of every answer: code is a JSON string or null, never a number.
type reply struct {
	Data    any     `json:"data"`
	Code    *string `json:"code"`
	Message *string `json:"message"`
	Success bool    `json:"success"`
}

type errorData struct {
	SQLState string `json:"sqlState,omitempty"`
	QueryID  string `json:"queryId,omitempty"`
	Age      int    `json:"age"`
}

func success(data any) reply { return reply{Data: data, Success: true} }

func failure(code, sqlState, message, queryID string) reply {
	return reply{
		Data:    errorData{SQLState: sqlState, QueryID: queryID},
		Code:    &code,
		Message: &message,
	}
}

// rowType is one entry of data.rowtype.
type rowType struct {
	Name       string  `json:"name"`
	Database   string  `json:"database"`
	Schema     string  `json:"schema"`
	Table      string  `json:"table"`
	Type       string  `json:"type"`
	Precision  int64   `json:"precision"`
	Scale      int64   `json:"scale"`
	Length     int64   `json:"length"`
	ByteLength int64   `json:"byteLength"`
	Nullable   bool    `json:"nullable"`
	Collation  *string `json:"collation"`
}

// queryData is data of a finished statement (JSON result format; everything inline).
type queryData struct {
	Parameters         []nameValue `json:"parameters"`
	RowType            []rowType   `json:"rowtype"`
	RowSet             [][]*string `json:"rowset"`
	Total              int64       `json:"total"`
	Returned           int64       `json:"returned"`
	QueryID            string      `json:"queryId"`
	SQLState           string      `json:"sqlState"`
	DatabaseProvider   *string     `json:"databaseProvider"`
	FinalDatabaseName  *string     `json:"finalDatabaseName"`
	FinalSchemaName    *string     `json:"finalSchemaName"`
	FinalWarehouseName string      `json:"finalWarehouseName"`
	FinalRoleName      string      `json:"finalRoleName"`
	NumberOfBinds      int         `json:"numberOfBinds"`
	StatementTypeID    int64       `json:"statementTypeId"`
	Version            int         `json:"version"`
	QueryResultFormat  string      `json:"queryResultFormat"`
}

// uploadData is data of a PUT: the descriptor the driver uses to write the files itself.
type uploadData struct {
	QueryID           string    `json:"queryId"`
	SQLState          string    `json:"sqlState"`
	Command           string    `json:"command"`
	Kind              *string   `json:"kind"`
	Operation         string    `json:"operation"`
	SrcLocations      []string  `json:"src_locations"`
	Parallel          int       `json:"parallel"`
	Threshold         int64     `json:"threshold"`
	AutoCompress      bool      `json:"autoCompress"`
	Overwrite         bool      `json:"overwrite"`
	SourceCompression string    `json:"sourceCompression"`
	StageInfo         stageInfo `json:"stageInfo"`
	StatementTypeID   int64     `json:"statementTypeId"`
}

type stageInfo struct {
	LocationType          string         `json:"locationType"`
	Location              string         `json:"location"`
	Path                  string         `json:"path"`
	Region                *string        `json:"region"`
	StorageAccount        *string        `json:"storageAccount"`
	IsClientSideEncrypted bool           `json:"isClientSideEncrypted"`
	Creds                 map[string]any `json:"creds"`
	EndPoint              *string        `json:"endPoint"`
}

// pendingData answers 333333/333334: the driver polls getResultUrl (a path).
type pendingData struct {
	QueryID      string `json:"queryId"`
	GetResultURL string `json:"getResultUrl"`
	ProgressDesc any    `json:"progressDesc"`
	QueryAborts  int    `json:"queryAbortsAfterSecs"`
}

type nameValue struct {
	Name  string `json:"name"`
	Value any    `json:"value"`
}

// loginData is data of a successful login-request.
type loginData struct {
	Token               string      `json:"token"`
	ValidityInSeconds   int64       `json:"validityInSeconds"`
	MasterToken         string      `json:"masterToken"`
	MasterValidity      int64       `json:"masterValidityInSeconds"`
	DisplayUserName     string      `json:"displayUserName"`
	ServerVersion       string      `json:"serverVersion"`
	FirstLogin          bool        `json:"firstLogin"`
	HealthCheckInterval int         `json:"healthCheckInterval"`
	SessionID           int64       `json:"sessionId"`
	Parameters          []nameValue `json:"parameters"`
	SessionInfo         sessionInfo `json:"sessionInfo"`
}

type sessionInfo struct {
	DatabaseName  *string `json:"databaseName"`
	SchemaName    *string `json:"schemaName"`
	WarehouseName string  `json:"warehouseName"`
	RoleName      string  `json:"roleName"`
}

type renewData struct {
	SessionToken        string `json:"sessionToken"`
	ValidityInSecondsST int64  `json:"validityInSecondsST"`
	MasterToken         string `json:"masterToken"`
	ValidityInSecondsMT int64  `json:"validityInSecondsMT"`
	SessionID           int64  `json:"sessionId"`
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
