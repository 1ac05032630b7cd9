package redshift

// catalogSQL installs, idempotently, what the local Redshift serves in every database it
// opens: Redshift's types as domains and Redshift's catalog views, in pg_catalog (as in
// Redshift, so they resolve whatever the search_path), and the emulator's own
// bookkeeping in schema redshift_emulator. It runs as one simple-protocol query by a
// superuser (creating in pg_catalog needs allow_system_table_mods).
const catalogSQL = `
SET allow_system_table_mods = on;
SET client_min_messages = warning;
CREATE SCHEMA IF NOT EXISTS redshift_emulator;
CREATE TABLE IF NOT EXISTS redshift_emulator.table_attrs (
	reloid oid PRIMARY KEY,
	relname text NOT NULL,
	diststyle text NOT NULL,
	distkey text,
	sortkeys text[] NOT NULL DEFAULT '{}',
	sortstyle text NOT NULL DEFAULT 'AUTO'
);
DO $rs$
BEGIN
	IF to_regtype('pg_catalog.super') IS NULL THEN
		CREATE DOMAIN pg_catalog.super AS jsonb;
	END IF;
	IF to_regtype('pg_catalog.varbyte') IS NULL THEN
		CREATE DOMAIN pg_catalog.varbyte AS bytea;
	END IF;
	IF to_regtype('geometry') IS NULL THEN
		CREATE DOMAIN pg_catalog.geometry AS text;
	END IF;
	IF to_regtype('geography') IS NULL THEN
		CREATE DOMAIN pg_catalog.geography AS text;
	END IF;
	IF to_regtype('pg_catalog.hllsketch') IS NULL THEN
		CREATE DOMAIN pg_catalog.hllsketch AS text;
	END IF;
END
$rs$;

CREATE OR REPLACE FUNCTION pg_catalog.json_parse(text) RETURNS pg_catalog.super
	LANGUAGE sql IMMUTABLE STRICT AS $$ SELECT $1::jsonb::pg_catalog.super $$;
CREATE OR REPLACE FUNCTION pg_catalog.json_serialize(pg_catalog.super) RETURNS text
	LANGUAGE sql IMMUTABLE STRICT AS $$ SELECT $1::jsonb::text $$;

CREATE OR REPLACE FUNCTION pg_catalog.pg_last_unload_count() RETURNS bigint
	LANGUAGE sql STABLE AS $$ SELECT coalesce(nullif(current_setting('redshift.last_unload_count', true), ''), '0')::bigint $$;

-- Redshift functions over its own types
CREATE OR REPLACE FUNCTION pg_catalog.to_hex(bytea) RETURNS text
	LANGUAGE sql IMMUTABLE STRICT AS $$ SELECT pg_catalog.encode($1, 'hex') $$;
CREATE OR REPLACE FUNCTION pg_catalog.to_varbyte(text, text) RETURNS pg_catalog.varbyte
	LANGUAGE sql IMMUTABLE STRICT AS $$
	SELECT (CASE lower($2) WHEN 'utf8' THEN pg_catalog.convert_to($1, 'UTF8')
		WHEN 'binary' THEN pg_catalog.decode(pg_catalog.translate($1, '01', '01'), 'escape')
		ELSE pg_catalog.decode($1, lower($2)) END)::pg_catalog.varbyte $$;
CREATE OR REPLACE FUNCTION pg_catalog.from_varbyte(bytea, text) RETURNS text
	LANGUAGE sql IMMUTABLE STRICT AS $$
	SELECT CASE lower($2) WHEN 'utf8' THEN pg_catalog.convert_from($1, 'UTF8') ELSE pg_catalog.encode($1, lower($2)) END $$;
CREATE OR REPLACE FUNCTION pg_catalog.to_super(text) RETURNS pg_catalog.super
	LANGUAGE sql IMMUTABLE AS $$ SELECT pg_catalog.to_jsonb($1)::pg_catalog.super $$;
CREATE OR REPLACE FUNCTION pg_catalog.to_super(anyelement) RETURNS pg_catalog.super
	LANGUAGE sql IMMUTABLE AS $$ SELECT (CASE WHEN pg_catalog.pg_typeof($1) IN ('jsonb'::regtype, 'pg_catalog.super'::regtype)
		THEN $1::text::jsonb ELSE pg_catalog.to_jsonb($1) END)::pg_catalog.super $$;
DO $rs$
BEGIN
	-- spatial functions over GEOMETRY/GEOGRAPHY kept as text (not when PostGIS is there)
	IF (SELECT t.typtype FROM pg_catalog.pg_type t WHERE t.oid = to_regtype('geometry')) = 'd' THEN
		CREATE OR REPLACE FUNCTION pg_catalog.st_astext(pg_catalog.geometry) RETURNS text
			LANGUAGE sql IMMUTABLE STRICT AS 'SELECT $1::text';
		CREATE OR REPLACE FUNCTION pg_catalog.st_asewkt(pg_catalog.geometry) RETURNS text
			LANGUAGE sql IMMUTABLE STRICT AS 'SELECT $1::text';
		CREATE OR REPLACE FUNCTION pg_catalog.st_geomfromtext(text) RETURNS pg_catalog.geometry
			LANGUAGE sql IMMUTABLE STRICT AS 'SELECT $1::pg_catalog.geometry';
		CREATE OR REPLACE FUNCTION pg_catalog.st_geomfromtext(text, integer) RETURNS pg_catalog.geometry
			LANGUAGE sql IMMUTABLE STRICT AS 'SELECT $1::pg_catalog.geometry';
	END IF;
	IF (SELECT t.typtype FROM pg_catalog.pg_type t WHERE t.oid = to_regtype('geography')) = 'd' THEN
		CREATE OR REPLACE FUNCTION pg_catalog.st_astext(pg_catalog.geography) RETURNS text
			LANGUAGE sql IMMUTABLE STRICT AS 'SELECT $1::text';
	END IF;
END
$rs$;

-- STABLE (not the default VOLATILE) so that a query's filter on schema and table
-- reaches inside svv_table_info and only the tables asked about are counted
CREATE OR REPLACE FUNCTION redshift_emulator.rel_size(oid) RETURNS bigint
	LANGUAGE sql STABLE AS $$ SELECT pg_catalog.pg_total_relation_size($1) $$;
CREATE OR REPLACE FUNCTION redshift_emulator.count_rows(regclass) RETURNS bigint
	LANGUAGE plpgsql STABLE AS $$
DECLARE n bigint;
BEGIN
	EXECUTE 'SELECT count(*) FROM ' || $1::text INTO n;
	RETURN n;
END $$;

-- Redshift's name of a column type, as SVV_COLUMNS reports it.
CREATE OR REPLACE FUNCTION redshift_emulator.type_name(oid) RETURNS text
	LANGUAGE sql STABLE AS $$
SELECT CASE t.typname
	WHEN 'super' THEN 'super'
	WHEN 'varbyte' THEN 'binary varying'
	WHEN 'geometry' THEN 'geometry'
	WHEN 'geography' THEN 'geography'
	WHEN 'hllsketch' THEN 'hllsketch'
	WHEN 'text' THEN 'character varying'
	ELSE pg_catalog.format_type($1, NULL) END
FROM pg_catalog.pg_type t WHERE t.oid = $1 $$;

CREATE OR REPLACE VIEW redshift_emulator.user_tables AS
SELECT c.oid AS reloid, n.nspname AS schemaname, c.relname AS tablename, c.relkind
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm')
	AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'redshift_emulator', 'pg_toast')
	AND n.nspname NOT LIKE 'pg_temp%' AND n.nspname NOT LIKE 'pg_toast_temp%';

CREATE OR REPLACE VIEW pg_catalog.svv_tables AS
SELECT pg_catalog.current_database()::varchar(128) AS table_catalog,
	u.schemaname::varchar(128) AS table_schema,
	u.tablename::varchar(128) AS table_name,
	(CASE WHEN u.relkind IN ('v', 'm') THEN 'VIEW' ELSE 'BASE TABLE' END)::varchar(128) AS table_type,
	pg_catalog.obj_description(u.reloid, 'pg_class')::varchar(128) AS remarks
FROM redshift_emulator.user_tables u;

CREATE OR REPLACE VIEW pg_catalog.svv_columns AS
SELECT pg_catalog.current_database()::varchar(128) AS table_catalog,
	u.schemaname::varchar(128) AS table_schema,
	u.tablename::varchar(128) AS table_name,
	a.attname::varchar(128) AS column_name,
	a.attnum::int AS ordinal_position,
	pg_catalog.pg_get_expr(d.adbin, d.adrelid)::varchar(4000) AS column_default,
	(CASE WHEN a.attnotnull THEN 'NO' ELSE 'YES' END)::varchar(3) AS is_nullable,
	redshift_emulator.type_name(a.atttypid)::varchar(128) AS data_type,
	(CASE WHEN t.typname = 'text' THEN 256
		WHEN t.typname = 'varbyte' THEN 64000
		ELSE information_schema._pg_char_max_length(a.atttypid, a.atttypmod) END)::int AS character_maximum_length,
	information_schema._pg_numeric_precision(a.atttypid, a.atttypmod)::int AS numeric_precision,
	information_schema._pg_numeric_precision_radix(a.atttypid, a.atttypmod)::int AS numeric_precision_radix,
	information_schema._pg_numeric_scale(a.atttypid, a.atttypmod)::int AS numeric_scale,
	information_schema._pg_datetime_precision(a.atttypid, a.atttypmod)::int AS datetime_precision,
	NULL::varchar(128) AS interval_type,
	NULL::varchar(128) AS interval_precision,
	NULL::varchar(128) AS character_set_catalog,
	NULL::varchar(128) AS character_set_schema,
	NULL::varchar(128) AS character_set_name,
	NULL::varchar(128) AS collation_catalog,
	NULL::varchar(128) AS collation_schema,
	NULL::varchar(128) AS collation_name,
	NULL::varchar(128) AS domain_name,
	pg_catalog.col_description(u.reloid, a.attnum)::varchar(128) AS remarks
FROM redshift_emulator.user_tables u
JOIN pg_catalog.pg_attribute a ON a.attrelid = u.reloid AND a.attnum > 0 AND NOT a.attisdropped
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum;

CREATE OR REPLACE VIEW redshift_emulator.attrs AS
SELECT u.reloid,
	coalesce(x.diststyle, 'AUTO') AS diststyle,
	x.distkey,
	coalesce(x.sortkeys, '{}') AS sortkeys,
	coalesce(x.sortstyle, 'AUTO') AS sortstyle
FROM redshift_emulator.user_tables u
LEFT JOIN redshift_emulator.table_attrs x ON x.reloid = u.reloid AND x.relname = u.tablename;

CREATE OR REPLACE VIEW pg_catalog.svv_table_info AS
SELECT * FROM (
SELECT pg_catalog.current_database()::text AS database,
	u.schemaname::text AS "schema",
	u.reloid::int AS table_id,
	u.tablename::text AS "table",
	'N'::char(1) AS encoded,
	(CASE x.diststyle
		WHEN 'KEY' THEN 'KEY(' || x.distkey || ')'
		WHEN 'EVEN' THEN 'EVEN'
		WHEN 'ALL' THEN 'ALL'
		ELSE 'AUTO(ALL)' END)::text AS diststyle,
	(CASE WHEN pg_catalog.cardinality(x.sortkeys) > 0 THEN
		(CASE WHEN x.sortstyle = 'INTERLEAVED' THEN 'INTERLEAVED' ELSE x.sortkeys[1] END)
		ELSE 'AUTO(SORTKEY)' END)::text AS sortkey1,
	0::int AS max_varchar,
	(CASE WHEN pg_catalog.cardinality(x.sortkeys) > 0 THEN 'none' END)::char(32) AS sortkey1_enc,
	pg_catalog.cardinality(x.sortkeys)::int AS sortkey_num,
	greatest(1, ceil(redshift_emulator.rel_size(u.reloid) / 1048576.0))::bigint AS size,
	0.0001::numeric(10,4) AS pct_used,
	0::bigint AS empty,
	0.00::numeric(5,2) AS unsorted,
	0.00::numeric(5,2) AS stats_off,
	redshift_emulator.count_rows(u.reloid::regclass)::numeric(38,0) AS tbl_rows,
	NULL::numeric(19,2) AS skew_sortkey1,
	1.00::numeric(19,2) AS skew_rows,
	NULL::numeric(38,0) AS estimated_visible_rows,
	NULL::text AS risk_event,
	NULL::numeric(12,2) AS vacuum_sort_benefit,
	NULL::timestamp AS create_time
FROM redshift_emulator.user_tables u
JOIN redshift_emulator.attrs x ON x.reloid = u.reloid
WHERE u.relkind IN ('r', 'p')
) i WHERE i.tbl_rows > 0;

CREATE OR REPLACE VIEW pg_catalog.pg_table_def AS
SELECT u.schemaname::name AS schemaname,
	u.tablename::name AS tablename,
	a.attname::name AS "column",
	pg_catalog.format_type(a.atttypid, a.atttypmod)::text AS type,
	'none'::char(32) AS encoding,
	(x.diststyle = 'KEY' AND x.distkey = a.attname::text) AS distkey,
	coalesce((CASE WHEN x.sortstyle = 'INTERLEAVED' THEN -1 ELSE 1 END)
		* pg_catalog.array_position(x.sortkeys, a.attname::text), 0)::int AS sortkey,
	a.attnotnull AS notnull
FROM redshift_emulator.user_tables u
JOIN redshift_emulator.attrs x ON x.reloid = u.reloid
JOIN pg_catalog.pg_attribute a ON a.attrelid = u.reloid AND a.attnum > 0 AND NOT a.attisdropped
WHERE u.relkind IN ('r', 'p') AND pg_catalog.pg_table_is_visible(u.reloid);

CREATE OR REPLACE FUNCTION redshift_emulator.set_attrs(tbl text, diststyle text, distkey text, sortkeys text[], sortstyle text)
	RETURNS int LANGUAGE plpgsql VOLATILE AS $$
DECLARE r regclass := tbl::regclass;
BEGIN
	INSERT INTO redshift_emulator.table_attrs AS t (reloid, relname, diststyle, distkey, sortkeys, sortstyle)
	SELECT c.oid, c.relname, set_attrs.diststyle, set_attrs.distkey, set_attrs.sortkeys, set_attrs.sortstyle
	FROM pg_catalog.pg_class c WHERE c.oid = r
	ON CONFLICT (reloid) DO UPDATE SET relname = excluded.relname, diststyle = excluded.diststyle,
		distkey = excluded.distkey, sortkeys = excluded.sortkeys, sortstyle = excluded.sortstyle;
	RETURN 1;
END $$;
RESET allow_system_table_mods;
RESET client_min_messages;
`

// usersSQL creates the login list in the --postgres database.
const usersSQL = `
SET client_min_messages = warning;
CREATE SCHEMA IF NOT EXISTS redshift_emulator;
CREATE TABLE IF NOT EXISTS redshift_emulator.users (
	name text PRIMARY KEY,
	md5 text,
	created timestamptz NOT NULL DEFAULT now()
);
RESET client_min_messages;
`
