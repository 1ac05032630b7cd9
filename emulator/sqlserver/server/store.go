package server

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/marcboeker/go-duckdb"

	"github.com/snowmigrate/snowmigrate/emulator/sqlserver/tds"
	"github.com/snowmigrate/snowmigrate/emulator/sqlserver/tsql"
)

// metaSchema holds SQL Server's declared types inside each database file.
const metaSchema = "__ss"

var metaDDL = []string{
	`CREATE SCHEMA IF NOT EXISTS %[1]s.__ss`,
	`CREATE SCHEMA IF NOT EXISTS %[1]s.dbo`,
	`CREATE TABLE IF NOT EXISTS %[1]s.__ss.objects (object_id INTEGER, schema_name VARCHAR, name VARCHAR, create_date TIMESTAMP)`,
	`CREATE TABLE IF NOT EXISTS %[1]s.__ss.columns (object_id INTEGER, column_id INTEGER, name VARCHAR, type_name VARCHAR, len INTEGER, prec INTEGER, scale INTEGER, collation_name VARCHAR, is_nullable BOOLEAN, is_identity BOOLEAN, is_computed BOOLEAN, definition VARCHAR, max_length INTEGER)`,
	`CREATE TABLE IF NOT EXISTS %[1]s.__ss.indexes (object_id INTEGER, index_id INTEGER, name VARCHAR, is_primary_key BOOLEAN, is_unique BOOLEAN, is_unique_constraint BOOLEAN, type INTEGER)`,
	`CREATE TABLE IF NOT EXISTS %[1]s.__ss.index_columns (object_id INTEGER, index_id INTEGER, index_column_id INTEGER, column_id INTEGER, key_ordinal INTEGER, is_descending_key BOOLEAN)`,
	`CREATE TABLE IF NOT EXISTS %[1]s.__ss.schemas (schema_id INTEGER, name VARCHAR)`,
	`CREATE SEQUENCE IF NOT EXISTS %[1]s.__ss.object_ids START 1000`,
	// rowversion: one counter per database, as SQL Server's database timestamp
	`CREATE SEQUENCE IF NOT EXISTS %[1]s.__ss.rowversion START 2001`,
}

// table is the cached metadata of one table.
type table struct {
	db, schema, name string
	id               int64
	cols             []tsql.ColumnMeta
}

// store owns the DuckDB instance: master is the main file, every other database is an
// attached file named after it.
type store struct {
	dir string
	db  *sql.DB

	mu     sync.Mutex
	dbs    map[string]string // lower name → name as created
	tables map[string]*table // "db.schema.name" lower → table
}

func openStore(dir string) (*store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create data directory %s: %w", dir, err)
	}
	connector, err := duckdb.NewConnector(filepath.Join(dir, "master.duckdb"), func(execer driver.ExecerContext) error {
		for _, m := range tsql.Macros {
			if _, err := execer.ExecContext(context.Background(), m, nil); err != nil {
				return fmt.Errorf("create macro: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("open DuckDB in %s: %w", dir, err)
	}
	s := &store{dir: dir, db: sql.OpenDB(connector), dbs: map[string]string{}, tables: map[string]*table{}}
	s.db.SetMaxIdleConns(64)
	// SQL Server sorts NULL first ascending and last descending
	if _, err := s.db.Exec("SET GLOBAL default_null_order = 'nulls_first_on_asc_last_on_desc'"); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("set null order: %w", err)
	}
	udfConn, err := s.db.Conn(context.Background())
	if err != nil {
		s.db.Close()
		return nil, fmt.Errorf("open DuckDB: %w", err)
	}
	err = registerUDFs(context.Background(), udfConn)
	udfConn.Close()
	if err != nil {
		s.db.Close()
		return nil, err
	}
	if err := s.initDB("master"); err != nil {
		return nil, err
	}
	s.dbs["master"] = "master"
	files, _ := filepath.Glob(filepath.Join(dir, "*.duckdb"))
	sort.Strings(files)
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".duckdb")
		if name == "master" {
			continue
		}
		if _, err := s.db.Exec(fmt.Sprintf("ATTACH %s AS %s", tsql.QuoteString(f), tsql.QuoteIdent(name))); err != nil {
			return nil, fmt.Errorf("attach database %s: %w", f, err)
		}
		if err := s.initDB(name); err != nil {
			return nil, err
		}
		s.dbs[strings.ToLower(name)] = name
	}
	return s, nil
}

func (s *store) initDB(name string) error {
	for _, q := range metaDDL {
		if _, err := s.db.Exec(fmt.Sprintf(q, tsql.QuoteIdent(name))); err != nil {
			return fmt.Errorf("prepare database %s: %w", name, err)
		}
	}
	var n int
	s.db.QueryRow(fmt.Sprintf("SELECT count(*) FROM %s.__ss.schemas", tsql.QuoteIdent(name))).Scan(&n)
	if n == 0 {
		_, err := s.db.Exec(fmt.Sprintf("INSERT INTO %s.__ss.schemas VALUES (1, 'dbo'), (2, 'guest'), (3, 'INFORMATION_SCHEMA'), (4, 'sys')", tsql.QuoteIdent(name)))
		if err != nil {
			return fmt.Errorf("prepare database %s: %w", name, err)
		}
	}
	return nil
}

func (s *store) close() error { return s.db.Close() }

// dbName returns a database's name as created, case-insensitively.
func (s *store) dbName(name string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, ok := s.dbs[strings.ToLower(name)]
	return n, ok
}

func (s *store) databases() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, n := range s.dbs {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func (s *store) createDatabase(ctx context.Context, name string) error {
	if _, ok := s.dbName(name); ok {
		return tsql.Errf(1801, 3, 16, "Database '%s' already exists. Choose a different database name.", name)
	}
	if name == "" || strings.ContainsAny(name, `/\.`+"\x00") || strings.EqualFold(name, "tempdb") {
		return tsql.Errf(102, 1, 15, "Incorrect syntax near '%s'. (database names must be plain names)", name)
	}
	f := filepath.Join(s.dir, name+".duckdb")
	if _, err := s.db.ExecContext(ctx, fmt.Sprintf("ATTACH %s AS %s", tsql.QuoteString(f), tsql.QuoteIdent(name))); err != nil {
		return err
	}
	if err := s.initDB(name); err != nil {
		return err
	}
	s.mu.Lock()
	s.dbs[strings.ToLower(name)] = name
	s.mu.Unlock()
	return nil
}

func (s *store) dropDatabase(ctx context.Context, name string) error {
	n, ok := s.dbName(name)
	if !ok {
		return tsql.Errf(3701, 1, 11, "Cannot drop the database '%s', because it does not exist or you do not have permission.", name)
	}
	if strings.EqualFold(n, "master") {
		return tsql.Errf(3708, 1, 16, "Cannot drop the database 'master' because it is a system database.")
	}
	if _, err := s.db.ExecContext(ctx, "DETACH "+tsql.QuoteIdent(n)); err != nil {
		return tsql.Errf(3702, 4, 16, "Cannot drop database \"%s\" because it is currently in use.", n)
	}
	os.Remove(filepath.Join(s.dir, n+".duckdb"))
	os.Remove(filepath.Join(s.dir, n+".duckdb.wal"))
	s.mu.Lock()
	delete(s.dbs, strings.ToLower(n))
	for k, t := range s.tables {
		if strings.EqualFold(t.db, n) {
			delete(s.tables, k)
		}
	}
	s.mu.Unlock()
	return nil
}

func tableKey(db, schema, name string) string {
	return strings.ToLower(db + "\x00" + schema + "\x00" + name)
}

// lookup returns a table's metadata, loading it from the database file when not cached.
func (s *store) lookup(q queryer, db, schema, name string) (*table, bool) {
	if schema == "" {
		schema = "dbo"
	}
	dbn, ok := s.dbName(db)
	if !ok {
		return nil, false
	}
	key := tableKey(dbn, schema, name)
	s.mu.Lock()
	t, ok := s.tables[key]
	s.mu.Unlock()
	if ok {
		return t, true
	}
	qd := tsql.QuoteIdent(dbn)
	var id int64
	var sch, nm string
	err := q.QueryRowContext(context.Background(), fmt.Sprintf("SELECT object_id, schema_name, name FROM %s.__ss.objects WHERE lower(schema_name) = lower($1) AND lower(name) = lower($2)", qd), schema, name).Scan(&id, &sch, &nm)
	if err != nil {
		return nil, false
	}
	rows, err := q.QueryContext(context.Background(), fmt.Sprintf("SELECT name, type_name, len, prec, scale, collation_name, is_nullable, is_identity, is_computed FROM %s.__ss.columns WHERE object_id = $1 ORDER BY column_id", qd), id)
	if err != nil {
		return nil, false
	}
	defer rows.Close()
	t = &table{db: dbn, schema: sch, name: nm, id: id}
	for rows.Next() {
		var c tsql.ColumnMeta
		var tn string
		var coll sql.NullString
		var nullable, identity bool
		if err := rows.Scan(&c.Name, &tn, &c.Type.Len, &c.Type.Prec, &c.Type.Scale, &coll, &nullable, &identity, &c.Computed); err != nil {
			return nil, false
		}
		c.Type.Kind = kindOf(tn)
		c.Type.Collation = coll.String
		c.Type.NotNull = !nullable
		c.Type.Identity = identity
		t.cols = append(t.cols, c)
	}
	if rows.Err() != nil {
		return nil, false
	}
	s.mu.Lock()
	s.tables[key] = t
	s.mu.Unlock()
	return t, true
}

func (s *store) forget(db, schema, name string) {
	s.mu.Lock()
	delete(s.tables, tableKey(db, schema, name))
	s.mu.Unlock()
}

func kindOf(name string) tds.Kind {
	t, err := tds.ParseType(name, nil)
	if err != nil {
		// types with mandatory-free arguments parse without them; others by name
		for _, try := range [][]string{{"1"}, {"18", "0"}} {
			if t, err = tds.ParseType(name, try); err == nil {
				break
			}
		}
	}
	return t.Kind
}

type queryer interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
}
