package postgres

import (
	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
)

// PG is the PostgreSQL dialect.
type PG struct{ Builder }

// NewDialect returns the PostgreSQL dialect.
func NewDialect() PG {
	return PG{Builder{RowValues: true, CollateC: true, LiteralCasts: map[string]string{"character": "bpchar"}}}
}

var _ Dialect = PG{}

// Platform implements source.Dialect.
func (PG) Platform() string { return config.PlatformPostgreSQL }

// ExtractMethod implements source.Dialect.
func (PG) ExtractMethod() source.ExtractMethod { return source.ExtractCopyBinary }

// MapType implements source.Dialect.
func (PG) MapType(c source.SourceColumn) source.Mapping { return source.MapPostgres(c) }

// PlanColumn implements source.Dialect.
func (d PG) PlanColumn(c migration.Column) (source.ColumnPlan, error) {
	return source.PlanColumn(c, source.PGCaster{Quote: d.QuoteIdent})
}

// CatalogTableSQL implements source.Dialect: (current database, relkind, estimated
// rows, estimated bytes). Partitioned tables sum their leaves; reltuples is -1 for a
// table never analyzed, counted as 0 (unknown).
func (PG) CatalogTableSQL() string {
	return `SELECT current_database()::text, c.relkind::text,
  COALESCE((SELECT sum(GREATEST(pc.reltuples, 0))::bigint FROM pg_partition_tree(c.oid) pt JOIN pg_class pc ON pc.oid = pt.relid WHERE pt.isleaf), GREATEST(c.reltuples, 0)::bigint, 0),
  COALESCE((SELECT sum(pg_total_relation_size(pt.relid))::bigint FROM pg_partition_tree(c.oid) pt WHERE pt.isleaf), pg_total_relation_size(c.oid), 0)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p', 'v', 'm', 'f')`
}

// CatalogColumnsSQL implements source.Dialect: (name, formatted type, nullable,
// user-defined) in ordinal order; domains are described by their base type.
func (PG) CatalogColumnsSQL() string {
	return `SELECT a.attname::text,
  CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) ELSE format_type(a.atttypid, a.atttypmod) END,
  NOT a.attnotnull,
  COALESCE(bt.typtype IN ('e', 'c', 'r', 'm') OR (bt.typtype = 'b' AND bt.typnamespace <> 'pg_catalog'::regnamespace AND bt.typname <> 'citext' AND bt.typcategory <> 'A'), false)
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE a.atttypid END
WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum`
}

// PrimaryKeySQL implements source.Dialect.
func (PG) PrimaryKeySQL() string {
	return `SELECT a.attname::text
FROM pg_index i
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
WHERE n.nspname = $1 AND c.relname = $2 AND i.indisprimary
ORDER BY k.ord`
}
