package engine

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	// The scratch database below reads files outside the session's transaction.
	_ "github.com/marcboeker/go-duckdb"
)

// objName is a resolved three-part Snowflake name (each part as stored: unquoted
// names upper-cased, quoted names verbatim).
type objName struct{ DB, Schema, Name string }

func (n objName) String() string { return n.DB + "." + n.Schema + "." + n.Name }

// copyColumn is one column of a COPY target table.
type copyColumn struct {
	Name     string // Snowflake name
	Duck     string // quoted DuckDB column identifier
	DuckType string // DuckDB type, e.g. DECIMAL(38,0), JSON, TIMESTAMPTZ
	SFType   string // Snowflake type name, e.g. NUMBER(38,0), VARIANT
	NotNull  bool
}

// copyTable is a COPY target table.
type copyTable struct {
	Name objName
	Ref  string // DuckDB reference usable in INSERT INTO <Ref>
	// DuckSchema and DuckTable are the unquoted DuckDB names (for duckdb_tables()).
	DuckSchema, DuckTable string
	Columns               []copyColumn
	Iceberg               *icebergMeta // nil unless an Iceberg table (iceberg.go)
}

// stageHost is what the stage statements need from the session. It is implemented
// over the session (stage_session.go) and, in unit tests, over a plain DuckDB.
type stageHost interface {
	dataDir() string
	s3Endpoint() string
	// current returns the session's current database and schema ("" when unset).
	current() (db, schema string)
	// resolve turns a written name (a, s.a, d.s.a, quoted parts) into a full name.
	resolve(raw string) (objName, error)
	schemaExists(ctx context.Context, db, schema string) (bool, error)
	// table describes a table; (nil, nil) when it does not exist.
	table(ctx context.Context, n objName) (*copyTable, error)
	// beginLoad takes the load locks of the staged files (load history keys) COPY is
	// about to load into the table (two COPYs of one file into one table are ordered,
	// so the load history stays exact; COPYs of different files are not) and opens
	// the transaction.
	beginLoad(ctx context.Context, duckRef string, files []string) error
	// exec and query run DuckDB SQL inside the session's transaction.
	exec(ctx context.Context, q string, args ...any) (int64, error)
	query(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	// translateExpr turns a Snowflake scalar expression into DuckDB SQL and reports
	// whether its value is a VARIANT/OBJECT/ARRAY (JSON text).
	translateExpr(expr string) (duck string, variant bool, err error)
}

// scratch is an in-memory DuckDB used to inspect and validate staged files before
// anything touches the session's transaction: in DuckDB any error aborts the open
// transaction, while in Snowflake a failed COPY leaves it usable.
var scratch struct {
	once sync.Once
	db   *sql.DB
	err  error
}

func scratchDB() (*sql.DB, error) {
	scratch.once.Do(func() {
		db, err := sql.Open("duckdb", "")
		if err != nil {
			scratch.err = fmt.Errorf("open scratch duckdb: %w", err)
			return
		}
		db.SetMaxOpenConns(4)
		if err := registerExtUDFs(context.Background(), db); err != nil {
			scratch.err = err
			return
		}
		scratch.db = db
	})
	return scratch.db, scratch.err
}

// quoteDuck quotes a DuckDB identifier.
func quoteDuck(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// quoteLit quotes a DuckDB string literal.
func quoteLit(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// Result building helpers: every cell is the wire text (see snowflake-wire.md).

func textCol(name string) Column {
	return Column{Name: name, Type: "text", Length: 16777216, Nullable: true}
}

func fixedCol(name string) Column {
	return Column{Name: name, Type: "fixed", Precision: 18, Scale: 0, Nullable: true}
}

func tsCol(name string) Column {
	return Column{Name: name, Type: "timestamp_ltz", Precision: 0, Scale: 3, Nullable: true}
}

func strp(s string) *string { return &s }

func intCell(n int64) *string { return strp(strconv.FormatInt(n, 10)) }

func tsCell(t time.Time) *string {
	return strp(fmt.Sprintf("%d.%09d", t.Unix(), t.Nanosecond()))
}

// stageStatus is the one-column DDL answer.
func stageStatus(msg string) *Result {
	return &Result{StatementTypeID: StmtDDL, Columns: []Column{textCol("status")}, Rows: [][]*string{{strp(msg)}}}
}

func notExists(kind string, n objName) *Error {
	return Errorf(ErrObjectNotExists, "42S02", "SQL compilation error:\n%s '%s' does not exist or not authorized.", kind, n.String())
}
