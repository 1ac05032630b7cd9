package redshift

import (
	"fmt"

	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
	"github.com/snowmigrate/snowmigrate/source/postgres"
)

// Dialect is Redshift's dialect.
type Dialect struct{ postgres.Builder }

// NewDialect returns the Redshift dialect.
func NewDialect() Dialect {
	return Dialect{postgres.Builder{RowValues: false, BackslashEscapes: true, CollateC: false, TextCast: "varchar(65535)", ExistsAsCount: true,
		LiteralCasts: map[string]string{"character": "varchar(65535)", "character varying": "varchar(65535)", "text": "varchar(65535)"}}}
}

var _ postgres.Dialect = Dialect{}

// Platform implements source.Dialect.
func (Dialect) Platform() string { return config.PlatformRedshift }

// ExtractMethod implements source.Dialect: Redshift has no COPY TO STDOUT.
func (Dialect) ExtractMethod() source.ExtractMethod { return source.ExtractCursor }

// SessionSQL implements postgres.Dialect (Redshift has no IntervalStyle).
func (Dialect) SessionSQL() string {
	return "SET timezone TO 'UTC'; SET datestyle TO 'ISO, YMD'; SET extra_float_digits TO 3"
}

// BeginSQL implements postgres.Dialect (Redshift transactions are serializable).
func (Dialect) BeginSQL() string { return "BEGIN READ ONLY" }

// LockSQL implements postgres.Dialect: Redshift's LOCK is exclusive (it would block
// every writer for the extraction's length), so extraction only checks the columns.
func (Dialect) LockSQL(migration.TableRef) string { return "" }

// CatalogTableSQL implements source.Dialect: svv_table_info gives rows and size (in
// 1 MB blocks); it lists only tables with data blocks, so svv_tables decides existence.
func (Dialect) CatalogTableSQL() string {
	return `SELECT current_database()::varchar, t.table_type::varchar,
  COALESCE(i.tbl_rows, 0)::bigint, (COALESCE(i.size, 0) * 1048576)::bigint
FROM svv_tables t
LEFT JOIN svv_table_info i ON i.schema = t.table_schema AND i."table" = t.table_name
WHERE t.table_catalog = current_database() AND t.table_schema = $1 AND t.table_name = $2`
}

// CatalogColumnsSQL implements source.Dialect from svv_columns, which also covers
// late-binding views and external tables.
func (Dialect) CatalogColumnsSQL() string {
	return `SELECT column_name::varchar,
  CASE
    WHEN data_type IN ('numeric', 'decimal') THEN 'numeric(' || numeric_precision || ',' || numeric_scale || ')'
    WHEN data_type IN ('character varying', 'character') AND character_maximum_length IS NOT NULL THEN data_type || '(' || character_maximum_length || ')'
    ELSE data_type
  END::varchar,
  is_nullable = 'YES',
  false
FROM svv_columns
WHERE table_catalog = current_database() AND table_schema = $1 AND table_name = $2
ORDER BY ordinal_position`
}

// PrimaryKeySQL implements source.Dialect. Redshift records (unenforced) primary keys
// in pg_constraint; conkey holds attribute numbers.
func (Dialect) PrimaryKeySQL() string {
	return `SELECT a.attname::varchar
FROM pg_constraint c
JOIN pg_class r ON r.oid = c.conrelid
JOIN pg_namespace n ON n.oid = r.relnamespace
JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum = ANY (c.conkey)
WHERE c.contype = 'p' AND n.nspname = $1 AND r.relname = $2
ORDER BY a.attnum`
}

// MapType implements source.Dialect: PostgreSQL's mapping plus Redshift's own types.
func (Dialect) MapType(c source.SourceColumn) source.Mapping {
	switch source.ParseType(c.Type).Base {
	case "super":
		return source.Mapping{TargetType: "VARIANT"}
	case "binary varying", "varbinary":
		return source.Mapping{TargetType: "BINARY"}
	case "geometry", "geography", "hllsketch":
		return source.Mapping{TargetType: "VARCHAR"}
	case "numeric":
		// Redshift always reports precision and scale; a bare numeric is (18,0).
		p := source.ParseType(c.Type)
		if !p.HasMods {
			return source.Mapping{TargetType: "NUMBER(18,0)"}
		}
	}
	return source.MapPostgres(c)
}

// PlanColumn implements source.Dialect.
func (d Dialect) PlanColumn(c migration.Column) (source.ColumnPlan, error) {
	return source.PlanColumn(c, caster{source.PGCaster{Quote: d.QuoteIdent}})
}

// caster handles Redshift's own types and defers to PostgreSQL's casts.
type caster struct{ source.PGCaster }

func (c caster) CastExpr(q string, st source.ParsedType, tt source.TargetType) (string, source.Wire, error) {
	switch st.Base {
	case "super":
		if tt.Kind == source.TargetSemi || tt.Kind == source.TargetText {
			return "json_serialize(" + q + ")", source.WireText, nil
		}
	case "binary varying", "varbinary":
		if tt.Kind == source.TargetBinary {
			return "to_hex(" + q + ")", source.WireHexText, nil
		}
		if tt.Kind == source.TargetText {
			return "to_hex(" + q + ")", source.WireText, nil
		}
	case "geometry", "geography":
		if tt.Kind == source.TargetText {
			return "ST_AsText(" + q + ")", source.WireText, nil
		}
		return "", 0, fmt.Errorf("%s travels as WKT text; map it to VARCHAR", st.Base)
	case "hllsketch":
		return q + "::varchar(65535)", source.WireText, nil
	}
	if tt.Kind == source.TargetSemi && st.Base != "super" {
		// Redshift has no to_json: a scalar becomes a JSON string through SUPER.
		return "json_serialize(" + q + "::super)", source.WireText, nil
	}
	expr, w, err := c.PGCaster.CastExpr(q, st, tt)
	if err != nil {
		return "", 0, err
	}
	if w == source.WireText && expr == q+"::text" {
		expr = q + "::varchar(65535)" // Redshift's text and bare varchar are varchar(256)
	}
	return expr, w, nil
}
