package engine

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"time"
)

// ColumnInfo describes one column of a table or view.
type ColumnInfo struct {
	Name     string // exact Snowflake name
	DuckName string // quoted DuckDB identifier to use in SQL
	SFType   string // e.g. NUMBER(38,0), VARCHAR(16777216), TIMESTAMP_NTZ(9), VARIANT
	DuckType string // DuckDB storage type, e.g. DECIMAL(38,0), VARCHAR, TIMESTAMP
	Nullable bool
}

// TableInfo describes a table or view.
type TableInfo struct {
	Name    ObjectName
	DuckRef string // fully quoted DuckDB reference usable in INSERT/SELECT
	Columns []ColumnInfo
}

// Column returns the column with the exact Snowflake name, or nil.
func (t *TableInfo) Column(name string) *ColumnInfo {
	for i := range t.Columns {
		if t.Columns[i].Name == name {
			return &t.Columns[i]
		}
	}
	return nil
}

// objMeta is what the emulator keeps in a DuckDB table/view comment (JSON).
type objMeta struct {
	Kind      string    `json:"k,omitempty"` // TABLE, TRANSIENT, ICEBERG, VIEW
	Comment   string    `json:"c,omitempty"`
	Created   time.Time `json:"t,omitempty"`
	Text      string    `json:"s,omitempty"` // original CREATE VIEW text
	Iceberg   string    `json:"i,omitempty"` // iceberg options as given
	Clustered string    `json:"cl,omitempty"`
}

// catalog is an immutable snapshot of committed metadata, rebuilt after DDL.
type catalog struct {
	version int64
	dbs     map[string]*dbEntry
}

type dbEntry struct {
	name      string
	comment   string
	created   time.Time
	transient bool
	schemas   map[string]*schemaEntry
}

type schemaEntry struct {
	name   string
	duck   string
	tables map[string]*tableEntry
}

type tableEntry struct {
	info    TableInfo
	view    bool
	meta    objMeta
	rows    int64
	sfTypes []sfType
}

// sortedKeys returns map keys in order (SHOW output is sorted by name).
func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// invalidateCatalog makes the next lookup reload metadata (called after DDL commits).
func (e *Engine) invalidateCatalog() { e.catVersion.Add(1) }

// catalog returns the current committed metadata snapshot, reloading it when DDL
// has happened since it was built. Loading reads DuckDB's own catalog, so nothing
// can drift out of sync with the data.
func (e *Engine) catalog(ctx context.Context) (*catalog, error) {
	v := e.catVersion.Load()
	e.catMu.Lock()
	defer e.catMu.Unlock()
	if e.cat != nil && e.cat.version == v {
		return e.cat, nil
	}
	c, err := loadCatalog(ctx, e.db)
	if err != nil {
		return nil, err
	}
	c.version = v
	e.cat = c
	return c, nil
}

func loadCatalog(ctx context.Context, db *sql.DB) (*catalog, error) {
	c := &catalog{dbs: map[string]*dbEntry{}}
	rows, err := db.QueryContext(ctx, `SELECT name, coalesce(comment,''), created, coalesce(transient,false) FROM main.sf_databases`)
	if err != nil {
		return nil, fmt.Errorf("engine: read databases: %w", err)
	}
	for rows.Next() {
		d := &dbEntry{schemas: map[string]*schemaEntry{}}
		var created sql.NullTime
		if err := rows.Scan(&d.name, &d.comment, &created, &d.transient); err != nil {
			rows.Close()
			return nil, fmt.Errorf("engine: read databases: %w", err)
		}
		d.created = created.Time
		c.dbs[d.name] = d
	}
	rows.Close()
	rows, err = db.QueryContext(ctx, `SELECT schema_name FROM duckdb_schemas() WHERE database_name = current_database()`)
	if err != nil {
		return nil, fmt.Errorf("engine: read schemas: %w", err)
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return nil, fmt.Errorf("engine: read schemas: %w", err)
		}
		dbn, sch, ok := splitDuckSchema(name)
		if !ok || c.dbs[dbn] == nil {
			continue
		}
		c.dbs[dbn].schemas[sch] = &schemaEntry{name: sch, duck: name, tables: map[string]*tableEntry{}}
	}
	rows.Close()
	schemaOf := func(duck string) *schemaEntry {
		dbn, sch, ok := splitDuckSchema(duck)
		if !ok || c.dbs[dbn] == nil {
			return nil
		}
		return c.dbs[dbn].schemas[sch]
	}
	rows, err = db.QueryContext(ctx, `SELECT schema_name, table_name, coalesce(comment,''), false, estimated_size FROM duckdb_tables() WHERE database_name = current_database()
		UNION ALL SELECT schema_name, view_name, coalesce(comment,''), true, 0 FROM duckdb_views() WHERE database_name = current_database() AND NOT internal`)
	if err != nil {
		return nil, fmt.Errorf("engine: read tables: %w", err)
	}
	for rows.Next() {
		var sch, name, comment string
		var view bool
		var size int64
		if err := rows.Scan(&sch, &name, &comment, &view, &size); err != nil {
			rows.Close()
			return nil, fmt.Errorf("engine: read tables: %w", err)
		}
		se := schemaOf(sch)
		if se == nil {
			continue
		}
		te := &tableEntry{view: view, rows: size}
		_ = json.Unmarshal([]byte(comment), &te.meta)
		dbn, _, _ := splitDuckSchema(sch)
		te.info.Name = ObjectName{dbn, se.name, dec(name)}
		te.info.DuckRef = qid(sch) + "." + qid(name)
		se.tables[te.info.Name.Name] = te
	}
	rows.Close()
	rows, err = db.QueryContext(ctx, `SELECT schema_name, table_name, column_name, data_type, coalesce(comment,''), is_nullable FROM duckdb_columns() WHERE database_name = current_database() ORDER BY schema_name, table_name, column_index`)
	if err != nil {
		return nil, fmt.Errorf("engine: read columns: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var sch, tbl, col, dt, comment string
		var nullable bool
		if err := rows.Scan(&sch, &tbl, &col, &dt, &comment, &nullable); err != nil {
			return nil, fmt.Errorf("engine: read columns: %w", err)
		}
		se := schemaOf(sch)
		if se == nil {
			continue
		}
		te := se.tables[dec(tbl)]
		if te == nil {
			continue
		}
		st, err := parseSFTypeString(comment)
		if comment == "" || err != nil {
			st = duckTypeSF(dt)
		}
		if st.extended() && extBaseOfDuck(dt) == "" {
			st.Legacy = true // stored before extended storage existed
		}
		te.sfTypes = append(te.sfTypes, st)
		te.info.Columns = append(te.info.Columns, ColumnInfo{Name: dec(col), DuckName: qid(col), SFType: st.String(), DuckType: dt, Nullable: nullable})
	}
	return c, rows.Err()
}

// lookup finds a table or view.
func (c *catalog) lookup(n ObjectName) *tableEntry {
	d := c.dbs[n.Database]
	if d == nil {
		return nil
	}
	s := d.schemas[n.Schema]
	if s == nil {
		return nil
	}
	return s.tables[n.Name]
}

func errNotExist(kind string, n ObjectName) *Error {
	_ = kind
	return Errorf(ErrObjectNotExists, "42S02", "SQL compilation error:\nObject '%s' does not exist or not authorized.", n.String())
}

// tableInfo returns the columns of table or view n (error 2003 when missing).
func (s *Session) tableInfo(ctx context.Context, n ObjectName) (*TableInfo, error) {
	cat, err := s.e.catalog(ctx)
	if err != nil {
		return nil, err
	}
	te := cat.lookup(n)
	if te == nil {
		return nil, errNotExist("table", n)
	}
	info := te.info
	info.Columns = append([]ColumnInfo(nil), te.info.Columns...)
	return &info, nil
}
